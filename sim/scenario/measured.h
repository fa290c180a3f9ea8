/*
 * measured: a function's service time from measured durations at several
 * memory sizes (functions[i].service.measured), interpolated to the
 * function's memory_mb, instead of a distribution or the `work` model.
 *
 * Owns the three table forms (scenarios/README.md, "Measured durations"):
 *   {"sizes": [{"memory_mb": 128, "p50_s": .., "p90_s": .., "p99_s": ..}, ...]}
 *       quantiles (keys p<percent>_s, the same in every entry) or "mean_s";
 *   {"csv": "file.csv"}  raw samples, a header with memory_mb,duration_s;
 *   {"power_tuning": "out.json"}  AWS Lambda Power Tuning's output (its
 *       "stats" array, or "results"."stats": value = MB, averageDuration = ms);
 * plus "cv" (mean tables: 0 = constant, else lognormal of that cv) and
 * "outside" ("error", default, or "clamp": a memory size outside the
 * measured ones takes the nearest measured size's distribution).
 *
 * At a measured size the distribution is the measured one exactly: the
 * quantiles (a piecewise lognormal through them, dist_quantiles), the mean,
 * or the samples' empirical quantile function (order statistic i of n at
 * probability i / (n - 1), linear in between). Between sizes every quantile
 * (for samples: the quantiles at probabilities 0, 0.01, ..., 1) is
 * interpolated across memory with GSL's Steffen spline (gsl_interp_steffen;
 * linear with two sizes), which is monotone between neighbouring sizes and
 * so never leaves the range of their two values; quantiles that cross are
 * then raised to the one below (a running maximum, which keeps them
 * monotone in memory as well).
 */
#ifndef SLSIM_MEASURED_H
#define SLSIM_MEASURED_H

#include <stdint.h>
#include <jansson.h>
#include "core/dist.h"
#include "core/errbuf.h"

/* The service distribution of `service` (a function's "service" object,
 * `where` its "file: json.path") at memory_mb into *out: a {"measured": ...}
 * object as above (files relative to dir unless absolute), or any other
 * object through dist_from_json. ERR_INPUT names the JSON path, or the
 * file and line (CSV) or line:column (JSON) of a table file. */
int measured_service(const json_t *service, const char *dir, uint32_t memory_mb, const char *where,
		     struct dist *out, struct errbuf *err);

#endif
