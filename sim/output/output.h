/*
 * output: the files and the table a run produces.
 *
 * Owns the layout of summary.json, summary.csv, timeseries.csv,
 * latency_cdf.csv and scenario.json (documented in README.md), the human
 * table on stdout, and how every CSV file of slsim writes a text field and
 * a number (output_csv_field, output_csv_number).
 * Every file is written to a temporary name in the output folder and renamed
 * into place, so an interrupted run never leaves a half-written file.
 */
#ifndef SLSIM_OUTPUT_H
#define SLSIM_OUTPUT_H

#include <stdio.h>
#include <jansson.h>
#include "core/errbuf.h"
#include "run/run.h"
#include "scenario/scenario.h"

/* Creates dir (and its parents) if needed. */
int output_mkdirs(const char *dir, struct errbuf *err);

/* The summary document (summary.json's content); caller owns the reference. */
json_t *output_summary_json(const struct scenario *sc, const struct run_result *r);

/* Writes all five files into dir. */
int output_write_run(const char *dir, const struct scenario *sc, const struct run_result *r,
		     struct errbuf *err);

/* Writes text produced by fn(ctx, fp) to dir/name atomically. */
int output_write_atomic(const char *dir, const char *name, int (*fn)(void *ctx, FILE *fp),
			void *ctx, struct errbuf *err);

/* Writes s as one CSV field, quoted (quotes doubled) when it is empty, holds
 * a separator, quote or line break, or starts or ends with a blank, so that
 * libcsv reads back exactly s. */
void output_csv_field(FILE *fp, const char *s);

/* Writes sep, then v as a CSV number: %.17g (reads back as the same
 * double), nothing when v is undefined (NAN or infinite). Every CSV file of
 * slsim writes its numbers through it. */
void output_csv_number(FILE *fp, const char *sep, double v);

/* The short table of headline figures. */
void output_print_table(FILE *fp, const struct scenario *sc, const struct run_result *r);

#endif
