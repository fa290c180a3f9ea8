#include "run/run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "core/engine.h"
#include "platform/platform.h"
#include "run/collect.h"
#include "run/drive.h"
#include "run/partition.h"
#include "run/workload.h"

/* One replication run serially: all functions on one platform and engine,
 * the workload's arrivals as timers. */
struct serial_run {
	struct drive d;             /* first (see drive.h) */
	struct engine *engine;
	struct platform *platform;
	struct workload *workload;
};

static int on_arrival(void *ctx, const struct arrival *a, struct errbuf *err)
{
	struct serial_run *sr = ctx;
	double now = engine_now(sr->engine);
	if (sr->d.stop && *sr->d.stop)
		return errbuf_set(err, ERR_INTERRUPTED, "interrupted");
	if (sr->d.progress && (workload_arrivals(sr->workload) & 0xffff) == 0)
		drive_progress(&sr->d, now, workload_arrivals(sr->workload));
	return platform_arrive_tokens(sr->platform, a->function, a->duration_s, a->prompt_tokens, a->output_tokens,
				      now >= sr->d.sc->warmup_s, err);
}

/* The workload's next arrival will be for fn: fetch its records now. */
static void on_hint(void *ctx, uint32_t fn)
{
	struct serial_run *sr = ctx;
	platform_prefetch(sr->platform, fn);
	collect_prefetch(&sr->d.c, fn);
}

static void end_of_window(void *ctx, uint64_t arg)
{
	(void)ctx;
	(void)arg;
}

/* Everything but the measurements (sr->d.c). */
static void serial_free(struct serial_run *sr)
{
	workload_free(sr->workload);
	platform_free(sr->platform);
	engine_free(sr->engine);
}

/* The engine, the platform and the workload, ready to start. */
static int serial_start(struct serial_run *sr, const struct run_options *opt)
{
	const struct scenario *sc = sr->d.sc;
	uint32_t rep = sr->d.replication;
	int rc;
	struct platform_observer obs = collect_observer(&sr->d.c);
	sr->engine = sr->d.c.engine = engine_new(0);
	if (!sr->engine)
		return errbuf_set(sr->d.err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	sr->platform = platform_new(sc, sr->engine, rep, &obs, sr->d.err);
	if (!sr->platform)
		return ERR_RUNTIME;
	if ((rc = workload_new(sc, sr->engine, rep, on_arrival, sr, &sr->workload, sr->d.err)) < 0)
		return rc;
	if (sr->d.c.prefetch)
		workload_set_hint(sr->workload, on_hint);
	/* The clock reaches duration_s even when the last event is earlier, so
	 * instances that never expire (provisioned, lru) count to its end. */
	if (!engine_at(sr->engine, sc->duration_s, end_of_window, sr, 0))
		return errbuf_set(sr->d.err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	if (opt && opt->add_sources &&
	    (rc = opt->add_sources(opt->sources_ctx, sr->workload, sc, rep, sr->d.err)) < 0)
		return rc;
	return 0;
}

/* Runs the started replication to its end. */
static int serial_go(struct serial_run *sr)
{
	int rc = workload_start(sr->workload, sr->d.err);
	if (rc < 0)
		return rc;
	/* Arrivals stop at duration_s; requests in flight and keep-alive timers
	 * run out after it, so every instance's lifespan is complete. */
	engine_run(sr->engine);
	collect_lat_flush(&sr->d.c);
	if ((rc = workload_status(sr->workload)) < 0)
		return rc;
	if (sr->d.c.failed)
		return sr->d.c.failed;
	if (platform_status(sr->platform) < 0)
		return ERR_RUNTIME;     /* its message is there */
	if (engine_failed(sr->engine))
		return errbuf_set(sr->d.err, ERR_RUNTIME, "replication %u: %s", sr->d.replication,
				  engine_failed(sr->engine));
	collect_close_provisioned(&sr->d.c, sr->d.sc->duration_s);
	platform_finish(sr->platform);
	platform_model_loads(sr->platform, &sr->d.c.loads);
	sr->d.c.events = engine_fired(sr->engine);
	return sr->d.c.failed;
}

/* Runs replication rep on one platform; on success *out holds its
 * measurements (not finished), to be freed by the caller. */
static int serial_run(const struct scenario *sc, uint32_t rep, const struct run_options *opt,
		      struct collect *out, struct errbuf *err)
{
	struct serial_run *sr = calloc(1, sizeof(*sr));
	if (!sr)
		return errbuf_set(err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	int rc = drive_init(&sr->d, sc, rep, opt, err);
	if (rc == 0)
		rc = serial_start(sr, opt);
	if (rc == 0)
		rc = serial_go(sr);
	serial_free(sr);
	drive_end(&sr->d, rc == 0 ? out : NULL);
	free(sr);
	return rc;
}

/* Runs replication rep: in groups when it can (and opt does not ask for one
 * platform), on one platform otherwise or when the groups turn out not to
 * be independent. On success *out holds its finished measurements, to be
 * freed by the caller; err must outlive them. */
static int replication_run(const struct scenario *sc, uint32_t rep, const struct run_options *opt,
			   struct collect *out, struct errbuf *err)
{
	int rc;
	if (partition_possible(sc) && !(opt && opt->serial)) {
		enum partition_outcome outcome;
		rc = partition_run(sc, rep, opt, out, &outcome, err);
		if (rc == 0 && outcome == PARTITION_SERIAL_NEEDED)
			rc = serial_run(sc, rep, opt, out, err);
	} else {
		rc = serial_run(sc, rep, opt, out, err);
	}
	if (rc < 0)
		return rc;
	collect_finish(out);
	return 0;
}

/* A replication's measurements and what went wrong, for run_scenario's
 * threads. */
struct replication {
	struct collect c;
	struct errbuf err;
};

/* Folds one finished replication into the result (called in rep order). */
static int fold(struct run_result *out, const struct scenario *sc, const struct collect *c)
{
	double window = sc->duration_s - sc->warmup_s, v[FIG_COUNT];
	struct fn_stats all;
	for (size_t i = 0; i < sc->n_functions; i++) {
		stats_figures(&c->fn[i], window, sc->pricing, sc->pricing_cfg, v);
		stats_fold_add(&out->functions[i], v);
	}
	int rc = collect_all(c, &all);
	stats_figures(&all, window, sc->pricing, sc->pricing_cfg, v);
	stats_fold_add(&out->totals, v);
	if (out->has_llm) {
		stats_llm_figures(&all, v);
		stats_fold_add(&out->llm, v);
	}
	if (histo_merge(&out->latency, &all.latency) < 0)
		rc = ERR_RUNTIME;
	fn_stats_free(&all);
	for (size_t i = 0; i < out->n_bins; i++) {
		struct ts_bin *d = &out->bins[i], *b = &c->bins[i];
		d->arrivals += b->arrivals;
		d->cold_starts += b->cold_starts;
		d->busy_s += b->busy_s;
		d->idle_s += b->idle_s;
		usage_add(&d->usage, &b->usage);
	}
	out->events += c->events;
	for (int t = 0; t < STORAGE_TIERS; t++) {
		out->loads.count[t] += c->loads.count[t];
		out->loads.seconds[t] += c->loads.seconds[t];
	}
	return rc;
}

int run_replication_totals(const struct scenario *sc, uint32_t rep, double totals[FIG_COUNT],
			   uint64_t *events, const volatile sig_atomic_t *stop, struct errbuf *err)
{
	struct replication *r = calloc(1, sizeof(*r));
	if (!r)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	struct run_options opt = { .stop = stop };
	int rc = replication_run(sc, rep, &opt, &r->c, &r->err);
	if (rc < 0) {
		errbuf_set(err, rc, "%s", r->err.msg);
	} else {
		struct fn_stats all;
		if (collect_all(&r->c, &all) < 0)
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory folding results");
		stats_figures(&all, sc->duration_s - sc->warmup_s, sc->pricing, sc->pricing_cfg, totals);
		fn_stats_free(&all);
		if (events)
			*events = r->c.events;
		collect_free(&r->c);
	}
	free(r);
	return rc;
}

/* The empty result: 0, or ERR_RUNTIME when out of memory. */
static int result_init(struct run_result *out, const struct scenario *sc, struct errbuf *err)
{
	memset(out, 0, sizeof(*out));
	out->n_functions = sc->n_functions;
	stats_fold_init(&out->totals);
	stats_fold_init(&out->llm);
	for (size_t i = 0; i < sc->n_functions; i++)
		out->has_llm |= sc->functions[i].llm.prof != NULL;
	histo_init(&out->latency);
	out->n_bins = (size_t)ceil(sc->duration_s / sc->timeseries_interval_s);
	if (out->n_bins == 0)
		out->n_bins = 1;
	out->functions = calloc(sc->n_functions, sizeof(*out->functions));
	out->bins = calloc(out->n_bins, sizeof(*out->bins));
	if (!out->functions || !out->bins)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < sc->n_functions; i++)
		stats_fold_init(&out->functions[i]);
	return 0;
}

/* Replication r's outcome my_rc into the result, in replication order up
 * to the first one that was interrupted (the output is then a prefix of the
 * full run's); rc is the run's outcome so far. r may be NULL (out of
 * memory, or skipped after a stop). */
static int result_take(struct run_result *out, const struct scenario *sc, int rc,
		       const struct replication *r, int my_rc, struct errbuf *err)
{
	if (rc < 0 || out->interrupted)
		return rc;
	if (my_rc == ERR_INTERRUPTED) {
		out->interrupted = 1;
		return rc;
	}
	if (my_rc < 0)
		return errbuf_set(err, my_rc, "%s", r ? r->err.msg : "out of memory");
	if (fold(out, sc, &r->c) < 0)
		return errbuf_set(err, ERR_RUNTIME, "out of memory folding results");
	out->replications++;
	return rc;
}

int run_scenario(const struct scenario *sc, const struct run_options *opt, struct run_result *out,
		 struct errbuf *err)
{
	double started = drive_wall_s();
	int rc = result_init(out, sc, err);
	if (rc < 0)
		return rc;
#ifdef _OPENMP
	int threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
#else
	int threads = 1;
#endif
	if ((uint32_t)threads > sc->replications)
		threads = (int)sc->replications;
#pragma omp parallel for ordered schedule(dynamic, 1) num_threads(threads)
	for (uint32_t rep = 0; rep < sc->replications; rep++) {
		/* After a stop request, replications not yet started are skipped. */
		int stopped = opt->stop && *opt->stop;
		struct replication *r = stopped ? NULL : malloc(sizeof(*r));
		int my_rc = stopped ? ERR_INTERRUPTED : r ? replication_run(sc, rep, opt, &r->c, &r->err) : ERR_RUNTIME;
#pragma omp ordered
		rc = result_take(out, sc, rc, r, my_rc, err);
		if (r && my_rc == 0)
			collect_free(&r->c);
		free(r);
	}
	if (opt->progress)
		fprintf(stderr, "\r%*s\r", 100, "");
	out->wall_s = drive_wall_s() - started;
	return rc;
}

void run_result_free(struct run_result *r)
{
	free(r->functions);
	free(r->bins);
	histo_free(&r->latency);
	memset(r, 0, sizeof(*r));
}
