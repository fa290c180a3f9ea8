/*
 * gen_inference: bursty requests to one ML model ("function", default
 * "inference").
 *   "process": "gamma" (default): independent Gamma inter-arrival times of
 *     mean 1 / "rate_per_s" (default 1) and coefficient of variation "cv"
 *     (default 2; 1 is Poisson): shape 1/cv^2, scale cv^2 / rate.
 *   "process": "mmpp": a two-state Markov-modulated Poisson process: Poisson
 *     arrivals of rate "rates_per_s"[i] while in state i, which lasts an
 *     exponential time of mean "mean_sojourn_s"[i]; it starts in state i with
 *     the stationary probability s_i / (s_0 + s_1). Mean rate
 *     (l_0 s_0 + l_1 s_1) / (s_0 + s_1). With both rates 0 it lists no function.
 * The traffic scale multiplies the rate(s).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "core/jsonutil.h"
#include "workload/plugin.h"

struct inf_cfg {
	int mmpp;
	double rate, cv;
	double rates[2], sojourn_s[2];
	uint32_t fn;
};

struct inf_it {
	const struct inf_cfg *c;
	gsl_rng *rng;
	double t_s;
	int state;
	double switch_s;
};

static const char *const inf_keys[] = { "process", "rate_per_s", "cv", "rates_per_s", "mean_sojourn_s",
					"function", NULL };

static int pair(const json_t *spec, const char *key, const char *where, double lo, double *out,
		struct errbuf *err)
{
	char path[512];
	const json_t *v = json_object_get(spec, key);
	ju_path(path, sizeof(path), where, key);
	if (!v)
		return errbuf_set(err, ERR_INPUT, "%s: required key is missing (process \"mmpp\")", path);
	if (!json_is_array(v) || json_array_size(v) != 2)
		return errbuf_set(err, ERR_INPUT, "%s: must be an array of 2 numbers", path);
	for (size_t i = 0; i < 2; i++) {
		const json_t *x = json_array_get(v, i);
		if (!json_is_number(x) || !(json_number_value(x) >= lo) || json_number_value(x) > 1e9)
			return errbuf_set(err, ERR_INPUT, "%s[%zu]: must be a number in [%g, 1e9]", path, i, lo);
		out[i] = json_number_value(x);
	}
	return 0;
}

static int inf_parse(struct trace *t, const json_t *spec, const char *where, void *cfg, struct errbuf *err)
{
	static const char *const procs[] = { "gamma", "mmpp", NULL };
	char path[512];
	const char *name = "inference";
	struct inf_cfg *c = cfg;
	int rc;
	c->rate = 1;
	c->cv = 2;
	if ((rc = ju_enum(spec, "process", where, JU_OPTIONAL, procs, &c->mmpp, err)) < 0 ||
	    (rc = ju_string(spec, "function", where, JU_OPTIONAL, &name, err)) < 0)
		return rc;
	if (c->mmpp) {
		if (json_object_get(spec, "rate_per_s") || json_object_get(spec, "cv"))
			return errbuf_set(err, ERR_INPUT, "%s: rate_per_s and cv belong to process \"gamma\"; mmpp takes rates_per_s and mean_sojourn_s",
					  where);
		if ((rc = pair(spec, "rates_per_s", where, 0, c->rates, err)) < 0 ||
		    (rc = pair(spec, "mean_sojourn_s", where, 1e-6, c->sojourn_s, err)) < 0)
			return rc;
	} else {
		if (json_object_get(spec, "rates_per_s") || json_object_get(spec, "mean_sojourn_s"))
			return errbuf_set(err, ERR_INPUT, "%s: rates_per_s and mean_sojourn_s belong to process \"mmpp\"",
					  where);
		if ((rc = ju_number(spec, "rate_per_s", where, JU_OPTIONAL, 1e-9, 1e7, &c->rate, err)) < 0 ||
		    (rc = ju_number(spec, "cv", where, JU_OPTIONAL, 1e-3, 100, &c->cv, err)) < 0)
			return rc;
	}
	c->fn = UINT32_MAX;
	/* An MMPP silent in both states sends nothing: no function. */
	if (c->mmpp && !(c->rates[0] > 0 || c->rates[1] > 0))
		return 0;
	long id = trace_add_function(t, name, ju_path(path, sizeof(path), where, "function"), err);
	if (id < 0)
		return (int)id;
	c->fn = (uint32_t)id;
	return 0;
}

/* Traffic scale: the gamma rate, or both MMPP rates (sojourns unchanged). */
static void inf_scale(void *cfg, double factor)
{
	struct inf_cfg *c = cfg;
	c->rate *= factor;
	c->rates[0] *= factor;
	c->rates[1] *= factor;
}

static int inf_start(const void *cfg, gsl_rng *rng, void *p, struct errbuf *err)
{
	(void)err;
	struct inf_it *it = p;
	const struct inf_cfg *c = it->c = cfg;
	it->rng = rng;
	if (c->mmpp) {
		double p0 = c->sojourn_s[0] / (c->sojourn_s[0] + c->sojourn_s[1]);
		it->state = gsl_rng_uniform(it->rng) < p0 ? 0 : 1;
		it->switch_s = gsl_ran_exponential(it->rng, c->sojourn_s[it->state]);
	}
	return 0;
}

static int inf_next(void *p, double *t_s, uint32_t *fn, struct errbuf *err)
{
	(void)err;
	struct inf_it *it = p;
	const struct inf_cfg *c = it->c;
	if (c->fn == UINT32_MAX)
		return 0;
	if (!c->mmpp) {
		double shape = 1 / (c->cv * c->cv);
		it->t_s += gsl_ran_gamma(it->rng, shape, 1 / (c->rate * shape));
	} else {
		/* Memorylessness: redraw the gap after each state change. */
		for (;;) {
			double rate = c->rates[it->state];
			double gap = rate > 0 ? gsl_ran_exponential(it->rng, 1 / rate) : INFINITY;
			if (it->t_s + gap < it->switch_s) {
				it->t_s += gap;
				break;
			}
			it->t_s = it->switch_s;
			it->state ^= 1;
			it->switch_s += gsl_ran_exponential(it->rng, c->sojourn_s[it->state]);
		}
	}
	*t_s = it->t_s;
	*fn = c->fn;
	return 1;
}

const struct trace_generator_ops gen_inference_ops = {
	.name = "inference",
	.keys = inf_keys,
	.cfg_size = sizeof(struct inf_cfg),
	.parse = inf_parse,
	.it_size = sizeof(struct inf_it),
	.start = inf_start,
	.next = inf_next,
	.scale = inf_scale,
};
