/*
 * Partitioned replications (sim/run/partition.c, partition_run): the functions
 * run in groups of RUN_GROUP_FUNCTIONS (32), each on its own platform and
 * engine, fed by one workload in pull mode. Each function sees the same events in the same order as on
 * one platform, so every per-function figure and every total is the same as
 * the serial run's bit for bit (run_options.serial = 1). The exceptions
 * (which these scenarios avoid by using continuous distributions wherever
 * two events of one function, or level changes of two functions, could fall
 * at the same instant): the event count, the time-series instance-seconds
 * (floating sums over functions in another order), the all-function peak
 * when changes of two functions coincide, and an arrival and a timer of one
 * function due at exactly the same time.
 *
 * Covered: every scenarios/ JSON file (keepalive-compare: each variant, and
 * each again without its memory pool so that it runs partitioned); a
 * generated 300-function scenario (10 groups, the last partial; rates over
 * four orders of magnitude; every keep-alive policy; warm-up; cold starts
 * of the three models; concurrency > 1; reserved concurrency; timeouts; out
 * of memory; every idle selection; instance-based billing); CSV traces
 * shared by functions of every group (ties in time, a block of equal times
 * across a window bound); one trace as the only source of five groups;
 * the azure2019 sample driving functions in two groups; the fallback to one platform when the account pool binds
 * (rejections and queueing) and just below; an all-function peak known by
 * hand across two groups; a function's instances alive at the end
 * and a lowered provisioned level, where a choice among a function's
 * instances must not follow their slots in the pool (which depend on the
 * other functions); the engine and workload calls the partitioned driver
 * relies on.
 *
 * Every partitioned run is also done in windows of 997 arrivals
 * (run_options.window_arrivals), so that window bounds fall everywhere.
 *
 * Tolerances: everything exact except the time-series busy/idle
 * instance-seconds, within 1e-9 relative (see same_bins).
 */
#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "experiment/compare.h"
#include "core/engine.h"
#include "suites.h"
#include "testutil.h"
#include "run/workload.h"

/* Functions per group of a partitioned run. The hand-made cases below speak
 * of "group 0" (functions 0..63) and "group 1" (64..127): with groups of
 * fewer functions each is several groups, and every case still spans
 * groups; only event counts depend on the group size (GROUPS). */
#define GROUP RUN_GROUP_FUNCTIONS
/* Groups of n functions. */
#define GROUPS(n) (((n) + GROUP - 1) / GROUP)

/* ---- a growing string for generated scenarios --------------------------- */

struct sbuf {
	char *s;
	size_t n, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		ck_assert_int_ge(k, 0);
		if (b->s && b->n + (size_t)k < b->cap) {
			b->n += (size_t)k;
			return;
		}
		b->cap = 2 * (b->cap + (size_t)k) + 4096;
		b->s = realloc(b->s, b->cap);
		ck_assert_ptr_nonnull(b->s);
	}
}

/* ---- running both ways and comparing ------------------------------------ */

static void load_text(struct scenario *sc, const char *text)
{
	tu_load(text, "/tmp/partition-test.json", sc);
}

/* load_text on the text of b, which is then emptied. */
static void load_sbuf(struct scenario *sc, struct sbuf *b)
{
	load_text(sc, b->s);
	free(b->s);
	*b = (struct sbuf){ 0 };
}

/* window: arrivals per window of a partitioned run (0: the default). */
static void run_mode(const struct scenario *sc, int serial, uint32_t window, struct run_result *r)
{
	struct errbuf err = { "" };
	struct run_options opt = { .threads = 1, .serial = serial, .window_arrivals = window };
	int rc = run_scenario(sc, &opt, r, &err);
	ck_assert_msg(rc == 0, "%s run failed: %s", serial ? "serial" : "partitioned", err.msg);
	ck_assert_uint_eq(r->replications, sc->replications);
}

/* Bitwise equality (NaN equals NaN; 0.0 and -0.0 differ). */
static int same_double(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

static void same_fold(const char *what, const char *whose, const struct stats_fold *a,
		      const struct stats_fold *b)
{
	ck_assert_msg(a->n == b->n, "%s: %s: folded %u against %u", what, whose, a->n, b->n);
	for (int i = 0; i < FIG_COUNT; i++) {
		ck_assert_msg(a->n_valid[i] == b->n_valid[i], "%s: %s: %s defined in %u against %u replications",
			      what, whose, stats_figure_names[i], a->n_valid[i], b->n_valid[i]);
		ck_assert_msg(same_double(a->mean[i], b->mean[i]), "%s: %s: %s serial %.17g partitioned %.17g",
			      what, whose, stats_figure_names[i], a->mean[i], b->mean[i]);
		ck_assert_msg(same_double(a->m2[i], b->m2[i]), "%s: %s: %s m2 serial %.17g partitioned %.17g",
			      what, whose, stats_figure_names[i], a->m2[i], b->m2[i]);
	}
}

/* The time-series instance-seconds are sums over all functions' changes in
 * another order (group by group): each of the n changes in an interval adds
 * a term of at most width_s in magnitude, so the two sums differ by at most
 * about 2 n eps width_s; with n <= 1e5 changes per 60-s interval that is
 * 3e-9 instance-seconds, against values of at least ~1e-2 wherever any
 * instance lives in the interval in these scenarios. 1e-9 relative plus
 * 1e-9 absolute (for intervals where the level is zero and the sum is the
 * rounding of cancelling terms) covers it with margin. */
static void same_bins(const char *what, const struct run_result *a, const struct run_result *b)
{
	ck_assert_uint_eq(a->n_bins, b->n_bins);
	for (size_t i = 0; i < a->n_bins; i++) {
		const struct ts_bin *x = &a->bins[i], *y = &b->bins[i];
		ck_assert_msg(x->arrivals == y->arrivals, "%s: interval %zu: arrivals %llu against %llu", what, i,
			      (unsigned long long)x->arrivals, (unsigned long long)y->arrivals);
		ck_assert_msg(x->cold_starts == y->cold_starts, "%s: interval %zu: cold starts %llu against %llu",
			      what, i, (unsigned long long)x->cold_starts, (unsigned long long)y->cold_starts);
		ck_assert_msg(memcmp(&x->usage, &y->usage, sizeof(x->usage)) == 0, "%s: interval %zu: usage differs",
			      what, i);
		ck_assert_msg(fabs(x->busy_s - y->busy_s) <= 1e-9 * fmax(fabs(x->busy_s), fabs(y->busy_s)) + 1e-9,
			      "%s: interval %zu: busy %.17g against %.17g", what, i, x->busy_s, y->busy_s);
		ck_assert_msg(fabs(x->idle_s - y->idle_s) <= 1e-9 * fmax(fabs(x->idle_s), fabs(y->idle_s)) + 1e-9,
			      "%s: interval %zu: idle %.17g against %.17g", what, i, x->idle_s, y->idle_s);
	}
}

static void same_histo(const char *what, const struct histo *a, const struct histo *b)
{
	ck_assert_msg(a->count == b->count, "%s: latency count %llu against %llu", what,
		      (unsigned long long)a->count, (unsigned long long)b->count);
	ck_assert_uint_eq(a->zero_count, b->zero_count);
	ck_assert_msg(same_double(a->sum, b->sum), "%s: latency sum %.17g against %.17g", what, a->sum, b->sum);
	ck_assert(same_double(a->min, b->min));
	ck_assert(same_double(a->max, b->max));
	ck_assert_int_eq(a->lo, b->lo);
	ck_assert_uint_eq(a->n_buckets, b->n_buckets);
	ck_assert_msg(a->n_buckets == 0 || memcmp(a->buckets, b->buckets, a->n_buckets * sizeof(*a->buckets)) == 0,
		      "%s: latency buckets differ", what);
}

static void same_results(const char *what, const struct scenario *sc, const struct run_result *ser,
			 const struct run_result *par)
{
	char whose[300];
	ck_assert_uint_eq(ser->n_functions, par->n_functions);
	for (size_t i = 0; i < sc->n_functions; i++) {
		snprintf(whose, sizeof(whose), "functions[%zu] (%.200s)", i, sc->functions[i].name);
		same_fold(what, whose, &ser->functions[i], &par->functions[i]);
	}
	same_fold(what, "totals", &ser->totals, &par->totals);
	same_histo(what, &ser->latency, &par->latency);
	same_bins(what, ser, par);
}

/* A window of 997 arrivals: bounds at odd places, many per run. */
#define SMALL_WINDOW 997u

/* Runs sc serially and partitioned with the default window, with windows
 * of SMALL_WINDOW arrivals and, when window > 0, of that many; asserts the
 * same results and returns the serial and default partitioned ones (in
 * *ser, *par; NULL: freed here). The window changes nothing, not even the
 * number of events. */
static void both_ways_window(const char *what, const struct scenario *sc, struct run_result *ser,
			     struct run_result *par, uint32_t window)
{
	struct run_result a, b;
	run_mode(sc, 1, 0, &a);
	run_mode(sc, 0, 0, &b);
	same_results(what, sc, &a, &b);
	uint32_t windows[] = { SMALL_WINDOW, window };
	for (int k = 0; k < 2 && windows[k]; k++) {
		struct run_result c;
		char w[600];
		snprintf(w, sizeof(w), "%s (windows of %u)", what, windows[k]);
		run_mode(sc, 0, windows[k], &c);
		same_results(w, sc, &a, &c);
		ck_assert_uint_eq(c.events, b.events);
		run_result_free(&c);
	}
	if (ser)
		*ser = a;
	else
		run_result_free(&a);
	if (par)
		*par = b;
	else
		run_result_free(&b);
}

static void both_ways(const char *what, const struct scenario *sc, struct run_result *ser, struct run_result *par)
{
	both_ways_window(what, sc, ser, par, 0);
}

static double total(const struct run_result *r, enum stats_figure f)
{
	return tu_fig(&r->totals, f);
}

/* ---- the example scenarios ---------------------------------------------- */

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Scenarios longer than two hours of arrivals are cut to two hours (the
 * generators' and traces' first two hours) to keep the suite quick. */
static void load_short(struct scenario *sc, const char *path, const char *extra_set)
{
	struct errbuf err = { "" };
	ck_assert_msg(scenario_load(sc, path, NULL, 0, &err) == 0, "%s", err.msg);
	const char *sets[3];
	size_t n = 0;
	char dur[64];
	if (sc->duration_s > 7200 && sc->workload) {
		snprintf(dur, sizeof(dur), "duration_s=7200");
		sets[n++] = dur;
	} else if (sc->duration_s > 7200) {
		/* The warm-up and two hours after it. */
		double d = sc->warmup_s + 7200;
		snprintf(dur, sizeof(dur), "duration_s=%.17g", d < sc->duration_s ? d : sc->duration_s);
		sets[n++] = dur;
	}
	if (extra_set)
		sets[n++] = extra_set;
	scenario_free(sc);
	ck_assert_msg(scenario_load(sc, path, sets, n, &err) == 0, "%s: %s", path, err.msg);
}

START_TEST(example_scenarios_same_both_ways)
{
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/scenarios", tu_root());
	struct dirent **names;
	int n = scandir(dir, &names, NULL, by_name);
	ck_assert_int_gt(n, 0);
	int seen = 0, variants = 0;
	for (int k = 0; k < n; k++) {
		const char *name = names[k]->d_name;
		size_t len = strlen(name);
		if (len < 6 || strcmp(name + len - 5, ".json") != 0)
			continue;
		char path[2048];
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		struct scenario sc;
		load_short(&sc, path, NULL);
		seen++;
		if (!compare_count(&sc)) {
			both_ways(name, &sc, NULL, NULL);
			scenario_free(&sc);
			continue;
		}
		/* A "compare" scenario runs once per policy (compare_run): each
		 * variant, as given (its memory pool makes both runs serial) and
		 * without the pool (so every policy also runs partitioned). */
		for (int pool = 1; pool >= 0; pool--) {
			if (!pool) {
				scenario_free(&sc);
				load_short(&sc, path, "platform.pool_memory_mb=0");
			}
			for (size_t v = 0; v < compare_count(&sc); v++) {
				struct scenario var;
				char label[COMPARE_LABEL_MAX], what[512];
				struct errbuf err = { "" };
				ck_assert_msg(compare_variant(&sc, v, &var, label, &err) == 0, "%s", err.msg);
				snprintf(what, sizeof(what), "%s [%s%s]", name, label, pool ? "" : ", no pool");
				both_ways(what, &var, NULL, NULL);
				scenario_free(&var);
				variants++;
			}
		}
		scenario_free(&sc);
	}
	for (int k = 0; k < n; k++)
		free(names[k]);
	free(names);
	/* The eight files of scenarios/ (README.md there lists them), and
	 * keepalive-compare's eight policies twice. */
	ck_assert_int_ge(seen, 8);
	ck_assert_int_eq(variants, 16);
}
END_TEST

/* ---- a generated scenario over many groups ------------------------------ */

struct wide {
	unsigned n;                 /* functions */
	double duration_s, warmup_s;
	unsigned reps;
	double rate_lo, rate_hi;    /* Poisson rates, log-spaced (per s) */
	const char *idle_selection, *on_limit, *provider;
	unsigned account;           /* account_concurrency */
	int reserved;               /* some functions reserve concurrency */
	/* Optional CSV traces: function i takes trace_a when i % 4 == 1 and
	 * trace_b when i % 4 == 3 (their names tA<i>, tB<i>). */
	const char *trace_a, *trace_b;
};

static const char *wide_name(unsigned i, const struct wide *w, char buf[32])
{
	if (w->trace_a && i % 4 == 1)
		snprintf(buf, 32, "tA%u", i);
	else if (w->trace_b && i % 4 == 3)
		snprintf(buf, 32, "tB%u", i);
	else
		snprintf(buf, 32, "f%u", i);
	return buf;
}

/* Function i's keep-alive: every policy in turn. Constants are chosen so
 * that no timer of a function falls exactly on one of its own arrivals
 * (continuous idle times; warmer phases off the traces' 0.01-s grid). */
static void wide_keepalive(struct sbuf *b, unsigned i, int on_trace)
{
	switch (i % 8) {
	case 0: /* the same TTL for many functions of every group: shared expiry lists */
		sb_printf(b, "{\"policy\": \"fixed\", \"ttl_s\": 120}");
		break;
	case 1:
		sb_printf(b, "{\"policy\": \"fixed\", \"ttl_s\": %.3f}", 20 + 1.37 * i);
		break;
	case 2:
		sb_printf(b, "{\"policy\": \"none\"}");
		break;
	case 3:
		sb_printf(b, "{\"policy\": \"hybrid-histogram\", \"range_s\": 1800, \"bin_s\": 10,"
			     " \"min_samples\": 5, \"fallback_ttl_s\": 300}");
		break;
	case 4:
		if (on_trace)
			sb_printf(b, "{\"policy\": \"fixed\", \"ttl_s\": 45.5}");
		else
			sb_printf(b, "{\"policy\": \"warmer\", \"interval_s\": %.4f, \"ping_s\": 0.0731,"
				     " \"ttl_s\": 100, \"phase_s\": %.4f}", 150 + 0.37 * i, 3.1234 + 0.01 * i);
		break;
	case 5:
		sb_printf(b, "{\"policy\": \"provisioned\", \"instances\": %u, \"then\": {\"policy\": \"fixed\", \"ttl_s\": 60}}",
			  1 + i % 3);
		break;
	case 6:
		sb_printf(b, "{\"policy\": \"greedy-dual\"}");
		break;
	default:
		sb_printf(b, "{\"policy\": \"lru\"}");
		break;
	}
}

static void wide_service(struct sbuf *b, unsigned i)
{
	double mean = 0.03 * pow(60, (double)((i * 7) % 13) / 12);   /* 0.03 .. 1.8 s */
	switch (i % 4) {
	case 0: sb_printf(b, "{\"dist\": \"lognormal\", \"mean_s\": %.6g, \"cv\": 0.8}", mean); break;
	case 1: sb_printf(b, "{\"dist\": \"exponential\", \"mean_s\": %.6g}", mean); break;
	case 2: sb_printf(b, "{\"dist\": \"gamma\", \"mean_s\": %.6g, \"cv\": 0.5}", mean); break;
	default: sb_printf(b, "{\"dist\": \"uniform\", \"min_s\": %.6g, \"max_s\": %.6g}", 0.5 * mean, 1.5 * mean); break;
	}
}

static char *wide_text(const struct wide *w)
{
	struct sbuf b = { 0 };
	sb_printf(&b, "{\"name\": \"wide\", \"seed\": 17, \"duration_s\": %.17g, \"warmup_s\": %.17g,"
		      " \"replications\": %u, \"timeseries_interval_s\": 60, \"provider\": %s,"
		      " \"platform\": {\"account_concurrency\": %u, \"on_limit\": \"%s\", \"queue_timeout_s\": 2.5,"
		      " \"idle_selection\": \"%s\"}, \"functions\": [",
		  w->duration_s, w->warmup_s, w->reps, w->provider ? w->provider : "\"aws-lambda-x86\"", w->account,
		  w->on_limit ? w->on_limit : "reject", w->idle_selection ? w->idle_selection : "mru");
	for (unsigned i = 0; i < w->n; i++) {
		char name[32];
		int on_trace = (w->trace_a && i % 4 == 1) || (w->trace_b && i % 4 == 3);
		sb_printf(&b, "%s{\"name\": \"%s\", \"memory_mb\": %u", i ? "," : "", wide_name(i, w, name),
			  128 * (1 + i % 8));
		if (i % 29 == 7) {
			/* Needs more memory than it has: every request fails (oom). */
			sb_printf(&b, ", \"work\": {\"cpu_s\": 0.2, \"io_s\": 0.05, \"cv\": 0.5, \"min_memory_mb\": 2048}");
		} else {
			sb_printf(&b, ", \"service\": ");
			wide_service(&b, i);
		}
		if (i % 31 == 9)
			sb_printf(&b, ", \"cold_start\": {\"mode\": \"model\", \"runtime\": \"nodejs\","
				      " \"package_mb\": 20, \"model\": {\"size_mb\": 50}}");
		else if (i % 6 == 5)
			sb_printf(&b, ", \"cold_start\": {\"mode\": \"replace\", \"service\": {\"dist\": \"lognormal\","
				      " \"mean_s\": 1.7, \"cv\": 0.4}}");
		else
			sb_printf(&b, ", \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"gamma\","
				      " \"mean_s\": %.3f, \"cv\": 0.5}}", 0.2 + 0.3 * (i % 5));
		if (i % 5 == 0)
			sb_printf(&b, ", \"concurrency_per_instance\": 4");
		if (i % 10 == 0 && i % 29 != 7)   /* requests sharing an instance's CPU */
			sb_printf(&b, ", \"cpu_fraction\": 0.7");
		if (w->reserved && i % 23 == 4)
			sb_printf(&b, ", \"reserved_concurrency\": 2");
		if (i % 11 == 3)
			sb_printf(&b, ", \"timeout_s\": 0.4");
		sb_printf(&b, ", \"keepalive\": ");
		wide_keepalive(&b, i, on_trace);
		if (w->trace_a && i % 4 == 1) {
			sb_printf(&b, ", \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}", w->trace_a);
		} else if (w->trace_b && i % 4 == 3) {
			sb_printf(&b, ", \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}", w->trace_b);
		} else {
			/* Log-spaced rates, shuffled over the functions (37 is
			 * prime to the counts used). */
			double u = w->n > 1 ? (double)((i * 37) % w->n) / (w->n - 1) : 0;
			double rate = w->rate_lo * pow(w->rate_hi / w->rate_lo, u);
			sb_printf(&b, ", \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": %.6g}}", rate);
		}
	}
	sb_printf(&b, "]}");
	return b.s;
}

START_TEST(wide_scenario_same_both_ways)
{
	/* 300 functions: groups of 32 (9 full, the tenth of 12). Rates from
	 * 1e-3 to 3 per s, log-spaced: sum ~ 300 x (3 - 0.001) / ln(3000) =
	 * 112 per s, so ~134,000 arrivals in the 1,200 s after the warm-up:
	 * one default window, or ~150 of SMALL_WINDOW, per replication. */
	struct wide w = { .n = 300, .duration_s = 1500, .warmup_s = 300, .reps = 2, .rate_lo = 1e-3,
			  .rate_hi = 3, .account = 1000, .reserved = 1 };
	char *text = wide_text(&w);
	struct scenario sc;
	load_text(&sc, text);
	free(text);
	struct run_result ser, par;
	both_ways("wide", &sc, &ser, &par);
	/* What the scenario exercises, from the (equal) results. */
	ck_assert_double_gt(total(&ser, FIG_INVOCATIONS), 100 * SMALL_WINDOW);   /* a mean per replication */
	ck_assert_double_gt(total(&ser, FIG_COLD_STARTS), 100);
	ck_assert_double_gt(total(&ser, FIG_TIMED_OUT), 10);
	ck_assert_double_gt(total(&ser, FIG_OOM), 10);
	ck_assert_double_gt(total(&ser, FIG_REJECTED), 0);        /* reserved functions at their limit */
	ck_assert_double_gt(total(&ser, FIG_WARMER_PINGS), 100);
	ck_assert_double_gt(total(&ser, FIG_COST_PROVISIONED), 0);
	/* Reserved functions reject on their own limit of 2: the account pool
	 * (974 left by 13 reservations) is far from full, so the partitioned run stood (events
	 * differ: one end-of-window timer per group, and the shared TTL lists
	 * fire apart). */
	ck_assert_uint_ne(ser.events, par.events);
	run_result_free(&ser);
	run_result_free(&par);
	scenario_free(&sc);

	/* The same shape with the other dispatch orders, instance-based
	 * billing (instance time metered per interval), busy-period billing
	 * (gen2 request-based: each busy period of the instances serving 4 at
	 * once), a queueing limit that is never reached, and fewer, busier
	 * functions. */
	const char *sel[] = { "random", "newest", "lru" };
	for (int k = 0; k < 3; k++) {
		struct wide v = { .n = 130, .duration_s = 1200, .warmup_s = 100, .reps = 2, .rate_lo = 1e-2,
				  .rate_hi = 5, .account = 1000, .on_limit = "queue", .idle_selection = sel[k],
				  .provider = k == 0 ? "{\"name\": \"gcf-gen2\", \"instance_based\": 1}"
					    : k == 1 ? "\"gcf-gen2\"" : NULL };
		text = wide_text(&v);
		load_text(&sc, text);
		free(text);
		char what[64];
		snprintf(what, sizeof(what), "wide, %s", sel[k]);
		struct run_result par;
		both_ways(what, &sc, &ser, &par);
		ck_assert_double_gt(total(&ser, FIG_INVOCATIONS), 50000);
		ck_assert_uint_ne(par.events, ser.events);   /* it stood */
		run_result_free(&ser);
		run_result_free(&par);
		scenario_free(&sc);
	}
}
END_TEST

/* ---- CSV traces shared by functions of every group ---------------------- */

/* A deterministic stream of uniforms (the trace writer's own, so that the
 * file does not depend on GSL's generators). */
static double lcg(uint64_t *x)
{
	*x = *x * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(*x >> 11) / 9007199254740992.0;
}

/* Trace A: rows every ~1/93 s on a 0.01-s grid (many rows share a time),
 * for the tA functions of a scenario of n functions, with durations of nine
 * random digits (so a completion practically never lands on the grid); a
 * block of `block` rows at time block_s. Trace B: no durations, times on a
 * 0.5-s grid, for the tB functions. Returns the rows of A. */
static size_t write_traces(const char *dir, unsigned n, double duration_s, double block_s, unsigned block,
			   char pa[512], char pb[512])
{
	uint64_t x = 12345;
	snprintf(pa, 512, "%s/a.csv", dir);
	snprintf(pb, 512, "%s/b.csv", dir);
	FILE *fa = fopen(pa, "w"), *fb = fopen(pb, "w");
	ck_assert_ptr_nonnull(fa);
	ck_assert_ptr_nonnull(fb);
	fputs("timestamp_s,function,duration_s\n", fa);
	fputs("timestamp_s,function\n", fb);
	unsigned na = 0, nb = 0, ia[256], ib[256];
	for (unsigned i = 0; i < n; i++) {
		if (i % 4 == 1)
			ia[na++] = i;
		else if (i % 4 == 3)
			ib[nb++] = i;
	}
	size_t rows = 0;
	long tick = 0;   /* hundredths of a second */
	int blocked = 0;
	while (tick <= (long)(duration_s * 100)) {
		if (!blocked && tick >= (long)(block_s * 100)) {
			for (unsigned k = 0; k < block; k++, rows++)
				fprintf(fa, "%.2f,tA%u,%.9f\n", block_s, ia[k % na], 0.05 + 0.3 * lcg(&x));
			blocked = 1;
			tick = (long)(block_s * 100);
		}
		/* Function popularity skewed: the square of a uniform. */
		double u = lcg(&x);
		fprintf(fa, "%.2f,tA%u,%.9f\n", (double)tick / 100, ia[(unsigned)(u * u * na)], 0.02 + 0.5 * lcg(&x));
		rows++;
		/* Next row: 0, 1 or 2 ticks later (mean 1.075 ticks: 93 per s). */
		double g = lcg(&x);
		tick += g < 0.2 ? 0 : g < 0.725 ? 1 : 2;
	}
	for (long half = 0; half <= (long)(duration_s * 2); half++) {
		for (unsigned k = 0; k < 3; k++) {
			double u = lcg(&x);
			if (u < 0.6)
				fprintf(fb, "%.1f,tB%u\n", (double)half / 2, ib[(unsigned)(lcg(&x) * nb)]);
		}
	}
	fclose(fa);
	fclose(fb);
	return rows;
}

START_TEST(shared_traces_same_both_ways)
{
	/* 130 functions (groups of 32: four full, the fifth of 2); a quarter
	 * driven by trace A, a quarter by trace B, the rest Poisson. A has about 93 x 1,200 =
	 * 112,000 rows plus a block of 2,000 rows at t = 1,000 s. */
	const char *dir = tu_tmpdir();
	char pa[512], pb[512];
	unsigned n = 130;
	double duration_s = 1200, block_s = 1000;
	size_t rows = write_traces(dir, n, duration_s, block_s, 2000, pa, pb);
	ck_assert_uint_gt(rows, 100000);
	/* The block puts ~2,000 requests in flight at once: an account pool of
	 * 20,000 keeps the partitioned run standing. */
	struct wide w = { .n = n, .duration_s = duration_s, .warmup_s = 200, .reps = 2, .rate_lo = 1e-3,
			  .rate_hi = 0.05, .account = 20000, .reserved = 1, .trace_a = pa, .trace_b = pb };
	char *text = wide_text(&w);
	struct scenario sc;
	load_text(&sc, text);
	free(text);

	/* Pull the arrivals of replication 0 and find the block's first and
	 * last: windows of first + 1,000 arrivals end inside it. */
	struct errbuf err = { "" };
	struct workload *wl;
	ck_assert_msg(workload_new(&sc, NULL, 0, NULL, NULL, &wl, &err) == 0, "%s", err.msg);
	struct arrival a;
	uint64_t k = 0, first = UINT64_MAX, last = 0;
	while (workload_pull(wl, &a) > 0) {
		if (a.t_s == block_s) {
			first = first < k ? first : k;
			last = k;
		}
		k++;
	}
	workload_free(wl);
	/* The block, A's next row and any of B's rows at that time. */
	ck_assert_msg(first > 0 && last >= first + 2000, "block at arrivals %llu..%llu",
		      (unsigned long long)first, (unsigned long long)last);

	struct run_result ser, par;
	both_ways_window("shared traces", &sc, &ser, &par, (uint32_t)first + 1000);
	/* The partitioned run stood (a fallback is the serial run again, with
	 * the same number of events; standing, there is one end-of-window
	 * timer per group and the shared TTL lists fire apart). */
	ck_assert_uint_ne(par.events, ser.events);
	run_result_free(&par);
	/* ~97 per s after the 200-s warm-up. */
	ck_assert_double_gt(total(&ser, FIG_INVOCATIONS), 90000);
	ck_assert_double_gt(total(&ser, FIG_TIMED_OUT), 0);
	/* A function of each trace in every group took arrivals. */
	for (unsigned g = 0; g < 3; g++) {
		unsigned fa = g * GROUP + 1, fb = g * GROUP + 3;
		if (fa < n)
			ck_assert_double_gt(tu_fig(&ser.functions[fa], FIG_INVOCATIONS), 0);
		if (fb < n)
			ck_assert_double_gt(tu_fig(&ser.functions[fb], FIG_INVOCATIONS), 0);
	}
	run_result_free(&ser);
	scenario_free(&sc);
	remove(pa);
	remove(pb);
}
END_TEST

START_TEST(single_source_same_both_ways)
{
	/* One CSV trace drives all 130 functions (5 groups) and is the only
	 * source (workload_pull reads it without merging): ~100 rows per s for
	 * 600 s on a 0.01-s grid, durations of nine random digits, every
	 * keep-alive policy but warmer. */
	const char *dir = tu_tmpdir();
	unsigned n = 130;
	char path[512];
	snprintf(path, sizeof(path), "%s/c.csv", dir);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("timestamp_s,function,duration_s\n", fp);
	uint64_t x = 777;
	size_t rows = 0;
	for (long tick = 0; tick <= 60000; rows++) {
		double u = lcg(&x);
		fprintf(fp, "%.2f,c%u,%.9f\n", (double)tick / 100, (unsigned)(u * u * n), 0.01 + 0.8 * lcg(&x));
		tick += lcg(&x) < 0.5 ? 0 : 2;   /* 2 rows per 2 ticks: 100 per s */
	}
	fclose(fp);
	struct sbuf b = { 0 };
	sb_printf(&b, "{\"seed\": 12, \"duration_s\": 600, \"warmup_s\": 60, \"replications\": 2,"
		      " \"platform\": {\"account_concurrency\": 5000}, \"functions\": [");
	for (unsigned i = 0; i < n; i++) {
		sb_printf(&b, "%s{\"name\": \"c%u\", \"memory_mb\": 256, \"service\": ", i ? "," : "", i);
		wide_service(&b, i);
		if (i % 5 == 0)
			sb_printf(&b, ", \"concurrency_per_instance\": 3");
		if (i % 10 == 0)   /* the trace's durations, 60 % of them shared CPU */
			sb_printf(&b, ", \"cpu_fraction\": 0.6");
		if (i % 11 == 3)
			sb_printf(&b, ", \"timeout_s\": 0.3");
		sb_printf(&b, ", \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"lognormal\", \"mean_s\": 0.6, \"cv\": 0.4}},"
			      " \"keepalive\": ");
		wide_keepalive(&b, i, 1);
		sb_printf(&b, ", \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}", path);
	}
	sb_printf(&b, "]}");
	struct scenario sc;
	load_sbuf(&sc, &b);
	struct run_result ser, par;
	both_ways("one trace for all", &sc, &ser, &par);
	ck_assert_uint_ne(par.events, ser.events);   /* it stood */
	/* The rows after the 60-s warm-up: 90 % of them. */
	ck_assert_double_eq_tol(total(&ser, FIG_INVOCATIONS), 0.9 * (double)rows, 0.02 * (double)rows);
	ck_assert_double_gt(total(&ser, FIG_TIMED_OUT), 0);
	run_result_free(&ser);
	run_result_free(&par);
	scenario_free(&sc);
	remove(path);
}
END_TEST

#define A19 "traces/azure2019-invitro-mapper-extremes-3funcs/"
#define A21 "traces/azure2021-invitro-example-200rows/Azure2021_200.csv"

/* The start of a scenario whose workload is the 2019 sample of ../shared,
 * with the per-minute counts spread as given, up to the workload's end. */
static void sb_azure2019_workload(struct sbuf *b, int seed, const char *spread)
{
	sb_printf(b, "{\"seed\": %d, \"replications\": 2, \"workload\": {\"format\": \"azure2019\","
		     " \"spread\": \"%s\", \"invocations\": [\"%s\"],", seed, spread, tu_shared(A19 "invocations.csv"));
	sb_printf(b, " \"durations\": [\"%s\"],", tu_shared(A19 "durations.csv"));
	sb_printf(b, " \"memory\": [\"%s\"]}", tu_shared(A19 "memory.csv"));
}

START_TEST(azure2019_workload_same_both_ways)
{
	/* The 2019 sample's three functions: the first listed at position 0,
	 * then 69 Poisson functions, the two others appended at 70 and 71: one
	 * workload source drives functions of two groups. Two spreads of the
	 * per-minute counts: even (equal times in step) and poisson. */
	const char *spreads[] = { "even", "poisson" };
	for (int k = 0; k < 2; k++) {
		struct sbuf b = { 0 };
		sb_azure2019_workload(&b, 5, spreads[k]);
		sb_printf(&b, ", \"function_defaults\": {\"timeout_s\": 60,"
			      " \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"lognormal\", \"mean_s\": 0.8, \"cv\": 0.5}},"
			      " \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 30}},"
			      " \"functions\": [{\"name\": \"4dd18b8612337a03958c30308bd81a96b46d24dc6ef32f60eb1cb687f6291f50\","
			      " \"memory_mb\": 1024, \"service\": {\"dist\": \"gamma\", \"mean_s\": 0.5, \"cv\": 0.7},"
			      " \"keepalive\": {\"policy\": \"hybrid-histogram\", \"bin_s\": 10, \"range_s\": 1200, \"min_samples\": 3}}");
		for (int i = 1; i < 70; i++)
			sb_printf(&b, ", {\"name\": \"p%d\", \"service\": {\"dist\": \"exponential\", \"mean_s\": 0.3},"
				      " \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": %d.25},"
				      " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": %.4f}}",
				  i, 10 + i, 0.002 * i);
		sb_printf(&b, "]}");
		struct scenario sc;
		load_sbuf(&sc, &b);
		ck_assert_uint_eq(sc.n_functions, 72);
		struct run_result ser, par;
		/* Also in windows of one arrival (and those at the same time). */
		both_ways_window(spreads[k], &sc, &ser, &par, 1);
		/* It stood: one more end-of-window timer per extra group and
		 * replication (the expiry lists are per function, or shared by
		 * functions 70 and 71 in both runs). */
		ck_assert_uint_eq(par.events, ser.events + sc.replications * (GROUPS(72) - 1));
		run_result_free(&par);
		/* The trace's functions in group 0 and group 1 all ran: with
		 * spread "even" exactly the sample's 46, 1 and 1 invocations
		 * (SOURCE.txt; the listed one is the sample's third row). */
		ck_assert_double_gt(tu_fig(&ser.functions[0], FIG_INVOCATIONS), 0);
		ck_assert_double_gt(tu_fig(&ser.functions[70], FIG_INVOCATIONS) +
					    tu_fig(&ser.functions[71], FIG_INVOCATIONS), 0);
		if (k == 0) {
			ck_assert_double_eq(tu_fig(&ser.functions[0], FIG_INVOCATIONS), 46);
			ck_assert_double_eq(tu_fig(&ser.functions[70], FIG_INVOCATIONS), 1);
			ck_assert_double_eq(tu_fig(&ser.functions[71], FIG_INVOCATIONS), 1);
		}
		run_result_free(&ser);
		scenario_free(&sc);
	}
}
END_TEST

/* ---- a peak across groups, by hand -------------------------------------- */

/* 128 functions, 2 groups; every 1,000 s from their phase over 3,000 s (3
 * arrivals each, at phase, 1000 + phase, 2000 + phase), no init, constant
 * times, each instance alive 10 s:
 *  - group 0 (functions i = 0..63): phase 0.001 (i + 1), 6 s of work, then
 *    kept 4 s (fixed): alive [0.001 (i + 1), 0.001 (i + 1) + 10];
 *  - group 1 (j = 0..63, function 64 + j): phase 5 + 0.1 j, 10 s of work,
 *    released when idle (none): alive [5 + 0.1 j, 15 + 0.1 j].
 * Each group alone peaks at 64. Together, in [10.0, 10.001) all of group 0
 * (ends 10.001 .. 10.064) and group 1's j <= 50 (starts up to 10.0) are
 * alive: 64 + 51 = 115, the peak; before 10.0 at most 64 + 50, after it
 * group 0 leaves one every 0.001 s while group 1 adds one every 0.1 s.
 * Requests in flight: group 0 runs [phase, phase + 6] (all 64 at once during
 * [0.064, 6.001)), overlapping group 1's first 11 (j <= 10, starts up to
 * 6.0): 75 at most together; each group alone 64. */
/* reserved > 0 adds a function f128 (a group of its own) with that reserved
 * concurrency and no arrivals in the run (Poisson at 1e-12 per s). */
static char *peak_text(unsigned account, unsigned reserved)
{
	struct sbuf b = { 0 };
	sb_printf(&b, "{\"seed\": 1, \"duration_s\": 3000, \"timeseries_interval_s\": 100,"
		      " \"platform\": {\"account_concurrency\": %u}, \"functions\": [", account);
	for (unsigned i = 0; i < 128; i++) {
		int g0 = i < 64;
		double phase = g0 ? 0.001 * (i + 1) : 5 + 0.1 * (i - 64);
		sb_printf(&b, "%s{\"name\": \"f%u\", \"service\": {\"dist\": \"constant\", \"value_s\": %d},"
			      " \"keepalive\": %s, \"arrivals\": {\"process\": \"periodic\", \"period_s\": 1000,"
			      " \"phase_s\": %.3f}}",
			  i ? "," : "", i, g0 ? 6 : 10,
			  g0 ? "{\"policy\": \"fixed\", \"ttl_s\": 4}" : "{\"policy\": \"none\"}", phase);
	}
	if (reserved)
		sb_printf(&b, ", {\"name\": \"f128\", \"reserved_concurrency\": %u, \"service\": {\"dist\": \"constant\","
			      " \"value_s\": 1}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1e-12}}", reserved);
	sb_printf(&b, "]}");
	return b.s;
}

START_TEST(peak_across_groups_by_hand)
{
	char *text = peak_text(1000, 0);
	struct scenario sc;
	load_text(&sc, text);
	free(text);
	struct run_result ser, par;
	/* Windows of one arrival too: the peak then comes from changes of the
	 * two groups merged across windows. */
	both_ways_window("peak", &sc, &ser, &par, 1);
	const struct run_result *rs[] = { &ser, &par };
	for (int m = 0; m < 2; m++) {
		const struct run_result *r = rs[m];
		ck_assert_double_eq(total(r, FIG_INSTANCES_PEAK), 115);
		ck_assert_double_eq(total(r, FIG_INVOCATIONS), 128 * 3);
		ck_assert_double_eq(total(r, FIG_COLD_STARTS), 128 * 3);
		for (unsigned i = 0; i < 128; i++)
			ck_assert_double_eq(tu_fig(&r->functions[i], FIG_INSTANCES_PEAK), 1);
		/* Each instance lives 10 s, three times per function: 128 x 30
		 * instance-seconds over 3,000 s (sums of a few hundred terms
		 * of ~10: rounding ~1e-12). */
		ck_assert_double_eq_tol(total(r, FIG_INSTANCES_MEAN), 128.0 * 30 / 3000, 1e-12);
	}
	/* The partitioned run stood: one end-of-window timer per group (the
	 * expiry lists are per function or within group 0 in both runs). */
	ck_assert_uint_eq(par.events, ser.events + GROUPS(128) - 1);
	run_result_free(&ser);
	run_result_free(&par);
	scenario_free(&sc);
}
END_TEST

/* Events at an arrival's instant happen before it, in both modes (the
 * serial mode schedules arrivals as late timers): a keep-alive ending
 * exactly when a request arrives has released the instance, and a request
 * ending exactly then has freed it. One function, periodic arrivals every
 * 100 s from 0 to 10,000 s (101 requests), constant 10-s service:
 * - a 90-s keep-alive expires at 10 + 90 = 100 s, the next arrival: every
 *   request starts cold (101 cold starts, one instance alive at a time);
 * - a 90.5-s keep-alive outlives it: 1 cold start;
 * - with 100-s service and a 600-s keep-alive, each request ends as the
 *   next arrives: the instance is free again, 1 cold start and 1 instance. */
START_TEST(same_instant_events_first)
{
	struct {
		double service_s, ttl_s, cold;
	} cases[] = { { 10, 90, 101 }, { 10, 90.5, 1 }, { 100, 600, 1 } };
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char text[512];
		snprintf(text, sizeof(text),
			 "{\"seed\": 1, \"duration_s\": 10000, \"functions\": [{\"name\": \"f\","
			 " \"service\": {\"dist\": \"constant\", \"value_s\": %g},"
			 " \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": %g},"
			 " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 100}}]}",
			 cases[k].service_s, cases[k].ttl_s);
		struct scenario sc;
		load_text(&sc, text);
		struct run_result ser, par;
		both_ways_window("same instant", &sc, &ser, &par, 1);
		ck_assert_double_eq(total(&ser, FIG_INVOCATIONS), 101);
		ck_assert_double_eq(total(&ser, FIG_COLD_STARTS), cases[k].cold);
		ck_assert_double_eq(total(&par, FIG_COLD_STARTS), cases[k].cold);
		ck_assert_double_eq(total(&ser, FIG_INSTANCES_PEAK), 1);
		run_result_free(&ser);
		run_result_free(&par);
		scenario_free(&sc);
	}
}
END_TEST

START_TEST(lifespans_alive_at_end)
{
	/* Instances alive at the end are released together (platform_finish);
	 * their lifespans add up in the function's lifespan sum. f0 (group 0,
	 * lru: kept to the end) starts instances at 0.1, 0.7 and 2.9 (a trace
	 * with 10-s requests, each finding the others busy); f64 (group 1,
	 * none) holds one instance over [0.4, 1.9]. On one platform f64's
	 * instance takes the slot after f0's first, and f0's third reuses it;
	 * on group 0's platform f0's instances have slots in creation order.
	 * Lifespans at the end (100 s): 99.9, 99.3, 97.1; summed in creation
	 * order 296.29999999999995, in slot order (99.9 + 97.1) + 99.3 = 296.3. */
	const char *dir = tu_tmpdir();
	char tr[512];
	snprintf(tr, sizeof(tr), "%s", tu_write(dir, "f0.csv", "timestamp_s,function,duration_s\n0.1,f0,10\n0.7,f0,10\n2.9,f0,10\n"));
	struct sbuf b = { 0 };
	sb_printf(&b, "{\"seed\": 1, \"duration_s\": 100, \"functions\": [{\"name\": \"f0\", \"keepalive\": {\"policy\": \"lru\"},"
		      " \"service\": {\"dist\": \"constant\", \"value_s\": 1}, \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}", tr);
	for (int i = 1; i < 64; i++)
		sb_printf(&b, ", {\"name\": \"idle%d\", \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
			      " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 1000, \"phase_s\": 500}}", i);
	sb_printf(&b, ", {\"name\": \"f64\", \"keepalive\": {\"policy\": \"none\"}, \"service\": {\"dist\": \"constant\", \"value_s\": 1.5},"
		      " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 1000, \"phase_s\": 0.4}}]}");
	struct scenario sc;
	load_sbuf(&sc, &b);
	struct run_result ser, par;
	run_mode(&sc, 1, 0, &ser);
	run_mode(&sc, 0, 0, &par);
	/* The sum in creation order, exactly. */
	double sum_s = 0;
	sum_s += 100.0 - 0.1;
	sum_s += 100.0 - 0.7;
	sum_s += 100.0 - 2.9;
	ck_assert_double_eq(tu_fig(&ser.functions[0], FIG_COLD_STARTS), 3);
	ck_assert_double_eq(tu_fig(&ser.functions[0], FIG_LIFESPAN_MEAN), sum_s / 3);
	ck_assert_double_eq(tu_fig(&par.functions[0], FIG_LIFESPAN_MEAN), sum_s / 3);
	same_results("lifespans", &sc, &ser, &par);
	run_result_free(&ser);
	run_result_free(&par);
	scenario_free(&sc);
}
END_TEST

START_TEST(provisioned_decrease_picks_by_creation)
{
	/* f0 (group 0): provisioned 1 instance in [100, 200), 2 in [200, 300),
	 * 1 from 300 on, none before 100; then fixed 60 s. P1 is made at 100,
	 * P2 at 200. Its requests (a trace) at 290 (50 s) and 295 (20 s): mru
	 * sends the first to P2 (the newer) and the second to P1, so at 300
	 * both are busy and one is turned on-demand: it is the older, P1, on
	 * one platform and in groups alike. P1 idles at 315 and expires at
	 * 375; P2 stays to the end (1,000 s). f0's instance-seconds: 275 + 800
	 * = 1,075.
	 * f64 (group 1, none) holds instances over [10, 160] and [20, 25]: on
	 * one platform P1 reuses the slot freed at 25 and P2 the one freed at
	 * 160, so P2's slot comes before P1's; in group 0, P1's comes first. A
	 * choice in slot order would turn P2 on-demand on one platform (idle at
	 * 340, expiring at 400: 900 + 200 = 1,100 instance-seconds). */
	const char *dir = tu_tmpdir();
	char t0[512], t64[512];
	snprintf(t0, sizeof(t0), "%s", tu_write(dir, "f0.csv", "timestamp_s,function,duration_s\n290,f0,50\n295,f0,20\n"));
	snprintf(t64, sizeof(t64), "%s", tu_write(dir, "f64.csv", "timestamp_s,function,duration_s\n10,f64,150\n20,f64,5\n"));
	struct sbuf b = { 0 };
	sb_printf(&b, "{\"seed\": 1, \"duration_s\": 1000, \"functions\": [{\"name\": \"f0\", \"keepalive\": {\"policy\": \"provisioned\","
		      " \"instances\": 0, \"schedule\": [{\"from_s\": 100, \"to_s\": 200, \"instances\": 1},"
		      " {\"from_s\": 200, \"to_s\": 300, \"instances\": 2}, {\"from_s\": 300, \"to_s\": 86400, \"instances\": 1}],"
		      " \"then\": {\"policy\": \"fixed\", \"ttl_s\": 60}},"
		      " \"service\": {\"dist\": \"constant\", \"value_s\": 1}, \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}", t0);
	for (int i = 1; i < 64; i++)
		sb_printf(&b, ", {\"name\": \"idle%d\", \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
			      " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 1000, \"phase_s\": 500}}", i);
	sb_printf(&b, ", {\"name\": \"f64\", \"keepalive\": {\"policy\": \"none\"}, \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		      " \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}]}", t64);
	struct scenario sc;
	load_sbuf(&sc, &b);
	struct run_result ser, par;
	run_mode(&sc, 1, 0, &ser);
	run_mode(&sc, 0, 0, &par);
	const struct run_result *rs[] = { &ser, &par };
	for (int m = 0; m < 2; m++) {
		ck_assert_double_eq(tu_fig(&rs[m]->functions[0], FIG_COLD_STARTS), 0);
		ck_assert_double_eq_tol(tu_fig(&rs[m]->functions[0], FIG_INSTANCES_MEAN), 1075.0 / 1000, 1e-12);
	}
	same_results("provisioned decrease", &sc, &ser, &par);
	run_result_free(&ser);
	run_result_free(&par);
	scenario_free(&sc);
}
END_TEST

START_TEST(timeseries_intervals_at_their_bounds)
{
	/* Arrivals at each interval bound k w of the time series (k w and k
	 * / (1/w) as computed in doubles) and at the doubles either side of
	 * them, for two functions in two groups. Each arrival counts in the
	 * interval floor(t / w) (the quotient as computed, clamped to the last
	 * interval), in both runs. */
	const double widths[] = { 0.1, 0.7, 60 };
	for (int k = 0; k < 3; k++) {
		double w = widths[k], duration_s = 25 * w;
		const char *dir = tu_tmpdir();
		struct sbuf t = { 0 };
		sb_printf(&t, "timestamp_s,function\n");
		double times[200];
		size_t n = 0;
		for (int j = 1; j <= 24; j++) {
			double at[] = { j * w, j / (1 / w) };
			for (int m = 0; m < 2; m++) {
				double c[] = { nextafter(at[m], 0), at[m], nextafter(at[m], INFINITY) };
				for (int q = 0; q < 3; q++)
					times[n++] = c[q];
			}
		}
		/* Rows sorted by time; alternately to f0 and f65. */
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j > 0 && times[j - 1] > times[j]; j--) {
				double x = times[j];
				times[j] = times[j - 1];
				times[j - 1] = x;
			}
		for (size_t i = 0; i < n; i++)
			sb_printf(&t, "%.17g,%s\n", times[i], i % 2 ? "f65" : "f0");
		char path[512];
		snprintf(path, sizeof(path), "%s", tu_write(dir, "bounds.csv", t.s));
		free(t.s);
		struct sbuf b = { 0 };
		sb_printf(&b, "{\"seed\": 1, \"duration_s\": %.17g, \"timeseries_interval_s\": %.17g, \"functions\": [", duration_s, w);
		for (int i = 0; i < 66; i++)
			sb_printf(&b, "%s{\"name\": \"f%d\", \"service\": {\"dist\": \"exponential\", \"mean_s\": %.17g},"
				      " \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}",
				  i ? "," : "", i, 3 * w, path);
		sb_printf(&b, "]}");
		struct scenario sc;
		load_sbuf(&sc, &b);
		struct run_result ser, par;
		both_ways("interval bounds", &sc, &ser, &par);
		uint64_t want[64] = { 0 };
		ck_assert_uint_le(ser.n_bins, 64);
		for (size_t i = 0; i < n; i++) {
			size_t bin = (size_t)(times[i] / w);
			want[bin < ser.n_bins ? bin : ser.n_bins - 1]++;
		}
		for (size_t i = 0; i < ser.n_bins; i++) {
			ck_assert_msg(ser.bins[i].arrivals == want[i], "width %g: interval %zu: %llu arrivals, want %llu", w,
				      i, (unsigned long long)ser.bins[i].arrivals, (unsigned long long)want[i]);
			ck_assert_uint_eq(par.bins[i].arrivals, want[i]);
		}
		run_result_free(&ser);
		run_result_free(&par);
		scenario_free(&sc);
	}
}
END_TEST

/* ---- the account pool: the fallback to one platform ---------------------- */

START_TEST(account_pool_fallback_by_hand)
{
	/* peak_text's scenario: in flight at most 75 together, 64 per group.
	 * The partitioned run stands only when the groups' peaks added up
	 * (128) fit the pool the reservations leave (account - reserved);
	 * otherwise it is run again serially. In every case both runs give
	 * the same results. */
	struct {
		unsigned account, reserved;
		int stands;          /* the partitioned run stood (events differ by groups - 1) */
		double rejected;     /* per run, by hand */
		double peak;
	} cases[] = {
		{ 128, 0, 1, 0, 115 },  /* just enough for both groups' peaks: never full */
		{ 127, 0, 0, 0, 115 },  /* could have been full: serial (and never was: 75 < 127) */
		{ 75, 0, 0, 0, 115 },   /* exactly full at 6.0-6.001, nothing arrives then */
		/* Full at 75 - 1 = 74 when j = 10 arrives at 6.0 (64 + 10 in
		 * flight): rejected in each of the 3 periods; nothing else is,
		 * since group 0 ends by 6.064 before j = 11 at 6.1. Without j = 10's
		 * instance the level at 10.0 is 114. */
		{ 74, 0, 0, 3, 114 },
		/* The same with 10 and 54 reserved: a pool of 128, 127 and 74. */
		{ 138, 10, 1, 0, 115 },
		{ 137, 10, 0, 0, 115 },
		{ 128, 54, 0, 3, 114 },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *text = peak_text(cases[k].account, cases[k].reserved);
		struct scenario sc;
		load_text(&sc, text);
		free(text);
		char what[64];
		snprintf(what, sizeof(what), "account %u, reserved %u", cases[k].account, cases[k].reserved);
		struct run_result ser, par;
		both_ways_window(what, &sc, &ser, &par, 1);
		ck_assert_double_eq(total(&par, FIG_REJECTED), cases[k].rejected);
		ck_assert_double_eq(total(&par, FIG_INSTANCES_PEAK), cases[k].peak);
		uint64_t groups = GROUPS(sc.n_functions);
		ck_assert_msg(par.events == ser.events + (cases[k].stands ? groups - 1 : 0),
			      "%s: events %llu partitioned, %llu serial", what, (unsigned long long)par.events,
			      (unsigned long long)ser.events);
		if (cases[k].rejected > 0)
			ck_assert_double_eq(tu_fig(&par.functions[64 + 10], FIG_REJECTED), cases[k].rejected);
		run_result_free(&ser);
		run_result_free(&par);
		scenario_free(&sc);
	}
}
END_TEST

START_TEST(account_pool_binding_many_functions)
{
	/* 200 functions with no shared TTLs (every function its own expiry
	 * list, so a partitioned run that stands fires exactly one more timer
	 * per extra group than the serial run, and one that falls back fires
	 * the same): an account pool of 40 is reached (rejected, or queued and
	 * timed out), and one of 1,000 is not. */
	struct {
		unsigned account;
		const char *on_limit;
		int binding;
	} cases[] = {
		{ 40, "reject", 1 },
		{ 40, "queue", 1 },
		{ 1000, "reject", 0 },
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct sbuf b = { 0 };
		sb_printf(&b, "{\"seed\": 8, \"duration_s\": 600, \"warmup_s\": 60, \"replications\": 2,"
			      " \"platform\": {\"account_concurrency\": %u, \"on_limit\": \"%s\", \"queue_timeout_s\": 0.7},"
			      " \"functions\": [", cases[k].account, cases[k].on_limit);
		for (unsigned i = 0; i < 200; i++)
			sb_printf(&b, "%s{\"name\": \"f%u\", \"service\": {\"dist\": \"lognormal\", \"mean_s\": %.3f, \"cv\": 1},"
				      " \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"exponential\", \"mean_s\": 0.4}},"
				      " \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": %.2f}%s,"
				      " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": %.4f}}",
				  i ? "," : "", i, 0.1 + 0.01 * (i % 50), 30 + 0.25 * i,
				  i % 17 == 2 ? ", \"reserved_concurrency\": 1" : "", 0.05 + 0.01 * (i % 40));
		sb_printf(&b, "]}");
		struct scenario sc;
		load_sbuf(&sc, &b);
		char what[64];
		snprintf(what, sizeof(what), "account %u, %s", cases[k].account, cases[k].on_limit);
		struct run_result ser, par;
		both_ways(what, &sc, &ser, &par);
		/* Offered load: sum of rates 200 x ~0.245 = 49 per s of ~0.35 s
		 * (plus inits): ~20 in flight on average, so a pool of 40 is
		 * reached in bursts; 1,000 never. */
		double refused = total(&par, FIG_REJECTED) + total(&par, FIG_TIMED_OUT);
		if (cases[k].binding) {
			ck_assert_msg(refused > 0, "%s: the pool was never reached", what);
			ck_assert_uint_eq(par.events, ser.events);
		} else {
			ck_assert_double_eq(total(&par, FIG_TIMED_OUT), 0);
			/* Seven groups, two replications. */
			ck_assert_uint_eq(par.events, ser.events + 2 * (GROUPS(200) - 1));
		}
		run_result_free(&ser);
		run_result_free(&par);
		scenario_free(&sc);
	}
}
END_TEST

/* ---- engine_run_through, engine_advance, engine_run_to ------------------ */

struct fired {
	struct engine *e;
	int n;
	double t[16];
	uint64_t arg[16];
	int respawn;   /* the first timer schedules another at its own time */
};

static void on_fired(void *ctx, uint64_t arg)
{
	struct fired *f = ctx;
	ck_assert_int_lt(f->n, 16);
	f->t[f->n] = engine_now(f->e);
	f->arg[f->n++] = arg;
	if (f->respawn && arg == 1) {
		f->respawn = 0;
		ck_assert(engine_at(f->e, engine_now(f->e), on_fired, f, 99) != ENGINE_TIMER_NONE);
	}
}

/* Schedules a timer of f at times[i] with argument args[i], in order. */
static void schedule_all(struct fired *f, const double *times, const uint64_t *args, int n)
{
	for (int i = 0; i < n; i++)
		engine_at(f->e, times[i], on_fired, f, args[i]);
}

/* The first n firings of f were args[i], at times[i] when times is given. */
static void assert_fired(const struct fired *f, const uint64_t *args, const double *times, int n)
{
	for (int i = 0; i < n; i++) {
		ck_assert_uint_eq(f->arg[i], args[i]);
		if (times)
			ck_assert_double_eq(f->t[i], times[i]);
	}
}

START_TEST(engine_run_through_and_advance)
{
	struct engine *e = engine_new(0);
	struct fired f = { .e = e, .respawn = 1 };
	/* Scheduled out of order; 1, 2 and 3 due at 5 (in that sequence). */
	schedule_all(&f, (const double[]){ 7, 5, 3, 5, 5, 5.000000000000001 }, (const uint64_t[]){ 5, 1, 0, 2, 3, 4 }, 6);
	/* Nothing due before 3. */
	ck_assert_uint_eq(engine_run_through(e, 2.999), 0);
	ck_assert_double_eq(engine_now(e), 0);
	/* Through 5: 3 then 5's three in sequence, then the one timer 1 added
	 * at 5 while firing (due at or before 5 too), and nothing later. */
	ck_assert_uint_eq(engine_run_through(e, 5), 5);
	ck_assert_int_eq(f.n, 5);
	assert_fired(&f, (const uint64_t[]){ 0, 1, 2, 3, 99 }, (const double[]){ 3, 5, 5, 5, 5 }, 5);
	ck_assert_uint_eq(engine_pending(e), 2);
	ck_assert_double_eq(engine_now(e), 5);
	ck_assert_double_eq(engine_next_time(e), 5.000000000000001);
	/* The clock moves forward only, never past the next timer. */
	engine_advance(e, 4);
	ck_assert_double_eq(engine_now(e), 5);
	engine_advance(e, 6);     /* past the timer at 5.000000000000001: refused */
	ck_assert_double_eq(engine_now(e), 5);
	engine_advance(e, 5.000000000000001);   /* up to it: allowed */
	ck_assert_double_eq(engine_now(e), 5.000000000000001);
	ck_assert_uint_eq(engine_run_through(e, 6.5), 1);
	ck_assert_uint_eq(f.arg[5], 4);
	engine_advance(e, 6.5);
	ck_assert_double_eq(engine_now(e), 6.5);
	/* Counted events add to the fired total. */
	ck_assert_uint_eq(engine_fired(e), 6);
	engine_count(e, 10);
	ck_assert_uint_eq(engine_fired(e), 16);
	ck_assert_uint_eq(engine_run_through(e, INFINITY), 1);
	ck_assert_double_eq(engine_now(e), 7);
	ck_assert_uint_eq(engine_pending(e), 0);
	/* With no timer pending the clock may move anywhere forward. */
	engine_advance(e, 100);
	ck_assert_double_eq(engine_now(e), 100);

	/* engine_run_to: the timers through t, then the clock to t. */
	f.n = 0;
	schedule_all(&f, (const double[]){ 110, 120, 120 }, (const uint64_t[]){ 7, 8, 9 }, 3);
	ck_assert_uint_eq(engine_run_to(e, 105), 0);
	ck_assert_double_eq(engine_now(e), 105);
	ck_assert_uint_eq(engine_run_to(e, 120), 3);
	ck_assert_int_eq(f.n, 3);
	assert_fired(&f, (const uint64_t[]){ 7, 8, 9 }, NULL, 3);
	ck_assert_double_eq(engine_now(e), 120);
	ck_assert_uint_eq(engine_run_to(e, 119), 0);   /* never backwards */
	ck_assert_double_eq(engine_now(e), 120);
	engine_free(e);
}
END_TEST

/* ---- workload_pull against the scheduled mode --------------------------- */

struct collected {
	struct engine *e;
	size_t n, cap;
	struct arrival *a;
	size_t hints;
};

static void collect_push(struct collected *c, const struct arrival *a)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->a = realloc(c->a, c->cap * sizeof(*c->a));
		ck_assert_ptr_nonnull(c->a);
	}
	c->a[c->n++] = *a;
}

static int collect_sink(void *ctx, const struct arrival *a, struct errbuf *err)
{
	(void)err;
	struct collected *c = ctx;
	ck_assert(engine_now(c->e) == a->t_s);
	collect_push(c, a);
	return 0;
}

static void count_hint(void *ctx, uint32_t fn)
{
	(void)fn;
	((struct collected *)ctx)->hints++;
}

static void scheduled(const struct scenario *sc, uint32_t rep, int hint, struct collected *c)
{
	struct errbuf err = { "" };
	memset(c, 0, sizeof(*c));
	c->e = engine_new(0);
	struct workload *w;
	ck_assert_msg(workload_new(sc, c->e, rep, collect_sink, c, &w, &err) == 0, "%s", err.msg);
	if (hint)
		workload_set_hint(w, count_hint);
	ck_assert_int_eq(workload_start(w, &err), 0);
	engine_run(c->e);
	ck_assert_int_eq(workload_status(w), 0);
	ck_assert_uint_eq(workload_arrivals(w), c->n);
	workload_free(w);
	engine_free(c->e);
}

static void pulled(const struct scenario *sc, uint32_t rep, struct collected *c)
{
	struct errbuf err = { "" };
	memset(c, 0, sizeof(*c));
	struct workload *w;
	ck_assert_msg(workload_new(sc, NULL, rep, NULL, NULL, &w, &err) == 0, "%s", err.msg);
	struct arrival a;
	int rc;
	while ((rc = workload_pull(w, &a)) > 0)
		collect_push(c, &a);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(workload_pull(w, &a), 0);   /* stays exhausted */
	ck_assert_uint_eq(workload_arrivals(w), c->n);
	workload_free(w);
}

static void same_sequence(const char *what, const struct collected *x, const struct collected *y)
{
	ck_assert_msg(x->n == y->n, "%s: %zu arrivals scheduled, %zu pulled", what, x->n, y->n);
	for (size_t i = 0; i < x->n; i++) {
		const struct arrival *a = &x->a[i], *b = &y->a[i];
		ck_assert_msg(same_double(a->t_s, b->t_s) && a->function == b->function &&
				      same_double(a->duration_s, b->duration_s),
			      "%s: arrival %zu: scheduled (%.17g, %u, %.17g), pulled (%.17g, %u, %.17g)", what, i,
			      a->t_s, a->function, a->duration_s, b->t_s, b->function, b->duration_s);
	}
}

/* Consecutive arrivals at the same time for different functions. */
static size_t ties_across(const struct collected *c)
{
	size_t n = 0;
	for (size_t i = 1; i < c->n; i++)
		n += c->a[i].t_s == c->a[i - 1].t_s && c->a[i].function != c->a[i - 1].function;
	return n;
}

START_TEST(workload_pull_matches_scheduled)
{
	const char *dir = tu_tmpdir();
	/* Trace 1 (with durations) for t1a, t1b, t1c: repeated times and times
	 * on the periodic functions' grid (0, 10, 20, ...), one at exactly
	 * duration_s (included) and one after (dropped). Trace 2 (no
	 * durations) for t2: the same times again. */
	char p1[512], p2[512];
	snprintf(p1, sizeof(p1), "%s", tu_write(dir, "t1.csv",
		"timestamp_s,function,duration_s\n"
		"0,t1a,0.5\n0,t1b,0.25\n0,t1a,1\n3.5,t1c,2\n10,t1b,0.1\n10,t1b,0.2\n10,t1a,0.3\n"
		"12.25,t1c,0\n20,t1a,0.4\n20,t1c,0.5\n35,t1b,1.5\n40,t1a,0.7\n40,t1a,0.8\n100,t1c,0.9\n"
		"199.5,t1b,0.1\n200,t1a,2\n200,t1c,3\n200.5,t1b,4\n"));
	snprintf(p2, sizeof(p2), "%s", tu_write(dir, "t2.csv",
		"timestamp_s,function\n0,t2\n10,t2\n10,t2\n20,t2\n55.5,t2\n100,t2\n150,t2\n200,t2\n")) ;
	struct sbuf b = { 0 };
	sb_printf(&b, "{\"seed\": 4, \"duration_s\": 200, \"replications\": 3, \"functions\": [");
	const char *svc = "\"service\": {\"dist\": \"constant\", \"value_s\": 0.1}";
	/* Three periodic sources in step (period 10, phase 0), one at twice
	 * their rate (period 5), one jittered, two Poisson. */
	for (int i = 0; i < 3; i++)
		sb_printf(&b, "{\"name\": \"p%d\", %s, \"arrivals\": {\"process\": \"periodic\", \"period_s\": 10}},", i, svc);
	sb_printf(&b, "{\"name\": \"p5\", %s, \"arrivals\": {\"process\": \"periodic\", \"period_s\": 5}},", svc);
	sb_printf(&b, "{\"name\": \"t1a\", %s, \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}},", svc, p1);
	sb_printf(&b, "{\"name\": \"j\", %s, \"arrivals\": {\"process\": \"periodic\", \"period_s\": 7, \"jitter_s\": 3}},", svc);
	sb_printf(&b, "{\"name\": \"t2\", %s, \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}},", svc, p2);
	sb_printf(&b, "{\"name\": \"q0\", %s, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 2}},", svc);
	sb_printf(&b, "{\"name\": \"t1b\", %s, \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}},", svc, p1);
	sb_printf(&b, "{\"name\": \"q1\", %s, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0.5}},", svc);
	sb_printf(&b, "{\"name\": \"t1c\", %s, \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}]}", svc, p1);
	struct scenario sc;
	load_sbuf(&sc, &b);
	for (uint32_t rep = 0; rep < 3; rep++) {
		struct collected s, h, p;
		scheduled(&sc, rep, 0, &s);
		scheduled(&sc, rep, 1, &h);
		pulled(&sc, rep, &p);
		same_sequence("scheduled vs pulled", &s, &p);
		same_sequence("scheduled with hints vs pulled", &h, &p);
		/* Arrivals by hand: p0-p2 at 0, 10, ..., 200 (21 each), p5 41,
		 * j 29 (0 + 7k + U(0, 3) <= 200 for k = 0..28: the last, k = 28,
		 * is at most 199), trace 1's 17 rows up to 200, trace 2's 8; the
		 * Poisson ones ~500. */
		size_t fixed = 3 * 21 + 41 + 29 + 17 + 8;
		size_t q = 0;
		for (size_t i = 0; i < p.n; i++)
			q += p.a[i].function == 7 || p.a[i].function == 9;
		ck_assert_uint_eq(p.n, fixed + q);
		/* Ties across sources: every 10 s at least p0-p2 and p5. */
		ck_assert_uint_ge(ties_across(&p), 21 * 3);
		ck_assert_uint_gt(h.hints, 0);
		free(s.a);
		free(h.a);
		free(p.a);
	}
	scenario_free(&sc);

	/* One source only (workload_pull then reads it without merging): a
	 * CSV trace shared by three functions, with repeated times. */
	struct sbuf one = { 0 };
	sb_printf(&one, "{\"seed\": 4, \"duration_s\": 200, \"functions\": [");
	const char *names[] = { "t1a", "t1b", "t1c" };
	for (int i = 0; i < 3; i++)
		sb_printf(&one, "%s{\"name\": \"%s\", %s, \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}",
			  i ? "," : "", names[i], svc, p1);
	sb_printf(&one, "]}");
	load_sbuf(&sc, &one);
	{
		struct collected s1, p1c;
		scheduled(&sc, 0, 0, &s1);
		pulled(&sc, 0, &p1c);
		same_sequence("one trace", &s1, &p1c);
		ck_assert_uint_eq(p1c.n, 17);   /* the rows up to duration_s */
		free(s1.a);
		free(p1c.a);
	}
	scenario_free(&sc);
	/* One Poisson function, and the azure2021 sample alone (31 functions,
	 * rows sorted in memory, one source). */
	for (int k = 0; k < 2; k++) {
		struct sbuf t = { 0 };
		if (k == 0)
			sb_printf(&t, "{\"seed\": 4, \"duration_s\": 500, \"replications\": 2, \"functions\": [{\"name\": \"q\", %s,"
				      " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 3}}]}", svc);
		else
			sb_printf(&t, "{\"seed\": 4, \"replications\": 2, \"workload\": {\"format\": \"azure2021\", \"path\": \"%s\"},"
				      " \"function_defaults\": {}}", tu_shared(A21));
		load_sbuf(&sc, &t);
		for (uint32_t rep = 0; rep < 2; rep++) {
			struct collected s1, p1c;
			scheduled(&sc, rep, rep, &s1);
			pulled(&sc, rep, &p1c);
			same_sequence(k ? "azure2021" : "one poisson", &s1, &p1c);
			if (k == 0)
				ck_assert_uint_gt(p1c.n, 1300);   /* 1,500 expected, sd 39 */
			else
				ck_assert_uint_eq(p1c.n, 199);    /* the sample's rows (INDEX.txt) */
			free(s1.a);
			free(p1c.a);
		}
		scenario_free(&sc);
	}

	/* The azure2019 sample as the scenario's workload (spread "even":
	 * the three functions' arrivals in step within each minute) with a
	 * periodic function in step with the minutes. */
	const char *spreads[] = { "even", "poisson" };
	for (int k = 0; k < 2; k++) {
		struct sbuf t = { 0 };
		sb_azure2019_workload(&t, 2, spreads[k]);
		sb_printf(&t, ", \"function_defaults\": {},"
			      " \"functions\": [{\"name\": \"tick\", %s, \"arrivals\": {\"process\": \"periodic\", \"period_s\": 60}}]}",
			  svc);
		load_sbuf(&sc, &t);
		for (uint32_t rep = 0; rep < 2; rep++) {
			struct collected s, p;
			scheduled(&sc, rep, rep == 1, &s);
			pulled(&sc, rep, &p);
			same_sequence(spreads[k], &s, &p);
			/* The ticks at 0, 60, ..., 9000 (the sample's span), and
			 * with spread "even" the sample's 48 invocations (with
			 * "poisson" each minute's count is drawn). */
			size_t ticks = 0;
			for (size_t i = 0; i < p.n; i++)
				ticks += p.a[i].function == 0;
			ck_assert_uint_eq(ticks, 151);
			if (k == 0)
				ck_assert_uint_eq(p.n, 48 + 151);
			free(s.a);
			free(p.a);
		}
		scenario_free(&sc);
	}
}
END_TEST

Suite *partition_suite(void)
{
	Suite *s = suite_create("partition");
	TU_ADD_TESTS(tu_tcase(s, "units", 0), engine_run_through_and_advance,
		     workload_pull_matches_scheduled);
	TU_ADD_TESTS(tu_tcase(s, "equivalence", 300), peak_across_groups_by_hand, lifespans_alive_at_end,
		     same_instant_events_first, provisioned_decrease_picks_by_creation,
		     timeseries_intervals_at_their_bounds, account_pool_fallback_by_hand,
		     account_pool_binding_many_functions, azure2019_workload_same_both_ways,
		     shared_traces_same_both_ways, single_source_same_both_ways, wide_scenario_same_both_ways,
		     example_scenarios_same_both_ways);
	return s;
}
