#include "workload/trace.h"

#include <stdio.h>

#include <ctype.h>
#include <stddef.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/jsonutil.h"
#include "core/rng.h"
#include "core/strmap.h"
#include "workload/plugin.h"
#include "workload/tscale.h"

static const char *const common_keys[] = { "format", "keep_time", "skip_bad_rows", "max_rows_in_memory",
					   "top_n", "fraction", "sample_seed", "triggers", "traffic_scale", NULL };

/* ---- the prepared trace -------------------------------------------------- */

/* A row held in memory because the file is not sorted by time. */
struct mem_row {
	double t_s, duration_s;
	uint32_t fn, seq, trigger;
	uint32_t prompt_tokens, output_tokens;
};

struct rows_data {
	void *cfg;
	char *path;
	struct mem_row *rows;       /* NULL when the file is sorted: it is streamed */
	size_t n_rows;
};

struct trace {
	const struct trace_format *fmt;
	void *data;                 /* rows_data or the custom format's */
	struct strmap *names, *triggers;
	struct trace_fn *fns;
	size_t n_fns, cap_fns;
	uint32_t *fn_trigger;       /* trigger_id per function, compact for replay */
	double first_s, last_s, shift_s;
	double traffic_scale;       /* "traffic_scale": generators scale their rates, files go through tscale */
	int times_set, keep_time, skip_bad, has_durations;
	uint64_t max_rows, rows, skipped_status, skipped_bad;
};

const char *trace_format_name(const struct trace *t) { return trace_format_entry_name(t->fmt); }
size_t trace_n_functions(const struct trace *t) { return t->n_fns; }
const struct trace_fn *trace_function(const struct trace *t, size_t i) { return &t->fns[i]; }
struct trace_fn *trace_function_mut(struct trace *t, size_t i) { return &t->fns[i]; }
long trace_find_function(const struct trace *t, const char *name) { return strmap_find(t->names, name); }
int trace_has_durations(const struct trace *t) { return t->has_durations; }
size_t trace_n_triggers(const struct trace *t) { return strmap_size(t->triggers); }
const char *trace_trigger_name(const struct trace *t, uint32_t id) { return strmap_name(t->triggers, id); }

static uint32_t trigger_id(const struct trace *t, const char *name)
{
	long id = name ? strmap_find(t->triggers, name) : -1;
	return id < 0 ? UINT32_MAX : (uint32_t)id;
}
int trace_skip_bad_rows(const struct trace *t) { return t->skip_bad; }
double trace_traffic_scale(const struct trace *t) { return t->traffic_scale; }

double trace_span_s(const struct trace *t)
{
	return t->times_set ? t->last_s - t->shift_s : 0;
}

uint64_t trace_invocations(const struct trace *t)
{
	uint64_t n = 0;
	for (size_t i = 0; i < t->n_fns; i++)
		n += t->fns[i].invocations;
	return n;
}

void trace_set_times(struct trace *t, double first_s, double last_s)
{
	t->first_s = first_s;
	t->last_s = last_s;
	t->times_set = 1;
}

void trace_set_has_durations(struct trace *t, int yes)
{
	t->has_durations = yes;
}

void trace_add_rows(struct trace *t, uint64_t rows, uint64_t skipped_status, uint64_t skipped_bad)
{
	t->rows += rows;
	t->skipped_status += skipped_status;
	t->skipped_bad += skipped_bad;
}

/* Function names become JSON and CSV fields: keep them plain. */
static int check_fn_name(const char *name, const char *where, struct errbuf *err)
{
	size_t n = strlen(name);
	int ok = n > 0 && n <= 200 && name[0] != '.';
	for (const char *p = name; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("._-", *p);
	if (!ok)
		return errbuf_set(err, ERR_INPUT,
				  "%s: function name \"%.60s\" must be 1-200 characters of letters, digits, '.', '_' or '-', not starting with '.'",
				  where, name);
	return 0;
}

long trace_add_function(struct trace *t, const char *name, const char *where, struct errbuf *err)
{
	long id = strmap_find(t->names, name);
	if (id >= 0)
		return id;
	int rc = check_fn_name(name, where, err);
	if (rc < 0)
		return rc;
	if (t->n_fns == t->cap_fns) {
		size_t cap = t->cap_fns ? 2 * t->cap_fns : 64;
		struct trace_fn *f = realloc(t->fns, cap * sizeof(*f));
		if (!f)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		t->fns = f;
		t->cap_fns = cap;
	}
	int added;
	id = strmap_add(t->names, name, &added);
	if (id < 0)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	struct trace_fn *f = &t->fns[t->n_fns++];
	memset(f, 0, sizeof(*f));
	f->memory_mb = NAN;
	f->included = 1;
	/* Names move when the arena grows: point at them once preparation ends. */
	return id;
}

void trace_free(struct trace *t)
{
	if (!t)
		return;
	free(t->fn_trigger);
	if (t->fmt && t->data) {
		if (t->fmt->rows) {
			struct rows_data *d = t->data;
			if (t->fmt->rows->free_cfg)
				t->fmt->rows->free_cfg(d->cfg);
			free(d->path);
			free(d->rows);
			free(d);
		} else {
			t->fmt->custom->free_data(t->data);
		}
	}
	for (size_t i = 0; i < t->n_fns; i++) {
		dist_free(&t->fns[i].service);
		free((char *)t->fns[i].trigger);
	}
	free(t->fns);
	strmap_free(t->names);
	strmap_free(t->triggers);
	free(t);
}

/* ---- row formats ------------------------------------------------------- */

static int cmp_mem_row(const void *a, const void *b)
{
	const struct mem_row *x = a, *y = b;
	if (x->t_s != y->t_s)
		return x->t_s < y->t_s ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* An open file of a row format: its reader, the format's state (read per
 * file) and the header's field count, which every row must have. */
struct rows_file {
	struct csvr *csv;
	void *state;
	size_t n_cols;
};

static void rows_close_file(struct rows_file *f)
{
	free(f->state);
	csvr_close(f->csv);
	f->state = NULL;
	f->csv = NULL;
}

/* Opens the file and reads its header through the format. */
static int rows_open_file(const struct trace_rowfmt_ops *ops, const struct rows_data *d, struct rows_file *f,
			  struct errbuf *err)
{
	struct csvr_row h;
	memset(f, 0, sizeof(*f));
	int rc = csvr_open(&f->csv, d->path, err);
	if (rc < 0)
		return rc;
	rc = csvr_next(f->csv, &h, err);
	if (rc == 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: empty file (expected a header row)", d->path);
	if (rc >= 0 && !(f->state = calloc(1, ops->state_size)))
		rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
	if (rc >= 0) {
		f->n_cols = h.n_fields;
		rc = ops->header(d->cfg, f->csv, &h, f->state, err);
	}
	if (rc < 0)
		rows_close_file(f);
	return rc;
}

int trace_check_fields(const struct csvr *r, const struct csvr_row *row, size_t want, struct errbuf *err)
{
	if (row->n_fields != want)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: expected %zu fields, got %zu", csvr_path(r),
				  (unsigned long long)row->line, want, row->n_fields);
	return 0;
}

/* One accepted row of a row format, with skipping of bad rows: 1 row, 0 end. */
static int rows_read(struct trace *t, const struct trace_rowfmt_ops *ops, struct rows_file *f,
		     struct trace_row *out, uint64_t *skipped_status, uint64_t *skipped_bad, uint64_t *line,
		     struct errbuf *err)
{
	for (;;) {
		struct csvr_row row;
		int rc = csvr_next(f->csv, &row, err);
		if (rc <= 0)
			return rc;
		out->duration_s = NAN;
		out->memory_mb = NAN;
		out->trigger = NULL;
		out->function = NULL;
		out->prompt_tokens = out->output_tokens = 0;
		*line = row.line;
		rc = trace_check_fields(f->csv, &row, f->n_cols, err);
		if (rc == 0)
			rc = ops->row(f->state, f->csv, &row, out, err);
		if (rc == 1)
			return 1;
		if (rc == 0) {
			(*skipped_status)++;
			continue;
		}
		if (rc == ERR_INPUT && t->skip_bad) {
			(*skipped_bad)++;
			continue;
		}
		return rc;
	}
}

/* "path", relative to dir unless absolute. */
static int rows_path(struct rows_data *d, const json_t *spec, const char *where, const char *dir,
		     struct errbuf *err)
{
	const char *p;
	char path[512];
	int rc = ju_string(spec, "path", where, JU_REQUIRED, &p, err);
	if (rc < 0)
		return rc;
	if (!*p)
		return errbuf_set(err, ERR_INPUT, "%s: must not be empty", ju_path(path, sizeof(path), where, "path"));
	size_t n = strlen(dir) + strlen(p) + 2;
	d->path = malloc(n);
	if (!d->path)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if (p[0] == '/' || !*dir)
		snprintf(d->path, n, "%s", p);
	else
		snprintf(d->path, n, "%s/%s", dir, p);
	return 0;
}

/* What the first pass learns of the file. */
struct rows_scan {
	uint64_t accepted, status, bad, line;
	int sorted, all_durations;
	double prev, first, last;
};

/* Enters an accepted row's function, memory and trigger (at: "file:line").
 * 1: counted; 0: a bad function name skipped; <0: error. */
static int rows_account(struct trace *t, const struct trace_row *row, const char *at, struct rows_scan *s,
			struct errbuf *err)
{
	long fn = trace_add_function(t, row->function, at, err);
	if (fn == ERR_INPUT && t->skip_bad) {
		s->bad++;
		return 0;
	}
	if (fn < 0)
		return (int)fn;
	struct trace_fn *f = &t->fns[fn];
	if (!isnan(row->memory_mb)) {
		if (isnan(f->memory_mb))
			f->memory_mb = row->memory_mb;
		else if (f->memory_mb != row->memory_mb)
			return errbuf_set(err, ERR_INPUT,
					  "%s: memory_mb %g differs from %g given earlier for function \"%s\" (memory is per function)",
					  at, row->memory_mb, f->memory_mb, row->function);
	}
	if (row->trigger && strmap_add(t->triggers, row->trigger, NULL) < 0)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if (row->trigger && !f->trigger && !(f->trigger = strdup(row->trigger)))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	f->invocations++;
	return 1;
}

/* Pass 1: functions, counts, times, order. */
static int rows_scan_file(struct trace *t, const struct rows_data *d, struct rows_scan *s, struct errbuf *err)
{
	const struct trace_rowfmt_ops *ops = t->fmt->rows;
	struct rows_file f;
	struct trace_row row;
	int rc;
	*s = (struct rows_scan){ .sorted = 1, .all_durations = 1, .prev = -INFINITY, .first = INFINITY,
				 .last = -INFINITY };
	if ((rc = rows_open_file(ops, d, &f, err)) < 0)
		return rc;
	while ((rc = rows_read(t, ops, &f, &row, &s->status, &s->bad, &s->line, err)) == 1) {
		char at[600];
		snprintf(at, sizeof(at), "%s:%llu", d->path, (unsigned long long)s->line);
		if ((rc = rows_account(t, &row, at, s, err)) < 0)
			break;
		if (rc == 0)
			continue;
		s->accepted++;
		if (isnan(row.duration_s))
			s->all_durations = 0;
		if (row.t_s < s->prev)
			s->sorted = 0;
		s->prev = row.t_s;
		if (row.t_s < s->first)
			s->first = row.t_s;
		if (row.t_s > s->last)
			s->last = row.t_s;
	}
	rows_close_file(&f);
	return rc;
}

/* Pass 2: rows out of time order are sorted in memory, within a bound. */
static int rows_sort_file(struct trace *t, struct rows_data *d, uint64_t accepted, const char *where,
			  struct errbuf *err)
{
	const struct trace_rowfmt_ops *ops = t->fmt->rows;
	struct rows_file f;
	struct trace_row row;
	uint64_t status = 0, bad = 0, line = 0;
	int rc;
	if (accepted > t->max_rows)
		return errbuf_set(err, ERR_INPUT,
				  "%s: rows are not sorted by time and there are %llu of them, more than %s.max_rows_in_memory (%llu); sort the file by time or raise the limit",
				  d->path, (unsigned long long)accepted, where, (unsigned long long)t->max_rows);
	d->rows = malloc(accepted * sizeof(*d->rows));
	if (!d->rows)
		return errbuf_set(err, ERR_RUNTIME, "out of memory sorting %llu rows of %s",
				  (unsigned long long)accepted, d->path);
	if ((rc = rows_open_file(ops, d, &f, err)) < 0)
		return rc;
	while (d->n_rows < accepted && (rc = rows_read(t, ops, &f, &row, &status, &bad, &line, err)) == 1) {
		long fn = trace_find_function(t, row.function);
		if (fn < 0)
			continue;   /* a bad name skipped in pass 1 */
		d->rows[d->n_rows] = (struct mem_row){ row.t_s, row.duration_s, (uint32_t)fn, (uint32_t)d->n_rows,
						       trigger_id(t, row.trigger), row.prompt_tokens, row.output_tokens };
		d->n_rows++;
	}
	rows_close_file(&f);
	if (rc < 0)
		return rc;
	qsort(d->rows, d->n_rows, sizeof(*d->rows), cmp_mem_row);
	return 0;
}

static int rows_prepare(struct trace *t, const json_t *spec, const char *where, const char *dir,
			struct errbuf *err)
{
	const struct trace_rowfmt_ops *ops = t->fmt->rows;
	struct rows_data *d = calloc(1, sizeof(*d));
	struct rows_scan s;
	int rc;
	if (!d)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	t->data = d;
	if ((rc = rows_path(d, spec, where, dir, err)) < 0 ||
	    (ops->parse && (rc = ops->parse(spec, where, &d->cfg, err)) < 0) ||
	    (ops->load && (rc = ops->load(d->cfg, dir, err)) < 0) ||
	    (rc = rows_scan_file(t, d, &s, err)) < 0)
		return rc;
	trace_add_rows(t, s.accepted + s.status + s.bad, s.status, s.bad);
	if (s.accepted == 0)
		return errbuf_set(err, ERR_INPUT, "%s: no arrivals (%llu rows skipped)", d->path,
				  (unsigned long long)(s.status + s.bad));
	trace_set_times(t, s.first, s.last);
	t->has_durations = s.all_durations;
	return s.sorted ? 0 : rows_sort_file(t, d, s.accepted, where, err);
}

/* ---- preparation --------------------------------------------------------- */

struct ranked {
	uint64_t invocations;
	size_t index;
};

/* Most invocations first; ties in order of appearance. */
static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->invocations != y->invocations)
		return x->invocations > y->invocations ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int apply_sampling(struct trace *t, const json_t *spec, const char *where, struct errbuf *err)
{
	char path[512];
	double fraction = 1;
	uint64_t top_n = 0, sample_seed = 1;
	const json_t *triggers = json_object_get(spec, "triggers");
	int rc;
	if ((rc = ju_number(spec, "fraction", where, JU_OPTIONAL, 0, 1, &fraction, err)) < 0 ||
	    (rc = ju_uint(spec, "top_n", where, JU_OPTIONAL, 1, UINT32_MAX, &top_n, err)) < 0 ||
	    (rc = ju_uint(spec, "sample_seed", where, JU_OPTIONAL, 0, UINT64_MAX >> 1, &sample_seed, err)) < 0)
		return rc;
	if (triggers) {
		ju_path(path, sizeof(path), where, "triggers");
		if (!json_is_array(triggers) || json_array_size(triggers) == 0)
			return errbuf_set(err, ERR_INPUT, "%s: must be a non-empty array of trigger names", path);
		for (size_t i = 0; i < json_array_size(triggers); i++)
			if (!json_is_string(json_array_get(triggers, i)))
				return errbuf_set(err, ERR_INPUT, "%s[%zu]: must be a string", path, i);
	}
	for (size_t i = 0; i < t->n_fns; i++) {
		struct trace_fn *f = &t->fns[i];
		if (triggers) {
			int match = 0;
			for (size_t k = 0; f->trigger && k < json_array_size(triggers); k++)
				match |= strcmp(f->trigger, json_string_value(json_array_get(triggers, k))) == 0;
			f->included &= match;
		}
		if (fraction < 1) {
			/* By name, so a function's fate does not depend on the file's order. */
			uint64_t h = strmap_hash(f->name);
			uint64_t x = rng_seed_for(sample_seed, (uint32_t)h, (uint32_t)(h >> 32), RNG_TRACE);
			f->included &= (double)(x >> 11) * 0x1.0p-53 < fraction;
		}
	}
	if (top_n) {
		if (t->fmt->custom && t->fmt->custom->generated)
			return errbuf_set(err, ERR_INPUT, "%s: generators have no invocation counts to rank",
					  ju_path(path, sizeof(path), where, "top_n"));
		struct ranked *idx = malloc((t->n_fns + 1) * sizeof(*idx));
		size_t n = 0;
		if (!idx)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		for (size_t i = 0; i < t->n_fns; i++)
			if (t->fns[i].included)
				idx[n++] = (struct ranked){ t->fns[i].invocations, i };
		qsort(idx, n, sizeof(*idx), cmp_ranked);
		for (size_t k = top_n; k < n; k++)
			t->fns[idx[k].index].included = 0;
		free(idx);
	}
	return 0;
}

/* The format named by spec.format, with the spec's keys checked against the
 * common ones, "path" for row formats and the format's own. */
static int find_format(const json_t *spec, const char *where, const struct trace_format **out,
		       struct errbuf *err)
{
	const char *name;
	char path[512], known[256];
	int rc;
	if ((rc = ju_expect_object(spec, where, err)) < 0 ||
	    (rc = ju_string(spec, "format", where, JU_REQUIRED, &name, err)) < 0)
		return rc;
	const struct trace_format *fmt = *out = trace_format_find(name);
	if (!fmt) {
		trace_format_names(TRACE_NAMES_FORMATS, known, sizeof(known));
		return errbuf_set(err, ERR_INPUT, "%s: unknown format \"%s\" (known: %s)",
				  ju_path(path, sizeof(path), where, "format"), name, known);
	}
	/* Generators check their own parameters, which depend on the pattern. */
	if (fmt->custom && fmt->custom->generated)
		return 0;
	const char *keys[64];
	size_t n = 0;
	for (const char *const *k = common_keys; *k; k++)
		keys[n++] = *k;
	if (fmt->rows)
		keys[n++] = "path";
	const char *const *own = fmt->rows ? fmt->rows->keys : fmt->custom->keys;
	for (const char *const *k = own; k && *k && n < 62; k++)
		keys[n++] = *k;
	keys[n] = NULL;
	return ju_check_keys(spec, where, keys, err);
}

static struct trace *trace_new(const struct trace_format *fmt)
{
	struct trace *t = calloc(1, sizeof(*t));
	if (!t || !(t->names = strmap_new()) || !(t->triggers = strmap_new())) {
		if (t)
			strmap_free(t->names);
		free(t);
		return NULL;
	}
	t->fmt = fmt;
	t->max_rows = TRACE_DEFAULT_MAX_ROWS_IN_MEMORY;
	t->traffic_scale = 1;
	return t;
}

/* Once the format has found every function: names (the arena no longer
 * moves) and trigger ids. */
static int index_functions(struct trace *t, struct errbuf *err)
{
	for (size_t i = 0; i < t->n_fns; i++) {
		t->fns[i].name = strmap_name(t->names, i);
		if (t->fns[i].trigger && strmap_add(t->triggers, t->fns[i].trigger, NULL) < 0)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	if (!(t->fn_trigger = malloc((t->n_fns + 1) * sizeof(*t->fn_trigger))))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < t->n_fns; i++)
		t->fn_trigger[i] = t->fns[i].trigger_id = trigger_id(t, t->fns[i].trigger);
	return 0;
}

int trace_prepare(struct trace **out, const json_t *spec, const char *where, const char *dir,
		  struct errbuf *err)
{
	const struct trace_format *fmt;
	*out = NULL;
	/* An array is a mix of sources (formats/mix.c), with no keys of its own. */
	int rc = json_is_array(spec) ? ((fmt = trace_format_find("mix")) ? 0 : ERR_RUNTIME)
				     : find_format(spec, where, &fmt, err);
	if (rc < 0)
		return rc;
	struct trace *t = trace_new(fmt);
	if (!t)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if ((rc = ju_bool(spec, "keep_time", where, JU_OPTIONAL, &t->keep_time, err)) < 0 ||
	    (rc = ju_bool(spec, "skip_bad_rows", where, JU_OPTIONAL, &t->skip_bad, err)) < 0 ||
	    (rc = ju_uint(spec, "max_rows_in_memory", where, JU_OPTIONAL, 1, UINT32_MAX, &t->max_rows, err)) < 0 ||
	    (rc = ju_number(spec, "traffic_scale", where, JU_OPTIONAL, 1e-6, 1e4, &t->traffic_scale, err)) < 0)
		goto fail;
	rc = fmt->rows ? rows_prepare(t, spec, where, dir ? dir : "", err)
		       : fmt->custom->prepare(t, spec, where, dir ? dir : "", &t->data, err);
	if (rc < 0 || (rc = index_functions(t, err)) < 0 || (rc = apply_sampling(t, spec, where, err)) < 0)
		goto fail;
	t->shift_s = t->keep_time || !t->times_set ? 0 : t->first_s;
	*out = t;
	return 0;
fail:
	trace_free(t);
	return rc;
}

json_t *trace_summary_json(const struct trace *t)
{
	size_t included = 0;
	for (size_t i = 0; i < t->n_fns; i++)
		included += t->fns[i].included != 0;
	return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:f}", "format", trace_format_name(t),
			 "rows", (json_int_t)t->rows, "rows_skipped_status", (json_int_t)t->skipped_status,
			 "rows_skipped_bad", (json_int_t)t->skipped_bad, "functions", (json_int_t)t->n_fns,
			 "functions_included", (json_int_t)included, "invocations",
			 (json_int_t)trace_invocations(t), "span_s", trace_span_s(t), "time_shift_s", t->shift_s);
}

/* ---- replay ------------------------------------------------------------ */

struct trace_reader {
	const struct trace *t;
	const uint32_t *map;
	/* row formats */
	size_t pos;
	struct rows_file file;
	long last_fn;
	char last_name[256];
	/* custom formats */
	void *it;
	/* traffic_scale != 1 on a file: the arrivals above go through it */
	struct tscale scaled;
	int is_scaled;
};

static int read_mapped(void *ctx, void *rec, struct errbuf *err);

int trace_open(const struct trace *t, uint64_t seed, uint32_t replication, const uint32_t *fn_map,
	       struct trace_reader **out, struct errbuf *err)
{
	struct trace_reader *r = calloc(1, sizeof(*r));
	*out = NULL;
	if (!r)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	r->t = t;
	r->map = fn_map;
	r->last_fn = -1;
	int rc = 0;
	if (t->fmt->rows) {
		const struct rows_data *d = t->data;
		if (!d->rows)
			rc = rows_open_file(t->fmt->rows, d, &r->file, err);
	} else {
		rc = t->fmt->custom->open(t, t->data, seed, replication, fn_map, &r->it, err);
	}
	if (rc == 0 && t->traffic_scale != 1 && !(t->fmt->custom && t->fmt->custom->generated)) {
		r->is_scaled = 1;
		rc = tscale_init(&r->scaled, t->traffic_scale, rng_stream(seed, replication, UINT32_MAX, RNG_SCALE),
				 sizeof(struct trace_arrival), offsetof(struct trace_arrival, t_s), read_mapped, r,
				 err);
	}
	if (rc < 0) {
		trace_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

static int rows_next(struct trace_reader *r, struct trace_arrival *a, struct errbuf *err)
{
	const struct trace *t = r->t;
	const struct rows_data *d = t->data;
	if (d->rows) {
		if (r->pos >= d->n_rows)
			return 0;
		const struct mem_row *m = &d->rows[r->pos++];
		a->t_s = m->t_s;
		a->trace_fn = m->fn;
		a->duration_s = m->duration_s;
		a->trigger = m->trigger;
		a->prompt_tokens = m->prompt_tokens;
		a->output_tokens = m->output_tokens;
		return 1;
	}
	struct trace_row row;
	uint64_t status = 0, bad = 0, line = 0;
	int rc = rows_read((struct trace *)t, t->fmt->rows, &r->file, &row, &status, &bad, &line, err);
	if (rc <= 0)
		return rc;
	/* Consecutive rows often name the same function: skip the lookup. */
	if (r->last_fn < 0 || strcmp(row.function, r->last_name) != 0) {
		long fn = trace_find_function(t, row.function);
		if (fn < 0) {
			/* A bad name skipped in preparation, or the file changed. */
			if (t->skip_bad)
				return rows_next(r, a, err);
			return errbuf_set(err, ERR_INPUT, "%s:%llu: function \"%.60s\" was not in the file when the scenario was loaded",
					  d->path, (unsigned long long)line, row.function);
		}
		r->last_fn = fn;
		snprintf(r->last_name, sizeof(r->last_name), "%s", row.function);
		if (strlen(row.function) >= sizeof(r->last_name))
			r->last_name[0] = '\0';
	}
	a->t_s = row.t_s;
	a->trace_fn = (uint32_t)r->last_fn;
	a->duration_s = row.duration_s;
	a->trigger = trigger_id(t, row.trigger);
	a->prompt_tokens = row.prompt_tokens;
	a->output_tokens = row.output_tokens;
	return 1;
}

/* The trace's own arrivals, mapped and shifted (tscale_read_fn). */
static int read_mapped(void *ctx, void *rec, struct errbuf *err)
{
	struct trace_reader *r = ctx;
	struct trace_arrival *a = rec;
	for (;;) {
		int rc;
		if (r->t->fmt->rows) {
			rc = rows_next(r, a, err);
		} else {
			a->prompt_tokens = a->output_tokens = 0;
			rc = r->t->fmt->custom->next(r->it, a, err);
			a->trigger = rc > 0 ? r->t->fn_trigger[a->trace_fn] : UINT32_MAX;
		}
		if (rc <= 0)
			return rc;
		uint32_t fn = r->map ? r->map[a->trace_fn] : a->trace_fn;
		if (fn == UINT32_MAX)
			continue;
		a->fn = fn;
		a->t_s -= r->t->shift_s;
		return 1;
	}
}

int trace_next(struct trace_reader *r, struct trace_arrival *a, struct errbuf *err)
{
	return r->is_scaled ? tscale_next(&r->scaled, a, err) : read_mapped(r, a, err);
}

void trace_close(struct trace_reader *r)
{
	if (!r)
		return;
	if (r->is_scaled)
		tscale_free(&r->scaled);
	if (r->t->fmt->rows) {
		rows_close_file(&r->file);
	} else if (r->it) {
		r->t->fmt->custom->close(r->it);
	}
	free(r);
}

/* ---- dates ------------------------------------------------------------- */

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (!isdigit((unsigned char)**p))
			return -1;
		v = v * 10 + (**p - '0');
	}
	*out = v;
	return 0;
}

int trace_parse_datetime(const char *s, int64_t *day, double *sec_of_day)
{
	int y, mo, d, h, mi, se;
	const char *p = s;
	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d) ||
	    (*p != ' ' && *p != 'T') || !*p++ || digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi) ||
	    *p++ != ':' || digits(&p, 2, &se))
		return -1;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h > 23 || mi > 59 || se > 60)
		return -1;
	double frac = 0, scale = 0.1;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return -1;
		for (; isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	if (*p)
		return -1;
	*day = days_from_civil(y, (unsigned)mo, (unsigned)d);
	*sec_of_day = h * 3600.0 + mi * 60.0 + se + frac;
	return 0;
}

double trace_since_base(struct trace_day_base *base, int64_t day, double sec_of_day)
{
	if (!base->set) {
		base->set = 1;
		base->day = day;
	}
	return (double)(day - base->day) * 86400.0 + sec_of_day;
}

/* ---- for parse functions ------------------------------------------------ */

int trace_string_copy(const json_t *spec, const char *key, const char *def, const char *where, char **copy,
		      struct errbuf *err)
{
	const char *s = def;
	int rc = ju_string(spec, key, where, JU_OPTIONAL, &s, err);
	if (rc < 0)
		return rc;
	if (!(*copy = strdup(s)))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return 0;
}
