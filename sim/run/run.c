#include "run/run.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#include "core/engine.h"
#include "platform/platform.h"
#include "workload/workload.h"

/* Completions between prefetching a latency's histogram bucket and adding
 * to it. */
#define LAT_DELAY 16u

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
	/* Peak of the instances of all functions together (all_change); the
	 * time integrals of that sum are the sums of the functions' own, added
	 * up at the end. */
	uint32_t all_peak, all_level;
	double all_last_s;
	struct ts_bin *bins;
	/* Time-series instance-seconds, by the changes of the level (see
	 * bins_change): what each interval gets from changes inside it, and the
	 * net change of the level inside it. */
	struct bin_acc { double level_s[2]; int64_t d_level[2]; } *bin_acc;   /* [LEVEL_*] */
	size_t n_bins;
	/* The times [bin_lo_s, bin_hi_s) whose interval is bin_i (as bin_of
	 * computes it): most changes fall in the interval of the previous one. */
	double bin_lo_s, bin_hi_s;
	size_t bin_i;

	/* Partitioned runs (run_partitioned): groups of functions simulated
	 * apart, window by window; the changes of the number of instances
	 * alive in a window wait here for the all-function peak. */
	int partitioned;
	struct level_change { double t_s; int32_t delta; uint32_t order; } *changes;
	size_t n_changes, cap_changes;
	size_t *run_ends, n_runs;   /* where each group's changes (in time order) end */
	uint64_t events;
	struct part *parts;
	size_t n_parts;
	struct arrival_block *free_blocks; /* blocks of arrivals for reuse */

	/* Latencies waiting to go into their function's histogram: each
	 * bucket is prefetched when its latency arrives and filled LAT_DELAY
	 * completions later (in arrival order, so each histogram sees the same
	 * sequence of values as without the delay). */
	struct lat_pending { uint32_t fn; int32_t bucket; double value_s; } lat[LAT_DELAY];
	uint32_t n_lat, lat_head;
	int prefetch;               /* enough functions that they miss the caches */

	int failed;                 /* an observer ran out of memory (message in err) */
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

/* An observer failed: the run stops (partitioned runs check after each
 * arrival). */
static void sim_fail(struct sim *s)
{
	s->failed = 1;
	if (s->engine)
		engine_stop(s->engine);
}

/* Length of [a, b] inside the measurement window. */
static double in_window(const struct sim *s, double a, double b)
{
	double lo = a > s->sc->warmup_s ? a : s->sc->warmup_s;
	double hi = b < s->sc->duration_s ? b : s->sc->duration_s;
	return hi > lo ? hi - lo : 0;
}

/* Window integrals as sums over changes: for a level L that starts at 0,
 * the integral of L over [W, D] is the sum of delta * (D - t) with t clamped
 * to [W, D], so a change costs a multiply-add and needs no time of the
 * previous change. */
static double rest_of_window(const struct sim *s, double t_s)
{
	double w = s->sc->warmup_s, d = s->sc->duration_s;
	return d - (t_s < w ? w : t_s > d ? d : t_s);
}

/* Function st's instances alive change at t_s by delta (from alive_before):
 * its peak counts every total held at some instant of the window, including
 * totals that last no time. (The integral of the instances alive is added
 * when each is released, on_released.) */
static void fn_alive_change(struct sim *s, struct fn_stats *st, double *last_total_s, double t_s,
			    int delta, uint32_t alive_before)
{
	double w = s->sc->warmup_s, d = s->sc->duration_s;
	if (*last_total_s <= d && t_s >= w && alive_before > st->peak)
		st->peak = alive_before;
	*last_total_s = t_s;
	uint32_t after = alive_before + (uint32_t)delta;
	if (t_s >= w && t_s <= d && after > st->peak)
		st->peak = after;
}

/* The idle integrals: alive less busy. */
static void stats_close(struct sim *s)
{
	for (size_t i = 0; i < s->sc->n_functions; i++) {
		struct fn_stats *st = &s->fn[i];
		st->idle_s = st->instance_s - st->busy_s;
		st->idle_mb_s = st->idle_s * s->sc->functions[i].memory_mb;
	}
}

/* The level of all functions' instances changes by delta at t_s: the peak
 * counts every level held at some instant of the window [warmup, duration],
 * including levels that last no time. Called in time order. */
static void all_change(struct sim *s, double t_s, int32_t delta)
{
	if (t_s > s->all_last_s) {
		if (s->all_last_s <= s->sc->duration_s && t_s >= s->sc->warmup_s && s->all_level > s->all_peak)
			s->all_peak = s->all_level;
		s->all_last_s = t_s;
	}
	s->all_level += (uint32_t)delta;
	if (t_s >= s->sc->warmup_s && t_s <= s->sc->duration_s && s->all_level > s->all_peak)
		s->all_peak = s->all_level;
}

/* The time-series interval of t_s (before duration_s): floor(t_s /
 * interval), clamped to the last one. The division is done only when t_s
 * leaves the interval of the previous call; the interval's exact bounds
 * (the doubles where the quotient changes) are found then. */
static size_t bin_refill(struct sim *s, double t_s)
{
	double w = s->sc->timeseries_interval_s;
	size_t i = (size_t)(t_s / w);
	if (!(t_s >= 0) || i >= s->n_bins - 1)
		return s->n_bins - 1;
	double lo = (double)i * w, hi = (double)(i + 1) * w;
	while ((size_t)(lo / w) >= i && lo > 0)
		lo = nextafter(lo, 0);
	while ((size_t)(lo / w) < i)
		lo = nextafter(lo, INFINITY);
	while ((size_t)(hi / w) <= i)
		hi = nextafter(hi, INFINITY);
	while ((size_t)(nextafter(hi, 0) / w) > i)
		hi = nextafter(hi, 0);
	s->bin_lo_s = lo;
	s->bin_hi_s = hi;
	s->bin_i = i;
	return i;
}

static inline size_t bin_of(struct sim *s, double t_s)
{
	if (t_s >= s->bin_lo_s && t_s < s->bin_hi_s)
		return s->bin_i;
	return bin_refill(s, t_s);
}

/* The same for a time that may be long past (an instance's creation):
 * leaves the cached interval to the present. */
static inline size_t bin_of_past(const struct sim *s, double t_s)
{
	if (t_s >= s->bin_lo_s && t_s < s->bin_hi_s)
		return s->bin_i;
	size_t i = (size_t)(t_s / s->sc->timeseries_interval_s);
	return i < s->n_bins ? i : s->n_bins - 1;
}

enum { LEVEL_BUSY, LEVEL_ALIVE };

/* The time-series integrals of the busy and alive levels, one change at a
 * time in any order: a change at t inside interval i adds delta * (end_i - t)
 * to it and delta * width to every later interval (summed at the end,
 * bins_finish). */
static inline void bins_step(struct sim *s, size_t i, double t_s, int level, int delta)
{
	double end = (double)(i + 1) * s->sc->timeseries_interval_s;
	if (end > s->sc->duration_s)
		end = s->sc->duration_s;
	struct bin_acc *b = &s->bin_acc[i];
	b->level_s[level] += delta * (end - t_s);
	b->d_level[level] += delta;
}

/* One instance at a level (busy, or alive) over [a_s, b_s]: into the
 * function's window integral *integral_s and the time series. Busy periods
 * and lives go through the same arithmetic in the same order, so an
 * instance busy all its life has exactly zero idle time. */
static inline void period_add(struct sim *s, double *integral_s, int level, double a_s, double b_s)
{
	*integral_s += rest_of_window(s, a_s);
	*integral_s -= rest_of_window(s, b_s);
	double d = s->sc->duration_s;
	size_t j = b_s < d ? bin_of(s, b_s) : 0;
	if (a_s < d)
		bins_step(s, bin_of_past(s, a_s), a_s, level, 1);
	if (b_s < d)
		bins_step(s, j, b_s, level, -1);
}

static void bins_finish(struct sim *s)
{
	int64_t busy = 0, alive = 0;
	for (size_t i = 0; i < s->n_bins; i++) {
		double start = (double)i * s->sc->timeseries_interval_s;
		double end = (double)(i + 1) * s->sc->timeseries_interval_s;
		if (end > s->sc->duration_s)
			end = s->sc->duration_s;
		s->bins[i].busy_s = (double)busy * (end - start) + s->bin_acc[i].level_s[LEVEL_BUSY];
		s->bins[i].idle_s = (double)alive * (end - start) + s->bin_acc[i].level_s[LEVEL_ALIVE] -
				    s->bins[i].busy_s;
		busy += s->bin_acc[i].d_level[LEVEL_BUSY];
		alive += s->bin_acc[i].d_level[LEVEL_ALIVE];
	}
}

static int changes_push(struct sim *s, double t_s, int32_t delta)
{
	if (s->n_changes == s->cap_changes) {
		size_t cap = s->cap_changes ? 2 * s->cap_changes : 4096;
		void *q = realloc(s->changes, cap * sizeof(*s->changes));
		if (!q)
			return -1;
		s->changes = q;
		s->cap_changes = cap;
	}
	s->changes[s->n_changes] = (struct level_change){ t_s, delta, (uint32_t)s->n_changes };
	s->n_changes++;
	return 0;
}

static void on_alive(void *ctx, uint32_t fn, double now_s, int delta, uint32_t alive_before)
{
	struct sim *s = ctx;
	fn_alive_change(s, &s->fn[fn], &s->fn_last_s[fn], now_s, delta, alive_before);
	if (!s->partitioned) {
		all_change(s, now_s, delta);
	} else if (changes_push(s, now_s, delta) < 0) {
		errbuf_set(&s->err, ERR_RUNTIME, "out of memory recording instance counts");
		sim_fail(s);
	}
}

/* Instances serving several requests at once: busy from the change that
 * makes one busy to the one that makes one idle (any one: the integral
 * only needs the level). */
static void on_busy(void *ctx, uint32_t fn, double now_s, int delta)
{
	struct sim *s = ctx;
	s->fn[fn].busy_s += delta * rest_of_window(s, now_s);
	if (now_s < s->sc->duration_s)
		bins_step(s, bin_of(s, now_s), now_s, LEVEL_BUSY, delta);
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

static void lat_flush_one(struct sim *s)
{
	struct lat_pending *l = &s->lat[s->lat_head];
	s->lat_head = (s->lat_head + 1) % LAT_DELAY;
	s->n_lat--;
	if (histo_add_at(&s->fn[l->fn].latency, l->value_s, l->bucket) < 0) {
		errbuf_set(&s->err, ERR_RUNTIME, "out of memory recording latencies");
		sim_fail(s);
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
			sim_fail(s);
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
	/* Meters only add (integers): metering once and adding the result to
	 * each total gives the same sums as metering into each. The meter is
	 * read back only after the rest of the work, when its stores are done
	 * (reading it at once stalls on them). */
	struct usage used = { 0 };
	if (ran)
		meter(s, &used, r);
	struct ts_bin *bin = &s->bins[bin_of_past(s, r->arrival_s)];
	/* One request at a time per instance: the instance was busy exactly
	 * while this request held it (the platform does not report those
	 * moves). */
	if (ran && s->sc->functions[r->function].concurrency_per_instance == 1)
		period_add(s, &s->fn[r->function].busy_s, LEVEL_BUSY, r->start_s, r->end_s);
	struct fn_stats *st = &s->fn[r->function];
	struct usage *fn_usage = NULL;
	if (r->ping) {
		/* Warmer pings: billed apart, never user invocations. */
		if (r->arrival_s >= s->sc->warmup_s) {
			st->warmer_pings++;
			fn_usage = &st->warmer_usage;
		}
	} else {
		bin->arrivals++;
		bin->cold_starts += r->cold;
		if (r->tag & 1) {   /* arrived after warm-up */
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
			fn_usage = &st->usage;
		}
	}
	if (ran) {
		usage_add(&bin->usage, &used);
		if (fn_usage)
			usage_add(fn_usage, &used);
	}
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
	/* The instance's life in the integrals, as busy periods are added (a
	 * start, then an end): an instance busy all its life adds exactly what
	 * its busy period did, so its idle time is exactly 0. */
	period_add(s, &s->fn[fn].instance_s, LEVEL_ALIVE, created_s, released_s);
	if (s->bills_instances) {
		/* Instance-based billing: the instance's time in the window, and
		 * spread over the time-series intervals it spans. */
		s->sc->pricing->meter_time(s->sc->pricing_cfg, &s->fn[fn].usage, PRICING_TIME_INSTANCE,
					   f->memory_mb, f->vcpus, 1, in_window(s, created_s, released_s));
		double a = created_s, b = released_s < s->sc->duration_s ? released_s : s->sc->duration_s;
		for (size_t i = bin_of_past(s, a); a < b && i < s->n_bins; i++) {
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

static void show_progress(struct sim *s, double now_s, uint64_t arrivals)
{
	double w = wall_now();
	if (w < s->next_progress_wall)
		return;
	s->next_progress_wall = w + 0.5;
	double frac = now_s / s->sc->duration_s;
	double elapsed = w - s->started_wall;
	double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
#pragma omp critical(progress)
	fprintf(stderr, "\r[replication %u/%u] %5.1f%% of %g s simulated, %llu arrivals, ETA %.0f s   ",
		s->replication + 1, s->sc->replications, 100 * frac, s->sc->duration_s,
		(unsigned long long)arrivals, eta);
}

static int on_arrival(void *ctx, const struct arrival *a, struct errbuf *err)
{
	struct sim *s = ctx;
	double now = engine_now(s->engine);
	if (s->stop && *s->stop)
		return errbuf_set(err, ERR_INTERRUPTED, "interrupted");
	if (s->progress && (workload_arrivals(s->workload) & 0xffff) == 0)
		show_progress(s, now, workload_arrivals(s->workload));
	return platform_arrive(s->platform, a->function, a->duration_s, now >= s->sc->warmup_s, err);
}

/* The workload's next arrival will be for fn: fetch its records now. */
static void on_hint(void *ctx, uint32_t fn)
{
	struct sim *s = ctx;
	platform_prefetch(s->platform, fn);
	const char *st = (const char *)&s->fn[fn];
	for (size_t off = 0; off < offsetof(struct fn_stats, warmer_pings); off += 64)
		__builtin_prefetch(st + off);
	__builtin_prefetch(&s->fn_last_s[fn]);
}

/* A window's arrivals of one group come in blocks (the last one partly
 * filled), so routing copies each arrival once and a window holds at most
 * PART_WINDOW_ARRIVALS arrivals plus one block per group. */
#define BLOCK_ARRIVALS 510u
struct arrival_block {
	struct arrival_block *next;
	size_t n;
	struct arrival a[BLOCK_ARRIVALS];
};

/* A group of functions simulated apart in a partitioned run. */
struct part {
	uint32_t first_fn, end_fn;
	struct engine *engine;
	struct platform *platform;
	struct arrival_block *head, *tail;   /* this window's arrivals */
	/* The tail's free slots [fill, fill_end): appending touches neither
	 * the block's header nor its count (set when the block is read). */
	struct arrival *fill, *fill_end;
};

/* Functions per group: their records (platform, statistics, configuration,
 * instances) stay in the caches while a window's requests of the group run
 * (on the azure-day benchmark 16 and 32 are ~3% faster than 64, 128 ~2%
 * slower). */
#define PART_FUNCTIONS RUN_GROUP_FUNCTIONS
/* Arrivals per window (24 bytes each: 100 MB at most): each window fetches
 * the records of its groups' functions again, so larger windows are faster
 * (on the azure-day benchmark 2^20 is ~10% faster than 2^18, 2^22 another
 * ~4%), and they bound the memory a window holds. */
#define PART_WINDOW_ARRIVALS (1u << 22)

static void sim_free(struct sim *s)
{
	workload_free(s->workload);
	platform_free(s->platform);
	engine_free(s->engine);
	for (size_t i = 0; s->parts && i < s->n_parts; i++) {
		platform_free(s->parts[i].platform);
		engine_free(s->parts[i].engine);
		for (struct arrival_block *b = s->parts[i].head, *nb; b; b = nb) {
			nb = b->next;
			free(b);
		}
	}
	free(s->parts);
	for (struct arrival_block *b = s->free_blocks, *nb; b; b = nb) {
		nb = b->next;
		free(b);
	}
	for (size_t i = 0; s->fn && i < s->sc->n_functions; i++)
		fn_stats_free(&s->fn[i]);
	free(s->fn);
	free(s->fn_last_s);
	free(s->prov_level);
	free(s->prov_since_s);
	free(s->bins);
	free(s->bin_acc);
	free(s->changes);
	free(s->run_ends);
}

static void end_of_window(void *ctx, uint64_t arg)
{
	(void)ctx;
	(void)arg;
}

/* What the platforms of replication s report to. */
static struct platform_observer sim_observer(struct sim *s)
{
	return (struct platform_observer){
		.ctx = s,
		.request_done = on_request_done,
		.alive_change = on_alive,
		.busy_change = on_busy,
		.instance_released = on_released,
		.provisioned_change = on_provisioned,
	};
}

/* Whether the functions can be simulated in groups apart: nothing links
 * them but the account pool, which is checked afterwards (run_partitioned). */
static int can_partition(const struct scenario *sc)
{
	return sc->platform.pool_memory_mb == 0;
}

static int level_change_cmp(const void *pa, const void *pb)
{
	const struct level_change *a = pa, *b = pb;
	if (a->t_s != b->t_s)
		return a->t_s < b->t_s ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* The window's changes of the instances alive, from every group, in time
 * order (equal times: group order, then each group's own order). */
static void changes_apply(struct sim *s)
{
	/* Each group's changes are in time order: whatever the merged order,
	 * the level never exceeds the current one plus the groups' highest
	 * partial sums. When that cannot pass the peak, only the level at the
	 * end and the time of the last change matter: no sort. */
	int64_t net = 0, bound = s->all_level;
	double last_s = s->all_last_s;
	for (size_t r = 0, i = 0; r < s->n_runs; r++) {
		int64_t sum = 0, high = 0;
		for (; i < s->run_ends[r]; i++) {
			sum += s->changes[i].delta;
			if (sum > high)
				high = sum;
			if (s->changes[i].t_s > last_s)
				last_s = s->changes[i].t_s;
		}
		net += sum;
		bound += high;
	}
	s->n_runs = 0;
	if (bound <= (int64_t)s->all_peak) {
		s->all_level = (uint32_t)((int64_t)s->all_level + net);
		s->all_last_s = last_s;
		s->n_changes = 0;
		return;
	}
	qsort(s->changes, s->n_changes, sizeof(*s->changes), level_change_cmp);
	for (size_t i = 0; i < s->n_changes; i++)
		all_change(s, s->changes[i].t_s, s->changes[i].delta);
	s->n_changes = 0;
}

#define RUN_SERIAL_NEEDED 1
/* Arrivals read ahead of routing. */
#define PULL_AHEAD 4u

/* The account pool was never full if the groups' own peaks, added up,
 * stay within what reserved concurrency leaves of it; otherwise a group
 * might have been refused a slot. */
static int pool_maybe_full(const struct sim *s)
{
	uint64_t in_flight = 0;
	for (size_t g = 0; g < s->n_parts; g++)
		in_flight += platform_peak_shared_in_flight(s->parts[g].platform);
	return in_flight + s->sc->platform.reserved_total > s->sc->platform.account_concurrency;
}

/* Appends arrival a to group p's arrivals of the window. */
static int part_append(struct sim *s, struct part *p, const struct arrival *a)
{
	if (p->fill == p->fill_end) {
		struct arrival_block *blk = s->free_blocks;
		if (blk)
			s->free_blocks = blk->next;
		else if (!(blk = malloc(sizeof(*blk))))
			return -1;
		blk->next = NULL;
		blk->n = BLOCK_ARRIVALS;
		if (p->tail)
			p->tail->next = blk;
		else
			p->head = blk;
		p->tail = blk;
		p->fill = blk->a;
		p->fill_end = blk->a + BLOCK_ARRIVALS;
	}
	*p->fill++ = *a;
	/* The group's next arrival goes here, probably hundreds of arrivals
	 * later: fetch the line for writing now. */
	if (p->fill < p->fill_end)
		__builtin_prefetch(p->fill, 1);
	return 0;
}

/* Runs group p's arrivals of the window and its timers due before end_s
 * (all of them when end_s is INFINITY), and gives its blocks back. */
static int part_run_window(struct sim *s, struct part *p, double end_s)
{
	if (p->tail)
		p->tail->n = (size_t)(p->fill - p->tail->a);
	while (p->head) {
		struct arrival_block *blk = p->head;
		for (size_t a = 0; a < blk->n; a++) {
			const struct arrival *ar = &blk->a[a];
			engine_run_to(p->engine, ar->t_s);
			if (platform_arrive(p->platform, ar->function, ar->duration_s,
					    ar->t_s >= s->sc->warmup_s, &s->err) < 0 || s->failed)
				return ERR_RUNTIME;
		}
		engine_count(p->engine, blk->n);
		p->head = blk->next;
		blk->next = s->free_blocks;
		s->free_blocks = blk;
	}
	p->tail = NULL;
	p->fill = p->fill_end = NULL;
	if (end_s == INFINITY)
		engine_run(p->engine);
	else
		engine_run_through(p->engine, nextafter(end_s, -INFINITY));
	if (!s->err.msg[0] && engine_failed(p->engine))
		errbuf_set(&s->err, ERR_RUNTIME, "replication %u: %s", s->replication, engine_failed(p->engine));
	if (s->failed || engine_failed(p->engine))
		return ERR_RUNTIME;
	s->run_ends[s->n_runs++] = s->n_changes;
	return 0;
}

/* Runs the groups of functions side by side, window by window: the
 * workload's arrivals are read in order up to PART_WINDOW_ARRIVALS of them
 * (a window never splits arrivals of the same time), then each group runs
 * its own arrivals and timers up to the window's end. A group's timers due
 * at an arrival's time fire before it. Each function sees the same events
 * in the same order as in one platform, so its figures are the same; only
 * the all-function peak needs the groups' changes merged, window by window.
 * Returns RUN_SERIAL_NEEDED when the account pool could have been full
 * (then the groups were not independent and the caller runs it again as one
 * platform). */
static int run_partitioned(struct sim *s, const struct scenario *sc, uint32_t rep,
			   const struct run_options *opt)
{
	s->n_parts = (sc->n_functions + PART_FUNCTIONS - 1) / PART_FUNCTIONS;
	s->parts = calloc(s->n_parts ? s->n_parts : 1, sizeof(*s->parts));
	s->run_ends = calloc(s->n_parts ? s->n_parts : 1, sizeof(*s->run_ends));
	if (!s->parts || !s->run_ends)
		return errbuf_set(&s->err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	struct platform_observer obs = sim_observer(s);
	for (size_t i = 0; i < s->n_parts; i++) {
		struct part *g = &s->parts[i];
		g->first_fn = (uint32_t)(i * PART_FUNCTIONS);
		g->end_fn = (uint32_t)((i + 1) * PART_FUNCTIONS < sc->n_functions ? (i + 1) * PART_FUNCTIONS
										 : sc->n_functions);
		if (!(g->engine = engine_new(0)))
			return errbuf_set(&s->err, ERR_RUNTIME, "out of memory starting replication %u", rep);
		g->platform = platform_new_range(sc, g->first_fn, g->end_fn, g->engine, rep, &obs, &s->err);
		if (!g->platform)
			return ERR_RUNTIME;
		if (!engine_at(g->engine, sc->duration_s, end_of_window, s, 0))
			return errbuf_set(&s->err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	}
	s->prefetch = sc->n_functions >= 256;
	s->workload = workload_new(sc, NULL, rep, NULL, NULL, &s->err);
	if (!s->workload)
		return s->err.msg[0] ? ERR_INPUT : ERR_RUNTIME;
	int rc = 0;
	if (opt && opt->add_sources &&
	    (rc = opt->add_sources(opt->sources_ctx, s->workload, sc, rep, &s->err)) < 0)
		return rc;

	uint32_t window = opt && opt->window_arrivals ? opt->window_arrivals : PART_WINDOW_ARRIVALS;
	/* Read PULL_AHEAD arrivals ahead: an arrival is copied into its group's
	 * block a few reads after a source wrote it, when those stores are
	 * complete (copying it at once stalls on store forwarding). ring_rc
	 * holds each read's result; after the last arrival, 0 or the error. */
	struct arrival ring[PULL_AHEAD];
	int ring_rc[PULL_AHEAD], last_rc = 1;
	unsigned cur = 0;
	for (unsigned k = 0; k < PULL_AHEAD; k++)
		ring_rc[k] = last_rc > 0 ? (last_rc = workload_pull(s->workload, &ring[k])) : last_rc;
	const struct arrival *next = &ring[0];
	int have = ring_rc[0];
	for (;;) {
		if (have < 0)
			return have;
		if (s->stop && *s->stop)
			return errbuf_set(&s->err, ERR_INTERRUPTED, "interrupted");
		/* Read the window, routing each arrival to its group. */
		size_t n = 0;
		double last_t = -INFINITY;
		while (have > 0 && (n < window || next->t_s == last_t)) {
			if (part_append(s, &s->parts[next->function / PART_FUNCTIONS], next) < 0)
				return errbuf_set(&s->err, ERR_RUNTIME, "out of memory reading arrivals");
			last_t = next->t_s;
			n++;
			ring_rc[cur] = last_rc > 0 ? (last_rc = workload_pull(s->workload, &ring[cur])) : last_rc;
			cur = (cur + 1) % PULL_AHEAD;
			next = &ring[cur];
			have = ring_rc[cur];
		}
		if (have < 0)
			return have;
		double end_s = have > 0 ? next->t_s : INFINITY;
		for (size_t g = 0; g < s->n_parts; g++)
			if (part_run_window(s, &s->parts[g], end_s) < 0)
				return ERR_RUNTIME;
		lat_flush(s);
		if (pool_maybe_full(s))
			return RUN_SERIAL_NEEDED;   /* no use going on */
		changes_apply(s);
		if (s->progress)
			show_progress(s, end_s == INFINITY ? sc->duration_s : end_s,
				      workload_arrivals(s->workload));
		if (end_s == INFINITY)
			break;
	}
	if (pool_maybe_full(s))
		return RUN_SERIAL_NEEDED;
	/* Every group ends when the whole run does, as one platform would. */
	double last_s = sc->duration_s;
	for (size_t g = 0; g < s->n_parts; g++)
		if (engine_now(s->parts[g].engine) > last_s)
			last_s = engine_now(s->parts[g].engine);
	for (uint32_t fn = 0; fn < sc->n_functions; fn++)
		close_provisioned(s, fn, sc->duration_s);
	for (size_t g = 0; g < s->n_parts; g++) {
		engine_advance(s->parts[g].engine, last_s);
		platform_finish(s->parts[g].platform);
		s->events += engine_fired(s->parts[g].engine);
		s->run_ends[s->n_runs++] = s->n_changes;
	}
	changes_apply(s);
	return s->failed ? ERR_RUNTIME : 0;
}

/* Runs all functions on one platform and engine, arrivals as timers. */
static int run_serial(struct sim *s, const struct scenario *sc, uint32_t rep,
		      const struct run_options *opt)
{
	struct platform_observer obs = sim_observer(s);
	s->engine = engine_new(0);
	if (!s->engine)
		return errbuf_set(&s->err, ERR_RUNTIME, "out of memory starting replication %u", rep);
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
	s->events = engine_fired(s->engine);
	return s->failed ? ERR_RUNTIME : 0;
}

/* Sets up replication rep's records (partitioned or not). */
static int sim_init(struct sim *s, const struct scenario *sc, uint32_t rep,
		    const struct run_options *opt, int partitioned)
{
	memset(s, 0, sizeof(*s));
	s->sc = sc;
	s->replication = rep;
	s->partitioned = partitioned;
	s->progress = opt && opt->progress;
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
	s->bin_acc = calloc(s->n_bins, sizeof(*s->bin_acc));
	if (!s->fn || !s->fn_last_s || !s->prov_level || !s->prov_since_s || !s->bins || !s->bin_acc)
		return errbuf_set(&s->err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	for (size_t i = 0; i < sc->n_functions; i++)
		fn_stats_init(&s->fn[i]);
	/* Whether instance time costs anything: meter one probe second. */
	struct usage probe = { 0 }, zero = { 0 };
	sc->pricing->meter_time(sc->pricing_cfg, &probe, PRICING_TIME_INSTANCE, 1024, 1, 1, 1);
	s->bills_instances = memcmp(&probe, &zero, sizeof(probe)) != 0;
	return 0;
}

/* Runs replication rep; on success s->fn and s->bins hold its results. */
static int sim_run(struct sim *s, const struct scenario *sc, uint32_t rep,
		   const struct run_options *opt)
{
	int partitioned = can_partition(sc) && !(opt && opt->serial);
	int rc = sim_init(s, sc, rep, opt, partitioned);
	if (rc == 0)
		rc = partitioned ? run_partitioned(s, sc, rep, opt) : run_serial(s, sc, rep, opt);
	if (rc == RUN_SERIAL_NEEDED) {
		sim_free(s);
		rc = sim_init(s, sc, rep, opt, 0);
		if (rc == 0)
			rc = run_serial(s, sc, rep, opt);
	}
	if (rc < 0) {
		if (!s->err.msg[0])
			errbuf_set(&s->err, rc, "replication %u failed", rep);
		return rc;
	}
	bins_finish(s);
	stats_close(s);
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
	out->events += s->events;
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
			*events = s->events;
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
