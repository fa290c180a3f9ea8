#include "run/progress.h"

#include <stdio.h>
#include <time.h>

double progress_wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

void progress_init(struct progress *pg, const struct scenario *sc, uint32_t rep, int on)
{
	pg->sc = sc;
	pg->replication = rep;
	pg->on = on;
	pg->started_wall_s = progress_wall_s();
	pg->next_wall_s = pg->started_wall_s + 0.5;
}

void progress_show(struct progress *pg, double now_s, uint64_t arrivals)
{
	if (!pg->on)
		return;
	double w = progress_wall_s();
	if (w < pg->next_wall_s)
		return;
	pg->next_wall_s = w + 0.5;
	double frac = now_s / pg->sc->duration_s;
	double elapsed = w - pg->started_wall_s;
	double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
#pragma omp critical(progress)
	fprintf(stderr, "\r[replication %u/%u] %5.1f%% of %g s simulated, %llu arrivals, ETA %.0f s   ",
		pg->replication + 1, pg->sc->replications, 100 * frac, pg->sc->duration_s,
		(unsigned long long)arrivals, eta);
}
