/* Cold start "replace": the cold request's whole duration is drawn from the
 * cold `service` distribution instead of the warm one (the SimFaaS model, fitted
 * to whole cold responses measured on AWS Lambda). No separate init phase is
 * known, so the instance is busy for the whole duration and all of it is run
 * (and billed) time. */
#include "core/dist.h"
#include "models/coldstart.h"

static int replace_parse(const json_t *cfg, const struct coldstart_ctx *ctx, const char *where, void **out,
			 struct errbuf *err)
{
	(void)ctx;
	return coldstart_parse_dist(cfg, "service", where, out, err);
}

static void replace_draw(const void *cfg, gsl_rng *rng, double warm_service_s,
			 struct coldstart_draw *out)
{
	(void)warm_service_s;
	out->init_s = 0;
	out->restore = RESTORE_NONE;
	out->service_s = dist_sample(cfg, rng);
}

static double replace_mean(const void *cfg, double warm_mean_s)
{
	(void)warm_mean_s;
	return dist_mean(cfg);
}

const struct coldstart_ops coldstart_replace = {
	.name = "replace",
	.parse = replace_parse,
	.free_cfg = coldstart_free_dist,
	.draw = replace_draw,
	.mean_total_s = replace_mean,
};
