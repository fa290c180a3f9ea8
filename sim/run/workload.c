#include "run/workload.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "core/dist.h"
#include "core/heap.h"
#include "core/rng.h"
#include "workload/trace.h"
#include "workload/tscale.h"

struct source {
	const struct workload_source_ops *ops;
	void *state;
	struct arrival next;
	struct arrival ahead;     /* read one ahead, when has_ahead */
	uint64_t read_seq;        /* pull mode: when next was read */
	int ahead_rc, has_ahead;
	struct workload *w;
};

struct workload {
	const struct scenario *sc;
	struct engine *engine;
	workload_sink_fn *sink;
	void *sink_ctx;
	struct errbuf *err;
	struct source *src;
	size_t n_src, cap_src;
	uint64_t arrivals;
	int status;
	workload_hint_fn *hint;
	/* Pull mode: sources with a pending arrival, a min-heap on
	 * (next.t_s, read_seq). */
	uint32_t *pull_heap;
	size_t n_pull;
	uint64_t read_seq;
	int pulling;
};

/* ---- Poisson and periodic processes ------------------------------------ */

struct process_src {
	const struct arrivals_cfg *cfg;
	uint32_t fn;
	gsl_rng *rng;
	double t_s;       /* poisson: last arrival */
	uint64_t k;       /* periodic: index of the next arrival */
};

static int process_next(void *p, struct arrival *a, struct errbuf *err)
{
	(void)err;
	struct process_src *s = p;
	if (s->cfg->process == ARRIVALS_POISSON) {
		if (!(s->cfg->rate_per_s > 0))
			return 0;
		s->t_s += dist_exp_draw(s->rng, 1.0 / s->cfg->rate_per_s);
		a->t_s = s->t_s;
	} else {
		double jitter = s->cfg->jitter_s > 0 ? gsl_rng_uniform(s->rng) * s->cfg->jitter_s : 0;
		a->t_s = s->cfg->phase_s + (double)s->k++ * s->cfg->period_s + jitter;
	}
	a->function = s->fn;
	a->duration_s = NAN;
	a->prompt_tokens = a->output_tokens = 0;
	return 1;
}

static void process_close(void *p)
{
	struct process_src *s = p;
	gsl_rng_free(s->rng);
	free(s);
}

static const struct workload_source_ops process_ops = {
	.next = process_next,
	.close = process_close,
};

/* ---- arrivals.process "trace": the csv format's reader ------------------ */

struct csv_src {
	const struct scenario *sc;
	struct trace_csv_stream *stream;
	long last_fn;
	char last_name[256];
	struct tscale scaled;     /* when is_scaled: arrivals.traffic_scale != 1 */
	int is_scaled;
};

/* The scenario function a row names, which must take its arrivals from this
 * file. Consecutive rows often name the same function: skip the lookup. */
static int csv_function(struct csv_src *s, const char *name, unsigned long long line, struct errbuf *err)
{
	const char *path = trace_csv_stream_path(s->stream);
	if (s->last_fn >= 0 && strcmp(name, s->last_name) == 0)
		return 0;
	long fn = scenario_function_index(s->sc, name);
	if (fn < 0)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: unknown function \"%.100s\" (not in the scenario)", path,
				  line, name);
	const struct arrivals_cfg *ac = &s->sc->functions[fn].arrivals;
	if (ac->process != ARRIVALS_TRACE || strcmp(ac->trace_path, path) != 0)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: function \"%.100s\" does not take its arrivals from this trace",
				  path, line, name);
	s->last_fn = fn;
	snprintf(s->last_name, sizeof(s->last_name), "%s", name);
	return 0;
}

static int csv_read(void *p, void *rec, struct errbuf *err)
{
	struct csv_src *s = p;
	struct arrival *a = rec;
	const char *name;
	unsigned long long line;
	int rc = trace_csv_stream_next(s->stream, &a->t_s, &name, &line, err);
	if (rc <= 0)
		return rc;
	if ((rc = csv_function(s, name, line, err)) < 0 ||
	    (rc = trace_csv_stream_duration(s->stream, &a->duration_s, err)) < 0)
		return rc;
	a->function = (uint32_t)s->last_fn;
	a->prompt_tokens = a->output_tokens = 0;
	return 1;
}

static int csv_next(void *p, struct arrival *a, struct errbuf *err)
{
	struct csv_src *s = p;
	return s->is_scaled ? tscale_next(&s->scaled, a, err) : csv_read(s, a, err);
}

static void csv_close(void *p)
{
	struct csv_src *s = p;
	if (s->is_scaled)
		tscale_free(&s->scaled);
	trace_csv_stream_close(s->stream);
	free(s);
}

static const struct workload_source_ops csv_ops = {
	.next = csv_next,
	.close = csv_close,
};

/* The file of function fn's arrivals, scaled by its traffic_scale (its own
 * random stream: seed, replication, fn). */
static int open_csv_trace(struct workload *w, uint32_t replication, size_t fn, struct errbuf *err)
{
	const struct arrivals_cfg *a = &w->sc->functions[fn].arrivals;
	struct csv_src *s = calloc(1, sizeof(*s));
	if (!s)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	s->sc = w->sc;
	s->last_fn = -1;
	int rc = trace_csv_stream_open(a->trace_path, &s->stream, err);
	if (rc == 0 && a->traffic_scale != 1) {
		s->is_scaled = 1;
		rc = tscale_init(&s->scaled, a->traffic_scale,
				 rng_stream(w->sc->seed, replication, (uint32_t)fn, RNG_SCALE), sizeof(struct arrival),
				 offsetof(struct arrival, t_s), csv_read, s, err);
		if (rc < 0)
			s->is_scaled = 0;
	}
	if (rc < 0) {
		if (s->stream)
			trace_csv_stream_close(s->stream);
		free(s);
		return rc;
	}
	return workload_add_source(w, &csv_ops, s, err);
}

/* ---- the scenario's "workload" (trace.h) ---------------------------------- */

struct wl_src {
	struct trace_reader *reader;
	uint32_t *map;
};

static int wl_next(void *p, struct arrival *a, struct errbuf *err)
{
	struct wl_src *s = p;
	struct trace_arrival ta;
	int rc = trace_next(s->reader, &ta, err);
	if (rc <= 0)
		return rc;
	a->t_s = ta.t_s;
	a->function = ta.fn;
	a->duration_s = ta.duration_s;
	a->prompt_tokens = ta.prompt_tokens;
	a->output_tokens = ta.output_tokens;
	return 1;
}

static void wl_close(void *p)
{
	struct wl_src *s = p;
	trace_close(s->reader);
	free(s->map);
	free(s);
}

static const struct workload_source_ops wl_ops = {
	.next = wl_next,
	.close = wl_close,
};

/* Trace functions map to the scenario's functions of the same name; those
 * the sampling dropped (and the scenario does not list) are skipped. */
static int open_workload(struct workload *w, uint32_t replication, struct errbuf *err)
{
	const struct trace *t = w->sc->workload;
	size_t n = trace_n_functions(t);
	struct wl_src *s = calloc(1, sizeof(*s));
	if (!s || !(s->map = malloc((n + 1) * sizeof(*s->map)))) {
		free(s);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		long fn = scenario_function_index(w->sc, trace_function(t, i)->name);
		s->map[i] = fn < 0 ? UINT32_MAX : (uint32_t)fn;
	}
	int rc = trace_open(t, w->sc->seed, replication, s->map, &s->reader, err);
	if (rc < 0) {
		free(s->map);
		free(s);
		return rc;
	}
	return workload_add_source(w, &wl_ops, s, err);
}

/* ---- scheduling -------------------------------------------------------- */

static void on_arrival(void *ctx, uint64_t arg);

/* Fetches the source's next arrival and schedules it, or retires the source. */
static int advance(struct workload *w, size_t i)
{
	struct source *s = &w->src[i];
	int rc;
	if (s->has_ahead) {
		s->has_ahead = 0;
		s->next = s->ahead;
		rc = s->ahead_rc;
	} else {
		rc = s->ops->next(s->state, &s->next, w->err);
	}
	if (rc < 0) {
		w->status = rc;
		engine_stop(w->engine);
		return rc;
	}
	if (rc == 0 || s->next.t_s > w->sc->duration_s)
		return 0;
	/* Traces before the start are replayed from time zero onwards. */
	double now = engine_now(w->engine);
	if (s->next.t_s < now)
		s->next.t_s = now;
	/* Late: whatever else happens at an arrival's instant (a completion,
	 * a keep-alive expiry) has happened when it arrives, as in pull mode. */
	if (!engine_at_late(w->engine, s->next.t_s, on_arrival, w, i)) {
		w->status = errbuf_set(w->err, ERR_RUNTIME, "cannot schedule an arrival: %s",
				       engine_failed(w->engine));
		engine_stop(w->engine);
		return w->status;
	}
	return 0;
}

static void on_arrival(void *ctx, uint64_t arg)
{
	struct workload *w = ctx;
	struct source *s = &w->src[arg];
	w->arrivals++;
	if (w->hint) {
		/* Sources draw from their own streams, so reading ahead changes
		 * no value; the next arrival is still scheduled after this one is
		 * delivered, as without the hint (same event order). */
		s->ahead_rc = s->ops->next(s->state, &s->ahead, w->err);
		s->has_ahead = 1;
		if (s->ahead_rc > 0)
			w->hint(w->sink_ctx, s->ahead.function);
	}
	int rc = w->sink(w->sink_ctx, &s->next, w->err);
	if (rc < 0) {
		w->status = rc;
		engine_stop(w->engine);
		return;
	}
	advance(w, (size_t)arg);
}

int workload_add_source(struct workload *w, const struct workload_source_ops *ops, void *src,
			struct errbuf *err)
{
	if (w->n_src == w->cap_src) {
		size_t cap = w->cap_src ? w->cap_src * 2 : 8;
		void *q = realloc(w->src, cap * sizeof(*w->src));
		if (!q) {
			ops->close(src);
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		}
		w->src = q;
		w->cap_src = cap;
	}
	w->src[w->n_src++] = (struct source){ .ops = ops, .state = src, .w = w };
	return 0;
}

int workload_new(const struct scenario *sc, struct engine *e, uint32_t replication,
		 workload_sink_fn *sink, void *sink_ctx, struct workload **out, struct errbuf *err)
{
	*out = NULL;
	struct workload *w = calloc(1, sizeof(*w));
	if (!w)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	w->sc = sc;
	w->engine = e;
	w->sink = sink;
	w->sink_ctx = sink_ctx;
	w->err = err;
	int rc = sc->workload ? open_workload(w, replication, err) : 0;
	if (rc < 0) {
		workload_free(w);
		return rc;
	}
	for (size_t i = 0; i < sc->n_functions; i++) {
		const struct arrivals_cfg *a = &sc->functions[i].arrivals;
		if (a->process == ARRIVALS_WORKLOAD) {
			continue;
		} else if (a->process == ARRIVALS_TRACE) {
			/* One reader per file, however many functions it drives. */
			size_t j = 0;
			while (j < i && !(sc->functions[j].arrivals.process == ARRIVALS_TRACE &&
					  strcmp(sc->functions[j].arrivals.trace_path, a->trace_path) == 0))
				j++;
			if (j == i)
				rc = open_csv_trace(w, replication, i, err);
			else if (sc->functions[j].arrivals.traffic_scale != a->traffic_scale)
				rc = errbuf_set(err, ERR_INPUT,
						"%s: functions[%zu].arrivals.traffic_scale (%g) differs from functions[%zu]'s (%g), which reads the same file",
						sc->path, i, a->traffic_scale, j, sc->functions[j].arrivals.traffic_scale);
		} else {
			struct process_src *s = calloc(1, sizeof(*s));
			if (s)
				s->rng = rng_stream(sc->seed, replication, (uint32_t)i, RNG_ARRIVALS);
			if (!s || !s->rng) {
				free(s);
				rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
			} else {
				s->cfg = a;
				s->fn = (uint32_t)i;
				rc = workload_add_source(w, &process_ops, s, err);
			}
		}
		if (rc < 0) {
			workload_free(w);
			return rc;
		}
	}
	*out = w;
	return 0;
}

int workload_start(struct workload *w, struct errbuf *err)
{
	(void)err;
	for (size_t i = 0; i < w->n_src && w->status == 0; i++)
		advance(w, i);
	return w->status;
}

int workload_status(const struct workload *w)
{
	return w->status;
}

void workload_set_hint(struct workload *w, workload_hint_fn *hint)
{
	w->hint = hint;
}

uint64_t workload_arrivals(const struct workload *w)
{
	return w->arrivals;
}

/* ---- pull mode --------------------------------------------------------- */

static int pull_less(const struct workload *w, uint32_t a, uint32_t b)
{
	const struct source *x = &w->src[a], *y = &w->src[b];
	if (x->next.t_s != y->next.t_s)
		return x->next.t_s < y->next.t_s;
	return x->read_seq < y->read_seq;
}

HEAP_DEFINE(pull_heap, uint32_t, 2, const struct workload *, pull_less, HEAP_PLACE_NONE)

/* Reads source i's next arrival (not before now_s, as the scheduled mode
 * replays earlier trace times at the current time). 1: it has one before
 * the end, 0: retired, <0: error. */
static int pull_read(struct workload *w, size_t i, double now_s)
{
	struct source *s = &w->src[i];
	int rc = s->ops->next(s->state, &s->next, w->err);
	if (rc < 0)
		return w->status = rc;
	if (rc == 0 || s->next.t_s > w->sc->duration_s)
		return 0;
	if (s->next.t_s < now_s)
		s->next.t_s = now_s;
	s->read_seq = w->read_seq++;
	return 1;
}

int workload_pull(struct workload *w, struct arrival *a)
{
	if (w->status < 0)
		return w->status;
	if (!w->pulling) {
		w->pulling = 1;
		w->pull_heap = malloc((w->n_src + 1) * sizeof(*w->pull_heap));
		if (!w->pull_heap)
			return w->status = errbuf_set(w->err, ERR_RUNTIME, "out of memory");
		for (size_t i = 0; i < w->n_src; i++) {
			int rc = pull_read(w, i, 0);
			if (rc < 0)
				return rc;
			if (rc > 0)
				w->n_pull = pull_heap_push(w, w->pull_heap, w->n_pull, (uint32_t)i);
		}
	}
	if (w->n_pull == 0)
		return 0;
	uint32_t i = w->pull_heap[0];
	/* Field by field: the source has just written them one by one, and a
	 * wider load spanning two of those stores would wait for them. */
	const struct arrival *n = &w->src[i].next;
	a->t_s = n->t_s;
	a->function = n->function;
	a->duration_s = n->duration_s;
	a->prompt_tokens = n->prompt_tokens;
	a->output_tokens = n->output_tokens;
	w->arrivals++;
	int rc = pull_read(w, i, a->t_s);
	if (rc < 0)
		return rc;
	/* The source at the top has a new key, or is gone. */
	if (rc == 0)
		w->n_pull = pull_heap_remove(w, w->pull_heap, w->n_pull, 0);
	else
		pull_heap_sift_down(w, w->pull_heap, w->n_pull, 0, i);
	return 1;
}

void workload_free(struct workload *w)
{
	if (!w)
		return;
	free(w->pull_heap);
	for (size_t i = 0; i < w->n_src; i++)
		w->src[i].ops->close(w->src[i].state);
	free(w->src);
	free(w);
}
