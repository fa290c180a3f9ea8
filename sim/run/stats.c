#include "run/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

const char *const stats_figure_names[FIG_COUNT] = {
#define STATS_NAME(id, name, count) name,
	STATS_FIGURES(STATS_NAME)
#undef STATS_NAME
};

const int stats_figure_is_count[FIG_COUNT] = {
#define STATS_IS_COUNT(id, name, count) count,
	STATS_FIGURES(STATS_IS_COUNT)
#undef STATS_IS_COUNT
};

void fn_stats_init(struct fn_stats *s)
{
	memset(s, 0, sizeof(*s));
	histo_init(&s->latency);
}

/* s->tok, made empty on first use; NULL out of memory. */
struct histo *fn_stats_tok(struct fn_stats *s)
{
	if (!s->tok && (s->tok = malloc(2 * sizeof(*s->tok))) != NULL) {
		histo_init(&s->tok[0]);
		histo_init(&s->tok[1]);
	}
	return s->tok;
}

void fn_stats_free(struct fn_stats *s)
{
	histo_free(&s->latency);
	if (s->tok) {
		histo_free(&s->tok[0]);
		histo_free(&s->tok[1]);
		free(s->tok);
		s->tok = NULL;
	}
}

const char *const stats_llm_figure_names[LLM_FIG_COUNT] = {
#define STATS_LLM_NAME(id, name) name,
	STATS_LLM_FIGURES(STATS_LLM_NAME)
#undef STATS_LLM_NAME
};

void stats_llm_figures(const struct fn_stats *s, double out[FIG_COUNT])
{
	static const double q[] = { 0.5, 0.9, 0.99 };
	for (int i = 0; i < FIG_COUNT; i++)
		out[i] = NAN;
	if (!s->tok)
		return;
	out[LLM_FIG_TTFT_MEAN] = histo_mean(&s->tok[0]);
	histo_quantiles(&s->tok[0], q, 3, &out[LLM_FIG_TTFT_P50]);
	out[LLM_FIG_TPOT_MEAN] = histo_mean(&s->tok[1]);
	histo_quantiles(&s->tok[1], q, 3, &out[LLM_FIG_TPOT_P50]);
}

int fn_stats_merge(struct fn_stats *dst, const struct fn_stats *src)
{
	dst->invocations += src->invocations;
	dst->completed += src->completed;
	dst->cold_starts += src->cold_starts;
	dst->rejected += src->rejected;
	dst->timed_out += src->timed_out;
	dst->oom += src->oom;
	dst->served += src->served;
	dst->instance_s += src->instance_s;
	dst->busy_s += src->busy_s;
	dst->idle_s += src->idle_s;
	dst->idle_mb_s += src->idle_mb_s;
	if (src->peak > dst->peak)
		dst->peak = src->peak;
	dst->released += src->released;
	dst->lifespan_sum_s += src->lifespan_sum_s;
	usage_add(&dst->usage, &src->usage);
	dst->warmer_pings += src->warmer_pings;
	usage_add(&dst->warmer_usage, &src->warmer_usage);
	if (src->tok && (!fn_stats_tok(dst) || histo_merge(&dst->tok[0], &src->tok[0]) < 0 ||
			 histo_merge(&dst->tok[1], &src->tok[1]) < 0))
		return ERR_RUNTIME;
	return histo_merge(&dst->latency, &src->latency);
}

static double ratio(double num, double den)
{
	return den > 0 ? num / den : NAN;
}

void stats_figures(const struct fn_stats *s, double window_s, const struct pricing_ops *pricing,
		   const void *pricing_cfg, double out[FIG_COUNT])
{
	struct cost c, w, month;
	struct usage all = s->usage;
	pricing->cost(pricing_cfg, &s->usage, &c);
	pricing->cost(pricing_cfg, &s->warmer_usage, &w);
	/* The month includes the warmer's pings, which share the free tier. */
	usage_add(&all, &s->warmer_usage);
	pricing->monthly(pricing_cfg, &all, STATS_MONTH_S / window_s, &month);
	out[FIG_INVOCATIONS] = (double)s->invocations;
	out[FIG_COMPLETED] = (double)s->completed;
	out[FIG_COLD_STARTS] = (double)s->cold_starts;
	out[FIG_COLD_START_RATIO] = ratio((double)s->cold_starts, (double)s->invocations);
	/* What papers report: dropped requests never started anything. */
	out[FIG_COLD_START_RATIO_SERVED] = ratio((double)s->cold_starts, (double)s->served);
	out[FIG_REJECTED] = (double)s->rejected;
	out[FIG_TIMED_OUT] = (double)s->timed_out;
	out[FIG_OOM] = (double)s->oom;
	out[FIG_LATENCY_MEAN] = histo_mean(&s->latency);
	static const double q[] = { 0.50, 0.90, 0.95, 0.99, 0.999 };
	double v[5];
	histo_quantiles(&s->latency, q, 5, v);
	out[FIG_LATENCY_P50] = v[0];
	out[FIG_LATENCY_P90] = v[1];
	out[FIG_LATENCY_P95] = v[2];
	out[FIG_LATENCY_P99] = v[3];
	out[FIG_LATENCY_P999] = v[4];
	out[FIG_LATENCY_MAX] = s->latency.count ? s->latency.max : NAN;
	out[FIG_INSTANCES_MEAN] = s->instance_s / window_s;
	out[FIG_INSTANCES_BUSY_MEAN] = s->busy_s / window_s;
	out[FIG_INSTANCES_IDLE_MEAN] = s->idle_s / window_s;
	out[FIG_INSTANCES_PEAK] = (double)s->peak;
	out[FIG_LIFESPAN_MEAN] = ratio(s->lifespan_sum_s, (double)s->released);
	/* GB = 1024 MB, as the providers bill it. */
	out[FIG_BILLED_GB_S] = (double)(s->usage.billed_mb_ms + s->usage.provisioned_billed_mb_ms) / 1024.0 / 1000.0;
	out[FIG_IDLE_GB_S] = s->idle_mb_s / 1024.0;
	out[FIG_COST_REQUESTS] = c.requests_usd;
	out[FIG_COST_COMPUTE] = c.compute_usd;
	out[FIG_COST_PROVISIONED] = c.provisioned_usd;
	/* The account pays for the warmer's pings too. */
	out[FIG_COST_WARMER] = w.total_usd;
	out[FIG_COST_TOTAL] = c.total_usd + w.total_usd;
	out[FIG_COST_PER_MILLION] = ratio(out[FIG_COST_TOTAL] * 1e6, (double)s->invocations);
	out[FIG_WARMER_PINGS] = (double)s->warmer_pings;
	out[FIG_COST_MONTHLY] = month.total_usd;
}

void stats_fold_init(struct stats_fold *f)
{
	memset(f, 0, sizeof(*f));
}

void stats_fold_add(struct stats_fold *f, const double v[FIG_COUNT])
{
	f->n++;
	for (int i = 0; i < FIG_COUNT; i++) {
		if (isnan(v[i]))
			continue;
		uint32_t n = ++f->n_valid[i];
		if (n == 1 || v[i] < f->min[i])
			f->min[i] = v[i];
		if (n == 1 || v[i] > f->max[i])
			f->max[i] = v[i];
		double d = v[i] - f->mean[i];
		f->mean[i] += d / n;
		f->m2[i] += d * (v[i] - f->mean[i]);
	}
}

double stats_fold_ci95(const struct stats_fold *f, enum stats_figure i)
{
	uint32_t n = f->n_valid[i];
	if (n < 2)
		return NAN;
	double sd = sqrt(f->m2[i] / (n - 1));
	return gsl_cdf_tdist_Pinv(0.975, n - 1) * sd / sqrt((double)n);
}
