/*
 * points: the one point runner of the experiments, and sweep.csv.
 *
 * A point gives a JSON value to each of a fixed list of scenario PATHs
 * (functions[0].memory_mb, provider, ...); it is the base document with those
 * assignments applied, validated and run like `slsim run --set`. Owns
 * simulating one scenario document (points_simulate: `slsim optimize`, the
 * VM baseline's traffic scales), the figures of a point (means and 95 %
 * half-widths over replications, NAN where undefined), the memoised table of
 * evaluated points (a point is simulated once: `slsim optimize`), and the
 * sweep.csv layout shared by `slsim sweep`, its merge and `slsim optimize`
 * (README.md "sweep.csv"): `point`, one column per PATH, then each
 * STATS_FIGURES name and `<name>.ci95`, then `status` (`ok`; `ok
 * (memory_fit: functions[0].memory_mb=1024)` when memory_fit gave a
 * function another size than the one requested; `infeasible: <why>` for a
 * point whose scenario the validation rejects: its figures are empty),
 * then a caller's extra columns.
 * Points run one after another; each run spreads its replications over the
 * threads, so the table is the same whatever the thread count. (`slsim
 * sweep` runs many points at once: sim/experiment/sweep.c.)
 */
#ifndef SLSIM_POINTS_H
#define SLSIM_POINTS_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "core/errbuf.h"
#include "run/run.h"
#include "run/stats.h"
#include "scenario/scenario.h"

/* One simulated scenario document: its scenario and result. */
struct points_sim {
	struct scenario sc;
	struct run_result res;
};

/* Validates doc as scenario_path (scenario_from_json) and runs it with opt;
 * on success *out holds both, to points_sim_free. */
int points_simulate(json_t *doc, const char *scenario_path, const struct run_options *opt,
		    struct points_sim *out, struct errbuf *err);
void points_sim_free(struct points_sim *s);

/* A point's figures from its replications' fold: means (NAN where no
 * replication defines the figure) and 95 % half-widths. */
void points_figures(const struct stats_fold *f, double mean[FIG_COUNT], double ci95[FIG_COUNT]);

struct points {
	json_t *base;              /* the scenario document the points modify */
	char *scenario_path;       /* anchors relative trace paths, names errors */
	struct run_options opt;
	size_t n_paths;
	char **paths;
	size_t n_points, cap;
	json_t **values;           /* n_points x n_paths, owned */
	double *mean, *ci95;       /* n_points x FIG_COUNT; NAN where undefined */
	uint32_t *replications;    /* per point (0 when infeasible) */
	char **status;             /* per point: NULL (ok), or its status text (owned) */
	double window_s;           /* duration_s - warmup_s of the base scenario */
};

/* Takes a reference to base; scenario_path as for scenario_from_json. */
int points_init(struct points *g, json_t *base, const char *scenario_path,
		const char *const *paths, size_t n_paths, const struct run_options *opt,
		struct errbuf *err);
void points_free(struct points *g);

/* The point with these values (n_paths of them, borrowed), simulated unless
 * already in the table; extra_sets ("PATH=VALUE", may be NULL) are applied
 * after the values, e.g. a replication count. *index receives its row. A
 * point the scenario validation rejects (ERR_INPUT) is not an error: its
 * row is infeasible (points_infeasible gives the message, figures NAN), so
 * one point a provider does not offer leaves the others to run. A value the
 * PATH cannot take (scenario_apply_set) is ERR_INPUT. */
int points_eval(struct points *g, json_t *const *values, const char *const *extra_sets,
		size_t n_extra, size_t *index, struct errbuf *err);
/* The base document with these values (n_paths of them) and then extra_sets
 * applied, as points_eval simulates it (caller decrefs *out). */
int points_doc(const struct points *g, json_t *const *values, const char *const *extra_sets,
	       size_t n_extra, json_t **out, struct errbuf *err);
/* Simulates row `point` again with extra_sets (e.g. "replications=20")
 * and replaces its figures. */
int points_rerun(struct points *g, size_t point, const char *const *extra_sets, size_t n_extra,
		 struct errbuf *err);
/* Row of the point with these values, or -1. */
long points_find(const struct points *g, json_t *const *values);

/* The status of an infeasible point starts with this. */
#define POINTS_INFEASIBLE "infeasible: "

/* Why row `point` is infeasible (the validation message), or NULL. */
const char *points_infeasible(const struct points *g, size_t point);
/* Row `point`'s status text; NULL for plain "ok". */
const char *points_status(const struct points *g, size_t point);

/* Convenience accessors; NAN where undefined. */
double points_mean(const struct points *g, size_t point, enum stats_figure f);
double points_ci95(const struct points *g, size_t point, enum stats_figure f);

/* A value as written in CSV cells and tables: strings bare, integers as
 * integers, reals %.17g, anything else compact JSON. Caller frees. */
char *points_value_text(const json_t *v);

/* sweep.csv's columns after the figures (frontier.csv: all of them after
 * the values). header writes ",name" cells; row writes ",value" cells of
 * row `row` of the caller's table and returns 0, or -1 on failure. */
struct points_csv_extra {
	void (*header)(void *ctx, FILE *fp);
	int (*row)(void *ctx, FILE *fp, size_t row);
	void *ctx;
};

/* The header line: point, the paths, the figure pairs (unless figures is
 * 0), then extra's columns (extra may be NULL). */
void points_csv_header(FILE *fp, const char *const *paths, size_t n_paths, int figures,
		       const struct points_csv_extra *extra);
/* One line: the point's number, its values (points_value_text, quoted as
 * needed), the figure pairs and status when mean and ci95 are given
 * (numbers through output_csv_number; status NULL for `ok`), then
 * extra's cells of `row`. -1 when out of memory or extra fails. */
int points_csv_row(FILE *fp, uint64_t point, json_t *const *values, size_t n_values,
		   const double *mean, const double *ci95, const char *status,
		   const struct points_csv_extra *extra, size_t row);
/* The status cell with its comma: ",ok" for NULL, else the text on one
 * line, quoted as needed. */
void points_csv_status(FILE *fp, const char *status);

/* Writes the table as sweep.csv to fp (rows in table order). */
int points_write_csv(const struct points *g, FILE *fp);
/* Writes it atomically to dir/name. */
int points_save_csv(const struct points *g, const char *dir, const char *name, struct errbuf *err);

#endif
