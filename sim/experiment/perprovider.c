#include "experiment/perprovider.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "output/output.h"
#include "scenario/baseline.h"

struct pp_row {
	const char *provider;     /* borrowed from the points' values */
	long point;               /* -1: the provider offers none of the configurations */
	int feasible;
	double rank;              /* the ordering key of feasible rows */
	char status[512];
};

struct pp_table {
	const struct optimize_spec *spec;
	const struct optimize_result *r;
	size_t k_prov;            /* the provider's column among the paths */
	size_t n;
	struct pp_row *row;
};

static int is_cost(enum stats_figure f)
{
	return f == FIG_COST_TOTAL || f == FIG_COST_MONTHLY || f == FIG_COST_PER_MILLION;
}

/* The month of 730 h: the pricing's own figure, else the window's total
 * scaled (the report's rule). ci: the half-width instead of the mean. */
static double monthly(const struct points *g, size_t p, int ci)
{
	double m = ci ? points_ci95(g, p, FIG_COST_MONTHLY) : points_mean(g, p, FIG_COST_MONTHLY);
	if (!isnan(points_mean(g, p, FIG_COST_MONTHLY)))
		return m;
	double t = ci ? points_ci95(g, p, FIG_COST_TOTAL) : points_mean(g, p, FIG_COST_TOTAL);
	return g->window_s > 0 ? t * BASELINE_MONTH_S / g->window_s : NAN;
}

/* Whether point p is a better choice than q (-1: none yet) for its provider. */
static int pp_better(const struct pp_table *t, size_t p, long q)
{
	if (q < 0)
		return 1;
	double a = optimize_objective(t->spec, t->r, p), b = optimize_objective(t->spec, t->r, (size_t)q);
	if (a != b)
		return a < b;
	double sa = points_mean(&t->r->grid, p, t->r->secondary), sb = points_mean(&t->r->grid, (size_t)q, t->r->secondary);
	return sa < sb;   /* equal: the earlier point (q) stays */
}

/* The row of provider name: its best feasible point, else its closest. */
static void pp_choose(const struct pp_table *t, const char *name, struct pp_row *row)
{
	const struct points *g = &t->r->grid;
	long best = -1, closest = -1, first_bad = -1;
	double v_closest = INFINITY;
	for (size_t p = 0; p < g->n_points; p++) {
		if (strcmp(json_string_value(g->values[p * g->n_paths + t->k_prov]) ?: "", name) != 0)
			continue;
		if (points_infeasible(g, p) && first_bad < 0)
			first_bad = (long)p;
		int locked = best >= 0 && best == t->r->best;   /* the optimiser's answer stays */
		if (t->r->feasible[p] && !locked && (t->r->best == (long)p || pp_better(t, p, best)))
			best = (long)p;
		double v = optimize_violation(t->spec, t->r, p);
		if (!t->r->feasible[p] && v < v_closest) {
			v_closest = v;
			closest = (long)p;
		}
	}
	row->provider = name;
	row->feasible = best >= 0;
	row->point = best >= 0 ? best : closest;
	if (best >= 0) {
		const char *st = points_status(g, (size_t)best);
		snprintf(row->status, sizeof(row->status), "%s", st ? st : "ok");
		double o = optimize_objective(t->spec, t->r, (size_t)best);
		row->rank = is_cost(t->spec->objective) ? monthly(g, (size_t)best, 0) : o;
	} else if (closest >= 0) {
		size_t n = (size_t)snprintf(row->status, sizeof(row->status), "none feasible: the closest misses ");
		for (size_t i = 0, k = 0; i < t->spec->n_slo; i++)
			if (!optimize_slo_met(&t->spec->slo[i], points_mean(g, (size_t)closest, t->spec->slo[i].figure)) &&
			    n < sizeof(row->status))
				n += (size_t)snprintf(row->status + n, sizeof(row->status) - n, "%s%s", k++ ? ", " : "",
						      t->spec->slo[i].text);
	} else {
		snprintf(row->status, sizeof(row->status), "none feasible: %s",
			 first_bad >= 0 ? points_infeasible(g, (size_t)first_bad) : "no figures");
	}
}

/* Feasible rows first, by rank; then the others; each in --vary order. */
static int pp_before(const struct pp_row *a, const struct pp_row *b)
{
	if (a->feasible != b->feasible)
		return a->feasible;
	return a->feasible && a->rank < b->rank;
}

static int pp_build(struct pp_table *t)
{
	const struct optimize_vary *v = NULL;
	for (size_t k = 0; k < t->spec->n_vary; k++)
		if (strcmp(t->spec->vary[k].path, PERPROVIDER_PATH) == 0)
			v = &t->spec->vary[k];
	if (!v || v->kind != VARY_LIST)
		return 0;
	t->row = calloc(v->n_values ? v->n_values : 1, sizeof(*t->row));
	if (!t->row)
		return -1;
	for (size_t j = 0; j < v->n_values; j++) {
		const char *name = json_string_value(v->values[j]);
		if (!name)
			continue;
		struct pp_row row;
		memset(&row, 0, sizeof(row));
		pp_choose(t, name, &row);
		size_t i = t->n++;   /* insertion: stable, the providers are few */
		while (i > 0 && pp_before(&row, &t->row[i - 1])) {
			t->row[i] = t->row[i - 1];
			i--;
		}
		t->row[i] = row;
	}
	return 1;
}

static void pp_header(const struct pp_table *t, FILE *fp)
{
	const struct points *g = &t->r->grid;
	fputs(PERPROVIDER_PATH, fp);
	for (size_t k = 0; k < g->n_paths; k++)
		if (k != t->k_prov) {
			fputc(',', fp);
			output_csv_field(fp, g->paths[k]);
		}
	fputs(",point,cost_usd.monthly,cost_usd.monthly.ci95,latency_s.p99,latency_s.p99.ci95", fp);
	if (t->spec->objective != FIG_COST_MONTHLY && t->spec->objective != FIG_LATENCY_P99) {
		const char *o = optimize_objective_name(t->spec);
		fprintf(fp, ",%s,%s.ci95", o, o);
	}
	fputs(",feasible,status\n", fp);
}

static int pp_line(const struct pp_table *t, const struct pp_row *row, FILE *fp)
{
	const struct points *g = &t->r->grid;
	output_csv_field(fp, row->provider);
	size_t p = row->point >= 0 ? (size_t)row->point : 0;
	for (size_t k = 0; k < g->n_paths; k++) {
		if (k == t->k_prov)
			continue;
		fputc(',', fp);
		if (row->point < 0)
			continue;   /* no configuration: empty cells */
		char *text = points_value_text(g->values[p * g->n_paths + k]);
		if (!text)
			return -1;
		output_csv_field(fp, text);
		free(text);
	}
	if (row->point >= 0)
		fprintf(fp, ",%ld", row->point);
	else
		fputc(',', fp);
	int have = row->point >= 0;
	output_csv_number(fp, ",", have ? monthly(g, p, 0) : NAN);
	output_csv_number(fp, ",", have ? monthly(g, p, 1) : NAN);
	output_csv_number(fp, ",", have ? points_mean(g, p, FIG_LATENCY_P99) : NAN);
	output_csv_number(fp, ",", have ? points_ci95(g, p, FIG_LATENCY_P99) : NAN);
	if (t->spec->objective != FIG_COST_MONTHLY && t->spec->objective != FIG_LATENCY_P99) {
		output_csv_number(fp, ",", have ? optimize_objective(t->spec, t->r, p) : NAN);
		output_csv_number(fp, ",", have ? optimize_objective_ci95(t->spec, t->r, p) : NAN);
	}
	fprintf(fp, ",%d", row->feasible);
	points_csv_status(fp, row->status);
	fputc('\n', fp);
	return 0;
}

static int pp_write(void *ctx, FILE *fp)
{
	const struct pp_table *t = ctx;
	pp_header(t, fp);
	for (size_t i = 0; i < t->n; i++)
		if (pp_line(t, &t->row[i], fp) < 0)
			return -1;
	return 0;
}

int perprovider_write(const char *dir, const struct optimize_spec *spec, const struct optimize_result *r,
		      struct errbuf *err)
{
	struct pp_table t = { .spec = spec, .r = r };
	const struct points *g = &r->grid;
	while (t.k_prov < g->n_paths && strcmp(g->paths[t.k_prov], PERPROVIDER_PATH) != 0)
		t.k_prov++;
	if (t.k_prov == g->n_paths)
		return 0;
	int rc = pp_build(&t);
	if (rc < 0)
		rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
	else if (rc > 0 && (rc = output_write_atomic(dir, "best_per_provider.csv", pp_write, &t, err)) == 0)
		rc = 1;
	free(t.row);
	return rc;
}
