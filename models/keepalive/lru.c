/* Keep-alive "lru": idle instances are kept forever, and when a new instance
 * does not fit in the memory pool (platform.pool_memory_mb) the least
 * recently used idle instances are evicted first. Without a pool nothing is
 * ever released before the end of the run. The comparison baseline of
 * FaasCache (Fuerst and Sharma, ASPLOS'21). */
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

/* The platform's default eviction order is least recently used (the
 * priority of an instance is the time it became idle): no priority hook. */
const struct keepalive_ops keepalive_lru = {
	.name = "lru",
	.parse = keepalive_parse_no_options,
	.free_cfg = free,
	.on_idle = lru_on_idle,
};
