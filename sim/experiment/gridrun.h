/*
 * gridrun: simulating a list of points of a scenario and writing sweep.csv.
 *
 * A point gives a JSON value to each of a fixed list of scenario PATHs
 * (functions[0].memory_mb, provider, ...); it is the base document with those
 * assignments applied, validated and run like `slsim run --set`. Owns the
 * table of evaluated points (values, figure means and 95 % half-widths over
 * replications), its lookup (a point is simulated once) and the sweep.csv
 * layout shared with `slsim sweep` (README.md "sweep.csv"): `point`, one
 * column per PATH, then each STATS_FIGURES name and `<name>.ci95`.
 * Points run one after another; each run spreads its replications over the
 * threads, so the table is the same whatever the thread count.
 */
#ifndef SLSIM_GRIDRUN_H
#define SLSIM_GRIDRUN_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "core/errbuf.h"
#include "run/run.h"
#include "run/stats.h"

struct gridrun {
	json_t *base;              /* the scenario document the points modify */
	char *scenario_path;       /* anchors relative trace paths, names errors */
	struct run_options opt;
	size_t n_paths;
	char **paths;
	size_t n_points, cap;
	json_t **values;           /* n_points x n_paths, owned */
	double *mean, *ci95;       /* n_points x FIG_COUNT; NAN where undefined */
	uint32_t *replications;    /* per point */
	double window_s;           /* duration_s - warmup_s of the base scenario */
};

/* Takes a reference to base; scenario_path as for scenario_from_json. */
int gridrun_init(struct gridrun *g, json_t *base, const char *scenario_path,
		 const char *const *paths, size_t n_paths, const struct run_options *opt,
		 struct errbuf *err);
void gridrun_free(struct gridrun *g);

/* The point with these values (n_paths of them, borrowed), simulated unless
 * already in the table; extra_sets ("PATH=VALUE", may be NULL) are applied
 * after the values, e.g. a replication count. *index receives its row. A
 * point the scenario rejects is ERR_INPUT with the validation message. */
int gridrun_eval(struct gridrun *g, json_t *const *values, const char *const *extra_sets,
		 size_t n_extra, size_t *index, struct errbuf *err);
/* Simulates row `point` again with extra_sets (e.g. "replications=20")
 * and replaces its figures. */
int gridrun_rerun(struct gridrun *g, size_t point, const char *const *extra_sets, size_t n_extra,
		  struct errbuf *err);
/* Row of the point with these values, or -1. */
long gridrun_find(const struct gridrun *g, json_t *const *values);

/* Convenience accessors; NAN where undefined. */
double gridrun_mean(const struct gridrun *g, size_t point, enum stats_figure f);
double gridrun_ci95(const struct gridrun *g, size_t point, enum stats_figure f);

/* A value as written in CSV cells and tables: strings bare, integers as
 * integers, reals %.17g, anything else compact JSON. Caller frees. */
char *gridrun_value_text(const json_t *v);

/* Writes the table as sweep.csv-formatted text to fp (rows in table order). */
int gridrun_write_csv(const struct gridrun *g, FILE *fp);
/* Writes it atomically to dir/name. */
int gridrun_save_csv(const struct gridrun *g, const char *dir, const char *name, struct errbuf *err);

#endif
