/*
 * baseline: the scenario's always-on virtual machines, priced for comparison.
 *
 * Owns the scenario's "baseline" object (scenarios/README.md), the VM cost
 * arithmetic (enough VMs for the peak interval's arrival rate all the time,
 * or for each interval's rate), the row of baseline.csv (one traffic scale,
 * priced both ways) and the break-even scale of a curve of such rows. A
 * month is 730 hours, as in the providers' pricing calculators. Simulating
 * the scaled traffic and writing baseline.csv is sim/experiment/baseline.c's.
 */
#ifndef SLSIM_SCENARIO_BASELINE_H
#define SLSIM_SCENARIO_BASELINE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "core/errbuf.h"

#define BASELINE_MONTH_S 2628000.0   /* 730 h */

enum baseline_scale { BASELINE_PEAK, BASELINE_AUTOSCALE };

/* Kinds of traffic source a scaled scenario holds (bits), so that a report
 * says how each was scaled. */
enum baseline_source {
	BASELINE_SRC_POISSON = 1,     /* rate times the scale */
	BASELINE_SRC_PERIODIC = 2,    /* period, jitter, phase divided by it */
	BASELINE_SRC_TRACE = 4,       /* trace files: thinned, or copies added */
	BASELINE_SRC_GENERATOR = 8,   /* a generator's rate parameters */
};

struct baseline_cfg {
	double vcpus;                  /* descriptive: shown in reports */
	double memory_gb;              /* descriptive */
	double hourly_usd;             /* price of one VM-hour */
	double requests_per_s_per_vm;  /* sustainable throughput of one VM */
	uint32_t min_vms;
	enum baseline_scale scale;
};

/* Validates doc's "baseline" (where names the file: "s.json"). Returns 1 and
 * fills *out when present, 0 when absent; out may be NULL to only check. */
int baseline_parse(const json_t *doc, const char *where, struct baseline_cfg *out,
		   struct errbuf *err);

/* One interval of arrivals (a time-series row). */
struct baseline_bin {
	double t_start_s, t_end_s;
	double arrivals;               /* mean over replications */
};

struct baseline_cost {
	double vm_usd;                 /* over the window */
	double vm_monthly_usd;         /* vm_usd scaled to 730 h */
	double peak_rate_per_s;        /* highest interval rate in the window */
	uint32_t peak_vms;
	double mean_vms;               /* time average over the window */
};

/* VMs in an interval: max(min_vms, ceil(rate / requests_per_s_per_vm)). The
 * window [lo_s, hi_s] (the measured window) sets the billed hours; bins count
 * only where they overlap it. */
void baseline_vm_cost(const struct baseline_cfg *b, const struct baseline_bin *bins, size_t n,
		      double lo_s, double hi_s, struct baseline_cost *out);

/* One traffic scale priced both ways: a row of baseline.csv. */
struct baseline_point {
	double scale;
	double serverless_monthly_usd, serverless_ci95;   /* ci95: NAN with 1 replication */
	double invocations;                                /* per window, mean */
	struct baseline_cost vm;
};

/* The smallest traffic scale at which serverless costs as much as the VMs:
 * the first sign change of serverless - vm from below, interpolated linearly
 * in log(scale). NAN when serverless stays cheaper (or dearer) throughout. */
double baseline_break_even(const struct baseline_point *pts, size_t n);

#endif
