/*
 * measured: service times from measured durations per memory size (see
 * measured.h for the forms and the interpolation).
 *
 * A table is n sizes (strictly ascending MB) by k columns: quantiles at
 * probabilities pct[0..k) (k >= 2), one mean (k = 1, is_mean), or, for raw
 * samples, each size's sorted samples (its quantiles on a grid of
 * probabilities are the columns between sizes).
 */
#include "scenario/measured.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_interp.h>
#include "core/csvreader.h"
#include "core/jsonutil.h"
#include "scenario/memsize.h"

#define MAX_SIZES 1000
#define MAX_QUANTILES 64
#define MAX_SAMPLES 10000000u
/* Probabilities 0, 1/GRID, ..., 1 of the samples' quantiles between sizes. */
#define GRID 100

struct table {
	size_t n, k;
	double mem[MAX_SIZES];
	double pct[MAX_QUANTILES];
	const char *key[MAX_QUANTILES];  /* the first entry's key of each column (borrowed) */
	double *val;                 /* n x k, row by size */
	int is_mean;
	double cv;
	double **samples;            /* per size, sorted; NULL unless raw samples */
	size_t *n_samples;
	const char *source;          /* for messages: the JSON path or the file */
};

static void table_free(struct table *t)
{
	free(t->val);
	for (size_t i = 0; t->samples && i < t->n; i++)
		free(t->samples[i]);
	free(t->samples);
	free(t->n_samples);
}

/* ---- "sizes": an inline table ------------------------------------------- */

/* A column key: "mean_s" (*pct = -1) or "p<percent>_s" with the percent in
 * (0, 100) (*pct its probability). 0 or -1 (not a column key). */
static int column_key(const char *key, double *pct)
{
	if (strcmp(key, "mean_s") == 0) {
		*pct = -1;
		return 0;
	}
	size_t len = strlen(key);
	if (len < 4 || key[0] != 'p' || strcmp(key + len - 2, "_s") != 0 || !strchr("0123456789", key[1]))
		return -1;
	char *end;
	double x = strtod(key + 1, &end);
	if (end != key + len - 2 || !(x > 0 && x < 100))
		return -1;
	*pct = x / 100;
	return 0;
}

struct column {
	double p;
	const char *key;
};

static int cmp_column(const void *a, const void *b)
{
	double x = ((const struct column *)a)->p, y = ((const struct column *)b)->p;
	return (x > y) - (x < y);
}

/* The columns, from the first entry's keys (every entry must have them). */
static int table_columns(struct table *t, const json_t *first, const char *item, struct errbuf *err)
{
	struct column cols[MAX_QUANTILES];
	const char *key;
	json_t *v;
	double p;
	t->k = 0;
	json_object_foreach((json_t *)first, key, v) {
		if (strcmp(key, "memory_mb") == 0)
			continue;
		if (column_key(key, &p) < 0)
			return errbuf_set(err, ERR_INPUT,
					  "%s.%s: unknown key (expected memory_mb, mean_s or quantiles p<percent>_s such as p50_s, p99_s)",
					  item, key);
		if (p < 0 ? t->k > 0 || json_object_size(first) > 2 : t->is_mean)
			return errbuf_set(err, ERR_INPUT, "%s: give mean_s or quantiles p<percent>_s, not both", item);
		if (t->k == MAX_QUANTILES)
			return errbuf_set(err, ERR_INPUT, "%s: more than %d quantiles", item, MAX_QUANTILES);
		t->is_mean = p < 0;
		cols[t->k++] = (struct column){ p, key };
	}
	if (t->k == 0 || (!t->is_mean && t->k < 2))
		return errbuf_set(err, ERR_INPUT, "%s: needs mean_s or at least two quantiles p<percent>_s (e.g. p50_s, p99_s)",
				  item);
	qsort(cols, t->k, sizeof(cols[0]), cmp_column);
	for (size_t c = 0; c < t->k; c++) {
		if (c > 0 && cols[c].p == cols[c - 1].p)
			return errbuf_set(err, ERR_INPUT, "%s.%s: the same quantile as %s", item, cols[c].key,
					  cols[c - 1].key);
		t->pct[c] = cols[c].p;
		t->key[c] = cols[c].key;
	}
	return 0;
}

/* Entry i of "sizes": memory_mb (above the previous) and every column. */
static int table_entry(struct table *t, size_t i, const json_t *e, const char *item, struct errbuf *err)
{
	uint64_t mb;
	int rc;
	if ((rc = ju_expect_object(e, item, err)) < 0 ||
	    (rc = ju_uint(e, "memory_mb", item, JU_REQUIRED, 1, MEMSIZE_MAX_MB, &mb, err)) < 0)
		return rc;
	if (json_object_size(e) != t->k + 1) {
		const char *k;
		json_t *v;
		double p;
		json_object_foreach((json_t *)e, k, v)
			if (strcmp(k, "memory_mb") != 0 && column_key(k, &p) < 0)
				return errbuf_set(err, ERR_INPUT, "%s.%s: unknown key (expected memory_mb, mean_s or p<percent>_s)",
						  item, k);
		return errbuf_set(err, ERR_INPUT, "%s: must give the same durations as the first entry (%zu of them)",
				  item, t->k);
	}
	t->mem[i] = (double)mb;
	if (i > 0 && !(t->mem[i] > t->mem[i - 1]))
		return errbuf_set(err, ERR_INPUT, "%s.memory_mb: sizes must be strictly increasing, got %g after %g",
				  item, t->mem[i], t->mem[i - 1]);
	for (size_t c = 0; c < t->k; c++) {
		double *x = &t->val[i * t->k + c];
		if ((rc = ju_number(e, t->key[c], item, JU_REQUIRED, 1e-9, 1e9, x, err)) < 0)
			return rc;
		if (c > 0 && *x < x[-1])
			return errbuf_set(err, ERR_INPUT, "%s.%s: quantiles must not decrease, got %g after %s = %g",
					  item, t->key[c], *x, t->key[c - 1], x[-1]);
	}
	return 0;
}

static int read_sizes(struct table *t, const json_t *sizes, const char *where, struct errbuf *err)
{
	char item[512];
	int rc;
	t->n = json_array_size(sizes);
	if (!json_is_array(sizes) || t->n == 0 || t->n > MAX_SIZES)
		return errbuf_set(err, ERR_INPUT, "%s: must be an array of 1 to %d measured sizes", where, MAX_SIZES);
	ju_index_path(item, sizeof(item), where, 0);
	if ((rc = ju_expect_object(json_array_get(sizes, 0), item, err)) < 0 ||
	    (rc = table_columns(t, json_array_get(sizes, 0), item, err)) < 0)
		return rc;
	if (!(t->val = malloc(t->n * t->k * sizeof(double))))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < t->n; i++) {
		ju_index_path(item, sizeof(item), where, i);
		if ((rc = table_entry(t, i, json_array_get(sizes, i), item, err)) < 0)
			return rc;
	}
	return 0;
}

/* ---- "csv": raw samples --------------------------------------------------- */

struct sample {
	double mb, s;
};

static int cmp_sample(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;
	if (x->mb != y->mb)
		return x->mb < y->mb ? -1 : 1;
	return (x->s > y->s) - (x->s < y->s);
}

/* One row's memory_mb (a whole number in [1, MEMSIZE_MAX_MB]) and duration_s (> 0). */
static int sample_row(const struct csvr *r, const struct csvr_row *row, long cm, long cd, struct sample *out,
		      struct errbuf *err)
{
	int rc;
	if ((rc = csvr_double(r, row, (size_t)cm, "memory_mb", &out->mb, err)) < 0 ||
	    (rc = csvr_double(r, row, (size_t)cd, "duration_s", &out->s, err)) < 0)
		return rc;
	if (!(out->mb >= 1 && out->mb <= MEMSIZE_MAX_MB) || out->mb != floor(out->mb))
		return errbuf_set(err, ERR_INPUT, "%s:%llu:%ld: memory_mb must be a whole number of MB in [1, %u], got %g",
				  csvr_path(r), (unsigned long long)row->line, cm + 1, MEMSIZE_MAX_MB, out->mb);
	if (!(out->s > 0))
		return errbuf_set(err, ERR_INPUT, "%s:%llu:%ld: duration_s must be > 0, got %g", csvr_path(r),
				  (unsigned long long)row->line, cd + 1, out->s);
	return 0;
}

/* Every row of the file into *rows (*n of them). */
static int read_samples(const char *path, struct sample **rows, size_t *n, struct errbuf *err)
{
	struct csvr *r;
	struct csvr_row row;
	size_t cap = 0;
	long cm = -1, cd = -1;
	int rc = csvr_open(&r, path, err);
	if (rc < 0)
		return rc;
	if ((rc = csvr_next(r, &row, err)) == 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: empty file (expected the header memory_mb,duration_s)", path);
	if (rc > 0 && ((cm = csvr_find_column(&row, "memory_mb")) < 0 || (cd = csvr_find_column(&row, "duration_s")) < 0))
		rc = errbuf_set(err, ERR_INPUT, "%s:%llu: the header must name the columns memory_mb and duration_s",
				path, (unsigned long long)row.line);
	while (rc > 0 && (rc = csvr_next(r, &row, err)) > 0) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			struct sample *q = cap <= MAX_SAMPLES ? realloc(*rows, cap * sizeof(**rows)) : NULL;
			if (!q) {
				rc = cap > MAX_SAMPLES ? errbuf_set(err, ERR_INPUT, "%s: more than %u samples", path, MAX_SAMPLES)
						       : errbuf_set(err, ERR_RUNTIME, "out of memory");
				break;
			}
			*rows = q;
		}
		rc = sample_row(r, &row, cm, cd, &(*rows)[*n], err);
		if (rc == 0) {
			(*n)++;
			rc = 1;
		}
	}
	csvr_close(r);
	if (rc == 0 && *n == 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: no samples (only a header)", path);
	return rc < 0 ? rc : 0;
}

static int read_csv(struct table *t, const char *path, struct errbuf *err)
{
	struct sample *rows = NULL;
	size_t n = 0;
	int rc = read_samples(path, &rows, &n, err);
	if (rc == 0)
		qsort(rows, n, sizeof(*rows), cmp_sample);
	for (size_t i = 0; rc == 0 && i < n;) {
		size_t j = i;
		while (j < n && rows[j].mb == rows[i].mb)
			j++;
		if (t->n == MAX_SIZES) {
			rc = errbuf_set(err, ERR_INPUT, "%s: more than %d memory sizes", path, MAX_SIZES);
			break;
		}
		double *s = malloc((j - i) * sizeof(double));
		if (!s) {
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
			break;
		}
		for (size_t q = i; q < j; q++)
			s[q - i] = rows[q].s;
		t->mem[t->n] = rows[i].mb;
		t->samples[t->n] = s;
		t->n_samples[t->n++] = j - i;
		i = j;
	}
	free(rows);
	return rc;
}

/* ---- "power_tuning": AWS Lambda Power Tuning's output ------------------- */

/* stats[i]: its memory (value: MB, a number or a string of digits) and
 * averageDuration (ms). 1: a row; 0: skipped as Power Tuning's analyzer
 * skips it (null, or no averageDuration / 0: an empty result). */
static int pt_entry(const json_t *e, const char *item, double *mb, double *mean_s, struct errbuf *err)
{
	static const char *const keys[] = { "value", "averageDuration", "averagePrice", "totalCost", NULL };
	const json_t *v = json_object_get(e, "value"), *d = json_object_get(e, "averageDuration");
	char path[600];
	int rc;
	if (json_is_null(e))
		return 0;
	if ((rc = ju_expect_object(e, item, err)) < 0 || (rc = ju_check_keys(e, item, keys, err)) < 0)
		return rc;
	if (!d || (json_is_number(d) && json_number_value(d) == 0))
		return 0;
	*mb = json_is_number(v) ? json_number_value(v) : NAN;
	if (json_is_string(v)) {
		/* Power Tuning's "power" is a string of digits; accept "value" so too. */
		char *end;
		*mb = strtod(json_string_value(v), &end);
		if (*end || end == json_string_value(v))
			*mb = NAN;
	}
	if (!(*mb >= 1 && *mb <= MEMSIZE_MAX_MB) || *mb != floor(*mb))
		return errbuf_set(err, ERR_INPUT, "%s: must be a memory size in MB (a whole number in [1, %u])",
				  ju_path(path, sizeof(path), item, "value"), MEMSIZE_MAX_MB);
	if ((rc = ju_number(e, "averageDuration", item, JU_REQUIRED, 0, 1e12, mean_s, err)) < 0)
		return rc;
	*mean_s /= 1000;
	return 1;
}

static int read_power_tuning(struct table *t, const char *path, struct errbuf *err)
{
	json_error_t jerr;
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return errbuf_set(err, ERR_INPUT, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	const json_t *res = json_object_get(doc, "results");
	const json_t *stats = json_object_get(json_is_object(res) ? res : doc, "stats");
	char where[600], item[700];
	struct sample rows[MAX_SIZES];
	size_t n = 0;
	int rc = 0;
	snprintf(where, sizeof(where), "%s: %s", path, json_is_object(res) ? "results.stats" : "stats");
	if (!json_is_array(stats) || json_array_size(stats) == 0 || json_array_size(stats) > MAX_SIZES)
		rc = errbuf_set(err, ERR_INPUT, "%s: must be an array of 1 to %d results (run Power Tuning with \"includeOutputResults\": true)",
				where, MAX_SIZES);
	for (size_t i = 0; rc == 0 && i < json_array_size(stats); i++) {
		ju_index_path(item, sizeof(item), where, i);
		rc = pt_entry(json_array_get(stats, i), item, &rows[n].mb, &rows[n].s, err);
		n += rc > 0;
		rc = rc > 0 ? 0 : rc;
	}
	json_decref(doc);
	if (rc == 0 && n == 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: no result with an averageDuration", where);
	if (rc < 0)
		return rc;
	qsort(rows, n, sizeof(rows[0]), cmp_sample);
	for (size_t i = 1; i < n; i++)
		if (rows[i].mb == rows[i - 1].mb)
			return errbuf_set(err, ERR_INPUT, "%s: %g MB appears twice", where, rows[i].mb);
	if (!(t->val = malloc(n * sizeof(double))))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	t->n = n;
	t->k = 1;
	t->is_mean = 1;
	for (size_t i = 0; i < n; i++) {
		t->mem[i] = rows[i].mb;
		t->val[i] = rows[i].s;
	}
	return 0;
}

/* ---- interpolation -------------------------------------------------------- */

/* Column y (n values, stride k) at memory m within [x[0], x[n-1]]. */
static int interp_column(const double *x, const double *y, size_t n, size_t k, double m, double *out,
			 struct errbuf *err)
{
	double col[MAX_SIZES];
	for (size_t i = 0; i < n; i++)
		col[i] = y[i * k];
	gsl_interp *ip = gsl_interp_alloc(n >= 3 ? gsl_interp_steffen : gsl_interp_linear, n);
	if (!ip)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	int rc = gsl_interp_init(ip, x, col, n);
	if (rc == 0)
		rc = gsl_interp_eval_e(ip, x, col, m, NULL, out);
	gsl_interp_free(ip);
	return rc == 0 ? 0 : errbuf_set(err, ERR_RUNTIME, "interpolation failed at %g MB", m);
}

/* Quantile p of sorted samples s[0..n): linear between order statistics. */
static double sample_quantile(const double *s, size_t n, double p)
{
	if (n == 1)
		return s[0];
	double h = p * (double)(n - 1);
	size_t i = (size_t)floor(h);
	return i + 1 >= n ? s[n - 1] : s[i] + (h - (double)i) * (s[i + 1] - s[i]);
}

/* The distribution of row `row` of vals (k columns; probabilities pct). */
static int make_dist(const struct table *t, const double *row, const double *pct, size_t k, struct dist *out,
		     struct errbuf *err)
{
	if (!t->is_mean)
		return t->samples ? dist_empirical(out, pct, row, k, err) : dist_quantiles(out, pct, row, k, err);
	if (t->cv == 0) {
		dist_constant(out, row[0]);
		return 0;
	}
	json_t *d = json_pack("{s:s, s:f, s:f}", "dist", "lognormal", "mean_s", row[0], "cv", t->cv);
	int rc = d ? dist_from_json(out, d, t->source, err) : errbuf_set(err, ERR_RUNTIME, "out of memory");
	json_decref(d);
	return rc;
}

/* Measured size i exactly. */
static int at_size(const struct table *t, size_t i, struct dist *out, struct errbuf *err)
{
	if (!t->samples)
		return make_dist(t, &t->val[i * t->k], t->pct, t->k, out, err);
	size_t n = t->n_samples[i];
	if (n == 1) {
		dist_constant(out, t->samples[i][0]);
		return 0;
	}
	double *pct = malloc(n * sizeof(double));
	if (!pct)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t j = 0; j < n; j++)
		pct[j] = (double)j / (double)(n - 1);
	pct[n - 1] = 1;
	int rc = dist_empirical(out, pct, t->samples[i], n, err);
	free(pct);
	return rc;
}

/* Between measured sizes: every column interpolated, then made non-decreasing. */
static int between(struct table *t, double m, struct dist *out, struct errbuf *err)
{
	double row[GRID + 1], grid[GRID + 1];
	size_t k = t->samples ? GRID + 1 : t->k;
	int rc;
	if (t->samples) {
		/* The samples' quantiles on the grid become the columns. */
		free(t->val);
		if (!(t->val = malloc(t->n * k * sizeof(double))))
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		for (size_t c = 0; c < k; c++)
			grid[c] = (double)c / GRID;
		for (size_t i = 0; i < t->n; i++)
			for (size_t c = 0; c < k; c++)
				t->val[i * k + c] = sample_quantile(t->samples[i], t->n_samples[i], grid[c]);
	}
	for (size_t c = 0; c < k; c++) {
		if ((rc = interp_column(t->mem, t->val + c, t->n, k, m, &row[c], err)) < 0)
			return rc;
		if (c > 0 && row[c] < row[c - 1])
			row[c] = row[c - 1];
	}
	return make_dist(t, row, t->samples ? grid : t->pct, k, out, err);
}

static int evaluate(struct table *t, uint32_t memory_mb, int clamp, const char *where, struct dist *out,
		    struct errbuf *err)
{
	double m = memory_mb;
	for (size_t i = 0; i < t->n; i++)
		if (t->mem[i] == m)
			return at_size(t, i, out, err);
	if (m < t->mem[0] || m > t->mem[t->n - 1]) {
		if (clamp)
			return at_size(t, m < t->mem[0] ? 0 : t->n - 1, out, err);
		if (t->n == 1)
			return errbuf_set(err, ERR_INPUT, "%s: memory_mb %u is not the measured size (%g MB); measure it, or set \"outside\": \"clamp\" to use %g MB's durations",
					  where, memory_mb, t->mem[0], t->mem[0]);
		return errbuf_set(err, ERR_INPUT, "%s: memory_mb %u is outside the measured sizes [%g, %g] MB; measure it, or set \"outside\": \"clamp\" to use the nearest size's durations",
				  where, memory_mb, t->mem[0], t->mem[t->n - 1]);
	}
	return between(t, m, out, err);
}

/* ---- the "measured" object ------------------------------------------------ */

static char *resolve(const char *dir, const char *p)
{
	size_t n = strlen(dir ? dir : "") + strlen(p) + 2;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%s%s%s", p[0] == '/' || !dir || !*dir ? "" : dir,
			 p[0] == '/' || !dir || !*dir ? "" : "/", p);
	return out;
}

/* Exactly one of sizes, csv and power_tuning, read into t. */
static int read_table(struct table *t, const json_t *obj, const char *dir, const char *where, struct errbuf *err)
{
	const json_t *sizes = json_object_get(obj, "sizes");
	const char *file = NULL, *key = json_object_get(obj, "csv") ? "csv" : "power_tuning";
	char path[600];
	int rc;
	if (!!sizes + !!json_object_get(obj, "csv") + !!json_object_get(obj, "power_tuning") != 1)
		return errbuf_set(err, ERR_INPUT, "%s: give exactly one of sizes, csv and power_tuning", where);
	if (sizes)
		return read_sizes(t, sizes, ju_path(path, sizeof(path), where, "sizes"), err);
	if ((rc = ju_string(obj, key, where, JU_REQUIRED, &file, err)) < 0)
		return rc;
	if (!*file)
		return errbuf_set(err, ERR_INPUT, "%s: must not be empty", ju_path(path, sizeof(path), where, key));
	char *full = resolve(dir, file);
	if (!full)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if (key[0] == 'c') {
		t->samples = calloc(MAX_SIZES, sizeof(*t->samples));
		t->n_samples = calloc(MAX_SIZES, sizeof(*t->n_samples));
		rc = t->samples && t->n_samples ? read_csv(t, full, err) : errbuf_set(err, ERR_RUNTIME, "out of memory");
	} else {
		rc = read_power_tuning(t, full, err);
	}
	free(full);
	return rc;
}

static int parse_measured(const json_t *obj, const char *dir, uint32_t memory_mb, const char *where,
			  struct dist *out, struct errbuf *err)
{
	static const char *const keys[] = { "sizes", "csv", "power_tuning", "cv", "outside", NULL };
	static const char *const outside[] = { "error", "clamp", NULL };
	struct table *t = calloc(1, sizeof(*t));
	int clamp = 0, rc;
	char path[600];
	if (!t)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	t->source = where;
	if ((rc = ju_expect_object(obj, where, err)) < 0 || (rc = ju_check_keys(obj, where, keys, err)) < 0 ||
	    (rc = ju_number(obj, "cv", where, JU_OPTIONAL, 0, 100, &t->cv, err)) < 0 ||
	    (rc = ju_enum(obj, "outside", where, JU_OPTIONAL, outside, &clamp, err)) < 0 ||
	    (rc = read_table(t, obj, dir, where, err)) < 0)
		goto out;
	if (json_object_get(obj, "cv") && !t->is_mean) {
		rc = errbuf_set(err, ERR_INPUT, "%s: only with mean durations (mean_s, Power Tuning's averageDuration)",
				ju_path(path, sizeof(path), where, "cv"));
		goto out;
	}
	rc = evaluate(t, memory_mb, clamp, where, out, err);
out:
	table_free(t);
	free(t);
	return rc;
}

int measured_service(const json_t *service, const char *dir, uint32_t memory_mb, const char *where,
		     struct dist *out, struct errbuf *err)
{
	static const char *const keys[] = { "measured", NULL };
	char path[600];
	const json_t *m = json_object_get(service, "measured");
	if (!m)
		return dist_from_json(out, service, where, err);
	int rc = ju_check_keys(service, where, keys, err);
	if (rc < 0)
		return rc;
	return parse_measured(m, dir, memory_mb, ju_path(path, sizeof(path), where, "measured"), out, err);
}
