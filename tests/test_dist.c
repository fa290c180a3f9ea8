/* Tests of sim/core/dist.c: exact moments, sampling statistics, JSON parsing and
 * its error messages.
 *
 * Statistical tolerances. With n = 200000 independent draws of a
 * distribution with mean mu, standard deviation sigma = cv*mu and kurtosis
 * beta = E[(X-mu)^4]/sigma^4:
 *   - the sample mean has standard error sigma/sqrt(n) (CLT), so we require
 *     |mean_hat - mu| <= 5 sigma/sqrt(n). A 5-sigma miss has probability
 *     ~6e-7; the seed is fixed anyway, so the test is deterministic, and the
 *     bound is tight enough to catch a wrong parametrisation (e.g. using the
 *     median instead of the mean is off by hundreds of standard errors).
 *   - the sample standard deviation s has standard error
 *     sigma*sqrt((beta-1)/(4n)) (delta method on s^2, whose variance is
 *     (mu4 - sigma^4)/n). cv_hat = s/mean_hat, and by the delta method
 *     d(cv) = ds/mu - sigma*d(mean)/mu^2; bounding the standard deviation
 *     of a difference by the sum of standard deviations (no assumption on
 *     their correlation) gives
 *       se(cv_hat) <= cv * (sqrt((beta-1)/4) + cv) / sqrt(n),
 *     and we require |cv_hat - cv| <= 5 times that.
 * Kurtosis per kind is analytic (exponential 9, gamma 3+6/k, uniform 9/5,
 * lognormal e^{4s^2}+2e^{3s^2}+3e^{2s^2}-3) or, for the empirical
 * distribution, the exact fourth moment of its piecewise-linear inverse CDF.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include <jansson.h>
#include "core/dist.h"
#include "suites.h"
#include "testutil.h"

#define N_SAMPLES 200000
#define WHERE "s.json: functions[0].service"

static gsl_rng *new_rng(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	ck_assert_ptr_nonnull(r);
	gsl_rng_set(r, seed);
	return r;
}

/* Parses a JSON text that must be a valid distribution. */
static void parse_ok(struct dist *d, const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	ck_assert_msg(j != NULL, "bad test JSON %s: %s", text, jerr.text);
	struct errbuf err = {{0}};
	int rc = dist_from_json(d, j, WHERE, &err);
	ck_assert_msg(rc == 0, "%s -> %s", text, err.msg);
	json_decref(j);
}

/* dist_from_json on j (shown as text in messages), which must be rejected
 * with a message starting with the JSON path; returns the message. */
static const char *parse_bad(json_t *j, const char *text, struct errbuf *err)
{
	struct dist d;
	err->msg[0] = '\0';
	int rc = dist_from_json(&d, j, WHERE, err);
	ck_assert_msg(rc == ERR_INPUT, "%s accepted (rc %d)", text, rc);
	ck_assert_msg(strncmp(err->msg, WHERE, strlen(WHERE)) == 0,
		      "message lacks the path: %s", err->msg);
	dist_free(&d);          /* must be safe (and leak nothing) after an error */
	return err->msg;
}

/* Draws N_SAMPLES and checks the sample mean and CV against the expected
 * mu and cv (see the tolerance derivation above). Returns the fraction of
 * samples below `below` (for quantile checks). */
static double check_sampling(const struct dist *d, double mu, double cv, double kurt,
			     unsigned long seed, double below)
{
	ck_assert_double_eq_tol(dist_mean(d), mu, 1e-12 * mu);
	ck_assert_double_eq_tol(dist_cv(d), cv, 1e-12 * (cv > 0 ? cv : 1));
	gsl_rng *r = new_rng(seed);
	double mean = 0, m2 = 0;
	long n_below = 0;
	for (long i = 1; i <= N_SAMPLES; i++) {
		double x = dist_sample(d, r);
		if (!(x >= 0 && isfinite(x)))   /* hot loop: call Check only on failure */
			ck_abort_msg("sample %ld is %g", i, x);
		n_below += x < below;
		double delta = x - mean;
		mean += delta / (double)i;
		m2 += delta * (x - mean);
	}
	gsl_rng_free(r);
	double sd = sqrt(m2 / (N_SAMPLES - 1));
	double sqrt_n = sqrt((double)N_SAMPLES);
	double sigma = cv * mu;
	ck_assert_double_eq_tol(mean, mu, 5 * sigma / sqrt_n + 1e-12 * mu);
	double cv_tol = 5 * cv * (sqrt((kurt - 1) / 4) + cv) / sqrt_n;
	ck_assert_double_eq_tol(sd / mean, cv, cv_tol + 1e-12);
	return (double)n_below / N_SAMPLES;
}

/* Fraction-below checks: a binomial proportion p has standard error
 * sqrt(p(1-p)/n); allow 5 of them. */
static void check_fraction(double got, double p)
{
	ck_assert_double_eq_tol(got, p, 5 * sqrt(p * (1 - p) / N_SAMPLES));
}

/* Parses text into d, which must be a point mass: n samples (the generator
 * seeded with seed) equal value (within tol when tol > 0) and the cv is 0. */
static void parse_point_mass(struct dist *d, const char *text, double value, double tol, int n, unsigned long seed)
{
	parse_ok(d, text);
	gsl_rng *r = new_rng(seed);
	for (int i = 0; i < n; i++) {
		if (tol > 0)
			ck_assert_double_eq_tol(dist_sample(d, r), value, tol);
		else
			ck_assert_double_eq(dist_sample(d, r), value);
	}
	gsl_rng_free(r);
	ck_assert_double_eq(dist_cv(d), 0.0);
}

/* check_sampling, with the fraction below `below` within 5 standard errors of p. */
static void check_sampling_fraction(const struct dist *d, double mu, double cv, double kurt, unsigned long seed,
				    double below, double p)
{
	check_fraction(check_sampling(d, mu, cv, kurt, seed, below), p);
}

/* d's mean and cv are exactly these. */
static void assert_moments(const struct dist *d, double mean, double cv)
{
	ck_assert_double_eq(dist_mean(d), mean);
	ck_assert_double_eq(dist_cv(d), cv);
}

/* parse_ok, and d must be of the kind given. */
static void parse_kind(struct dist *d, const char *text, enum dist_kind kind)
{
	parse_ok(d, text);
	ck_assert_int_eq(d->kind, kind);
}

static double lognormal_kurtosis(double s)
{
	double s2 = s * s;
	return exp(4 * s2) + 2 * exp(3 * s2) + 3 * exp(2 * s2) - 3;
}

START_TEST(test_constant)
{
	struct dist d;
	parse_point_mass(&d, "{\"dist\":\"constant\",\"value_s\":0.25}", 0.25, 0, 1000, 1);
	ck_assert_int_eq(d.kind, DIST_CONSTANT);
	ck_assert_double_eq(dist_mean(&d), 0.25);
	dist_free(&d);
}
END_TEST

START_TEST(test_exponential)
{
	struct dist d;
	parse_kind(&d, "{\"dist\":\"exponential\",\"mean_s\":0.5}", DIST_EXPONENTIAL);
	assert_moments(&d, 0.5, 1.0);
	/* the median of Exp(mean m) is m ln 2 */
	check_sampling_fraction(&d, 0.5, 1.0, 9.0, 101, 0.5 * log(2.0), 0.5);
	dist_free(&d);

	/* mean 0 is the point mass at 0 */
	parse_point_mass(&d, "{\"dist\":\"exponential\",\"mean_s\":0}", 0.0, 0, 1000, 2);
	ck_assert_double_eq(dist_mean(&d), 0.0);

	/* the builder agrees with the parser */
	dist_exponential(&d, 3.0);
	assert_moments(&d, 3.0, 1.0);
	dist_constant(&d, 4.0);
	assert_moments(&d, 4.0, 0.0);
	dist_free(&d);
}
END_TEST

START_TEST(test_lognormal_median_sigma)
{
	struct dist d;
	parse_kind(&d, "{\"dist\":\"lognormal\",\"median_s\":0.1,\"sigma\":0.5}", DIST_LOGNORMAL);
	double mu = 0.1 * exp(0.125);                 /* median * e^{s^2/2} */
	double cv = sqrt(exp(0.25) - 1);              /* sqrt(e^{s^2} - 1) */
	check_sampling_fraction(&d, mu, cv, lognormal_kurtosis(0.5), 202, 0.1, 0.5);
	dist_free(&d);
}
END_TEST

START_TEST(test_lognormal_mean_cv)
{
	struct dist d;
	parse_kind(&d, "{\"dist\":\"lognormal\",\"mean_s\":2,\"cv\":1}", DIST_LOGNORMAL);
	ck_assert_double_eq_tol(dist_mean(&d), 2.0, 1e-12);
	ck_assert_double_eq_tol(dist_cv(&d), 1.0, 1e-12);
	/* sigma^2 = ln(1 + cv^2) = ln 2; median = mean / sqrt(1 + cv^2) */
	double s = sqrt(log(2.0));
	check_sampling_fraction(&d, 2.0, 1.0, lognormal_kurtosis(s), 303, 2.0 / sqrt(2.0), 0.5);
	dist_free(&d);

	/* cv 0 is the point mass at the mean */
	parse_point_mass(&d, "{\"dist\":\"lognormal\",\"mean_s\":1.5,\"cv\":0}", 1.5, 1e-15, 100, 3);
	dist_free(&d);
}
END_TEST

START_TEST(test_gamma)
{
	struct dist d;
	parse_kind(&d, "{\"dist\":\"gamma\",\"mean_s\":2,\"cv\":0.5}", DIST_GAMMA);
	ck_assert_double_eq_tol(d.a, 4.0, 1e-12);     /* shape 1/cv^2 */
	ck_assert_double_eq_tol(d.b, 0.5, 1e-12);     /* scale mean*cv^2 */
	check_sampling(&d, 2.0, 0.5, 3 + 6 / 4.0, 404, 0);
	dist_free(&d);

	/* shape 0.25: strongly skewed, exercises GSL's small-shape path */
	parse_ok(&d, "{\"dist\":\"gamma\",\"mean_s\":0.3,\"cv\":2}");
	check_sampling(&d, 0.3, 2.0, 3 + 6 / 0.25, 405, 0);
	dist_free(&d);
}
END_TEST

START_TEST(test_uniform)
{
	struct dist d;
	parse_kind(&d, "{\"dist\":\"uniform\",\"min_s\":1,\"max_s\":3}", DIST_UNIFORM);
	check_sampling_fraction(&d, 2.0, (2.0 / sqrt(12.0)) / 2.0, 9.0 / 5.0, 505, 1.5, 0.25);
	dist_free(&d);

	parse_point_mass(&d, "{\"dist\":\"uniform\",\"min_s\":2,\"max_s\":2}", 2.0, 0, 1, 4);
	dist_free(&d);
}
END_TEST

/* Exact fourth central moment / variance^2 of a piecewise-linear inverse
 * CDF: on a segment from a to b (centred) over probability dp,
 * the integral of x^4 is dp (a^4 + a^3 b + a^2 b^2 + a b^3 + b^4) / 5. */
static double empirical_kurtosis(const double *p, const double *v, int n, double mean)
{
	double m2 = 0, m4 = 0;
	for (int i = 0; i + 1 < n; i++) {
		double a = v[i] - mean, b = v[i + 1] - mean, dp = p[i + 1] - p[i];
		m2 += dp * (a * a + a * b + b * b) / 3;
		m4 += dp * (a * a * a * a + a * a * a * b + a * a * b * b + a * b * b * b + b * b * b * b) / 5;
	}
	return m4 / (m2 * m2);
}

START_TEST(test_empirical)
{
	struct dist d;
	/* keys deliberately out of order: the parser sorts them numerically */
	parse_kind(&d, "{\"dist\":\"empirical\",\"percentiles\":"
		     "{\"90\":0.5,\"0\":0.01,\"100\":2,\"50\":0.1}}", DIST_EMPIRICAL);
	ck_assert_uint_eq(d.n_points, 4);
	const double p[] = {0, 0.5, 0.9, 1}, v[] = {0.01, 0.1, 0.5, 2};
	for (int i = 0; i < 4; i++) {
		ck_assert_double_eq(d.pct[i], p[i]);
		ck_assert_double_eq(d.val_s[i], v[i]);
	}
	/* trapezoids of the inverse CDF */
	double mu = 0.5 * (0.01 + 0.1) / 2 + 0.4 * (0.1 + 0.5) / 2 + 0.1 * (0.5 + 2) / 2;
	ck_assert_double_eq_tol(mu, 0.2725, 1e-15);
	/* E[X^2] from the uncentred segment integrals dp (a^2 + ab + b^2) / 3 */
	double ex2 = 0.5 * (0.01 * 0.01 + 0.01 * 0.1 + 0.1 * 0.1) / 3
		   + 0.4 * (0.1 * 0.1 + 0.1 * 0.5 + 0.5 * 0.5) / 3
		   + 0.1 * (0.5 * 0.5 + 0.5 * 2 + 2 * 2) / 3;
	double cv = sqrt(ex2 - mu * mu) / mu;
	check_sampling_fraction(&d, mu, cv, empirical_kurtosis(p, v, 4, mu), 606, 0.1, 0.5);

	/* copies are deep */
	struct dist c;
	ck_assert_int_eq(dist_copy(&c, &d), 0);
	ck_assert_ptr_ne(c.pct, d.pct);
	dist_free(&d);
	ck_assert_double_eq_tol(dist_mean(&c), mu, 1e-15);
	gsl_rng *r = new_rng(5);
	for (int i = 0; i < 1000; i++) {
		double x = dist_sample(&c, r);
		ck_assert(x >= 0.01 && x <= 2);
	}
	gsl_rng_free(r);
	dist_free(&c);

	/* builder: the two-point case is the uniform distribution */
	struct errbuf err;
	const double p2[] = {0, 1}, v2[] = {1, 3};
	ck_assert_int_eq(dist_empirical(&d, p2, v2, 2, &err), 0);
	ck_assert_double_eq_tol(dist_mean(&d), 2.0, 1e-15);
	ck_assert_double_eq_tol(dist_cv(&d), (2.0 / sqrt(12.0)) / 2.0, 1e-15);
	dist_free(&d);
	const double p3[] = {0, 0.5}, bad_v[] = {2, 1};
	ck_assert_int_eq(dist_empirical(&d, p3, v2, 2, &err), ERR_INPUT);
	ck_assert_int_eq(dist_empirical(&d, p2, bad_v, 2, &err), ERR_INPUT);
}
END_TEST

START_TEST(test_empirical_fractional_keys)
{
	struct dist d;
	parse_ok(&d, "{\"dist\":\"empirical\",\"percentiles\":"
		     "{\"0\":0,\"99.9\":1,\"100\":1}}");
	ck_assert_uint_eq(d.n_points, 3);
	ck_assert_double_eq_tol(d.pct[1], 0.999, 1e-15);
	ck_assert_double_eq_tol(dist_mean(&d), 0.999 * 0.5 + 0.001, 1e-15);
	dist_free(&d);
}
END_TEST

/* tests/data/dist-errors.json: distributions dist_from_json must reject,
 * each with the message it must give ("equals") or contain ("contains"). */
START_TEST(test_json_errors)
{
	char path[4096];
	json_error_t jerr;
	snprintf(path, sizeof(path), "%s/tests/data/dist-errors.json", tu_root());
	json_t *cases = json_load_file(path, 0, &jerr);
	ck_assert_msg(cases != NULL, "%s: %s", path, jerr.text);
	ck_assert_uint_eq(json_array_size(cases), 26);
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		json_t *j = json_object_get(c, "dist");
		char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_PRESERVE_ORDER);
		struct errbuf err;
		const char *m = parse_bad(j, text, &err);
		const char *equals = json_string_value(json_object_get(c, "equals"));
		const char *contains = json_string_value(json_object_get(c, "contains"));
		ck_assert_msg(equals || contains, "case %zu: neither equals nor contains", i);
		if (equals)
			ck_assert_msg(strcmp(m, equals) == 0, "%s: \"%s\", expected \"%s\"", text, m, equals);
		else
			ck_assert_msg(strstr(m, contains) != NULL, "%s: \"%s\" lacks \"%s\"", text, m, contains);
		free(text);
	}
	json_decref(cases);
}
END_TEST

Suite *dist_suite(void)
{
	Suite *s = suite_create("dist");
	TU_ADD_TESTS(tu_tcase(s, "sampling", 60), test_constant, test_exponential,
		     test_lognormal_median_sigma, test_lognormal_mean_cv, test_gamma, test_uniform,
		     test_empirical, test_empirical_fractional_keys);
	TU_ADD_TESTS(tu_tcase(s, "json", 0), test_json_errors);
	return s;
}
