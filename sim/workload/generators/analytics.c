/*
 * gen_analytics: a data-analytics pipeline. Every "batch_period_s" (default
 * 3600) from "batch_phase_s" (default 0), a scheduler fans out "batch_size"
 * M (default 100) invocations of "batch_function" (default "batch-aggregate")
 * at the same instant; meanwhile small ETL calls of "etl_function" (default
 * "etl-transform") arrive as a Poisson process of rate "etl_rate_per_s"
 * (default 0.5). At equal times the batch comes first. A function that would
 * receive no request (batch_size 0, etl_rate_per_s 0) is not listed.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "core/jsonutil.h"
#include "workload/plugin.h"

struct batch_cfg {
	double period_s, phase_s, etl_rate;
	uint64_t size;
	uint32_t batch_fn, etl_fn;
};

struct batch_it {
	const struct batch_cfg *c;
	gsl_rng *rng;
	uint64_t batch_k, batch_left;
	double etl_t;
};

static const char *const batch_keys[] = { "batch_period_s", "batch_phase_s", "batch_size", "batch_function",
					  "etl_rate_per_s", "etl_function", NULL };

static int batch_parse(struct trace *t, const json_t *spec, const char *where, void *cfg, struct errbuf *err)
{
	struct batch_cfg *c = cfg;
	int rc;
	c->period_s = 3600;
	c->size = 100;
	c->etl_rate = 0.5;
	if ((rc = ju_number(spec, "batch_period_s", where, JU_OPTIONAL, 1e-3, 1e10, &c->period_s, err)) < 0 ||
	    (rc = ju_number(spec, "batch_phase_s", where, JU_OPTIONAL, 0, 1e10, &c->phase_s, err)) < 0 ||
	    (rc = ju_uint(spec, "batch_size", where, JU_OPTIONAL, 0, 100000000, &c->size, err)) < 0 ||
	    (rc = ju_number(spec, "etl_rate_per_s", where, JU_OPTIONAL, 0, 1e7, &c->etl_rate, err)) < 0 ||
	    (rc = trace_generator_add_function(t, spec, "batch_function", "batch-aggregate", where, c->size > 0,
					       &c->batch_fn, err)) < 0 ||
	    (rc = trace_generator_add_function(t, spec, "etl_function", "etl-transform", where, c->etl_rate > 0,
					       &c->etl_fn, err)) < 0)
		return rc;
	return 0;
}

/* Traffic scale: batches come factor times as often (period and phase
 * divided, as for a periodic function), ETL calls at factor times the rate. */
static void batch_scale(void *cfg, double factor)
{
	struct batch_cfg *c = cfg;
	c->period_s /= factor;
	c->phase_s /= factor;
	c->etl_rate *= factor;
}

static int batch_start(const void *cfg, gsl_rng *rng, void *p, struct errbuf *err)
{
	(void)err;
	struct batch_it *it = p;
	it->c = cfg;
	it->rng = rng;
	it->batch_left = it->c->size;
	it->etl_t = it->c->etl_rate > 0 ? gsl_ran_exponential(it->rng, 1 / it->c->etl_rate) : INFINITY;
	return 0;
}

static int batch_next(void *p, double *t_s, uint32_t *fn, struct errbuf *err)
{
	(void)err;
	struct batch_it *it = p;
	const struct batch_cfg *c = it->c;
	while (it->batch_left == 0 && c->size > 0) {
		it->batch_k++;
		it->batch_left = c->size;
	}
	double tb = c->size > 0 ? c->phase_s + (double)it->batch_k * c->period_s : INFINITY;
	if (tb == INFINITY && it->etl_t == INFINITY)
		return 0;
	if (tb <= it->etl_t) {
		it->batch_left--;
		*t_s = tb;
		*fn = c->batch_fn;
	} else {
		*t_s = it->etl_t;
		*fn = c->etl_fn;
		it->etl_t += gsl_ran_exponential(it->rng, 1 / c->etl_rate);
	}
	return 1;
}

const struct trace_generator_ops gen_analytics_ops = {
	.name = "analytics",
	.keys = batch_keys,
	.cfg_size = sizeof(struct batch_cfg),
	.parse = batch_parse,
	.it_size = sizeof(struct batch_it),
	.start = batch_start,
	.next = batch_next,
	.scale = batch_scale,
};
