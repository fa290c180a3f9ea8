/* Keep-alive "greedy-dual" (FaasCache: Fuerst and Sharma, "FaasCache: keeping
 * serverless computing alive with greedy-dual caching", ASPLOS'21): idle
 * instances are kept forever; when a new instance does not fit in the memory
 * pool (platform.pool_memory_mb), idle instances are evicted lowest priority
 * first, where an instance's priority, set each time it becomes idle, is
 *     priority = clock + frequency x (cold - warm time) / memory
 *   clock:     the pool's clock, the priority of the instance evicted last
 *              (0 before any eviction), so that instances not used for a long
 *              time age relative to recently used ones;
 *   frequency: invocations of the function since it last had no instance
 *              alive (reset when all its instances are gone, as GDSF resets
 *              an object's count when it leaves the cache);
 *   cold - warm: the function's mean cold request time minus its mean warm
 *              service time (cold-start model vs service distribution): the
 *              time a warm start saves;
 *   memory:    the function's memory_mb.
 * Ties go to the least recently used.
 * With variant "faascache", FaasCache's simulator's rules: the priority is
 * computed when a request starts and shared by all the function's
 * instances, with frequency = requests started on its live instances (an
 * evicted instance takes its count with it). */
#include <math.h>
#include <stdlib.h>
#include "models/keepalive.h"

struct gd_state {
	const struct keepalive_host *host;
	uint64_t frequency;
};

static void *gd_start(const void *cfg, const struct keepalive_host *host)
{
	(void)cfg;
	struct gd_state *s = calloc(1, sizeof(*s));
	if (s)
		s->host = host;
	return s;
}

static void gd_on_arrival(void *state, double now_s)
{
	struct gd_state *s = state;
	(void)now_s;
	if (s->host->alive_instances(s->host->platform, s->host->fn) == 0)
		s->frequency = 0;
	s->frequency++;
}

static double gd_on_idle(const void *cfg, void *state, double now_s)
{
	(void)cfg;
	(void)state;
	(void)now_s;
	return INFINITY;
}

static double gd_priority(const void *cfg, void *state, double now_s)
{
	const struct gd_state *s = state;
	(void)cfg;
	(void)now_s;
	return s->host->pool_clock(s->host->platform) +
	       (double)s->frequency * s->host->cold_extra_s / s->host->memory_mb;
}

/* LambdaScheduler.calc_priority: clock + freq * (cost / size), in that
 * order of operations. */
static double gd_start_priority(const void *cfg, void *state, double now_s)
{
	const struct keepalive_host *h = ((const struct gd_state *)state)->host;
	(void)cfg;
	(void)now_s;
	return h->pool_clock(h->platform) +
	       (double)h->alive_requests(h->platform, h->fn) * (h->cold_extra_s / h->memory_mb);
}

const struct keepalive_ops keepalive_greedy_dual = {
	.name = "greedy-dual",
	.parse = keepalive_parse_variant_only,
	.free_cfg = free,
	.start = gd_start,
	.stop = free,
	.on_arrival = gd_on_arrival,
	.on_idle = gd_on_idle,
	.priority = gd_priority,
	.constant_ttl = keepalive_forever,
	.faascache = keepalive_variant_faascache,
	.start_priority = gd_start_priority,
};
