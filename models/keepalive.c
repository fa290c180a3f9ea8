#include "models/keepalive.h"

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
