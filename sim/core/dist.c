/*
 * dist: duration distributions.
 *
 * Meaning of struct dist's a and b per kind:
 *   DIST_CONSTANT     a = value
 *   DIST_EXPONENTIAL  a = mean
 *   DIST_LOGNORMAL    a = zeta (log of the median, -INFINITY when the
 *                     median is 0), b = sigma
 *   DIST_GAMMA        a = shape k = 1/cv^2, b = scale theta = mean*cv^2
 *   DIST_UNIFORM      a = min, b = max
 *   DIST_EMPIRICAL    unused; pct[] (strictly ascending, 0 .. 1) and val_s[]
 *                     (non-decreasing) define the inverse CDF by linear
 *                     interpolation.
 *   DIST_QUANTILES    unused; pct[] holds the normal scores z = Phi^-1(p) of
 *                     the given probabilities (strictly ascending), val_s[]
 *                     the values (> 0, non-decreasing); log x is linear in z
 *                     on each segment, the first and last segments extended
 *                     to -inf and +inf.
 * A distribution whose mean is 0 is the point mass at 0; its CV is reported
 * as 0, like a constant's.
 */
#include "core/dist.h"
#include "core/jsonutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_interp.h>
#include <gsl/gsl_randist.h>

static void dist_zero(struct dist *d)
{
	memset(d, 0, sizeof(*d));
	d->kind = DIST_CONSTANT;
}

void dist_constant(struct dist *d, double value_s)
{
	dist_zero(d);
	d->a = value_s;
}

void dist_exponential(struct dist *d, double mean_s)
{
	dist_zero(d);
	d->kind = DIST_EXPONENTIAL;
	d->a = mean_s;
}

void dist_free(struct dist *d)
{
	if (!d)
		return;
	free(d->pct);
	free(d->val_s);
	dist_zero(d);
}

void dist_destroy(struct dist *d)
{
	dist_free(d);
	free(d);
}

int dist_copy(struct dist *dst, const struct dist *src)
{
	struct dist tmp = *src;
	tmp.pct = NULL;
	tmp.val_s = NULL;
	if ((src->kind == DIST_EMPIRICAL || src->kind == DIST_QUANTILES) && src->n_points > 0) {
		size_t bytes = src->n_points * sizeof(double);
		tmp.pct = malloc(bytes);
		tmp.val_s = malloc(bytes);
		if (!tmp.pct || !tmp.val_s) {
			free(tmp.pct);
			free(tmp.val_s);
			return ERR_RUNTIME;
		}
		memcpy(tmp.pct, src->pct, bytes);
		memcpy(tmp.val_s, src->val_s, bytes);
	}
	*dst = tmp;
	return 0;
}

int dist_empirical(struct dist *d, const double *pct, const double *val_s, size_t n, struct errbuf *err)
{
	if (n < 2)
		return errbuf_set(err, ERR_INPUT, "empirical distribution: needs at least 2 points, got %zu", n);
	if (pct[0] != 0.0 || pct[n - 1] != 1.0)
		return errbuf_set(err, ERR_INPUT,
				  "empirical distribution: percentiles must start at 0 and end at 1, got %g .. %g",
				  pct[0], pct[n - 1]);
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(val_s[i]) || val_s[i] < 0)
			return errbuf_set(err, ERR_INPUT,
					  "empirical distribution: value %zu must be a finite number >= 0, got %g",
					  i, val_s[i]);
		if (i > 0 && !(pct[i] > pct[i - 1]))
			return errbuf_set(err, ERR_INPUT,
					  "empirical distribution: percentiles must be strictly ascending, got %g after %g",
					  pct[i], pct[i - 1]);
		if (i > 0 && val_s[i] < val_s[i - 1])
			return errbuf_set(err, ERR_INPUT,
					  "empirical distribution: values must be non-decreasing, got %g after %g",
					  val_s[i], val_s[i - 1]);
	}
	double *p = malloc(n * sizeof(double));
	double *v = malloc(n * sizeof(double));
	if (!p || !v) {
		free(p);
		free(v);
		return errbuf_set(err, ERR_RUNTIME, "empirical distribution: out of memory");
	}
	memcpy(p, pct, n * sizeof(double));
	memcpy(v, val_s, n * sizeof(double));
	dist_zero(d);
	d->kind = DIST_EMPIRICAL;
	d->n_points = n;
	d->pct = p;
	d->val_s = v;
	return 0;
}

int dist_quantiles(struct dist *d, const double *pct, const double *val_s, size_t n, struct errbuf *err)
{
	if (n < 2)
		return errbuf_set(err, ERR_INPUT, "quantile distribution: needs at least 2 quantiles, got %zu", n);
	for (size_t i = 0; i < n; i++) {
		if (!(pct[i] > 0 && pct[i] < 1) || (i > 0 && !(pct[i] > pct[i - 1])))
			return errbuf_set(err, ERR_INPUT,
					  "quantile distribution: probabilities must be strictly ascending in (0, 1), got %g", pct[i]);
		if (!isfinite(val_s[i]) || !(val_s[i] > 0) || (i > 0 && val_s[i] < val_s[i - 1]))
			return errbuf_set(err, ERR_INPUT,
					  "quantile distribution: values must be finite, > 0 and non-decreasing, got %g", val_s[i]);
	}
	double *z = malloc(n * sizeof(double)), *v = malloc(n * sizeof(double));
	if (!z || !v) {
		free(z);
		free(v);
		return errbuf_set(err, ERR_RUNTIME, "quantile distribution: out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		z[i] = gsl_cdf_ugaussian_Pinv(pct[i]);
		v[i] = val_s[i];
	}
	dist_zero(d);
	d->kind = DIST_QUANTILES;
	d->n_points = n;
	d->pct = z;
	d->val_s = v;
	return 0;
}

/* Segment k of a DIST_QUANTILES: log x = *a + *b z for z in [*lo, *hi]. */
static void quantile_segment(const struct dist *d, size_t k, double *a, double *b, double *lo, double *hi)
{
	const double *z = d->pct;
	double l0 = log(d->val_s[k]), l1 = log(d->val_s[k + 1]);
	*b = (l1 - l0) / (z[k + 1] - z[k]);
	*a = l0 - *b * z[k];
	*lo = k == 0 ? -INFINITY : z[k];
	*hi = k + 2 == d->n_points ? INFINITY : z[k + 1];
}

/* E[X^r] of a DIST_QUANTILES: on a segment, the integral of
 * exp(r (a + b z)) phi(z) over [lo, hi] is
 * exp(r a + r^2 b^2 / 2) (Phi(hi - r b) - Phi(lo - r b)). */
static double quantile_moment(const struct dist *d, double r)
{
	double m = 0;
	for (size_t k = 0; k + 1 < d->n_points; k++) {
		double a, b, lo, hi;
		quantile_segment(d, k, &a, &b, &lo, &hi);
		m += exp(r * a + 0.5 * r * r * b * b) *
		     (gsl_cdf_ugaussian_P(hi - r * b) - gsl_cdf_ugaussian_P(lo - r * b));
	}
	return m;
}

static double quantile_sample(const struct dist *d, gsl_rng *rng)
{
	double u = gsl_rng_uniform_pos(rng), z = gsl_cdf_ugaussian_Pinv(u);
	size_t k = 0;
	while (k + 2 < d->n_points && z > d->pct[k + 1])
		k++;
	double a, b, lo, hi;
	quantile_segment(d, k, &a, &b, &lo, &hi);
	return exp(a + b * z);
}

/* ---- sampling and moments ---------------------------------------------- */

double dist_sample(const struct dist *d, gsl_rng *rng)
{
	switch (d->kind) {
	case DIST_CONSTANT:
		return d->a;
	case DIST_EXPONENTIAL:
		return d->a > 0 ? dist_exp_draw(rng, d->a) : 0.0;
	case DIST_LOGNORMAL:
		return gsl_ran_lognormal(rng, d->a, d->b);
	case DIST_GAMMA:
		return d->b > 0 ? gsl_ran_gamma(rng, d->a, d->b) : 0.0;
	case DIST_UNIFORM:
		return gsl_ran_flat(rng, d->a, d->b);
	case DIST_EMPIRICAL: {
		double u = gsl_rng_uniform(rng);   /* [0, 1) */
		size_t i = gsl_interp_bsearch(d->pct, u, 0, d->n_points - 1);
		double p0 = d->pct[i], p1 = d->pct[i + 1];
		double v0 = d->val_s[i], v1 = d->val_s[i + 1];
		return v0 + (v1 - v0) * ((u - p0) / (p1 - p0));
	}
	case DIST_QUANTILES:
		return quantile_sample(d, rng);
	}
	return NAN;
}

static double empirical_mean(const struct dist *d)
{
	double m = 0;
	for (size_t i = 0; i + 1 < d->n_points; i++)
		m += (d->pct[i + 1] - d->pct[i]) * 0.5 * (d->val_s[i] + d->val_s[i + 1]);
	return m;
}

double dist_mean(const struct dist *d)
{
	switch (d->kind) {
	case DIST_CONSTANT:
	case DIST_EXPONENTIAL:
		return d->a;
	case DIST_LOGNORMAL:
		return exp(d->a + 0.5 * d->b * d->b);
	case DIST_GAMMA:
		return d->a * d->b;
	case DIST_UNIFORM:
		return 0.5 * (d->a + d->b);
	case DIST_EMPIRICAL:
		return empirical_mean(d);
	case DIST_QUANTILES:
		return quantile_moment(d, 1);
	}
	return NAN;
}

double dist_cv(const struct dist *d)
{
	double mean = dist_mean(d);
	if (!(mean > 0))
		return 0.0;
	switch (d->kind) {
	case DIST_CONSTANT:
		return 0.0;
	case DIST_EXPONENTIAL:
		return 1.0;
	case DIST_LOGNORMAL:
		return sqrt(expm1(d->b * d->b));
	case DIST_GAMMA:
		return 1.0 / sqrt(d->a);
	case DIST_UNIFORM:
		return (d->b - d->a) / sqrt(12.0) / mean;
	case DIST_EMPIRICAL: {
		/* On a segment the inverse CDF is linear from x0 to x1 (centred on
		 * the mean) over a probability dp: the integral of its square is
		 * dp * (x0^2 + x0 x1 + x1^2) / 3. */
		double var = 0;
		for (size_t i = 0; i + 1 < d->n_points; i++) {
			double x0 = d->val_s[i] - mean, x1 = d->val_s[i + 1] - mean;
			var += (d->pct[i + 1] - d->pct[i]) * (x0 * x0 + x0 * x1 + x1 * x1) / 3.0;
		}
		return sqrt(var) / mean;
	}
	case DIST_QUANTILES: {
		double var = quantile_moment(d, 2) - mean * mean;
		return var > 0 ? sqrt(var) / mean : 0.0;
	}
	}
	return NAN;
}

/* ---- JSON --------------------------------------------------------------- */

/* Fails unless every key of obj is in the NULL-terminated list `allowed`. */
static int check_keys(const json_t *obj, const char *where, const char *kind,
		      const char *const *allowed, struct errbuf *err)
{
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)obj, key, val) {
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(key, *a) == 0)
				ok = 1;
		if (!ok) {
			char list[256] = "";
			size_t len = 0;
			for (const char *const *a = allowed; *a; a++) {
				int w = snprintf(list + len, sizeof(list) - len, "%s%s",
						 a == allowed ? "" : ", ", *a);
				if (w < 0 || (size_t)w >= sizeof(list) - len)
					break;
				len += (size_t)w;
			}
			return errbuf_set(err, ERR_INPUT, "%s.%s: unknown key for a %s distribution (expected: %s)",
					  where, key, kind, list);
		}
	}
	return 0;
}

/* Reads obj[key] as a finite number >= 0. */
static int get_nonneg(const json_t *obj, const char *key, const char *where,
		      double *out, struct errbuf *err)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return errbuf_set(err, ERR_INPUT, "%s.%s: missing", where, key);
	if (!json_is_number(v))
		return errbuf_set(err, ERR_INPUT, "%s.%s: must be a finite number >= 0, got %s",
				  where, key, ju_type_name(v));
	double x = json_number_value(v);
	if (!isfinite(x) || x < 0)
		return errbuf_set(err, ERR_INPUT, "%s.%s: must be a finite number >= 0, got %g",
				  where, key, x);
	*out = x;
	return 0;
}

struct pct_point {
	double pct;             /* percent, 0 .. 100 */
	double val;
	const char *key;
};

static int cmp_pct(const void *a, const void *b)
{
	double x = ((const struct pct_point *)a)->pct, y = ((const struct pct_point *)b)->pct;
	return (x > y) - (x < y);
}

/* Parses a percent key such as "25" or "99.9": a whole finite number in [0,100]. */
static int parse_percent(const char *key, double *out)
{
	if (!*key || strchr(" \t\n\r\f\v", key[0]))
		return -1;
	char *end;
	double x = strtod(key, &end);
	if (*end != '\0' || !isfinite(x) || x < 0 || x > 100)
		return -1;
	*out = x;
	return 0;
}

/* The percentiles object's points, in its order (*k of them). */
static int read_points(const json_t *p, const char *where, struct pct_point *pts, size_t *k, struct errbuf *err)
{
	const char *key;
	json_t *v;
	int rc;
	*k = 0;
	json_object_foreach((json_t *)p, key, v) {
		if (parse_percent(key, &pts[*k].pct) != 0)
			return errbuf_set(err, ERR_INPUT,
					  "%s.percentiles.%s: key must be a percent number in [0,100]", where, key);
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s.percentiles", where);
		if ((rc = get_nonneg(p, key, sub, &pts[*k].val, err)) != 0)
			return rc;
		pts[*k].key = key;
		(*k)++;
	}
	return 0;
}

/* Sorted points: distinct percentiles, non-decreasing values, 0 and 100 present. */
static int check_points(const struct pct_point *pts, size_t k, const char *where, struct errbuf *err)
{
	for (size_t i = 1; i < k; i++) {
		if (pts[i].pct == pts[i - 1].pct)
			return errbuf_set(err, ERR_INPUT, "%s.percentiles.%s: duplicates percentile \"%s\"",
					  where, pts[i].key, pts[i - 1].key);
		if (pts[i].val < pts[i - 1].val)
			return errbuf_set(err, ERR_INPUT,
					  "%s.percentiles.%s: values must be non-decreasing, got %g after %g at percentile %s",
					  where, pts[i].key, pts[i].val, pts[i - 1].val, pts[i - 1].key);
	}
	if (k == 0 || pts[0].pct != 0)
		return errbuf_set(err, ERR_INPUT, "%s.percentiles.0: missing (percentiles 0 and 100 are required)", where);
	if (pts[k - 1].pct != 100)
		return errbuf_set(err, ERR_INPUT, "%s.percentiles.100: missing (percentiles 0 and 100 are required)", where);
	return 0;
}

static int parse_empirical(struct dist *d, const json_t *obj, const char *where, struct errbuf *err)
{
	json_t *p = json_object_get(obj, "percentiles");
	if (!p)
		return errbuf_set(err, ERR_INPUT, "%s.percentiles: missing", where);
	if (!json_is_object(p))
		return errbuf_set(err, ERR_INPUT,
				  "%s.percentiles: must be an object mapping percents to seconds, got %s",
				  where, ju_type_name(p));
	size_t n = json_object_size(p);
	struct pct_point *pts = malloc((n ? n : 1) * sizeof(*pts));
	double *pct = malloc((n ? n : 1) * sizeof(double));
	double *val = malloc((n ? n : 1) * sizeof(double));
	int rc = 0;
	if (!pts || !pct || !val) {
		rc = errbuf_set(err, ERR_RUNTIME, "%s.percentiles: out of memory", where);
		goto out;
	}
	size_t k = 0;
	if ((rc = read_points(p, where, pts, &k, err)) != 0)
		goto out;
	qsort(pts, k, sizeof(*pts), cmp_pct);
	if ((rc = check_points(pts, k, where, err)) != 0)
		goto out;
	for (size_t i = 0; i < k; i++) {
		pct[i] = pts[i].pct / 100.0;
		val[i] = pts[i].val;
	}
	rc = dist_empirical(d, pct, val, k, err);
	if (rc != 0) {
		/* dist_empirical's message lacks the path; the checks above make
		 * this unreachable except for out-of-memory. */
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
		rc = errbuf_set(err, rc, "%s.percentiles: %s", where, msg);
	}
out:
	free(pts);
	free(pct);
	free(val);
	return rc;
}

/* One parser per distribution kind: `obj` is the distribution's object
 * (its "dist" already read as `kind`). */
typedef int dist_parse_fn(struct dist *d, const json_t *obj, const char *where, const char *kind,
			  struct errbuf *err);

/* A kind of one parameter, `key` (seconds), made by `build`. */
static int parse_one(struct dist *d, const json_t *obj, const char *where, const char *kind, const char *key,
		     void (*build)(struct dist *, double), struct errbuf *err)
{
	const char *const keys[] = {"dist", key, NULL};
	double x;
	int rc;
	if ((rc = check_keys(obj, where, kind, keys, err)) ||
	    (rc = get_nonneg(obj, key, where, &x, err)))
		return rc;
	build(d, x);
	return 0;
}

static int parse_constant(struct dist *d, const json_t *obj, const char *where, const char *kind,
			  struct errbuf *err)
{
	return parse_one(d, obj, where, kind, "value_s", dist_constant, err);
}

static int parse_exponential(struct dist *d, const json_t *obj, const char *where, const char *kind,
			     struct errbuf *err)
{
	return parse_one(d, obj, where, kind, "mean_s", dist_exponential, err);
}

/* Two forms: {median_s, sigma} (the log-space parameters) or {mean_s, cv}. */
static int parse_lognormal(struct dist *d, const json_t *obj, const char *where, const char *kind,
			   struct errbuf *err)
{
	static const char *const by_median[] = {"dist", "median_s", "sigma", NULL};
	static const char *const by_mean[] = {"dist", "mean_s", "cv", NULL};
	int median_form = json_object_get(obj, "median_s") || json_object_get(obj, "sigma");
	double zeta, sigma;
	int rc;
	(void)kind;
	if (median_form) {
		double median;
		if ((rc = check_keys(obj, where, "lognormal (median_s, sigma)", by_median, err)) ||
		    (rc = get_nonneg(obj, "median_s", where, &median, err)) ||
		    (rc = get_nonneg(obj, "sigma", where, &sigma, err)))
			return rc;
		zeta = log(median);
	} else {
		double mean, cv;
		if ((rc = check_keys(obj, where, "lognormal (mean_s, cv)", by_mean, err)) ||
		    (rc = get_nonneg(obj, "mean_s", where, &mean, err)) ||
		    (rc = get_nonneg(obj, "cv", where, &cv, err)))
			return rc;
		double s2 = log1p(cv * cv);
		if (!isfinite(s2))
			return errbuf_set(err, ERR_INPUT, "%s.cv: too large, got %g", where, cv);
		sigma = sqrt(s2);
		zeta = log(mean) - 0.5 * s2;
	}
	d->kind = DIST_LOGNORMAL;
	d->a = zeta;
	d->b = sigma;
	return 0;
}

static int parse_gamma(struct dist *d, const json_t *obj, const char *where, const char *kind,
		       struct errbuf *err)
{
	static const char *const keys[] = {"dist", "mean_s", "cv", NULL};
	double mean, cv;
	int rc;
	if ((rc = check_keys(obj, where, kind, keys, err)) ||
	    (rc = get_nonneg(obj, "mean_s", where, &mean, err)) ||
	    (rc = get_nonneg(obj, "cv", where, &cv, err)))
		return rc;
	if (!(cv > 0))
		return errbuf_set(err, ERR_INPUT, "%s.cv: must be a finite number > 0, got %g", where, cv);
	double shape = 1.0 / (cv * cv);
	if (!isfinite(shape))
		return errbuf_set(err, ERR_INPUT, "%s.cv: too small for a gamma distribution, got %g", where, cv);
	d->kind = DIST_GAMMA;
	d->a = shape;
	d->b = mean * cv * cv;
	return 0;
}

static int parse_uniform(struct dist *d, const json_t *obj, const char *where, const char *kind,
			 struct errbuf *err)
{
	static const char *const keys[] = {"dist", "min_s", "max_s", NULL};
	double lo, hi;
	int rc;
	if ((rc = check_keys(obj, where, kind, keys, err)) ||
	    (rc = get_nonneg(obj, "min_s", where, &lo, err)) ||
	    (rc = get_nonneg(obj, "max_s", where, &hi, err)))
		return rc;
	if (hi < lo)
		return errbuf_set(err, ERR_INPUT, "%s.max_s: must be >= min_s (%g), got %g", where, lo, hi);
	d->kind = DIST_UNIFORM;
	d->a = lo;
	d->b = hi;
	return 0;
}

static int parse_empirical_dist(struct dist *d, const json_t *obj, const char *where, const char *kind,
				struct errbuf *err)
{
	static const char *const keys[] = {"dist", "percentiles", NULL};
	int rc;
	if ((rc = check_keys(obj, where, kind, keys, err)))
		return rc;
	return parse_empirical(d, obj, where, err);
}

static const struct {
	const char *name;
	dist_parse_fn *parse;
} dist_kinds[] = {
	{ "constant", parse_constant },
	{ "exponential", parse_exponential },
	{ "lognormal", parse_lognormal },
	{ "gamma", parse_gamma },
	{ "uniform", parse_uniform },
	{ "empirical", parse_empirical_dist },
};

int dist_from_json(struct dist *d, const json_t *obj, const char *where, struct errbuf *err)
{
	dist_zero(d);
	if (!json_is_object(obj))
		return errbuf_set(err, ERR_INPUT, "%s: must be an object such as {\"dist\":\"exponential\",\"mean_s\":1}, got %s",
				  where, obj ? ju_type_name(obj) : "nothing");
	json_t *jk = json_object_get(obj, "dist");
	if (!jk)
		return errbuf_set(err, ERR_INPUT, "%s.dist: missing", where);
	if (!json_is_string(jk))
		return errbuf_set(err, ERR_INPUT, "%s.dist: must be a string, got %s", where, ju_type_name(jk));
	const char *kind = json_string_value(jk);
	for (size_t i = 0; i < sizeof(dist_kinds) / sizeof(dist_kinds[0]); i++)
		if (strcmp(kind, dist_kinds[i].name) == 0)
			return dist_kinds[i].parse(d, obj, where, kind, err);
	return errbuf_set(err, ERR_INPUT,
			  "%s.dist: unknown distribution \"%s\" (expected constant, exponential, lognormal, gamma, uniform or empirical)",
			  where, kind);
}

int dist_new_from_key(const json_t *obj, const char *key, const char *where, struct dist **out,
		      struct errbuf *err)
{
	char path[512];
	const json_t *v;
	int rc = ju_object(obj, key, where, JU_REQUIRED, &v, err);
	if (rc < 0)
		return rc;
	struct dist *d = calloc(1, sizeof(*d));
	if (!d)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if ((rc = dist_from_json(d, v, ju_path(path, sizeof(path), where, key), err)) < 0) {
		free(d);
		return rc;
	}
	*out = d;
	return 0;
}
