/*
 * trace_llm: Azure LLM inference traces 2023/2024 (AzurePublicDataset,
 * AzureLLMInferenceDataset2023.md): TIMESTAMP,ContextTokens,GeneratedTokens,
 * TIMESTAMP a date and time "YYYY-MM-DD HH:MM:SS.fffffff" without time zone.
 * Times are seconds since midnight of the first row's date. All requests go
 * to one function ("function", default "llm") with service time
 * overhead_s + prefill_s_per_token x ContextTokens + decode_s_per_token x GeneratedTokens.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/jsonutil.h"
#include "workload/plugin.h"

struct llm_cfg {
	char *function;
	double prefill_s, decode_s, overhead_s;
};

struct llm_state {
	const struct llm_cfg *cfg;
	long col_t, col_in, col_out;
	struct trace_day_base base;
};

static const char *const llm_keys[] = { "function", "prefill_s_per_token", "decode_s_per_token", "overhead_s",
					NULL };

static void llm_free_cfg(void *p)
{
	struct llm_cfg *c = p;
	if (c)
		free(c->function);
	free(c);
}

static int llm_parse(const json_t *spec, const char *where, void **cfg, struct errbuf *err)
{
	struct llm_cfg *c = calloc(1, sizeof(*c));
	int rc;
	if (!c)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*cfg = c;
	if ((rc = trace_string_copy(spec, "function", "llm", where, &c->function, err)) < 0 ||
	    (rc = ju_number(spec, "prefill_s_per_token", where, JU_REQUIRED, 0, 1e3, &c->prefill_s, err)) < 0 ||
	    (rc = ju_number(spec, "decode_s_per_token", where, JU_REQUIRED, 0, 1e3, &c->decode_s, err)) < 0 ||
	    (rc = ju_number(spec, "overhead_s", where, JU_REQUIRED, 0, 1e6, &c->overhead_s, err)) < 0)
		return rc;
	return 0;
}

static int llm_header(const void *cfg, const struct csvr *r, const struct csvr_row *h, void *state,
		      struct errbuf *err)
{
	struct llm_state *s = state;
	s->cfg = cfg;
	s->col_t = csvr_find_column(h, "TIMESTAMP");
	s->col_in = csvr_find_column(h, "ContextTokens");
	s->col_out = csvr_find_column(h, "GeneratedTokens");
	if (s->col_t < 0 || s->col_in < 0 || s->col_out < 0)
		return errbuf_set(err, ERR_INPUT,
				  "%s:%llu: expected the Azure LLM header TIMESTAMP,ContextTokens,GeneratedTokens",
				  csvr_path(r), (unsigned long long)h->line);
	return 0;
}

static int tokens(const struct csvr *r, const struct csvr_row *row, long col, const char *name, double *out,
		  struct errbuf *err)
{
	int rc = csvr_double(r, row, (size_t)col, name, out, err);
	if (rc < 0)
		return rc;
	if (*out < 0 || *out != floor(*out))
		return errbuf_set(err, ERR_INPUT, "%s:%llu: column '%s': expected a whole number >= 0, got %g",
				  csvr_path(r), (unsigned long long)row->line, name, *out);
	return 0;
}

static int llm_row(void *state, const struct csvr *r, const struct csvr_row *row, struct trace_row *out,
		   struct errbuf *err)
{
	struct llm_state *s = state;
	double in, gen, sec;
	int64_t day;
	int rc;
	if (trace_parse_datetime(row->fields[s->col_t], &day, &sec) < 0)
		return errbuf_set(err, ERR_INPUT,
				  "%s:%llu: column 'TIMESTAMP': \"%.40s\" is not a date and time YYYY-MM-DD HH:MM:SS[.fraction]",
				  csvr_path(r), (unsigned long long)row->line, row->fields[s->col_t]);
	if ((rc = tokens(r, row, s->col_in, "ContextTokens", &in, err)) < 0 ||
	    (rc = tokens(r, row, s->col_out, "GeneratedTokens", &gen, err)) < 0)
		return rc;
	out->t_s = trace_since_base(&s->base, day, sec);
	out->function = s->cfg->function;
	out->duration_s = s->cfg->overhead_s + s->cfg->prefill_s * in + s->cfg->decode_s * gen;
	return 1;
}

const struct trace_rowfmt_ops trace_llm_ops = {
	.name = "azure-llm",
	.keys = llm_keys,
	.parse = llm_parse,
	.free_cfg = llm_free_cfg,
	.state_size = sizeof(struct llm_state),
	.header = llm_header,
	.row = llm_row,
};
