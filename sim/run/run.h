/*
 * run: simulating a scenario, replication by replication.
 *
 * Owns the public API: run_scenario runs every replication with OpenMP (each
 * replication's state handed around explicitly, so many run at once on many
 * threads) and folds the results in replication order, so output does not
 * depend on the number of threads; run_replication_totals runs one. Also
 * owns the serial driver (all functions on one platform). The rest of
 * sim/run is private to it: partition.h (the grouped driver), collect.h
 * (what one simulation measures), progress.h (the progress line), and
 * stats.h (per-function accumulators and folded figures, public).
 */
#ifndef SLSIM_RUN_H
#define SLSIM_RUN_H

#include <signal.h>
#include <stdint.h>
#include "core/errbuf.h"
#include "core/histo.h"
#include "models/models.h"
#include "platform/platform.h"
#include "scenario/scenario.h"
#include "run/stats.h"

struct workload;

/* A replication whose functions cannot affect one another runs as groups of
 * this many functions, each on its own platform and engine (partition.h):
 * the same figures, with each group's records in the caches while it
 * runs. */
#define RUN_GROUP_FUNCTIONS 32u

struct run_options {
	int threads;        /* 0: OpenMP's default */
	int progress;       /* print progress on stderr */
	/* Optional: when *stop becomes non-zero (a signal handler sets it),
	 * running replications stop and only completed ones are folded. */
	const volatile sig_atomic_t *stop;
	/* Optional: adds arrival sources (workload_add_source) to every
	 * replication's workload before it starts; for benchmarks and programs
	 * that feed arrivals from memory. NULL: the scenario's sources only.
	 * Returns 0, or a negative code with a message in *err. */
	int (*add_sources)(void *ctx, struct workload *w, const struct scenario *sc,
			   uint32_t replication, struct errbuf *err);
	void *sources_ctx;
	/* Non-zero: all functions on one platform even when they could run in
	 * groups apart (see partition.h); for tests and benchmarks.
	 * The figures are the same either way. */
	int serial;
	/* Arrivals per window of a partitioned run (0: the default,
	 * PART_WINDOW_ARRIVALS in partition.c); tests make windows small to put many
	 * window bounds in a short run. The figures do not depend on it. */
	uint32_t window_arrivals;
};

/* One interval of the time series, summed over replications. */
struct ts_bin {
	uint64_t arrivals, cold_starts;
	double busy_s, idle_s;      /* instance-seconds (busy includes initialising) */
	struct usage usage;         /* of requests that arrived in the interval */
};

struct run_result {
	uint32_t replications;      /* folded: fewer than the scenario's when interrupted */
	int interrupted;            /* stopped early through run_options.stop */
	size_t n_functions;
	struct stats_fold totals;
	struct stats_fold *functions;
	struct histo latency;       /* all counted completions of all replications */
	/* With LLM functions (has_llm): the whole run's LLM figures folded over
	 * replications (stats_llm_figures' slots of a stats_fold). */
	int has_llm;
	struct stats_fold llm;
	size_t n_bins;
	struct ts_bin *bins;
	uint64_t events;
	double wall_s;
	/* Model loads on GPU nodes, summed over replications (platform.h). */
	struct platform_model_loads loads;
};

int run_scenario(const struct scenario *sc, const struct run_options *opt, struct run_result *out,
		 struct errbuf *err);
void run_result_free(struct run_result *r);

/* Runs replication rep of sc alone (one thread, no progress) and computes its
 * `totals` figures exactly as run_scenario folds them, so a sweep point equals
 * `slsim run` of the same scenario bit for bit. *events (may be NULL) gets the
 * number of events fired. A non-zero *stop (stop may be NULL) ends it with
 * ERR_INTERRUPTED. */
int run_replication_totals(const struct scenario *sc, uint32_t rep, double totals[FIG_COUNT],
			   uint64_t *events, const volatile sig_atomic_t *stop, struct errbuf *err);

#endif
