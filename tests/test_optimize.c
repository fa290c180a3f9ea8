/*
 * optimize and gridrun: argument syntax, sweep.csv layout, and searches with
 * optima known in closed form or by hand; SLOs are never violated by the
 * answer, and an unsatisfiable SLO fails clearly.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "csvreader.h"
#include "optimize.h"
#include "suites.h"
#include "testutil.h"

START_TEST(argument_syntax)
{
	struct optimize_vary v;
	struct errbuf err;
	ck_assert_int_eq(optimize_parse_vary("provider=aws-lambda-x86,aws-lambda-arm64", &v, &err), 0);
	ck_assert_int_eq(v.kind, VARY_LIST);
	ck_assert_uint_eq(v.n_values, 2);
	ck_assert_str_eq(json_string_value(v.values[1]), "aws-lambda-arm64");
	struct optimize_spec spec = { .n_vary = 1, .vary = malloc(sizeof(v)) };
	spec.vary[0] = v;
	optimize_spec_free(&spec);

	ck_assert_int_eq(optimize_parse_vary("functions[0].memory_mb=128:3008:64", &v, &err), 0);
	ck_assert_int_eq(v.kind, VARY_RANGE);
	ck_assert(v.integer);
	ck_assert_double_eq(v.lo, 128);
	ck_assert_double_eq(v.hi, 3008);
	ck_assert_double_eq(v.step, 64);
	free(v.path);
	ck_assert_int_eq(optimize_parse_vary("x.ttl_s=0:10", &v, &err), 0);
	ck_assert(v.integer);
	ck_assert_double_eq(v.step, 1);
	free(v.path);
	ck_assert_int_eq(optimize_parse_vary("x.ttl_s=0.5:10", &v, &err), 0);
	ck_assert(!v.integer);
	ck_assert_double_eq(v.step, 0);
	free(v.path);

	const char *bad_vary[] = { "nopath", "=1,2", "x=10:1", "x=1,,2", "x=1,1", "x=0:5:-1" };
	for (size_t i = 0; i < sizeof(bad_vary) / sizeof(bad_vary[0]); i++) {
		ck_assert_msg(optimize_parse_vary(bad_vary[i], &v, &err) == ERR_INPUT, "%s accepted", bad_vary[i]);
		ck_assert_ptr_nonnull(strstr(err.msg, "--vary"));
		struct optimize_spec s2 = { .n_vary = 1, .vary = malloc(sizeof(v)) };
		s2.vary[0] = v;
		optimize_spec_free(&s2);
	}

	struct optimize_slo slo;
	ck_assert_int_eq(optimize_parse_slo("p99<=0.8", &slo, &err), 0);
	ck_assert_int_eq(slo.figure, FIG_LATENCY_P99);
	ck_assert_int_eq(slo.op, SLO_LE);
	ck_assert_double_eq(slo.bound, 0.8);
	ck_assert_int_eq(optimize_parse_slo("cold_start_ratio < 0.01", &slo, &err), 0);
	ck_assert_int_eq(slo.figure, FIG_COLD_START_RATIO);
	ck_assert_int_eq(slo.op, SLO_LT);
	ck_assert_int_eq(optimize_parse_slo("completed>=100", &slo, &err), 0);
	ck_assert_int_eq(slo.op, SLO_GE);
	const char *bad_slo[] = { "p99", "<=3", "p42<=1", "p99<=fast", "p99<=1x" };
	for (size_t i = 0; i < sizeof(bad_slo) / sizeof(bad_slo[0]); i++)
		ck_assert_msg(optimize_parse_slo(bad_slo[i], &slo, &err) == ERR_INPUT, "%s accepted", bad_slo[i]);

	enum stats_figure f;
	ck_assert_int_eq(optimize_parse_objective("cost", &f, &err), 0);
	ck_assert_int_eq(f, FIG_COST_TOTAL);
	ck_assert_int_eq(optimize_parse_objective("latency", &f, &err), 0);
	ck_assert_int_eq(f, FIG_LATENCY_P99);
	ck_assert_int_eq(optimize_parse_objective("idle_gb_s", &f, &err), 0);
	ck_assert_int_eq(f, FIG_IDLE_GB_S);
	ck_assert_int_eq(optimize_parse_objective("cheap", &f, &err), ERR_INPUT);
}
END_TEST

static json_t *doc_of(const char *text)
{
	json_error_t jerr;
	json_t *doc = json_loads(text, 0, &jerr);
	ck_assert_msg(doc != NULL, "bad test JSON: %s", jerr.text);
	return doc;
}

/* Periodic arrivals every 10 s for 36,000 s: 3,601 requests of exactly
 * 0.2 s, the first one cold with a 1-s init. Deterministic. */
static const char *const periodic =
	"{\"seed\": 5, \"duration_s\": 36000, \"timeseries_interval_s\": 600,"
	" \"functions\": [{\"name\": \"f\", \"memory_mb\": 1024,"
	" \"service\": {\"dist\": \"constant\", \"value_s\": 0.2},"
	" \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 1}},"
	" \"arrivals\": {\"process\": \"periodic\", \"period_s\": 10}}]}";

START_TEST(sweep_csv_layout)
{
	json_t *doc = doc_of(periodic);
	const char *paths[] = { "functions[0].memory_mb", "provider" };
	struct gridrun g;
	struct errbuf err = { "" };
	struct run_options opt = { .threads = 1 };
	ck_assert_int_eq(gridrun_init(&g, doc, "t.json", paths, 2, &opt, &err), 0);
	json_t *v[2] = { json_integer(256), json_string("aws-lambda-arm64") };
	size_t p;
	ck_assert_msg(gridrun_eval(&g, v, NULL, 0, &p, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(p, 0);
	ck_assert_int_eq(gridrun_eval(&g, v, NULL, 0, &p, &err), 0);   /* memoised */
	ck_assert_uint_eq(g.n_points, 1);
	json_decref(v[0]);
	json_decref(v[1]);
	const char *dir = tu_tmpdir();
	ck_assert_int_eq(gridrun_save_csv(&g, dir, "sweep.csv", &err), 0);
	char path[600];
	snprintf(path, sizeof(path), "%s/sweep.csv", dir);
	struct csvr *r;
	struct csvr_row row;
	ck_assert_int_eq(csvr_open(&r, path, &err), 0);
	ck_assert_int_eq(csvr_next(r, &row, &err), 1);
	ck_assert_uint_eq(row.n_fields, 3 + 2 * FIG_COUNT);
	ck_assert_str_eq(row.fields[0], "point");
	ck_assert_str_eq(row.fields[1], "functions[0].memory_mb");
	ck_assert_str_eq(row.fields[2], "provider");
	for (int f = 0; f < FIG_COUNT; f++) {
		ck_assert_str_eq(row.fields[3 + 2 * f], stats_figure_names[f]);
		char ci[64];
		snprintf(ci, sizeof(ci), "%s.ci95", stats_figure_names[f]);
		ck_assert_str_eq(row.fields[4 + 2 * f], ci);
	}
	long cost = csvr_find_column(&row, "cost_usd.total");
	ck_assert_int_eq(csvr_next(r, &row, &err), 1);
	ck_assert_str_eq(row.fields[0], "0");
	ck_assert_str_eq(row.fields[1], "256");
	ck_assert_str_eq(row.fields[2], "aws-lambda-arm64");
	/* 0.25 GB * 721.2 s * $0.0000133334 + 3601 * $0.2e-6, to %.17g. */
	ck_assert_double_eq_tol(strtod(row.fields[cost], NULL), 0.25 * 721.2 * 0.0000133334 + 3601 * 0.2e-6, 1e-12);
	ck_assert_str_eq(row.fields[cost + 1], "");   /* one replication: no interval */
	ck_assert_int_eq(csvr_next(r, &row, &err), 0);
	csvr_close(r);
	gridrun_free(&g);
	json_decref(doc);
}
END_TEST

static void spec_add_vary(struct optimize_spec *s, const char *arg)
{
	struct errbuf err;
	s->vary = realloc(s->vary, (s->n_vary + 1) * sizeof(*s->vary));
	ck_assert_msg(optimize_parse_vary(arg, &s->vary[s->n_vary++], &err) == 0, "%s", err.msg);
}

static void spec_add_slo(struct optimize_spec *s, const char *arg)
{
	struct errbuf err;
	s->slo = realloc(s->slo, (s->n_slo + 1) * sizeof(*s->slo));
	ck_assert_msg(optimize_parse_slo(arg, &s->slo[s->n_slo++], &err) == 0, "%s", err.msg);
}

/* Every point cheaper than the answer violates some SLO. */
static void assert_answer_is_optimal(const struct optimize_spec *spec, const struct optimize_result *r)
{
	ck_assert_int_ge(r->best, 0);
	ck_assert(r->feasible[r->best]);
	double best = gridrun_mean(&r->grid, (size_t)r->best, spec->objective);
	for (size_t p = 0; p < r->grid.n_points; p++)
		if (gridrun_mean(&r->grid, p, spec->objective) < best)
			ck_assert_msg(!r->feasible[p], "point %zu is feasible and better than the answer", p);
}

START_TEST(cheapest_provider_and_memory_by_hand)
{
	/* Service time does not depend on memory in this model, so the cheapest
	 * configuration is the smallest memory on the cheaper GB-s price:
	 * Arm at 128 MB, (3601 * 0.2 + 1) s * 0.125 GB * $0.0000133334 +
	 * 3601 * $0.2e-6 = $0.0019222. The memory lattice 128 + 64 k is searched
	 * by grid refinement, not enumerated (46 values x 2 providers = 92). */
	json_t *doc = doc_of(periodic);
	struct optimize_spec spec = { .objective = FIG_COST_TOTAL, .grid = 5, .rounds = 12, .max_replications = 1 };
	spec_add_vary(&spec, "provider=aws-lambda-x86,aws-lambda-arm64");
	spec_add_vary(&spec, "functions[0].memory_mb=128:3008:64");
	spec_add_slo(&spec, "p99<=1");
	struct optimize_result r;
	struct errbuf err = { "" };
	struct run_options opt = { .threads = 1 };
	ck_assert_msg(optimize_run(doc, "t.json", &spec, &opt, &r, &err) == 0, "%s", err.msg);
	assert_answer_is_optimal(&spec, &r);
	size_t b = (size_t)r.best;
	ck_assert_str_eq(json_string_value(r.grid.values[b * 2]), "aws-lambda-arm64");
	ck_assert_int_eq(json_integer_value(r.grid.values[b * 2 + 1]), 128);
	ck_assert_double_eq_tol(gridrun_mean(&r.grid, b, FIG_COST_TOTAL),
				(3601 * 0.2 + 1) * 0.125 * 0.0000133334 + 3601 * 0.2e-6, 1e-12);
	ck_assert_uint_lt(r.grid.n_points, 40);
	/* The outputs: sweep.csv, frontier.csv, optimize.json and the best run. */
	const char *dir = tu_tmpdir();
	ck_assert_msg(optimize_write(dir, &spec, &r, &opt, &err) == 0, "%s", err.msg);
	char path[600];
	snprintf(path, sizeof(path), "%s/optimize.json", dir);
	json_t *o = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(o, "best"), "values"), "provider")),
			 "aws-lambda-arm64");
	json_decref(o);
	snprintf(path, sizeof(path), "%s/summary.json", dir);
	o = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(o);
	ck_assert_str_eq(json_string_value(json_object_get(o, "provider")), "aws-lambda-arm64");
	json_decref(o);
	snprintf(path, sizeof(path), "%s/frontier.csv", dir);
	char *text = tu_slurp(path);
	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(strstr(text, ",feasible,pareto,tied,chosen\n"));
	free(text);
	optimize_result_free(&r);
	optimize_spec_free(&spec);
	json_decref(doc);
}
END_TEST

START_TEST(shortest_keepalive_meeting_a_cold_start_slo)
{
	/* One instance serves everything (1000 slots, 10-ms requests): a request
	 * is cold iff the gap since the previous one exceeds s + T, so the
	 * cold-start ratio is exp(-lambda (s + T)). Minimising idle memory under
	 * cold_start_ratio <= 0.05 gives T* = ln(20) / lambda - s = 2.98573 s.
	 * Every point uses the same seed (common random numbers), so the answer
	 * is the empirical 95 % quantile of n ~ 1e5 exponential gaps, minus s: its
	 * standard deviation is sqrt(p (1 - p) / n) / (lambda p) = 0.0138 s at
	 * p = 0.05; the test allows 4 of them plus the final grid spacing
	 * (10 / 2^10 after 12 rounds of halving). */
	const double lambda = 1, s = 0.01, target = 0.05, n = 1e5;
	char text[2048];
	snprintf(text, sizeof(text),
		 "{\"seed\": 11, \"duration_s\": %g, \"timeseries_interval_s\": 1000,"
		 " \"functions\": [{\"name\": \"f\", \"memory_mb\": 1024, \"concurrency_per_instance\": 1000,"
		 " \"service\": {\"dist\": \"constant\", \"value_s\": %g},"
		 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": %g}}]}", n / lambda, s, lambda);
	json_t *doc = doc_of(text);
	struct optimize_spec spec = { .objective = FIG_IDLE_GB_S, .grid = 5, .rounds = 12, .max_replications = 1 };
	spec_add_vary(&spec, "functions[0].keepalive.ttl_s=0.0:10.0");
	spec_add_slo(&spec, "cold_start_ratio<=0.05");
	struct optimize_result r;
	struct errbuf err = { "" };
	struct run_options opt = { .threads = 1 };
	ck_assert_msg(optimize_run(doc, "t.json", &spec, &opt, &r, &err) == 0, "%s", err.msg);
	assert_answer_is_optimal(&spec, &r);
	double t_star = log(1 / target) / lambda - s;
	double sd = sqrt(target * (1 - target) / n) / (lambda * target);
	double t = json_number_value(r.grid.values[r.best]);
	ck_assert_msg(fabs(t - t_star) <= 4 * sd + 10.0 / 1024, "TTL %.5f, closed form %.5f, allowed %.4f", t, t_star,
		      4 * sd + 10.0 / 1024);
	ck_assert(gridrun_mean(&r.grid, (size_t)r.best, FIG_COLD_START_RATIO) <= target);
	/* Shorter TTLs tried all violate the SLO (idle memory grows with T). */
	for (size_t p = 0; p < r.grid.n_points; p++)
		if (json_number_value(r.grid.values[p]) < t)
			ck_assert(!r.feasible[p]);
	optimize_result_free(&r);
	optimize_spec_free(&spec);
	json_decref(doc);
}
END_TEST

START_TEST(ties_are_decided_and_reported)
{
	/* Keep-alive 600 s or 900 s makes no difference to a request every 10 s:
	 * identical cost (deterministic, half-width 0), identical p99: a tie,
	 * reported, resolved to the first point. */
	json_t *doc = doc_of(periodic);
	struct optimize_spec spec = { .objective = FIG_COST_TOTAL, .grid = 5, .rounds = 3, .max_replications = 4 };
	spec_add_vary(&spec, "functions[0].keepalive.ttl_s=600,900");
	struct optimize_result r;
	struct errbuf err = { "" };
	struct run_options opt = { .threads = 1 };
	ck_assert_msg(optimize_run(doc, "t.json", &spec, &opt, &r, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(r.n_tied, 2);
	ck_assert_int_eq(r.best, 0);
	ck_assert_ptr_nonnull(strstr(r.decision, "tied"));
	optimize_result_free(&r);
	optimize_spec_free(&spec);
	json_decref(doc);
}
END_TEST

START_TEST(cli_unsatisfiable_slo_and_usage)
{
	const char *dir = tu_tmpdir();
	char scen[600], out[600];
	snprintf(scen, sizeof(scen), "%s", tu_write(dir, "p.json", periodic));
	snprintf(out, sizeof(out), "%s/opt", dir);
	char *o, *e;
	/* Every request takes 0.2 s: p99 <= 0.1 s cannot be met. */
	ck_assert_int_eq(tu_slsim(&o, &e, "optimize '%s' --vary 'functions[0].memory_mb=128,256' --slo 'p99<=0.1' -o '%s'",
				  scen, out), 1);
	ck_assert_ptr_nonnull(strstr(e, "no configuration among the 2 explored meets the SLOs"));
	ck_assert_ptr_nonnull(strstr(o, "violates SLO"));
	free(o);
	free(e);
	char path[700];
	snprintf(path, sizeof(path), "%s/frontier.csv", out);
	char *text = tu_slurp(path);
	ck_assert_ptr_nonnull(text);   /* the frontier is still written */
	free(text);
	/* Satisfiable: exit 0 and the table names the best point. */
	ck_assert_int_eq(tu_slsim(&o, NULL, "optimize '%s' --vary 'functions[0].memory_mb=128,256' --slo 'p99<=0.5' -o '%s'",
				  scen, out), 0);
	ck_assert_ptr_nonnull(strstr(o, "BEST"));
	free(o);
	/* Usage errors: exit 2 with the reason. */
	ck_assert_int_eq(tu_slsim(NULL, &e, "optimize '%s' --slo 'p99<=1'", scen), 2);
	ck_assert_ptr_nonnull(strstr(e, "--vary"));
	free(e);
	ck_assert_int_eq(tu_slsim(NULL, &e, "optimize '%s' --vary 'x=1' --slo 'p77<=1'", scen), 2);
	ck_assert_ptr_nonnull(strstr(e, "unknown figure"));
	free(e);
	ck_assert_int_eq(tu_slsim(NULL, &e, "optimize '%s' --vary 'functions[0].memory_mb=64,128' -o '%s'", scen, out), 2);
	ck_assert_ptr_nonnull(strstr(e, "memory_mb"));
	free(e);
}
END_TEST

Suite *optimize_suite(void)
{
	Suite *s = suite_create("optimize");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, argument_syntax);
	tcase_add_test(tc, sweep_csv_layout);
	tcase_add_test(tc, cheapest_provider_and_memory_by_hand);
	tcase_add_test(tc, shortest_keepalive_meeting_a_cold_start_slo);
	tcase_add_test(tc, ties_are_decided_and_reported);
	tcase_add_test(tc, cli_unsatisfiable_slo_and_usage);
	suite_add_tcase(s, tc);
	return s;
}
