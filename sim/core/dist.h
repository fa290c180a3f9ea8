/*
 * dist: probability distributions of durations, read from scenario JSON.
 *
 * Shapes (all values in seconds):
 *   {"dist":"constant","value_s":x}
 *   {"dist":"exponential","mean_s":m}
 *   {"dist":"lognormal","median_s":m,"sigma":s} or {"dist":"lognormal","mean_s":m,"cv":c}
 *   {"dist":"gamma","mean_s":m,"cv":c}
 *   {"dist":"uniform","min_s":a,"max_s":b}
 *   {"dist":"empirical","percentiles":{"0":a,"25":b,...,"100":z}}
 *     (inverse CDF interpolated linearly between the given percentiles;
 *      percentiles 0 and 100 are required, values non-decreasing)
 * Sampling uses GSL's samplers; the empirical inverse CDF uses gsl_interp.
 */
#ifndef SLSIM_DIST_H
#define SLSIM_DIST_H

#include <jansson.h>
#include <math.h>
#include <gsl/gsl_rng.h>
#include "core/errbuf.h"

enum dist_kind {
	DIST_CONSTANT,
	DIST_EXPONENTIAL,
	DIST_LOGNORMAL,
	DIST_GAMMA,
	DIST_UNIFORM,
	DIST_EMPIRICAL,
	DIST_QUANTILES,
};

struct dist {
	enum dist_kind kind;
	double a, b;            /* kind-specific: see dist.c */
	size_t n_points;        /* empirical only */
	double *pct;            /* empirical: percentiles in [0,1], ascending;
				 * quantiles: their normal scores (dist.c) */
	double *val_s;          /* empirical, quantiles: value at each percentile */
};

/* Parses `obj`; `where` is "file: json.path" used in messages, e.g.
 * "s.json: functions[0].service". Unknown keys, missing keys, wrong types,
 * negative, NaN or infinite values are ERR_INPUT. */
int dist_from_json(struct dist *d, const json_t *obj, const char *where, struct errbuf *err);
/* A new distribution (*out, released with dist_destroy) from the required
 * object `key` of obj: its messages name "where.key". */
int dist_new_from_key(const json_t *obj, const char *key, const char *where, struct dist **out,
		      struct errbuf *err);

/* Builders for code that makes distributions without JSON. */
void dist_constant(struct dist *d, double value_s);
void dist_exponential(struct dist *d, double mean_s);
/* Copies the arrays; pct in [0,1] ascending with pct[0]=0, pct[n-1]=1. */
int dist_empirical(struct dist *d, const double *pct, const double *val_s, size_t n, struct errbuf *err);

/* Through given quantiles (pct strictly ascending in (0,1), values > 0 and
 * non-decreasing, n >= 2): log(value) is linear in the normal score
 * z = Phi^-1(p) between neighbouring quantiles, so the distribution is
 * lognormal on each segment, passes exactly through every given quantile,
 * and its tails continue the outer segments (two quantiles: a lognormal). */
int dist_quantiles(struct dist *d, const double *pct, const double *val_s, size_t n, struct errbuf *err);

double dist_sample(const struct dist *d, gsl_rng *rng);
/* An exponential draw of the given mean: -mean log(1 - U). The same
 * distribution as gsl_ran_exponential, whose log1p(-U) costs about three
 * times more; 1 - U is exact (U is a multiple of 2^-32) and never 0. */
static inline double dist_exp_draw(gsl_rng *rng, double mean)
{
	return -mean * log(1.0 - gsl_rng_uniform(rng));
}
double dist_mean(const struct dist *d);
/* Coefficient of variation (sd / mean); 0 for constant. */
double dist_cv(const struct dist *d);
void dist_free(struct dist *d);
/* dist_free, then free(d) (for dist_new_from_key's; NULL is fine). */
void dist_destroy(struct dist *d);
/* Deep copy (empirical arrays duplicated); returns 0 or ERR_RUNTIME. */
int dist_copy(struct dist *dst, const struct dist *src);

#endif
