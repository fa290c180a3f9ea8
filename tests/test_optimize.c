/*
 * optimize and points: argument syntax, sweep.csv layout, and searches with
 * optima known in closed form or by hand; SLOs are never violated by the
 * answer, and an unsatisfiable SLO fails clearly.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/csvreader.h"
#include "experiment/optimize.h"
#include "output/output.h"
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
	struct points g;
	struct errbuf err = { "" };
	struct run_options opt = { .threads = 1 };
	ck_assert_int_eq(points_init(&g, doc, "t.json", paths, 2, &opt, &err), 0);
	json_t *v[2] = { json_integer(256), json_string("aws-lambda-arm64") };
	size_t p;
	ck_assert_msg(points_eval(&g, v, NULL, 0, &p, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(p, 0);
	ck_assert_int_eq(points_eval(&g, v, NULL, 0, &p, &err), 0);   /* memoised */
	ck_assert_uint_eq(g.n_points, 1);
	json_decref(v[0]);
	json_decref(v[1]);
	const char *dir = tu_tmpdir();
	ck_assert_int_eq(points_save_csv(&g, dir, "sweep.csv", &err), 0);
	char path[600];
	snprintf(path, sizeof(path), "%s/sweep.csv", dir);
	struct csvr *r;
	struct csvr_row row;
	ck_assert_int_eq(csvr_open(&r, path, &err), 0);
	ck_assert_int_eq(csvr_next(r, &row, &err), 1);
	ck_assert_uint_eq(row.n_fields, 3 + 2 * FIG_COUNT + 1);
	ck_assert_str_eq(row.fields[3 + 2 * FIG_COUNT], "status");
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
	points_free(&g);
	json_decref(doc);
}
END_TEST

static void extra_header(void *ctx, FILE *fp)
{
	(void)ctx;
	fputs(",chosen", fp);
}

static int extra_row(void *ctx, FILE *fp, size_t row)
{
	fprintf(fp, ",%d", *(const size_t *)ctx == row);
	return 0;
}

/* The one sweep.csv writer: values quoted as needed, numbers %.17g and empty
 * when undefined, figure columns optional (with them the status: ok, or
 * infeasible with its reason on one line, quoted), extra columns from the
 * hook. */
START_TEST(csv_writer_and_its_hook)
{
	char *buf = NULL;
	size_t len = 0, chosen = 7;
	FILE *fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	const char *paths[] = { "provider", "a,b" };
	json_t *v[2] = { json_string("x y"), json_real(0.5) };
	struct points_csv_extra extra = { extra_header, extra_row, &chosen };
	points_csv_header(fp, paths, 2, 0, &extra);
	ck_assert_int_eq(points_csv_row(fp, 7, v, 2, NULL, NULL, NULL, &extra, 7), 0);
	double mean[FIG_COUNT], ci95[FIG_COUNT];
	for (int f = 0; f < FIG_COUNT; f++) {
		mean[f] = f == 0 ? 0.1 : NAN;
		ci95[f] = INFINITY;
	}
	ck_assert_int_eq(points_csv_row(fp, 8, v, 2, mean, ci95, NULL, NULL, 0), 0);
	for (int f = 0; f < FIG_COUNT; f++)
		mean[f] = ci95[f] = NAN;
	ck_assert_int_eq(points_csv_row(fp, 9, v, 2, mean, ci95, "infeasible: s.json: m: \"x\", on\nazure", NULL, 0), 0);
	output_csv_number(fp, "", 1.0 / 3);
	fclose(fp);
	char want[512];
	const char *commas = ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,";
	ck_assert_uint_le(2 * FIG_COUNT, strlen(commas));
	snprintf(want, sizeof(want),
		 "point,provider,\"a,b\",chosen\n7,x y,0.5,1\n8,x y,0.5,0.10000000000000001,%.*s,ok\n"
		 "9,x y,0.5%.*s,\"infeasible: s.json: m: \"\"x\"\", on azure\"\n0.33333333333333331",
		 2 * FIG_COUNT - 2, commas, 2 * FIG_COUNT, commas);
	ck_assert_str_eq(buf, want);
	free(buf);
	json_decref(v[0]);
	json_decref(v[1]);
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

/* optimize_run of doc on one thread, which must succeed. */
static void optimize_ok(json_t *doc, const struct optimize_spec *spec, struct optimize_result *r)
{
	struct errbuf err = { "" };
	struct run_options opt = { .threads = 1 };
	ck_assert_msg(optimize_run(doc, "t.json", spec, &opt, r, &err) == 0, "%s", err.msg);
}

/* optimize_write into a fresh folder, which must succeed; returns it. */
static const char *optimize_write_ok(const struct optimize_spec *spec, const struct optimize_result *r)
{
	struct errbuf err = { "" };
	struct run_options opt = { .threads = 1 };
	const char *dir = tu_tmpdir();
	ck_assert_msg(optimize_write(dir, spec, r, &opt, &err) == 0, "%s", err.msg);
	return dir;
}

/* Every point cheaper than the answer violates some SLO. */
static void assert_answer_is_optimal(const struct optimize_spec *spec, const struct optimize_result *r)
{
	ck_assert_int_ge(r->best, 0);
	ck_assert(r->feasible[r->best]);
	double best = points_mean(&r->grid, (size_t)r->best, spec->objective);
	for (size_t p = 0; p < r->grid.n_points; p++)
		if (points_mean(&r->grid, p, spec->objective) < best)
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
	optimize_ok(doc, &spec, &r);
	assert_answer_is_optimal(&spec, &r);
	size_t b = (size_t)r.best;
	ck_assert_str_eq(json_string_value(r.grid.values[b * 2]), "aws-lambda-arm64");
	ck_assert_int_eq(json_integer_value(r.grid.values[b * 2 + 1]), 128);
	ck_assert_double_eq_tol(points_mean(&r.grid, b, FIG_COST_TOTAL),
				(3601 * 0.2 + 1) * 0.125 * 0.0000133334 + 3601 * 0.2e-6, 1e-12);
	ck_assert_uint_lt(r.grid.n_points, 40);
	/* The outputs: sweep.csv, frontier.csv, optimize.json and the best run. */
	const char *dir = optimize_write_ok(&spec, &r);
	json_t *o = tu_load_json(dir, "optimize.json");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(o, "best"), "values"), "provider")),
			 "aws-lambda-arm64");
	json_decref(o);
	o = tu_load_json(dir, "summary.json");
	ck_assert_str_eq(json_string_value(json_object_get(o, "provider")), "aws-lambda-arm64");
	json_decref(o);
	char *text = tu_read(dir, "frontier.csv");
	ck_assert_ptr_nonnull(strstr(text, ",feasible,pareto,tied,chosen,status\n"));
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
	/* Brent (the default for one range; its resolution is 1e-4 x 10 s, and
	 * it faces a jump in its function where infeasible points start) and
	 * grid refinement alike. */
	for (int method = OPTIMIZE_AUTO; method <= OPTIMIZE_GRID; method++) {
		struct optimize_spec spec = { .objective = FIG_IDLE_GB_S, .grid = 5, .rounds = 12, .max_replications = 1,
					      .method = (enum optimize_method)method };
		spec_add_vary(&spec, "functions[0].keepalive.ttl_s=0.0:10.0");
		spec_add_slo(&spec, "cold_start_ratio<=0.05");
		struct optimize_result r;
		optimize_ok(doc, &spec, &r);
		assert_answer_is_optimal(&spec, &r);
		ck_assert_uint_eq(r.n_brent, method == OPTIMIZE_AUTO ? 1 : 0);
		double t_star = log(1 / target) / lambda - s;
		double sd = sqrt(target * (1 - target) / n) / (lambda * target);
		double t = json_number_value(r.grid.values[r.best]);
		ck_assert_msg(fabs(t - t_star) <= 4 * sd + 10.0 / 1024, "method %d: TTL %.5f, closed form %.5f, allowed %.4f",
			      method, t, t_star, 4 * sd + 10.0 / 1024);
		ck_assert(points_mean(&r.grid, (size_t)r.best, FIG_COLD_START_RATIO) <= target);
		/* Shorter TTLs tried all violate the SLO (idle memory grows with T). */
		for (size_t p = 0; p < r.grid.n_points; p++)
			if (json_number_value(r.grid.values[p]) < t)
				ck_assert(!r.feasible[p]);
		optimize_result_free(&r);
		optimize_spec_free(&spec);
	}
	json_decref(doc);
}
END_TEST

/* ---- CPU-bound functions sized through `work` ---------------------------
 * AWS Lambda x86 (the default provider) gives v = memory_mb / 1769 vCPUs (at
 * most 6); a request's service time is io_s + cpu_s ((1 - p) + p / v) for
 * v >= 1 and io_s + cpu_s / v below (scenarios/README.md, `work`). With cv 0
 * and periodic arrivals every request takes exactly that long, so p99 is
 * that time exactly (the histogram clamps quantiles to the exact min and
 * max), and only the first request is cold, with the default init of 0 s.
 * Cost: per request memory_mb / 1024 GB x the run time rounded up to the
 * millisecond x $0.0000166667 per GB-s, plus $0.2 per million requests. */
static double lambda_service_s(double memory_mb, double cpu_s, double io_s, double parallel)
{
	double v = fmin(memory_mb / 1769, 6);
	return io_s + (v >= 1 ? cpu_s * ((1 - parallel) + parallel / v) : cpu_s / v);
}

static double lambda_cost_usd(double requests, double memory_mb, double service_s)
{
	return requests * (memory_mb / 1024 * ceil(service_s * 1000 - 1e-9) / 1000 * 0.0000166667 + 0.2e-6);
}

/* 361 requests (every 10 s from 0 to 3600 s) of 2 CPU-seconds, 80 %
 * parallel, and 0.1 s of I/O. */
static const char *const amdahl =
	"{\"seed\": 5, \"duration_s\": 3600, \"timeseries_interval_s\": 600,"
	" \"functions\": [{\"name\": \"f\", \"memory_mb\": 1024,"
	" \"work\": {\"cpu_s\": 2, \"io_s\": 0.1, \"parallel_fraction\": 0.8},"
	" \"arrivals\": {\"process\": \"periodic\", \"period_s\": 10}}]}";

START_TEST(cpu_bound_memory_cheapest_meeting_p99)
{
	/* Above 1,769 MB the service time is S(m) = 0.1 + 2 (0.2 + 0.8 x 1769 / m)
	 * = 0.5 + 2830.4 / m s, below it 0.1 + 3538 / m: it falls with memory,
	 * while the GB-s per request, m / 1024 x S(m) = 0.5 m / 1024 + 2.764
	 * (below: 0.1 m / 1024 + 3.455), rises. So the cheapest point meeting
	 * p99 <= 1.2 s is the smallest m with 2830.4 / m <= 0.7, m >= 4043.43 MB:
	 * 4096 on the lattice 128 + 64 k (4032 gives 1.20198 s), 4044 on Lambda's
	 * 1-MB lattice (4043 gives 1.200074 s). Billing rounds each run up to the
	 * millisecond, which adds up to m / 1024 x 0.001 GB-s, more than a 1-MB
	 * step's rise (0.5 / 1024): so the test does not rely on monotonicity
	 * but takes the expected answer from the hand formulas evaluated on
	 * every lattice point. Both searches (Brent and grid refinement) must
	 * land exactly there: the lattice step is the resolution they promise. */
	const struct { const char *vary; double step_mb, memory_mb; } cases[] = {
		{ "functions[0].memory_mb=128:10240:64", 64, 4096 },
		{ "functions[0].memory_mb=128:10240", 1, 4044 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double best_m = -1, best_cost = INFINITY;
		for (double m = 128; m <= 10240; m += cases[i].step_mb) {
			double s = lambda_service_s(m, 2, 0.1, 0.8), c = lambda_cost_usd(361, m, s);
			if (s <= 1.2 && c < best_cost) {
				best_cost = c;
				best_m = m;
			}
		}
		ck_assert_double_eq(best_m, cases[i].memory_mb);
	}
	json_t *doc = doc_of(amdahl);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		for (int method = OPTIMIZE_AUTO; method <= OPTIMIZE_GRID; method++) {
			struct optimize_spec spec = { .objective = FIG_COST_TOTAL, .grid = 5, .rounds = 20,
						      .max_replications = 1, .method = (enum optimize_method)method };
			spec_add_vary(&spec, cases[i].vary);
			spec_add_slo(&spec, "p99<=1.2");
			struct optimize_result r;
			optimize_ok(doc, &spec, &r);
			assert_answer_is_optimal(&spec, &r);
			ck_assert_uint_eq(r.n_brent, method == OPTIMIZE_AUTO ? 1 : 0);
			double m = (double)json_integer_value(r.grid.values[r.best]);
			ck_assert_msg(m == cases[i].memory_mb, "%s, method %d: %g MB, expected %g", cases[i].vary, method,
				      m, cases[i].memory_mb);
			double s = lambda_service_s(m, 2, 0.1, 0.8);
			ck_assert_double_eq_tol(points_mean(&r.grid, (size_t)r.best, FIG_LATENCY_P99), s, 1e-9);
			ck_assert_double_eq_tol(points_mean(&r.grid, (size_t)r.best, FIG_COST_TOTAL),
						lambda_cost_usd(361, m, s), 1e-14);
			/* Every point explored below the answer misses the SLO, every
			 * one above it meets it: p99 falls with memory. */
			for (size_t p = 0; p < r.grid.n_points; p++)
				ck_assert_int_eq(r.feasible[p], json_integer_value(r.grid.values[p]) >= m);
			optimize_result_free(&r);
			optimize_spec_free(&spec);
		}
	json_decref(doc);
}
END_TEST

/* 61 requests (every 60 s from 0 to 3600 s) of 100 CPU-seconds, serial, and
 * 200 s of I/O: long enough that rounding to the millisecond is < 1e-5 of
 * the run time. */
static const char *const serial =
	"{\"seed\": 5, \"duration_s\": 3600, \"timeseries_interval_s\": 600,"
	" \"functions\": [{\"name\": \"f\", \"memory_mb\": 1024,"
	" \"work\": {\"cpu_s\": 100, \"io_s\": 200},"
	" \"arrivals\": {\"process\": \"periodic\", \"period_s\": 60}}]}";

/* balanced = cost / lowest cost + p99 / lowest p99, by hand. */
static double serial_balanced(double memory_mb, double min_cost_usd, double min_p99_s)
{
	double s = lambda_service_s(memory_mb, 100, 200, 0);
	return lambda_cost_usd(61, memory_mb, s) / min_cost_usd + s / min_p99_s;
}

START_TEST(balanced_objective_by_hand)
{
	/* S(m) = 200 + 176900 / m s below 1,769 MB, 300 s from there on. By hand
	 * (cost = 61 (m / 1024 x S x 0.0000166667 + 0.2e-6)):
	 *   MB     p99 s          cost $      balanced
	 *   256    891.015625     0.226479    1 + 2.97005 = 3.97005
	 *   512    545.5078125    0.277313    1.22444 + 1.81836 = 3.04281
	 *   1024   372.75390625   0.378980    1.67336 + 1.24251 = 2.91587
	 *   1769   300            0.526913    2.32654 + 1 = 3.32654
	 *   3008   300            0.895951    3.95600 + 1 = 4.95600
	 * Cost alone picks 256 MB, p99 alone 1769 (tied with 3008, the cheaper
	 * wins), balanced 1024. */
	json_t *doc = doc_of(serial);
	const struct { const char *objective; double memory_mb; } cases[] = {
		{ "balanced", 1024 }, { "cost", 256 }, { "latency", 1769 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct optimize_spec spec = { .grid = 5, .rounds = 12, .max_replications = 1 };
		struct errbuf err = { "" };
		ck_assert_int_eq(optimize_parse_objective(cases[i].objective, &spec.objective, &err), 0);
		spec_add_vary(&spec, "functions[0].memory_mb=256,512,1024,1769,3008");
		struct optimize_result r;
		optimize_ok(doc, &spec, &r);
		ck_assert_uint_eq(r.grid.n_points, 5);
		ck_assert_int_eq(json_integer_value(r.grid.values[r.best]), cases[i].memory_mb);
		if (spec.objective != OPTIMIZE_BALANCED) {
			optimize_result_free(&r);
			optimize_spec_free(&spec);
			continue;
		}
		ck_assert_str_eq(optimize_objective_name(&spec), "balanced");
		ck_assert_int_eq(r.secondary, FIG_COST_TOTAL);
		double min_cost = lambda_cost_usd(61, 256, lambda_service_s(256, 100, 200, 0));
		ck_assert_double_eq_tol(r.balance_cost_usd, min_cost, 1e-14);
		ck_assert_double_eq_tol(r.balance_p99_s, 300, 1e-9);
		for (size_t p = 0; p < r.grid.n_points; p++) {
			double m = (double)json_integer_value(r.grid.values[p]);
			ck_assert_double_eq_tol(optimize_objective(&spec, &r, p), serial_balanced(m, min_cost, 300), 1e-12);
			ck_assert(isnan(optimize_objective_ci95(&spec, &r, p)));   /* one replication */
		}
		ck_assert_double_eq_tol(optimize_objective(&spec, &r, (size_t)r.best), 2.91587, 5e-6);
		/* The frontier names the column and optimize.json the objective. */
		const char *dir = optimize_write_ok(&spec, &r);
		char *text = tu_read(dir, "frontier.csv");
		ck_assert_ptr_nonnull(strstr(text, "point,functions[0].memory_mb,balanced,balanced.ci95,cost_usd.total,"
						  "cost_usd.total.ci95,latency_s.p99,latency_s.p99.ci95,"));
		free(text);
		json_t *o = tu_load_json(dir, "optimize.json");
		ck_assert_str_eq(json_string_value(json_object_get(o, "objective")), "balanced");
		ck_assert_double_eq_tol(json_number_value(json_object_get(json_object_get(json_object_get(o, "best"), "figures"),
									  "balanced")), 2.91587, 5e-6);
		json_decref(o);
		optimize_result_free(&r);
		optimize_spec_free(&spec);
	}
	json_decref(doc);
}
END_TEST

START_TEST(brent_finds_the_balanced_optimum_in_fewer_runs)
{
	/* Over 256..3008 MB (1-MB steps) the lowest cost is at 256 MB and the
	 * lowest p99, 300 s, from 1,769 MB on; both ends are on the first grid,
	 * so the normalisers are fixed from the start. Below 1,769 MB, ignoring
	 * the millisecond rounding, balanced = a m + b / m + const with
	 * a = 61 x 200 x 0.0000166667 / 1024 / C(256) and b = 176900 / 300, whose
	 * minimum is at m* = sqrt(b / a) = 820.09 MB. The test evaluates the hand
	 * formula (rounding included) at every MB, checks that the curve has a
	 * single local minimum (so "the optimum" is well defined for a local
	 * search), and asserts that Brent and grid refinement both find it and
	 * that Brent needs fewer simulations. */
	double min_cost = lambda_cost_usd(61, 256, lambda_service_s(256, 100, 200, 0));
	double a = 61 * 200 * 0.0000166667 / 1024 / min_cost, b = 176900.0 / 300;
	ck_assert_double_eq_tol(sqrt(b / a), 820.09, 0.01);
	double best_m = 256, best_v = INFINITY, prev = INFINITY;
	int local_minima = 0, falling = 1;
	for (int m = 256; m <= 3008; m++) {
		double v = serial_balanced(m, min_cost, 300);
		if (v < best_v) {
			best_v = v;
			best_m = m;
		}
		if (falling && v > prev) {
			local_minima++;
			falling = 0;
		} else if (v < prev) {
			falling = 1;
		}
		prev = v;
	}
	ck_assert_int_eq(local_minima, 1);
	ck_assert_double_eq(best_m, 820);

	json_t *doc = doc_of(serial);
	size_t runs[2];
	for (int method = OPTIMIZE_AUTO; method <= OPTIMIZE_GRID; method++) {
		struct optimize_spec spec = { .objective = OPTIMIZE_BALANCED, .grid = 5, .rounds = 20,
					      .max_replications = 1, .method = (enum optimize_method)method };
		spec_add_vary(&spec, "functions[0].memory_mb=256:3008");
		struct optimize_result r;
		optimize_ok(doc, &spec, &r);
		ck_assert_uint_eq(r.n_brent, method == OPTIMIZE_AUTO ? 1 : 0);
		double m = (double)json_integer_value(r.grid.values[r.best]);
		ck_assert_msg(m == best_m, "method %d: %g MB, expected %g", method, m, best_m);
		ck_assert_double_eq_tol(optimize_objective(&spec, &r, (size_t)r.best), best_v, 1e-12);
		runs[method] = r.grid.n_points;
		optimize_result_free(&r);
		optimize_spec_free(&spec);
	}
	ck_assert_msg(runs[OPTIMIZE_AUTO] < runs[OPTIMIZE_GRID], "Brent %zu runs, grid %zu", runs[OPTIMIZE_AUTO],
		      runs[OPTIMIZE_GRID]);
	json_decref(doc);

	/* The command line: --objective balanced, Brent chosen by itself. */
	const char *dir = tu_tmpdir();
	char scen[600], out[600];
	snprintf(scen, sizeof(scen), "%s", tu_write(dir, "s.json", serial));
	snprintf(out, sizeof(out), "%s/opt", dir);
	char *o;
	ck_assert_int_eq(tu_slsim(&o, NULL, "optimize '%s' --vary 'functions[0].memory_mb=256:3008' --objective balanced -o '%s'",
				  scen, out), 0);
	ck_assert_ptr_nonnull(strstr(o, "search: brent"));
	free(o);
	json_t *j = tu_load_json(out, "optimize.json");
	ck_assert_str_eq(json_string_value(json_object_get(j, "search")), "brent");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(j, "best"), "values"),
							    "functions[0].memory_mb")), best_m);
	json_decref(j);

	/* --grid-only: grid refinement reaches the same optimum. */
	ck_assert_int_eq(tu_slsim(NULL, NULL, "optimize '%s' --vary 'functions[0].memory_mb=256:3008' --objective balanced --grid-only -q -o '%s'",
				  scen, out), 0);
	j = tu_load_json(out, "optimize.json");
	ck_assert_str_ne(json_string_value(json_object_get(j, "search")), "brent");
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(json_object_get(j, "best"), "values"),
							    "functions[0].memory_mb")), best_m);
	json_decref(j);
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
	optimize_ok(doc, &spec, &r);
	ck_assert_uint_eq(r.n_tied, 2);
	ck_assert_int_eq(r.best, 0);
	ck_assert_ptr_nonnull(strstr(r.decision, "tied"));
	optimize_result_free(&r);
	optimize_spec_free(&spec);
	json_decref(doc);
}
END_TEST

/* Across providers, a memory size one of them does not offer (1000 MB is
 * not a Cloud Functions 1st gen tier) is an infeasible point: recorded with
 * its reason naming the provider, skipped by the search, and the other
 * points still decide. The answer by hand, as cheapest_provider_and_memory
 * _by_hand: Arm at 1000 MB, (3601 * 0.2 + 1) s * 1000/1024 GB *
 * $0.0000133334 + 3601 * $0.2e-6; gen1 at 1024 MB bills 1.4 GHz on top of
 * its GB-s ($0.0000165 per s against $0.0000130 per s for Arm). */
START_TEST(invalid_point_is_infeasible_not_fatal)
{
	json_t *doc = doc_of(periodic);
	struct optimize_spec spec = { .objective = FIG_COST_TOTAL, .grid = 5, .rounds = 12, .max_replications = 1 };
	spec_add_vary(&spec, "provider=gcf-gen1,aws-lambda-arm64");
	spec_add_vary(&spec, "functions[0].memory_mb=1000,1024");
	struct optimize_result r;
	optimize_ok(doc, &spec, &r);
	ck_assert_uint_eq(r.grid.n_points, 4);
	size_t bad = SIZE_MAX;
	for (size_t p = 0; p < 4; p++) {
		const char *why = points_infeasible(&r.grid, p);
		int gen1_1000 = strcmp(json_string_value(r.grid.values[2 * p]), "gcf-gen1") == 0 &&
				json_integer_value(r.grid.values[2 * p + 1]) == 1000;
		ck_assert_int_eq(why != NULL, gen1_1000);
		if (!why) {
			ck_assert(isfinite(points_mean(&r.grid, p, FIG_COST_TOTAL)));
			continue;
		}
		bad = p;
		ck_assert_msg(strstr(why, "functions[0].memory_mb") && strstr(why, "gcf-gen1") && strstr(why, "got 1000"),
			      "%s", why);
		ck_assert(isnan(points_mean(&r.grid, p, FIG_COST_TOTAL)));
		ck_assert_uint_eq(r.grid.replications[p], 0);
		ck_assert_int_eq(r.feasible[p], 0);
	}
	ck_assert_uint_ne(bad, SIZE_MAX);
	size_t b = (size_t)r.best;
	ck_assert_str_eq(json_string_value(r.grid.values[b * 2]), "aws-lambda-arm64");
	ck_assert_int_eq(json_integer_value(r.grid.values[b * 2 + 1]), 1000);
	ck_assert_double_eq_tol(points_mean(&r.grid, b, FIG_COST_TOTAL),
				(3601 * 0.2 + 1) * (1000.0 / 1024) * 0.0000133334 + 3601 * 0.2e-6, 1e-12);
	/* Every point is in sweep.csv, the infeasible one with its status. */
	const char *dir = optimize_write_ok(&spec, &r);
	char *text = tu_read(dir, "sweep.csv");
	ck_assert_ptr_nonnull(strstr(text, ",status\n"));
	ck_assert_ptr_nonnull(strstr(text, ",\"infeasible: "));
	size_t ok = 0;
	for (const char *q = text; (q = strstr(q, ",ok\n")); q++)
		ok++;
	ck_assert_uint_eq(ok, 3);
	free(text);
	optimize_result_free(&r);
	optimize_spec_free(&spec);
	json_decref(doc);
}
END_TEST

/* The planner's question of issue #12 (scenarios/planner.json), on one day
 * and one replication: one optimize command spans the six plans, the plan
 * without a size that large is an infeasible row (not an abort), arm64 is
 * cheaper than x86 at the same size (its GB-s price is 0.8x x86's and its
 * CPU part faster, the request fee equal), and the report's VM baseline
 * simulates more requests at each larger traffic scale. */
START_TEST(planner_scenario_across_six_plans)
{
	const char *dir = tu_tmpdir();
	char scen[600];
	snprintf(scen, sizeof(scen), "%s/scenarios/planner.json", tu_root());
	ck_assert_int_eq(tu_slsim(NULL, NULL, "optimize '%s' --set workload.duration_s=86400 --set replications=1 "
				  "--vary provider=aws-lambda-x86,aws-lambda-arm64,azure-consumption,azure-flex,"
				  "gcf-gen1,gcf-gen2 --vary 'functions[0].memory_mb=2048' -q -o '%s/o'", scen, dir), 0);
	char path[700];
	snprintf(path, sizeof(path), "%s/o/sweep.csv", dir);
	struct errbuf err = { "" };
	struct csvr *r;
	struct csvr_row row;
	ck_assert_int_eq(csvr_open(&r, path, &err), 0);
	ck_assert_int_eq(csvr_next(r, &row, &err), 1);
	long prov = csvr_find_column(&row, "provider"), cost = csvr_find_column(&row, "cost_usd.total");
	long status = csvr_find_column(&row, "status");
	ck_assert(prov >= 0 && cost >= 0 && status >= 0);
	double x86 = NAN, arm = NAN;
	size_t rows = 0, ok = 0;
	while (csvr_next(r, &row, &err) == 1) {
		rows++;
		const char *p = row.fields[prov], *st = row.fields[status];
		if (strcmp(p, "azure-consumption") == 0) {
			ck_assert_msg(strncmp(st, "infeasible: ", 12) == 0 && strstr(st, "azure-consumption"), "%s", st);
			continue;
		}
		ck_assert_msg(strncmp(st, "ok", 2) == 0, "%s: %s", p, st);
		ok++;
		double c = strtod(row.fields[cost], NULL);
		ck_assert(c > 0);
		if (strcmp(p, "aws-lambda-x86") == 0)
			x86 = c;
		else if (strcmp(p, "aws-lambda-arm64") == 0)
			arm = c;
	}
	csvr_close(r);
	ck_assert_uint_eq(rows, 6);
	ck_assert_uint_eq(ok, 5);
	ck_assert_msg(arm < x86, "arm64 %g, x86 %g", arm, x86);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "report '%s/o' --scales 0.5,1,2 --threads 2", dir), 0);
	snprintf(path, sizeof(path), "%s/o/baseline.csv", dir);
	ck_assert_int_eq(csvr_open(&r, path, &err), 0);
	ck_assert_int_eq(csvr_next(r, &row, &err), 1);
	long inv = csvr_find_column(&row, "invocations");
	double last = 0;
	size_t scales = 0;
	while (csvr_next(r, &row, &err) == 1) {
		double n = strtod(row.fields[inv], NULL);
		ck_assert_msg(n > last * 1.5, "invocations %g after %g", n, last);
		last = n;
		scales++;
	}
	csvr_close(r);
	ck_assert_uint_eq(scales, 3);
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
	char *text = tu_read(out, "frontier.csv");   /* the frontier is still written */
	free(text);
	/* Satisfiable: exit 0 and the table names the best point. */
	ck_assert_int_eq(tu_slsim(&o, NULL, "optimize '%s' --vary 'functions[0].memory_mb=128,256' --slo 'p99<=0.5' -o '%s'",
				  scen, out), 0);
	ck_assert_ptr_nonnull(strstr(o, "BEST"));
	free(o);
	/* Long parameter paths are whole in the table's header, not cut. */
	ck_assert_int_eq(tu_slsim(&o, NULL, "optimize '%s' --vary 'functions[0].keepalive.ttl_s=60,600' -o '%s'", scen, out), 0);
	ck_assert_ptr_nonnull(strstr(o, " functions[0].keepalive.ttl_s "));
	free(o);
	/* Usage errors: exit 2 with the reason. */
	tu_slsim_says(2, "--vary", "optimize '%s' --slo 'p99<=1'", scen);
	tu_slsim_says(2, "unknown figure", "optimize '%s' --vary 'x=1' --slo 'p77<=1'", scen);
	tu_slsim_says(2, "every point is invalid", "optimize '%s' --vary 'functions[0].memory_mb=64,32' -o '%s'", scen, out);
}
END_TEST

/* Two providers by hand and one that offers no such size: the periodic
 * function (3601 requests of 0.2 s and one 1-s cold start in 36,000 s) at
 * 2048 MB costs (3601 x 0.2 + 1) s x 2 GB x the GB-s price + 3601 x $0.2e-6
 * a window, 73 windows a month (730 h / 10 h): arm64 $0.0199523 x 73 =
 * $1.457, x86 $0.0247602 x 73 = $1.807, 19.4 % ($0.351) more; 3008 MB costs
 * more on both; Azure Consumption offers at most 1,536 MB. */
START_TEST(best_per_provider_by_hand)
{
	const char *dir = tu_tmpdir();
	char scen[600], out[600], *o, *e;
	snprintf(scen, sizeof(scen), "%s", tu_write(dir, "p.json", periodic));
	snprintf(out, sizeof(out), "%s/opt", dir);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "optimize '%s' --vary provider=aws-lambda-x86,azure-consumption,aws-lambda-arm64 "
				  "--vary 'functions[0].memory_mb=3008,2048' --slo 'p99<=1' -q -o '%s'", scen, out), 0);
	double arm = ((3601 * 0.2 + 1) * 2 * 0.0000133334 + 3601 * 0.2e-6) * 73;
	double x86 = ((3601 * 0.2 + 1) * 2 * 0.0000166667 + 3601 * 0.2e-6) * 73;
	char path[700];
	snprintf(path, sizeof(path), "%s/best_per_provider.csv", out);
	struct errbuf err = { "" };
	struct csvr *r;
	struct csvr_row row;
	ck_assert_int_eq(csvr_open(&r, path, &err), 0);
	ck_assert_int_eq(csvr_next(r, &row, &err), 1);
	static const char *const cols[] = { "provider", "functions[0].memory_mb", "point", "cost_usd.monthly",
					    "cost_usd.monthly.ci95", "latency_s.p99", "latency_s.p99.ci95", "cost_usd.total",
					    "cost_usd.total.ci95", "feasible", "status" };
	ck_assert_uint_eq(row.n_fields, 11);
	for (size_t k = 0; k < 11; k++)
		ck_assert_str_eq(row.fields[k], cols[k]);
	/* Cheapest first, the provider without a feasible point last. */
	static const char *const prov[] = { "aws-lambda-arm64", "aws-lambda-x86", "azure-consumption" };
	const double monthly[] = { arm, x86, NAN };
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(csvr_next(r, &row, &err), 1);
		ck_assert_str_eq(row.fields[0], prov[i]);
		if (i < 2) {
			ck_assert_str_eq(row.fields[1], "2048");
			ck_assert_double_eq_tol(strtod(row.fields[3], NULL), monthly[i], 1e-9);
			ck_assert_double_eq_tol(strtod(row.fields[5], NULL), 0.2, 0.2 * HISTO_REL_ERROR);
			ck_assert_double_eq_tol(strtod(row.fields[7], NULL), monthly[i] / 73, 1e-11);
			ck_assert_str_eq(row.fields[9], "1");
			ck_assert_str_eq(row.fields[10], "ok");
		} else {
			for (size_t k = 1; k < 9; k++)
				ck_assert_str_eq(row.fields[k], "");
			ck_assert_str_eq(row.fields[9], "0");
			ck_assert_msg(strncmp(row.fields[10], "none feasible: ", 15) == 0 &&
				      strstr(row.fields[10], "azure-consumption"), "%s", row.fields[10]);
		}
	}
	ck_assert_int_eq(csvr_next(r, &row, &err), 0);
	csvr_close(r);
	/* The report leads with it, and with the one sentence. */
	ck_assert_int_eq(tu_slsim(&o, &e, "report '%s' --threads 1", out), 0);
	free(o);
	free(e);
	char *md = tu_read(out, "report.md");
	const char *lead = strstr(md, "## Best configuration per provider"), *scenario = strstr(md, "## Scenario");
	ck_assert_msg(lead && scenario && lead < scenario, "report.md does not lead with the providers:\n%s", md);
	const char *want = "**Cheapest meeting the SLOs: aws-lambda-arm64 (functions\\[0\\].memory\\_mb=2048) at $1.457/month, "
			   "19.4 % ($0.351) less than the next, aws-lambda-x86 ($1.807/month).**";
	ck_assert_msg(strstr(md, want) != NULL, "report.md lacks %s:\n%s", want, md);
	ck_assert_ptr_nonnull(strstr(md, "| aws-lambda-arm64 | functions\\[0\\].memory\\_mb=2048 | $1.457 |"));
	ck_assert_ptr_nonnull(strstr(md, "| azure-consumption | - | n/a | n/a | none feasible: "));
	char *html = tu_read(out, "report.html");
	ck_assert_ptr_nonnull(strstr(html, "<p class=\"big\" id=\"best-provider\">Cheapest meeting the SLOs: aws-lambda-arm64"));
	free(html);
	free(md);

	/* A cost SLO between the two ($0.0199523 and $0.0247602 a window): x86
	 * has no feasible point, its closest (2048 MB) is shown with the SLO it
	 * misses, and arm64 is the only provider meeting them. */
	ck_assert_int_eq(tu_slsim(NULL, NULL, "optimize '%s' --vary provider=aws-lambda-x86,aws-lambda-arm64 "
				  "--vary 'functions[0].memory_mb=3008,2048' --slo 'cost_usd.total<=0.022' -q -o '%s'", scen, out), 0);
	char *csv = tu_read(out, "best_per_provider.csv");
	ck_assert_msg(strstr(csv, "\naws-lambda-arm64,2048,") && strstr(csv, ",1,ok\naws-lambda-x86,2048,") &&
		      strstr(csv, ",0,none feasible: the closest misses cost_usd.total<=0.022\n"), "%s", csv);
	free(csv);
	ck_assert_int_eq(tu_slsim(&o, &e, "report '%s' --threads 1", out), 0);
	free(o);
	free(e);
	md = tu_read(out, "report.md");
	want = "**Cheapest meeting the SLOs: aws-lambda-arm64 (functions\\[0\\].memory\\_mb=2048) at $1.457/month, "
	       "the only provider meeting them.**";
	ck_assert_msg(strstr(md, want) != NULL, "report.md lacks %s:\n%s", want, md);
	free(md);
}
END_TEST

Suite *optimize_suite(void)
{
	return TU_SUITE("optimize", "core", 120, argument_syntax, sweep_csv_layout, csv_writer_and_its_hook,
			invalid_point_is_infeasible_not_fatal,
			cheapest_provider_and_memory_by_hand, shortest_keepalive_meeting_a_cold_start_slo,
			cpu_bound_memory_cheapest_meeting_p99, balanced_objective_by_hand,
			brent_finds_the_balanced_optimum_in_fewer_runs, ties_are_decided_and_reported,
			cli_unsatisfiable_slo_and_usage, planner_scenario_across_six_plans, best_per_provider_by_hand);
}
