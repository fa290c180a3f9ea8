/*
 * stats: what one simulation run measures, and the figures reported from it.
 *
 * Owns the per-function accumulators fed by the platform observer (counts,
 * latency histogram, time integrals of instance counts over the measurement
 * window [warmup_s, duration_s], metered usage), the list of reported
 * figures (STATS_FIGURES: the names used in summary.json, summary.csv and
 * sweep.csv), and the folding of replications into means and 95 % Student-t
 * half-widths. Memory is bounded: nothing grows with the number of requests.
 */
#ifndef SLSIM_STATS_H
#define SLSIM_STATS_H

#include <stddef.h>
#include <stdint.h>
#include "core/histo.h"
#include "models/pricing.h"

/* X(identifier, name in outputs, is_count) */
#define STATS_FIGURES(X)                                          \
	X(INVOCATIONS, "invocations", 1)                          \
	X(COMPLETED, "completed", 1)                              \
	X(COLD_STARTS, "cold_starts", 1)                          \
	X(COLD_START_RATIO, "cold_start_ratio", 0)                \
	X(COLD_START_RATIO_SERVED, "cold_start_ratio_served", 0)  \
	X(REJECTED, "rejected", 1)                                \
	X(TIMED_OUT, "timed_out", 1)                              \
	X(OOM, "oom", 1)                                          \
	X(LATENCY_MEAN, "latency_s.mean", 0)                      \
	X(LATENCY_P50, "latency_s.p50", 0)                        \
	X(LATENCY_P90, "latency_s.p90", 0)                        \
	X(LATENCY_P95, "latency_s.p95", 0)                        \
	X(LATENCY_P99, "latency_s.p99", 0)                        \
	X(LATENCY_P999, "latency_s.p999", 0)                      \
	X(LATENCY_MAX, "latency_s.max", 0)                        \
	X(INSTANCES_MEAN, "instances.mean", 0)                    \
	X(INSTANCES_BUSY_MEAN, "instances.busy_mean", 0)          \
	X(INSTANCES_IDLE_MEAN, "instances.idle_mean", 0)          \
	X(INSTANCES_PEAK, "instances.peak", 1)                    \
	X(LIFESPAN_MEAN, "instance_lifespan_s.mean", 0)           \
	X(BILLED_GB_S, "billed_gb_s", 0)                          \
	X(IDLE_GB_S, "idle_gb_s", 0)                              \
	X(COST_REQUESTS, "cost_usd.requests", 0)                  \
	X(COST_COMPUTE, "cost_usd.compute", 0)                    \
	X(COST_PROVISIONED, "cost_usd.provisioned", 0)            \
	X(COST_WARMER, "cost_usd.warmer", 0)                      \
	X(COST_TOTAL, "cost_usd.total", 0)                        \
	X(COST_PER_MILLION, "cost_usd.per_million", 0)            \
	X(COST_MONTHLY, "cost_usd.monthly", 0)            \
	X(WARMER_PINGS, "warmer_pings", 1)

enum stats_figure {
#define STATS_ENUM(id, name, count) FIG_##id,
	STATS_FIGURES(STATS_ENUM)
#undef STATS_ENUM
	FIG_COUNT
};

extern const char *const stats_figure_names[FIG_COUNT];
extern const int stats_figure_is_count[FIG_COUNT];

/* One function (or the whole run) in one replication. */
struct fn_stats {
	uint64_t invocations, completed, cold_starts, rejected, timed_out, oom;
	uint64_t served;            /* invocations that ran on an instance (not rejected or queue-timed-out) */
	struct histo latency;
	/* Integrals over the window, in instance-seconds. */
	double instance_s, busy_s, idle_s, idle_mb_s;
	uint32_t peak;
	uint64_t released;
	double lifespan_sum_s;
	struct usage usage;         /* user requests and provisioned time */
	uint64_t warmer_pings;
	struct usage warmer_usage;  /* warmer pings */
	/* LLM requests served token by token (functions[i].llm), completed
	 * after warm-up: time to first token (first token - arrival) and time
	 * per output token ((end - first token) / (output tokens - 1), with 2
	 * or more): tok[0] and tok[1], NULL until the function's first such
	 * request (so other functions hold no more than a pointer). */
	struct histo *tok;
};

void fn_stats_init(struct fn_stats *s);
void fn_stats_free(struct fn_stats *s);
/* s->tok, allocated (empty) on first use; NULL when out of memory. */
struct histo *fn_stats_tok(struct fn_stats *s);
/* Adds src's counts, integrals, histogram and usage into dst (peak: max). */
int fn_stats_merge(struct fn_stats *dst, const struct fn_stats *src);

/* Figures of one replication; window_s = duration_s - warmup_s. The
 * monthly cost scales the window's usage to a month of 730 hours
 * (STATS_MONTH_S), the month of the providers' pricing calculators and of
 * the VM baseline (BASELINE_MONTH_S): one definition everywhere. */
void stats_figures(const struct fn_stats *s, double window_s, const struct pricing_ops *pricing,
		   const void *pricing_cfg, double out[FIG_COUNT]);

#define STATS_MONTH_S (730.0 * 3600.0)

/* The LLM figures (fn_stats.ttft, tpot), reported only for scenarios with
 * LLM functions (output.c, report.c), so the figures above stay as they
 * are for every other scenario. X(identifier, name in outputs) */
#define STATS_LLM_FIGURES(X)           \
	X(TTFT_MEAN, "ttft_s.mean")    \
	X(TTFT_P50, "ttft_s.p50")      \
	X(TTFT_P90, "ttft_s.p90")      \
	X(TTFT_P99, "ttft_s.p99")      \
	X(TPOT_MEAN, "tpot_s.mean")    \
	X(TPOT_P50, "tpot_s.p50")      \
	X(TPOT_P90, "tpot_s.p90")      \
	X(TPOT_P99, "tpot_s.p99")

enum stats_llm_figure {
#define STATS_LLM_ENUM(id, name) LLM_FIG_##id,
	STATS_LLM_FIGURES(STATS_LLM_ENUM)
#undef STATS_LLM_ENUM
	LLM_FIG_COUNT
};

extern const char *const stats_llm_figure_names[LLM_FIG_COUNT];

/* Figures of one replication, as a vector of FIG_COUNT (folded by a
 * struct stats_fold of its own): the LLM figures in the first
 * LLM_FIG_COUNT slots, NAN in the others (skipped by the fold). */
void stats_llm_figures(const struct fn_stats *s, double out[FIG_COUNT]);

/* Running mean and variance of figure vectors over replications (Welford),
 * folded in replication order so results are independent of threads. */
struct stats_fold {
	uint32_t n;
	double mean[FIG_COUNT];
	double m2[FIG_COUNT];
	uint32_t n_valid[FIG_COUNT];   /* NaN figures (no data) are skipped */
	double min[FIG_COUNT], max[FIG_COUNT];   /* range over replications (when n_valid) */
};

void stats_fold_init(struct stats_fold *f);
void stats_fold_add(struct stats_fold *f, const double v[FIG_COUNT]);
/* Half-width of the 95 % Student-t interval; NAN with fewer than 2 values. */
double stats_fold_ci95(const struct stats_fold *f, enum stats_figure i);

#endif
