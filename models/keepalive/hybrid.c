/* Keep-alive "hybrid-histogram" (Shahrad et al., "Serverless in the Wild:
 * Characterizing and Optimizing the Serverless Workload at a Large Cloud
 * Provider", USENIX ATC'20, section 4.2), per function.
 *
 * Idle time (IT): from the moment an instance of the function becomes idle
 * to the next user arrival of the function (one sample per arrival that
 * follows an idle moment; warmer pings are not arrivals). ITs below range_s
 * go into a histogram of bin_s bins; longer ones are out of bounds (OOB).
 * When an on-demand instance becomes idle, with n ITs seen:
 *   1. n < min_samples, or the bin counts' coefficient of variation (sample
 *      standard deviation / mean over all bins) is below cv_threshold (the
 *      ITs are spread out, no pattern): standard keep-alive, kept
 *      fallback_ttl_s (default range_s, the paper's conservative choice);
 *   2. more than oob_fraction of the ITs are OOB: the paper forecasts the
 *      next IT with ARIMA; here the forecast is the last OOB IT (a random
 *      walk, ARIMA(0,1,0)), with the paper's 15 % margin: released now,
 *      pre-warmed at 0.85 x forecast, kept until 1.15 x forecast;
 *   3. otherwise head = lower edge of the bin holding the
 *      prewarm_percentile-th IT, tail = upper edge of the bin holding the
 *      keepalive_percentile-th IT (percentiles of the in-range ITs: the
 *      first bin whose cumulative count reaches p % of them);
 *      pre-warm window = head x (1 - margin), keep-alive end = tail x
 *      (1 + margin). A zero pre-warm window keeps the instance for the
 *      keep-alive end; else it is released at once, a new instance starts
 *      loading after the pre-warm window (if the function then has no idle
 *      instance) and is kept until the keep-alive end, both measured from
 *      the moment the instance became idle.
 * A user arrival cancels a pending pre-warm. A pre-warm is no cold start: a
 * request arriving after its load is warm; its memory time is idle_gb_s. */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_statistics_uint.h>
#include "core/engine.h"
#include "models/keepalive.h"

#define HYBRID_MAX_BINS 1000000u
#define OOB_MARGIN 0.15

struct hybrid_cfg {
	double range_s, bin_s, prewarm_percentile, keepalive_percentile, margin;
	double cv_threshold, oob_fraction, fallback_ttl_s;
	uint64_t min_samples;
	size_t n_bins;
};

struct hybrid_state {
	const struct hybrid_cfg *cfg;
	const struct keepalive_host *host;
	unsigned int *bins;
	uint64_t n_in, n_oob;
	double last_oob_s;
	double idle_since_s;
	int idle_pending;        /* an instance became idle since the last arrival */
	engine_timer prewarm;
	double prewarm_until_s;
};

static int hybrid_parse(const json_t *cfg, const char *where, void **out, struct errbuf *err)
{
	static const char *const keys[] = { "policy", "range_s", "bin_s", "prewarm_percentile",
					    "keepalive_percentile", "margin", "cv_threshold",
					    "min_samples", "oob_fraction", "fallback_ttl_s", NULL };
	struct hybrid_cfg c = {
		.range_s = 4 * 3600, .bin_s = 60, .prewarm_percentile = 5, .keepalive_percentile = 99,
		.margin = 0.10, .cv_threshold = 2, .oob_fraction = 0.5, .fallback_ttl_s = NAN,
		.min_samples = 10,
	};
	char path[512];
	int rc;
	if (cfg && ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
		    (rc = ju_number(cfg, "range_s", where, JU_OPTIONAL, 1e-3, 1e9, &c.range_s, err)) < 0 ||
		    (rc = ju_number(cfg, "bin_s", where, JU_OPTIONAL, 1e-3, 1e9, &c.bin_s, err)) < 0 ||
		    (rc = ju_number(cfg, "prewarm_percentile", where, JU_OPTIONAL, 0, 100,
				    &c.prewarm_percentile, err)) < 0 ||
		    (rc = ju_number(cfg, "keepalive_percentile", where, JU_OPTIONAL, 0, 100,
				    &c.keepalive_percentile, err)) < 0 ||
		    (rc = ju_number(cfg, "margin", where, JU_OPTIONAL, 0, 1, &c.margin, err)) < 0 ||
		    (rc = ju_number(cfg, "cv_threshold", where, JU_OPTIONAL, 0, 1e6, &c.cv_threshold, err)) < 0 ||
		    (rc = ju_uint(cfg, "min_samples", where, JU_OPTIONAL, 1, UINT32_MAX, &c.min_samples, err)) < 0 ||
		    (rc = ju_number(cfg, "oob_fraction", where, JU_OPTIONAL, 0, 1, &c.oob_fraction, err)) < 0 ||
		    (rc = ju_number(cfg, "fallback_ttl_s", where, JU_OPTIONAL, 0, 1e12, &c.fallback_ttl_s, err)) < 0))
		return rc;
	if (c.range_s / c.bin_s > HYBRID_MAX_BINS || c.bin_s > c.range_s)
		return errbuf_set(err, ERR_INPUT, "%s: range_s / bin_s must be between 1 and %u, got %g",
				  ju_path(path, sizeof(path), where, "bin_s"), HYBRID_MAX_BINS, c.range_s / c.bin_s);
	if (c.prewarm_percentile > c.keepalive_percentile)
		return errbuf_set(err, ERR_INPUT, "%s: must not exceed keepalive_percentile (%g), got %g",
				  ju_path(path, sizeof(path), where, "prewarm_percentile"),
				  c.keepalive_percentile, c.prewarm_percentile);
	if (isnan(c.fallback_ttl_s))
		c.fallback_ttl_s = c.range_s;
	c.n_bins = (size_t)ceil(c.range_s / c.bin_s - 1e-9);
	struct hybrid_cfg *p = malloc(sizeof(*p));
	if (!p)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*p = c;
	*out = p;
	return 0;
}

static void *hybrid_start(const void *cfg, const struct keepalive_host *host)
{
	const struct hybrid_cfg *c = cfg;
	struct hybrid_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->bins = calloc(c->n_bins, sizeof(*s->bins));
	if (!s->bins) {
		free(s);
		return NULL;
	}
	s->cfg = c;
	s->host = host;
	return s;
}

static void hybrid_stop(void *state)
{
	struct hybrid_state *s = state;
	free(s->bins);
	free(s);
}

static void hybrid_on_arrival(void *state, double now_s)
{
	struct hybrid_state *s = state;
	engine_cancel(s->host->engine, s->prewarm);
	s->prewarm = ENGINE_TIMER_NONE;
	if (!s->idle_pending)
		return;
	s->idle_pending = 0;
	double it = now_s - s->idle_since_s;
	size_t bin = (size_t)(it / s->cfg->bin_s);
	if (it < s->cfg->range_s && bin < s->cfg->n_bins) {
		s->bins[bin]++;
		s->n_in++;
	} else {
		s->n_oob++;
		s->last_oob_s = it;
	}
}

static void hybrid_fire(void *ctx, uint64_t arg)
{
	struct hybrid_state *s = ctx;
	const struct keepalive_host *h = s->host;
	(void)arg;
	s->prewarm = ENGINE_TIMER_NONE;
	if (h->idle_instances(h->platform, h->fn) == 0)
		h->prewarm(h->platform, h->fn, s->prewarm_until_s);
}

/* Releases the idle instance now and pre-warms one at now + at_s, kept
 * until now + until_s; returns the keep-alive for on_idle. */
static double plan(struct hybrid_state *s, double now_s, double at_s, double until_s)
{
	if (!(at_s > 0))
		return until_s;
	engine_cancel(s->host->engine, s->prewarm);
	s->prewarm_until_s = now_s + until_s;
	s->prewarm = engine_at(s->host->engine, now_s + at_s, hybrid_fire, s, 0);
	if (!s->prewarm)
		engine_stop(s->host->engine);
	return 0;
}

/* Lower edge (upper: upper edge) of the bin holding the p-th percentile. */
static double percentile_edge(const struct hybrid_state *s, double p, int upper)
{
	double need = p / 100.0 * (double)s->n_in;
	uint64_t cum = 0;
	size_t b = 0;
	for (; b < s->cfg->n_bins; b++) {
		cum += s->bins[b];
		if (cum > 0 && (double)cum >= need)
			break;
	}
	if (b == s->cfg->n_bins)
		b--;
	double edge = (double)(b + (upper ? 1 : 0)) * s->cfg->bin_s;
	return edge < s->cfg->range_s ? edge : s->cfg->range_s;
}

static double hybrid_on_idle(const void *cfg, void *state, double now_s)
{
	const struct hybrid_cfg *c = cfg;
	struct hybrid_state *s = state;
	s->idle_pending = 1;
	s->idle_since_s = now_s;
	uint64_t n = s->n_in + s->n_oob;
	if (n < c->min_samples)
		return c->fallback_ttl_s;
	if ((double)s->n_oob > c->oob_fraction * (double)n)
		return plan(s, now_s, (1 - OOB_MARGIN) * s->last_oob_s, (1 + OOB_MARGIN) * s->last_oob_s);
	double mean = gsl_stats_uint_mean(s->bins, 1, c->n_bins);
	double sd = c->n_bins > 1 ? gsl_stats_uint_sd_m(s->bins, 1, c->n_bins, mean) : 0;
	if (!(mean > 0) || sd / mean < c->cv_threshold)
		return c->fallback_ttl_s;
	double head = percentile_edge(s, c->prewarm_percentile, 0) * (1 - c->margin);
	double tail = percentile_edge(s, c->keepalive_percentile, 1) * (1 + c->margin);
	return plan(s, now_s, head, tail);
}

const struct keepalive_ops keepalive_hybrid_histogram = {
	.name = "hybrid-histogram",
	.parse = hybrid_parse,
	.free_cfg = free,
	.start = hybrid_start,
	.stop = hybrid_stop,
	.on_arrival = hybrid_on_arrival,
	.on_idle = hybrid_on_idle,
};
