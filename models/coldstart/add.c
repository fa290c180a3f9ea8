/* Cold start "add": the cold request takes an initialisation drawn from
 * `init`, then its ordinary (warm) service time. */
#include <stdlib.h>
#include "core/dist.h"
#include "models/coldstart.h"

static int add_parse(const json_t *cfg, const struct coldstart_ctx *ctx, const char *where, void **out,
		      struct errbuf *err)
{
	(void)ctx;
	static const char *const keys[] = { "mode", "init", NULL };
	struct dist *d = NULL;
	int rc;
	if ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
	    (rc = dist_new_from_key(cfg, "init", where, &d, err)) < 0)
		return rc;
	*out = d;
	return 0;
}

static void add_free(void *cfg)
{
	dist_destroy(cfg);
}

static void add_draw(const void *cfg, gsl_rng *rng, double warm_service_s,
		     struct coldstart_draw *out)
{
	out->init_s = dist_sample(cfg, rng);
	out->restore = RESTORE_NONE;
	out->service_s = warm_service_s;
}

static double add_mean(const void *cfg, double warm_mean_s)
{
	return dist_mean(cfg) + warm_mean_s;
}

const struct coldstart_ops coldstart_add = {
	.name = "add",
	.parse = add_parse,
	.free_cfg = add_free,
	.draw = add_draw,
	.mean_total_s = add_mean,
};
