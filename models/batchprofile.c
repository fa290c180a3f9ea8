/*
 * batchprofile: a measured batch service profile, batch_size -> service_s,
 * read with the project's CSV reader and interpolated with GSL (see
 * batchprofile.h for the file format and the rules outside the range).
 */
#include "models/batchprofile.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_interp.h>
#include "core/csvreader.h"

struct batchprof {
	size_t n, cap;
	double *x, *y;            /* sizes strictly increasing; seconds */
	gsl_interp *interp;       /* NULL with a single point */
};

enum { C_SIZE, C_TIME, N_COLS };
static const char *const col_names[N_COLS] = { "batch_size", "service_s" };

void batchprof_free(struct batchprof *p)
{
	if (!p)
		return;
	if (p->interp)
		gsl_interp_free(p->interp);
	free(p->x);
	free(p->y);
	free(p);
}

/* Column c of a row as a number, or an error naming file:line:column. */
static int field(const struct csvr *r, const struct csvr_row *row, const long *cols, int c, double *out,
		 struct errbuf *err)
{
	const char *text = row->fields[cols[c]];
	char *end;
	*out = strtod(text, &end);
	int whole = c == C_SIZE;
	if (!*text || *end || !isfinite(*out) || (whole ? !(*out >= 1) || *out != floor(*out) || *out > 1e9
						      : !(*out >= 0) || *out > 1e9))
		return errbuf_set(err, ERR_INPUT, "%s:%llu:%ld: column '%s': expected %s, got \"%.40s\"",
				  csvr_path(r), (unsigned long long)row->line, cols[c] + 1, col_names[c],
				  whole ? "a whole number of requests in [1, 1e9]" : "a number of seconds in [0, 1e9]", text);
	return 0;
}

static int read_header(struct csvr *r, long *cols, struct errbuf *err)
{
	struct csvr_row h;
	int rc = csvr_next(r, &h, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return errbuf_set(err, ERR_INPUT, "%s: empty file (expected the header batch_size,service_s)",
				  csvr_path(r));
	for (int c = 0; c < N_COLS; c++)
		if ((cols[c] = csvr_find_column(&h, col_names[c])) < 0)
			return errbuf_set(err, ERR_INPUT, "%s:%llu: no column '%s' (the header needs batch_size and service_s)",
					  csvr_path(r), (unsigned long long)h.line, col_names[c]);
	return 0;
}

static int push(struct batchprof *p, double x, double y, struct errbuf *err)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		double *nx = realloc(p->x, cap * sizeof(double));
		if (nx)
			p->x = nx;
		double *ny = nx ? realloc(p->y, cap * sizeof(double)) : NULL;
		if (!ny)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		p->y = ny;
		p->cap = cap;
	}
	p->x[p->n] = x;
	p->y[p->n++] = y;
	return 0;
}

static int read_rows(struct csvr *r, struct batchprof *p, struct errbuf *err)
{
	struct csvr_row row;
	long cols[N_COLS] = { 0, 0 };
	int rc = read_header(r, cols, err);
	if (rc < 0)
		return rc;
	size_t need = (size_t)(cols[0] > cols[1] ? cols[0] : cols[1]) + 1;
	while ((rc = csvr_next(r, &row, err)) > 0) {
		double x, y;
		if (row.n_fields < need)
			return errbuf_set(err, ERR_INPUT, "%s:%llu: expected at least %zu fields, got %zu", csvr_path(r),
					  (unsigned long long)row.line, need, row.n_fields);
		if ((rc = field(r, &row, cols, C_SIZE, &x, err)) < 0 || (rc = field(r, &row, cols, C_TIME, &y, err)) < 0)
			return rc;
		if (p->n && !(x > p->x[p->n - 1]))
			return errbuf_set(err, ERR_INPUT,
					  "%s:%llu:%ld: column 'batch_size': %g does not exceed the previous row's %g"
					  " (sizes must increase strictly)", csvr_path(r), (unsigned long long)row.line,
					  cols[C_SIZE] + 1, x, p->x[p->n - 1]);
		if ((rc = push(p, x, y, err)) < 0)
			return rc;
	}
	if (rc == 0 && p->n == 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: no rows after the header (at least one batch size)", csvr_path(r));
	return rc < 0 ? rc : 0;
}

int batchprof_load(struct batchprof **out, const char *path, struct errbuf *err)
{
	struct csvr *r;
	*out = NULL;
	struct batchprof *p = calloc(1, sizeof(*p));
	if (!p)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	int rc = csvr_open(&r, path, err);
	if (rc < 0) {
		free(p);
		return rc;
	}
	rc = read_rows(r, p, err);
	csvr_close(r);
	if (rc == 0 && p->n >= 2) {
		p->interp = gsl_interp_alloc(gsl_interp_linear, p->n);
		if (!p->interp || gsl_interp_init(p->interp, p->x, p->y, p->n) != 0)
			rc = errbuf_set(err, ERR_RUNTIME, "gsl_interp_init failed");
	}
	if (rc < 0) {
		batchprof_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

double batchprof_service_s(const struct batchprof *p, double n)
{
	if (n <= p->x[0] || p->n == 1)
		return p->y[0];
	size_t last = p->n - 1;
	if (n >= p->x[last]) {
		double slope = (p->y[last] - p->y[last - 1]) / (p->x[last] - p->x[last - 1]);
		double s = p->y[last] + slope * (n - p->x[last]);
		return s > 0 ? s : 0;
	}
	return gsl_interp_eval(p->interp, p->x, p->y, n, NULL);
}

size_t batchprof_points(const struct batchprof *p, const double **size, const double **service_s)
{
	*size = p->x;
	*service_s = p->y;
	return p->n;
}
