#include "run/collect.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "models/models.h"

/* An observer failed (out of memory): the run stops (drivers without an
 * engine here check `failed` after each arrival). */
__attribute__((cold, noinline)) static void fail(struct collect *c, const char *what)
{
	c->failed = errbuf_set(c->err, ERR_RUNTIME, "%s", what);
	if (c->engine)
		engine_stop(c->engine);
}

/* Length of [a, b] inside the measurement window. */
static double in_window(const struct collect *c, double a, double b)
{
	double lo = a > c->sc->warmup_s ? a : c->sc->warmup_s;
	double hi = b < c->sc->duration_s ? b : c->sc->duration_s;
	return hi > lo ? hi - lo : 0;
}

/* Window integrals as sums over changes: for a level L that starts at 0,
 * the integral of L over [W, D] is the sum of delta * (D - t) with t clamped
 * to [W, D], so a change costs a multiply-add and needs no time of the
 * previous change. */
static double rest_of_window(const struct collect *c, double t_s)
{
	double w = c->sc->warmup_s, d = c->sc->duration_s;
	return d - (t_s < w ? w : t_s > d ? d : t_s);
}

/* The function's peak counts every total held at some instant of the
 * window, including totals that last no time. (The integral of the
 * instances alive is added when each is released, on_released.) */
void collect_fn_alive(struct collect *c, uint32_t fn, double t_s, int delta, uint32_t alive_before)
{
	struct fn_stats *st = &c->fn[fn];
	double *last_total_s = &c->fn_last_s[fn];
	double w = c->sc->warmup_s, d = c->sc->duration_s;
	if (*last_total_s <= d && t_s >= w && alive_before > st->peak)
		st->peak = alive_before;
	*last_total_s = t_s;
	uint32_t after = alive_before + (uint32_t)delta;
	if (t_s >= w && t_s <= d && after > st->peak)
		st->peak = after;
}

/* The idle integrals: alive less busy. */
static void stats_close(struct collect *c)
{
	for (size_t i = 0; i < c->sc->n_functions; i++) {
		struct fn_stats *st = &c->fn[i];
		st->idle_s = st->instance_s - st->busy_s;
		st->idle_mb_s = st->idle_s * c->sc->functions[i].memory_mb;
	}
}

/* The peak counts every level held at some instant of the window [warmup,
 * duration], including levels that last no time. */
void collect_all_change(struct collect *c, double t_s, int32_t delta)
{
	if (t_s > c->all_last_s) {
		if (c->all_last_s <= c->sc->duration_s && t_s >= c->sc->warmup_s && c->all_level > c->all_peak)
			c->all_peak = c->all_level;
		c->all_last_s = t_s;
	}
	c->all_level += (uint32_t)delta;
	if (t_s >= c->sc->warmup_s && t_s <= c->sc->duration_s && c->all_level > c->all_peak)
		c->all_peak = c->all_level;
}

/* The time-series interval of t_s (before duration_s): floor(t_s /
 * interval), clamped to the last one. The division is done only when t_s
 * leaves the interval of the previous call; the interval's exact bounds
 * (the doubles where the quotient changes) are found then. */
static size_t bin_refill(struct collect *c, double t_s)
{
	double w = c->sc->timeseries_interval_s;
	size_t i = (size_t)(t_s / w);
	if (!(t_s >= 0) || i >= c->n_bins - 1)
		return c->n_bins - 1;
	double lo = (double)i * w, hi = (double)(i + 1) * w;
	while ((size_t)(lo / w) >= i && lo > 0)
		lo = nextafter(lo, 0);
	while ((size_t)(lo / w) < i)
		lo = nextafter(lo, INFINITY);
	while ((size_t)(hi / w) <= i)
		hi = nextafter(hi, INFINITY);
	while ((size_t)(nextafter(hi, 0) / w) > i)
		hi = nextafter(hi, 0);
	c->bin_lo_s = lo;
	c->bin_hi_s = hi;
	c->bin_i = i;
	return i;
}

static inline size_t bin_of(struct collect *c, double t_s)
{
	if (t_s >= c->bin_lo_s && t_s < c->bin_hi_s)
		return c->bin_i;
	return bin_refill(c, t_s);
}

/* The same for a time that may be long past (an instance's creation):
 * leaves the cached interval to the present. */
static inline size_t bin_of_past(const struct collect *c, double t_s)
{
	if (t_s >= c->bin_lo_s && t_s < c->bin_hi_s)
		return c->bin_i;
	size_t i = (size_t)(t_s / c->sc->timeseries_interval_s);
	return i < c->n_bins ? i : c->n_bins - 1;
}

enum { LEVEL_BUSY, LEVEL_ALIVE };

/* The time-series integrals of the busy and alive levels, one change at a
 * time in any order: a change at t inside interval i adds delta * (end_i - t)
 * to it and delta * width to every later interval (summed at the end,
 * bins_finish). */
static inline void bins_step(struct collect *c, size_t i, double t_s, int level, int delta)
{
	double end = (double)(i + 1) * c->sc->timeseries_interval_s;
	if (end > c->sc->duration_s)
		end = c->sc->duration_s;
	struct bin_acc *b = &c->bin_acc[i];
	b->level_s[level] += delta * (end - t_s);
	b->d_level[level] += delta;
}

/* One instance at a level (busy, or alive) over [a_s, b_s]: into the
 * function's window integral *integral_s and the time series. Busy periods
 * and lives go through the same arithmetic in the same order, so an
 * instance busy all its life has exactly zero idle time. */
static inline void period_add(struct collect *c, double *integral_s, int level, double a_s, double b_s)
{
	*integral_s += rest_of_window(c, a_s);
	*integral_s -= rest_of_window(c, b_s);
	double d = c->sc->duration_s;
	size_t j = b_s < d ? bin_of(c, b_s) : 0;
	if (a_s < d)
		bins_step(c, bin_of_past(c, a_s), a_s, level, 1);
	if (b_s < d)
		bins_step(c, j, b_s, level, -1);
}

static void bins_finish(struct collect *c)
{
	int64_t busy = 0, alive = 0;
	for (size_t i = 0; i < c->n_bins; i++) {
		double start = (double)i * c->sc->timeseries_interval_s;
		double end = (double)(i + 1) * c->sc->timeseries_interval_s;
		if (end > c->sc->duration_s)
			end = c->sc->duration_s;
		c->bins[i].busy_s = (double)busy * (end - start) + c->bin_acc[i].level_s[LEVEL_BUSY];
		c->bins[i].idle_s = (double)alive * (end - start) + c->bin_acc[i].level_s[LEVEL_ALIVE] -
				    c->bins[i].busy_s;
		busy += c->bin_acc[i].d_level[LEVEL_BUSY];
		alive += c->bin_acc[i].d_level[LEVEL_ALIVE];
	}
}

static void on_alive(void *ctx, uint32_t fn, double now_s, int delta, uint32_t alive_before)
{
	struct collect *c = ctx;
	collect_fn_alive(c, fn, now_s, delta, alive_before);
	collect_all_change(c, now_s, delta);
}

/* Instances serving several requests at once: busy from the change that
 * makes one busy to the one that makes one idle (any one: the integral
 * only needs the level). */
static void on_busy(void *ctx, uint32_t fn, double now_s, int delta)
{
	struct collect *c = ctx;
	c->fn[fn].busy_s += delta * rest_of_window(c, now_s);
	if (now_s < c->sc->duration_s)
		bins_step(c, bin_of(c, now_s), now_s, LEVEL_BUSY, delta);
}

static void meter(const struct collect *c, struct usage *u, const struct request_result *r)
{
	const struct function_cfg *f = &c->sc->functions[r->function];
	struct meter_req m = {
		.memory_mb = f->memory_mb,
		.vcpus = f->vcpus,
		.init_s = r->init_s,
		.run_s = r->run_s,
		.restore = r->restore,
		.provisioned = r->provisioned,
		.shared = f->concurrency_per_instance > 1,
	};
	c->sc->pricing->meter(c->sc->pricing_cfg, u, &m);
}

/* A busy period of an instance serving several requests at once, for plans
 * that bill instance time while requests run (meter_req.shared: its
 * requests add only their fee). The whole period goes to the time series,
 * in the interval where it starts (as requests go to their arrival's); the
 * function's bill takes its part after warmup_s, the start-up first. Like a
 * request, a period that runs past duration_s is billed to its end. */
static void on_instance_busy(void *ctx, uint32_t fn, double start_s, double init_s, double end_s, int provisioned)
{
	struct collect *c = ctx;
	const struct function_cfg *f = &c->sc->functions[fn];
	struct meter_req m = {
		.memory_mb = f->memory_mb,
		.vcpus = f->vcpus,
		.init_s = init_s,
		.run_s = end_s - start_s - init_s,
		.provisioned = provisioned,
	};
	struct usage used = { 0 };
	c->sc->pricing->meter_busy(c->sc->pricing_cfg, &used, &m);
	usage_add(&c->bins[bin_of_past(c, start_s)].usage, &used);
	double w = c->sc->warmup_s;
	if (end_s <= w)
		return;
	if (provisioned)
		c->prov_busy_ms[fn] += (uint64_t)llround((end_s - (start_s > w ? start_s : w)) * 1000);
	if (start_s < w) {
		double cut = w - start_s;
		m.init_s = init_s > cut ? init_s - cut : 0;
		m.run_s = end_s - w - m.init_s;
		used = (struct usage){ 0 };
		c->sc->pricing->meter_busy(c->sc->pricing_cfg, &used, &m);
	}
	usage_add(&c->fn[fn].usage, &used);
}

static void lat_flush_one(struct collect *c)
{
	struct lat_pending *l = &c->lat[c->lat_head];
	c->lat_head = (c->lat_head + 1) % COLLECT_LAT_DELAY;
	c->n_lat--;
	if (histo_add_at(&c->fn[l->fn].latency, l->value_s, l->bucket) < 0) {
		fail(c, "out of memory recording latencies");
	}
}

void collect_lat_flush(struct collect *c)
{
	while (c->n_lat)
		lat_flush_one(c);
}

static void lat_add(struct collect *c, uint32_t fn, double value_s)
{
	if (!c->prefetch) {
		if (histo_add(&c->fn[fn].latency, value_s) < 0) {
			fail(c, "out of memory recording latencies");
		}
		return;
	}
	if (c->n_lat == COLLECT_LAT_DELAY)
		lat_flush_one(c);
	int32_t b = histo_bucket_of(value_s);
	histo_prefetch(&c->fn[fn].latency, b);
	c->lat[(c->lat_head + c->n_lat++) % COLLECT_LAT_DELAY] = (struct lat_pending){ fn, b, value_s };
}

/* A provisioned instance serving a request is not idle meanwhile (its
 * idle-time rates: collect_finish); one serving several at once reports
 * its busy periods instead (on_instance_busy). */
static inline void prov_busy_request(struct collect *c, const struct request_result *r)
{
	if (r->provisioned && r->arrival_s >= c->sc->warmup_s && (!r->batch_size || r->batch_lead) &&
	    c->sc->functions[r->function].concurrency_per_instance == 1)
		c->prov_busy_ms[r->function] += (uint64_t)llround((r->end_s - r->start_s) * 1000);
}

/* A completed LLM request: its time to first token and per output token. */
static void llm_add(struct collect *c, struct fn_stats *st, const struct request_result *r)
{
	struct histo *tok = fn_stats_tok(st);
	if (!tok || histo_add(&tok[0], r->first_token_s - r->arrival_s) < 0 ||
	    (r->output_tokens > 1 && histo_add(&tok[1], (r->end_s - r->first_token_s) / (r->output_tokens - 1)) < 0))
		fail(c, "out of memory recording token times");
}

/* A user request after warm-up: its outcome's count (and latency). */
static inline void count_outcome(struct collect *c, struct fn_stats *st, const struct request_result *r)
{
	switch (r->outcome) {
	case REQ_COMPLETED:
		st->completed++;
		lat_add(c, r->function, r->end_s - r->arrival_s);
		if (__builtin_expect(r->output_tokens > 0, 0) && !isnan(r->first_token_s))
			llm_add(c, st, r);
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
}

static void on_request_done(void *ctx, const struct request_result *r)
{
	struct collect *c = ctx;
	int ran = r->outcome == REQ_COMPLETED || r->outcome == REQ_TIMED_OUT || r->outcome == REQ_OOM;
	/* Meters only add (integers): metering once and adding the result to
	 * each total gives the same sums as metering into each. The meter is
	 * read back only after the rest of the work, when its stores are done
	 * (reading it at once stalls on them). */
	struct usage used = { 0 };
	/* A batch is one execution (its lead's) of the batch's duration; each
	 * of its other requests adds its request fee alone (models/README.md,
	 * "Batching"). */
	int batch_rest = r->batch_size && !r->batch_lead;
	if (ran && !batch_rest)
		meter(c, &used, r);
	else if (ran)
		used.requests = 1;
	struct ts_bin *bin = &c->bins[bin_of_past(c, r->arrival_s)];
	/* One request (or batch) at a time per instance: the instance was busy
	 * exactly while this request held it (the platform does not report
	 * those moves). */
	if (ran && !batch_rest && c->sc->functions[r->function].concurrency_per_instance == 1)
		period_add(c, &c->fn[r->function].busy_s, LEVEL_BUSY, r->start_s, r->end_s);
	struct fn_stats *st = &c->fn[r->function];
	struct usage *fn_usage = NULL;
	if (r->ping) {
		/* Warmer pings: billed apart, never user invocations. */
		if (r->arrival_s >= c->sc->warmup_s) {
			st->warmer_pings++;
			fn_usage = &st->warmer_usage;
		}
	} else {
		bin->arrivals++;
		bin->cold_starts += r->cold;
		if (r->tag & 1) {   /* arrived after warm-up */
			st->invocations++;
			st->cold_starts += r->cold;
			st->served += ran;
			count_outcome(c, st, r);
			fn_usage = &st->usage;
		}
	}
	if (ran) {
		usage_add(&bin->usage, &used);
		if (fn_usage)
			usage_add(fn_usage, &used);
		prov_busy_request(c, r);
	}
}

/* Bills the provisioned level held since prov_since_s up to now_s (within the
 * window) as one period. */
static void close_provisioned(struct collect *c, uint32_t fn, double now_s)
{
	double held = in_window(c, c->prov_since_s[fn], now_s);
	const struct function_cfg *f = &c->sc->functions[fn];
	if (c->prov_level[fn] && held > 0)
		c->sc->pricing->meter_time(c->sc->pricing_cfg, &c->fn[fn].usage, PRICING_TIME_PROVISIONED,
					   f->memory_mb, f->vcpus, c->prov_level[fn], held, &f->accel);
	c->prov_since_s[fn] = now_s;
}

static void on_provisioned(void *ctx, uint32_t fn, double now_s, uint32_t before, uint32_t after)
{
	struct collect *c = ctx;
	(void)before;
	close_provisioned(c, fn, now_s);
	c->prov_level[fn] = after;
}

static void on_released(void *ctx, uint32_t fn, double created_s, double released_s)
{
	struct collect *c = ctx;
	const struct function_cfg *f = &c->sc->functions[fn];
	/* The instance's life in the integrals, as busy periods are added (a
	 * start, then an end): an instance busy all its life adds exactly what
	 * its busy period did, so its idle time is exactly 0. */
	period_add(c, &c->fn[fn].instance_s, LEVEL_ALIVE, created_s, released_s);
	if (c->bills_instances) {
		/* Instance-based billing: the instance's time in the window, and
		 * spread over the time-series intervals it spans. */
		c->sc->pricing->meter_time(c->sc->pricing_cfg, &c->fn[fn].usage, PRICING_TIME_INSTANCE,
					   f->memory_mb, f->vcpus, 1, in_window(c, created_s, released_s), &f->accel);
		double a = created_s, b = released_s < c->sc->duration_s ? released_s : c->sc->duration_s;
		for (size_t i = bin_of_past(c, a); a < b && i < c->n_bins; i++) {
			double end = (double)(i + 1) * c->sc->timeseries_interval_s;
			double hi = end < b ? end : b;
			c->sc->pricing->meter_time(c->sc->pricing_cfg, &c->bins[i].usage, PRICING_TIME_INSTANCE,
						   f->memory_mb, f->vcpus, 1, hi - a, &f->accel);
			a = hi;
		}
	}
	if (created_s < c->sc->warmup_s)
		return;
	c->fn[fn].released++;
	c->fn[fn].lifespan_sum_s += released_s - created_s;
}


void collect_close_provisioned(struct collect *c, double end_s)
{
	for (uint32_t fn = 0; fn < c->sc->n_functions; fn++)
		close_provisioned(c, fn, end_s);
}

void collect_prefetch(const struct collect *c, uint32_t fn)
{
	const char *st = (const char *)&c->fn[fn];
	for (size_t off = 0; off < offsetof(struct fn_stats, warmer_pings); off += 64)
		__builtin_prefetch(st + off);
	__builtin_prefetch(&c->fn_last_s[fn]);
}

struct platform_observer collect_observer(struct collect *c)
{
	return (struct platform_observer){
		.ctx = c,
		.request_done = on_request_done,
		.alive_change = on_alive,
		.busy_change = on_busy,
		.instance_released = on_released,
		.instance_busy = c->bills_busy ? on_instance_busy : NULL,
		.provisioned_change = on_provisioned,
	};
}

int collect_init(struct collect *c, const struct scenario *sc, uint32_t rep, struct errbuf *err)
{
	memset(c, 0, sizeof(*c));
	c->sc = sc;
	c->err = err;
	c->n_bins = (size_t)ceil(sc->duration_s / sc->timeseries_interval_s);
	if (c->n_bins == 0)
		c->n_bins = 1;
	c->fn = calloc(sc->n_functions, sizeof(*c->fn));
	c->fn_last_s = calloc(sc->n_functions, sizeof(*c->fn_last_s));
	c->prov_level = calloc(sc->n_functions, sizeof(*c->prov_level));
	c->prov_since_s = calloc(sc->n_functions, sizeof(*c->prov_since_s));
	c->prov_busy_ms = calloc(sc->n_functions, sizeof(*c->prov_busy_ms));
	c->bins = calloc(c->n_bins, sizeof(*c->bins));
	c->bin_acc = calloc(c->n_bins, sizeof(*c->bin_acc));
	if (!c->fn || !c->fn_last_s || !c->prov_level || !c->prov_since_s || !c->prov_busy_ms || !c->bins ||
	    !c->bin_acc)
		return errbuf_set(err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	for (size_t i = 0; i < sc->n_functions; i++)
		fn_stats_init(&c->fn[i]);
	/* A few functions' records stay in the caches: prefetching would only
	 * cost time. */
	c->prefetch = sc->n_functions >= 256;
	/* Whether instance time costs anything: meter one probe second. */
	struct usage probe = { 0 }, zero = { 0 };
	sc->pricing->meter_time(sc->pricing_cfg, &probe, PRICING_TIME_INSTANCE, 1024, 1, 1, 1, NULL);
	c->bills_instances = memcmp(&probe, &zero, sizeof(probe)) != 0;
	/* Whether busy periods cost anything: meter one probe period. */
	struct meter_req period = { .memory_mb = 1024, .vcpus = 1, .run_s = 1 };
	probe = (struct usage){ 0 };
	sc->pricing->meter_busy(sc->pricing_cfg, &probe, &period);
	c->bills_busy = memcmp(&probe, &zero, sizeof(probe)) != 0;
	return 0;
}

void collect_free(struct collect *c)
{
	for (size_t i = 0; c->fn && i < c->sc->n_functions; i++)
		fn_stats_free(&c->fn[i]);
	free(c->fn);
	free(c->fn_last_s);
	free(c->prov_level);
	free(c->prov_since_s);
	free(c->prov_busy_ms);
	free(c->bins);
	free(c->bin_acc);
	memset(c, 0, sizeof(*c));
}

void collect_finish(struct collect *c)
{
	const struct scenario *sc = c->sc;
	bins_finish(c);
	stats_close(c);
	/* SnapStart snapshots with a cache fee are held over the whole window. */
	for (size_t i = 0; i < sc->n_functions; i++) {
		const struct function_cfg *f = &sc->functions[i];
		if (f->cold_start->snapshot && f->cold_start->snapshot(f->cold_start_cfg) == RESTORE_CHARGED)
			sc->pricing->meter_time(sc->pricing_cfg, &c->fn[i].usage, PRICING_TIME_SNAPSHOT,
						f->memory_mb, f->vcpus, 1, sc->duration_s - sc->warmup_s, &f->accel);
		/* After every provisioned period (collect_close_provisioned). */
		if (c->prov_busy_ms[i])
			sc->pricing->meter_time(sc->pricing_cfg, &c->fn[i].usage, PRICING_TIME_PROVISIONED_BUSY,
						f->memory_mb, f->vcpus, 1, (double)c->prov_busy_ms[i] / 1000, &f->accel);
	}
}

int collect_all(const struct collect *c, struct fn_stats *all)
{
	int rc = 0;
	fn_stats_init(all);
	for (size_t i = 0; i < c->sc->n_functions; i++)
		if (fn_stats_merge(all, &c->fn[i]) < 0)
			rc = ERR_RUNTIME;
	all->peak = c->all_peak;
	return rc;
}
