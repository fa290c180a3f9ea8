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
 * Formats and generators are plug-ins: an ops struct in one file each
 * (sim/workload/formats/, sim/workload/generators/), listed in trace.c.
 */
#ifndef SLSIM_TRACE_H
#define SLSIM_TRACE_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <gsl/gsl_rng.h>
#include "core/csvreader.h"
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

/* Parses "YYYY-MM-DD HH:MM:SS[.fraction]" (also with 'T'); *day is days since
 * 1970-01-01 (proleptic Gregorian, no time zone) and *sec_of_day seconds in
 * the day with the fraction. Returns 0 or -1. */
int trace_parse_datetime(const char *s, int64_t *day, double *sec_of_day);

/* ---- for format plug-ins ------------------------------------------------ */

/* What a row format makes of one CSV row. */
struct trace_row {
	double t_s;                 /* unshifted */
	const char *function;
	double duration_s;          /* NAN when the format has none */
	double memory_mb;           /* NAN when the format has none */
	const char *trigger;        /* NULL when the format has none */
};

/* A format whose rows are arrivals (one CSV file, "path"). */
struct trace_rowfmt_ops {
	const char *const *keys;    /* its keys beyond "format", "path" and the common ones */
	int (*parse)(const json_t *spec, const char *where, void **cfg, struct errbuf *err);
	void (*free_cfg)(void *cfg);
	/* Checks the header; *state is per file read. */
	int (*header)(const void *cfg, const struct csvr *r, const struct csvr_row *h, void **state,
		      struct errbuf *err);
	/* 1: *out filled; 0: a row the format skips by design (counted as
	 * rows_skipped_status); <0: a bad row (message naming file:line). */
	int (*row)(void *state, const struct csvr *r, const struct csvr_row *row, struct trace_row *out,
		   struct errbuf *err);
	void (*free_state)(void *state);
};

extern const struct trace_rowfmt_ops trace_csv_ops, trace_azure2021_ops, trace_llm_ops,
	trace_alibaba_ops;

/* A format with its own preparation and replay (azure2019, generators). */
struct trace_custom_ops {
	const char *const *keys;    /* its keys beyond "format" and the common ones */
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

extern const struct trace_custom_ops trace_azure2019_ops, trace_generator_ops;

/* Adds (or finds) a function by name; checks the name. Returns its index or <0. */
long trace_add_function(struct trace *t, const char *name, const char *where, struct errbuf *err);
struct trace_fn *trace_function_mut(struct trace *t, size_t i);
/* First and last arrival (unshifted) and whether the format's times come in
 * whole minutes (azure2019: first_s is the start of the first busy minute). */
void trace_set_times(struct trace *t, double first_s, double last_s);
void trace_set_has_durations(struct trace *t, int yes);
void trace_add_rows(struct trace *t, uint64_t rows, uint64_t skipped_status, uint64_t skipped_bad);
int trace_skip_bad_rows(const struct trace *t);

/* Generators: one file each in sim/workload/generators/. */
struct trace_generator_ops {
	const char *name;
	const char *const *keys;    /* its parameters beyond "format", "pattern", "duration_s" */
	/* Reads parameters and adds its functions (trace_add_function). */
	int (*parse)(struct trace *t, const json_t *spec, const char *where, void **cfg, struct errbuf *err);
	void (*free_cfg)(void *cfg);
	/* rng_for(i) streams are independent per i; arrivals until horizon_s. */
	int (*open)(const void *cfg, uint64_t seed, uint32_t replication, double horizon_s, void **it,
		    struct errbuf *err);
	/* 1: an arrival of trace function *fn at *t_s (non-decreasing); 0: end. */
	int (*next)(void *it, double *t_s, uint32_t *fn, struct errbuf *err);
	void (*close)(void *it);
};

/* For generator parse functions: the function named by spec[key] (default
 * def_name) is added to the trace and its index stored in *out; a name the
 * generator already used is an error naming "<where>.<key>". */
int trace_generator_add_function(struct trace *t, const json_t *spec, const char *key,
				 const char *def_name, const char *where, uint32_t *out,
				 struct errbuf *err);

extern const struct trace_generator_ops gen_iot_ops, gen_ecommerce_ops, gen_analytics_ops,
	gen_inference_ops;
const struct trace_generator_ops *trace_generator_find(const char *name);
/* "iot, ecommerce, ..." for messages. */
const char *trace_generator_names(void);

#endif
