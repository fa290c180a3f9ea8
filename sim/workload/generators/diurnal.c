/*
 * gen_diurnal: a day-shaped Poisson process with weekday/weekend profiles and
 * spikes, for one function ("function", default "diurnal"). Its rate is
 *   lambda(t) = r D(t) prod_i k_i [t in spike i]
 * with r = "rate_per_s". t = 0 is Monday 00:00: day floor(t / 86400) mod 7,
 * days 5 and 6 being the weekend. The daily shape D is one of
 *   - hourly profiles: "hourly_weekday" (24 multipliers, hour h of the day
 *     gets element h) and "hourly_weekend" (default: the weekday one);
 *   - a smooth peak: "peak_to_mean" R >= 1 and "peak_hour" h (default 14):
 *     D(t) = exp(kappa cos(2 pi (t - 3600 h) / 86400)) / I0(kappa), whose mean
 *     over a day is exactly 1 and whose peak / mean is e^kappa / I0(kappa) = R
 *     (kappa solved once; any R up to 1000, so well beyond 10), times
 *     "weekend_factor" (default 1) on weekend days;
 *   - neither: D = 1 (times weekend_factor on weekends).
 * "spikes": any number of {"start_s", "duration_s", "multiplier" k}: the
 * rate is multiplied by k on [start_s, start_s + duration_s) (overlapping
 * spikes multiply). Arrivals are drawn by thinning (Lewis and Shedler) from a
 * piecewise-homogeneous Poisson process whose rate is the maximum of lambda
 * on each piece, the pieces being the hours and the spike windows, so an
 * hourly profile without smooth peak is drawn without rejections and a
 * large multiplier costs nothing outside its spike. The traffic scale
 * multiplies r.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_bessel.h>
#include "core/jsonutil.h"
#include "workload/plugin.h"

#define DAY_S 86400.0
#define HOUR_S 3600.0
#define MAX_SPIKES 10000

struct spike {
	double start_s, end_s, k;
};

struct diurnal_cfg {
	double rate, hourly[2][24];    /* [0] weekdays, [1] weekends */
	int has_hourly, smooth;
	double kappa, log_i0, peak_hour, weekend_factor;
	size_t n_spikes;
	struct spike *spikes;
	double *bounds;                /* spike starts and ends, sorted */
	size_t n_bounds;
	uint32_t fn;
};

struct diurnal_it {
	const struct diurnal_cfg *c;
	gsl_rng *rng;
	double t_s, piece_end_s, bound;   /* the current piece and lambda's maximum on it */
	size_t next_bound;
};

static const char *const diurnal_keys[] = { "function", "rate_per_s", "hourly_weekday", "hourly_weekend",
					    "peak_to_mean", "peak_hour", "weekend_factor", "spikes", NULL };

static int is_weekend(double t)
{
	return fmod(floor(t / DAY_S), 7) >= 5;
}

/* The smooth shape at t (without the weekend factor), exp(kappa cos) / I0. */
static double smooth_shape(const struct diurnal_cfg *c, double t)
{
	return exp(c->kappa * cos(2 * M_PI * (t - c->peak_hour * HOUR_S) / DAY_S) - c->log_i0);
}

static double day_shape(const struct diurnal_cfg *c, double t)
{
	if (c->has_hourly)
		return c->hourly[is_weekend(t)][(int)fmod(floor(t / HOUR_S), 24)];
	double w = is_weekend(t) ? c->weekend_factor : 1;
	return c->smooth ? w * smooth_shape(c, t) : w;
}

/* The spikes' product at t (each piece lies inside or outside every spike). */
static double spike_factor(const struct diurnal_cfg *c, double t)
{
	double f = 1;
	for (size_t i = 0; i < c->n_spikes; i++)
		if (t >= c->spikes[i].start_s && t < c->spikes[i].end_s)
			f *= c->spikes[i].k;
	return f;
}

static double diurnal_rate(const struct diurnal_cfg *c, double t)
{
	return c->rate * day_shape(c, t) * (c->n_spikes ? spike_factor(c, t) : 1);
}

/* The maximum of D on [a, b] (inside one hour): the peak when the interval
 * holds it, else the larger end (the shape rises towards the peak and falls
 * after it on the circle). */
static double shape_max(const struct diurnal_cfg *c, double a, double b)
{
	if (!c->smooth)
		return day_shape(c, a);
	double w = is_weekend(a) ? c->weekend_factor : 1, peak = c->peak_hour * HOUR_S;
	double k = ceil((a - peak) / DAY_S), tp = peak + k * DAY_S;
	if (tp <= b)
		return w * exp(c->kappa - c->log_i0);
	return w * fmax(smooth_shape(c, a), smooth_shape(c, b));
}

/* kappa with e^kappa / I0(kappa) = ratio (increasing in kappa), by bisection. */
static double solve_kappa(double ratio)
{
	double lo = 0, hi = 1;
	while (hi < 1e7 && -log(gsl_sf_bessel_I0_scaled(hi)) < log(ratio))
		hi *= 2;
	for (int i = 0; i < 200; i++) {
		double mid = 0.5 * (lo + hi);
		/* e^k / I0(k) = 1 / I0_scaled(k), I0_scaled = e^-k I0. */
		if (-log(gsl_sf_bessel_I0_scaled(mid)) < log(ratio))
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

static int read_hourly(const json_t *spec, const char *key, const char *where, double *out, struct errbuf *err)
{
	char path[512];
	const json_t *a = json_object_get(spec, key);
	ju_path(path, sizeof(path), where, key);
	if (!json_is_array(a) || json_array_size(a) != 24)
		return errbuf_set(err, ERR_INPUT, "%s: must be an array of 24 hourly multipliers >= 0", path);
	for (size_t h = 0; h < 24; h++) {
		const json_t *v = json_array_get(a, h);
		if (!json_is_number(v) || !(json_number_value(v) >= 0) || json_number_value(v) > 1e6)
			return errbuf_set(err, ERR_INPUT, "%s[%zu]: must be a number in [0, 1e6]", path, h);
		out[h] = json_number_value(v);
	}
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int read_spikes(struct diurnal_cfg *c, const json_t *list, const char *where, struct errbuf *err)
{
	static const char *const keys[] = { "start_s", "duration_s", "multiplier", NULL };
	char item[600];
	c->n_spikes = json_array_size(list);
	if (!json_is_array(list) || c->n_spikes > MAX_SPIKES)
		return errbuf_set(err, ERR_INPUT, "%s: must be an array of at most %d spikes {start_s, duration_s, multiplier}",
				  where, MAX_SPIKES);
	c->spikes = calloc(c->n_spikes + 1, sizeof(*c->spikes));
	c->bounds = calloc(2 * c->n_spikes + 1, sizeof(double));
	if (!c->spikes || !c->bounds)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < c->n_spikes; i++) {
		const json_t *s = json_array_get(list, i);
		struct spike *x = &c->spikes[i];
		double len;
		int rc;
		ju_index_path(item, sizeof(item), where, i);
		if ((rc = ju_expect_object(s, item, err)) < 0 || (rc = ju_check_keys(s, item, keys, err)) < 0 ||
		    (rc = ju_number(s, "start_s", item, JU_REQUIRED, 0, 1e10, &x->start_s, err)) < 0 ||
		    (rc = ju_number(s, "duration_s", item, JU_REQUIRED, 0, 1e10, &len, err)) < 0 ||
		    (rc = ju_number(s, "multiplier", item, JU_REQUIRED, 0, 1e4, &x->k, err)) < 0)
			return rc;
		x->end_s = x->start_s + len;
		c->bounds[c->n_bounds++] = x->start_s;
		c->bounds[c->n_bounds++] = x->end_s;
	}
	qsort(c->bounds, c->n_bounds, sizeof(double), cmp_double);
	return 0;
}

/* The daily shape: hourly profiles, a smooth peak, or flat. */
static int read_shape(struct diurnal_cfg *c, const json_t *spec, const char *where, struct errbuf *err)
{
	char path[512];
	double ratio = 1;
	int rc;
	c->has_hourly = json_object_get(spec, "hourly_weekday") || json_object_get(spec, "hourly_weekend");
	if (c->has_hourly && (json_object_get(spec, "peak_to_mean") || json_object_get(spec, "weekend_factor")))
		return errbuf_set(err, ERR_INPUT, "%s: give hourly profiles or peak_to_mean/weekend_factor, not both",
				  ju_path(path, sizeof(path), where, json_object_get(spec, "peak_to_mean") ? "peak_to_mean" : "weekend_factor"));
	if (c->has_hourly) {
		if ((rc = read_hourly(spec, "hourly_weekday", where, c->hourly[0], err)) < 0)
			return rc;
		if (!json_object_get(spec, "hourly_weekend"))
			memcpy(c->hourly[1], c->hourly[0], sizeof(c->hourly[0]));
		else if ((rc = read_hourly(spec, "hourly_weekend", where, c->hourly[1], err)) < 0)
			return rc;
		return 0;
	}
	c->peak_hour = 14;
	c->weekend_factor = 1;
	if ((rc = ju_number(spec, "peak_to_mean", where, JU_OPTIONAL, 1, 1000, &ratio, err)) < 0 ||
	    (rc = ju_number(spec, "peak_hour", where, JU_OPTIONAL, 0, 24, &c->peak_hour, err)) < 0 ||
	    (rc = ju_number(spec, "weekend_factor", where, JU_OPTIONAL, 0, 1e6, &c->weekend_factor, err)) < 0)
		return rc;
	c->smooth = ratio > 1;
	if (c->smooth) {
		c->kappa = solve_kappa(ratio);
		c->log_i0 = log(gsl_sf_bessel_I0_scaled(c->kappa)) + c->kappa;
	}
	return 0;
}

static int diurnal_parse(struct trace *t, const json_t *spec, const char *where, void *cfg, struct errbuf *err)
{
	struct diurnal_cfg *c = cfg;
	char path[512];
	const json_t *spikes = json_object_get(spec, "spikes");
	int rc;
	c->rate = 1;
	if ((rc = ju_number(spec, "rate_per_s", where, JU_OPTIONAL, 0, 1e7, &c->rate, err)) < 0 ||
	    (rc = read_shape(c, spec, where, err)) < 0 ||
	    (spikes && (rc = read_spikes(c, spikes, ju_path(path, sizeof(path), where, "spikes"), err)) < 0))
		return rc;
	/* Hourly profiles of zeros only send nothing, as a zero rate. */
	int sends = c->rate > 0;
	if (c->has_hourly) {
		double sum = 0;
		for (int h = 0; h < 48; h++)
			sum += c->hourly[h / 24][h % 24];
		sends = sends && sum > 0;
		c->rate = sends ? c->rate : 0;
	}
	return trace_generator_add_function(t, spec, "function", "diurnal", where, sends, &c->fn, err);
}

static void diurnal_scale(void *cfg, double factor)
{
	((struct diurnal_cfg *)cfg)->rate *= factor;
}

/* Enters the piece starting at t: up to the next hour or spike boundary. */
static void enter_piece(struct diurnal_it *it, double t)
{
	const struct diurnal_cfg *c = it->c;
	while (it->next_bound < c->n_bounds && c->bounds[it->next_bound] <= t)
		it->next_bound++;
	double end = (floor(t / HOUR_S) + 1) * HOUR_S;
	if (it->next_bound < c->n_bounds && c->bounds[it->next_bound] < end)
		end = c->bounds[it->next_bound];
	it->piece_end_s = end;
	it->bound = c->rate * shape_max(c, t, end) * (c->n_spikes ? spike_factor(c, t) : 1);
}

static int diurnal_start(const void *cfg, gsl_rng *rng, void *p, struct errbuf *err)
{
	(void)err;
	struct diurnal_it *it = p;
	it->c = cfg;
	it->rng = rng;
	enter_piece(it, 0);
	return 0;
}

static int diurnal_next(void *p, double *t_s, uint32_t *fn, struct errbuf *err)
{
	(void)err;
	struct diurnal_it *it = p;
	const struct diurnal_cfg *c = it->c;
	if (!(c->rate > 0))
		return 0;
	for (;;) {
		/* A piece with rate 0 is skipped; past its end the exponential
		 * restarts at the boundary (memoryless), with the next piece's bound. */
		double t = it->bound > 0 ? it->t_s + gsl_ran_exponential(it->rng, 1 / it->bound) : INFINITY;
		if (t >= it->piece_end_s) {
			it->t_s = it->piece_end_s;
			if (it->t_s > 1e11)
				return 0;
			enter_piece(it, it->t_s);
			continue;
		}
		it->t_s = t;
		if (gsl_rng_uniform(it->rng) * it->bound < diurnal_rate(c, t)) {
			*t_s = t;
			*fn = c->fn;
			return 1;
		}
	}
}

static void diurnal_free_cfg(void *cfg)
{
	struct diurnal_cfg *c = cfg;
	free(c->spikes);
	free(c->bounds);
}

const struct trace_generator_ops gen_diurnal_ops = {
	.name = "diurnal",
	.keys = diurnal_keys,
	.cfg_size = sizeof(struct diurnal_cfg),
	.parse = diurnal_parse,
	.it_size = sizeof(struct diurnal_it),
	.start = diurnal_start,
	.next = diurnal_next,
	.scale = diurnal_scale,
	.free_cfg = diurnal_free_cfg,
};
