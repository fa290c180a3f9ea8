/* Cold start "add": the cold request takes an initialisation drawn from
 * `init`, then its ordinary (warm) service time. */
#include "core/dist.h"
#include "models/coldstart.h"

static int add_parse(const json_t *cfg, const struct coldstart_ctx *ctx, const char *where, void **out,
		     struct errbuf *err)
{
	(void)ctx;
	return coldstart_parse_dist(cfg, "init", where, out, err);
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
	.free_cfg = coldstart_free_dist,
	.draw = add_draw,
	.mean_total_s = add_mean,
};
