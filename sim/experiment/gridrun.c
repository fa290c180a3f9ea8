#include "experiment/gridrun.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "output/output.h"
#include "scenario/scenario.h"

int gridrun_init(struct gridrun *g, json_t *base, const char *scenario_path,
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

void gridrun_free(struct gridrun *g)
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
	memset(g, 0, sizeof(*g));
}

long gridrun_find(const struct gridrun *g, json_t *const *values)
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

static int grow(struct gridrun *g, struct errbuf *err)
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
	if (!v || !m || !c || !r)
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

/* Simulates the values (+ extra sets) and stores the figures in row p. */
static int simulate(struct gridrun *g, json_t *const *values, const char *const *extra_sets,
		    size_t n_extra, size_t p, struct errbuf *err)
{
	int rc;
	json_t *doc = json_deep_copy(g->base);
	if (!doc)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t k = 0; k < g->n_paths; k++)
		if ((rc = apply_value(doc, g->paths[k], values[k], err)) < 0) {
			json_decref(doc);
			return rc;
		}
	for (size_t k = 0; k < n_extra; k++)
		if ((rc = scenario_apply_set(doc, extra_sets[k], err)) < 0) {
			json_decref(doc);
			return rc;
		}
	struct scenario sc;
	rc = scenario_from_json(&sc, doc, g->scenario_path, err);
	json_decref(doc);
	if (rc < 0)
		return rc;
	struct run_result res;
	rc = run_scenario(&sc, &g->opt, &res, err);
	if (rc == 0) {
		for (int f = 0; f < FIG_COUNT; f++) {
			g->mean[p * FIG_COUNT + f] = res.totals.n_valid[f] ? res.totals.mean[f] : NAN;
			g->ci95[p * FIG_COUNT + f] = stats_fold_ci95(&res.totals, f);
		}
		g->replications[p] = res.replications;
		g->window_s = sc.duration_s - sc.warmup_s;
	}
	run_result_free(&res);
	scenario_free(&sc);
	return rc;
}

int gridrun_eval(struct gridrun *g, json_t *const *values, const char *const *extra_sets,
		 size_t n_extra, size_t *index, struct errbuf *err)
{
	long found = gridrun_find(g, values);
	if (found >= 0) {
		*index = (size_t)found;
		return 0;
	}
	int rc = grow(g, err);
	if (rc < 0)
		return rc;
	size_t p = g->n_points;
	if ((rc = simulate(g, values, extra_sets, n_extra, p, err)) < 0)
		return rc;
	for (size_t k = 0; k < g->n_paths; k++)
		g->values[p * g->n_paths + k] = json_incref(values[k]);
	g->n_points++;
	*index = p;
	return 0;
}

int gridrun_rerun(struct gridrun *g, size_t point, const char *const *extra_sets, size_t n_extra,
		  struct errbuf *err)
{
	return simulate(g, g->values + point * g->n_paths, extra_sets, n_extra, point, err);
}

double gridrun_mean(const struct gridrun *g, size_t point, enum stats_figure f)
{
	return g->mean[point * FIG_COUNT + f];
}

double gridrun_ci95(const struct gridrun *g, size_t point, enum stats_figure f)
{
	return g->ci95[point * FIG_COUNT + f];
}

char *gridrun_value_text(const json_t *v)
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

static void csv_number(FILE *fp, double v)
{
	if (isfinite(v))
		fprintf(fp, ",%.17g", v);
	else
		fputc(',', fp);
}

int gridrun_write_csv(const struct gridrun *g, FILE *fp)
{
	fputs("point", fp);
	for (size_t k = 0; k < g->n_paths; k++) {
		fputc(',', fp);
		output_csv_field(fp, g->paths[k]);
	}
	for (int f = 0; f < FIG_COUNT; f++)
		fprintf(fp, ",%s,%s.ci95", stats_figure_names[f], stats_figure_names[f]);
	fputc('\n', fp);
	for (size_t p = 0; p < g->n_points; p++) {
		fprintf(fp, "%zu", p);
		for (size_t k = 0; k < g->n_paths; k++) {
			char *t = gridrun_value_text(g->values[p * g->n_paths + k]);
			if (!t)
				return -1;
			fputc(',', fp);
			output_csv_field(fp, t);
			free(t);
		}
		for (int f = 0; f < FIG_COUNT; f++) {
			csv_number(fp, gridrun_mean(g, p, f));
			csv_number(fp, gridrun_ci95(g, p, f));
		}
		fputc('\n', fp);
	}
	return 0;
}

static int write_cb(void *ctx, FILE *fp)
{
	return gridrun_write_csv(ctx, fp);
}

int gridrun_save_csv(const struct gridrun *g, const char *dir, const char *name, struct errbuf *err)
{
	int rc = output_mkdirs(dir, err);
	if (rc < 0)
		return rc;
	return output_write_atomic(dir, name, write_cb, (void *)g, err);
}
