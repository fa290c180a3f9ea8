/*
 * tscale: a stream of arrivals scaled by a traffic factor s, without
 * holding more than two arrivals (the workload's "traffic_scale" for trace
 * files; generators scale their own rate parameters instead).
 *
 * Arrival i of the original stream is emitted K_i = floor(s) + B_i times,
 * B_i ~ Bernoulli(s - floor(s)) independent: once at its own time when
 * K_i >= 1, and K_i - 1 copies (same function, same service time) at
 * independent uniform times between it and the next original arrival (at its
 * own time for the last one). So s < 1 thins the stream (each arrival kept
 * with probability s: N arrivals become Binomial(N, s)), and s > 1 scales its
 * rate by s at every time resolution coarser than the gaps between arrivals
 * (N arrivals become floor(s) N + Binomial(N, s - floor(s))). The stream stays
 * sorted. Draws come from the caller's seeded stream; s == 1 draws nothing.
 */
#ifndef SLSIM_TSCALE_H
#define SLSIM_TSCALE_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "core/errbuf.h"

/* Reads the next original record into rec: 1, 0 at the end, <0 on error. */
typedef int tscale_read_fn(void *ctx, void *rec, struct errbuf *err);

struct tscale {
	double scale;
	gsl_rng *rng;                 /* owned */
	size_t size, t_offset;        /* record size; offset of its double time */
	tscale_read_fn *read;
	void *ctx;
	unsigned char *cur, *ahead;   /* the last original emitted, the next one */
	int ahead_rc, started;
	uint64_t copies_left;
	double lo_s, hi_s, x;         /* copies go in (lo_s, hi_s); x: the last one's place */
};

/* Records of rec_size bytes with their time (double, seconds) at t_offset;
 * rng is taken over (freed by tscale_free, also on failure). */
int tscale_init(struct tscale *s, double scale, gsl_rng *rng, size_t rec_size, size_t t_offset,
		tscale_read_fn *read, void *ctx, struct errbuf *err);
/* 1: *rec is the next scaled arrival; 0: end; <0: error. */
int tscale_next(struct tscale *s, void *rec, struct errbuf *err);
void tscale_free(struct tscale *s);

#endif
