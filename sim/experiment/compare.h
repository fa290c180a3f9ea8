/*
 * compare: one scenario run once per keep-alive policy of its
 * "compare": {"keepalive": [policy, ...]} list, every function taking that
 * policy in turn.
 *
 * Owns building the variants (all validated before anything runs), their
 * labels (a variant's optional "label", else its policy name, made unique by
 * its position) and compare.csv: header `keepalive`, then for each figure of
 * STATS_FIGURES its dotted name and `<name>.ci95`; one row per variant, in
 * list order, with the totals (ALL functions); numbers printed with %.17g,
 * empty when undefined. Each variant's own files go to <dir>/<label>/.
 */
#ifndef SLSIM_COMPARE_H
#define SLSIM_COMPARE_H

#include <stdio.h>
#include "core/errbuf.h"
#include "run/run.h"
#include "scenario/scenario.h"

#define COMPARE_LABEL_MAX 128

/* Variants in sc (0 when it has no "compare"). */
size_t compare_count(const struct scenario *sc);

/* Builds variant i into *out (to scenario_free) and its label. Messages name
 * compare.keepalive[i]. */
int compare_variant(const struct scenario *sc, size_t i, struct scenario *out,
		    char label[COMPARE_LABEL_MAX], struct errbuf *err);

/* Runs every variant, writes <dir>/<label>/ and <dir>/compare.csv, and
 * prints each variant's table to `table` (NULL: quiet). */
int compare_run(const struct scenario *sc, const struct run_options *opt, const char *dir,
		FILE *table, struct errbuf *err);

#endif
