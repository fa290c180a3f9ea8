/*
 * drive: what both drivers of a replication share (run.c's serial one,
 * partition.c's grouped one): its measurements, its number, the errbuf its
 * failures go to, the stop flag, the progress line, and the wall clock.
 * Private to sim/run.
 */
#ifndef SLSIM_RUN_DRIVE_H
#define SLSIM_RUN_DRIVE_H

#include <signal.h>
#include <stdint.h>
#include "core/errbuf.h"
#include "run/collect.h"
#include "run/run.h"
#include "scenario/scenario.h"

/* First in each driver's state, its collector first in it: the platform
 * observer's ctx (the collector) is also the driver's state. */
struct drive {
	struct collect c;
	const struct scenario *sc;
	uint32_t replication;
	struct errbuf *err;         /* empty until something fails */
	const volatile sig_atomic_t *stop;
	int progress;
	double started_wall_s, next_progress_wall_s;
};

/* Seconds on a monotonic clock. */
double drive_wall_s(void);
/* Sets up d for replication rep of sc (err emptied, the collector's records
 * made): 0, or ERR_RUNTIME with a message in *err, which must outlive d. */
int drive_init(struct drive *d, const struct scenario *sc, uint32_t rep, const struct run_options *opt,
	       struct errbuf *err);
/* Hands the measurements over to *out (the caller frees them), or frees
 * them when out is NULL. */
void drive_end(struct drive *d, struct collect *out);
/* At most twice a second, on stderr when asked for: the share of the run
 * simulated up to now_s and an estimate of the time left. */
void drive_progress(struct drive *d, double now_s, uint64_t arrivals);

#endif
