/*
 * histo: log-bucketed histogram (DDSketch-style, no collapsing).
 *
 * Bucket i holds values v with floor(log(v)/log(g)) == i, i.e. [g^i, g^(i+1)),
 * with g = (1+a)/(1-a), a = HISTO_REL_ERROR. Its representative value
 * 2 g^i g^(i+1) / (g^i + g^(i+1)) = g^i (1+a) is within a relative error of a
 * of every value in the bucket. Indices are clamped to the buckets of
 * [HISTO_MIN_S, HISTO_MAX_S]; buckets[] covers [lo, lo + n_buckets) and is
 * grown (realloc, plus a shift when growing downwards) to exactly the range
 * of indices seen.
 *
 * An empty histogram has min = +INFINITY and max = -INFINITY. Adding NaN is
 * refused (ERR_RUNTIME, histogram unchanged): it is a caller bug and would
 * poison min, max and sum.
 */
#include "core/histo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>
#include "core/errbuf.h"

#define HISTO_GAMMA ((1.0 + HISTO_REL_ERROR) / (1.0 - HISTO_REL_ERROR))

static inline int32_t raw_index(double v)
{
	return (int32_t)floor(log(v) / log(HISTO_GAMMA));
}

/* The index of the bounds' buckets (constant expressions the compiler folds). */
#define IMIN raw_index(HISTO_MIN_S)
#define IMAX raw_index(HISTO_MAX_S)

/* raw_index without a logarithm, for every value a latency can take: the
 * first double of each bucket (bucket_start) and, for each of the 128 equal
 * slices of each binary octave in [HISTO_MIN_S, HISTO_MAX_S], the bucket of
 * the slice's first value (slice_bucket). A slice is narrower (relative width
 * <= 2^-7) than a bucket (g - 1 > 2^-7), so a value's bucket is its slice's
 * or the next one. The tables are built once from raw_index itself, so the
 * result is raw_index's own. */
#define SLICE_BITS 7
#define OCTAVE_MIN (-31)              /* 2^-31 < HISTO_MIN_S */
#define OCTAVES 62                    /* up to 2^31 > HISTO_MAX_S */
#define N_BUCKETS (6000)              /* > IMAX - IMIN + 2 (checked when built) */

struct bucket_tables {
	double bucket_start[N_BUCKETS];   /* [i - IMIN]: first double of bucket i; +inf past IMAX */
	int32_t slice_bucket[OCTAVES << SLICE_BITS];
};

static struct bucket_tables tables;
static once_flag tables_once = ONCE_FLAG_INIT;

static void tables_build(void)
{
	int32_t imin = IMIN, imax = IMAX;
	if (imax - imin + 2 > N_BUCKETS)
		abort();   /* a build-time constant mismatch, never data */
	tables.bucket_start[0] = 0;
	for (int32_t i = imin + 1; i <= imax; i++) {
		double x = pow(HISTO_GAMMA, i);
		while (raw_index(x) >= i)
			x = nextafter(x, 0);
		while (raw_index(x) < i)
			x = nextafter(x, INFINITY);
		tables.bucket_start[i - imin] = x;
	}
	for (int32_t i = imax + 1 - imin; i < N_BUCKETS; i++)
		tables.bucket_start[i] = INFINITY;
	/* Each slice's first value: its bucket is the last starting at or before it. */
	int32_t b = 0;
	for (int k = 0; k < OCTAVES << SLICE_BITS; k++) {
		double first = ldexp(1.0 + (double)(k & ((1 << SLICE_BITS) - 1)) / (1 << SLICE_BITS),
				     OCTAVE_MIN + (k >> SLICE_BITS));
		while (b + 1 <= imax - imin && tables.bucket_start[b + 1] <= first)
			b++;
		tables.slice_bucket[k] = imin + b;
	}
}

/* Bucket index of v >= HISTO_MIN_S, clamped to the buckets of the bounds. */
static inline int32_t bucket_index(double v)
{
	if (!(v < HISTO_MAX_S))
		return IMAX;
	uint64_t bits;
	memcpy(&bits, &v, sizeof(bits));
	int octave = (int)(bits >> 52) - 1023;
	int k = ((octave - OCTAVE_MIN) << SLICE_BITS) | (int)((bits >> (52 - SLICE_BITS)) & ((1 << SLICE_BITS) - 1));
	int32_t i = tables.slice_bucket[k];
	return i + (v >= tables.bucket_start[i + 1 - IMIN]);
}

/* Representative value of bucket i, clamped to the exact [min, max]. */
static double bucket_value(const struct histo *h, int32_t i)
{
	double v = pow(HISTO_GAMMA, i) * (1.0 + HISTO_REL_ERROR);
	return v < h->min ? h->min : v > h->max ? h->max : v;
}

void histo_init(struct histo *h)
{
	call_once(&tables_once, tables_build);
	memset(h, 0, sizeof(*h));
	h->min = INFINITY;
	h->max = -INFINITY;
}

void histo_free(struct histo *h)
{
	free(h->buckets);
	histo_init(h);
}

/* Makes buckets[] cover indices [a, b] (a <= b) in addition to its range. */
static int cover(struct histo *h, int32_t a, int32_t b)
{
	if (h->n_buckets == 0) {
		uint64_t *nb = calloc((size_t)(b - a) + 1, sizeof(*nb));
		if (!nb)
			return ERR_RUNTIME;
		h->buckets = nb;
		h->lo = a;
		h->n_buckets = (uint32_t)(b - a) + 1;
		return 0;
	}
	int32_t hi = h->lo + (int32_t)h->n_buckets - 1;
	int32_t new_lo = a < h->lo ? a : h->lo;
	int32_t new_hi = b > hi ? b : hi;
	if (new_lo == h->lo && new_hi == hi)
		return 0;
	size_t n = (size_t)(new_hi - new_lo) + 1;
	uint64_t *nb = realloc(h->buckets, n * sizeof(*nb));
	if (!nb)
		return ERR_RUNTIME;
	size_t shift = (size_t)(h->lo - new_lo);
	if (shift) {
		memmove(nb + shift, nb, h->n_buckets * sizeof(*nb));
		memset(nb, 0, shift * sizeof(*nb));
	}
	memset(nb + shift + h->n_buckets, 0, (n - shift - h->n_buckets) * sizeof(*nb));
	h->buckets = nb;
	h->lo = new_lo;
	h->n_buckets = (uint32_t)n;
	return 0;
}

int32_t histo_bucket_of(double value)
{
	return value >= HISTO_MIN_S ? bucket_index(value) : INT32_MIN;
}

int32_t histo_bucket_of_log(double value)
{
	if (!(value >= HISTO_MIN_S))
		return INT32_MIN;
	if (value >= HISTO_MAX_S)
		return IMAX;
	int32_t i = raw_index(value);
	return i < IMIN ? IMIN : i > IMAX ? IMAX : i;
}

void histo_prefetch(const struct histo *h, int32_t i)
{
	/* Only inside the array: an address outside it is not formed. */
	if (i >= h->lo && i < h->lo + (int32_t)h->n_buckets)
		__builtin_prefetch(&h->buckets[i - h->lo], 1);
}

int histo_add(struct histo *h, double value)
{
	return histo_add_at(h, value, isnan(value) ? 0 : histo_bucket_of(value));
}

int histo_add_at(struct histo *h, double value, int32_t i)
{
	if (isnan(value))
		return ERR_RUNTIME;
	if (value < HISTO_MIN_S) {
		h->zero_count++;
	} else {
		if (h->n_buckets == 0 || i < h->lo || i >= h->lo + (int32_t)h->n_buckets)
			if (cover(h, i, i) != 0)
				return ERR_RUNTIME;
		h->buckets[i - h->lo]++;
	}
	h->count++;
	h->sum += value;
	if (value < h->min)
		h->min = value;
	if (value > h->max)
		h->max = value;
	return 0;
}

int histo_merge(struct histo *dst, const struct histo *src)
{
	if (src->count == 0)
		return 0;
	if (dst == src) {
		for (uint32_t i = 0; i < dst->n_buckets; i++)
			dst->buckets[i] *= 2;
		dst->count *= 2;
		dst->zero_count *= 2;
		dst->sum *= 2;
		return 0;
	}
	if (src->n_buckets &&
	    cover(dst, src->lo, src->lo + (int32_t)src->n_buckets - 1) != 0)
		return ERR_RUNTIME;
	for (uint32_t i = 0; i < src->n_buckets; i++)
		dst->buckets[src->lo - dst->lo + (int32_t)i] += src->buckets[i];
	dst->count += src->count;
	dst->zero_count += src->zero_count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	return 0;
}

double histo_quantile(const struct histo *h, double q)
{
	double v;
	histo_quantiles(h, &q, 1, &v);
	return v;
}

void histo_quantiles(const struct histo *h, const double *q, size_t n, double *out)
{
	/* Ranks of the quantiles, then one pass over the buckets for all (a
	 * statistics fold asks five per histogram). */
	size_t pending = 0;
	uint64_t rank[16];
	for (size_t j = 0; j < n; j++) {
		if (h->count == 0 || isnan(q[j])) {
			out[j] = NAN;
		} else if (q[j] <= 0) {
			out[j] = h->min;
		} else if (q[j] >= 1) {
			out[j] = h->max;
		} else {
			double kd = ceil(q[j] * (double)h->count);
			uint64_t k = kd < 1 ? 1 : kd > (double)h->count ? h->count : (uint64_t)kd;
			if (k <= h->zero_count || j >= sizeof(rank) / sizeof(rank[0])) {
				out[j] = k <= h->zero_count ? h->min : histo_quantile(h, q[j]);
				continue;
			}
			rank[j] = k;
			out[j] = h->max;    /* unreachable when counts are consistent */
			pending |= (size_t)1 << j;
		}
	}
	uint64_t cum = h->zero_count;
	for (uint32_t i = 0; i < h->n_buckets && pending; i++) {
		cum += h->buckets[i];
		for (size_t j = 0; j < n && j < sizeof(rank) / sizeof(rank[0]); j++)
			if ((pending >> j & 1) && cum >= rank[j]) {
				out[j] = bucket_value(h, h->lo + (int32_t)i);
				pending &= ~((size_t)1 << j);
			}
	}
}

double histo_mean(const struct histo *h)
{
	return h->count ? h->sum / (double)h->count : NAN;
}

void histo_foreach_cdf(const struct histo *h, void (*fn)(void *ctx, double value, double cdf), void *ctx)
{
	if (h->count == 0)
		return;
	double n = (double)h->count;
	uint64_t cum = h->zero_count;
	if (cum)
		fn(ctx, h->min, (double)cum / n);
	for (uint32_t i = 0; i < h->n_buckets; i++) {
		if (!h->buckets[i])
			continue;
		cum += h->buckets[i];
		fn(ctx, bucket_value(h, h->lo + (int32_t)i), (double)cum / n);
	}
}
