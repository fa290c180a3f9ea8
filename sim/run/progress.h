/*
 * progress: the line on stderr that tells how far a replication has come,
 * and the wall clock it is timed by. Private to sim/run (both drivers show
 * it).
 */
#ifndef SLSIM_RUN_PROGRESS_H
#define SLSIM_RUN_PROGRESS_H

#include <stdint.h>
#include "scenario/scenario.h"

struct progress {
	const struct scenario *sc;
	uint32_t replication;
	int on;                     /* 0: progress_show does nothing */
	double started_wall_s, next_wall_s;
};

/* Seconds on a monotonic clock. */
double progress_wall_s(void);
void progress_init(struct progress *pg, const struct scenario *sc, uint32_t rep, int on);
/* At most twice a second: the share of the run simulated up to now_s and an
 * estimate of the time left. */
void progress_show(struct progress *pg, double now_s, uint64_t arrivals);

#endif
