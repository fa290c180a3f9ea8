/*
 * trace_csv: the generic trace format, a header naming the columns
 * timestamp_s,function and optionally duration_s and memory_mb (in any
 * order). memory_mb is per function: every row of a function must repeat the
 * same value (or leave it to the first row that gives one).
 *
 * Its reader (trace_csv_header, trace_csv_time, trace_csv_duration) is also
 * the one arrivals.process "trace" replays through (struct trace_csv_stream,
 * used by run/workload.c): those files are the same format without
 * memory_mb, sorted by time.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "workload/plugin.h"
#include "workload/trace.h"

int trace_csv_header(const struct csvr *r, const struct csvr_row *h, int process_trace,
		     struct trace_csv_cols *c, struct errbuf *err)
{
	c->t = csvr_find_column(h, "timestamp_s");
	c->fn = csvr_find_column(h, "function");
	c->dur = csvr_find_column(h, "duration_s");
	c->mem = process_trace ? -1 : csvr_find_column(h, "memory_mb");
	size_t known = 2 + (c->dur >= 0) + (c->mem >= 0);
	if (c->t >= 0 && c->fn >= 0 && h->n_fields == known)
		return 0;
	if (process_trace)
		return errbuf_set(err, ERR_INPUT,
				  "%s:%llu: the header must name the columns timestamp_s,function and optionally duration_s",
				  csvr_path(r), (unsigned long long)h->line);
	return errbuf_set(err, ERR_INPUT,
			  "%s:%llu: the header must name the columns timestamp_s and function, and optionally duration_s and memory_mb (nothing else)",
			  csvr_path(r), (unsigned long long)h->line);
}

int trace_csv_number(const struct csvr *r, const struct csvr_row *row, long col, const char *name, int positive,
		  double *out, struct errbuf *err)
{
	int rc = csvr_double(r, row, (size_t)col, name, out, err);
	if (rc < 0)
		return rc;
	if (positive ? !(*out > 0) : *out < 0)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: %s must be %s 0, got %g", csvr_path(r),
				  (unsigned long long)row->line, name, positive ? ">" : ">=", *out);
	return 0;
}

int trace_csv_time(const struct trace_csv_cols *c, const struct csvr *r, const struct csvr_row *row,
		   double *t_s, const char **function, struct errbuf *err)
{
	int rc = trace_csv_number(r, row, c->t, "timestamp_s", 0, t_s, err);
	*function = row->fields[c->fn];
	return rc;
}

int trace_csv_duration(const struct trace_csv_cols *c, const struct csvr *r, const struct csvr_row *row,
		       double *duration_s, struct errbuf *err)
{
	return c->dur >= 0 ? trace_csv_number(r, row, c->dur, "duration_s", 0, duration_s, err) : 0;
}

static int csv_header(const void *cfg, const struct csvr *r, const struct csvr_row *h, void *state,
		      struct errbuf *err)
{
	(void)cfg;
	return trace_csv_header(r, h, 0, state, err);
}

static int csv_row(void *state, const struct csvr *r, const struct csvr_row *row, struct trace_row *out,
		   struct errbuf *err)
{
	const struct trace_csv_cols *c = state;
	int rc;
	if ((rc = trace_csv_time(c, r, row, &out->t_s, &out->function, err)) < 0 ||
	    (rc = trace_csv_duration(c, r, row, &out->duration_s, err)) < 0)
		return rc;
	if (c->mem >= 0 && row->fields[c->mem][0] &&
	    (rc = trace_csv_number(r, row, c->mem, "memory_mb", 1, &out->memory_mb, err)) < 0)
		return rc;
	return 1;
}

const struct trace_rowfmt_ops trace_csv_ops = {
	.name = "csv",
	.state_size = sizeof(struct trace_csv_cols),
	.header = csv_header,
	.row = csv_row,
};

/* ---- arrivals.process "trace": a time-sorted file, streamed ------------- */

struct trace_csv_stream {
	struct csvr *reader;
	struct trace_csv_cols cols;
	size_t n_cols;
	struct csvr_row row;       /* the row trace_csv_stream_next returned last */
	double last_t;
};

int trace_csv_stream_open(const char *path, struct trace_csv_stream **out, struct errbuf *err)
{
	*out = NULL;
	struct trace_csv_stream *s = calloc(1, sizeof(*s));
	if (!s)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	int rc = csvr_open(&s->reader, path, err);
	if (rc < 0) {
		free(s);
		return rc;
	}
	struct csvr_row header;
	rc = csvr_next(s->reader, &header, err);
	if (rc == 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: empty file (expected a header timestamp_s,function[,duration_s])", path);
	if (rc >= 0)
		rc = trace_csv_header(s->reader, &header, 1, &s->cols, err);
	if (rc < 0) {
		trace_csv_stream_close(s);
		return rc;
	}
	s->n_cols = header.n_fields;
	*out = s;
	return 0;
}

int trace_csv_stream_next(struct trace_csv_stream *s, double *t_s, const char **function,
			  unsigned long long *line, struct errbuf *err)
{
	int rc = csvr_next(s->reader, &s->row, err);
	if (rc <= 0)
		return rc;
	*line = (unsigned long long)s->row.line;
	if ((rc = trace_check_fields(s->reader, &s->row, s->n_cols, err)) < 0 ||
	    (rc = trace_csv_time(&s->cols, s->reader, &s->row, t_s, function, err)) < 0)
		return rc;
	if (*t_s < s->last_t)
		return errbuf_set(err, ERR_INPUT,
				  "%s:%llu: timestamp_s %g is earlier than the previous row's %g (rows must be sorted by time)",
				  csvr_path(s->reader), *line, *t_s, s->last_t);
	s->last_t = *t_s;
	return 1;
}

int trace_csv_stream_duration(struct trace_csv_stream *s, double *duration_s, struct errbuf *err)
{
	*duration_s = NAN;
	return trace_csv_duration(&s->cols, s->reader, &s->row, duration_s, err);
}

const char *trace_csv_stream_path(const struct trace_csv_stream *s)
{
	return csvr_path(s->reader);
}

void trace_csv_stream_close(struct trace_csv_stream *s)
{
	if (!s)
		return;
	csvr_close(s->reader);
	free(s);
}
