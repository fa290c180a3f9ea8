/*
 * histo: log-bucketed histogram of non-negative values (latencies in seconds)
 * in bounded memory, with quantiles within HISTO_REL_ERROR relative error.
 *
 * Bucket i covers [g^i, g^(i+1)) seconds with g = 1 + 2*HISTO_REL_ERROR/(1-HISTO_REL_ERROR);
 * a quantile returns the bucket's value 2 g^i g^(i+1) / (g^i + g^(i+1)),
 * clamped to the exact min and max seen (DDSketch's estimator), so for values
 * in [HISTO_MIN_S, HISTO_MAX_S] the relative error is at most HISTO_REL_ERROR.
 * Values below HISTO_MIN_S count in a zero bucket (reported as the exact min).
 * The bucket array spans only the range of buckets seen (grown on demand),
 * never more than the ~7,000 buckets between the bounds.
 * Quantiles use the nearest-rank definition: the value of rank ceil(q*n).
 */
#ifndef SLSIM_HISTO_H
#define SLSIM_HISTO_H

#include <stddef.h>
#include <stdint.h>

#define HISTO_REL_ERROR 0.004
#define HISTO_MIN_S 1e-9
#define HISTO_MAX_S 1e9

struct histo {
	uint64_t count;
	uint64_t zero_count;    /* values below HISTO_MIN_S */
	double sum, min, max;
	int32_t lo;             /* index of buckets[0] */
	uint32_t n_buckets;
	uint64_t *buckets;
};

void histo_init(struct histo *h);
void histo_free(struct histo *h);
/* Returns 0, or ERR_RUNTIME if memory runs out. Values above HISTO_MAX_S
 * go in the top bucket (max stays exact). */
int histo_add(struct histo *h, double value);
/* The same in two steps, so that a caller can prefetch the bucket a value
 * goes to (histo_prefetch) some time before adding it: i must be
 * histo_bucket_of(value). histo_add(h, v) == histo_add_at(h, v, histo_bucket_of(v)). */
int32_t histo_bucket_of(double value);
/* The definition histo_bucket_of computes without a logarithm (from tables
 * built at the first histo_init): floor(log(v)/log(g)), clamped. For tests. */
int32_t histo_bucket_of_log(double value);
void histo_prefetch(const struct histo *h, int32_t i);
int histo_add_at(struct histo *h, double value, int32_t i);
/* Adds every count of src into dst. */
int histo_merge(struct histo *dst, const struct histo *src);
/* q in [0,1]; NAN when empty. */
double histo_quantile(const struct histo *h, double q);
/* out[j] = histo_quantile(h, q[j]) for j < n, in one pass over the buckets. */
void histo_quantiles(const struct histo *h, const double *q, size_t n, double *out);
double histo_mean(const struct histo *h);   /* NAN when empty */

/* Iterates the non-empty buckets in increasing value order: calls
 * fn(ctx, value, cumulative_fraction) once per bucket (for a CDF output). */
void histo_foreach_cdf(const struct histo *h, void (*fn)(void *ctx, double value, double cdf), void *ctx);

#endif
