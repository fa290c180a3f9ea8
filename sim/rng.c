/*
 * rng: stream seeds from a fixed splitmix64-based hash.
 *
 * rng_seed_for() is part of the reproducibility contract: changing it
 * changes every simulation result, and tests/test_rng.c pins one value.
 */
#include "rng.h"

/* splitmix64 step: the golden-ratio increment followed by the finaliser. */
static uint64_t splitmix64(uint64_t x)
{
	uint64_t z = x + UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

uint64_t rng_seed_for(uint64_t scenario_seed, uint32_t replication,
		      uint32_t function_index, uint32_t purpose)
{
	uint64_t h = splitmix64(scenario_seed);
	h = splitmix64(h ^ replication);
	h = splitmix64(h ^ function_index);
	h = splitmix64(h ^ purpose);
	return h;
}

gsl_rng *rng_stream(uint64_t scenario_seed, uint32_t replication,
		    uint32_t function_index, uint32_t purpose)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	if (!r)
		return NULL;
	uint64_t h = rng_seed_for(scenario_seed, replication, function_index, purpose);
	/* taus2 uses 32 bits of seed; fold both halves in. Seed 0 is special
	 * in taus2 (it means "default"), so map it to 1 explicitly. */
	unsigned long s = (unsigned long)((h ^ (h >> 32)) & 0xffffffffu);
	gsl_rng_set(r, s ? s : 1);
	return r;
}
