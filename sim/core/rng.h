/*
 * rng: derivation of independent random streams.
 *
 * Every stream is seeded from (scenario seed, replication, function index,
 * purpose) through a fixed 64-bit mixing hash (splitmix64 finaliser), so a
 * function's draws never depend on thread count, run order or which other
 * functions exist. Streams are GSL generators of type taus2 (small state,
 * fast), so tens of thousands of them fit in memory; their whole 96-bit state
 * comes from the hash (two splitmix64 outputs), not from a 32-bit seed.
 */
#ifndef SLSIM_RNG_H
#define SLSIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

enum rng_purpose {
	RNG_ARRIVALS = 1,
	RNG_SERVICE = 2,
	RNG_COLD_START = 3,
	RNG_DISPATCH = 4,
	RNG_POLICY = 5,
	RNG_TRACE = 6,
	RNG_SWEEP = 7,
	RNG_SCALE = 8,      /* thinning and copies of a scaled trace (workload/tscale.h) */
	RNG_KEEPALIVE = 9,   /* a keep-alive policy's own draws (keepalive/lambda.c) */
	RNG_MIX = 10,        /* the seed of each source of a workload mix but the first (formats/mix.c) */
	RNG_PLACEMENT = 11,  /* random placement on nodes (platform/node.c) */
};

/* The fixed hash; exposed so tests can pin it. */
uint64_t rng_seed_for(uint64_t scenario_seed, uint32_t replication,
		      uint32_t function_index, uint32_t purpose);

/* A new generator seeded with rng_seed_for(...); NULL if out of memory. */
gsl_rng *rng_stream(uint64_t scenario_seed, uint32_t replication,
		    uint32_t function_index, uint32_t purpose);

/* A stream stored inside the caller's own struct: no allocation, and the hot
 * path finds the state beside the caller's other fields instead of behind
 * two pointers. Same draws as rng_stream() with the same arguments. Pass
 * &r->gen wherever a gsl_rng * is wanted; never gsl_rng_free() it. */
struct rng_inline {
	gsl_rng gen;
	unsigned long state[4];   /* taus2's state (3 words), with room to spare */
};
/* Returns 0, or -1 if this GSL's taus2 state does not fit. */
int rng_stream_init(struct rng_inline *r, uint64_t scenario_seed, uint32_t replication,
		    uint32_t function_index, uint32_t purpose);

#endif
