/*
 * gen_iot: IoT telemetry. "devices" N devices each report every "period_s"
 * P seconds: device j sends at b_j + k P + U(0, "jitter_s") for k = 0, 1, ...,
 * with a random phase b_j ~ U(0, P). With "diurnal_amplitude" a, a report at
 * time t is sent with probability q(t) = 1 - a (1 - cos(2 pi (t - h 3600) / 86400)) / 2
 * (h = "peak_hour"): q = 1 at the peak and 1 - a twelve hours away, so the
 * mean rate is (N / P)(1 - a/2). With "mean_lifetime_s" L > 0 devices churn:
 * each lives an exponential time of mean L, then a new device with a fresh
 * phase takes its place (the population stays N). Each sent report invokes
 * each of "functions" ([{"name", "probability"}], default one function
 * "anomaly-detect" with probability 1) independently, at the report's time;
 * one of probability 0 is not listed. The traffic scale divides P (and the
 * jitter): devices report more often.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "core/jsonutil.h"
#include "workload/plugin.h"

#define IOT_MAX_FUNCTIONS 64

struct iot_cfg {
	uint64_t devices;
	double period_s, jitter_s, amplitude, peak_hour, lifetime_s;
	size_t n_fn;
	uint32_t fn[IOT_MAX_FUNCTIONS];
	double prob[IOT_MAX_FUNCTIONS];
};

struct device {
	double base_s, death_s, next_s;   /* next report */
	uint64_t k;
};

struct iot_it {
	const struct iot_cfg *c;
	gsl_rng *rng;
	struct device *dev;
	uint32_t *heap;                    /* devices by event time */
	size_t n;
	uint32_t pending[IOT_MAX_FUNCTIONS];
	size_t n_pending, i_pending;
	double pending_t;
};

static const char *const iot_keys[] = { "devices", "period_s", "jitter_s", "diurnal_amplitude", "peak_hour",
					"mean_lifetime_s", "functions", NULL };

static int iot_parse(struct trace *t, const json_t *spec, const char *where, void *cfg, struct errbuf *err)
{
	static const char *const fkeys[] = { "name", "probability", NULL };
	char path[512], fw[600];
	struct iot_cfg *c = cfg;
	int rc;
	c->devices = 100;
	c->period_s = 60;
	c->peak_hour = 12;
	if ((rc = ju_uint(spec, "devices", where, JU_OPTIONAL, 1, 10000000, &c->devices, err)) < 0 ||
	    (rc = ju_number(spec, "period_s", where, JU_OPTIONAL, 1e-3, 1e9, &c->period_s, err)) < 0 ||
	    (rc = ju_number(spec, "jitter_s", where, JU_OPTIONAL, 0, 1e9, &c->jitter_s, err)) < 0 ||
	    (rc = ju_number(spec, "diurnal_amplitude", where, JU_OPTIONAL, 0, 1, &c->amplitude, err)) < 0 ||
	    (rc = ju_number(spec, "peak_hour", where, JU_OPTIONAL, 0, 24, &c->peak_hour, err)) < 0 ||
	    (rc = ju_number(spec, "mean_lifetime_s", where, JU_OPTIONAL, 0, 1e12, &c->lifetime_s, err)) < 0)
		return rc;
	if (c->jitter_s >= c->period_s)
		return errbuf_set(err, ERR_INPUT, "%s: must be smaller than period_s (%g), got %g",
				  ju_path(path, sizeof(path), where, "jitter_s"), c->period_s, c->jitter_s);
	const json_t *fns = json_object_get(spec, "functions");
	ju_path(path, sizeof(path), where, "functions");
	if (!fns) {
		c->n_fn = 1;
		c->prob[0] = 1;
		long id = trace_add_function(t, "anomaly-detect", path, err);
		if (id < 0)
			return (int)id;
		c->fn[0] = (uint32_t)id;
		return 0;
	}
	if (!json_is_array(fns) || json_array_size(fns) == 0 || json_array_size(fns) > IOT_MAX_FUNCTIONS)
		return errbuf_set(err, ERR_INPUT, "%s: must be an array of 1 to %d objects {\"name\", \"probability\"}",
				  path, IOT_MAX_FUNCTIONS);
	for (size_t i = 0; i < json_array_size(fns); i++) {
		const json_t *f = json_array_get(fns, i);
		const char *name;
		double p = 1;
		ju_index_path(fw, sizeof(fw), path, i);
		if ((rc = ju_expect_object(f, fw, err)) < 0 || (rc = ju_check_keys(f, fw, fkeys, err)) < 0 ||
		    (rc = ju_string(f, "name", fw, JU_REQUIRED, &name, err)) < 0 ||
		    (rc = ju_number(f, "probability", fw, JU_OPTIONAL, 0, 1, &p, err)) < 0)
			return rc;
		if (trace_find_function(t, name) >= 0)
			return errbuf_set(err, ERR_INPUT, "%s.name: duplicate function \"%s\"", fw, name);
		if (!(p > 0))
			continue;   /* it would receive no request: not a function of the workload */
		long id = trace_add_function(t, name, fw, err);
		if (id < 0)
			return (int)id;
		c->fn[c->n_fn] = (uint32_t)id;
		c->prob[c->n_fn++] = p;
	}
	return 0;
}

static double event_time(const struct iot_it *it, uint32_t d)
{
	const struct device *v = &it->dev[d];
	return v->death_s < v->next_s ? v->death_s : v->next_s;
}

static int less(const struct iot_it *it, uint32_t a, uint32_t b)
{
	double x = event_time(it, a), y = event_time(it, b);
	return x < y || (x == y && a < b);
}

static void sift_down(struct iot_it *it, size_t k)
{
	uint32_t v = it->heap[k];
	for (;;) {
		size_t c = 2 * k + 1;
		if (c >= it->n)
			break;
		if (c + 1 < it->n && less(it, it->heap[c + 1], it->heap[c]))
			c++;
		if (!less(it, it->heap[c], v))
			break;
		it->heap[k] = it->heap[c];
		k = c;
	}
	it->heap[k] = v;
}

static void schedule(struct iot_it *it, struct device *v)
{
	const struct iot_cfg *c = it->c;
	double jitter = c->jitter_s > 0 ? gsl_rng_uniform(it->rng) * c->jitter_s : 0;
	v->next_s = v->base_s + (double)v->k * c->period_s + jitter;
}

/* A new device appearing at time t0. */
static void born(struct iot_it *it, struct device *v, double t0)
{
	const struct iot_cfg *c = it->c;
	v->base_s = t0 + gsl_rng_uniform(it->rng) * c->period_s;
	v->k = 0;
	v->death_s = c->lifetime_s > 0 ? t0 + gsl_ran_exponential(it->rng, c->lifetime_s) : INFINITY;
	schedule(it, v);
}

static int iot_start(const void *cfg, gsl_rng *rng, void *p, struct errbuf *err)
{
	const struct iot_cfg *c = cfg;
	struct iot_it *it = p;
	it->c = c;
	it->n = c->devices;
	it->rng = rng;
	it->dev = malloc(it->n * sizeof(*it->dev));
	it->heap = malloc(it->n * sizeof(*it->heap));
	if (!it->dev || !it->heap)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t d = 0; d < it->n; d++) {
		born(it, &it->dev[d], 0);
		it->heap[d] = (uint32_t)d;
	}
	for (size_t k = it->n / 2; k-- > 0;)
		sift_down(it, k);
	return 0;
}

static int iot_next(void *p, double *t_s, uint32_t *fn, struct errbuf *err)
{
	(void)err;
	struct iot_it *it = p;
	const struct iot_cfg *c = it->c;
	if (c->n_fn == 0)
		return 0;
	while (it->i_pending == it->n_pending) {
		struct device *v = &it->dev[it->heap[0]];
		double t = event_time(it, it->heap[0]);
		if (v->death_s <= v->next_s) {
			born(it, v, v->death_s);
			sift_down(it, 0);
			continue;
		}
		v->k++;
		schedule(it, v);
		sift_down(it, 0);
		double q = 1 - c->amplitude * (1 - cos(2 * M_PI * (t - c->peak_hour * 3600) / 86400)) / 2;
		if (c->amplitude > 0 && gsl_rng_uniform(it->rng) >= q)
			continue;
		it->n_pending = it->i_pending = 0;
		it->pending_t = t;
		for (size_t i = 0; i < c->n_fn; i++)
			if (c->prob[i] >= 1 || gsl_rng_uniform(it->rng) < c->prob[i])
				it->pending[it->n_pending++] = c->fn[i];
	}
	*t_s = it->pending_t;
	*fn = it->pending[it->i_pending++];
	return 1;
}

/* Traffic scale: every device reports factor times as often. */
static void iot_scale(void *cfg, double factor)
{
	struct iot_cfg *c = cfg;
	c->period_s /= factor;
	c->jitter_s /= factor;
}

static void iot_release(void *p)
{
	struct iot_it *it = p;
	free(it->dev);
	free(it->heap);
}

const struct trace_generator_ops gen_iot_ops = {
	.name = "iot",
	.keys = iot_keys,
	.cfg_size = sizeof(struct iot_cfg),
	.parse = iot_parse,
	.it_size = sizeof(struct iot_it),
	.start = iot_start,
	.next = iot_next,
	.release = iot_release,
	.scale = iot_scale,
};
