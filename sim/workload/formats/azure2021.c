/*
 * trace_azure2021: Azure Functions Invocation Trace 2021
 * (AzurePublicDataset, AzureFunctionsInvocationTrace2021.md): columns
 * app,func,end_timestamp,duration in seconds; the invocation starts at
 * end_timestamp - duration, which is its arrival; duration is its service
 * time. Rows are not sorted by time (trace.c sorts them in memory).
 * "function_id": "func" (default) names a function by its func hash,
 * "app_func" by "<app>.<func>".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/jsonutil.h"
#include "workload/plugin.h"

struct a21_cfg {
	int app_func;
};

struct a21_state {
	int app_func;
	long col_app, col_fn, col_end, col_dur;
	char name[512];
};

static const char *const a21_keys[] = { "function_id", NULL };

static int a21_parse(const json_t *spec, const char *where, void **cfg, struct errbuf *err)
{
	static const char *const ids[] = { "func", "app_func", NULL };
	struct a21_cfg *c = calloc(1, sizeof(*c));
	if (!c)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*cfg = c;
	return ju_enum(spec, "function_id", where, JU_OPTIONAL, ids, &c->app_func, err);
}

static int a21_header(const void *cfg, const struct csvr *r, const struct csvr_row *h, void *state,
		      struct errbuf *err)
{
	struct a21_state *s = state;
	s->app_func = ((const struct a21_cfg *)cfg)->app_func;
	s->col_app = csvr_find_column(h, "app");
	s->col_fn = csvr_find_column(h, "func");
	s->col_end = csvr_find_column(h, "end_timestamp");
	s->col_dur = csvr_find_column(h, "duration");
	if (s->col_app < 0 || s->col_fn < 0 || s->col_end < 0 || s->col_dur < 0)
		return errbuf_set(err, ERR_INPUT,
				  "%s:%llu: expected the Azure 2021 header app,func,end_timestamp,duration",
				  csvr_path(r), (unsigned long long)h->line);
	return 0;
}

static int a21_row(void *state, const struct csvr *r, const struct csvr_row *row, struct trace_row *out,
		   struct errbuf *err)
{
	struct a21_state *s = state;
	double end;
	int rc;
	if ((rc = csvr_double(r, row, (size_t)s->col_end, "end_timestamp", &end, err)) < 0 ||
	    (rc = trace_csv_number(r, row, s->col_dur, "duration", 0, &out->duration_s, err)) < 0)
		return rc;
	out->t_s = end - out->duration_s;
	if (s->app_func) {
		snprintf(s->name, sizeof(s->name), "%.250s.%.250s", row->fields[s->col_app], row->fields[s->col_fn]);
		out->function = s->name;
	} else {
		out->function = row->fields[s->col_fn];
	}
	return 1;
}

const struct trace_rowfmt_ops trace_azure2021_ops = {
	.name = "azure2021",
	.keys = a21_keys,
	.parse = a21_parse,
	.free_cfg = free,
	.state_size = sizeof(struct a21_state),
	.header = a21_header,
	.row = a21_row,
};
