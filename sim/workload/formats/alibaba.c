/*
 * trace_alibaba: Alibaba serverless Stable Diffusion requests (clusterdata,
 * cluster-trace-v2026-GenAI/lora_request_trace.csv): gmt_create (date and
 * time, 1 s resolution), predict_type, predict_status, exec_time_seconds,
 * groupId, ..., checkpoint_model_version_id, ... Rows whose predict_status is
 * not SUCCEED are skipped and counted (rows_skipped_status). The arrival is
 * gmt_create (seconds since midnight of the first row's date), the service
 * time exec_time_seconds; predict_type is reported as the trigger.
 * "function_by": "model" (default: checkpoint_model_version_id), "type"
 * (predict_type), "group" (groupId) or "none" (one function named by
 * "function", default "stable-diffusion").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/jsonutil.h"
#include "workload/plugin.h"

enum { BY_MODEL, BY_TYPE, BY_GROUP, BY_NONE };

struct ali_cfg {
	int by;
	char *function;
};

struct ali_state {
	const struct ali_cfg *cfg;
	long col_t, col_type, col_status, col_exec, col_fn;
	struct trace_day_base base;
};

static const char *const ali_keys[] = { "function_by", "function", NULL };

static void ali_free_cfg(void *p)
{
	struct ali_cfg *c = p;
	if (c)
		free(c->function);
	free(c);
}

static int ali_parse(const json_t *spec, const char *where, void **cfg, struct errbuf *err)
{
	static const char *const by[] = { "model", "type", "group", "none", NULL };
	struct ali_cfg *c = calloc(1, sizeof(*c));
	int rc;
	if (!c)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*cfg = c;
	if ((rc = ju_enum(spec, "function_by", where, JU_OPTIONAL, by, &c->by, err)) < 0)
		return rc;
	return trace_string_copy(spec, "function", "stable-diffusion", where, &c->function, err);
}

static int ali_header(const void *cfg, const struct csvr *r, const struct csvr_row *h, void *state,
		      struct errbuf *err)
{
	static const char *const fn_cols[] = { "checkpoint_model_version_id", "predict_type", "groupId", NULL };
	struct ali_state *s = state;
	s->cfg = cfg;
	s->col_t = csvr_find_column(h, "gmt_create");
	s->col_type = csvr_find_column(h, "predict_type");
	s->col_status = csvr_find_column(h, "predict_status");
	s->col_exec = csvr_find_column(h, "exec_time_seconds");
	s->col_fn = fn_cols[s->cfg->by] ? csvr_find_column(h, fn_cols[s->cfg->by]) : -1;
	if (s->col_t < 0 || s->col_type < 0 || s->col_status < 0 || s->col_exec < 0 ||
	    (fn_cols[s->cfg->by] && s->col_fn < 0))
		return errbuf_set(err, ERR_INPUT,
				  "%s:%llu: expected the Alibaba header with gmt_create, predict_type, predict_status, exec_time_seconds%s%s",
				  csvr_path(r), (unsigned long long)h->line, fn_cols[s->cfg->by] ? " and " : "",
				  fn_cols[s->cfg->by] ? fn_cols[s->cfg->by] : "");
	return 0;
}

static int ali_row(void *state, const struct csvr *r, const struct csvr_row *row, struct trace_row *out,
		   struct errbuf *err)
{
	struct ali_state *s = state;
	double sec;
	int64_t day;
	int rc;
	if (strcmp(row->fields[s->col_status], "SUCCEED") != 0)
		return 0;
	if (trace_parse_datetime(row->fields[s->col_t], &day, &sec) < 0)
		return errbuf_set(err, ERR_INPUT,
				  "%s:%llu: column 'gmt_create': \"%.40s\" is not a date and time YYYY-MM-DD HH:MM:SS",
				  csvr_path(r), (unsigned long long)row->line, row->fields[s->col_t]);
	if ((rc = trace_csv_number(r, row, s->col_exec, "exec_time_seconds", 0, &out->duration_s, err)) < 0)
		return rc;
	out->t_s = trace_since_base(&s->base, day, sec);
	out->function = s->col_fn >= 0 ? row->fields[s->col_fn] : s->cfg->function;
	out->trigger = row->fields[s->col_type];
	return 1;
}

const struct trace_rowfmt_ops trace_alibaba_ops = {
	.name = "alibaba-sd",
	.keys = ali_keys,
	.parse = ali_parse,
	.free_cfg = ali_free_cfg,
	.state_size = sizeof(struct ali_state),
	.header = ali_header,
	.row = ali_row,
};
