/*
 * trace_llm: Azure LLM inference traces 2023/2024 (AzurePublicDataset,
 * AzureLLMInferenceDataset2023.md): TIMESTAMP,ContextTokens,GeneratedTokens,
 * TIMESTAMP a date and time "YYYY-MM-DD HH:MM:SS.fffffff" without time zone.
 * Times are seconds since midnight of the first row's date. All requests go
 * to one function ("function", default "llm") with service time
 * overhead_s + prefill_s_per_token x ContextTokens + decode_s_per_token x GeneratedTokens,
 * or, with "profile": {"file", "model", "hardware"[, "tensor_parallel"]} in
 * place of the two rates, overhead_s (default 0) + prefill(ContextTokens) +
 * GeneratedTokens x decode(batch 1) from a measured profile
 * (models/llmprofile.h; "file" relative to the scenario's folder). A request
 * is served alone: continuous batching is not modelled here.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/jsonutil.h"
#include "models/llmprofile.h"
#include "workload/plugin.h"

struct llm_cfg {
	char *function;
	double prefill_s, decode_s, overhead_s;
	/* With a profile: its file (as given), model, hardware and degree (0:
	 * the only one), loaded by llm_load. */
	char *prof_file, *prof_model, *prof_hw, *prof_at;   /* prof_at: the JSON path, for messages */
	int prof_tp;
	struct llmprof *prof;
};

struct llm_state {
	const struct llm_cfg *cfg;
	long col_t, col_in, col_out;
	struct trace_day_base base;
};

static const char *const llm_keys[] = { "function", "prefill_s_per_token", "decode_s_per_token", "overhead_s",
					"profile", NULL };
static const char *const profile_keys[] = { "file", "model", "hardware", "tensor_parallel", NULL };

static void llm_free_cfg(void *p)
{
	struct llm_cfg *c = p;
	if (c) {
		free(c->function);
		free(c->prof_file);
		free(c->prof_model);
		free(c->prof_hw);
		free(c->prof_at);
		llmprof_free(c->prof);
	}
	free(c);
}

static int copy_string(const json_t *obj, const char *key, const char *where, char **out, struct errbuf *err)
{
	const char *v;
	char path[512];
	int rc = ju_string(obj, key, where, JU_REQUIRED, &v, err);
	if (rc < 0)
		return rc;
	if (!*v)
		return errbuf_set(err, ERR_INPUT, "%s: must not be empty", ju_path(path, sizeof(path), where, key));
	if (!(*out = strdup(v)))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return 0;
}

/* "profile" replaces the two per-token rates: giving both is an error. */
static int parse_profile(struct llm_cfg *c, const json_t *spec, const json_t *prof, const char *where,
			 struct errbuf *err)
{
	char at[512], path[512];
	double tp = 0;
	int rc;
	ju_path(at, sizeof(at), where, "profile");
	for (const char *const *k = (const char *const[]){ "prefill_s_per_token", "decode_s_per_token", NULL }; *k; k++)
		if (json_object_get(spec, *k))
			return errbuf_set(err, ERR_INPUT, "%s: not allowed with \"profile\" (it gives the per-token times)",
					  ju_path(path, sizeof(path), where, *k));
	if ((rc = trace_string_copy(spec, "function", "llm", where, &c->function, err)) < 0 ||
	    (rc = ju_number(spec, "overhead_s", where, JU_OPTIONAL, 0, 1e6, &c->overhead_s, err)) < 0 ||
	    (rc = ju_check_keys(prof, at, profile_keys, err)) < 0 ||
	    (rc = copy_string(prof, "file", at, &c->prof_file, err)) < 0 ||
	    (rc = copy_string(prof, "model", at, &c->prof_model, err)) < 0 ||
	    (rc = copy_string(prof, "hardware", at, &c->prof_hw, err)) < 0 ||
	    (rc = ju_number(prof, "tensor_parallel", at, JU_OPTIONAL, 1, 1024, &tp, err)) < 0)
		return rc;
	if (tp != floor(tp))
		return errbuf_set(err, ERR_INPUT, "%s: must be a whole number, got %g",
				  ju_path(path, sizeof(path), at, "tensor_parallel"), tp);
	c->prof_tp = (int)tp;
	if (!(c->prof_at = strdup(at)))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return 0;
}

/* Reads the profile, its file relative to dir unless absolute. */
static int llm_load(void *cfg, const char *dir, struct errbuf *err)
{
	struct llm_cfg *c = cfg;
	char path[1024];
	if (!c->prof_file)
		return 0;
	if (c->prof_file[0] == '/' || !dir || !*dir)
		snprintf(path, sizeof(path), "%s", c->prof_file);
	else
		snprintf(path, sizeof(path), "%s/%s", dir, c->prof_file);
	struct errbuf e = { "" };
	int rc = llmprof_load(&c->prof, path, c->prof_model, c->prof_hw, c->prof_tp, &e);
	return rc < 0 ? errbuf_set(err, rc, "%s: %s", c->prof_at, e.msg) : 0;
}

static int llm_parse(const json_t *spec, const char *where, void **cfg, struct errbuf *err)
{
	struct llm_cfg *c = calloc(1, sizeof(*c));
	int rc;
	if (!c)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	const json_t *prof;
	*cfg = c;
	if ((rc = ju_object(spec, "profile", where, JU_OPTIONAL, &prof, err)) < 0)
		return rc;
	if (prof)
		return parse_profile(c, spec, prof, where, err);
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
	out->prompt_tokens = (uint32_t)fmin(in, UINT32_MAX);
	out->output_tokens = (uint32_t)fmin(gen, UINT32_MAX);
	if (s->cfg->prof)
		out->duration_s = s->cfg->overhead_s + llmprof_prefill_s(s->cfg->prof, in) +
				  gen * llmprof_decode_s(s->cfg->prof, 1);
	else
		out->duration_s = s->cfg->overhead_s + s->cfg->prefill_s * in + s->cfg->decode_s * gen;
	return 1;
}

const struct trace_rowfmt_ops trace_llm_ops = {
	.name = "azure-llm",
	.keys = llm_keys,
	.parse = llm_parse,
	.load = llm_load,
	.free_cfg = llm_free_cfg,
	.state_size = sizeof(struct llm_state),
	.header = llm_header,
	.row = llm_row,
};
