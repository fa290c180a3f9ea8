/*
 * Batching (functions[i].batch, sim/platform/batch.c): max_size 1 is no
 * batching bit for bit; the mean wait to form a batch of n under Poisson
 * arrivals is (n - 1) / (2 lambda), to 4 standard errors over replications;
 * a hand-traced case of deadlines, full batches, cold and warm instances;
 * billing one execution per batch and a fee per request (exact
 * arithmetic); bad input named by its JSON path; a measured service
 * profile (batch.service.profile): measured sizes exact, linear between,
 * the formula's run bit for bit, bad files named by file:line:column.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include "suites.h"
#include "testutil.h"
#include "core/engine.h"
#include "platform/platform.h"
#include "models/batchprofile.h"

/* A small scenario with cold starts (0.5 s init), a short keep-alive, an
 * account limit of 3 with a wait queue, constant 0.25-s service; %s: the
 * batch key or nothing. */
#define SMALL "{\"seed\": 3, \"duration_s\": 2000, \"replications\": 3, \"timeseries_interval_s\": 100," \
	" \"platform\": {\"account_concurrency\": 3, \"on_limit\": \"queue\", \"queue_timeout_s\": 1}," \
	" \"functions\": [{\"name\": \"f\", \"memory_mb\": 512, %s" \
	" \"service\": {\"dist\": \"constant\", \"value_s\": 0.25}," \
	" \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 0.5}}," \
	" \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 2}," \
	" \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 10}}]}"

START_TEST(max_size_one_is_no_batching)
{
	struct scenario a, b;
	struct run_result ra, rb;
	tu_simulatef(&a, &ra, SMALL, "");
	tu_simulatef(&b, &rb, SMALL, "\"batch\": {\"max_size\": 1, \"max_wait_s\": 5,"
		     " \"service\": {\"base_s\": 0, \"per_item_s\": 0.25}},");
	ck_assert_uint_eq(ra.totals.n, 3);
	ck_assert_msg(tu_fig(&ra.totals, FIG_COLD_STARTS) > 0 && tu_fig(&ra.totals, FIG_TIMED_OUT) > 0,
		      "the scenario has cold starts and queue timeouts");
	for (int i = 0; i < FIG_COUNT; i++) {
		ck_assert_msg(ra.totals.n_valid[i] == rb.totals.n_valid[i] &&
				      !memcmp(&ra.totals.mean[i], &rb.totals.mean[i], sizeof(double)) &&
				      !memcmp(&ra.totals.m2[i], &rb.totals.m2[i], sizeof(double)),
			      "%s: %.17g without batching, %.17g with max_size 1", stats_figure_names[i],
			      ra.totals.mean[i], rb.totals.mean[i]);
	}
	tu_done(&a, &ra);
	tu_done(&b, &rb);
}
END_TEST

/* What a direct platform run reports: every request's result, by tag. */
struct batch_log {
	uint32_t n, cap;
	struct request_result *r;
};

static void log_result(void *ctx, const struct request_result *res)
{
	struct batch_log *l = ctx;
	ck_assert_uint_lt(res->tag, l->cap);
	l->r[res->tag] = *res;
	l->n++;
}

/* Runs function 0 of a scenario (fn_body as a function's keys, before its
 * arrivals) on a platform of its own: request k arrives at t_s[k], tag k. */
static void run_batch(const char *fn_body, uint64_t seed, const double *t_s, uint32_t n, struct batch_log *log)
{
	char text[2048];
	snprintf(text, sizeof(text), "{\"seed\": %llu, \"duration_s\": 1e9, \"timeseries_interval_s\": 1e6, \"functions\": [{\"name\": \"f\", %s"
		 " \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}", (unsigned long long)seed, fn_body);
	struct scenario sc;
	tu_load(text, "batch.json", &sc);
	struct errbuf err = { "" };
	struct engine *e = engine_new(0);
	struct platform_observer obs = { .ctx = log, .request_done = log_result };
	struct platform *p = platform_new(&sc, e, 0, &obs, &err);
	ck_assert_ptr_nonnull(p);
	log->n = 0;
	for (uint32_t k = 0; k < n; k++) {
		engine_run_to(e, t_s[k]);
		ck_assert_int_eq(platform_arrive(p, 0, NAN, k, &err), 0);
	}
	engine_run(e);
	ck_assert_int_eq(platform_status(p), 0);
	platform_finish(p);
	platform_free(p);
	engine_free(e);
	scenario_free(&sc);
	ck_assert_uint_eq(log->n, n);
}

static void assert_req(const struct batch_log *l, uint32_t k, double start_s, double end_s, uint32_t size,
		       int cold)
{
	const struct request_result *r = &l->r[k];
	ck_assert_msg(r->outcome == REQ_COMPLETED, "request %u: outcome %d", k, r->outcome);
	ck_assert_double_eq_tol(r->start_s, start_s, 1e-12);
	ck_assert_double_eq_tol(r->end_s, end_s, 1e-12);
	ck_assert_uint_eq(r->batch_size, size);
	ck_assert_int_eq(r->cold, cold);
}

START_TEST(deadline_and_full_batches_hand_traced)
{
	struct request_result res[7];
	struct batch_log l = { 0, 7, res };
	const double t[] = { 0, 0.1, 0.5, 1.0, 1.05, 1.1, 1.15 };
	/* max_size 4, max_wait_s 0.3, a batch of k runs 0.2 + 0.1 k, no init.
	 * [0, 0.1] leaves at its deadline 0.3 on a new instance, runs 0.4,
	 * ends 0.7. [0.5] leaves at 0.8 on that instance (idle since 0.7),
	 * runs 0.3, ends 1.1. [1.0 .. 1.15] is full at 1.15: leaves then
	 * (before its deadline 1.3), warm, runs 0.6, ends 1.75. */
	const char *fn = "\"batch\": {\"max_size\": 4, \"max_wait_s\": 0.3,"
			 " \"service\": {\"base_s\": 0.2, \"per_item_s\": 0.1}},";
	run_batch(fn, 7, t, 7, &l);
	assert_req(&l, 0, 0.3, 0.7, 2, 1);
	assert_req(&l, 1, 0.3, 0.7, 2, 1);
	ck_assert_int_eq(l.r[0].batch_lead, 1);
	ck_assert_int_eq(l.r[1].batch_lead, 0);
	ck_assert_double_eq_tol(l.r[1].run_s, 0.4, 1e-12);
	assert_req(&l, 2, 0.8, 1.1, 1, 0);
	for (uint32_t k = 3; k < 7; k++)
		assert_req(&l, k, 1.15, 1.75, 4, 0);
	/* With a 0.5-s init before a new instance's first batch: [0, 0.1]
	 * ends 0.3 + 0.5 + 0.4 = 1.2; [0.5] leaves at 0.8 with that instance
	 * busy, so a second one starts: 0.8 + 0.5 + 0.3 = 1.6; the full batch
	 * at 1.15 finds both busy: a third, 1.15 + 0.5 + 0.6 = 2.25. */
	char cold[512];
	snprintf(cold, sizeof(cold), "%s \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\","
		 " \"value_s\": 0.5}},", fn);
	run_batch(cold, 7, t, 7, &l);
	assert_req(&l, 0, 0.3, 1.2, 2, 1);
	assert_req(&l, 1, 0.3, 1.2, 2, 1);
	ck_assert_double_eq_tol(l.r[1].init_s, 0.5, 1e-12);
	assert_req(&l, 2, 0.8, 1.6, 1, 1);
	for (uint32_t k = 3; k < 7; k++)
		assert_req(&l, k, 1.15, 2.25, 4, 1);
	/* max_wait_s 0: every batch leaves as its first request joins. */
	run_batch("\"batch\": {\"max_size\": 4, \"max_wait_s\": 0, \"service\": {\"base_s\": 0.2, \"per_item_s\": 0.1}},",
		  7, t, 3, &l);
	assert_req(&l, 0, 0, 0.3, 1, 1);
	assert_req(&l, 1, 0.1, 0.4, 1, 1);
	assert_req(&l, 2, 0.5, 0.8, 1, 0);
}
END_TEST

/* Poisson arrivals at rate lambda, batches of n with an unbounded wait:
 * the k-th request of a batch waits for the n - k arrivals after it, mean
 * (n - k) / lambda, so the mean over a batch is (n - 1) / (2 lambda). Each
 * replication runs whole batches (no partial batch at the end) with its
 * own arrival stream; the replications' means give the standard error. */
static const uint32_t form_sizes[] = { 2, 8 };

START_TEST(poisson_mean_wait_to_form_a_batch)
{
	const uint32_t n = form_sizes[_i], reps = 20, batches = 2000, count = n * batches;
	const double lambda = 4;
	double *t = malloc(count * sizeof(*t));
	struct request_result *res = malloc(count * sizeof(*res));
	ck_assert(t && res);
	struct batch_log l = { 0, count, res };
	char fn[256];
	snprintf(fn, sizeof(fn), "\"batch\": {\"max_size\": %u, \"max_wait_s\": null,"
		 " \"service\": {\"base_s\": 0.001, \"per_item_s\": 0.0001}},", n);
	gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
	double sum = 0, sum2 = 0;
	for (uint32_t rep = 0; rep < reps; rep++) {
		gsl_rng_set(g, 1000 + rep);
		double now = 0;
		for (uint32_t k = 0; k < count; k++)
			t[k] = now += gsl_ran_exponential(g, 1 / lambda);
		run_batch(fn, rep + 1, t, count, &l);
		double wait = 0;
		for (uint32_t k = 0; k < count; k++) {
			ck_assert_uint_eq(res[k].batch_size, n);
			wait += res[k].start_s - res[k].arrival_s;
		}
		wait /= count;
		sum += wait;
		sum2 += wait * wait;
	}
	gsl_rng_free(g);
	double mean = sum / reps, sd = sqrt((sum2 - reps * mean * mean) / (reps - 1)), se = sd / sqrt(reps);
	double exact = (n - 1) / (2 * lambda);
	ck_assert_msg(se > 0 && se < 0.02 * exact, "n = %u: SE %.3g of %.3g", n, se, exact);
	ck_assert_msg(fabs(mean - exact) <= 4 * se, "n = %u: mean wait %.6f, exact %.6f, 4 SE %.4f", n, mean, exact,
		      4 * se);
	free(t);
	free(res);
}
END_TEST

/* 40 functions (two groups of the partitioned driver), every other one
 * batching with its own size and wait, some with an unbounded wait, and an
 * account limit: the serial and the partitioned drivers give the same
 * figures bit for bit (tests/test_partition.c's rule). */
START_TEST(batching_same_serial_and_partitioned)
{
	size_t cap = 40 * 700 + 1024, n = 0;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	n += (size_t)snprintf(text + n, cap - n, "{\"seed\": 11, \"duration_s\": 600, \"replications\": 2,"
			      " \"platform\": {\"account_concurrency\": 400}, \"functions\": [");
	for (unsigned i = 0; i < 40; i++) {
		char batch[256] = "";
		if (i % 2)
			snprintf(batch, sizeof(batch), "\"batch\": {\"max_size\": %u, \"max_wait_s\": %s,"
				 " \"service\": {\"base_s\": 0.05, \"per_item_s\": 0.01}},", 1 + i % 7,
				 i % 3 ? "0.2" : "null");
		n += (size_t)snprintf(text + n, cap - n, "%s{\"name\": \"f%u\", %s"
				      " \"service\": {\"dist\": \"exponential\", \"mean_s\": 0.1},"
				      " \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"exponential\", \"mean_s\": 0.3}},"
				      " \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": %u},"
				      " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": %g}}",
				      i ? ", " : "", i, batch, 5 + i, 0.2 + 0.1 * i);
		ck_assert_uint_lt(n, cap);
	}
	snprintf(text + n, cap - n, "]}");
	struct scenario sc;
	tu_load(text, "batch-partition.json", &sc);
	free(text);
	struct run_result r[2];
	for (int serial = 0; serial < 2; serial++) {
		struct errbuf err = { "" };
		struct run_options opt = { .threads = 1, .serial = serial };
		ck_assert_msg(run_scenario(&sc, &opt, &r[serial], &err) == 0, "%s", err.msg);
	}
	ck_assert_msg(tu_fig(&r[0].totals, FIG_COLD_STARTS) > 0, "cold starts happen");
	for (int i = 0; i < FIG_COUNT; i++)
		ck_assert_msg(r[0].totals.n_valid[i] == r[1].totals.n_valid[i] &&
				      !memcmp(&r[0].totals.mean[i], &r[1].totals.mean[i], sizeof(double)) &&
				      !memcmp(&r[0].totals.m2[i], &r[1].totals.m2[i], sizeof(double)),
			      "%s: partitioned %.17g, serial %.17g", stats_figure_names[i], r[0].totals.mean[i],
			      r[1].totals.mean[i]);
	run_result_free(&r[0]);
	run_result_free(&r[1]);
	scenario_free(&sc);
}
END_TEST

#define FEE (0.20 / 1e6)
#define X86_GB_S 0.0000166667

START_TEST(batch_billed_as_one_execution)
{
	/* Arrivals at 0.5, 1.5, ..., 99.5, batches of 4 with an unbounded
	 * wait: 25 batches [4j .. 4j+3] + 0.5 leave at 4j+3.5 and run
	 * 0.125 + 4 x 0.0625 = 0.375 s (375 ms, exact in binary) at 0.5 GB.
	 * Billed: 25 executions of 375 ms (not 100), 100 request fees. Waits
	 * 3, 2, 1, 0: mean latency 1.5 + 0.375. The first batch starts the one
	 * instance (kept 600 s): its 4 requests are cold. */
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r, "{\"seed\": 7, \"duration_s\": 100, \"functions\": [{\"name\": \"f\", \"memory_mb\": 512,"
		     " \"service\": {\"dist\": \"constant\", \"value_s\": 9},"
		     " \"batch\": {\"max_size\": 4, \"max_wait_s\": null, \"service\": {\"base_s\": 0.125, \"per_item_s\": 0.0625}},"
		     " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 1, \"phase_s\": 0.5}}]}");
	TU_ASSERT_FIGS("batch billing", &r.totals, { FIG_INVOCATIONS, 100, 0 }, { FIG_COMPLETED, 100, 0 },
		       { FIG_COLD_STARTS, 4, 0 }, { FIG_BILLED_GB_S, 25 * 0.5 * 0.375, 1e-12 },
		       { FIG_COST_REQUESTS, 100 * FEE, 1e-15 },
		       { FIG_COST_TOTAL, 100 * FEE + 25 * 0.5 * 0.375 * X86_GB_S, 1e-15 },
		       { FIG_LATENCY_MEAN, 1.875, 1e-12 });
	tu_done(&sc, &r);
}
END_TEST

/* Bad batch keys: each replaces the batch of a valid function and must fail
 * naming its JSON path. */
static const struct {
	const char *batch, *want;
} bad[] = {
	{ "\"batch\": {\"max_size\": 0, \"max_wait_s\": 1, \"service\": {\"base_s\": 0, \"per_item_s\": 1}}",
	  "functions[0].batch.max_size" },
	{ "\"batch\": {\"max_size\": 2.5, \"max_wait_s\": 1, \"service\": {\"base_s\": 0, \"per_item_s\": 1}}",
	  "functions[0].batch.max_size" },
	{ "\"batch\": {\"max_wait_s\": 1, \"service\": {\"base_s\": 0, \"per_item_s\": 1}}",
	  "functions[0].batch.max_size" },
	{ "\"batch\": {\"max_size\": 2, \"max_wait_s\": -1, \"service\": {\"base_s\": 0, \"per_item_s\": 1}}",
	  "functions[0].batch.max_wait_s" },
	{ "\"batch\": {\"max_size\": 2, \"service\": {\"base_s\": 0, \"per_item_s\": 1}}",
	  "functions[0].batch.max_wait_s" },
	{ "\"batch\": {\"max_size\": 2, \"max_wait_s\": \"1\", \"service\": {\"base_s\": 0, \"per_item_s\": 1}}",
	  "functions[0].batch.max_wait_s" },
	{ "\"batch\": {\"max_size\": 2, \"max_wait_s\": 1}", "functions[0].batch.service" },
	{ "\"batch\": {\"max_size\": 2, \"max_wait_s\": 1, \"service\": {\"base_s\": 0}}",
	  "functions[0].batch.service.per_item_s" },
	{ "\"batch\": {\"max_size\": 2, \"max_wait_s\": 1, \"service\": {\"base_s\": -1, \"per_item_s\": 1}}",
	  "functions[0].batch.service.base_s" },
	{ "\"batch\": {\"max_size\": 2, \"max_wait_s\": 1, \"service\": {\"base_s\": 0, \"per_item_s\": 1, \"csv\": 1}}",
	  "functions[0].batch.service.csv" },
	{ "\"batch\": {\"max_size\": 2, \"max_wait\": 1, \"service\": {\"base_s\": 0, \"per_item_s\": 1}}",
	  "functions[0].batch.max_wait" },
	{ "\"batch\": 4", "functions[0].batch" },
	{ "\"reserved_concurrency\": 3, \"batch\": {\"max_size\": 4, \"max_wait_s\": null,"
	  " \"service\": {\"base_s\": 0, \"per_item_s\": 1}}", "functions[0].batch.max_size: 4 requests can never" },
	{ "\"concurrency_per_instance\": 2, \"batch\": {\"max_size\": 2, \"max_wait_s\": 1,"
	  " \"service\": {\"base_s\": 0, \"per_item_s\": 1}}", "functions[0].concurrency_per_instance: must be 1 with batch" },
};

START_TEST(bad_batch_keys_are_named)
{
	char text[1024];
	snprintf(text, sizeof(text), "{\"duration_s\": 10, \"functions\": [{\"name\": \"f\", %s,"
		 " \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}", bad[_i].batch);
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	ck_assert_ptr_nonnull(doc);
	struct scenario sc;
	struct errbuf err = { "" };
	int rc = scenario_from_json(&sc, doc, "b.json", &err);
	json_decref(doc);
	ck_assert_msg(rc == ERR_INPUT, "%s: accepted (rc %d)", bad[_i].batch, rc);
	ck_assert_msg(strstr(err.msg, bad[_i].want), "%s: message \"%s\" does not name %s", bad[_i].batch, err.msg,
		      bad[_i].want);
	scenario_free(&sc);
}
END_TEST

/* A profile file in a fresh folder; its path. */
static const char *profile_file(const char *text)
{
	return tu_write(tu_tmpdir(), "profile.csv", text);
}

START_TEST(profile_interpolates_between_measured_sizes)
{
	/* Measured sizes give their measured times exactly; between two sizes
	 * the time is the straight line through them: at 6 (between 4 -> 0.9
	 * and 8 -> 1.5), 0.9 + (6 - 4) x (1.5 - 0.9) / (8 - 4) = 1.2; at 3,
	 * 0.5 + (3 - 2) x 0.4 / 2 = 0.7. Below the smallest size: its time
	 * (clamped); above the largest: the last segment extended, 1.5 +
	 * (10 - 8) x 0.15 = 1.8. Extra columns are ignored, in any order. */
	struct batchprof *p;
	struct errbuf err = { "" };
	const char *path = profile_file("note,service_s,batch_size\nx,0.3,1\ny,0.5,2\nz,0.9,4\nw,1.5,8\n");
	ck_assert_msg(batchprof_load(&p, path, &err) == 0, "%s", err.msg);
	static const double size[] = { 1, 2, 4, 8 }, want[] = { 0.3, 0.5, 0.9, 1.5 };
	for (size_t i = 0; i < 4; i++)
		ck_assert_msg(batchprof_service_s(p, size[i]) == want[i], "size %g: %.17g, measured %.17g", size[i],
			      batchprof_service_s(p, size[i]), want[i]);
	ck_assert_double_eq_tol(batchprof_service_s(p, 6), 1.2, 1e-15);
	ck_assert_double_eq_tol(batchprof_service_s(p, 3), 0.7, 1e-15);
	ck_assert_double_eq(batchprof_service_s(p, 0.5), 0.3);
	ck_assert_double_eq_tol(batchprof_service_s(p, 10), 1.8, 1e-15);
	const double *x, *y;
	ck_assert_uint_eq(batchprof_points(p, &x, &y), 4);
	batchprof_free(p);
	/* One row: that time at every size. A falling last segment stops at 0. */
	ck_assert_int_eq(batchprof_load(&p, profile_file("batch_size,service_s\n4,2.5\n"), &err), 0);
	ck_assert_double_eq(batchprof_service_s(p, 1), 2.5);
	ck_assert_double_eq(batchprof_service_s(p, 64), 2.5);
	batchprof_free(p);
	ck_assert_int_eq(batchprof_load(&p, profile_file("batch_size,service_s\n1,2\n2,1\n"), &err), 0);
	ck_assert_double_eq(batchprof_service_s(p, 3), 0);
	ck_assert_double_eq(batchprof_service_s(p, 9), 0);
	batchprof_free(p);
}
END_TEST

START_TEST(profile_run_equals_its_formula)
{
	/* A profile measured at sizes 1 and 4 of base 0.5 + 0.25 per item
	 * (0.75 and 1.5 s, exact in binary) interpolates 1.0 and 1.25 s at 2 and
	 * 3, the formula's times exactly: the run is the formula's bit for bit,
	 * and it has batches of every size (deadlines of 0.3 s at 10 requests/s). */
	struct scenario a, b;
	struct run_result ra, rb;
	char batch[1200];
	const char *path = profile_file("batch_size,service_s\n1,0.75\n4,1.5\n");
	tu_simulatef(&a, &ra, SMALL, "\"batch\": {\"max_size\": 4, \"max_wait_s\": 0.3,"
		     " \"service\": {\"base_s\": 0.5, \"per_item_s\": 0.25}},");
	snprintf(batch, sizeof(batch), "\"batch\": {\"max_size\": 4, \"max_wait_s\": 0.3, \"service\": {\"profile\": \"%s\"}},",
		 path);
	tu_simulatef(&b, &rb, SMALL, batch);
	ck_assert_msg(tu_fig(&ra.totals, FIG_COMPLETED) > 1000, "the scenario serves requests");
	for (int i = 0; i < FIG_COUNT; i++)
		ck_assert_msg(ra.totals.n_valid[i] == rb.totals.n_valid[i] &&
				      !memcmp(&ra.totals.mean[i], &rb.totals.mean[i], sizeof(double)),
			      "%s: %.17g with the formula, %.17g with the profile", stats_figure_names[i],
			      ra.totals.mean[i], rb.totals.mean[i]);
	tu_done(&a, &ra);
	tu_done(&b, &rb);
}
END_TEST

/* Bad profiles: the file's text and what the message must say. */
static const struct {
	const char *text, *want;
} bad_profiles[] = {
	{ "", "profile.csv: empty file" },
	{ "batch_size,time_s\n1,2\n", "profile.csv:1: no column 'service_s'" },
	{ "batch_size,service_s\n", "profile.csv: no rows after the header" },
	{ "batch_size,service_s\n1,0.5\n4,0.9\n4,1.0\n", "profile.csv:4:1: column 'batch_size': 4 does not exceed the previous row's 4" },
	{ "batch_size,service_s\n2,0.5\n1,0.4\n", "profile.csv:3:1: column 'batch_size': 1 does not exceed" },
	{ "batch_size,service_s\n0,0.5\n", "profile.csv:2:1: column 'batch_size': expected a whole number of requests in [1, 1e9]" },
	{ "batch_size,service_s\n1.5,0.5\n", "profile.csv:2:1: column 'batch_size'" },
	{ "service_s,batch_size\n0.5,1\nabc,2\n", "profile.csv:3:1: column 'service_s': expected a number of seconds in [0, 1e9], got \"abc\"" },
	{ "batch_size,service_s\n1,-0.5\n", "profile.csv:2:2: column 'service_s'" },
	{ "batch_size,service_s\n1,nan\n", "profile.csv:2:2: column 'service_s'" },
	{ "batch_size,service_s\n1,0.5\n2\n", "profile.csv:3: expected at least 2 fields, got 1" },
	{ "batch_size,service_s\n1,\"0.5\n", "profile.csv:2" },
};

START_TEST(bad_profiles_are_named)
{
	struct batchprof *p = NULL;
	struct errbuf err = { "" };
	const char *path = profile_file(bad_profiles[_i].text);
	ck_assert_msg(batchprof_load(&p, path, &err) == ERR_INPUT, "accepted: %s", bad_profiles[_i].text);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err.msg, bad_profiles[_i].want), "message \"%s\" does not say \"%s\"", err.msg,
		      bad_profiles[_i].want);
	/* Through a scenario: the JSON path, then the file's message. */
	char text[1500];
	snprintf(text, sizeof(text), "{\"duration_s\": 10, \"functions\": [{\"name\": \"f\", \"batch\": {\"max_size\": 2,"
		 " \"max_wait_s\": 1, \"service\": {\"profile\": \"%s\"}}, \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}", path);
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	ck_assert_ptr_nonnull(doc);
	struct scenario sc;
	int rc = scenario_from_json(&sc, doc, "b.json", &err);
	json_decref(doc);
	ck_assert_int_eq(rc, ERR_INPUT);
	ck_assert_msg(strstr(err.msg, "functions[0].batch.service.profile: ") && strstr(err.msg, bad_profiles[_i].want),
		      "message \"%s\"", err.msg);
	scenario_free(&sc);
}
END_TEST

Suite *batch_suite(void)
{
	Suite *s = suite_create("batch");
	TCase *tc = tu_tcase(s, "batch", 120);
	TU_ADD_TESTS(tc, max_size_one_is_no_batching, deadline_and_full_batches_hand_traced, batch_billed_as_one_execution,
		     batching_same_serial_and_partitioned);
	tcase_add_loop_test(tc, poisson_mean_wait_to_form_a_batch, 0, (int)(sizeof(form_sizes) / sizeof(form_sizes[0])));
	tcase_add_loop_test(tc, bad_batch_keys_are_named, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	TU_ADD_TESTS(tc, profile_interpolates_between_measured_sizes, profile_run_equals_its_formula);
	tcase_add_loop_test(tc, bad_profiles_are_named, 0, (int)(sizeof(bad_profiles) / sizeof(bad_profiles[0])));
	return s;
}
