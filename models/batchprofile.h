/*
 * batchprofile: a batch's service time as a function of its size, measured
 * and given as a CSV file (functions[i].batch.service.profile), interpolated
 * piecewise-linearly in the size with gsl_interp_linear.
 *
 * The file has a header naming the columns batch_size and service_s (others
 * are ignored, in any order), then one row per measured size: batch_size a
 * whole number in [1, 1e9], strictly increasing from row to row, service_s a
 * number of seconds in [0, 1e9]. At least one row.
 * Between measured sizes the time is interpolated linearly; a measured size
 * gives its measured time exactly. Below the smallest size the time is that
 * size's (clamped: a batch smaller than any measured is taken to cost as much,
 * never less); above the largest it is extrapolated linearly from the last
 * two points (one point: constant), never below 0, so a max_size beyond the
 * measurements keeps growing at the last measured slope.
 * Errors name file:line:column (the column's number and name).
 */
#ifndef SLSIM_MODELS_BATCHPROFILE_H
#define SLSIM_MODELS_BATCHPROFILE_H

#include <stddef.h>
#include "core/errbuf.h"

struct batchprof;

int batchprof_load(struct batchprof **out, const char *path, struct errbuf *err);
void batchprof_free(struct batchprof *p);

/* Seconds for a batch of n requests (n >= 1). */
double batchprof_service_s(const struct batchprof *p, double n);

/* The measured points (for tests and reports): sizes and seconds. */
size_t batchprof_points(const struct batchprof *p, const double **size, const double **service_s);

#endif
