/* Keep-alive "fixed": every idle instance is kept ttl_s seconds after its last
 * request ends (0 = released at once), the policy of AWS Lambda and of most
 * simulators. With variant "faascache", FaasCache's TTL policy: the TTL runs
 * from the start of the instance's last request, an expired instance is
 * released only when its function is next invoked, and the memory pool
 * evicts the least recently used function's instances first. */
#include <math.h>
#include <stdlib.h>
#include "models/keepalive.h"

struct fixed_cfg {
	double ttl_s;
	int faascache;
};

static int fixed_parse(const json_t *cfg, const char *where, void **out, struct errbuf *err)
{
	static const char *const keys[] = { "policy", "ttl_s", "variant", NULL };
	struct fixed_cfg c = { .ttl_s = 600 };
	int rc;
	if (cfg && ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
		    (rc = ju_number(cfg, "ttl_s", where, JU_OPTIONAL, 0, 1e12, &c.ttl_s, err)) < 0 ||
		    (rc = keepalive_parse_variant(cfg, where, &c.faascache, err)) < 0))
		return rc;
	struct fixed_cfg *p = malloc(sizeof(*p));
	if (!p)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*p = c;
	*out = p;
	return 0;
}

static double fixed_on_idle(const void *cfg, void *state, double now_s)
{
	(void)state;
	(void)now_s;
	return ((const struct fixed_cfg *)cfg)->ttl_s;
}

static double fixed_constant_ttl(const void *cfg)
{
	return ((const struct fixed_cfg *)cfg)->ttl_s;
}

static int fixed_faascache(const void *cfg)
{
	return ((const struct fixed_cfg *)cfg)->faascache;
}

static double fixed_start_priority(const void *cfg, void *state, double now_s)
{
	(void)cfg;
	(void)state;
	return now_s;
}

const struct keepalive_ops keepalive_fixed = {
	.name = "fixed",
	.parse = fixed_parse,
	.free_cfg = free,
	.on_idle = fixed_on_idle,
	.constant_ttl = fixed_constant_ttl,
	.faascache = fixed_faascache,
	.start_priority = fixed_start_priority,
};
