#include "experiment/points.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "output/output.h"
#include "scenario/memsize.h"
#include "scenario/scenario.h"

int points_init(struct points *g, json_t *base, const char *scenario_path,
		const char *const *paths, size_t n_paths, const struct run_options *opt,
		struct errbuf *err)
{
	memset(g, 0, sizeof(*g));
	g->base = json_incref(base);
	g->scenario_path = strdup(scenario_path);
	g->opt = *opt;
	g->opt.progress = 0;
	g->paths = calloc(n_paths ? n_paths : 1, sizeof(*g->paths));
	if (!g->scenario_path || !g->paths)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	g->n_paths = n_paths;
	for (size_t i = 0; i < n_paths; i++)
		if (!(g->paths[i] = strdup(paths[i])))
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return 0;
}

void points_free(struct points *g)
{
	json_decref(g->base);
	free(g->scenario_path);
	for (size_t i = 0; g->paths && i < g->n_paths; i++)
		free(g->paths[i]);
	free(g->paths);
	for (size_t i = 0; i < g->n_points * g->n_paths; i++)
		json_decref(g->values[i]);
	free(g->values);
	free(g->mean);
	free(g->ci95);
	free(g->replications);
	for (size_t p = 0; g->status && p < g->n_points; p++)
		free(g->status[p]);
	free(g->status);
	memset(g, 0, sizeof(*g));
}

long points_find(const struct points *g, json_t *const *values)
{
	for (size_t p = 0; p < g->n_points; p++) {
		size_t k = 0;
		while (k < g->n_paths && json_equal(g->values[p * g->n_paths + k], values[k]))
			k++;
		if (k == g->n_paths)
			return (long)p;
	}
	return -1;
}

static int grow(struct points *g, struct errbuf *err)
{
	if (g->n_points < g->cap)
		return 0;
	size_t cap = g->cap ? 2 * g->cap : 16;
	json_t **v = realloc(g->values, cap * (g->n_paths ? g->n_paths : 1) * sizeof(*v));
	if (v)
		g->values = v;
	double *m = realloc(g->mean, cap * FIG_COUNT * sizeof(*m));
	if (m)
		g->mean = m;
	double *c = realloc(g->ci95, cap * FIG_COUNT * sizeof(*c));
	if (c)
		g->ci95 = c;
	uint32_t *r = realloc(g->replications, cap * sizeof(*r));
	if (r)
		g->replications = r;
	char **st = realloc(g->status, cap * sizeof(*st));
	if (st)
		g->status = st;
	if (!v || !m || !c || !r || !st)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	g->cap = cap;
	return 0;
}

/* "PATH=<value as JSON>" for scenario_apply_set. */
static int apply_value(json_t *doc, const char *path, const json_t *value, struct errbuf *err)
{
	char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17));
	if (!text)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	size_t n = strlen(path) + strlen(text) + 2;
	char *a = malloc(n);
	int rc;
	if (!a) {
		rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
	} else {
		snprintf(a, n, "%s=%s", path, text);
		rc = scenario_apply_set(doc, a, err);
	}
	free(a);
	free(text);
	return rc;
}

int points_simulate(json_t *doc, const char *scenario_path, const struct run_options *opt,
		    struct points_sim *out, struct errbuf *err)
{
	int rc = scenario_from_json(&out->sc, doc, scenario_path, err);
	if (rc < 0)
		return rc;
	if ((rc = run_scenario(&out->sc, opt, &out->res, err)) < 0)
		points_sim_free(out);
	return rc;
}

void points_sim_free(struct points_sim *s)
{
	run_result_free(&s->res);
	scenario_free(&s->sc);
}

void points_figures(const struct stats_fold *f, double mean[FIG_COUNT], double ci95[FIG_COUNT])
{
	for (int fig = 0; fig < FIG_COUNT; fig++) {
		mean[fig] = f->n_valid[fig] ? f->mean[fig] : NAN;
		ci95[fig] = stats_fold_ci95(f, fig);
	}
}

int points_doc(const struct points *g, json_t *const *values, const char *const *extra_sets,
		     size_t n_extra, json_t **out, struct errbuf *err)
{
	int rc = 0;
	json_t *doc = json_deep_copy(g->base);
	if (!doc)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t k = 0; rc == 0 && k < g->n_paths; k++)
		rc = apply_value(doc, g->paths[k], values[k], err);
	for (size_t k = 0; rc == 0 && k < n_extra; k++)
		rc = scenario_apply_set(doc, extra_sets[k], err);
	if (rc < 0)
		json_decref(doc);
	else
		*out = doc;
	return rc;
}

/* Status text "<prefix><text>" for row p (owned by the table). */
static int set_status(struct points *g, size_t p, const char *prefix, const char *text, const char *suffix,
		      struct errbuf *err)
{
	size_t n = strlen(prefix) + strlen(text) + strlen(suffix) + 1;
	if (!(g->status[p] = malloc(n)))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	snprintf(g->status[p], n, "%s%s%s", prefix, text, suffix);
	return 0;
}

/* Row p as an infeasible point: no figures, the scenario's message as its
 * status. */
static int set_infeasible(struct points *g, size_t p, const char *reason, struct errbuf *err)
{
	for (int f = 0; f < FIG_COUNT; f++)
		g->mean[p * FIG_COUNT + f] = g->ci95[p * FIG_COUNT + f] = NAN;
	g->replications[p] = 0;
	return set_status(g, p, POINTS_INFEASIBLE, reason, "", err);
}

/* Simulates the values (+ extra sets) and stores the figures in row p. A
 * point whose scenario is invalid (ERR_INPUT from validation, e.g. a memory
 * size its provider does not offer) becomes an infeasible row. */
static int simulate(struct points *g, json_t *const *values, const char *const *extra_sets,
		    size_t n_extra, size_t p, struct errbuf *err)
{
	json_t *doc = NULL;
	struct points_sim sim;
	free(g->status[p]);   /* a rerun's earlier status */
	g->status[p] = NULL;
	int rc = points_doc(g, values, extra_sets, n_extra, &doc, err);
	if (rc < 0)
		return rc;
	struct errbuf e = { "" };
	rc = scenario_from_json(&sim.sc, doc, g->scenario_path, &e);
	json_decref(doc);
	if (rc == ERR_INPUT)
		return set_infeasible(g, p, e.msg, err);
	if (rc < 0) {
		*err = e;
		return rc;
	}
	char fitted[256];
	memsize_fit_note(&sim.sc, fitted, sizeof(fitted));
	if (fitted[0] && (rc = set_status(g, p, "ok (memory_fit: ", fitted, ")", err)) < 0) {
		scenario_free(&sim.sc);
		return rc;
	}
	if ((rc = run_scenario(&sim.sc, &g->opt, &sim.res, err)) < 0) {
		points_sim_free(&sim);
		return rc;
	}
	points_figures(&sim.res.totals, g->mean + p * FIG_COUNT, g->ci95 + p * FIG_COUNT);
	g->replications[p] = sim.res.replications;
	g->window_s = sim.sc.duration_s - sim.sc.warmup_s;
	points_sim_free(&sim);
	return 0;
}

int points_eval(struct points *g, json_t *const *values, const char *const *extra_sets,
		size_t n_extra, size_t *index, struct errbuf *err)
{
	long found = points_find(g, values);
	if (found >= 0) {
		*index = (size_t)found;
		return 0;
	}
	int rc = grow(g, err);
	if (rc < 0)
		return rc;
	size_t p = g->n_points;
	g->status[p] = NULL;
	if ((rc = simulate(g, values, extra_sets, n_extra, p, err)) < 0) {
		free(g->status[p]);
		g->status[p] = NULL;
		return rc;
	}
	for (size_t k = 0; k < g->n_paths; k++)
		g->values[p * g->n_paths + k] = json_incref(values[k]);
	g->n_points++;
	*index = p;
	return 0;
}

int points_rerun(struct points *g, size_t point, const char *const *extra_sets, size_t n_extra,
		 struct errbuf *err)
{
	return simulate(g, g->values + point * g->n_paths, extra_sets, n_extra, point, err);
}

const char *points_infeasible(const struct points *g, size_t point)
{
	const char *st = g->status[point];
	size_t n = strlen(POINTS_INFEASIBLE);
	return st && strncmp(st, POINTS_INFEASIBLE, n) == 0 ? st + n : NULL;
}

const char *points_status(const struct points *g, size_t point)
{
	return g->status[point];
}

double points_mean(const struct points *g, size_t point, enum stats_figure f)
{
	return g->mean[point * FIG_COUNT + f];
}

double points_ci95(const struct points *g, size_t point, enum stats_figure f)
{
	return g->ci95[point * FIG_COUNT + f];
}

char *points_value_text(const json_t *v)
{
	char buf[64];
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v)) {
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return strdup(buf);
	}
	if (json_is_real(v)) {
		snprintf(buf, sizeof(buf), "%.17g", json_real_value(v));
		return strdup(buf);
	}
	return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17));
}

void points_csv_header(FILE *fp, const char *const *paths, size_t n_paths, int figures,
		       const struct points_csv_extra *extra)
{
	fputs("point", fp);
	for (size_t k = 0; k < n_paths; k++) {
		fputc(',', fp);
		output_csv_field(fp, paths[k]);
	}
	for (int f = 0; figures && f < FIG_COUNT; f++)
		fprintf(fp, ",%s,%s.ci95", stats_figure_names[f], stats_figure_names[f]);
	if (figures)
		fputs(",status", fp);
	if (extra)
		extra->header(extra->ctx, fp);
	fputc('\n', fp);
}

int points_csv_row(FILE *fp, uint64_t point, json_t *const *values, size_t n_values,
		   const double *mean, const double *ci95, const char *status,
		   const struct points_csv_extra *extra, size_t row)
{
	fprintf(fp, "%llu", (unsigned long long)point);
	for (size_t k = 0; k < n_values; k++) {
		char *t = points_value_text(values[k]);
		if (!t)
			return -1;
		fputc(',', fp);
		output_csv_field(fp, t);
		free(t);
	}
	for (int f = 0; mean && f < FIG_COUNT; f++) {
		output_csv_number(fp, ",", mean[f]);
		output_csv_number(fp, ",", ci95[f]);
	}
	if (mean)
		points_csv_status(fp, status);
	if (extra && extra->row(extra->ctx, fp, row) < 0)
		return -1;
	fputc('\n', fp);
	return 0;
}

void points_csv_status(FILE *fp, const char *status)
{
	fputc(',', fp);
	char *cell = status ? strdup(status) : NULL;
	if (!cell) {
		fputs(status ? "?" : "ok", fp);
		return;
	}
	/* One line per row, whatever the message holds. */
	for (char *c = cell; *c; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	output_csv_field(fp, cell);
	free(cell);
}

int points_write_csv(const struct points *g, FILE *fp)
{
	points_csv_header(fp, (const char *const *)g->paths, g->n_paths, 1, NULL);
	for (size_t p = 0; p < g->n_points; p++)
		if (points_csv_row(fp, p, g->values + p * g->n_paths, g->n_paths, g->mean + p * FIG_COUNT,
				   g->ci95 + p * FIG_COUNT, g->status[p], NULL, p) < 0)
			return -1;
	return 0;
}

static int write_cb(void *ctx, FILE *fp)
{
	return points_write_csv(ctx, fp);
}

int points_save_csv(const struct points *g, const char *dir, const char *name, struct errbuf *err)
{
	int rc = output_mkdirs(dir, err);
	if (rc < 0)
		return rc;
	return output_write_atomic(dir, name, write_cb, (void *)g, err);
}
