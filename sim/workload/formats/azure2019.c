/*
 * trace_azure2019: Azure Functions Trace 2019 (AzurePublicDataset,
 * AzureFunctionsDataset2019.md; Shahrad et al., ATC'20).
 *
 * invocations_per_function_md.anon.dNN.csv: HashOwner,HashApp,HashFunction,
 * Trigger, then minute columns "1".."1440" holding the invocations of the
 * function in that minute of the day (files with only some minute columns,
 * named by the header in increasing order, are accepted). Several files are
 * consecutive days: minute m of file d (from 0) starts at ((d*1440)+m-1)*60 s.
 *
 * Spreading a minute's count c over [T, T+60):
 *   "uniform" (default): the order statistics of c independent uniform
 *     points, drawn in increasing order without storing them
 *     (x_i = 1 - (1 - x_{i-1}) V^(1/(c-i+1)), V uniform on (0,1]); exactly c
 *     arrivals, each function's draws from its own stream.
 *   "even": T + 60 k / c for k = 0..c-1 (as the FaasCache simulator does).
 *   "poisson": a Poisson process of rate c/60 per second inside the minute,
 *     so the minute holds Poisson(c) arrivals (c on average, not exactly).
 *
 * function_durations_percentiles.anon.dNN.csv: percentile_Average_{0,1,25,
 * 50,75,99,100} (ms) become an empirical service-time distribution (s).
 * app_memory_percentiles.anon.dNN.csv: "memory_column" (default
 * AverageAllocatedMb) of the app, split evenly among the app's functions
 * found in the invocation files; a file with a HashFunction column gives
 * per-function values instead. The first file naming a function wins.
 * Functions are named by HashFunction ("function_id": "function"; rows of
 * one file with the same HashFunction then add up) or by
 * "<HashApp>.<HashFunction>" ("app_function").
 *
 * Memory of a replay: the current day only, as a byte stream of the non-zero
 * (minute, count) cells of the included functions (varints, 2 to 8 bytes a
 * cell) plus about 40 bytes per function: it grows with functions and busy
 * minutes, never with the number of invocations.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "core/heap.h"
#include "core/jsonutil.h"
#include "core/rng.h"
#include "core/strmap.h"
#include "workload/plugin.h"

enum spread { SPREAD_UNIFORM, SPREAD_EVEN, SPREAD_POISSON };
#define MINUTES 1440

struct a19_data {
	char **days;                 /* invocation files */
	size_t n_days;
	int spread, app_function;
};

static const char *const a19_keys[] = { "invocations", "durations", "memory", "spread", "function_id",
					"memory_column", NULL };

static void a19_free_data(void *p)
{
	struct a19_data *d = p;
	if (!d)
		return;
	for (size_t i = 0; i < d->n_days; i++)
		free(d->days[i]);
	free(d->days);
	free(d);
}

/* A list of paths (a single string is accepted too), resolved against dir. */
static int path_list(const json_t *spec, const char *key, const char *where, const char *dir, int required,
		     char ***out, size_t *n, struct errbuf *err)
{
	char at[512];
	const json_t *v = json_object_get(spec, key);
	ju_path(at, sizeof(at), where, key);
	*out = NULL;
	*n = 0;
	if (!v) {
		if (required)
			return errbuf_set(err, ERR_INPUT, "%s: required key is missing", at);
		return 0;
	}
	size_t count = json_is_string(v) ? 1 : json_is_array(v) ? json_array_size(v) : 0;
	if (count == 0)
		return errbuf_set(err, ERR_INPUT, "%s: must be a path or a non-empty array of paths", at);
	*out = calloc(count, sizeof(char *));
	if (!*out)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < count; i++) {
		const json_t *e = json_is_string(v) ? v : json_array_get(v, i);
		if (!json_is_string(e) || !*json_string_value(e))
			return errbuf_set(err, ERR_INPUT, "%s[%zu]: must be a non-empty path", at, i);
		const char *p = json_string_value(e);
		size_t len = strlen(dir) + strlen(p) + 2;
		if (!((*out)[i] = malloc(len)))
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		(*n)++;
		if (p[0] == '/' || !*dir)
			snprintf((*out)[i], len, "%s", p);
		else
			snprintf((*out)[i], len, "%s/%s", dir, p);
	}
	return 0;
}

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* Whole number >= 0 (a count); -1 when the text is not one. */
static long long parse_count(const char *s)
{
	long long v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s) || v > 100000000000LL)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* The header of an invocation file: key columns and minute of each column
 * (-1 for key columns). */
struct a19_header {
	long owner, app, fn, trigger;
	int *minute;                 /* per column: 0..1439 or -1 */
	size_t n_cols;
};

static int read_header(const struct csvr *r, const struct csvr_row *h, struct a19_header *hd, struct errbuf *err)
{
	const char *path = csvr_path(r);
	hd->owner = csvr_find_column(h, "HashOwner");
	hd->app = csvr_find_column(h, "HashApp");
	hd->fn = csvr_find_column(h, "HashFunction");
	hd->trigger = csvr_find_column(h, "Trigger");
	hd->n_cols = h->n_fields;
	if (hd->owner < 0 || hd->app < 0 || hd->fn < 0 || hd->trigger < 0)
		return errbuf_set(err, ERR_INPUT,
				  "%s:%llu: expected the Azure 2019 header HashOwner,HashApp,HashFunction,Trigger,1,...,1440",
				  path, (unsigned long long)h->line);
	hd->minute = malloc(h->n_fields * sizeof(int));
	if (!hd->minute)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	int prev = -1, any = 0;
	for (size_t i = 0; i < h->n_fields; i++) {
		hd->minute[i] = -1;
		if ((long)i == hd->owner || (long)i == hd->app || (long)i == hd->fn || (long)i == hd->trigger)
			continue;
		long long m = parse_count(h->fields[i]);
		if (m < 1 || m > MINUTES)
			return errbuf_set(err, ERR_INPUT,
					  "%s:%llu: column %zu \"%.40s\" is neither a key column nor a minute 1..1440",
					  path, (unsigned long long)h->line, i + 1, h->fields[i]);
		if ((int)m - 1 <= prev)
			return errbuf_set(err, ERR_INPUT, "%s:%llu: minute columns must increase (%lld after %d)",
					  path, (unsigned long long)h->line, m, prev + 1);
		prev = (int)m - 1;
		hd->minute[i] = prev;
		any = 1;
	}
	if (!any)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: no minute columns", path, (unsigned long long)h->line);
	return 0;
}

/* Opens a file of the trace and reads its header row. */
static int open_side(const char *path, struct csvr **r, struct csvr_row *h, struct errbuf *err)
{
	int rc = csvr_open(r, path, err);
	if (rc < 0)
		return rc;
	rc = csvr_next(*r, h, err);
	if (rc == 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: empty file (expected a header row)", path);
	if (rc < 0) {
		csvr_close(*r);
		*r = NULL;
	}
	return rc < 0 ? rc : 0;
}

static const char *row_name(const struct a19_header *hd, const struct csvr_row *row, int app_function,
			    char *buf, size_t size)
{
	if (!app_function)
		return row->fields[hd->fn];
	snprintf(buf, size, "%.250s.%.250s", row->fields[hd->app], row->fields[hd->fn]);
	return buf;
}

static int bad_row(const struct csvr *r, const struct csvr_row *row, const struct a19_header *hd,
		   size_t *col, long long *count, struct errbuf *err)
{
	int rc = trace_check_fields(r, row, hd->n_cols, err);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < hd->n_cols; i++) {
		if (hd->minute[i] < 0)
			continue;
		if ((count[i] = parse_count(row->fields[i])) < 0) {
			*col = i;
			return errbuf_set(err, ERR_INPUT, "%s:%llu: minute %d: \"%.40s\" is not a count (a whole number >= 0)",
					  csvr_path(r), (unsigned long long)row->line, hd->minute[i] + 1, row->fields[i]);
		}
	}
	return 0;
}

/* Opens an invocations file: its header and room for one row's counts. */
static int open_day(const char *path, struct csvr **r, struct a19_header *hd, long long **count,
		    struct errbuf *err)
{
	struct csvr_row h;
	*count = NULL;
	int rc = open_side(path, r, &h, err);
	if (rc < 0)
		return rc;
	if ((rc = read_header(*r, &h, hd, err)) < 0)
		return rc;
	if (!(*count = malloc(hd->n_cols * sizeof(**count))))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return 0;
}

static void close_day(struct csvr *r, struct a19_header *hd, long long *count)
{
	free(count);
	free(hd->minute);
	csvr_close(r);
}

/* ---- preparation --------------------------------------------------------- */

struct a19_prep {
	struct strmap *apps;         /* "<owner>.<app>" */
	uint32_t *fn_app;            /* per function */
	uint32_t *app_fns;           /* functions per app */
	size_t cap;
};

/* Counts function fn (first met) among its app's functions, which share
 * the app's memory. 0 or -1: out of memory. */
static int note_app(struct a19_prep *p, size_t fn, const struct csvr_row *row, const struct a19_header *hd)
{
	char app[520];
	int added;
	if (fn >= p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		uint32_t *a = realloc(p->fn_app, cap * sizeof(*a));
		if (!a)
			return -1;
		p->fn_app = a;
		for (size_t i = p->cap; i < cap; i++)
			p->fn_app[i] = UINT32_MAX;
		p->cap = cap;
	}
	if (p->fn_app[fn] != UINT32_MAX)
		return 0;
	snprintf(app, sizeof(app), "%.250s.%.250s", row->fields[hd->owner], row->fields[hd->app]);
	long a = strmap_add(p->apps, app, &added);
	uint32_t *n = a >= 0 ? realloc(p->app_fns, strmap_size(p->apps) * sizeof(*n)) : NULL;
	if (!n)
		return -1;
	p->app_fns = n;
	if (added)
		n[a] = 0;
	n[a]++;
	p->fn_app[fn] = (uint32_t)a;
	return 0;
}

static int scan_day(struct trace *t, struct a19_data *d, struct a19_prep *p, size_t day, double *first,
		    double *last, struct errbuf *err)
{
	struct csvr *r = NULL;
	struct csvr_row row;
	struct a19_header hd = { 0 };
	long long *count;
	uint64_t rows = 0, bad = 0;
	char name[512];
	int rc = open_day(d->days[day], &r, &hd, &count, err);
	if (rc < 0)
		goto out;
	while ((rc = csvr_next(r, &row, err)) == 1) {
		size_t col;
		char at[600];
		rows++;
		snprintf(at, sizeof(at), "%s:%llu", d->days[day], (unsigned long long)row.line);
		long fn = bad_row(r, &row, &hd, &col, count, err);
		if (fn == 0)
			fn = trace_add_function(t, row_name(&hd, &row, d->app_function, name, sizeof(name)), at, err);
		if (fn == ERR_INPUT && trace_skip_bad_rows(t)) {
			bad++;
			continue;
		}
		if (fn < 0) {
			rc = (int)fn;
			goto out;
		}
		struct trace_fn *f = trace_function_mut(t, (size_t)fn);
		if (note_app(p, (size_t)fn, &row, &hd) < 0 ||
		    (!f->trigger && !(f->trigger = strdup(row.fields[hd.trigger])))) {
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < hd.n_cols; i++) {
			if (hd.minute[i] < 0 || count[i] == 0)
				continue;
			f->invocations += (uint64_t)count[i];
			double t0 = ((double)day * MINUTES + hd.minute[i]) * 60.0;
			if (t0 < *first)
				*first = t0;
			if (t0 + 60 > *last)
				*last = t0 + 60;
		}
	}
out:
	trace_add_rows(t, rows, 0, bad);
	close_day(r, &hd, count);
	return rc;
}

/* Opens a side file (durations, memory) and reads its header. */
static const char *const duration_cols[] = { "percentile_Average_0", "percentile_Average_1",
					     "percentile_Average_25", "percentile_Average_50",
					     "percentile_Average_75", "percentile_Average_99",
					     "percentile_Average_100" };

/* A function's service time from a durations row (percentiles in ms). */
static int read_service(struct trace_fn *f, const struct csvr *r, const struct csvr_row *row, const long *col,
			struct errbuf *err)
{
	static const double pct[] = { 0, 0.01, 0.25, 0.5, 0.75, 0.99, 1 };
	double v[7];
	int rc = 0;
	for (int i = 0; i < 7 && rc >= 0; i++) {
		rc = csvr_double(r, row, (size_t)col[i], duration_cols[i], &v[i], err);
		v[i] /= 1000;   /* ms -> s */
	}
	if (rc < 0)
		return rc;
	struct errbuf e2;
	rc = dist_empirical(&f->service, pct, v, 7, &e2);
	if (rc < 0)
		return errbuf_set(err, rc, "%s:%llu: %s", csvr_path(r), (unsigned long long)row->line, e2.msg);
	f->has_service = 1;
	return 0;
}

static int read_durations(struct trace *t, const struct a19_data *d, const char *path, struct errbuf *err)
{
	const char *const *cols = duration_cols;
	struct csvr *r;
	struct csvr_row row;
	long col[7];
	char name[512];
	int rc = open_side(path, &r, &row, err);
	if (rc < 0)
		return rc;
	long c_app = csvr_find_column(&row, "HashApp"), c_fn = csvr_find_column(&row, "HashFunction");
	size_t n_cols = row.n_fields;
	int ok = c_app >= 0 && c_fn >= 0;
	for (int i = 0; i < 7; i++)
		ok &= (col[i] = csvr_find_column(&row, cols[i])) >= 0;
	if (!ok) {
		rc = errbuf_set(err, ERR_INPUT,
				"%s:%llu: expected the Azure 2019 durations header with HashApp, HashFunction and percentile_Average_{0,1,25,50,75,99,100}",
				path, (unsigned long long)row.line);
		goto out;
	}
	struct a19_header hd = { .app = c_app, .fn = c_fn };
	while ((rc = csvr_next(r, &row, err)) == 1) {
		long fn = -1;
		/* The name's columns exist only in a row of full width. */
		if ((rc = trace_check_fields(r, &row, n_cols, err)) == 0)
			fn = trace_find_function(t, row_name(&hd, &row, d->app_function, name, sizeof(name)));
		if (rc == 0 && fn >= 0 && !trace_function(t, (size_t)fn)->has_service)
			rc = read_service(trace_function_mut(t, (size_t)fn), r, &row, col, err);
		if (rc == ERR_INPUT && trace_skip_bad_rows(t)) {
			trace_add_rows(t, 0, 0, 1);
			rc = 1;
		}
		if (rc < 0)
			goto out;
	}
out:
	csvr_close(r);
	return rc;
}

/* The app's memory is shared evenly by its functions (those without their own). */
static void share_app_memory(struct trace *t, const struct a19_prep *p, const double *app_mb)
{
	for (size_t fn = 0; fn < trace_n_functions(t); fn++) {
		uint32_t a = p->fn_app[fn];
		if (a != UINT32_MAX && !isnan(app_mb[a]) && isnan(trace_function(t, fn)->memory_mb))
			trace_function_mut(t, fn)->memory_mb = app_mb[a] / p->app_fns[a];
	}
}

static int read_memory(struct trace *t, const struct a19_data *d, const struct a19_prep *p, const char *path,
		       const char *column, struct errbuf *err)
{
	struct csvr *r;
	struct csvr_row row;
	char name[520];
	int rc = open_side(path, &r, &row, err);
	if (rc < 0)
		return rc;
	long c_owner = csvr_find_column(&row, "HashOwner"), c_app = csvr_find_column(&row, "HashApp");
	long c_fn = csvr_find_column(&row, "HashFunction"), c_mem = csvr_find_column(&row, column);
	size_t n_cols = row.n_fields;
	if (c_owner < 0 || c_app < 0 || c_mem < 0) {
		rc = errbuf_set(err, ERR_INPUT, "%s:%llu: expected the Azure 2019 memory header with HashOwner, HashApp and %s",
				path, (unsigned long long)row.line, column);
		goto out;
	}
	struct a19_header hd = { .app = c_app, .fn = c_fn };
	size_t n_apps = strmap_size(p->apps);
	double *app_mb = malloc((n_apps + 1) * sizeof(*app_mb));
	if (!app_mb) {
		rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
		goto out;
	}
	for (size_t a = 0; a < n_apps; a++)
		app_mb[a] = NAN;
	while ((rc = csvr_next(r, &row, err)) == 1) {
		double mb;
		rc = trace_check_fields(r, &row, n_cols, err);
		if (rc >= 0 && (rc = csvr_double(r, &row, (size_t)c_mem, column, &mb, err)) >= 0 && !(mb > 0))
			rc = errbuf_set(err, ERR_INPUT, "%s:%llu: %s must be > 0, got %g", path,
					(unsigned long long)row.line, column, mb);
		if (rc >= 0 && c_fn >= 0) {
			/* Per function (the InVitro variant of the file). */
			long fn = trace_find_function(t, row_name(&hd, &row, d->app_function, name, sizeof(name)));
			if (fn >= 0 && isnan(trace_function(t, (size_t)fn)->memory_mb))
				trace_function_mut(t, (size_t)fn)->memory_mb = mb;
		} else if (rc >= 0) {
			snprintf(name, sizeof(name), "%.250s.%.250s", row.fields[c_owner], row.fields[c_app]);
			long a = strmap_find(p->apps, name);
			if (a >= 0 && isnan(app_mb[a]))
				app_mb[a] = mb;
		}
		if (rc == ERR_INPUT && trace_skip_bad_rows(t)) {
			trace_add_rows(t, 0, 0, 1);
			rc = 1;
		}
		if (rc < 0)
			break;
	}
	if (rc == 0)
		share_app_memory(t, p, app_mb);
	free(app_mb);
out:
	csvr_close(r);
	return rc;
}

static int a19_prepare(struct trace *t, const json_t *spec, const char *where, const char *dir, void **data,
		       struct errbuf *err)
{
	static const char *const spreads[] = { "uniform", "even", "poisson", NULL };
	static const char *const ids[] = { "function", "app_function", NULL };
	struct a19_data *d = calloc(1, sizeof(*d));
	struct a19_prep p = { 0 };
	char **dur = NULL, **mem = NULL;
	size_t n_dur = 0, n_mem = 0;
	const char *column = "AverageAllocatedMb";
	int rc;
	if (!d)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*data = d;
	if ((rc = ju_enum(spec, "spread", where, JU_OPTIONAL, spreads, &d->spread, err)) < 0 ||
	    (rc = ju_enum(spec, "function_id", where, JU_OPTIONAL, ids, &d->app_function, err)) < 0 ||
	    (rc = ju_string(spec, "memory_column", where, JU_OPTIONAL, &column, err)) < 0 ||
	    (rc = path_list(spec, "invocations", where, dir, 1, &d->days, &d->n_days, err)) < 0 ||
	    (rc = path_list(spec, "durations", where, dir, 0, &dur, &n_dur, err)) < 0 ||
	    (rc = path_list(spec, "memory", where, dir, 0, &mem, &n_mem, err)) < 0)
		goto out;
	if (!(p.apps = strmap_new())) {
		rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
		goto out;
	}
	double first = INFINITY, last = -INFINITY;
	for (size_t i = 0; i < d->n_days; i++)
		if ((rc = scan_day(t, d, &p, i, &first, &last, err)) < 0)
			goto out;
	if (!(first < INFINITY)) {
		rc = errbuf_set(err, ERR_INPUT, "%s: no invocations in %s", where, d->days[0]);
		goto out;
	}
	trace_set_times(t, first, last);
	for (size_t i = 0; i < n_dur; i++)
		if ((rc = read_durations(t, d, dur[i], err)) < 0)
			goto out;
	for (size_t i = 0; i < n_mem; i++)
		if ((rc = read_memory(t, d, &p, mem[i], column, err)) < 0)
			goto out;
	rc = 0;
out:
	free_list(dur, n_dur);
	free_list(mem, n_mem);
	strmap_free(p.apps);
	free(p.fn_app);
	free(p.app_fns);
	return rc;
}

/* ---- replay -------------------------------------------------------------- */

struct a19_row {
	uint32_t fn;                 /* trace function */
	uint32_t next;               /* next row in the same minute bucket */
	size_t pos;                  /* next cell in the byte stream */
	uint32_t minute;             /* of the current cell */
	uint64_t count;              /* of the current cell */
	/* spreading state inside the current minute */
	uint64_t k;                  /* arrivals emitted */
	double x;                    /* uniform: last point in [0,1); poisson: last time */
	double t_s;                  /* next arrival */
};

struct a19_it {
	const struct trace *t;
	const struct a19_data *d;
	const uint32_t *map;
	uint64_t seed;
	uint32_t replication;
	struct rng_inline *rng;      /* per trace function, seeded on first use */
	size_t day;                  /* next day to load */
	double day_start_s;
	unsigned char *bytes;
	size_t n_bytes, cap_bytes;
	struct a19_row *rows;
	size_t n_rows, cap_rows;
	uint32_t bucket[MINUTES];
	uint32_t minute;             /* minute being emitted */
	uint32_t *heap;              /* rows with arrivals left in this minute */
	size_t n_heap;
	/* Fast path: the minute's arrivals drawn row by row, then sorted. */
	struct a19_arr *sorted, *scratch;
	uint32_t *bucket_start;   /* cap_sorted + 1 */
	size_t n_sorted, pos_sorted, cap_sorted;
	uint32_t *fn_stamp;          /* per trace function: last minute it had a row, + 1 */
	uint32_t stamp;
};

/* One arrival of the current minute; ordered by (time, row) as the heap is. */
struct a19_arr {
	double t_s;
	uint32_t row, fn;
};

/* Minutes holding more arrivals than this go through the heap (bounded memory). */
#define SORT_MAX_ARRIVALS (1u << 20)

static int put_varint(struct a19_it *it, uint64_t v)
{
	if (it->n_bytes + 10 > it->cap_bytes) {
		size_t cap = it->cap_bytes ? 2 * it->cap_bytes : 1 << 16;
		unsigned char *b = realloc(it->bytes, cap);
		if (!b)
			return -1;
		it->bytes = b;
		it->cap_bytes = cap;
	}
	do {
		unsigned char c = v & 0x7f;
		v >>= 7;
		it->bytes[it->n_bytes++] = (unsigned char)(c | (v ? 0x80 : 0));
	} while (v);
	return 0;
}

static uint64_t get_varint(const unsigned char *b, size_t *pos)
{
	uint64_t v = 0;
	for (int shift = 0;; shift += 7) {
		unsigned char c = b[(*pos)++];
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
}

/* Reads the row's next cell and files it under its minute; 0 when none. */
static void next_cell(struct a19_it *it, uint32_t i)
{
	struct a19_row *r = &it->rows[i];
	uint64_t delta = get_varint(it->bytes, &r->pos);
	if (delta == 0)
		return;
	r->minute += (uint32_t)delta;
	r->count = get_varint(it->bytes, &r->pos);
	r->next = it->bucket[r->minute];
	it->bucket[r->minute] = i;
}

/* Keeps function fn's row of the day: its non-zero (minute, count) cells
 * and an end mark appended to the day's bytes. 0 (also for a function idle
 * that day, which is not kept) or -1: out of memory. */
static int add_row(struct a19_it *it, uint32_t fn, const struct a19_header *hd, const long long *count)
{
	if (it->n_rows == it->cap_rows) {
		size_t cap = it->cap_rows ? 2 * it->cap_rows : 1024;
		struct a19_row *a = realloc(it->rows, cap * sizeof(*a));
		if (!a)
			return -1;
		it->rows = a;
		it->cap_rows = cap;
	}
	struct a19_row *ar = &it->rows[it->n_rows];
	*ar = (struct a19_row){ .fn = fn, .pos = it->n_bytes, .minute = 0 };
	int prev = -1;
	for (size_t i = 0; i < hd->n_cols; i++) {
		if (hd->minute[i] < 0 || count[i] == 0)
			continue;
		/* Deltas start from minute -1 so that every one is >= 1 and 0 ends the row. */
		if (put_varint(it, (uint64_t)(hd->minute[i] - prev)) < 0 || put_varint(it, (uint64_t)count[i]) < 0)
			return -1;
		prev = hd->minute[i];
	}
	if (prev < 0)
		return 0;   /* an idle function that day */
	if (put_varint(it, 0) < 0)
		return -1;
	ar->minute = (uint32_t)-1;
	it->n_rows++;
	return 0;
}

static int load_day(struct a19_it *it, struct errbuf *err)
{
	const char *path = it->d->days[it->day];
	struct csvr *r = NULL;
	struct csvr_row row;
	struct a19_header hd = { 0 };
	long long *count;
	char name[512];
	it->n_bytes = 0;
	it->n_rows = 0;
	for (size_t m = 0; m < MINUTES; m++)
		it->bucket[m] = UINT32_MAX;
	it->day_start_s = (double)it->day * MINUTES * 60.0;
	int rc = open_day(path, &r, &hd, &count, err);
	if (rc < 0 && !r)
		return rc;   /* not opened: the day is not consumed */
	if (rc < 0)
		goto out;
	while ((rc = csvr_next(r, &row, err)) == 1) {
		size_t col;
		if ((rc = bad_row(r, &row, &hd, &col, count, err)) < 0) {
			if (rc == ERR_INPUT && trace_skip_bad_rows(it->t))
				continue;
			goto out;
		}
		long fn = trace_find_function(it->t, row_name(&hd, &row, it->d->app_function, name, sizeof(name)));
		if (fn < 0) {
			if (trace_skip_bad_rows(it->t))
				continue;
			rc = errbuf_set(err, ERR_INPUT, "%s:%llu: function \"%.60s\" was not in the file when the scenario was loaded",
					path, (unsigned long long)row.line, name);
			goto out;
		}
		if (it->map && it->map[fn] == UINT32_MAX)
			continue;
		if (add_row(it, (uint32_t)fn, &hd, count) < 0) {
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
			goto out;
		}
	}
	if (rc == 0)
		for (size_t i = 0; i < it->n_rows; i++)
			next_cell(it, (uint32_t)i);
out:
	close_day(r, &hd, count);
	it->day++;
	it->minute = 0;
	return rc;
}

static int heap_less(const struct a19_it *it, uint32_t a, uint32_t b)
{
	double x = it->rows[a].t_s, y = it->rows[b].t_s;
	return x < y || (x == y && a < b);
}

HEAP_DEFINE(row_heap, uint32_t, 2, const struct a19_it *, heap_less, HEAP_PLACE_NONE)

static void heap_push(struct a19_it *it, uint32_t i)
{
	it->n_heap = row_heap_push(it, it->heap, it->n_heap, i);
}

static void heap_pop(struct a19_it *it)
{
	it->n_heap = row_heap_remove(it, it->heap, it->n_heap, 0);
}

static int arr_cmp(const void *pa, const void *pb)
{
	const struct a19_arr *a = pa, *b = pb;
	if (a->t_s != b->t_s)
		return a->t_s < b->t_s ? -1 : 1;
	return a->row < b->row ? -1 : a->row > b->row;
}

static gsl_rng *rng_of(struct a19_it *it, uint32_t fn)
{
	struct rng_inline *r = &it->rng[fn];
	if (!r->gen.type && rng_stream_init(r, it->seed, it->replication, fn, RNG_TRACE) < 0)
		return NULL;
	return &r->gen;
}

/* Sets the row's next arrival inside its minute; 0 when the minute is done. */
static int spread_next(struct a19_it *it, struct a19_row *r)
{
	double t0 = it->day_start_s + r->minute * 60.0;
	if (it->d->spread == SPREAD_POISSON) {
		gsl_rng *g = rng_of(it, r->fn);
		if (!g)
			return -1;
		r->x += gsl_ran_exponential(g, 60.0 / (double)r->count);
		r->t_s = t0 + r->x;
		return r->x < 60.0;
	}
	if (r->k >= r->count)
		return 0;
	if (it->d->spread == SPREAD_EVEN) {
		r->t_s = t0 + 60.0 * (double)r->k / (double)r->count;
	} else {
		gsl_rng *g = rng_of(it, r->fn);
		if (!g)
			return -1;
		double v = gsl_rng_uniform_pos(g);
		r->x = 1 - (1 - r->x) * pow(v, 1.0 / (double)(r->count - r->k));
		r->t_s = t0 + 60.0 * r->x;
	}
	r->k++;
	return 1;
}

static int spread_next(struct a19_it *it, struct a19_row *r);

/* Sorts it->sorted by (time, row), as qsort with arr_cmp would (the
 * order is total but for a row's equal times, which are identical
 * arrivals): the times lie in the minute [t0, t0 + 60) and spread over it,
 * so a stable bucket sort on the time (a monotone bucket index) followed by
 * an insertion sort is linear. */
static void sort_by_time(struct a19_it *it, double t0)
{
	size_t n = it->n_sorted;
	if (n < 256) {
		qsort(it->sorted, n, sizeof(*it->sorted), arr_cmp);
		return;
	}
	uint32_t *start = it->bucket_start;
	double scale = (double)n / 60.0;
	memset(start, 0, (n + 1) * sizeof(*start));
#define BUCKET(t) ((t) > t0 ? ((size_t)(((t) - t0) * scale) < n ? (size_t)(((t) - t0) * scale) : n - 1) : 0)
	for (size_t j = 0; j < n; j++)
		start[BUCKET(it->sorted[j].t_s) + 1]++;
	for (size_t b = 0; b < n; b++)
		start[b + 1] += start[b];
	for (size_t j = 0; j < n; j++)
		it->scratch[start[BUCKET(it->sorted[j].t_s)]++] = it->sorted[j];
#undef BUCKET
	struct a19_arr *a = it->scratch;
	for (size_t j = 1; j < n; j++) {
		struct a19_arr x = a[j];
		size_t k = j;
		while (k > 0 && (a[k - 1].t_s > x.t_s || (a[k - 1].t_s == x.t_s && a[k - 1].row > x.row))) {
			a[k] = a[k - 1];
			k--;
		}
		a[k] = x;
	}
	it->scratch = it->sorted;
	it->sorted = a;
}

/* The minute's rows (linked from head) drawn one after the other into
 * it->sorted, then sorted by (time, row): the same sequence the heap
 * merge gives, when every draw of a row comes from a stream no other row of
 * the minute uses (each function's own) and the count is known (uniform,
 * even). Returns 1 when done, 0 when the minute must use the heap (nothing
 * drawn), <0 on failure. */
static int sort_minute(struct a19_it *it, uint32_t head)
{
	if (it->d->spread == SPREAD_POISSON)
		return 0;
	uint64_t total = 0;
	it->stamp++;
	for (uint32_t i = head; i != UINT32_MAX; i = it->rows[i].next) {
		struct a19_row *r = &it->rows[i];
		total += r->count;
		/* Two rows of one function share its stream: draw order matters. */
		if (total > SORT_MAX_ARRIVALS || it->fn_stamp[r->fn] == it->stamp)
			return 0;
		it->fn_stamp[r->fn] = it->stamp;
	}
	if (total > it->cap_sorted) {
		size_t cap = it->cap_sorted ? it->cap_sorted : 1024;
		while (cap < total)
			cap *= 2;
		struct a19_arr *a = realloc(it->sorted, cap * sizeof(*a));
		if (!a)
			return -1;
		it->sorted = a;
		a = realloc(it->scratch, cap * sizeof(*a));
		if (!a)
			return -1;
		it->scratch = a;
		uint32_t *b = realloc(it->bucket_start, (cap + 1) * sizeof(*b));
		if (!b)
			return -1;
		it->bucket_start = b;
		it->cap_sorted = cap;
	}
	it->n_sorted = it->pos_sorted = 0;
	uint32_t i = head;
	while (i != UINT32_MAX) {
		struct a19_row *r = &it->rows[i];
		uint32_t next = r->next;
		r->k = 0;
		r->x = 0;
		int rc;
		while ((rc = spread_next(it, r)) == 1)
			it->sorted[it->n_sorted++] = (struct a19_arr){ .t_s = r->t_s, .row = i, .fn = r->fn };
		if (rc < 0)
			return -1;
		i = next;
	}
	sort_by_time(it, it->day_start_s + it->rows[head].minute * 60.0);
	/* File each row under its next busy minute in the order the heap would
	 * (at its last arrival), so later minutes list their rows as before. */
	for (size_t j = 0; j < it->n_sorted; j++)
		if (--it->rows[it->sorted[j].row].k == 0)
			next_cell(it, it->sorted[j].row);
	return 1;
}

static int a19_open(const struct trace *t, const void *data, uint64_t seed, uint32_t replication,
		    const uint32_t *fn_map, void **out, struct errbuf *err)
{
	struct a19_it *it = calloc(1, sizeof(*it));
	if (!it)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*out = it;
	it->t = t;
	it->d = data;
	it->map = fn_map;
	it->seed = seed;
	it->replication = replication;
	it->rng = calloc(trace_n_functions(t) + 1, sizeof(*it->rng));
	it->fn_stamp = calloc(trace_n_functions(t) + 1, sizeof(*it->fn_stamp));
	if (!it->rng || !it->fn_stamp)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	it->minute = MINUTES;   /* nothing loaded yet */
	return 0;
}

/* Row i's next arrival: into the heap, or on to its next busy cell. */
static int row_advance(struct a19_it *it, uint32_t i, struct errbuf *err)
{
	int rc = spread_next(it, &it->rows[i]);
	if (rc < 0)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if (rc)
		heap_push(it, i);
	else
		next_cell(it, i);   /* poisson drew no arrival this minute */
	return 0;
}

/* Starts the next busy minute (of this day or a later one): its rows go into
 * the heap, or, for a minute sorted whole, into it->sorted. Returns 1 when a
 * step was made, 0 at the end of the trace, <0 on error. */
static int start_minute(struct a19_it *it, struct errbuf *err)
{
	while (it->minute < MINUTES && it->bucket[it->minute] == UINT32_MAX)
		it->minute++;
	if (it->minute == MINUTES) {
		if (it->day == it->d->n_days)
			return 0;
		int rc = load_day(it, err);
		if (rc < 0)
			return rc;
		uint32_t *h = realloc(it->heap, (it->n_rows + 1) * sizeof(*h));
		if (!h)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		it->heap = h;
		return 1;
	}
	uint32_t i = it->bucket[it->minute];
	it->bucket[it->minute] = UINT32_MAX;
	int sorted = sort_minute(it, i);
	if (sorted < 0)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	while (!sorted && i != UINT32_MAX) {
		struct a19_row *r = &it->rows[i];
		uint32_t next = r->next;
		r->k = 0;
		r->x = 0;
		int rc = row_advance(it, i, err);
		if (rc < 0)
			return rc;
		i = next;
	}
	it->minute++;
	return 1;
}

static int a19_next_impl(void *p, struct trace_arrival *a, struct errbuf *err)
{
	struct a19_it *it = p;
	for (;;) {
		if (it->pos_sorted < it->n_sorted) {
			const struct a19_arr *s = &it->sorted[it->pos_sorted++];
			a->t_s = s->t_s;
			a->trace_fn = s->fn;
			a->duration_s = NAN;
			return 1;
		}
		if (it->n_heap > 0)
			break;
		int rc = start_minute(it, err);
		if (rc <= 0)
			return rc;
	}
	uint32_t i = it->heap[0];
	struct a19_row *r = &it->rows[i];
	a->t_s = r->t_s;
	a->trace_fn = r->fn;
	a->duration_s = NAN;
	heap_pop(it);
	int rc = row_advance(it, i, err);
	return rc < 0 ? rc : 1;
}

static void a19_close(void *p)
{
	struct a19_it *it = p;
	if (!it)
		return;
	free(it->rng);
	free(it->fn_stamp);
	free(it->sorted);
	free(it->scratch);
	free(it->bucket_start);
	free(it->bytes);
	free(it->rows);
	free(it->heap);
	free(it);
}

const struct trace_custom_ops trace_azure2019_ops = {
	.name = "azure2019",
	.keys = a19_keys,
	.file_list_key = "invocations",
	.prepare = a19_prepare,
	.free_data = a19_free_data,
	.open = a19_open,
	.next = a19_next_impl,
	.close = a19_close,
};
