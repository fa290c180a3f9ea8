/*
 * rng: stream seeds from a fixed splitmix64-based hash.
 *
 * rng_seed_for() is part of the reproducibility contract: changing it
 * changes every simulation result, and tests/test_rng.c pins one value.
 */
#include "core/rng.h"

#include <string.h>

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

/* GSL's taus2 state (gsl rng/taus.c); filled directly from the 64-bit hash
 * so that a stream has 96 bits of seed instead of the 32 that gsl_rng_set()
 * takes: with tens of thousands of streams, 32-bit seeds would collide. */
struct taus2_state {
	unsigned long s1, s2, s3;
};

/* Seeds a taus2 state of the given generator from the hash. */
static void seed_taus2(gsl_rng *r, uint64_t h)
{
	uint64_t h2 = splitmix64(h);
	struct taus2_state *st = gsl_rng_state(r);
	if (gsl_rng_size(r) != sizeof(*st)) {
		/* Not the layout we know: fall back to GSL's own 32-bit seeding. */
		unsigned long s = (unsigned long)((h ^ (h >> 32)) & 0xffffffffu);
		gsl_rng_set(r, s ? s : 1);
		return;
	}
	/* taus2 needs s1 >= 2, s2 >= 8, s3 >= 16, as in GSL's taus_set(). */
	st->s1 = (unsigned long)(h & 0xffffffffu);
	st->s2 = (unsigned long)(h >> 32);
	st->s3 = (unsigned long)(h2 & 0xffffffffu);
	if (st->s1 < 2)
		st->s1 += 2;
	if (st->s2 < 8)
		st->s2 += 8;
	if (st->s3 < 16)
		st->s3 += 16;
	/* Warm up as taus_set() does. */
	for (int i = 0; i < 6; i++)
		gsl_rng_get(r);
}

gsl_rng *rng_stream(uint64_t scenario_seed, uint32_t replication,
		    uint32_t function_index, uint32_t purpose)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	if (!r)
		return NULL;
	seed_taus2(r, rng_seed_for(scenario_seed, replication, function_index, purpose));
	return r;
}

int rng_stream_init(struct rng_inline *r, uint64_t scenario_seed, uint32_t replication,
		    uint32_t function_index, uint32_t purpose)
{
	/* gsl_rng is a public struct {type, state}; gsl_rng_alloc() fills the
	 * same two fields with a malloc'd state of type->size bytes. */
	if (gsl_rng_taus2->size > sizeof(r->state))
		return -1;
	memset(r->state, 0, sizeof(r->state));
	r->gen.type = gsl_rng_taus2;
	r->gen.state = r->state;
	seed_taus2(&r->gen, rng_seed_for(scenario_seed, replication, function_index, purpose));
	return 0;
}
