/*
 * report: a capacity-planning report of a results folder.
 *
 * Owns DIR/report.html (one self-contained page: styles inline, plots
 * embedded as base64 PNG) and its Markdown twin DIR/report.md (plots linked
 * from plots/): leading, when best_per_provider.csv is there (slsim optimize
 * over providers), each provider's best configuration and one sentence on
 * the cheapest (or best by the objective) and its margin over the next; the
 * scenario (each function's service and arrival models in words), the
 * headline figures with 95 % intervals, the monthly cost estimate (730 h), the best configuration per objective (from
 * sweep.csv and optimize.json when present), serverless against always-on
 * VMs (when the scenario has a "baseline": baseline.csv, simulated at several
 * traffic scales) and the plots (drawn through sim/output/plot.c).
 */
#ifndef SLSIM_REPORT_H
#define SLSIM_REPORT_H

#include <stddef.h>
#include "core/errbuf.h"
#include <jansson.h>
#include "run/run.h"
#include "scenario/baseline.h"

#define REPORT_MAX_SCALES 32

/* Simulates the scenario document scen (validated as where) at each of the
 * n traffic scales, prices each both ways into out[0 .. n) and writes
 * dir/baseline.csv; *kinds gets the BASELINE_SRC_* bits of the traffic
 * sources scaled. The command line fills it with sim/experiment/baseline.c's
 * baseline_report_curve (the output layer does not run simulations). */
typedef int (*report_baseline_fn)(void *ctx, const json_t *scen, const char *where,
				  const struct baseline_cfg *b, const double *scales, size_t n,
				  const char *dir, struct baseline_point *out, unsigned *kinds,
				  struct errbuf *err);

struct report_options {
	struct run_options run;        /* for the traffic-scale simulations */
	/* The baseline section's curve; NULL: no such section. */
	report_baseline_fn baseline_curve;
	void *baseline_ctx;            /* its ctx (e.g. &run) */
	size_t n_scales;               /* 0: the default scales */
	double scales[REPORT_MAX_SCALES];
	const char *metric;            /* heat-map figure, NULL: default */
	int log_y;                     /* plot_options.log_y */
};

/* The default traffic scales of the baseline curve. */
extern const double report_default_scales[];
extern const size_t report_n_default_scales;

/* Reads dir (a `slsim run`, `sweep` or `optimize` output folder) and writes
 * report.html, report.md, plots/ and, with a baseline, baseline.csv. */
int report_dir(const char *dir, const struct report_options *opt, struct errbuf *err);

#endif
