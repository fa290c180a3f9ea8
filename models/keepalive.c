#include "models/keepalive.h"

#include <math.h>
#include <stdlib.h>

int keepalive_parse_no_options(const json_t *cfg, const char *where, void **out, struct errbuf *err)
{
	static const char *const keys[] = { "policy", NULL };
	int rc;
	if (cfg && (rc = ju_check_keys(cfg, where, keys, err)) < 0)
		return rc;
	/* A non-NULL configuration, so that "has a configuration" stays uniform. */
	*out = malloc(1);
	return *out ? 0 : errbuf_set(err, ERR_RUNTIME, "out of memory");
}

int keepalive_parse_variant(const json_t *cfg, const char *where, int *faascache, struct errbuf *err)
{
	static const char *const variants[] = { "slsim", "faascache", NULL };
	int v = 0, rc;
	if (cfg && (rc = ju_enum(cfg, "variant", where, JU_OPTIONAL, variants, &v, err)) < 0)
		return rc;
	*faascache = v == 1;
	return 0;
}

int keepalive_parse_variant_only(const json_t *cfg, const char *where, void **out, struct errbuf *err)
{
	static const char *const keys[] = { "policy", "variant", NULL };
	struct keepalive_variant_cfg c = { 0 };
	int rc;
	if (cfg && ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
		    (rc = keepalive_parse_variant(cfg, where, &c.faascache, err)) < 0))
		return rc;
	struct keepalive_variant_cfg *p = malloc(sizeof(*p));
	if (!p)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*p = c;
	*out = p;
	return 0;
}

int keepalive_variant_faascache(const void *cfg)
{
	return ((const struct keepalive_variant_cfg *)cfg)->faascache;
}

double keepalive_forever(const void *cfg)
{
	(void)cfg;
	return INFINITY;
}
