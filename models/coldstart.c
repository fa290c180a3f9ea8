#include "models/coldstart.h"

#include "core/dist.h"

int coldstart_parse_dist(const json_t *cfg, const char *key, const char *where, void **out, struct errbuf *err)
{
	const char *const keys[] = { "mode", key, NULL };
	struct dist *d = NULL;
	int rc;
	if ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
	    (rc = dist_new_from_key(cfg, key, where, &d, err)) < 0)
		return rc;
	*out = d;
	return 0;
}

void coldstart_free_dist(void *cfg)
{
	dist_destroy(cfg);
}
