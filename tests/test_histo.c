/* Tests of sim/core/histo.c: quantile accuracy against exact nearest-rank
 * quantiles, merging, zero values, empty histograms, wide ranges, CDF. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "core/errbuf.h"
#include "core/histo.h"
#include "suites.h"
#include "testutil.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Exact nearest-rank quantile of a sorted array: the value of rank ceil(q n). */
static double exact_quantile(const double *sorted, size_t n, double q)
{
	double k = ceil(q * (double)n);
	size_t r = k < 1 ? 1 : (size_t)k;
	if (r > n)
		r = n;
	return sorted[r - 1];
}

/* Every quantile in qs is within HISTO_REL_ERROR of the exact one. */
static void check_quantiles(const struct histo *h, double *vals, size_t n,
			    const double *qs, size_t nq)
{
	qsort(vals, n, sizeof(double), cmp_double);
	ck_assert_uint_eq(h->count, n);
	ck_assert_double_eq(histo_quantile(h, 0.0), vals[0]);
	ck_assert_double_eq(histo_quantile(h, 1.0), vals[n - 1]);
	for (size_t i = 0; i < nq; i++) {
		double exact = exact_quantile(vals, n, qs[i]);
		double got = histo_quantile(h, qs[i]);
		ck_assert_msg(fabs(got - exact) <= (HISTO_REL_ERROR + 1e-12) * exact,
			      "q=%g: got %.17g, exact %.17g, rel error %g", qs[i], got, exact,
			      fabs(got - exact) / exact);
	}
}

static void add_all(struct histo *h, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (histo_add(h, v[i]) != 0)      /* hot loop: call Check only on failure */
			ck_abort_msg("histo_add(%g) failed", v[i]);
}

/* n values drawn by draw from a taus2 generator seeded with seed, added to
 * a new histogram h; returns them (malloc'd). */
static double *draw_into(struct histo *h, size_t n, unsigned long seed, double (*draw)(const gsl_rng *))
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	ck_assert_ptr_nonnull(r);
	gsl_rng_set(r, seed);
	double *vals = malloc(n * sizeof(double));
	ck_assert_ptr_nonnull(vals);
	for (size_t i = 0; i < n; i++)
		vals[i] = draw(r);
	gsl_rng_free(r);
	histo_init(h);
	add_all(h, vals, n);
	return vals;
}

static double lognormal_50ms(const gsl_rng *r)
{
	return gsl_ran_lognormal(r, log(0.05), 1.2);
}

/* log-uniform over 1e-6 .. 1e4 (ten decades) */
static double log_uniform_ten_decades(const gsl_rng *r)
{
	return exp(log(1e-6) + gsl_rng_uniform(r) * (log(1e4) - log(1e-6)));
}

START_TEST(test_lognormal_quantiles)
{
	enum { N = 100000 };
	struct histo h;
	double *vals = draw_into(&h, N, 99, lognormal_50ms);
	double sum = 0;
	for (int i = 0; i < N; i++)
		sum += vals[i];
	ck_assert_double_eq_tol(histo_mean(&h), sum / N, 1e-12 * sum / N);
	const double qs[] = {0.5, 0.9, 0.99, 0.999, 0.1, 0.001, 1e-5, 0.99999};
	check_quantiles(&h, vals, N, qs, sizeof(qs) / sizeof(qs[0]));
	/* a fine sweep of q as well */
	for (int i = 1; i < 1000; i++) {
		double q = i / 1000.0;
		double exact = exact_quantile(vals, N, q);
		double got = histo_quantile(&h, q);
		if (!(fabs(got - exact) <= (HISTO_REL_ERROR + 1e-12) * exact))
			ck_abort_msg("q=%g: got %.17g, exact %.17g", q, got, exact);
	}
	/* bounded memory: far fewer buckets than values */
	ck_assert_uint_lt(h.n_buckets, 5000);
	histo_free(&h);
	free(vals);
}
END_TEST

START_TEST(test_wide_range)
{
	enum { N = 50000 };
	struct histo h;
	double *vals = draw_into(&h, N, 123, log_uniform_ten_decades);
	ck_assert_int_eq(histo_add(&h, 1e-6), 0);
	ck_assert_int_eq(histo_add(&h, 1e4), 0);
	const double qs[] = {0.0001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.9999};
	double *all = malloc((N + 2) * sizeof(double));
	memcpy(all, vals, N * sizeof(double));
	all[N] = 1e-6;
	all[N + 1] = 1e4;
	check_quantiles(&h, all, N + 2, qs, sizeof(qs) / sizeof(qs[0]));
	ck_assert_double_eq(histo_quantile(&h, 0), 1e-6);
	ck_assert_double_eq(histo_quantile(&h, 1), 1e4);
	/* ten decades need ln(1e10)/ln(g) ~ 2878 buckets, and no more */
	double g = (1 + HISTO_REL_ERROR) / (1 - HISTO_REL_ERROR);
	ck_assert_uint_le(h.n_buckets, (uint32_t)ceil(log(1e10) / log(g)) + 2);
	ck_assert_uint_ge(h.n_buckets, (uint32_t)floor(log(1e10) / log(g)));
	histo_free(&h);
	free(all);
	free(vals);
}
END_TEST

START_TEST(test_merge)
{
	enum { NA = 30000, NB = 20000 };
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	gsl_rng_set(r, 5);
	double *v = malloc((NA + NB) * sizeof(double));
	/* a: small values, b: larger and wider, so the merge must grow dst
	 * on both sides; a few zeros in b */
	for (int i = 0; i < NA; i++)
		v[i] = gsl_ran_lognormal(r, log(0.01), 0.3);
	for (int i = 0; i < NB; i++)
		v[NA + i] = i % 1000 == 0 ? 0.0 : gsl_ran_lognormal(r, log(0.5), 2.0);
	struct histo a, b, u;
	histo_init(&a);
	histo_init(&b);
	histo_init(&u);
	add_all(&a, v, NA);
	add_all(&b, v + NA, NB);
	add_all(&u, v, NA + NB);
	ck_assert_int_eq(histo_merge(&a, &b), 0);
	ck_assert_uint_eq(a.count, u.count);
	ck_assert_uint_eq(a.zero_count, u.zero_count);
	ck_assert_uint_eq(a.zero_count, NB / 1000);
	ck_assert_double_eq(a.min, u.min);
	ck_assert_double_eq(a.max, u.max);
	ck_assert_double_eq_tol(a.sum, u.sum, 1e-12 * u.sum);
	ck_assert_int_eq(a.lo, u.lo);
	ck_assert_uint_eq(a.n_buckets, u.n_buckets);
	for (uint32_t i = 0; i < u.n_buckets; i++)
		if (a.buckets[i] != u.buckets[i])
			ck_assert_uint_eq(a.buckets[i], u.buckets[i]);
	for (int i = 0; i <= 1000; i++)
		ck_assert_double_eq(histo_quantile(&a, i / 1000.0), histo_quantile(&u, i / 1000.0));
	const double qs[] = {0.5, 0.9, 0.99, 0.999};
	check_quantiles(&a, v, NA + NB, qs, 4);

	/* merging into an empty histogram copies; merging an empty one is a no-op */
	struct histo e;
	histo_init(&e);
	ck_assert_int_eq(histo_merge(&e, &b), 0);
	ck_assert_uint_eq(e.count, b.count);
	ck_assert_double_eq(histo_quantile(&e, 0.5), histo_quantile(&b, 0.5));
	ck_assert_double_eq(e.min, b.min);
	struct histo empty;
	histo_init(&empty);
	ck_assert_int_eq(histo_merge(&e, &empty), 0);
	ck_assert_uint_eq(e.count, b.count);
	histo_free(&empty);
	histo_free(&e);
	histo_free(&a);
	histo_free(&b);
	histo_free(&u);
	free(v);
	gsl_rng_free(r);
}
END_TEST

struct cdf_log {
	int n;
	double value[16];
	double cdf[16];
};

static void cdf_cb(void *ctx, double value, double cdf)
{
	struct cdf_log *l = ctx;
	ck_assert_int_lt(l->n, 16);
	l->value[l->n] = value;
	l->cdf[l->n] = cdf;
	l->n++;
}

START_TEST(test_zero_values)
{
	struct histo h;
	histo_init(&h);
	/* 3 zeros, 1 value below HISTO_MIN_S, 6 values of 2.0 */
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(histo_add(&h, 0.0), 0);
	ck_assert_int_eq(histo_add(&h, 1e-12), 0);
	for (int i = 0; i < 6; i++)
		ck_assert_int_eq(histo_add(&h, 2.0), 0);
	ck_assert_uint_eq(h.count, 10);
	ck_assert_uint_eq(h.zero_count, 4);
	ck_assert_double_eq(histo_quantile(&h, 0.0), 0.0);
	ck_assert_double_eq(histo_quantile(&h, 0.1), 0.0);   /* rank 1 */
	ck_assert_double_eq(histo_quantile(&h, 0.4), 0.0);   /* rank 4: zero bucket */
	/* rank 5: the 2.0 bucket's representative value */
	ck_assert_double_eq_tol(histo_quantile(&h, 0.41), 2.0, 2.0 * HISTO_REL_ERROR);
	ck_assert_double_eq_tol(histo_quantile(&h, 0.5), 2.0, 2.0 * HISTO_REL_ERROR);
	ck_assert_double_eq(histo_quantile(&h, 1.0), 2.0);
	ck_assert_double_eq_tol(histo_mean(&h), (12.0 + 1e-12) / 10, 1e-15);
	struct cdf_log l = {0};
	histo_foreach_cdf(&h, cdf_cb, &l);
	ck_assert_int_eq(l.n, 2);
	ck_assert_double_eq(l.value[0], 0.0);
	ck_assert_double_eq_tol(l.cdf[0], 0.4, 1e-15);
	ck_assert_double_eq_tol(l.value[1], 2.0, 2.0 * HISTO_REL_ERROR);
	ck_assert_double_eq(l.cdf[1], 1.0);
	histo_free(&h);

	/* only zeros */
	histo_init(&h);
	ck_assert_int_eq(histo_add(&h, 0.0), 0);
	ck_assert_uint_eq(h.n_buckets, 0);
	ck_assert_double_eq(histo_quantile(&h, 0.5), 0.0);
	ck_assert_double_eq(histo_quantile(&h, 1.0), 0.0);
	histo_free(&h);
}
END_TEST

START_TEST(test_empty)
{
	struct histo h;
	histo_init(&h);
	ck_assert(isnan(histo_quantile(&h, 0.5)));
	ck_assert(isnan(histo_quantile(&h, 0.0)));
	ck_assert(isnan(histo_quantile(&h, 1.0)));
	ck_assert(isnan(histo_mean(&h)));
	struct cdf_log l = {0};
	histo_foreach_cdf(&h, cdf_cb, &l);
	ck_assert_int_eq(l.n, 0);
	/* NaN is refused and leaves the histogram empty */
	ck_assert_int_eq(histo_add(&h, NAN), ERR_RUNTIME);
	ck_assert_uint_eq(h.count, 0);
	ck_assert(isnan(histo_mean(&h)));
	histo_free(&h);
	histo_free(&h);         /* idempotent */
}
END_TEST

START_TEST(test_cdf_and_buckets)
{
	struct histo h;
	histo_init(&h);
	/* three buckets. Bucket values are clamped to the exact [min, max]:
	 * 1.005 lies in [1, 1.00803) whose representative value is 1.004 < min,
	 * and 99.6 lies in [99.487, 100.286) whose value 99.885 > max. */
	ck_assert_int_eq(histo_add(&h, 1.005), 0);
	ck_assert_int_eq(histo_add(&h, 1.005), 0);
	ck_assert_int_eq(histo_add(&h, 10.0), 0);
	ck_assert_int_eq(histo_add(&h, 99.6), 0);
	struct cdf_log l = {0};
	histo_foreach_cdf(&h, cdf_cb, &l);
	ck_assert_int_eq(l.n, 3);
	ck_assert_double_eq(l.value[0], 1.005);   /* clamped to min */
	ck_assert_double_eq_tol(l.value[1], 10.0, 10.0 * HISTO_REL_ERROR);
	ck_assert_double_eq(l.value[2], 99.6);    /* clamped to max */
	ck_assert_double_eq_tol(l.cdf[0], 0.5, 1e-15);
	ck_assert_double_eq_tol(l.cdf[1], 0.75, 1e-15);
	ck_assert_double_eq(l.cdf[2], 1.0);
	ck_assert_double_eq_tol(histo_quantile(&h, 0.6), 10.0, 10.0 * HISTO_REL_ERROR);
	/* the representative value is the bucket's harmonic-style midpoint
	 * 2 g^i g^(i+1) / (g^i + g^(i+1)) */
	double g = (1 + HISTO_REL_ERROR) / (1 - HISTO_REL_ERROR);
	double i = floor(log(10.0) / log(g));
	double lo = pow(g, i), hi = pow(g, i + 1);
	ck_assert_double_eq_tol(l.value[1], 2 * lo * hi / (lo + hi), 1e-12);
	histo_free(&h);

	/* values beyond HISTO_MAX_S share the top bucket; max stays exact */
	histo_init(&h);
	ck_assert_int_eq(histo_add(&h, 1e12), 0);
	ck_assert_int_eq(histo_add(&h, 2e12), 0);
	ck_assert_uint_eq(h.n_buckets, 1);
	ck_assert_uint_eq(h.buckets[0], 2);
	ck_assert_double_eq(histo_quantile(&h, 1.0), 2e12);
	ck_assert_double_eq(histo_quantile(&h, 0.5), 1e12);   /* clamped to min */
	ck_assert_int_eq(histo_add(&h, 1e9), 0);               /* also the top bucket */
	ck_assert_uint_eq(h.n_buckets, 1);
	ck_assert_int_eq(histo_add(&h, 1e-9), 0);              /* grows downwards */
	ck_assert_uint_gt(h.n_buckets, 5000);
	ck_assert_uint_lt(h.n_buckets, 7000);
	ck_assert_uint_eq(h.buckets[h.n_buckets - 1], 3);
	ck_assert_uint_eq(h.buckets[0], 1);
	ck_assert_double_eq_tol(histo_quantile(&h, 0.25), 1e-9, 1e-9 * HISTO_REL_ERROR);
	histo_free(&h);
}
END_TEST

/* The table lookup of histo_bucket_of equals its definition,
 * floor(log(v)/log(g)) clamped, on both sides of every bucket boundary and
 * of every octave slice, and on a million log-uniform values. */
START_TEST(test_bucket_lookup_equals_log)
{
	struct histo h;
	histo_init(&h);   /* builds the tables */
	const double g = (1.0 + HISTO_REL_ERROR) / (1.0 - HISTO_REL_ERROR);
	size_t checked = 0;
	int32_t lo = histo_bucket_of_log(HISTO_MIN_S), hi = histo_bucket_of_log(HISTO_MAX_S);
	ck_assert_int_gt(hi - lo, 5000);   /* ln(1e18)/ln(g) = 5181 buckets */
	for (int32_t i = lo; i <= hi + 1; i++) {
		double x = pow(g, i);
		double probe[] = { x, nextafter(x, 0), nextafter(x, INFINITY),
				   nextafter(nextafter(x, 0), 0), nextafter(nextafter(x, INFINITY), INFINITY) };
		for (size_t k = 0; k < sizeof(probe) / sizeof(probe[0]); k++, checked++)
			ck_assert_msg(histo_bucket_of(probe[k]) == histo_bucket_of_log(probe[k]),
				      "%.17g: lookup %d, log %d", probe[k], histo_bucket_of(probe[k]),
				      histo_bucket_of_log(probe[k]));
	}
	for (int e = -31; e <= 31; e++)
		for (int j = 0; j < 128; j++, checked++) {
			double x = ldexp(1 + j / 128.0, e);
			ck_assert_int_eq(histo_bucket_of(x), histo_bucket_of_log(x));
			ck_assert_int_eq(histo_bucket_of(nextafter(x, 0)), histo_bucket_of_log(nextafter(x, 0)));
		}
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	gsl_rng_set(r, 7);
	for (int k = 0; k < 1000000; k++, checked++) {
		double x = pow(10, -10 + 20 * gsl_rng_uniform(r));
		ck_assert_int_eq(histo_bucket_of(x), histo_bucket_of_log(x));
	}
	gsl_rng_free(r);
	ck_assert_int_eq(histo_bucket_of(0), INT32_MIN);
	ck_assert_int_eq(histo_bucket_of(HISTO_MIN_S / 2), INT32_MIN);
	ck_assert_int_eq(histo_bucket_of(INFINITY), hi);
	ck_assert_uint_gt(checked, 1000000);
	histo_free(&h);
}
END_TEST

/* histo_quantiles (one pass) gives each quantile exactly as histo_quantile
 * does: out of order, repeated, at 0 and 1, NaN, within the zero bucket,
 * and on an empty histogram. */
START_TEST(test_quantiles_one_pass)
{
	struct histo h;
	histo_init(&h);
	double q[] = { 0.999, 0.5, 0.0, 1.0, 0.5, 0.1, NAN, 0.95, 1e-9, 0.9999999 };
	size_t n = sizeof(q) / sizeof(q[0]);
	double out[sizeof(q) / sizeof(q[0])];
	histo_quantiles(&h, q, n, out);
	for (size_t j = 0; j < n; j++)
		ck_assert(isnan(out[j]));
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	gsl_rng_set(r, 11);
	for (int k = 0; k < 100000; k++)
		ck_assert_int_eq(histo_add(&h, k % 10 == 0 ? 0.0 : gsl_ran_lognormal(r, -1, 1.5)), 0);
	gsl_rng_free(r);
	histo_quantiles(&h, q, n, out);
	for (size_t j = 0; j < n; j++) {
		double one = histo_quantile(&h, q[j]);
		if (isnan(q[j]))
			ck_assert(isnan(out[j]) && isnan(one));
		else
			ck_assert_double_eq(out[j], one);
	}
	/* 10% zeros: the 0.1 quantile is the exact minimum (0), the 0.5 one is not. */
	ck_assert_double_eq(out[5], 0.0);
	ck_assert_double_gt(out[1], 0.0);
	histo_free(&h);
}
END_TEST

Suite *histo_suite(void)
{
	return TU_SUITE("histo", "core", 60, test_lognormal_quantiles, test_wide_range, test_merge,
			test_zero_values, test_empty, test_cdf_and_buckets, test_bucket_lookup_equals_log,
			test_quantiles_one_pass);
}
