/*
 * trace_csv: the generic trace format, a header naming the columns
 * timestamp_s,function and optionally duration_s and memory_mb (in any
 * order). memory_mb is per function: every row of a function must repeat the
 * same value (or leave it to the first row that gives one).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "workload/trace.h"

struct csv_state {
	long col_t, col_fn, col_dur, col_mem;
	size_t n_cols;
};

static int csv_header(const void *cfg, const struct csvr *r, const struct csvr_row *h, void **state,
		      struct errbuf *err)
{
	(void)cfg;
	struct csv_state *s = calloc(1, sizeof(*s));
	if (!s)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*state = s;
	s->col_t = csvr_find_column(h, "timestamp_s");
	s->col_fn = csvr_find_column(h, "function");
	s->col_dur = csvr_find_column(h, "duration_s");
	s->col_mem = csvr_find_column(h, "memory_mb");
	s->n_cols = h->n_fields;
	size_t known = 2 + (s->col_dur >= 0) + (s->col_mem >= 0);
	if (s->col_t < 0 || s->col_fn < 0 || h->n_fields != known)
		return errbuf_set(err, ERR_INPUT,
				  "%s:%llu: the header must name the columns timestamp_s and function, and optionally duration_s and memory_mb (nothing else)",
				  csvr_path(r), (unsigned long long)h->line);
	return 0;
}

static int csv_row(void *state, const struct csvr *r, const struct csvr_row *row, struct trace_row *out,
		   struct errbuf *err)
{
	struct csv_state *s = state;
	const char *path = csvr_path(r);
	unsigned long long line = (unsigned long long)row->line;
	int rc;
	if (row->n_fields != s->n_cols)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: expected %zu fields, got %zu", path, line, s->n_cols,
				  row->n_fields);
	if ((rc = csvr_double(r, row, (size_t)s->col_t, "timestamp_s", &out->t_s, err)) < 0)
		return rc;
	if (out->t_s < 0)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: timestamp_s must be >= 0, got %g", path, line, out->t_s);
	out->function = row->fields[s->col_fn];
	if (s->col_dur >= 0) {
		if ((rc = csvr_double(r, row, (size_t)s->col_dur, "duration_s", &out->duration_s, err)) < 0)
			return rc;
		if (out->duration_s < 0)
			return errbuf_set(err, ERR_INPUT, "%s:%llu: duration_s must be >= 0, got %g", path, line,
					  out->duration_s);
	}
	if (s->col_mem >= 0 && row->fields[s->col_mem][0]) {
		if ((rc = csvr_double(r, row, (size_t)s->col_mem, "memory_mb", &out->memory_mb, err)) < 0)
			return rc;
		if (!(out->memory_mb > 0))
			return errbuf_set(err, ERR_INPUT, "%s:%llu: memory_mb must be > 0, got %g", path, line,
					  out->memory_mb);
	}
	return 1;
}

const struct trace_rowfmt_ops trace_csv_ops = {
	.keys = NULL,
	.header = csv_header,
	.row = csv_row,
	.free_state = free,
};
