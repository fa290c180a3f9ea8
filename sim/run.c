#include "run.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "engine.h"
#include "platform.h"
#include "workload.h"

struct sim {
	const struct scenario *sc;
	uint32_t replication;
	struct engine *engine;
	struct platform *platform;
	struct workload *workload;
	struct errbuf err;

	struct fn_stats *fn;
	double *fn_last_s;          /* when each function's counts last changed */
	uint32_t *prov_level;       /* provisioned instances of each function ... */
	double *prov_since_s;       /* ... since this time */
	/* Peak of the instances of all functions together; the time integrals
	 * of that sum are the sums of the functions' own, added up at the end. */
	uint32_t all_peak;
	struct instance_counts all_counts;
	double all_last_s;
	struct ts_bin *bins;
	size_t n_bins;

	/* Latencies waiting to go into their function's histogram: each
	 * bucket is prefetched when its latency arrives and filled LAT_DELAY
	 * completions later (in arrival order, so each histogram sees the same
	 * sequence of values as without the delay). */
	struct lat_pending { uint32_t fn; int32_t bucket; double value_s; } lat[16];
	uint32_t n_lat, lat_head;
	int prefetch;               /* enough functions that they miss the caches */

	int bills_instances;        /* the pricing model meters instance time */
	int progress;
	const volatile sig_atomic_t *stop;
	double next_progress_wall;
	double started_wall;
};

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint32_t total(const struct instance_counts *c)
{
	return c->initializing + c->busy + c->idle;
}

/* Length of [a, b] inside the measurement window. */
static double in_window(const struct sim *s, double a, double b)
{
	double lo = a > s->sc->warmup_s ? a : s->sc->warmup_s;
	double hi = b < s->sc->duration_s ? b : s->sc->duration_s;
	return hi > lo ? hi - lo : 0;
}

/* Adds the level c, held over [a, b], to st's window integrals and peak. */
static void integrate(struct sim *s, struct fn_stats *st, const struct instance_counts *c,
		      double a, double b, uint32_t memory_mb)
{
	double dt = in_window(s, a, b);
	if (dt > 0) {
		st->instance_s += total(c) * dt;
		st->busy_s += (c->initializing + c->busy) * dt;
		st->idle_s += c->idle * dt;
		st->idle_mb_s += (double)c->idle * memory_mb * dt;
	}
	if (a <= s->sc->duration_s && b >= s->sc->warmup_s && total(c) > st->peak)
		st->peak = total(c);
}

/* Spreads the level c over [a, b] into the time-series intervals. */
static void integrate_bins(struct sim *s, const struct instance_counts *c, double a, double b)
{
	if (b > s->sc->duration_s)
		b = s->sc->duration_s;
	if (b <= a || total(c) == 0)
		return;
	double width = s->sc->timeseries_interval_s;
	size_t i = (size_t)(a / width);
	while (i < s->n_bins && a < b) {
		double end = (double)(i + 1) * width;
		double hi = end < b ? end : b;
		s->bins[i].busy_s += (c->initializing + c->busy) * (hi - a);
		s->bins[i].idle_s += c->idle * (hi - a);
		a = hi;
		i++;
	}
}

static void on_counts(void *ctx, uint32_t fn, double now_s, const struct instance_counts *before,
		      const struct instance_counts *after)
{
	struct sim *s = ctx;
	integrate(s, &s->fn[fn], before, s->fn_last_s[fn], now_s, s->sc->functions[fn].memory_mb);
	s->fn_last_s[fn] = now_s;
	if (now_s > s->all_last_s) {
		if (s->all_last_s <= s->sc->duration_s && now_s >= s->sc->warmup_s &&
		    total(&s->all_counts) > s->all_peak)
			s->all_peak = total(&s->all_counts);
		integrate_bins(s, &s->all_counts, s->all_last_s, now_s);
		s->all_last_s = now_s;
	}
	s->all_counts.initializing += after->initializing - before->initializing;
	s->all_counts.busy += after->busy - before->busy;
	s->all_counts.idle += after->idle - before->idle;
	/* A level that lasts no time still counts toward the peak. */
	if (now_s >= s->sc->warmup_s && now_s <= s->sc->duration_s && total(&s->all_counts) > s->all_peak)
		s->all_peak = total(&s->all_counts);
}

static size_t bin_of(const struct sim *s, double t_s)
{
	size_t i = (size_t)(t_s / s->sc->timeseries_interval_s);
	return i < s->n_bins ? i : s->n_bins - 1;
}

static void meter(const struct sim *s, struct usage *u, const struct request_result *r)
{
	const struct function_cfg *f = &s->sc->functions[r->function];
	struct meter_req m = {
		.memory_mb = f->memory_mb,
		.vcpus = f->vcpus,
		.init_s = r->init_s,
		.run_s = r->run_s,
		.restore = r->restore,
		.provisioned = r->provisioned,
	};
	s->sc->pricing->meter(s->sc->pricing_cfg, u, &m);
}

#define LAT_DELAY 16u

static void lat_flush_one(struct sim *s)
{
	struct lat_pending *l = &s->lat[s->lat_head];
	s->lat_head = (s->lat_head + 1) % LAT_DELAY;
	s->n_lat--;
	if (histo_add_at(&s->fn[l->fn].latency, l->value_s, l->bucket) < 0) {
		errbuf_set(&s->err, ERR_RUNTIME, "out of memory recording latencies");
		engine_stop(s->engine);
	}
}

static void lat_flush(struct sim *s)
{
	while (s->n_lat)
		lat_flush_one(s);
}

static void lat_add(struct sim *s, uint32_t fn, double value_s)
{
	if (!s->prefetch) {
		if (histo_add(&s->fn[fn].latency, value_s) < 0) {
			errbuf_set(&s->err, ERR_RUNTIME, "out of memory recording latencies");
			engine_stop(s->engine);
		}
		return;
	}
	if (s->n_lat == LAT_DELAY)
		lat_flush_one(s);
	int32_t b = histo_bucket_of(value_s);
	histo_prefetch(&s->fn[fn].latency, b);
	s->lat[(s->lat_head + s->n_lat++) % LAT_DELAY] = (struct lat_pending){ fn, b, value_s };
}

static void on_request_done(void *ctx, const struct request_result *r)
{
	struct sim *s = ctx;
	int ran = r->outcome == REQ_COMPLETED || r->outcome == REQ_TIMED_OUT || r->outcome == REQ_OOM;
	struct ts_bin *bin = &s->bins[bin_of(s, r->arrival_s)];
	/* Meters only add (integers): metering once and adding the result to
	 * each total gives the same sums as metering into each. */
	struct usage used = { 0 };
	if (ran) {
		meter(s, &used, r);
		usage_add(&bin->usage, &used);
	}
	if (r->ping) {
		/* Warmer pings: billed apart, never user invocations. */
		if (r->arrival_s >= s->sc->warmup_s) {
			s->fn[r->function].warmer_pings++;
			if (ran)
				usage_add(&s->fn[r->function].warmer_usage, &used);
		}
		return;
	}
	bin->arrivals++;
	bin->cold_starts += r->cold;
	if (!(r->tag & 1))
		return;   /* arrived during warm-up */

	struct fn_stats *st = &s->fn[r->function];
	st->invocations++;
	st->cold_starts += r->cold;
	switch (r->outcome) {
	case REQ_COMPLETED:
		st->completed++;
		lat_add(s, r->function, r->end_s - r->arrival_s);
		break;
	case REQ_TIMED_OUT:
	case REQ_QUEUE_TIMEOUT:
		st->timed_out++;
		break;
	case REQ_REJECTED:
		st->rejected++;
		break;
	case REQ_OOM:
		st->oom++;
		break;
	}
	if (ran)
		usage_add(&st->usage, &used);
}

/* Bills the provisioned level held since prov_since_s up to now_s (within the
 * window) as one period. */
static void close_provisioned(struct sim *s, uint32_t fn, double now_s)
{
	double held = in_window(s, s->prov_since_s[fn], now_s);
	const struct function_cfg *f = &s->sc->functions[fn];
	if (s->prov_level[fn] && held > 0)
		s->sc->pricing->meter_time(s->sc->pricing_cfg, &s->fn[fn].usage, PRICING_TIME_PROVISIONED,
					   f->memory_mb, f->vcpus, s->prov_level[fn], held);
	s->prov_since_s[fn] = now_s;
}

static void on_provisioned(void *ctx, uint32_t fn, double now_s, uint32_t before, uint32_t after)
{
	struct sim *s = ctx;
	(void)before;
	close_provisioned(s, fn, now_s);
	s->prov_level[fn] = after;
}

static void on_released(void *ctx, uint32_t fn, double created_s, double released_s)
{
	struct sim *s = ctx;
	const struct function_cfg *f = &s->sc->functions[fn];
	if (s->bills_instances) {
		/* Instance-based billing: the instance's time in the window, and
		 * spread over the time-series intervals it spans. */
		s->sc->pricing->meter_time(s->sc->pricing_cfg, &s->fn[fn].usage, PRICING_TIME_INSTANCE,
					   f->memory_mb, f->vcpus, 1, in_window(s, created_s, released_s));
		double a = created_s, b = released_s < s->sc->duration_s ? released_s : s->sc->duration_s;
		for (size_t i = bin_of(s, a); a < b && i < s->n_bins; i++) {
			double end = (double)(i + 1) * s->sc->timeseries_interval_s;
			double hi = end < b ? end : b;
			s->sc->pricing->meter_time(s->sc->pricing_cfg, &s->bins[i].usage, PRICING_TIME_INSTANCE,
						   f->memory_mb, f->vcpus, 1, hi - a);
			a = hi;
		}
	}
	if (created_s < s->sc->warmup_s)
		return;
	s->fn[fn].released++;
	s->fn[fn].lifespan_sum_s += released_s - created_s;
}

static void show_progress(struct sim *s, double now_s)
{
	double w = wall_now();
	if (w < s->next_progress_wall)
		return;
	s->next_progress_wall = w + 0.5;
	double frac = now_s / s->sc->duration_s;
	double elapsed = w - s->started_wall;
	double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
#pragma omp critical(progress)
	fprintf(stderr, "\r[replication %u/%u] %5.1f%% of %g s simulated, %llu events, ETA %.0f s   ",
		s->replication + 1, s->sc->replications, 100 * frac, s->sc->duration_s,
		(unsigned long long)engine_fired(s->engine), eta);
}

static int on_arrival(void *ctx, const struct arrival *a, struct errbuf *err)
{
	struct sim *s = ctx;
	double now = engine_now(s->engine);
	if (s->stop && *s->stop)
		return errbuf_set(err, ERR_INTERRUPTED, "interrupted");
	if (s->progress && (workload_arrivals(s->workload) & 0xffff) == 0)
		show_progress(s, now);
	return platform_arrive(s->platform, a->function, a->duration_s, now >= s->sc->warmup_s, err);
}

/* The workload's next arrival will be for fn: fetch its records now. */
static void on_hint(void *ctx, uint32_t fn)
{
	struct sim *s = ctx;
	platform_prefetch(s->platform, fn);
	__builtin_prefetch(&s->fn[fn]);
	__builtin_prefetch(&s->fn[fn].latency);
	__builtin_prefetch(&s->fn_last_s[fn]);
}

static void sim_free(struct sim *s)
{
	workload_free(s->workload);
	platform_free(s->platform);
	engine_free(s->engine);
	for (size_t i = 0; s->fn && i < s->sc->n_functions; i++)
		fn_stats_free(&s->fn[i]);
	free(s->fn);
	free(s->fn_last_s);
	free(s->prov_level);
	free(s->prov_since_s);
	free(s->bins);
}

static void end_of_window(void *ctx, uint64_t arg)
{
	(void)ctx;
	(void)arg;
}

/* Runs replication rep; on success s->fn and s->bins hold its results. */
static int sim_run(struct sim *s, const struct scenario *sc, uint32_t rep,
		   const struct run_options *opt)
{
	int progress = opt && opt->progress;
	memset(s, 0, sizeof(*s));
	s->sc = sc;
	s->replication = rep;
	s->progress = progress;
	s->stop = opt ? opt->stop : NULL;
	s->started_wall = wall_now();
	s->next_progress_wall = s->started_wall + 0.5;
	s->n_bins = (size_t)ceil(sc->duration_s / sc->timeseries_interval_s);
	if (s->n_bins == 0)
		s->n_bins = 1;
	s->fn = calloc(sc->n_functions, sizeof(*s->fn));
	s->fn_last_s = calloc(sc->n_functions, sizeof(*s->fn_last_s));
	s->prov_level = calloc(sc->n_functions, sizeof(*s->prov_level));
	s->prov_since_s = calloc(sc->n_functions, sizeof(*s->prov_since_s));
	s->bins = calloc(s->n_bins, sizeof(*s->bins));
	s->engine = engine_new(0);
	if (!s->fn || !s->fn_last_s || !s->prov_level || !s->prov_since_s || !s->bins || !s->engine)
		return errbuf_set(&s->err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	for (size_t i = 0; i < sc->n_functions; i++)
		fn_stats_init(&s->fn[i]);
	/* Whether instance time costs anything: meter one probe second. */
	struct usage probe = { 0 }, zero = { 0 };
	sc->pricing->meter_time(sc->pricing_cfg, &probe, PRICING_TIME_INSTANCE, 1024, 1, 1, 1);
	s->bills_instances = memcmp(&probe, &zero, sizeof(probe)) != 0;

	struct platform_observer obs = {
		.ctx = s,
		.request_done = on_request_done,
		.counts_change = on_counts,
		.instance_released = on_released,
		.provisioned_change = on_provisioned,
	};
	s->platform = platform_new(sc, s->engine, rep, &obs, &s->err);
	if (!s->platform)
		return ERR_RUNTIME;
	s->workload = workload_new(sc, s->engine, rep, on_arrival, s, &s->err);
	if (!s->workload)
		return s->err.msg[0] ? ERR_INPUT : ERR_RUNTIME;
	/* A few functions' records stay in the caches: prefetching would only
	 * cost time. */
	s->prefetch = sc->n_functions >= 256;
	if (s->prefetch)
		workload_set_hint(s->workload, on_hint);
	/* The clock reaches duration_s even when the last event is earlier, so
	 * instances that never expire (provisioned, lru) count to its end. */
	if (!engine_at(s->engine, sc->duration_s, end_of_window, s, 0))
		return errbuf_set(&s->err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	int rc = 0;
	if (opt && opt->add_sources &&
	    (rc = opt->add_sources(opt->sources_ctx, s->workload, sc, rep, &s->err)) < 0)
		return rc;
	rc = workload_start(s->workload, &s->err);
	if (rc < 0)
		return rc;
	/* Arrivals stop at duration_s; requests in flight and keep-alive timers
	 * run out after it, so every instance's lifespan is complete. */
	engine_run(s->engine);
	lat_flush(s);
	if ((rc = workload_status(s->workload)) < 0)
		return rc;
	if (!s->err.msg[0] && engine_failed(s->engine))
		errbuf_set(&s->err, ERR_RUNTIME, "replication %u: %s", rep, engine_failed(s->engine));
	if (s->err.msg[0])
		return ERR_RUNTIME;
	for (uint32_t fn = 0; fn < sc->n_functions; fn++)
		close_provisioned(s, fn, sc->duration_s);
	platform_finish(s->platform);
	/* SnapStart snapshots with a cache fee are held over the whole window. */
	for (size_t i = 0; i < sc->n_functions; i++) {
		const struct function_cfg *f = &sc->functions[i];
		if (f->cold_start->snapshot && f->cold_start->snapshot(f->cold_start_cfg) == RESTORE_CHARGED)
			sc->pricing->meter_time(sc->pricing_cfg, &s->fn[i].usage, PRICING_TIME_SNAPSHOT,
						f->memory_mb, f->vcpus, 1, sc->duration_s - sc->warmup_s);
	}
	return 0;
}

/* The whole platform in replication s: the sum over functions (merged in
 * function order), with the platform's own peak, since the sum of
 * per-function peaks overstates it. Used by fold() and
 * run_replication_totals(), so `run` and `sweep` compute the same numbers. */
static int sim_all(const struct sim *s, struct fn_stats *all)
{
	int rc = 0;
	fn_stats_init(all);
	for (size_t i = 0; i < s->sc->n_functions; i++)
		if (fn_stats_merge(all, &s->fn[i]) < 0)
			rc = ERR_RUNTIME;
	all->peak = s->all_peak;
	return rc;
}

/* Folds one finished replication into the result (called in rep order). */
static int fold(struct run_result *out, const struct scenario *sc, struct sim *s)
{
	double window = sc->duration_s - sc->warmup_s, v[FIG_COUNT];
	struct fn_stats all;
	for (size_t i = 0; i < sc->n_functions; i++) {
		stats_figures(&s->fn[i], window, sc->pricing, sc->pricing_cfg, v);
		stats_fold_add(&out->functions[i], v);
	}
	int rc = sim_all(s, &all);
	stats_figures(&all, window, sc->pricing, sc->pricing_cfg, v);
	stats_fold_add(&out->totals, v);
	if (histo_merge(&out->latency, &all.latency) < 0)
		rc = ERR_RUNTIME;
	fn_stats_free(&all);
	for (size_t i = 0; i < out->n_bins; i++) {
		struct ts_bin *d = &out->bins[i], *b = &s->bins[i];
		d->arrivals += b->arrivals;
		d->cold_starts += b->cold_starts;
		d->busy_s += b->busy_s;
		d->idle_s += b->idle_s;
		usage_add(&d->usage, &b->usage);
	}
	out->events += engine_fired(s->engine);
	return rc;
}

int run_replication_totals(const struct scenario *sc, uint32_t rep, double totals[FIG_COUNT],
			   uint64_t *events, const volatile sig_atomic_t *stop, struct errbuf *err)
{
	struct sim *s = malloc(sizeof(*s));
	if (!s)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	struct run_options opt = { .stop = stop };
	int rc = sim_run(s, sc, rep, &opt);
	if (rc < 0) {
		errbuf_set(err, rc, "%s", s->err.msg);
	} else {
		struct fn_stats all;
		if (sim_all(s, &all) < 0)
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory folding results");
		stats_figures(&all, sc->duration_s - sc->warmup_s, sc->pricing, sc->pricing_cfg, totals);
		fn_stats_free(&all);
		if (events)
			*events = engine_fired(s->engine);
	}
	sim_free(s);
	free(s);
	return rc;
}

int run_scenario(const struct scenario *sc, const struct run_options *opt, struct run_result *out,
		 struct errbuf *err)
{
	double started = wall_now();
	memset(out, 0, sizeof(*out));
	out->n_functions = sc->n_functions;
	stats_fold_init(&out->totals);
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

	int rc = 0;
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
		struct sim *s = stopped ? NULL : malloc(sizeof(*s));
		int my_rc = stopped ? ERR_INTERRUPTED : s ? sim_run(s, sc, rep, opt) : ERR_RUNTIME;
#pragma omp ordered
		{
			/* Results fold in replication order up to the first one that
			 * was interrupted: the output is a prefix of the full run's. */
			if (rc == 0 && !out->interrupted && my_rc == ERR_INTERRUPTED) {
				out->interrupted = 1;
			} else if (rc == 0 && !out->interrupted && my_rc < 0) {
				rc = my_rc;
				errbuf_set(err, rc, "%s", s ? s->err.msg : "out of memory");
			} else if (rc == 0 && !out->interrupted) {
				if (fold(out, sc, s) < 0)
					rc = errbuf_set(err, ERR_RUNTIME, "out of memory folding results");
				else
					out->replications++;
			}
		}
		if (s)
			sim_free(s);
		free(s);
	}
	if (opt->progress)
		fprintf(stderr, "\r%*s\r", 100, "");
	out->wall_s = wall_now() - started;
	return rc;
}

void run_result_free(struct run_result *r)
{
	free(r->functions);
	free(r->bins);
	histo_free(&r->latency);
	memset(r, 0, sizeof(*r));
}
