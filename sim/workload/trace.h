/*
 * trace: workloads read from trace files or produced by generators.
 *
 * Owns the "workload" object of a scenario (formats are documented in
 * traces/README.md): the registry of formats, the keys every format shares
 * (keep_time, skip_bad_rows, max_rows_in_memory, sampling), the preparation
 * pass run once when a scenario is loaded (which functions the workload
 * holds, with what memory, trigger and service-time distribution, its time
 * span and row counts), and the replay of its arrivals in time order.
 *
 * A prepared struct trace is read-only and shared by every replication; each
 * replay (struct trace_reader) streams: memory does not grow with the number
 * of invocations. Only rows that are not sorted by time are held in memory
 * (at most max_rows_in_memory of them, else a clear error).
 *
 * Formats and generators are plug-ins: an ops struct carrying its name in
 * one file each (sim/workload/formats/, sim/workload/generators/), listed
 * once in the registry (registry.c); their interface is the private header
 * sim/workload/plugin.h.
 */
#ifndef SLSIM_TRACE_H
#define SLSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <gsl/gsl_rng.h>
#include "core/dist.h"
#include "core/errbuf.h"

#define TRACE_DEFAULT_MAX_ROWS_IN_MEMORY 20000000u

/* A function found in a workload. */
struct trace_fn {
	const char *name;
	const char *trigger;        /* NULL when the format has none */
	double memory_mb;           /* NAN: the trace does not say */
	struct dist service;        /* used when has_service */
	int has_service;
	uint32_t trigger_id;        /* trace_trigger_name(); UINT32_MAX without a trigger */
	uint64_t invocations;       /* rows (or summed counts) in the trace; 0 for generators */
	int included;               /* kept by the sampling options */
};

/* One replayed arrival. */
struct trace_arrival {
	double t_s;                 /* shifted: the trace's first arrival at 0 unless keep_time */
	uint32_t fn;                /* as mapped by the fn_map given to trace_open */
	uint32_t trace_fn;          /* index in the trace's function table */
	double duration_s;          /* NAN: draw from the function's service distribution */
	uint32_t trigger;           /* of this invocation (trace_trigger_name), or UINT32_MAX */
	uint32_t prompt_tokens, output_tokens;   /* an LLM request's (azure-llm), else 0 and 0 */
};

struct trace;
struct trace_reader;

/* Reads and checks the workload object spec ("where" is "file: workload"),
 * resolving relative paths against dir, and runs the preparation pass. */
int trace_prepare(struct trace **out, const json_t *spec, const char *where, const char *dir,
		  struct errbuf *err);
void trace_free(struct trace *t);

const char *trace_format_name(const struct trace *t);
size_t trace_n_functions(const struct trace *t);
const struct trace_fn *trace_function(const struct trace *t, size_t i);
long trace_find_function(const struct trace *t, const char *name);
/* Trigger types met (per row in alibaba-sd, per function in azure2019). */
size_t trace_n_triggers(const struct trace *t);
const char *trace_trigger_name(const struct trace *t, uint32_t id);
/* Span of the (shifted) arrivals: duration_s defaults to it. */
double trace_span_s(const struct trace *t);
/* 1 when every arrival carries its own service time. */
int trace_has_durations(const struct trace *t);
/* Arrivals the trace holds (sum over functions, before sampling); 0 when
 * not known in advance (generators). */
uint64_t trace_invocations(const struct trace *t);
/* {"format", "rows", "rows_skipped_status", "rows_skipped_bad", "functions",
 *  "functions_included", "invocations", "span_s", "time_shift_s"} for summary.json. */
json_t *trace_summary_json(const struct trace *t);

/* Starts a replay. fn_map[i] is the number reported for trace function i, or
 * UINT32_MAX to drop its arrivals. Random draws (spreading counts inside a
 * minute, generators) come from streams seeded by (seed, replication). */
int trace_open(const struct trace *t, uint64_t seed, uint32_t replication, const uint32_t *fn_map,
	       struct trace_reader **out, struct errbuf *err);
/* 1: *a is the next arrival (times non-decreasing); 0: end; <0: error. */
int trace_next(struct trace_reader *r, struct trace_arrival *a, struct errbuf *err);
void trace_close(struct trace_reader *r);

/* Names of the registered workload plug-ins, ", "-separated in registry
 * order, written to buf (truncated to size, always terminated); returns the
 * length of the whole list as snprintf does. For --help texts and messages
 * (the trace command's --format list, the "unknown format" message), so that
 * a new format shows up everywhere by its registry line alone:
 * TRACE_NAMES_FORMATS every "format" value ("csv, azure2019, ..., generator"),
 * TRACE_NAMES_FILE_FORMATS those read from a file (all but "generator"),
 * TRACE_NAMES_GENERATORS the patterns of the "generator" format. */
enum trace_names { TRACE_NAMES_FORMATS, TRACE_NAMES_FILE_FORMATS, TRACE_NAMES_GENERATORS };
int trace_format_names(enum trace_names which, char *buf, size_t size);

/* The workload object {"format": format, <its file key>: file} that reads one
 * file in that format ("path": file for row formats, "invocations": [file]
 * for azure2019; "path" for a name no plug-in has, so that trace_prepare
 * reports it). For commands given FILE --format F. NULL: out of memory. */
json_t *trace_spec_for_file(const char *format, const char *file);

/* An arrivals.process "trace" file, streamed through the csv format's reader
 * (sim/workload/formats/csv.c): a header timestamp_s,function[,duration_s]
 * and rows sorted by time. */
struct trace_csv_stream;
int trace_csv_stream_open(const char *path, struct trace_csv_stream **out, struct errbuf *err);
/* 1: the next row's time and function name (valid until the next call) and
 * its line; 0: end of file; <0: error (a bad row, or one earlier than the
 * row before it). */
int trace_csv_stream_next(struct trace_csv_stream *s, double *t_s, const char **function,
			  unsigned long long *line, struct errbuf *err);
/* The duration_s of the row returned last (NAN without the column). */
int trace_csv_stream_duration(struct trace_csv_stream *s, double *duration_s, struct errbuf *err);
const char *trace_csv_stream_path(const struct trace_csv_stream *s);
void trace_csv_stream_close(struct trace_csv_stream *s);

#endif
