/* Tests of sim/scenario/measured.c: measured durations per memory size.
 *
 * - At a measured size the distribution is the measured one exactly: the
 *   given quantiles are the distribution's (its stored points and its
 *   inverse CDF there), Power Tuning's averageDuration / 1000 is the mean.
 * - Drawn quantiles agree with the measured ones within 4 standard errors:
 *   the sample p-quantile of n draws has standard error
 *   sqrt(p (1 - p) / n) / f(q), f the density at the quantile. For the
 *   piecewise lognormal through quantiles, log x = a + b z on the segment,
 *   so f(q) = phi(z) / (b q); for raw samples equally spaced by h the
 *   empirical quantile function is linear, f = 1 / (range).
 * - Between sizes every quantile lies between its two neighbours' values and
 *   is monotone in memory (checked at every MB).
 * - Bad tables are errors naming the JSON path or file:line:column.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "core/dist.h"
#include "scenario/measured.h"
#include "suites.h"
#include "testutil.h"

#define WHERE "s.json: functions[0].service"
#define N_DRAWS 200000

static int service_at(const char *json, const char *dir, uint32_t mb, struct dist *d, struct errbuf *err)
{
	json_error_t jerr;
	json_t *j = json_loads(json, 0, &jerr);
	ck_assert_msg(j != NULL, "bad test JSON: %s", jerr.text);
	int rc = measured_service(j, dir, mb, WHERE, d, err);
	json_decref(j);
	return rc;
}

static void service_ok(const char *json, const char *dir, uint32_t mb, struct dist *d)
{
	struct errbuf err = { "" };
	int rc = service_at(json, dir, mb, d, &err);
	ck_assert_msg(rc == 0, "%u MB: %s", mb, err.msg);
}

static void service_bad(const char *json, const char *dir, uint32_t mb, const char *needle)
{
	struct errbuf err = { "" };
	struct dist d;
	int rc = service_at(json, dir, mb, &d, &err);
	ck_assert_msg(rc == ERR_INPUT, "accepted %s", json);
	ck_assert_msg(strstr(err.msg, needle), "message \"%s\" lacks \"%s\"", err.msg, needle);
}

/* Durations fall with memory, but not evenly (flat from 1024 to 2048). */
static const char *const TABLE =
	"{\"measured\": {\"sizes\": ["
	"{\"memory_mb\": 128, \"p50_s\": 2.0, \"p90_s\": 3.0, \"p99_s\": 5.0},"
	"{\"memory_mb\": 256, \"p50_s\": 1.0, \"p90_s\": 1.6, \"p99_s\": 2.5},"
	"{\"memory_mb\": 512, \"p50_s\": 0.5, \"p90_s\": 0.9, \"p99_s\": 1.5},"
	"{\"memory_mb\": 1024, \"p50_s\": 0.3, \"p90_s\": 0.5, \"p99_s\": 1.2},"
	"{\"memory_mb\": 2048, \"p50_s\": 0.3, \"p90_s\": 0.45, \"p99_s\": 0.6}]}}";
static const double SIZES[] = { 128, 256, 512, 1024, 2048 };
static const double P[] = { 0.5, 0.9, 0.99 };
static const double Q[5][3] = { { 2.0, 3.0, 5.0 }, { 1.0, 1.6, 2.5 }, { 0.5, 0.9, 1.5 }, { 0.3, 0.5, 1.2 },
				{ 0.3, 0.45, 0.6 } };

/* Quantile p of a DIST_QUANTILES from its segments (the inverse CDF). */
static double quantile_of(const struct dist *d, double p)
{
	double z = gsl_cdf_ugaussian_Pinv(p);
	size_t k = 0;
	while (k + 2 < d->n_points && z > d->pct[k + 1])
		k++;
	double b = (log(d->val_s[k + 1]) - log(d->val_s[k])) / (d->pct[k + 1] - d->pct[k]);
	return exp(log(d->val_s[k]) + b * (z - d->pct[k]));
}

START_TEST(test_quantiles_exact_at_sizes)
{
	for (size_t i = 0; i < 5; i++) {
		struct dist d;
		service_ok(TABLE, ".", (uint32_t)SIZES[i], &d);
		ck_assert_int_eq(d.kind, DIST_QUANTILES);
		ck_assert_uint_eq(d.n_points, 3);
		for (size_t c = 0; c < 3; c++) {
			ck_assert_double_eq(d.val_s[c], Q[i][c]);
			ck_assert_double_eq_tol(quantile_of(&d, P[c]), Q[i][c], 1e-12);
		}
		dist_free(&d);
	}
}
END_TEST

/* Draws at 512 MB: the sample quantiles within 4 standard errors. */
START_TEST(test_quantiles_drawn)
{
	struct dist d;
	service_ok(TABLE, ".", 512, &d);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	gsl_rng_set(r, 11);
	double *x = malloc(N_DRAWS * sizeof(double));
	for (size_t i = 0; i < N_DRAWS; i++)
		x[i] = dist_sample(&d, r);
	gsl_sort(x, 1, N_DRAWS);
	for (size_t c = 0; c < 3; c++) {
		size_t k = c == 2 ? 1 : c;   /* p99 lies on the last segment, as p90 */
		double b = (log(d.val_s[k + 1]) - log(d.val_s[k])) / (d.pct[k + 1] - d.pct[k]);
		double z = gsl_cdf_ugaussian_Pinv(P[c]), q = Q[2][c];
		double f = exp(-0.5 * z * z) / sqrt(2 * M_PI) / (b * q);
		double se = sqrt(P[c] * (1 - P[c]) / N_DRAWS) / f;
		double got = gsl_stats_quantile_from_sorted_data(x, 1, N_DRAWS, P[c]);
		ck_assert_msg(fabs(got - q) <= 4 * se, "p%g: drew %g, measured %g (se %g)", 100 * P[c], got, q, se);
	}
	/* The mean by its closed form against the draws (sd / sqrt(n), 4 SE),
	 * and the second moment (1 + cv^2) mean^2 against the mean of x^2, whose
	 * standard error is the sample sd of x^2 over sqrt(n). */
	double mean = dist_mean(&d), sd = dist_cv(&d) * mean;
	ck_assert_double_eq_tol(gsl_stats_mean(x, 1, N_DRAWS), mean, 4 * sd / sqrt(N_DRAWS));
	for (size_t i = 0; i < N_DRAWS; i++)
		x[i] *= x[i];
	double m2 = gsl_stats_mean(x, 1, N_DRAWS), se2 = gsl_stats_sd_m(x, 1, N_DRAWS, m2) / sqrt(N_DRAWS);
	ck_assert_double_eq_tol(m2, mean * mean + sd * sd, 4 * se2);
	free(x);
	gsl_rng_free(r);
	dist_free(&d);
}
END_TEST

/* Every MB between two sizes: each quantile between its neighbours' values,
 * monotone in memory, and ordered (p50 <= p90 <= p99). */
START_TEST(test_quantiles_monotone_between)
{
	for (size_t i = 0; i + 1 < 5; i++) {
		double prev[3] = { Q[i][0], Q[i][1], Q[i][2] };
		for (uint32_t mb = (uint32_t)SIZES[i] + 1; mb < (uint32_t)SIZES[i + 1]; mb++) {
			struct dist d;
			service_ok(TABLE, ".", mb, &d);
			for (size_t c = 0; c < 3; c++) {
				double lo = fmin(Q[i][c], Q[i + 1][c]), hi = fmax(Q[i][c], Q[i + 1][c]);
				double v = d.val_s[c];
				ck_assert_msg(v >= lo - 1e-12 && v <= hi + 1e-12, "%u MB p%g: %g outside [%g, %g]", mb,
					      100 * P[c], v, lo, hi);
				/* Durations fall or stay with memory in this table. */
				ck_assert_msg(v <= prev[c] + 1e-12, "%u MB p%g: %g rises from %g", mb, 100 * P[c], v,
					      prev[c]);
				if (c > 0)
					ck_assert(v >= d.val_s[c - 1]);
				prev[c] = v;
			}
			dist_free(&d);
		}
	}
}
END_TEST

/* Power Tuning's output: averageDuration (ms) / 1000 exactly at the measured
 * sizes; null and empty (averageDuration 0) results skipped as its analyzer
 * does; monotone in between; outside is an error unless clamped. */
START_TEST(test_power_tuning)
{
	const char *dir = tu_tmpdir();
	tu_write(dir, "pt.json",
		 "{\"results\": {\"power\": \"512\", \"cost\": 1e-6, \"duration\": 300, \"stats\": ["
		 "{\"averagePrice\": 2e-6, \"averageDuration\": 1200.5, \"value\": 128},"
		 "null, {\"averagePrice\": 0, \"averageDuration\": 0, \"value\": 192},"
		 "{\"averagePrice\": 1e-6, \"averageDuration\": 300, \"value\": \"512\"},"
		 "{\"averagePrice\": 1e-6, \"averageDuration\": 610, \"value\": 256},"
		 "{\"averagePrice\": 3e-6, \"averageDuration\": 250, \"value\": 1024}]}}");
	const char *svc = "{\"measured\": {\"power_tuning\": \"pt.json\"}}";
	const double mb[] = { 128, 256, 512, 1024 }, ms[] = { 1200.5, 610, 300, 250 };
	for (size_t i = 0; i < 4; i++) {
		struct dist d;
		service_ok(svc, dir, (uint32_t)mb[i], &d);
		ck_assert_int_eq(d.kind, DIST_CONSTANT);
		ck_assert_double_eq(dist_mean(&d), ms[i] / 1000);
		dist_free(&d);
	}
	double prev = 1.2005;
	for (uint32_t m = 129; m < 1024; m++) {
		struct dist d;
		service_ok(svc, dir, m, &d);
		size_t i = m < 256 ? 0 : m < 512 ? 1 : 2;
		double v = dist_mean(&d);
		ck_assert_msg(v <= prev && v >= ms[i + 1] / 1000 && v <= ms[i] / 1000, "%u MB: %g", m, v);
		prev = v;
		dist_free(&d);
	}
	/* With cv: a lognormal of that mean and cv. */
	struct dist d;
	service_ok("{\"measured\": {\"power_tuning\": \"pt.json\", \"cv\": 0.5}}", dir, 256, &d);
	ck_assert_int_eq(d.kind, DIST_LOGNORMAL);
	ck_assert_double_eq_tol(dist_mean(&d), 0.61, 1e-12);
	ck_assert_double_eq_tol(dist_cv(&d), 0.5, 1e-12);
	dist_free(&d);
	service_bad(svc, dir, 2048, "functions[0].service.measured: memory_mb 2048 is outside the measured sizes [128, 1024]");
	service_ok("{\"measured\": {\"power_tuning\": \"pt.json\", \"outside\": \"clamp\"}}", dir, 2048, &d);
	ck_assert_double_eq(dist_mean(&d), 0.25);
	dist_free(&d);
}
END_TEST

/* Raw samples: 1001 samples 0.5, 0.501, ..., 1.5 at 256 MB (in shuffled
 * rows), so the empirical quantile function is q(p) = 0.5 + p, and the
 * samples halved at 1024 MB. */
static const char *write_samples(void)
{
	const char *dir = tu_tmpdir();
	size_t cap = 64 * 2100, len = 0;
	char *text = malloc(cap);
	len += (size_t)snprintf(text + len, cap - len, "duration_s,memory_mb\n");
	for (int i = 0; i <= 1000; i++) {
		int j = (i * 373) % 1001;   /* 373 is prime to 1001 = 7 x 11 x 13: a permutation */
		len += (size_t)snprintf(text + len, cap - len, "%.17g,256\n", 0.5 + j / 1000.0);
		len += (size_t)snprintf(text + len, cap - len, "%.17g,1024\n", (0.5 + j / 1000.0) / 2);
	}
	tu_write(dir, "samples.csv", text);
	free(text);
	return dir;
}

START_TEST(test_samples)
{
	const char *dir = write_samples(), *svc = "{\"measured\": {\"csv\": \"samples.csv\"}}";
	struct dist d;
	service_ok(svc, dir, 256, &d);
	ck_assert_int_eq(d.kind, DIST_EMPIRICAL);
	ck_assert_uint_eq(d.n_points, 1001);
	/* Linear quantile function 0.5 + p: the mean is 1 (exactly, up to rounding). */
	ck_assert_double_eq_tol(dist_mean(&d), 1.0, 1e-12);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	gsl_rng_set(r, 5);
	double *x = malloc(N_DRAWS * sizeof(double));
	for (size_t i = 0; i < N_DRAWS; i++)
		x[i] = dist_sample(&d, r);
	gsl_sort(x, 1, N_DRAWS);
	for (double p = 0.1; p < 0.95; p += 0.2) {
		double se = sqrt(p * (1 - p) / N_DRAWS) / 1.0;   /* density 1 on [0.5, 1.5] */
		double got = gsl_stats_quantile_from_sorted_data(x, 1, N_DRAWS, p);
		ck_assert_msg(fabs(got - (0.5 + p)) <= 4 * se, "p%g: %g", 100 * p, got);
	}
	free(x);
	gsl_rng_free(r);
	dist_free(&d);
	/* Halfway in memory, between the two quantile functions, monotone. */
	double prev = INFINITY;
	for (uint32_t m = 257; m < 1024; m += 7) {
		service_ok(svc, dir, m, &d);
		ck_assert_uint_eq(d.n_points, 101);
		for (size_t c = 0; c < 101; c++) {
			double p = c / 100.0, hi = 0.5 + p, lo = hi / 2;
			ck_assert_msg(d.val_s[c] >= lo - 1e-12 && d.val_s[c] <= hi + 1e-12, "%u MB p%g", m, 100 * p);
		}
		ck_assert(d.val_s[50] <= prev);
		prev = d.val_s[50];
		dist_free(&d);
	}
}
END_TEST

/* Means that fall, rise, then fall again: on each interval the Steffen
 * interpolant stays monotone between its two measured values (no overshoot
 * past 0.6 s between 256 and 512 MB, where a cubic spline would bulge). */
START_TEST(test_monotone_each_interval)
{
	const char *svc = "{\"measured\": {\"sizes\": [{\"memory_mb\": 128, \"mean_s\": 1.0},"
			  " {\"memory_mb\": 256, \"mean_s\": 0.5}, {\"memory_mb\": 512, \"mean_s\": 0.6},"
			  " {\"memory_mb\": 1024, \"mean_s\": 0.3}, {\"memory_mb\": 2048, \"mean_s\": 0.29}]}}";
	const double mb[] = { 128, 256, 512, 1024, 2048 }, mean[] = { 1.0, 0.5, 0.6, 0.3, 0.29 };
	for (size_t i = 0; i + 1 < 5; i++) {
		double prev = mean[i], dir = mean[i + 1] > mean[i] ? 1 : -1;
		for (uint32_t m = (uint32_t)mb[i]; m <= (uint32_t)mb[i + 1]; m++) {
			struct dist d;
			service_ok(svc, ".", m, &d);
			double v = dist_mean(&d);
			if (m == (uint32_t)mb[i] || m == (uint32_t)mb[i + 1])
				ck_assert_double_eq(v, m == (uint32_t)mb[i] ? mean[i] : mean[i + 1]);
			ck_assert_msg(dir * (v - prev) >= -1e-15, "%u MB: %g after %g", m, v, prev);
			ck_assert(v >= fmin(mean[i], mean[i + 1]) - 1e-15 && v <= fmax(mean[i], mean[i + 1]) + 1e-15);
			prev = v;
			dist_free(&d);
		}
	}
}
END_TEST

START_TEST(test_bad_tables)
{
	const char *dir = tu_tmpdir();
	service_bad("{\"measured\": {\"sizes\": [{\"memory_mb\": 256, \"mean_s\": 1}, {\"memory_mb\": 128, \"mean_s\": 2}]}}",
		    dir, 200, "functions[0].service.measured.sizes[1].memory_mb: sizes must be strictly increasing");
	service_bad("{\"measured\": {\"sizes\": [{\"memory_mb\": 128, \"mean_s\": 1}, {\"memory_mb\": 256, \"mean_s\": -2}]}}",
		    dir, 200, "functions[0].service.measured.sizes[1].mean_s: must be a number in [1e-09");
	service_bad("{\"measured\": {\"sizes\": [{\"memory_mb\": 128, \"p50_s\": 1, \"p90_s\": 2, \"p95\": 3}]}}",
		    dir, 128, "functions[0].service.measured.sizes[0].p95: unknown key");
	service_bad("{\"measured\": {\"sizes\": [{\"memory_mb\": 128, \"p50_s\": 1, \"p90_s\": 2}, {\"memory_mb\": 256, \"p50_s\": 1, \"p90_s\": 2, \"p99_s\": 3}]}}",
		    dir, 128, "sizes[1]: must give the same durations as the first entry");
	service_bad("{\"measured\": {\"sizes\": [{\"memory_mb\": 128, \"p50_s\": 1, \"p90_s\": 0.5}]}}",
		    dir, 128, "sizes[0].p90_s: quantiles must not decrease");
	service_bad("{\"measured\": {\"sizes\": [{\"memory_mb\": 128, \"p50_s\": 1}]}}",
		    dir, 128, "sizes[0]: needs mean_s or at least two quantiles");
	service_bad("{\"measured\": {\"sizes\": [{\"memory_mb\": 128, \"mean_s\": 1, \"p50_s\": 1}]}}",
		    dir, 128, "not both");
	service_bad("{\"measured\": {\"sizes\": [{\"memory_mb\": 128, \"p50_s\": 1, \"p90_s\": 2}], \"cv\": 1}}",
		    dir, 128, "measured.cv: only with mean durations");
	service_bad("{\"measured\": {\"size\": []}}", dir, 128, "functions[0].service.measured.size: unknown key");
	service_bad("{\"measured\": {}, \"dist\": \"constant\"}", dir, 128, "functions[0].service.dist: unknown key");
	service_bad("{\"measured\": {\"sizes\": [{\"memory_mb\": 128, \"mean_s\": 1}]}}", dir, 256,
		    "memory_mb 256 is not the measured size (128 MB)");
	tu_write(dir, "bad.csv", "memory_mb,duration_s\n128,0.5\n128,-1\n");
	service_bad("{\"measured\": {\"csv\": \"bad.csv\"}}", dir, 128, "bad.csv:3:2: duration_s must be > 0, got -1");
	tu_write(dir, "bad2.csv", "memory_mb,duration_s\n128.5,0.5\n");
	service_bad("{\"measured\": {\"csv\": \"bad2.csv\"}}", dir, 128, "bad2.csv:2:1: memory_mb must be a whole number");
	tu_write(dir, "bad3.csv", "memory_mb,duration_s\n128,abc\n");
	service_bad("{\"measured\": {\"csv\": \"bad3.csv\"}}", dir, 128, "bad3.csv:2: column 'duration_s'");
	tu_write(dir, "bad4.csv", "memory,duration_s\n128,1\n");
	service_bad("{\"measured\": {\"csv\": \"bad4.csv\"}}", dir, 128, "bad4.csv:1: the header must name the columns");
	service_bad("{\"measured\": {\"csv\": \"missing.csv\"}}", dir, 128, "missing.csv");
	tu_write(dir, "pt.json", "{\"stats\": [{\"value\": 128, \"averageDuration\": 10},\n {\"value\": 128,, }]}");
	service_bad("{\"measured\": {\"power_tuning\": \"pt.json\"}}", dir, 128, "pt.json:2:");
	tu_write(dir, "pt2.json", "{\"stats\": [{\"value\": 128.5, \"averageDuration\": 10}]}");
	service_bad("{\"measured\": {\"power_tuning\": \"pt2.json\"}}", dir, 128, "pt2.json: stats[0].value: must be a memory size");
	tu_write(dir, "pt3.json", "{\"stats\": [{\"value\": 128, \"averageDuration\": 10, \"p99\": 3}]}");
	service_bad("{\"measured\": {\"power_tuning\": \"pt3.json\"}}", dir, 128, "pt3.json: stats[0].p99: unknown key");
	tu_write(dir, "pt4.json", "{\"results\": {\"power\": \"128\"}}");
	service_bad("{\"measured\": {\"power_tuning\": \"pt4.json\"}}", dir, 128, "includeOutputResults");
	tu_write(dir, "pt5.json", "{\"stats\": [{\"value\": 128, \"averageDuration\": 10}, {\"value\": 128, \"averageDuration\": 12}]}");
	service_bad("{\"measured\": {\"power_tuning\": \"pt5.json\"}}", dir, 128, "128 MB appears twice");
}
END_TEST

/* The scenario of scenarios/: at a measured size the mean is Power
 * Tuning's; memory varies in a sweep while the table stays. */
START_TEST(test_scenario_measured)
{
	struct scenario sc;
	struct errbuf err = { "" };
	char path[4096];
	snprintf(path, sizeof(path), "%s/scenarios/measured.json", tu_root());
	const char *sets[] = { "functions[0].memory_mb=1024" };
	int rc = scenario_load(&sc, path, sets, 1, &err);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_double_eq_tol(dist_mean(&sc.functions[0].service), 0.4284, 1e-12);
	ck_assert_double_eq_tol(dist_cv(&sc.functions[0].service), 0.2, 1e-12);
	scenario_free(&sc);
	const char *sets2[] = { "functions[0].memory_mb=768" };
	rc = scenario_load(&sc, path, sets2, 1, &err);
	ck_assert_msg(rc == 0, "%s", err.msg);
	double m = dist_mean(&sc.functions[0].service);
	ck_assert_msg(m > 0.4284 && m < 0.8615, "768 MB: mean %g", m);
	scenario_free(&sc);
}
END_TEST

/* A memory sweep over the table: a size outside the measured ones is an
 * infeasible row saying why, the measured size an ordinary one. */
START_TEST(test_sweep_outside_is_infeasible)
{
	const char *out = tu_tmpdir();
	char path[4096];
	snprintf(path, sizeof(path), "%s/scenarios/measured.json", tu_root());
	int rc = tu_slsim(NULL, NULL, "sweep '%s' --grid 'functions[0].memory_mb=1024,4096' --set duration_s=60 -q -o '%s'",
			  path, out);
	ck_assert_int_eq(rc, 0);
	char *csv = tu_read(out, "sweep.csv");
	ck_assert_ptr_nonnull(strstr(csv, "memory_mb 4096 is outside the measured sizes [128, 3008] MB"));
	ck_assert_ptr_nonnull(strstr(csv, "infeasible"));
	ck_assert_ptr_nonnull(strstr(csv, ",ok\n"));
	free(csv);
}
END_TEST

Suite *measured_suite(void)
{
	return TU_SUITE("measured", "measured", 120, test_quantiles_exact_at_sizes, test_quantiles_drawn,
			test_quantiles_monotone_between, test_monotone_each_interval, test_power_tuning, test_samples, test_bad_tables,
			test_scenario_measured, test_sweep_outside_is_infeasible);
}
