/*
 * baseline: the scenario's traffic scaled and simulated, priced against
 * always-on VMs (the "baseline" object and its arithmetic are
 * sim/scenario/baseline.h's).
 *
 * Owns the scaling of a scenario's traffic (arrival rates multiplied by a
 * factor, for every kind of source), the monthly-cost curve of serverless against VMs over traffic
 * scales, and baseline.csv.
 */
#ifndef SLSIM_EXPERIMENT_BASELINE_H
#define SLSIM_EXPERIMENT_BASELINE_H

#include <stddef.h>
#include <jansson.h>
#include "core/errbuf.h"
#include "run/run.h"
#include "scenario/baseline.h"

/* Multiplies every source of traffic in doc by factor: Poisson rates times
 * factor; periodic period, jitter and phase divided by it; the "workload"
 * (trace file or generator) and per-function arrivals.process "trace" files
 * through their traffic_scale, multiplied by factor (thinning and copies,
 * sim/workload/tscale.h; generators scale their rate parameters). *kinds
 * gets the BASELINE_SRC_* bits (scenario/baseline.h) of the sources met. */
int baseline_scale_traffic(json_t *doc, double factor, unsigned *kinds, struct errbuf *err);

/* Simulates doc (validated as scenario_path) at each traffic scale and prices
 * it both ways; out has n_scales entries. */
int baseline_curve(const json_t *doc, const char *scenario_path, const struct baseline_cfg *b,
		   const double *scales, size_t n_scales, const struct run_options *opt,
		   struct baseline_point *out, unsigned *kinds, struct errbuf *err);

/* baseline.csv: traffic_scale, invocations, serverless_monthly_usd,
 * serverless_monthly_usd.ci95, vm_monthly_usd, vms_peak, vms_mean. */
int baseline_write_csv(const char *dir, const struct baseline_point *pts, size_t n,
		       struct errbuf *err);

/* The curve and baseline.csv in dir, as `slsim report` wants them: the
 * report_options.baseline_curve hook, with ctx a const struct run_options *. */
int baseline_report_curve(void *ctx, const json_t *doc, const char *scenario_path,
			  const struct baseline_cfg *b, const double *scales, size_t n_scales,
			  const char *dir, struct baseline_point *out, unsigned *kinds,
			  struct errbuf *err);

#endif
