/*
 * plot: figures of a run, sweep or optimisation folder, drawn by gnuplot.
 *
 * Owns deciding which plots a folder's CSV files call for (run: latency CDF,
 * time series, per-function bars; sweep.csv: cost and latency against one
 * numeric parameter, the keep-alive trade-off, bars per category such as
 * provider, a heat map for two parameters; baseline.csv: serverless against
 * VMs; compare.csv: the keep-alive policies' cold starts against idle
 * GB-s), writing the gnuplot scripts (compiled into the binary from
 * scripts/gnuplot/) into DIR/plots/, and running gnuplot on them as a
 * separate program to produce DIR/plots/<name>.png and .svg. gnuplot's own
 * messages go to DIR/plots/gnuplot.log. The program is `gnuplot` on the
 * PATH, or $SLSIM_GNUPLOT.
 */
#ifndef SLSIM_PLOT_H
#define SLSIM_PLOT_H

#include <stddef.h>
#include "core/errbuf.h"

#define PLOT_MAX 16

struct plot_options {
	const char *metric;     /* heat-map figure; NULL: cost_usd.per_million */
	int log_y;              /* log y axes on the sweep plots; 0: only where
				 * max / min of the positive values > PLOT_LOG_RATIO */
};

/* A sweep plot's cost or latency axis is log-scale (without --log-y) when
 * its largest positive value is more than this times its smallest: a point
 * that dwarfs the rest would flatten them on a linear axis. */
#define PLOT_LOG_RATIO 100

struct plot_item {
	char name[64];          /* DIR/plots/<name>.png and .svg */
	char title[160];
};

struct plot_set {
	size_t n;
	struct plot_item item[PLOT_MAX];
	char notes[1024];       /* what was not plotted and why, for the user */
};

/* Plots whatever dir holds. ERR_INPUT when it holds nothing to plot or a bad
 * CSV; ERR_RUNTIME when gnuplot is missing or fails (the message says which
 * and points at gnuplot.log). */
int plot_dir(const char *dir, const struct plot_options *opt, struct plot_set *out,
	     struct errbuf *err);

/* Writes the embedded scripts into dir (for running them by hand). */
int plot_write_scripts(const char *dir, struct errbuf *err);

#endif
