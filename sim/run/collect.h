/*
 * collect: what one simulation measures.
 *
 * Owns struct collect, the platform observer of one replication: each
 * function's statistics (counts, latencies, window integrals of instances
 * busy and alive, metered usage, provisioned time), the time series and the
 * peak of all functions' instances together. Private to sim/run: each driver
 * (run.c's serial one, partition.c's grouped one) has a struct collect first
 * in its state (drive.h), so the observer's ctx is both, and hands it back
 * to run.c, which folds it.
 */
#ifndef SLSIM_RUN_COLLECT_H
#define SLSIM_RUN_COLLECT_H

#include <stddef.h>
#include <stdint.h>
#include "core/engine.h"
#include "core/errbuf.h"
#include "platform/platform.h"
#include "run/run.h"
#include "run/stats.h"
#include "scenario/scenario.h"

/* Completions between prefetching a latency's histogram bucket and adding
 * to it. */
#define COLLECT_LAT_DELAY 16u

struct collect {
	const struct scenario *sc;
	struct errbuf *err;         /* where an observer's failure is told */
	/* Stopped when an observer fails (one platform); NULL: the driver
	 * checks `failed` itself (groups apart). */
	struct engine *engine;
	int failed;                 /* 0, or the code of an observer's failure */
	uint64_t events;            /* fired, set by the driver at the end */

	struct fn_stats *fn;
	double *fn_last_s;          /* when each function's counts last changed */
	uint32_t *prov_level;       /* provisioned instances of each function ... */
	double *prov_since_s;       /* ... since this time */
	/* Peak of the instances of all functions together (collect_all_change);
	 * the time integrals of that sum are the sums of the functions' own,
	 * added up at the end. */
	uint32_t all_peak, all_level;
	double all_last_s;
	struct ts_bin *bins;
	/* Time-series instance-seconds, by the changes of the level (see
	 * bins_step): what each interval gets from changes inside it, and the
	 * net change of the level inside it. */
	struct bin_acc { double level_s[2]; int64_t d_level[2]; } *bin_acc;   /* [LEVEL_*] */
	size_t n_bins;
	/* The times [bin_lo_s, bin_hi_s) whose interval is bin_i (as bin_of
	 * computes it): most changes fall in the interval of the previous one. */
	double bin_lo_s, bin_hi_s;
	size_t bin_i;

	/* Latencies waiting to go into their function's histogram: each
	 * bucket is prefetched when its latency arrives and filled
	 * COLLECT_LAT_DELAY completions later (in arrival order, so each
	 * histogram sees the same sequence of values as without the delay). */
	struct lat_pending { uint32_t fn; int32_t bucket; double value_s; } lat[COLLECT_LAT_DELAY];
	uint32_t n_lat, lat_head;
	int prefetch;               /* enough functions that they miss the caches */
	int bills_instances;        /* the pricing model meters instance time */
	int bills_busy;             /* ... or instances' busy periods (meter_busy) */
	uint64_t *prov_busy_ms;     /* per function: ms its provisioned instances served in the window */
	struct platform_model_loads loads;   /* on GPU nodes, set by the driver at the end */
};

/* Sets up the records of replication rep of sc (0, or ERR_RUNTIME with a
 * message in *err, which must outlive c). */
int collect_init(struct collect *c, const struct scenario *sc, uint32_t rep, struct errbuf *err);
void collect_free(struct collect *c);

/* The observer of one platform for all functions: each change of the
 * instances alive goes into the all-function peak at once. Its ctx is c;
 * a driver may replace alive_change with its own, called with the same ctx
 * (c first in the driver's state), that calls collect_fn_alive. */
struct platform_observer collect_observer(struct collect *c);
/* Function fn's instances alive change at t_s by delta (from alive_before):
 * the function's own peak. */
void collect_fn_alive(struct collect *c, uint32_t fn, double t_s, int delta, uint32_t alive_before);
/* The level of all functions' instances changes by delta at t_s; called in
 * time order. */
void collect_all_change(struct collect *c, double t_s, int32_t delta);

/* The next arrival will be for fn: fetch its records now. */
void collect_prefetch(const struct collect *c, uint32_t fn);
/* Adds the latencies still waiting (before reading the histograms, and
 * before any failure is checked). */
void collect_lat_flush(struct collect *c);
/* Bills every function's provisioned level held up to end_s. */
void collect_close_provisioned(struct collect *c, double end_s);
/* After the run: the time series, the idle integrals and the snapshot
 * fees. */
void collect_finish(struct collect *c);
/* The whole platform: the sum over functions (merged in function order),
 * with the all-function peak, since the sum of per-function peaks overstates
 * it. 0, or ERR_RUNTIME when out of memory. */
int collect_all(const struct collect *c, struct fn_stats *all);

#endif
