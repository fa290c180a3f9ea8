#include "run/drive.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

double drive_wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int drive_init(struct drive *d, const struct scenario *sc, uint32_t rep, const struct run_options *opt,
	       struct errbuf *err)
{
	d->sc = sc;
	d->replication = rep;
	d->err = err;
	d->stop = opt ? opt->stop : NULL;
	d->progress = opt && opt->progress;
	d->started_wall_s = drive_wall_s();
	d->next_progress_wall_s = d->started_wall_s + 0.5;
	return collect_init(&d->c, sc, rep, err);
}

void drive_end(struct drive *d, struct collect *out)
{
	if (out) {
		*out = d->c;
		out->engine = NULL;
		memset(&d->c, 0, sizeof(d->c));
	}
	collect_free(&d->c);
}

void drive_progress(struct drive *d, double now_s, uint64_t arrivals)
{
	if (!d->progress)
		return;
	double w = drive_wall_s();
	if (w < d->next_progress_wall_s)
		return;
	d->next_progress_wall_s = w + 0.5;
	double frac = now_s / d->sc->duration_s;
	double elapsed = w - d->started_wall_s;
	double eta = frac > 0 ? elapsed * (1 - frac) / frac : 0;
#pragma omp critical(progress)
	fprintf(stderr, "\r[replication %u/%u] %5.1f%% of %g s simulated, %llu arrivals, ETA %.0f s   ",
		d->replication + 1, d->sc->replications, 100 * frac, d->sc->duration_s,
		(unsigned long long)arrivals, eta);
}

