/*
 * validate: the real-platform validation (README "Validation"): measured
 * experiments of one function under Poisson arrivals (the SimFaaS AWS Lambda
 * data set, ../shared/validation), each simulated under a model variant at
 * every point of its parameter grid, and the variant's free parameter chosen
 * by leave-one-out cross-validation (loo.h) on the cold-start probability and
 * the average instance count.
 *
 * Owns reading the data file, the list of variants (what each changes, its
 * grid, the source of the behaviour) and the per-experiment z-scores
 * (simulated - measured) / ColdStartProbabilitySE.
 */
#ifndef SLSIM_VALIDATE_H
#define SLSIM_VALIDATE_H

#include <stddef.h>
#include <stdint.h>
#include "core/errbuf.h"

#define VALIDATE_MAX_GRID 16
#define VALIDATE_METRICS 2   /* 0: cold-start probability, 1: average instance count */

struct validate_row {
	char name[64];
	double rate_per_s, warm_s, cold_s, idle_s;
	double instances, prob, prob_se;   /* measured */
};

struct validate_variant {
	const char *name;      /* "plain", "add", "dispatch", "jitter-uniform", ... */
	const char *param;     /* what the grid varies */
	const char *labels[VALIDATE_MAX_GRID];   /* the grid points, for the report */
	size_t n_grid;
};

/* Reads the data file's rows (columns by header name). Returns 0 or <0 with
 * a message naming file:line. *rows is to free(). */
int validate_read(const char *path, struct validate_row **rows, size_t *n, struct errbuf *err);

size_t validate_variant_count(void);
const struct validate_variant *validate_variant_at(size_t i);
const struct validate_variant *validate_variant_find(const char *name);

/* Simulates `row` under variant v at grid point g: about `requests`
 * requests (duration requests / rate), seed `seed`; fills out[0] (cold-start
 * probability) and out[1] (average instance count). */
int validate_simulate(const struct validate_variant *v, size_t g, const struct validate_row *row,
		      uint64_t seed, double requests, double out[VALIDATE_METRICS], struct errbuf *err);

struct validate_result {
	size_t n_rows, n_grid;
	double *pred;       /* loo.h layout: [g][metric][row] */
	size_t *chosen;     /* per row, the grid point fitted without it */
	double *loo;        /* [metric][row]: row predicted at chosen[row] */
	double *z;          /* [row]: (loo cold-start probability - measured) / SE */
	size_t within_2se;
	double mape[VALIDATE_METRICS];   /* of the LOO predictions, % */
	size_t fit_all;     /* the grid point fitted on all rows */
};

/* Every row at every grid point (row k seeded seed + k), then LOO. */
int validate_run(const struct validate_variant *v, const struct validate_row *rows, size_t n,
		 uint64_t seed, double requests, struct validate_result *out, struct errbuf *err);
/* The z-scores, 2-SE count and MAPEs of out->loo against rows. */
void validate_score(const struct validate_row *rows, struct validate_result *out);
void validate_result_free(struct validate_result *r);

#endif
