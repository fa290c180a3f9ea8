/*
 * llmprofile: SplitwiseSim's perf_model.csv for one configuration, as two
 * piecewise-linear curves (see llmprofile.h for the choices).
 */
#include "models/llmprofile.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_interp.h>
#include "core/csvreader.h"

struct curve {
	size_t n;
	double *x, *y;              /* x strictly increasing; y seconds */
	gsl_interp *interp;         /* NULL with a single point */
};

struct llmprof {
	struct curve prefill, decode, prefill_batch;
	int tensor_parallel;
};

/* One matching row. */
struct prow {
	int tp;
	double prompt, batch, prompt_ms, token_ms;
};

struct rows {
	struct prow *v;
	size_t n, cap;
	char known[1024];           /* "model/hardware" pairs seen, comma separated */
	int tps[16];
	size_t n_tps;
};

enum { C_MODEL, C_HW, C_PROMPT, C_BATCH, C_PT, C_TT, C_TP, N_COLS };
static const char *const col_names[N_COLS] = { "model", "hardware", "prompt_size", "batch_size",
					       "prompt_time", "token_time", "tensor_parallel" };

static void curve_free(struct curve *c)
{
	if (c->interp)
		gsl_interp_free(c->interp);
	free(c->x);
	free(c->y);
}

void llmprof_free(struct llmprof *p)
{
	if (!p)
		return;
	curve_free(&p->prefill);
	curve_free(&p->decode);
	curve_free(&p->prefill_batch);
	free(p);
}

static void note_known(struct rows *rs, const char *model, const char *hw)
{
	char pair[256];
	snprintf(pair, sizeof(pair), "%s/%s", model, hw);
	size_t len = strlen(pair);
	for (const char *s = rs->known; (s = strstr(s, pair)) != NULL; s += len)
		if ((s == rs->known || s[-1] == ' ') && (s[len] == ',' || !s[len]))
			return;
	size_t used = strlen(rs->known);
	if (used + len + 3 < sizeof(rs->known))
		snprintf(rs->known + used, sizeof(rs->known) - used, "%s%s", used ? ", " : "", pair);
}

/* A positive number (whole when `whole`) in column c, or an error naming file:line. */
static int field(const struct csvr *r, const struct csvr_row *row, const long *cols, int c, int whole,
		 double *out, struct errbuf *err)
{
	int rc = csvr_double(r, row, (size_t)cols[c], col_names[c], out, err);
	if (rc < 0)
		return rc;
	if (!(*out > 0) || !isfinite(*out) || (whole && *out != floor(*out)))
		return errbuf_set(err, ERR_INPUT, "%s:%llu: column '%s': expected a %s > 0, got %g", csvr_path(r),
				  (unsigned long long)row->line, col_names[c], whole ? "whole number" : "number", *out);
	return 0;
}

static int add_row(struct rows *rs, const struct csvr *r, const struct csvr_row *row, const long *cols,
		   struct errbuf *err)
{
	struct prow p;
	double tp;
	int rc;
	if ((rc = field(r, row, cols, C_TP, 1, &tp, err)) < 0 || (rc = field(r, row, cols, C_PROMPT, 1, &p.prompt, err)) < 0 ||
	    (rc = field(r, row, cols, C_BATCH, 1, &p.batch, err)) < 0 || (rc = field(r, row, cols, C_PT, 0, &p.prompt_ms, err)) < 0 ||
	    (rc = field(r, row, cols, C_TT, 0, &p.token_ms, err)) < 0)
		return rc;
	p.tp = (int)fmin(tp, 1e6);
	if (rs->n == rs->cap) {
		size_t cap = rs->cap ? 2 * rs->cap : 256;
		struct prow *v = realloc(rs->v, cap * sizeof(*v));
		if (!v)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		rs->v = v;
		rs->cap = cap;
	}
	rs->v[rs->n++] = p;
	size_t i = 0;
	while (i < rs->n_tps && rs->tps[i] != p.tp)
		i++;
	if (i == rs->n_tps && rs->n_tps < sizeof(rs->tps) / sizeof(rs->tps[0]))
		rs->tps[rs->n_tps++] = p.tp;
	return 0;
}

static int read_header(struct csvr *r, long *cols, struct errbuf *err)
{
	struct csvr_row h;
	int rc = csvr_next(r, &h, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return errbuf_set(err, ERR_INPUT, "%s: empty file (expected the perf_model.csv header)", csvr_path(r));
	for (int c = 0; c < N_COLS; c++)
		if ((cols[c] = csvr_find_column(&h, col_names[c])) < 0)
			return errbuf_set(err, ERR_INPUT, "%s:%llu: no column '%s' (expected SplitwiseSim's perf_model.csv)",
					  csvr_path(r), (unsigned long long)h.line, col_names[c]);
	return 0;
}

static int read_rows(const char *path, const char *model, const char *hw, struct rows *rs, struct errbuf *err)
{
	struct csvr *r;
	struct csvr_row row;
	long cols[N_COLS];
	int rc = csvr_open(&r, path, err);
	if (rc < 0)
		return rc;
	if ((rc = read_header(r, cols, err)) < 0)
		goto out;
	while ((rc = csvr_next(r, &row, err)) > 0) {
		size_t need = 0;
		for (int c = 0; c < N_COLS; c++)
			need = cols[c] + 1 > (long)need ? (size_t)cols[c] + 1 : need;
		if (row.n_fields < need) {
			rc = errbuf_set(err, ERR_INPUT, "%s:%llu: expected at least %zu fields, got %zu", path,
					(unsigned long long)row.line, need, row.n_fields);
			goto out;
		}
		note_known(rs, row.fields[cols[C_MODEL]], row.fields[cols[C_HW]]);
		if (!strcmp(row.fields[cols[C_MODEL]], model) && !strcmp(row.fields[cols[C_HW]], hw) &&
		    (rc = add_row(rs, r, &row, cols, err)) < 0)
			goto out;
	}
out:
	csvr_close(r);
	return rc;
}

/* Mean of y over equal x, sorted by x (insertion: a few dozen points). */
static int curve_add(struct curve *c, size_t *count, double x, double y)
{
	size_t i = 0;
	while (i < c->n && c->x[i] < x)
		i++;
	if (i < c->n && c->x[i] == x) {
		count[i]++;
		c->y[i] += (y - c->y[i]) / (double)count[i];
		return 0;
	}
	memmove(c->x + i + 1, c->x + i, (c->n - i) * sizeof(double));
	memmove(c->y + i + 1, c->y + i, (c->n - i) * sizeof(double));
	memmove(count + i + 1, count + i, (c->n - i) * sizeof(size_t));
	c->x[i] = x;
	c->y[i] = y;
	count[i] = 1;
	c->n++;
	return 0;
}

/* which 0: prefill by prompt size over batch-1 rows; 1: decode by batch
 * size; 2: prefill by the prompt tokens of the batch (prompt_size x
 * batch_size) over all rows. */
static int curve_build(struct curve *c, const struct rows *rs, int tp, int which, struct errbuf *err)
{
	size_t *count = calloc(rs->n ? rs->n : 1, sizeof(*count));
	c->x = calloc(rs->n ? rs->n : 1, sizeof(double));
	c->y = calloc(rs->n ? rs->n : 1, sizeof(double));
	if (!count || !c->x || !c->y) {
		free(count);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	for (size_t i = 0; i < rs->n; i++) {
		const struct prow *p = &rs->v[i];
		if (p->tp != tp || (which == 0 && p->batch != 1))
			continue;
		double x = which == 0 ? p->prompt : which == 1 ? p->batch : p->prompt * p->batch;
		curve_add(c, count, x, (which == 1 ? p->token_ms : p->prompt_ms) / 1e3);
	}
	free(count);
	if (c->n >= 2) {
		c->interp = gsl_interp_alloc(gsl_interp_linear, c->n);
		if (!c->interp || gsl_interp_init(c->interp, c->x, c->y, c->n) != 0)
			return errbuf_set(err, ERR_RUNTIME, "gsl_interp_init failed");
	}
	return 0;
}

static double curve_eval(const struct curve *c, double x)
{
	if (c->n == 0)
		return NAN;
	if (x <= c->x[0] || c->n == 1)
		return c->y[0];
	size_t last = c->n - 1;
	if (x >= c->x[last]) {
		double slope = (c->y[last] - c->y[last - 1]) / (c->x[last] - c->x[last - 1]);
		return c->y[last] + slope * (x - c->x[last]);
	}
	return gsl_interp_eval(c->interp, c->x, c->y, x, NULL);
}

double llmprof_prefill_s(const struct llmprof *p, double tokens)
{
	return curve_eval(&p->prefill, tokens);
}

double llmprof_decode_s(const struct llmprof *p, double batch)
{
	return curve_eval(&p->decode, batch);
}

double llmprof_prefill_batch_s(const struct llmprof *p, double batch_tokens)
{
	return curve_eval(&p->prefill_batch, batch_tokens);
}

size_t llmprof_prefill_batch_points(const struct llmprof *p, const double **tokens, const double **s)
{
	*tokens = p->prefill_batch.x;
	*s = p->prefill_batch.y;
	return p->prefill_batch.n;
}

size_t llmprof_prefill_points(const struct llmprof *p, const double **tokens, const double **s)
{
	*tokens = p->prefill.x;
	*s = p->prefill.y;
	return p->prefill.n;
}

size_t llmprof_decode_points(const struct llmprof *p, const double **batch, const double **s)
{
	*batch = p->decode.x;
	*s = p->decode.y;
	return p->decode.n;
}

int llmprof_tensor_parallel(const struct llmprof *p)
{
	return p->tensor_parallel;
}

static int pick_tp(const struct rows *rs, const char *path, const char *model, const char *hw, int want,
		   int *tp, struct errbuf *err)
{
	char list[128] = "";
	for (size_t i = 0; i < rs->n_tps; i++) {
		if (rs->tps[i] == want || (want == 0 && rs->n_tps == 1)) {
			*tp = rs->tps[i];
			return 0;
		}
		size_t u = strlen(list);
		snprintf(list + u, sizeof(list) - u, "%s%d", u ? ", " : "", rs->tps[i]);
	}
	if (want == 0)
		return errbuf_set(err, ERR_INPUT, "%s: %s on %s is measured at several tensor_parallel degrees (%s): say which",
				  path, model, hw, list);
	return errbuf_set(err, ERR_INPUT, "%s: %s on %s has no rows at tensor_parallel %d (it has %s)", path, model, hw,
			  want, list);
}

int llmprof_load(struct llmprof **out, const char *path, const char *model, const char *hardware,
		 int tensor_parallel, struct errbuf *err)
{
	struct rows rs = { 0 };
	struct llmprof *p = NULL;
	int tp = 0, rc;
	*out = NULL;
	if ((rc = read_rows(path, model, hardware, &rs, err)) < 0)
		goto out;
	if (rs.n == 0) {
		rc = errbuf_set(err, ERR_INPUT, "%s: no rows for model '%s' on hardware '%s' (known: %s)", path, model,
				hardware, rs.known[0] ? rs.known : "none");
		goto out;
	}
	if ((rc = pick_tp(&rs, path, model, hardware, tensor_parallel, &tp, err)) < 0)
		goto out;
	if (!(p = calloc(1, sizeof(*p)))) {
		rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
		goto out;
	}
	p->tensor_parallel = tp;
	if ((rc = curve_build(&p->prefill, &rs, tp, 0, err)) < 0 || (rc = curve_build(&p->decode, &rs, tp, 1, err)) < 0 ||
	    (rc = curve_build(&p->prefill_batch, &rs, tp, 2, err)) < 0)
		goto out;
	if (p->prefill.n == 0)
		rc = errbuf_set(err, ERR_INPUT, "%s: %s on %s has no batch-1 rows for prefill", path, model, hardware);
out:
	free(rs.v);
	if (rc < 0)
		llmprof_free(p);
	else
		*out = p;
	return rc < 0 ? rc : 0;
}
