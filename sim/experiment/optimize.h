/*
 * optimize: the cheapest (or fastest) configuration that meets SLOs.
 *
 * Owns the --vary / --slo / --objective syntax, the search, and its outputs.
 * Parameters are lists (categorical or numeric values, all enumerated:
 * providers, keep-alive policies, chosen memory sizes) or ranges ("lo:hi"
 * real, integer when both ends are integers; "lo:hi:step" a lattice). The
 * search starts with every combination of list values times a grid of
 * `grid` points per range. A combination with several ranges is then refined
 * by grids: its ranges shrink to the neighbours of its best point and a finer
 * grid is simulated, for up to `rounds` rounds or until the lattice (or 1e-4
 * of the range) is resolved. A combination with one range whose first-grid
 * best point is strictly below both neighbours is handed to GSL's Brent
 * minimiser on that bracket (OPTIMIZE_AUTO, the default; OPTIMIZE_GRID
 * always refines by grids): the parameter is treated as continuous, each
 * trial is rounded to the lattice, infeasible points weigh more than any
 * feasible one, and it stops at the same resolution (two lattice steps or
 * 1e-4 of the range), then, on a lattice, walks to a point no worse than
 * either lattice neighbour. A point is feasible when the mean of
 * every SLO figure over replications satisfies its bound. The best feasible
 * point minimises the objective's mean; points whose 95 % intervals overlap
 * the best's are ties: they are re-simulated with more replications (up to
 * max_replications) and, if still tied, the secondary figure (p99 latency
 * for cost objectives, total cost otherwise) decides. Every point runs with
 * the scenario's seed (common random numbers), so differences between points
 * are not drowned in sampling noise.
 *
 * The balanced objective (OPTIMIZE_BALANCED) is, as in `slsim report`,
 * cost_usd.total / its lowest value + latency_s.p99 / its lowest value, the
 * lowest values taken over the points explored (during the search, those
 * explored so far); its half-width combines the two relative half-widths in
 * quadrature.
 */
#ifndef SLSIM_OPTIMIZE_H
#define SLSIM_OPTIMIZE_H

#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "core/errbuf.h"
#include "experiment/points.h"
#include "run/run.h"
#include "run/stats.h"

enum slo_op { SLO_LE, SLO_LT, SLO_GE, SLO_GT };

struct optimize_slo {
	enum stats_figure figure;
	enum slo_op op;
	double bound;
	char text[128];           /* as given, for messages */
};

enum vary_kind { VARY_LIST, VARY_RANGE };

struct optimize_vary {
	char *path;
	enum vary_kind kind;
	size_t n_values;          /* list */
	json_t **values;
	double lo, hi, step;      /* range; step 0: real; > 0: lo + k step */
	int integer;              /* range values are integers */
};

/* Not a figure: cost / lowest cost + p99 / lowest p99 ("balanced"). */
#define OPTIMIZE_BALANCED ((enum stats_figure)FIG_COUNT)

enum optimize_method {
	OPTIMIZE_AUTO,            /* Brent for a combination with one range, else grids */
	OPTIMIZE_GRID,            /* grid refinement only */
};

struct optimize_spec {
	size_t n_vary;
	struct optimize_vary *vary;
	enum stats_figure objective;
	size_t n_slo;
	struct optimize_slo *slo;
	unsigned grid;            /* points per range per round, >= 3 */
	unsigned rounds;          /* refinement rounds, >= 1 */
	unsigned max_replications;/* for ties; 0: never add replications */
	enum optimize_method method;
};

/* Parsers for the command line; messages name the argument. */
int optimize_parse_vary(const char *arg, struct optimize_vary *out, struct errbuf *err);
int optimize_parse_slo(const char *arg, struct optimize_slo *out, struct errbuf *err);
/* "cost" (cost_usd.total), "latency" (latency_s.p99), "balanced"
 * (OPTIMIZE_BALANCED) or any figure name. */
int optimize_parse_objective(const char *arg, enum stats_figure *out, struct errbuf *err);
/* A figure by name or alias (p99, p50, mean, cost, cold_start_ratio...), or -1. */
int optimize_figure(const char *name);
void optimize_spec_free(struct optimize_spec *spec);

struct optimize_result {
	struct points grid;      /* every point simulated, in the order explored */
	int *feasible;            /* per point */
	long best;                /* -1: no point met the SLOs */
	long closest;             /* with best = -1: the point nearest to feasible */
	size_t n_tied;
	size_t *tied;             /* points tied with best (best included) */
	enum stats_figure secondary;
	double balance_cost_usd;  /* balanced: the lowest cost and p99 explored */
	double balance_p99_s;
	size_t n_combos;          /* combinations of list values */
	size_t n_brent;           /* of which searched by Brent's method (the rest by grids) */
	char decision[512];       /* how the best was chosen, for people */
};

/* The objective's name ("balanced" or the figure's) and, for point p of
 * r->grid, its mean and 95 % half-width (NAN where undefined). */
const char *optimize_objective_name(const struct optimize_spec *spec);
double optimize_objective(const struct optimize_spec *spec, const struct optimize_result *r, size_t p);
double optimize_objective_ci95(const struct optimize_spec *spec, const struct optimize_result *r, size_t p);

/* Whether value v meets SLO s (NAN never does); how far point p of r->grid
 * is from meeting every SLO (0: it meets them; INFINITY: not simulated or
 * undefined), relative to each bound. */
int optimize_slo_met(const struct optimize_slo *s, double v);
double optimize_violation(const struct optimize_spec *spec, const struct optimize_result *r, size_t p);

/* base: the scenario document (after --set); extra replications are set
 * through "replications=N". */
int optimize_run(json_t *base, const char *scenario_path, const struct optimize_spec *spec,
		 const struct run_options *opt, struct optimize_result *out, struct errbuf *err);
void optimize_result_free(struct optimize_result *r);

/* Writes sweep.csv (every point), frontier.csv (point, parameters, objective
 * and SLO figures with half-widths, feasible, pareto, chosen) and
 * optimize.json into dir; with a best point, also its full run outputs
 * (summary.json, timeseries.csv, ... as `slsim run` writes them). */
int optimize_write(const char *dir, const struct optimize_spec *spec,
		   const struct optimize_result *r, const struct run_options *opt, struct errbuf *err);

/* The frontier as a table (best first, then by objective), and the verdict. */
void optimize_print(FILE *fp, const struct optimize_spec *spec, const struct optimize_result *r);

#endif
