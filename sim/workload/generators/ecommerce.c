/*
 * gen_ecommerce: an online shop. Page views form a non-homogeneous Poisson
 * process of rate
 *   lambda(t) = r (1 + A cos(2 pi (t - h 3600) / 86400)) w[floor(t / 86400) mod 7] f(t)
 * (r = "page_views_per_s", A = "diurnal_amplitude" in [0,1], h = "peak_hour",
 * w = "weekly": 7 day factors, t = 0 being the start of day 0), drawn by
 * thinning (Lewis and Shedler) from a Poisson process of rate max lambda.
 * f is the flash sale ("flash_sale": {"start_s", "duration_s", "multiplier"
 * k, "ramp_s"}): k inside [start_s, start_s + duration_s], 1 outside, linear
 * ramps over ramp_s before and after. Every page view invokes the
 * recommendation model ("recommend_function", default "recommend"); a
 * fraction "conversion_rate" of them (independently) also invokes
 * "checkout_function" (default "checkout") at the same time. A function that
 * would receive no request (rate or conversion_rate 0) is not listed. The
 * traffic scale multiplies r.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "core/jsonutil.h"
#include "workload/plugin.h"

struct shop_cfg {
	double rate, amplitude, peak_hour, weekly[7], conversion;
	int flash;
	double flash_start_s, flash_len_s, flash_k, ramp_s;
	uint32_t recommend, checkout;
	double max_rate;
};

struct shop_it {
	const struct shop_cfg *c;
	gsl_rng *rng;
	double t_s;
	int checkout_pending;
};

static const char *const shop_keys[] = { "page_views_per_s", "diurnal_amplitude", "peak_hour", "weekly",
					 "conversion_rate", "flash_sale", "recommend_function",
					 "checkout_function", NULL };

/* Flash-sale factor f(t). */
static double flash(const struct shop_cfg *c, double t)
{
	if (!c->flash)
		return 1;
	double a = c->flash_start_s, b = c->flash_start_s + c->flash_len_s, x;
	if (t >= a && t <= b)
		x = 1;
	else if (t < a)
		x = c->ramp_s > 0 ? 1 - (a - t) / c->ramp_s : 0;
	else
		x = c->ramp_s > 0 ? 1 - (t - b) / c->ramp_s : 0;
	return x > 0 ? 1 + (c->flash_k - 1) * x : 1;
}

static double shop_rate(const struct shop_cfg *c, double t)
{
	double day = fmod(floor(t / 86400), 7);
	return c->rate * (1 + c->amplitude * cos(2 * M_PI * (t - c->peak_hour * 3600) / 86400)) *
	       c->weekly[(int)day] * flash(c, t);
}

static int shop_parse(struct trace *t, const json_t *spec, const char *where, void *cfg, struct errbuf *err)
{
	static const char *const fkeys[] = { "start_s", "duration_s", "multiplier", "ramp_s", NULL };
	char path[512];
	struct shop_cfg *c = cfg;
	int rc;
	c->rate = 5;
	c->amplitude = 0.5;
	c->peak_hour = 20;
	c->conversion = 0.02;
	for (int i = 0; i < 7; i++)
		c->weekly[i] = 1;
	const json_t *fs;
	if ((rc = ju_number(spec, "page_views_per_s", where, JU_OPTIONAL, 0, 1e7, &c->rate, err)) < 0 ||
	    (rc = ju_number(spec, "diurnal_amplitude", where, JU_OPTIONAL, 0, 1, &c->amplitude, err)) < 0 ||
	    (rc = ju_number(spec, "peak_hour", where, JU_OPTIONAL, 0, 24, &c->peak_hour, err)) < 0 ||
	    (rc = ju_number(spec, "conversion_rate", where, JU_OPTIONAL, 0, 1, &c->conversion, err)) < 0 ||
	    (rc = ju_object(spec, "flash_sale", where, JU_OPTIONAL, &fs, err)) < 0)
		return rc;
	const json_t *w = json_object_get(spec, "weekly");
	if (w) {
		ju_path(path, sizeof(path), where, "weekly");
		if (!json_is_array(w) || json_array_size(w) != 7)
			return errbuf_set(err, ERR_INPUT, "%s: must be an array of 7 day factors >= 0", path);
		for (int i = 0; i < 7; i++) {
			const json_t *v = json_array_get(w, (size_t)i);
			if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 1e6)
				return errbuf_set(err, ERR_INPUT, "%s[%d]: must be a number in [0, 1e6]", path, i);
			c->weekly[i] = json_number_value(v);
		}
	}
	if (fs) {
		ju_path(path, sizeof(path), where, "flash_sale");
		c->flash = 1;
		c->flash_k = 5;
		c->ramp_s = 600;
		if ((rc = ju_check_keys(fs, path, fkeys, err)) < 0 ||
		    (rc = ju_number(fs, "start_s", path, JU_REQUIRED, 0, 1e10, &c->flash_start_s, err)) < 0 ||
		    (rc = ju_number(fs, "duration_s", path, JU_REQUIRED, 0, 1e10, &c->flash_len_s, err)) < 0 ||
		    (rc = ju_number(fs, "multiplier", path, JU_OPTIONAL, 0, 1e4, &c->flash_k, err)) < 0 ||
		    (rc = ju_number(fs, "ramp_s", path, JU_OPTIONAL, 0, 1e10, &c->ramp_s, err)) < 0)
			return rc;
	}
	double wmax = 0;
	for (int i = 0; i < 7; i++)
		wmax = c->weekly[i] > wmax ? c->weekly[i] : wmax;
	c->max_rate = c->rate * (1 + c->amplitude) * wmax * (c->flash && c->flash_k > 1 ? c->flash_k : 1);
	/* Only functions that receive requests: no page views, no shop; a zero
	 * conversion rate, no checkout. */
	int views = c->max_rate > 0;
	if ((rc = trace_generator_add_function(t, spec, "recommend_function", "recommend", where, views,
					       &c->recommend, err)) < 0 ||
	    (rc = trace_generator_add_function(t, spec, "checkout_function", "checkout", where,
					       views && c->conversion > 0, &c->checkout, err)) < 0)
		return rc;
	return 0;
}

/* Traffic scale: the page-view rate (hence checkouts too). */
static void shop_scale(void *cfg, double factor)
{
	struct shop_cfg *c = cfg;
	c->rate *= factor;
	c->max_rate *= factor;
}

static int shop_start(const void *cfg, gsl_rng *rng, void *p, struct errbuf *err)
{
	(void)err;
	struct shop_it *it = p;
	it->c = cfg;
	it->rng = rng;
	return 0;
}

static int shop_next(void *p, double *t_s, uint32_t *fn, struct errbuf *err)
{
	(void)err;
	struct shop_it *it = p;
	const struct shop_cfg *c = it->c;
	if (it->checkout_pending) {
		it->checkout_pending = 0;
		*t_s = it->t_s;
		*fn = c->checkout;
		return 1;
	}
	if (!(c->max_rate > 0))
		return 0;
	do
		it->t_s += gsl_ran_exponential(it->rng, 1 / c->max_rate);
	while (gsl_rng_uniform(it->rng) * c->max_rate >= shop_rate(c, it->t_s));
	it->checkout_pending = c->conversion > 0 && gsl_rng_uniform(it->rng) < c->conversion;
	*t_s = it->t_s;
	*fn = c->recommend;
	return 1;
}

const struct trace_generator_ops gen_ecommerce_ops = {
	.name = "ecommerce",
	.keys = shop_keys,
	.cfg_size = sizeof(struct shop_cfg),
	.parse = shop_parse,
	.it_size = sizeof(struct shop_it),
	.start = shop_start,
	.next = shop_next,
	.scale = shop_scale,
};
