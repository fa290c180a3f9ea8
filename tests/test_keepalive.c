/*
 * Keep-alive and provisioning policies on small hand-traced examples: none,
 * hybrid-histogram (periodic, out-of-range and non-representative idle
 * times), provisioned (constant and scheduled, 5-minute blocks), warmer
 * pings and their bill, greedy-dual versus lru eviction in a memory pool,
 * futile and whole-size evictions, FaasCache's rules (keepalive.variant
 * "faascache"), and the "compare" driver. Workloads are deterministic (periodic arrivals,
 * constant times, traces) so counts and dollars are exact; the one Poisson
 * case states the probability that makes its count exact.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suites.h"
#include "testutil.h"

static double fig(const struct run_result *r, enum stats_figure f)
{
	return tu_fig(&r->totals, f);
}

/* One 128-MB function: 1 s of work after a 0.5 s init, every 30 minutes
 * from t = 0 over one day (arrivals at 0, 1800, ..., 86400: 49). */
#define PERIODIC_30MIN(policy)                                                             \
	"{\"seed\": 3, \"duration_s\": 86400, \"functions\": [{\"name\": \"f\","            \
	"\"service\": {\"dist\": \"constant\", \"value_s\": 1},"                            \
	"\"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 0.5}}," \
	"\"keepalive\": " policy ","                                                        \
	"\"arrivals\": {\"process\": \"periodic\", \"period_s\": 1800}}]}"

START_TEST(periodic_30min_hybrid_vs_fixed_vs_none)
{
	static const struct {
		const char *policy;
		struct tu_want want[4];
		size_t n_want;
	} runs[] = {
		/* fixed 10 min: each instance expires 600 s after its request, long
		 * before the next one: 49 cold starts; 48 full keep-alives of 600 s lie
		 * in the window (the last request ends after it): 48 x 600 x 0.125 GB. */
		{ "{\"policy\": \"fixed\", \"ttl_s\": 600}",
		  { { FIG_INVOCATIONS, 49, 0 }, { FIG_COLD_STARTS, 49, 0 }, { FIG_IDLE_GB_S, 48 * 600 * 0.125, 1e-9 } }, 3 },
		/* none: every request cold and nothing ever idle. */
		{ "{\"policy\": \"none\"}", { { FIG_COLD_START_RATIO, 1.0, 0 }, { FIG_IDLE_GB_S, 0, 0 } }, 2 },
		/* hybrid-histogram with its defaults (4 h of 1-min bins, 5th/99th
		 * percentiles, 10 % margin, 10 samples before trusting the histogram,
		 * fallback keep-alive 4 h). Idle times: 1798.5 s after the cold first
		 * request (ends at 1.5), 1799 s after the others; all in bin 29
		 * [1740, 1800). Requests 0-9 see fewer than 10 samples: kept 4 h, so
		 * the next is warm and the instance idles the whole gap. From request
		 * 10 on, the histogram (CV = sqrt(240) > 2) gives pre-warm 0.9 x 1740 =
		 * 1566 s and keep-alive end 1.1 x 1800 = 1980 s: the instance is
		 * released, a new one loads at end + 1566 (0.5 s init, counted idle)
		 * and serves the arrival at end + 1799 warm after 233 s idle. Only the
		 * first request is cold. Idle in the window: 1798.5 + 9 x 1799 (gaps
		 * 0-9) + 38 x 233 (gaps 10-47; request 48's pre-warm is after the
		 * window) = 26843.5 s of 0.125 GB. Warm requests take 1 s, the cold
		 * one 1.5 s. */
		{ "{\"policy\": \"hybrid-histogram\"}",
		  { { FIG_INVOCATIONS, 49, 0 }, { FIG_COLD_STARTS, 1, 0 }, { FIG_IDLE_GB_S, 26843.5 * 0.125, 1e-9 },
		    { FIG_LATENCY_MAX, 1.5, 1e-12 } }, 4 },
	};
	for (size_t k = 0; k < sizeof(runs) / sizeof(runs[0]); k++) {
		struct scenario sc;
		struct run_result r;
		tu_simulatef(&sc, &r, PERIODIC_30MIN("%s"), runs[k].policy);
		tu_assert_figs(runs[k].policy, &r.totals, runs[k].want, runs[k].n_want);
		tu_done(&sc, &r);
	}
}
END_TEST

START_TEST(hybrid_out_of_range_uses_forecast)
{
	/* Every 6 h (beyond the 4-h range) for 10 days: 41 arrivals; with
	 * min_samples 2. Requests 0 and 1 see < 2 samples: fallback 4 h, shorter
	 * than the gap, so requests 0, 1, 2 are cold. From request 2 on all idle
	 * times are out of range: the forecast is the last one (21598.5 s after
	 * a cold request, then 21599 s), pre-warm at 0.85 x and kept until 1.15 x
	 * that: every later request is warm. */
	struct scenario sc;
	struct run_result r;
	tu_simulate_file("keepalive-hybrid-6h.json", &sc, &r);
	ck_assert_double_eq(fig(&r, FIG_INVOCATIONS), 41);
	ck_assert_double_eq(fig(&r, FIG_COLD_STARTS), 3);
	/* Idle: 14400 s after each of requests 0 and 1 (fallback); after
	 * request k >= 2, from its pre-warm at 0.85 x (the idle time seen at
	 * arrival k) to arrival k + 1. Arrivals 2 and 3 follow cold requests
	 * (idle times 21598.5 s), the rest warm ones (21599 s):
	 * k = 2: gap 21598.5 - 18358.725; k = 3: gap 21599 - 18358.725;
	 * k = 4..39: 21599 - 18359.15 (request 40 ends after the window). */
	double idle_s = 2 * 14400 + (21598.5 - 18358.725) + (21599 - 18358.725) + 36 * (21599 - 18359.15);
	ck_assert_msg(fabs(fig(&r, FIG_IDLE_GB_S) - idle_s * 0.125) < 1e-6, "%.17g vs %.17g", fig(&r, FIG_IDLE_GB_S), idle_s * 0.125);
	tu_done(&sc, &r);
}
END_TEST

/* Writes a trace of one function "f": one arrival at 0, then at the running
 * sum of gaps[k % n] for `count` more arrivals. Returns the last time. */
static double gap_trace(char *path, size_t size, const double *gaps, int n, int count)
{
	char text[16384] = "timestamp_s,function\n0,f\n";
	double t = 0;
	for (int k = 0; k < count; k++) {
		t += gaps[k % n];
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%.17g,f\n", t);
	}
	snprintf(path, size, "%s", tu_write(tu_tmpdir(), "gaps.csv", text));
	return t;
}

START_TEST(hybrid_falls_back_when_not_representative)
{
	/* A 10-minute histogram of 1-min bins and a fallback that releases at
	 * once (fallback_ttl_s 0), so only a trusted histogram keeps anything.
	 * Requests run 1 s without init, so an idle time is the gap minus 1 s. */
	const char *fmt = "{\"duration_s\": %.17g, \"functions\": [{\"name\": \"f\","
		"\"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		"\"keepalive\": {\"policy\": \"hybrid-histogram\", \"range_s\": 600, \"bin_s\": 60,"
		" \"fallback_ttl_s\": 0},"
		"\"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}]}";
	char path[512];
	struct scenario sc;
	struct run_result r;

	/* Idle times 30, 90, ..., 570 s: one per bin each cycle, so the bin
	 * counts never differ by more than one (CV < 0.6 < 2): never trusted,
	 * all 31 requests cold. */
	const double spread[] = { 31, 91, 151, 211, 271, 331, 391, 451, 511, 571 };
	double end = gap_trace(path, sizeof(path), spread, 10, 30);
	tu_simulatef(&sc, &r, fmt, end, path);
	TU_ASSERT_FIGS("idle times spread", &r.totals, { FIG_INVOCATIONS, 31, 0 }, { FIG_COLD_STARTS, 31, 0 },
		       { FIG_IDLE_GB_S, 0, 0 });
	tu_done(&sc, &r);

	/* Idle times all 300 s (bin 5): CV = sqrt(10) > 2 once 10 samples are
	 * in. Requests 0-10 are cold (request k's end sees k samples); then
	 * pre-warm 0.9 x 300 = 270 s, kept to 1.1 x 360 = 396 s: the other 20
	 * are warm, each after 30 s idle (no init: ready at once). */
	const double same[] = { 301 };
	end = gap_trace(path, sizeof(path), same, 1, 30);
	tu_simulatef(&sc, &r, fmt, end, path);
	TU_ASSERT_FIGS("idle times all 300 s", &r.totals, { FIG_COLD_STARTS, 11, 0 },
		       { FIG_IDLE_GB_S, 20 * 30 * 0.125, 1e-9 });
	tu_done(&sc, &r);
}
END_TEST

START_TEST(provisioned_poisson_bill)
{
	/* Two provisioned 1-GB instances, Poisson arrivals at 0.01/s of 0.1 s
	 * requests for a day. A third instance is needed only when an arrival
	 * finds two requests running: probability about (lambda s)^2 / 2 = 5e-7
	 * per arrival, 4e-4 over the ~864 arrivals: the seed gives none, so no
	 * cold start and every request is served by a provisioned instance.
	 * Bill: 2 x 86400 s (288 whole 5-minute blocks) x 1 GB x $0.0000041667
	 * + n x 0.1 s x 1 GB x $0.0000097222 duration + n x $0.20/M requests. */
	struct scenario sc;
	struct run_result r;
	tu_simulate_file("keepalive-provisioned-poisson.json", &sc, &r);
	double n = fig(&r, FIG_INVOCATIONS);
	ck_assert_double_gt(n, 700);
	/* Two instances all day, from a 2-s init at time 0 (counted idle). End
	 * - arrival near t = 86400 s carries the clock's rounding, one ulp of
	 * 86400 = 1.5e-11 s. */
	TU_ASSERT_FIGS("provisioned", &r.totals, { FIG_COLD_STARTS, 0, 0 },
		       { FIG_COST_PROVISIONED, 2 * 86400 * 0.0000041667 + n * 0.1 * 0.0000097222, 1e-12 },
		       { FIG_COST_COMPUTE, 0, 0 }, { FIG_COST_REQUESTS, n * 0.2e-6, 1e-15 },
		       { FIG_COST_TOTAL, fig(&r, FIG_COST_PROVISIONED) + n * 0.2e-6, 1e-12 },
		       { FIG_INSTANCES_MEAN, 2, 1e-12 }, { FIG_IDLE_GB_S, 2 * 86400 - n * 0.1, 1e-6 },
		       { FIG_LATENCY_MAX, 0.1, 1e-10 });
	tu_done(&sc, &r);
}
END_TEST

START_TEST(provisioned_schedule_in_blocks)
{
	/* Two days; each day 1 instance in [0, 100) s (billed one 300-s block)
	 * and 3 in [3600, 7000) (3400 s: 12 blocks = 3600 s), none otherwise.
	 * Billed per day: 300 + 3 x 3600 = 11100 instance-s of 1 GB. The two
	 * requests (7200 s each day, outside the windows) start on-demand
	 * instances, 1 s each, kept 600 s by the default `then`. */
	struct scenario sc;
	struct run_result r;
	tu_simulate_file("keepalive-provisioned-schedule.json", &sc, &r);
	/* Instance-seconds actually held: 2 x (100 + 3 x 3400) + 2 x 601. */
	TU_ASSERT_FIGS("schedule", &r.totals, { FIG_INVOCATIONS, 2, 0 }, { FIG_COLD_STARTS, 2, 0 },
		       { FIG_COST_PROVISIONED, 2 * 11100 * 0.0000041667, 1e-13 },
		       { FIG_COST_COMPUTE, 2 * 1 * 0.0000166667, 1e-15 },
		       { FIG_INSTANCES_MEAN, (2 * 10300.0 + 2 * 601) / 172800, 1e-12 });
	tu_done(&sc, &r);
}
END_TEST

START_TEST(warmer_keeps_a_rare_function_warm)
{
	/* Hourly requests at 150 + 3600 k (24 in a day) under fixed 10 min are
	 * all cold. A warmer pinging 1 instance every 300 s from 0 (289 pings,
	 * 0.1 s each; the first cold with its 0.5-s init) keeps one instance
	 * alive all day, idle whenever a user request comes: none is cold. */
	const char *fmt = "{\"duration_s\": 86400, \"functions\": [{\"name\": \"f\","
		"\"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		"\"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 0.5}},"
		"\"keepalive\": %s,"
		"\"arrivals\": {\"process\": \"periodic\", \"period_s\": 3600, \"phase_s\": 150}}]}";
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r, fmt, "{\"policy\": \"fixed\", \"ttl_s\": 600}");
	TU_ASSERT_FIGS("fixed", &r.totals, { FIG_INVOCATIONS, 24, 0 }, { FIG_COLD_START_RATIO, 1, 0 });
	tu_done(&sc, &r);

	tu_simulatef(&sc, &r, fmt, "{\"policy\": \"warmer\", \"interval_s\": 300, \"instances\": 1, \"ttl_s\": 600}");
	TU_ASSERT_FIGS("warmer", &r.totals, { FIG_INVOCATIONS, 24, 0 }, { FIG_COLD_STARTS, 0, 0 },
		       { FIG_WARMER_PINGS, 289, 0 });
	/* Pings billed like requests: 288 x 100 ms + 600 ms at 128 MB, plus
	 * 289 request fees. */
	double warmer = 128.0 * (288 * 100 + 600) / 1024 / 1000 * 0.0000166667 + 289 * 0.2e-6;
	ck_assert_double_eq_tol(fig(&r, FIG_COST_WARMER), warmer, 1e-15);
	/* Users pay 24 warm seconds; the total adds the warmer. */
	double users = 24 * 0.125 * 0.0000166667 + 24 * 0.2e-6;
	ck_assert_double_eq_tol(fig(&r, FIG_COST_COMPUTE) + fig(&r, FIG_COST_REQUESTS), users, 1e-15);
	ck_assert_double_eq_tol(fig(&r, FIG_COST_TOTAL), users + warmer, 1e-15);
	/* User latency is 1 s for all (to the clock's rounding near 86400 s):
	 * pings are not in it. */
	ck_assert_double_eq_tol(fig(&r, FIG_LATENCY_MAX), 1, 1e-10);
	tu_done(&sc, &r);
}
END_TEST

/* The FaasCache-style trace: a 1-GB pool; A (512 MB, 10 s cold-start init),
 * B, C, D (256 MB, 0.1 s init); 1-s requests at 0 A, 20 B, 30 C, 40 D,
 * 50 A, 60 B. */
static const char *pool_scenario(char *buf, size_t size, const char *policy, uint64_t pool_mb)
{
	char trace[512];
	snprintf(trace, sizeof(trace), "%s",
		 tu_write(tu_tmpdir(), "pool.csv", "timestamp_s,function\n0,A\n20,B\n30,C\n40,D\n50,A\n60,B\n"));
	char fn[4][1536];
	const char *names[] = { "A", "B", "C", "D" };
	for (int i = 0; i < 4; i++)
		snprintf(fn[i], sizeof(fn[i]),
			 "{\"name\": \"%s\", \"memory_mb\": %d, \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
			 "\"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": %g}},"
			 "\"keepalive\": {\"policy\": \"%s\"},"
			 "\"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}",
			 names[i], i == 0 ? 512 : 256, i == 0 ? 10.0 : 0.1, policy, trace);
	snprintf(buf, size, "{\"duration_s\": 100, \"platform\": {\"pool_memory_mb\": %llu},"
		 "\"functions\": [%s, %s, %s, %s]}", (unsigned long long)pool_mb, fn[0], fn[1], fn[2], fn[3]);
	return buf;
}

START_TEST(greedy_dual_versus_lru)
{
	char text[8192];
	struct scenario sc;
	struct run_result r;
	/* lru: at 40 D needs 256 MB of a full pool: evict A (idle since 11, the
	 * oldest). At 50 A is cold and evicts B (idle since 21.1); at 60 B is
	 * cold and evicts C (A is still busy until 61). All 6 requests cold. */
	tu_simulate(pool_scenario(text, sizeof(text), "lru", 1024), &sc, &r);
	ck_assert_double_eq(fig(&r, FIG_COLD_STARTS), 6);
	ck_assert_double_eq(tu_fig(&r.functions[0], FIG_COLD_STARTS), 2);
	ck_assert_double_eq(tu_fig(&r.functions[1], FIG_COLD_STARTS), 2);
	tu_done(&sc, &r);

	/* greedy-dual: priorities clock + frequency x (cold - warm) / MB, clock
	 * 0 at first: A 1 x 10 / 512 = 0.0195, B = C = 1 x 0.1 / 256 =
	 * 0.00039. At 40, D evicts B (tie with C, B used less recently); the
	 * clock becomes 0.00039 and D's priority 0.00078. At 50 A is warm. At
	 * 60 B is cold and evicts C (0.00039 < D's 0.00078 < A's). 5 cold:
	 * A once, B twice, C and D once. */
	tu_simulate(pool_scenario(text, sizeof(text), "greedy-dual", 1024), &sc, &r);
	ck_assert_double_eq(fig(&r, FIG_COLD_STARTS), 5);
	ck_assert_double_eq(tu_fig(&r.functions[0], FIG_COLD_STARTS), 1);
	ck_assert_double_eq(tu_fig(&r.functions[1], FIG_COLD_STARTS), 2);
	ck_assert_double_eq(tu_fig(&r.functions[2], FIG_COLD_STARTS), 1);
	ck_assert_double_eq(tu_fig(&r.functions[3], FIG_COLD_STARTS), 1);
	ck_assert_double_eq(fig(&r, FIG_REJECTED), 0);
	tu_done(&sc, &r);

	/* A 512-MB pool and two overlapping 5-s requests of A: the second finds
	 * the pool held by the busy first instance, nothing idle to evict, and
	 * is dropped (as FaasCache does; counted in rejected). */
	const char *both = tu_write(tu_tmpdir(), "both.csv", "timestamp_s,function\n0,A\n1,A\n");
	snprintf(text, sizeof(text), "{\"duration_s\": 100, \"platform\": {\"pool_memory_mb\": 512},"
		 "\"functions\": [{\"name\": \"A\", \"memory_mb\": 512, \"service\": {\"dist\": \"constant\", \"value_s\": 5},"
		 "\"keepalive\": {\"policy\": \"greedy-dual\"},"
		 "\"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}]}", both);
	tu_simulate(text, &sc, &r);
	ck_assert_double_eq(fig(&r, FIG_INVOCATIONS), 2);
	ck_assert_double_eq(fig(&r, FIG_REJECTED), 1);
	ck_assert_double_eq(fig(&r, FIG_COMPLETED), 1);
	tu_done(&sc, &r);
}
END_TEST

/* A function of a hand-traced pool case: mb MB; cold requests take cold_s
 * in all ("replace"), warm ones warm_s; arrivals from the shared trace. */
static const char *pool_fn(char *buf, size_t size, const char *name, int mb, double cold_s, double warm_s,
			   const char *keepalive, const char *trace)
{
	snprintf(buf, size,
		 "{\"name\": \"%s\", \"memory_mb\": %d, \"service\": {\"dist\": \"constant\", \"value_s\": %.17g},"
		 "\"cold_start\": {\"mode\": \"replace\", \"service\": {\"dist\": \"constant\", \"value_s\": %.17g}},"
		 "\"keepalive\": %s, \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}",
		 name, mb, warm_s, cold_s, keepalive, trace);
	return buf;
}

/* Pool 1024 MB. S (512 MB, 1-s requests) at 0 and 0.5: two instances, the
 * pool full. At 1.2 the first is idle, the second busy; B (768 MB) would
 * need 768 MB but evicting every idle instance frees only 512 (free 0 +
 * evictable 512 < 768): it is dropped and evicts nothing, so S at 1.3 is
 * warm. (Before the check, B flushed S's idle instance and S at 1.3 was
 * cold.) Cold 2 of 4 invocations, 2 of the 3 served. Same with whole-size.
 * A function larger than the pool is refused when the scenario loads. */
START_TEST(futile_eviction_evicts_nothing)
{
	const char *trace = tu_write(tu_tmpdir(), "futile.csv",
				     "timestamp_s,function\n0,S\n0.5,S\n1.2,B\n1.3,S\n");
	const char *eviction[] = { "shortfall", "whole-size" };
	for (int k = 0; k < 2; k++) {
		char s_fn[1024], b_fn[1024];
		struct scenario sc;
		struct run_result r;
		tu_simulatef(&sc, &r, "{\"duration_s\": 10, \"platform\": {\"pool_memory_mb\": 1024, \"pool_eviction\": \"%s\"},"
			     "\"functions\": [%s, %s]}", eviction[k],
			     pool_fn(s_fn, sizeof(s_fn), "S", 512, 1, 1, "{\"policy\": \"lru\"}", trace),
			     pool_fn(b_fn, sizeof(b_fn), "B", 768, 1, 1, "{\"policy\": \"lru\"}", trace));
		ck_assert_double_eq(tu_fig(&r.functions[0], FIG_COLD_STARTS), 2);
		ck_assert_double_eq(tu_fig(&r.functions[0], FIG_COMPLETED), 3);
		ck_assert_double_eq(tu_fig(&r.functions[1], FIG_REJECTED), 1);
		ck_assert_double_eq(fig(&r, FIG_COLD_START_RATIO), 0.5);
		ck_assert_double_eq_tol(fig(&r, FIG_COLD_START_RATIO_SERVED), 2.0 / 3.0, 1e-15);
		tu_done(&sc, &r);
	}

	char text[4096], a[1024], b[1024];
	snprintf(text, sizeof(text), "{\"duration_s\": 10, \"platform\": {\"pool_memory_mb\": 1024}, \"functions\": [%s, %s]}",
		 pool_fn(a, sizeof(a), "small", 256, 1, 1, "{\"policy\": \"lru\"}", trace),
		 pool_fn(b, sizeof(b), "big", 2048, 1, 1, "{\"policy\": \"lru\"}", trace));
	json_t *doc = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	struct scenario sc;
	struct errbuf err = { "" };
	ck_assert_int_eq(scenario_from_json(&sc, doc, "p.json", &err), ERR_INPUT);
	ck_assert_msg(strstr(err.msg, "p.json: functions[1].memory_mb: 2048 MB exceeds platform.pool_memory_mb (1024 MB)"),
		      "%s", err.msg);
	json_decref(doc);
	scenario_free(&sc);
}
END_TEST

/* Pool 1024 MB, lru, 1-s requests: A, B, C (256 MB) at 0, 10, 20 leave 256
 * MB free; D (512 MB) at 30 lacks 256. shortfall evicts A alone (least
 * recently used), so B at 40 is warm: 4 cold starts. whole-size (FaasCache)
 * evicts until 512 MB are freed, whatever is free: A and B, so B at 40 is
 * cold (it fits then without evicting): 5. */
START_TEST(whole_size_eviction_frees_the_whole_size)
{
	const char *trace = tu_write(tu_tmpdir(), "whole.csv",
				     "timestamp_s,function\n0,A\n10,B\n20,C\n30,D\n40,B\n");
	const char *eviction[] = { "shortfall", "whole-size" };
	const double cold[] = { 4, 5 }, cold_b[] = { 1, 2 };
	for (int k = 0; k < 2; k++) {
		char f[4][1024];
		const char *names[] = { "A", "B", "C", "D" };
		for (int i = 0; i < 4; i++)
			pool_fn(f[i], sizeof(f[i]), names[i], i == 3 ? 512 : 256, 1, 1, "{\"policy\": \"lru\"}", trace);
		struct scenario sc;
		struct run_result r;
		tu_simulatef(&sc, &r, "{\"duration_s\": 100, \"platform\": {\"pool_memory_mb\": 1024, \"pool_eviction\": \"%s\"},"
			     "\"functions\": [%s, %s, %s, %s]}", eviction[k], f[0], f[1], f[2], f[3]);
		ck_assert_double_eq(fig(&r, FIG_COLD_STARTS), cold[k]);
		ck_assert_double_eq(tu_fig(&r.functions[1], FIG_COLD_STARTS), cold_b[k]);
		ck_assert_double_eq(fig(&r, FIG_REJECTED), 0);
		tu_done(&sc, &r);
	}
}
END_TEST

/* lru, pool 768 MB, 256-MB functions, no init. A at 0 and 0.5 (2-s
 * requests: two instances, idle from 2 and 2.5), B at 1 (0.5 s, idle from
 * 1.5), C at 3 (0.5 s), B at 4, A at 5.
 * slsim: an instance's priority is when it became idle: C evicts B (1.5);
 * B at 4 evicts A's first instance (2); A at 5 is warm: 5 cold starts.
 * faascache (D2, D3): all A's instances take A's last start (0.5), B's 1:
 * C evicts one of A's instances (a tie, whichever FaasCache's heap gives),
 * B at 4 and A at 5 are warm: 4 cold starts. */
START_TEST(faascache_lru_evicts_the_least_recently_used_function)
{
	const char *trace = tu_write(tu_tmpdir(), "lrufn.csv",
				     "timestamp_s,function\n0,A\n0.5,A\n1,B\n3,C\n4,B\n5,A\n");
	const char *ka[] = { "{\"policy\": \"lru\"}", "{\"policy\": \"lru\", \"variant\": \"faascache\"}" };
	const double cold[] = { 5, 4 }, cold_b[] = { 2, 1 };
	for (int k = 0; k < 2; k++) {
		char a[1024], b[1024], c[1024];
		struct scenario sc;
		struct run_result r;
		tu_simulatef(&sc, &r, "{\"duration_s\": 100, \"platform\": {\"pool_memory_mb\": 768},"
			     "\"functions\": [%s, %s, %s]}",
			     pool_fn(a, sizeof(a), "A", 256, 2, 2, ka[k], trace),
			     pool_fn(b, sizeof(b), "B", 256, 0.5, 0.5, ka[k], trace),
			     pool_fn(c, sizeof(c), "C", 256, 0.5, 0.5, ka[k], trace));
		ck_assert_double_eq(fig(&r, FIG_COLD_STARTS), cold[k]);
		ck_assert_double_eq(tu_fig(&r.functions[0], FIG_COLD_STARTS), 2);
		ck_assert_double_eq(tu_fig(&r.functions[1], FIG_COLD_STARTS), cold_b[k]);
		tu_done(&sc, &r);
	}
}
END_TEST

/* greedy-dual faascache (D2, D4), pool 384 MB, mru, four 128-MB functions,
 * cold requests 2.28 s, warm 1 s: cost 1.28 s, so each request counts
 * 1.28 / 128 = 0.01 in the priority clock + requests x 0.01, computed when
 * a request starts and shared by the function's instances. A fifth
 * function under slsim's rules, never invoked, turns FaasCache's heap
 * order (D5) off: ties go to the least recently used, warm requests to the
 * most recently used instance.
 *   0 A cold (A1), 1 A cold (A2): A 0.02; 4 A warm on A2 (mru): A 0.03, A1
 *   holds 1 request, A2 2. 6 C cold: C 0.01, the pool is full. 11.5 C warm
 *   (busy to 12.5): C 0.02. 12 B: A1 and A2 (0.03) are idle, A1 less
 *   recently used: evicted, clock 0.03, and A's count drops to 2 (D4). B
 *   0.03 + 0.01 = 0.04. 15 B warm: 0.05. 16.5 A warm on A2: A counts 3,
 *   0.06 (0.07 had A1's request stayed). 17 B warm: 0.06. 18.5 C warm (busy at 19): 0.06. 19 D: A2
 *   (0.06, used at 17.5) and B (0.06, used at 18) tie; A2 goes (with A's
 *   lost count kept, A at 0.07 would stay and B go). 20 B warm, 21 A cold.
 * Cold starts: A 3, B 1, C 1, D 1. */
START_TEST(faascache_greedy_dual_counts_live_instances)
{
	const char *trace = tu_write(tu_tmpdir(), "gdfc.csv",
				     "timestamp_s,function\n0,A\n1,A\n4,A\n6,C\n11.5,C\n12,B\n15,B\n16.5,A\n17,B\n"
				     "18.5,C\n19,D\n20,B\n21,A\n");
	const char *ka = "{\"policy\": \"greedy-dual\", \"variant\": \"faascache\"}";
	char f[5][1024];
	const char *names[] = { "A", "B", "C", "D", "E" };
	for (int i = 0; i < 5; i++)
		pool_fn(f[i], sizeof(f[i]), names[i], 128, 2.28, 1, i < 4 ? ka : "{\"policy\": \"greedy-dual\"}", trace);
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r, "{\"duration_s\": 100, \"platform\": {\"pool_memory_mb\": 384},"
		     "\"functions\": [%s, %s, %s, %s, %s]}", f[0], f[1], f[2], f[3], f[4]);
	const double cold[] = { 3, 1, 1, 1 };
	for (int i = 0; i < 4; i++)
		ck_assert_msg(tu_fig(&r.functions[i], FIG_COLD_STARTS) == cold[i], "%s: %g cold starts", names[i],
			      tu_fig(&r.functions[i], FIG_COLD_STARTS));
	ck_assert_double_eq(fig(&r, FIG_REJECTED), 0);
	tu_done(&sc, &r);
}
END_TEST

/* fixed, ttl_s 10, no pool, one 1024-MB function, 8-s requests at 0, 10,
 * 25, over 100 s.
 * slsim: the TTL runs from a request's end: warm at 10 (idle since 8) and
 * 25 (idle since 18, kept to 28); idle 2 + 7 + 10 = 19 s: 1 cold start,
 * 19 GB-s idle.
 * faascache (D6): from its start, and an expired instance is released only
 * when the function is invoked: at 10, 0 + 10 < 10 is false, warm; at 25,
 * 10 + 10 < 25: released, cold; the last instance is never invoked again
 * and idles from 33 to the end: 2 + 7 + 67 = 76 s: 2 cold starts, 76 GB-s. */
START_TEST(faascache_ttl_from_start_freed_lazily)
{
	const char *trace = tu_write(tu_tmpdir(), "ttlfc.csv", "timestamp_s,function\n0,A\n10,A\n25,A\n");
	const char *ka[] = { "{\"policy\": \"fixed\", \"ttl_s\": 10}",
			     "{\"policy\": \"fixed\", \"ttl_s\": 10, \"variant\": \"faascache\"}" };
	const double cold[] = { 1, 2 }, idle_gb_s[] = { 19, 76 };
	for (int k = 0; k < 2; k++) {
		char a[1024];
		struct scenario sc;
		struct run_result r;
		tu_simulatef(&sc, &r, "{\"duration_s\": 100, \"functions\": [%s]}",
			     pool_fn(a, sizeof(a), "A", 1024, 8, 8, ka[k], trace));
		ck_assert_double_eq(fig(&r, FIG_COLD_STARTS), cold[k]);
		ck_assert_double_eq_tol(fig(&r, FIG_IDLE_GB_S), idle_gb_s[k], 1e-9);
		tu_done(&sc, &r);
	}
}
END_TEST

/* D5, FaasCache's warm choice (every function under its rules, in a pool):
 * fixed faascache, ttl_s 10, pool 1024 MB, A (128 MB, 1-s requests) at 0
 * and 0.5 (instances c1, c2), at 5 (running 8 s, to 13), at 10.2.
 * FaasCache's heapq list after 0.5 is [c2, c1] (both at priority 0.5:
 * heapify on equal keys swaps them); at 5 its cleanup heapify makes it
 * [c1, c2] and the first idle one, c1, serves. At 10.2 c2 (started 0.5,
 * 0.5 + 10 >= 10.2) is idle and warm: 2 cold starts. Checked against
 * FaasCache's LambdaScheduler (after 0, 0.5, 5: last starts 5 and 0.5).
 * Without a pool (mru, the most recently used c2 serves at 5), at 10.2 c1
 * (started 0, 0 + 10 < 10.2) has expired and c2 is busy: 3. */
START_TEST(faascache_warm_choice_follows_its_heap)
{
	const char *trace = tu_write(tu_tmpdir(), "d5.csv", "timestamp_s,function,duration_s\n0,A,1\n0.5,A,1\n5,A,8\n10.2,A,1\n");
	const char *platform[] = { "{\"pool_memory_mb\": 1024}", "{}" };
	const double cold[] = { 2, 3 };
	for (int k = 0; k < 2; k++) {
		char a[1024];
		struct scenario sc;
		struct run_result r;
		tu_simulatef(&sc, &r, "{\"duration_s\": 100, \"platform\": %s, \"functions\": [%s]}", platform[k],
			     pool_fn(a, sizeof(a), "A", 128, 1, 1,
				     "{\"policy\": \"fixed\", \"ttl_s\": 10, \"variant\": \"faascache\"}", trace));
		ck_assert_double_eq(fig(&r, FIG_COLD_STARTS), cold[k]);
		tu_done(&sc, &r);
	}
}
END_TEST

/* Column `name` of the row whose first field is `label` in a CSV text. */
static double csv_cell(const char *text, const char *label, const char *name)
{
	char *copy = strdup(text), *save = NULL;
	int col = -1;
	double v = NAN;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int i = 0;
		char *first = NULL;
		for (char *c = line; ; i++) {
			char *comma = strchr(c, ',');
			if (comma)
				*comma = '\0';
			if (i == 0)
				first = c;
			if (col < 0 && strcmp(c, name) == 0)
				col = i;
			else if (col >= 0 && i == col && strcmp(first, label) == 0)
				v = strtod(c, NULL);
			if (!comma)
				break;
			c = comma + 1;
		}
	}
	free(copy);
	return v;
}

START_TEST(compare_runs_each_policy)
{
	const char *dir = tu_tmpdir();
	const char *path = tu_scenario_path("keepalive-compare.json");
	char out[600];
	snprintf(out, sizeof(out), "%s/out", dir);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s'", path, out), 0);
	char file[700];
	char *csv = tu_read(out, "compare.csv");
	ck_assert_int_eq(strncmp(csv, "keepalive,invocations,invocations.ci95,", 39), 0);
	/* The rows of the hand traces above; a second "fixed" is labelled by
	 * its position. */
	ck_assert_double_eq(csv_cell(csv, "none", "cold_starts"), 49);
	ck_assert_double_eq(csv_cell(csv, "fixed", "cold_starts"), 49);
	ck_assert_double_eq(csv_cell(csv, "fixed-2", "cold_starts"), 1);
	ck_assert_double_eq(csv_cell(csv, "hybrid", "cold_starts"), 1);
	ck_assert_double_eq_tol(csv_cell(csv, "hybrid", "idle_gb_s"), 26843.5 * 0.125, 1e-9);
	free(csv);
	snprintf(file, sizeof(file), "%s/hybrid/summary.json", out);
	char *summary = tu_slurp(file);
	ck_assert_ptr_nonnull(summary);
	free(summary);

	/* A bad variant is reported with its position before anything runs. */
	char *err = NULL;
	path = tu_scenario_path("keepalive-compare-bad-variant.json");
	snprintf(out, sizeof(out), "%s/bad", dir);
	ck_assert_int_eq(tu_slsim(NULL, &err, "run '%s' -q -o '%s'", path, out), 2);
	ck_assert_msg(strstr(err, "compare.keepalive[1] (fixed)") && strstr(err, "ttl"), "message: %s", err);
	free(err);

	/* Labels name folders, so they must differ: an automatic "fixed-1"
	 * meeting an explicit one is an error, not an overwrite. */
	path = tu_scenario_path("keepalive-compare-label-clash.json");
	tu_slsim_says(2, "compare.keepalive[2]: label \"fixed-1\"", "run '%s' -q -o '%s'", path, out);
}
END_TEST

START_TEST(policy_input_errors)
{
	struct {
		const char *keepalive, *platform, *expect;
	} cases[] = {
		{ "{\"policy\": \"provisioned\"}", "{}", "instances" },
		{ "{\"policy\": \"provisioned\", \"instances\": 1, \"then\": {\"policy\": \"provisioned\"}}", "{}", "then.policy" },
		{ "{\"policy\": \"provisioned\", \"schedule\": [{\"from_s\": 0, \"to_s\": 100, \"instances\": 1},"
		  " {\"from_s\": 50, \"to_s\": 200, \"instances\": 1}]}", "{}", "overlap" },
		{ "{\"policy\": \"provisioned\", \"schedule\": [{\"from_s\": 10, \"to_s\": 5, \"instances\": 1}]}", "{}", "to_s" },
		{ "{\"policy\": \"hybrid-histogram\", \"bin_s\": 0.0001}", "{}", "bin_s" },
		{ "{\"policy\": \"hybrid-histogram\", \"prewarm_percentile\": 99.5}", "{}", "prewarm_percentile" },
		{ "{\"policy\": \"warmer\", \"instances\": 0}", "{}", "instances" },
		{ "{\"policy\": \"none\", \"ttl_s\": 5}", "{}", "ttl_s" },
		{ "{\"policy\": \"greedy-dual\"}", "{\"pool_memory_mb\": -1}", "pool_memory_mb" },
		{ "{\"policy\": \"lru\", \"variant\": \"openwhisk\"}", "{}", "keepalive.variant" },
		{ "{\"policy\": \"lru\", \"ttl_s\": 5}", "{}", "ttl_s" },
		{ "{\"policy\": \"provisioned\", \"instances\": 1, \"then\": {\"policy\": \"fixed\", \"variant\": \"faascache\"}}",
		  "{}", "then.variant" },
		{ "{\"policy\": \"lru\"}", "{\"pool_memory_mb\": 1024, \"pool_eviction\": \"half\"}", "pool_eviction" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[2048];
		snprintf(text, sizeof(text), "{\"duration_s\": 100, \"platform\": %s, \"functions\": [{\"name\": \"f\","
			 "\"service\": {\"dist\": \"constant\", \"value_s\": 1}, \"keepalive\": %s,"
			 "\"arrivals\": {\"process\": \"periodic\", \"period_s\": 10}}]}",
			 cases[i].platform, cases[i].keepalive);
		json_t *doc = json_loads(text, 0, NULL);
		ck_assert_ptr_nonnull(doc);
		struct scenario sc;
		struct errbuf err = { "" };
		ck_assert_int_eq(scenario_from_json(&sc, doc, "p.json", &err), ERR_INPUT);
		ck_assert_msg(strstr(err.msg, cases[i].expect) && strstr(err.msg, "p.json: "),
			      "case %zu: %s", i, err.msg);
		json_decref(doc);
		scenario_free(&sc);
	}
}
END_TEST

Suite *keepalive_suite(void)
{
	return TU_SUITE("keepalive", "policies", 120, periodic_30min_hybrid_vs_fixed_vs_none,
			hybrid_out_of_range_uses_forecast, hybrid_falls_back_when_not_representative,
			provisioned_poisson_bill, provisioned_schedule_in_blocks,
			warmer_keeps_a_rare_function_warm, greedy_dual_versus_lru, futile_eviction_evicts_nothing,
			whole_size_eviction_frees_the_whole_size, faascache_lru_evicts_the_least_recently_used_function,
			faascache_greedy_dual_counts_live_instances, faascache_ttl_from_start_freed_lazily,
			faascache_warm_choice_follows_its_heap, compare_runs_each_policy, policy_input_errors);
}
