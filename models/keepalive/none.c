/* Keep-alive "none": every instance is released as soon as it is idle, so
 * every request is a cold start (the lower bound on idle memory). */
#include <stdlib.h>
#include "models/keepalive.h"

static int none_parse(const json_t *cfg, const char *where, void **out, struct errbuf *err)
{
	static const char *const keys[] = { "policy", NULL };
	int rc;
	if (cfg && (rc = ju_check_keys(cfg, where, keys, err)) < 0)
		return rc;
	/* A non-NULL configuration, so that "has a configuration" stays uniform. */
	*out = malloc(1);
	return *out ? 0 : errbuf_set(err, ERR_RUNTIME, "out of memory");
}

static double none_on_idle(const void *cfg, void *state, double now_s)
{
	(void)cfg;
	(void)state;
	(void)now_s;
	return 0;
}

const struct keepalive_ops keepalive_none = {
	.name = "none",
	.parse = none_parse,
	.free_cfg = free,
	.on_idle = none_on_idle,
};
