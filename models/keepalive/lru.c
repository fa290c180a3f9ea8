/* Keep-alive "lru": idle instances are kept forever, and when a new instance
 * does not fit in the memory pool (platform.pool_memory_mb) the least
 * recently used idle instances are evicted first. Without a pool nothing is
 * ever released before the end of the run. The comparison baseline of
 * FaasCache (Fuerst and Sharma, ASPLOS'21). With variant "faascache",
 * FaasCache's own LRU: the least recently used function's instances go
 * first (all of a function's instances take the time its last request
 * started). */
#include <math.h>
#include <stdlib.h>
#include "models/keepalive.h"

static double lru_on_idle(const void *cfg, void *state, double now_s)
{
	(void)cfg;
	(void)state;
	(void)now_s;
	return INFINITY;
}

static double lru_start_priority(const void *cfg, void *state, double now_s)
{
	(void)cfg;
	(void)state;
	return now_s;
}

/* The platform's default eviction order is least recently used (the
 * priority of an instance is the time it became idle): no priority hook. */
const struct keepalive_ops keepalive_lru = {
	.name = "lru",
	.parse = keepalive_parse_variant_only,
	.free_cfg = free,
	.on_idle = lru_on_idle,
	.constant_ttl = keepalive_forever,
	.faascache = keepalive_variant_faascache,
	.start_priority = lru_start_priority,
};
