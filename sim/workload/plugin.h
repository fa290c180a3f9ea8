/*
 * plugin: the interface between trace.c and the workload plug-ins, private to
 * sim/workload (nothing outside it includes this header).
 *
 * A plug-in is one file holding one ops struct that carries its name: a row
 * format (formats/, rows of one CSV file are arrivals), a custom format
 * (azure2019, the "generator" format) or a generator pattern (generators/).
 * registry.c lists every plug-in on one line each; lookups, messages and
 * --help lists come from that table. Adding a format is one new file and one
 * registry line.
 *
 * The helpers below are what plug-ins call back: function discovery, times,
 * row counts, dates, the column-count check, and the csv format's reader that
 * arrivals.process "trace" (workload.c) replays through.
 */
#ifndef SLSIM_WORKLOAD_PLUGIN_H
#define SLSIM_WORKLOAD_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <gsl/gsl_rng.h>
#include "core/csvreader.h"
#include "core/errbuf.h"
#include "workload/trace.h"

/* ---- row formats ------------------------------------------------------- */

/* What a row format makes of one CSV row. */
struct trace_row {
	double t_s;                 /* unshifted */
	const char *function;
	double duration_s;          /* NAN when the format has none */
	double memory_mb;           /* NAN when the format has none */
	const char *trigger;        /* NULL when the format has none */
	/* An LLM request's tokens (azure-llm), 0 and 0 when the format has
	 * none: the platform serves it token by token (functions[i].llm). */
	uint32_t prompt_tokens, output_tokens;
};

/* A format whose rows are arrivals (one CSV file, "path"). trace.c checks
 * that every row has as many fields as the header and owns the per-file
 * state (state_size bytes, zeroed, freed with free()). */
struct trace_rowfmt_ops {
	const char *name;           /* the "format" value */
	const char *const *keys;    /* its keys beyond "format", "path" and the common ones */
	int (*parse)(const json_t *spec, const char *where, void **cfg, struct errbuf *err);
	/* Optional: reads files the format's keys name, relative to dir (the
	 * scenario's folder) unless absolute; called once after parse. */
	int (*load)(void *cfg, const char *dir, struct errbuf *err);
	void (*free_cfg)(void *cfg);
	size_t state_size;
	/* Checks the header and fills *state (read per file). */
	int (*header)(const void *cfg, const struct csvr *r, const struct csvr_row *h, void *state,
		      struct errbuf *err);
	/* 1: *out filled; 0: a row the format skips by design (counted as
	 * rows_skipped_status); <0: a bad row (message naming file:line). */
	int (*row)(void *state, const struct csvr *r, const struct csvr_row *row, struct trace_row *out,
		   struct errbuf *err);
};

/* ---- custom formats ---------------------------------------------------- */

/* A format with its own preparation and replay (azure2019, generators). */
struct trace_custom_ops {
	const char *name;           /* the "format" value */
	const char *const *keys;    /* its keys beyond "format" and the common ones; NULL: it checks its own */
	/* The key a single file given on a command line goes to, as [file];
	 * NULL when the format reads no file (trace_spec_for_file). */
	const char *file_list_key;
	/* Arrivals drawn, not read (the "generator" format): it checks its own
	 * keys (they depend on the pattern) and has no invocation counts. */
	int generated;
	/* Discovers functions (trace_add_function) and times (trace_set_times). */
	int (*prepare)(struct trace *t, const json_t *spec, const char *where, const char *dir,
		       void **data, struct errbuf *err);
	void (*free_data)(void *data);
	/* next yields unshifted times, trace function indexes and durations;
	 * it may skip functions whose map entry is UINT32_MAX itself. */
	int (*open)(const struct trace *t, const void *data, uint64_t seed, uint32_t replication,
		    const uint32_t *fn_map, void **it, struct errbuf *err);
	int (*next)(void *it, struct trace_arrival *a, struct errbuf *err);
	void (*close)(void *it);
};

/* ---- generators (patterns of the "generator" format) --------------------- */

struct trace_generator_ops {
	const char *name;           /* the "pattern" value */
	const char *const *keys;    /* its parameters beyond "format", "pattern", "duration_s" */
	/* Its parameters: cfg_size bytes, zeroed and freed by the "generator"
	 * format; parse reads them and adds its functions (trace_add_function). */
	size_t cfg_size;
	int (*parse)(struct trace *t, const json_t *spec, const char *where, void *cfg, struct errbuf *err);
	/* A replay: it_size bytes, zeroed and freed by the "generator" format;
	 * start fills them. rng is the replication's stream, valid until the
	 * end of the replay; arrivals after duration_s are dropped there. */
	size_t it_size;
	int (*start)(const void *cfg, gsl_rng *rng, void *it, struct errbuf *err);
	/* 1: an arrival of trace function *fn at *t_s (non-decreasing); 0: end. */
	int (*next)(void *it, double *t_s, uint32_t *fn, struct errbuf *err);
	void (*release)(void *it);  /* optional: frees what start allocated */
	void (*free_cfg)(void *cfg); /* optional: frees what parse allocated inside cfg */
	/* Multiplies the pattern's arrival rates by factor (> 0), after parse:
	 * the workload's "traffic_scale". */
	void (*scale)(void *cfg, double factor);
};

/* ---- the registry (registry.c) ------------------------------------------ */

/* One registered format: exactly one of rows and custom is set. */
struct trace_format {
	const struct trace_rowfmt_ops *rows;
	const struct trace_custom_ops *custom;
};

const char *trace_format_entry_name(const struct trace_format *f);
/* NULL when no format has that name. */
const struct trace_format *trace_format_find(const char *name);
const struct trace_generator_ops *trace_generator_find(const char *name);

/* ---- helpers for plug-ins (trace.c) --------------------------------------- */

/* Adds (or finds) a function by name; checks the name. Returns its index or <0. */
long trace_add_function(struct trace *t, const char *name, const char *where, struct errbuf *err);
struct trace_fn *trace_function_mut(struct trace *t, size_t i);
/* First and last arrival, unshifted (azure2019: first_s is the start of the
 * first busy minute). */
void trace_set_times(struct trace *t, double first_s, double last_s);
void trace_set_has_durations(struct trace *t, int yes);
void trace_add_rows(struct trace *t, uint64_t rows, uint64_t skipped_status, uint64_t skipped_bad);
int trace_skip_bad_rows(const struct trace *t);
/* The workload's "traffic_scale" (1 by default): trace.c applies it to the
 * arrivals of files (sim/workload/tscale.h); the "generator" format hands it
 * to its pattern's scale function instead. */
double trace_traffic_scale(const struct trace *t);

/* Parses "YYYY-MM-DD HH:MM:SS[.fraction]" (also with 'T'); *day is days since
 * 1970-01-01 (proleptic Gregorian, no time zone) and *sec_of_day seconds in
 * the day with the fraction. Returns 0 or -1. */
int trace_parse_datetime(const char *s, int64_t *day, double *sec_of_day);

/* Seconds since midnight of the first day of a file (*base: zeroed per file,
 * set by the first call, made once a row is accepted) for a parsed date. */
struct trace_day_base {
	int set;
	int64_t day;
};
double trace_since_base(struct trace_day_base *base, int64_t day, double sec_of_day);

/* "file:line: expected N fields, got M" unless the row has want fields. */
int trace_check_fields(const struct csvr *r, const struct csvr_row *row, size_t want, struct errbuf *err);

/* For generator parse functions: the function named by spec[key] (default
 * def_name) is added to the trace and its index stored in *out; a name the
 * generator already used is an error naming "<where>.<key>". With receives
 * 0 (its rate is zero) the name is only checked and *out is UINT32_MAX: a
 * generator lists only functions that receive requests. */
int trace_generator_add_function(struct trace *t, const json_t *spec, const char *key,
				 const char *def_name, const char *where, int receives, uint32_t *out,
				 struct errbuf *err);

/* For format parse functions: *copy is a copy of the string spec[key]
 * (default def), as cfg outlives the spec. */
int trace_string_copy(const json_t *spec, const char *key, const char *def, const char *where, char **copy,
		      struct errbuf *err);

/* ---- the csv format's reader (formats/csv.c) ------------------------------ */

/* Columns of a csv trace: timestamp_s,function[,duration_s][,memory_mb]. */
struct trace_csv_cols {
	long t, fn, dur, mem;
};

/* The header of the "csv" format (memory_mb allowed), or with
 * process_trace that of an arrivals.process "trace" file (no memory_mb,
 * its own message). */
int trace_csv_header(const struct csvr *r, const struct csvr_row *h, int process_trace,
		     struct trace_csv_cols *c, struct errbuf *err);
/* A row's time and function (the row has the header's field count). */
int trace_csv_time(const struct trace_csv_cols *c, const struct csvr *r, const struct csvr_row *row,
		   double *t_s, const char **function, struct errbuf *err);
/* Column col as a number >= 0 (positive: > 0); messages "file:line: column
 * 'name': ..." or "file:line: name must be >= 0, got X". For every format. */
int trace_csv_number(const struct csvr *r, const struct csvr_row *row, long col, const char *name, int positive,
		     double *out, struct errbuf *err);
/* A row's duration_s (left alone without the column). */
int trace_csv_duration(const struct trace_csv_cols *c, const struct csvr *r, const struct csvr_row *row,
		       double *duration_s, struct errbuf *err);

#endif
