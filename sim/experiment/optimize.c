#include "experiment/optimize.h"
#include "experiment/perprovider.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include "output/output.h"
#include "scenario/scenario.h"

static const struct { const char *alias, *figure; } aliases[] = {
	{ "p50", "latency_s.p50" }, { "p90", "latency_s.p90" }, { "p95", "latency_s.p95" },
	{ "p99", "latency_s.p99" }, { "p999", "latency_s.p999" }, { "mean", "latency_s.mean" },
	{ "max", "latency_s.max" }, { "latency", "latency_s.p99" }, { "cost", "cost_usd.total" },
	{ "cold", "cold_start_ratio" },
};

int optimize_figure(const char *name)
{
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(name, aliases[i].alias) == 0)
			name = aliases[i].figure;
	for (int i = 0; i < FIG_COUNT; i++)
		if (strcmp(name, stats_figure_names[i]) == 0)
			return i;
	return -1;
}

int optimize_parse_objective(const char *arg, enum stats_figure *out, struct errbuf *err)
{
	if (strcmp(arg, "balanced") == 0) {
		*out = OPTIMIZE_BALANCED;
		return 0;
	}
	int f = optimize_figure(arg);
	if (f < 0)
		return errbuf_set(err, ERR_INPUT,
				  "--objective %s: expected cost, latency, balanced or a figure name (latency_s.mean, idle_gb_s, ...)",
				  arg);
	*out = (enum stats_figure)f;
	return 0;
}

int optimize_parse_slo(const char *arg, struct optimize_slo *out, struct errbuf *err)
{
	static const struct { const char *text; enum slo_op op; } ops[] = {
		{ "<=", SLO_LE }, { ">=", SLO_GE }, { "<", SLO_LT }, { ">", SLO_GT },
	};
	memset(out, 0, sizeof(*out));
	snprintf(out->text, sizeof(out->text), "%s", arg);
	const char *at = strpbrk(arg, "<>");
	if (!at)
		return errbuf_set(err, ERR_INPUT, "--slo %s: expected FIGURE<=VALUE (e.g. p99<=0.8, cold_start_ratio<=0.01)", arg);
	size_t k = 0;
	while (strncmp(at, ops[k].text, strlen(ops[k].text)) != 0)
		k++;
	char name[128];
	size_t n = (size_t)(at - arg);
	while (n > 0 && arg[n - 1] == ' ')
		n--;
	if (n == 0 || n >= sizeof(name))
		return errbuf_set(err, ERR_INPUT, "--slo %s: missing figure name before %s", arg, ops[k].text);
	memcpy(name, arg, n);
	name[n] = '\0';
	int f = optimize_figure(name);
	if (f < 0)
		return errbuf_set(err, ERR_INPUT, "--slo %s: unknown figure \"%s\" (p50, p99, mean, cold_start_ratio, cost_usd.per_million, ...)",
				  arg, name);
	char *end;
	const char *num = at + strlen(ops[k].text);
	double v = strtod(num, &end);
	while (*end == ' ')
		end++;
	if (end == num || *end || !isfinite(v))
		return errbuf_set(err, ERR_INPUT, "--slo %s: expected a number after %s", arg, ops[k].text);
	out->figure = (enum stats_figure)f;
	out->op = ops[k].op;
	out->bound = v;
	return 0;
}

static int parse_int_literal(const char *s, double *v)
{
	char *end;
	long long x = strtoll(s, &end, 10);
	if (end == s || *end)
		return 0;
	*v = (double)x;
	return 1;
}

/* "LO:HI[:STEP]" already split into np numbers v[] (texts parts[]). */
static int vary_range(struct optimize_vary *out, char *const *parts, size_t np, const double *v,
		      const char *arg, struct errbuf *err)
{
	out->kind = VARY_RANGE;
	out->lo = v[0];
	out->hi = v[1];
	double d;
	out->integer = parse_int_literal(parts[0], &d) && parse_int_literal(parts[1], &d) &&
		       (np < 3 || parse_int_literal(parts[2], &d));
	out->step = np == 3 ? v[2] : out->integer ? 1 : 0;
	if (!(out->hi > out->lo))
		return errbuf_set(err, ERR_INPUT, "--vary %s: the range needs LO < HI", arg);
	if (np == 3 && !(out->step > 0))
		return errbuf_set(err, ERR_INPUT, "--vary %s: STEP must be positive", arg);
	return 0;
}

/* One item of a list, as --set takes a value: JSON when it parses, else a
 * string; a value listed twice is an error. */
static int vary_push(struct optimize_vary *out, const char *item, const char *arg, struct errbuf *err)
{
	if (!*item)
		return errbuf_set(err, ERR_INPUT, "--vary %s: empty value in the list", arg);
	json_t *val = json_loads(item, JSON_DECODE_ANY, NULL);
	if (!val)
		val = json_string(item);
	for (size_t i = 0; val && i < out->n_values; i++)
		if (json_equal(out->values[i], val)) {
			json_decref(val);
			return errbuf_set(err, ERR_INPUT, "--vary %s: a value is listed twice", arg);
		}
	if (!val)
		return errbuf_set(err, ERR_INPUT, "--vary %s: value is not valid UTF-8", arg);
	out->values[out->n_values++] = val;
	return 0;
}

/* "V1,V2,..." (list, the text after '='). */
static int vary_list(struct optimize_vary *out, const char *list, const char *arg, struct errbuf *err)
{
	out->kind = VARY_LIST;
	size_t cap = 1;
	for (const char *p = list; *p; p++)
		cap += *p == ',';
	out->values = calloc(cap, sizeof(*out->values));
	if (!out->values)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	int rc = 0;
	for (const char *p = list; rc == 0 && p;) {
		const char *comma = strchr(p, ',');
		char *item = comma ? strndup(p, (size_t)(comma - p)) : strdup(p);
		rc = item ? vary_push(out, item, arg, err) : errbuf_set(err, ERR_RUNTIME, "out of memory");
		free(item);
		p = comma ? comma + 1 : NULL;
	}
	return rc;
}

int optimize_parse_vary(const char *arg, struct optimize_vary *out, struct errbuf *err)
{
	memset(out, 0, sizeof(*out));
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1])
		return errbuf_set(err, ERR_INPUT, "--vary %s: expected PATH=V1,V2,... or PATH=LO:HI[:STEP]", arg);
	out->path = strndup(arg, (size_t)(eq - arg));
	char *spec = strdup(eq + 1);
	if (!out->path || !spec) {
		free(spec);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	char *parts[3] = { NULL, NULL, NULL };
	size_t np = 0;
	if (!strchr(spec, ',') && strchr(spec, ':')) {
		for (char *p = spec, *save = NULL, *t; np < 3 && (t = strtok_r(p, ":", &save)); p = NULL)
			parts[np++] = t;
	}
	double v[3];
	char *end;
	int numeric = np >= 2;
	for (size_t i = 0; i < np; i++) {
		v[i] = strtod(parts[i], &end);
		if (end == parts[i] || *end || !isfinite(v[i]))
			numeric = 0;
	}
	int rc = numeric ? vary_range(out, parts, np, v, arg, err) : vary_list(out, eq + 1, arg, err);
	free(spec);
	return rc;
}

static void vary_free(struct optimize_vary *v)
{
	free(v->path);
	for (size_t i = 0; i < v->n_values; i++)
		json_decref(v->values[i]);
	free(v->values);
}

void optimize_spec_free(struct optimize_spec *spec)
{
	for (size_t i = 0; i < spec->n_vary; i++)
		vary_free(&spec->vary[i]);
	free(spec->vary);
	free(spec->slo);
	memset(spec, 0, sizeof(*spec));
}

/* ---- the objective ----------------------------------------------------- */

/* The balanced objective's normalisers are the lowest cost and p99 seen so
 * far: minima over the points explored, as `slsim report` takes them over
 * sweep.csv. */
struct objective {
	const struct optimize_spec *spec;
	double min_cost_usd, min_p99_s;
};

static void objective_init(struct objective *o, const struct optimize_spec *spec)
{
	o->spec = spec;
	o->min_cost_usd = o->min_p99_s = INFINITY;
}

static void objective_see(struct objective *o, const struct points *g, size_t p)
{
	double c = points_mean(g, p, FIG_COST_TOTAL), l = points_mean(g, p, FIG_LATENCY_P99);
	if (c < o->min_cost_usd)
		o->min_cost_usd = c;
	if (l < o->min_p99_s)
		o->min_p99_s = l;
}

/* As the report: relative to the lowest value when that is positive. */
static double relative(double v, double lowest)
{
	return lowest > 0 && isfinite(lowest) ? v / lowest : v;
}

static double obj_mean(const struct objective *o, const struct points *g, size_t p)
{
	if (o->spec->objective != OPTIMIZE_BALANCED)
		return points_mean(g, p, o->spec->objective);
	return relative(points_mean(g, p, FIG_COST_TOTAL), o->min_cost_usd) +
	       relative(points_mean(g, p, FIG_LATENCY_P99), o->min_p99_s);
}

/* Balanced: the relative half-widths in quadrature (the normalisers taken
 * as exact, the two figures as independent). */
static double obj_ci95(const struct objective *o, const struct points *g, size_t p)
{
	if (o->spec->objective != OPTIMIZE_BALANCED)
		return points_ci95(g, p, o->spec->objective);
	double c = points_ci95(g, p, FIG_COST_TOTAL), l = points_ci95(g, p, FIG_LATENCY_P99);
	if (isnan(c) && isnan(l))
		return NAN;
	c = isnan(c) ? 0 : relative(c, o->min_cost_usd);
	l = isnan(l) ? 0 : relative(l, o->min_p99_s);
	return sqrt(c * c + l * l);
}

static void objective_of_result(struct objective *o, const struct optimize_spec *spec, const struct optimize_result *r)
{
	o->spec = spec;
	o->min_cost_usd = r->balance_cost_usd;
	o->min_p99_s = r->balance_p99_s;
}

const char *optimize_objective_name(const struct optimize_spec *spec)
{
	return spec->objective == OPTIMIZE_BALANCED ? "balanced" : stats_figure_names[spec->objective];
}

double optimize_objective(const struct optimize_spec *spec, const struct optimize_result *r, size_t p)
{
	struct objective o;
	objective_of_result(&o, spec, r);
	return obj_mean(&o, &r->grid, p);
}

double optimize_objective_ci95(const struct optimize_spec *spec, const struct optimize_result *r, size_t p)
{
	struct objective o;
	objective_of_result(&o, spec, r);
	return obj_ci95(&o, &r->grid, p);
}

/* ---- feasibility and comparison ---------------------------------------- */

static int slo_met(const struct optimize_slo *s, double v)
{
	if (isnan(v))
		return 0;
	switch (s->op) {
	case SLO_LE: return v <= s->bound;
	case SLO_LT: return v < s->bound;
	case SLO_GE: return v >= s->bound;
	case SLO_GT: return v > s->bound;
	}
	return 0;
}

static int feasible(const struct objective *o, const struct points *g, size_t p)
{
	const struct optimize_spec *spec = o->spec;
	if (isnan(obj_mean(o, g, p)))
		return 0;
	for (size_t i = 0; i < spec->n_slo; i++)
		if (!slo_met(&spec->slo[i], points_mean(g, p, spec->slo[i].figure)))
			return 0;
	return 1;
}

/* How far p is from meeting the SLOs, relative to each bound. */
static double violation(const struct optimize_spec *spec, const struct points *g, size_t p)
{
	double sum = 0;
	if (points_infeasible(g, p))
		return INFINITY;   /* not a configuration at all: never the closest */
	for (size_t i = 0; i < spec->n_slo; i++) {
		const struct optimize_slo *s = &spec->slo[i];
		double v = points_mean(g, p, s->figure);
		if (isnan(v))
			return INFINITY;
		if (slo_met(s, v))
			continue;
		double scale = fabs(s->bound) > 1e-300 ? fabs(s->bound) : 1;
		sum += fabs(v - s->bound) / scale;
	}
	return sum;
}

int optimize_slo_met(const struct optimize_slo *s, double v)
{
	return slo_met(s, v);
}

double optimize_violation(const struct optimize_spec *spec, const struct optimize_result *r, size_t p)
{
	return violation(spec, &r->grid, p);
}

/* Better-than for the search: feasible first, then objective, then
 * violation for infeasible points. */
static int better(const struct objective *o, const struct points *g, size_t a, long b)
{
	if (b < 0)
		return 1;
	int fa = feasible(o, g, a), fb = feasible(o, g, (size_t)b);
	if (fa != fb)
		return fa;
	if (!fa)
		return violation(o->spec, g, a) < violation(o->spec, g, (size_t)b);
	return obj_mean(o, g, a) < obj_mean(o, g, (size_t)b);
}

/* ---- grids ------------------------------------------------------------- */

/* Up to n grid values of range v inside [a, b] into out (ascending,
 * distinct); returns how many. */
static size_t grid_values(const struct optimize_vary *v, double a, double b, unsigned n, double *out)
{
	size_t m = 0;
	if (v->step > 0) {
		double ka = ceil((a - v->lo) / v->step - 1e-9), kb = floor((b - v->lo) / v->step + 1e-9);
		if (kb < ka)
			kb = ka;
		double count = kb - ka + 1;
		for (unsigned i = 0; i < n && i < count; i++) {
			double k = count <= n ? ka + i : ka + round(i * (count - 1) / (n - 1));
			double x = v->lo + k * v->step;
			if (x > v->hi + 1e-9 * v->step)
				break;
			if (m == 0 || x > out[m - 1])
				out[m++] = v->integer ? round(x) : x;
		}
	} else {
		for (unsigned i = 0; i < n; i++)
			out[m++] = i + 1 == n ? b : a + (b - a) * i / (n - 1);
	}
	return m;
}

static json_t *range_value(const struct optimize_vary *v, double x)
{
	if (v->integer)
		return json_integer((json_int_t)llround(x));
	return json_real(x);
}

struct combo {
	size_t *list;          /* index into each list parameter's values */
	double *a, *b;         /* current interval of each range parameter */
	int done;
};

/* Evaluates the cartesian product of the combination's grids; returns the
 * best point (-1 if none) and how many points were new. */
static int search_combo(struct points *g, struct objective *o, struct combo *c,
			long *best_out, double **grids, size_t *n_grid, size_t *n_new, struct errbuf *err)
{
	const struct optimize_spec *spec = o->spec;
	size_t nv = spec->n_vary;
	json_t **values = calloc(nv, sizeof(*values));
	size_t *at = calloc(nv, sizeof(*at));
	int rc = 0;
	long best = -1;
	if (!values || !at) {
		free(values);
		free(at);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	for (size_t k = 0; k < nv; k++) {
		const struct optimize_vary *v = &spec->vary[k];
		n_grid[k] = v->kind == VARY_RANGE ? grid_values(v, c->a[k], c->b[k], spec->grid, grids[k]) : 1;
	}
	*n_new = 0;
	for (;;) {
		for (size_t k = 0; k < nv; k++) {
			const struct optimize_vary *v = &spec->vary[k];
			values[k] = v->kind == VARY_LIST ? json_incref(v->values[c->list[k]])
							 : range_value(v, grids[k][at[k]]);
		}
		size_t before = g->n_points, p;
		rc = points_eval(g, values, NULL, 0, &p, err);
		for (size_t k = 0; k < nv; k++)
			json_decref(values[k]);
		if (rc < 0)
			break;
		*n_new += g->n_points - before;
		objective_see(o, g, p);
		if (better(o, g, p, best))
			best = (long)p;
		size_t k = 0;
		while (k < nv && ++at[k] == n_grid[k])
			at[k++] = 0;
		if (k == nv)
			break;
	}
	free(values);
	free(at);
	*best_out = best;
	return rc;
}

static int range_index(const struct optimize_vary *v, const json_t *value, const double *grid, size_t n)
{
	double x = json_number_value(value);
	size_t j = 0;
	(void)v;
	while (j + 1 < n && fabs(grid[j] - x) > 1e-12 * (fabs(x) + 1))
		j++;
	return (int)j;
}

/* ---- Brent's method on one range ---------------------------------------- */

/* Enough for golden sections from a first-grid bracket down to 1e-4 of the
 * range (about 20) with room for Brent's parabolic steps that fail. */
#define BRENT_MAX_ITERATIONS 100

/* The nearest lattice value inside the range (x itself for a real range). */
static double snap(const struct optimize_vary *v, double x)
{
	x = fmin(fmax(x, v->lo), v->hi);
	if (v->step > 0) {
		x = v->lo + round((x - v->lo) / v->step) * v->step;
		if (x > v->hi + 1e-9 * v->step)
			x -= v->step;
		if (v->integer)
			x = round(x);
	}
	return x;
}

struct brent_ctx {
	struct points *g;
	struct objective frozen;  /* the function Brent sees must not change under it */
	struct objective *live;   /* the search's normalisers, updated with every point */
	const struct combo *c;
	size_t k;                 /* the range parameter */
	double penalty;           /* above every feasible objective value of the bracket */
	int rc;
	struct errbuf *err;
};

/* Merit of a point: the objective when feasible, else the penalty grown by
 * the relative violation, so Brent walks back towards feasibility. Finite
 * always: GSL aborts on non-finite function values. */
static double merit(const struct brent_ctx *x, size_t p)
{
	if (feasible(&x->frozen, x->g, p)) {
		double m = obj_mean(&x->frozen, x->g, p);
		if (isfinite(m))
			return m;
	}
	return x->penalty * (1 + fmin(violation(x->frozen.spec, x->g, p), 1e6));
}

static double brent_f(double xv, void *params)
{
	struct brent_ctx *x = params;
	if (x->rc < 0)
		return x->penalty * 2e6;
	const struct optimize_spec *spec = x->frozen.spec;
	size_t nv = spec->n_vary, p;
	json_t **values = calloc(nv, sizeof(*values));
	if (!values) {
		x->rc = errbuf_set(x->err, ERR_RUNTIME, "out of memory");
		return x->penalty * 2e6;
	}
	for (size_t k = 0; k < nv; k++) {
		const struct optimize_vary *v = &spec->vary[k];
		values[k] = v->kind == VARY_LIST ? json_incref(v->values[x->c->list[k]]) : range_value(v, snap(v, xv));
	}
	int rc = points_eval(x->g, values, NULL, 0, &p, x->err);
	for (size_t k = 0; k < nv; k++)
		json_decref(values[k]);
	free(values);
	if (rc < 0) {
		x->rc = rc;
		return x->penalty * 2e6;
	}
	objective_see(x->live, x->g, p);
	return merit(x, p);
}

/* Brent saw a staircase; walks down from xs to a lattice point no worse
 * than its lattice neighbours (usually one or two memoised points). */
static void lattice_walk(struct brent_ctx *x, const struct optimize_vary *v, double xs)
{
	xs = snap(v, xs);
	for (size_t walk = 0; walk < 1000 && x->rc == 0; walk++) {
		double fx = brent_f(xs, x), next = xs;
		for (int d = -1; d <= 1; d += 2) {
			double y = xs + d * v->step;
			if (y < v->lo - 1e-9 * v->step || y > v->hi + 1e-9 * v->step)
				continue;
			y = snap(v, y);
			double fy = brent_f(y, x);
			if (fy < fx) {
				fx = fy;
				next = y;
			}
		}
		if (next == xs)
			break;
		xs = next;
	}
}

/* After the first grid of combination c: when its best point (index best)
 * is strictly below both grid neighbours in merit, minimises over that
 * bracket with GSL's Brent minimiser and sets *used. */
static int brent_combo(struct points *g, struct objective *live, const struct combo *c, size_t k,
		       const double *grid, size_t n, long best, int *used, struct errbuf *err)
{
	const struct optimize_vary *v = &live->spec->vary[k];
	*used = 0;
	if (best < 0 || n < 3)
		return 0;
	int j = range_index(v, g->values[(size_t)best * live->spec->n_vary + k], grid, n);
	if (j == 0 || (size_t)j + 1 == n)
		return 0;   /* at an end of the range: grid refinement closes in on it */
	struct brent_ctx x = { .g = g, .frozen = *live, .live = live, .c = c, .k = k, .err = err };
	double biggest = 0;
	for (size_t p = 0; p < g->n_points; p++) {
		double m = obj_mean(&x.frozen, g, p);
		if (isfinite(m))
			biggest = fmax(biggest, fabs(m));
	}
	x.penalty = 1 + 2 * biggest;
	double xa = grid[j - 1], xm = grid[j], xb = grid[j + 1];
	double fa = brent_f(xa, &x), fm = brent_f(xm, &x), fb = brent_f(xb, &x);   /* memoised */
	if (x.rc < 0)
		return x.rc;
	if (!(fm < fa && fm < fb))
		return 0;   /* a plateau: no bracket for Brent */
	gsl_min_fminimizer *s = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
	if (!s)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*used = 1;
	gsl_function F = { .function = brent_f, .params = &x };
	int status = gsl_min_fminimizer_set_with_values(s, &F, xm, fm, xa, fa, xb, fb);
	/* The grid's resolution: two lattice steps (the lattice walk below
	 * settles the last one), or 1e-4 of a real range. */
	double tol = v->step > 0 ? 2 * v->step : 1e-4 * (v->hi - v->lo);
	for (int it = 0; status == GSL_SUCCESS && x.rc == 0 && it < BRENT_MAX_ITERATIONS; it++) {
		status = gsl_min_fminimizer_iterate(s);
		if (gsl_min_fminimizer_x_upper(s) - gsl_min_fminimizer_x_lower(s) <= tol + 1e-12)
			break;
	}
	double xs = gsl_min_fminimizer_x_minimum(s);
	gsl_min_fminimizer_free(s);
	if (x.rc < 0)
		return x.rc;
	if (v->step > 0)
		lattice_walk(&x, v, xs);
	return x.rc;
}

static void decide(const struct optimize_spec *spec, struct optimize_result *r)
{
	struct points *g = &r->grid;
	struct objective o;
	objective_init(&o, spec);
	for (size_t p = 0; p < g->n_points; p++)
		objective_see(&o, g, p);
	r->balance_cost_usd = o.min_cost_usd;
	r->balance_p99_s = o.min_p99_s;
	r->best = -1;
	r->closest = -1;
	for (size_t p = 0; p < g->n_points; p++) {
		r->feasible[p] = feasible(&o, g, p);
		if (better(&o, g, p, r->best))
			r->best = (long)p;
	}
	if (r->best >= 0 && !r->feasible[r->best]) {
		r->closest = points_infeasible(g, (size_t)r->best) ? -1 : r->best;
		r->best = -1;
	}
	r->n_tied = 0;
	if (r->best < 0)
		return;
	double mb = obj_mean(&o, g, (size_t)r->best);
	double cb = obj_ci95(&o, g, (size_t)r->best);
	for (size_t p = 0; p < g->n_points; p++) {
		if (!r->feasible[p])
			continue;
		double m = obj_mean(&o, g, p), c = obj_ci95(&o, g, p);
		double half = sqrt((isnan(c) ? 0 : c * c) + (isnan(cb) ? 0 : cb * cb));
		if (fabs(m - mb) <= half)
			r->tied[r->n_tied++] = p;
	}
}

/* The search's state: the combinations of list values, each with its
 * current intervals, and the grid of each range for the current round. */
struct search {
	const struct optimize_spec *spec;
	struct points *g;
	struct objective obj;
	size_t n_combos;
	struct combo *combos;
	double **grids;           /* per parameter, spec->grid values */
	size_t *n_grid;
	int try_brent;            /* Brent's method on k_range after the first grid */
	size_t k_range;
};

static void search_free(struct search *s)
{
	size_t nv = s->spec->n_vary;
	for (size_t c = 0; s->combos && c < s->n_combos; c++) {
		free(s->combos[c].list);
		free(s->combos[c].a);
		free(s->combos[c].b);
	}
	free(s->combos);
	for (size_t k = 0; s->grids && k < nv; k++)
		free(s->grids[k]);
	free(s->grids);
	free(s->n_grid);
}

/* Every combination of list values, each with the full ranges. */
static int search_init(struct search *s, const struct optimize_spec *spec, struct points *g,
		       struct errbuf *err)
{
	size_t nv = spec->n_vary, m = nv ? nv : 1;
	memset(s, 0, sizeof(*s));
	s->spec = spec;
	s->g = g;
	objective_init(&s->obj, spec);
	s->n_combos = 1;
	for (size_t k = 0; k < nv; k++)
		if (spec->vary[k].kind == VARY_LIST)
			s->n_combos *= spec->vary[k].n_values;
	s->combos = calloc(s->n_combos, sizeof(*s->combos));
	s->grids = calloc(m, sizeof(*s->grids));
	s->n_grid = calloc(m, sizeof(*s->n_grid));
	if (!s->combos || !s->grids || !s->n_grid)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t k = 0; k < nv; k++)
		if (!(s->grids[k] = calloc(spec->grid, sizeof(double))))
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t c = 0; c < s->n_combos; c++) {
		struct combo *cb = &s->combos[c];
		cb->list = calloc(m, sizeof(size_t));
		cb->a = calloc(m, sizeof(double));
		cb->b = calloc(m, sizeof(double));
		if (!cb->list || !cb->a || !cb->b)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		size_t rest = c;
		for (size_t k = nv; k-- > 0;) {
			const struct optimize_vary *v = &spec->vary[k];
			if (v->kind == VARY_LIST) {
				cb->list[k] = rest % v->n_values;
				rest /= v->n_values;
			} else {
				cb->a[k] = v->lo;
				cb->b[k] = v->hi;
			}
		}
	}
	/* Brent's method needs a single range (a 1-D search per combination). */
	size_t n_ranges = 0;
	for (size_t k = 0; k < nv; k++)
		if (spec->vary[k].kind == VARY_RANGE) {
			n_ranges++;
			s->k_range = k;
		}
	s->try_brent = spec->method == OPTIMIZE_AUTO && n_ranges == 1;
	return 0;
}

/* Shrinks each range of combination c to the grid neighbours of its best
 * point; 1 when some range is still wider than its resolution. */
static int narrow(struct search *s, struct combo *c, long best)
{
	const struct optimize_spec *spec = s->spec;
	size_t nv = spec->n_vary;
	int refinable = 0;
	for (size_t k = 0; best >= 0 && k < nv; k++) {
		const struct optimize_vary *v = &spec->vary[k];
		size_t n = s->n_grid[k];
		if (v->kind != VARY_RANGE || n < 2)
			continue;
		int j = range_index(v, s->g->values[(size_t)best * nv + k], s->grids[k], n);
		double a = s->grids[k][j > 0 ? j - 1 : 0];
		double b = s->grids[k][(size_t)j + 1 < n ? (size_t)j + 1 : n - 1];
		double tol = v->step > 0 ? v->step : 1e-4 * (v->hi - v->lo);
		if (b - a > tol * (v->step > 0 ? 2 : 1) + 1e-12)
			refinable = 1;
		c->a[k] = a;
		c->b[k] = b;
	}
	return refinable;
}

/* One round over the combinations not done: a grid each; after the first,
 * Brent's method where it applies, else narrower intervals for the next
 * round. *any: some combination goes on. */
static int search_round(struct search *s, unsigned round, struct optimize_result *out, int *any,
			struct errbuf *err)
{
	*any = 0;
	for (size_t c = 0; c < s->n_combos; c++) {
		struct combo *cb = &s->combos[c];
		if (cb->done)
			continue;
		long best = -1;
		size_t n_new = 0;
		int rc = search_combo(s->g, &s->obj, cb, &best, s->grids, s->n_grid, &n_new, err);
		if (rc < 0)
			return rc;
		if (round == 0 && s->try_brent) {
			int used = 0;
			rc = brent_combo(s->g, &s->obj, cb, s->k_range, s->grids[s->k_range],
					 s->n_grid[s->k_range], best, &used, err);
			if (rc < 0)
				return rc;
			if (used) {
				cb->done = 1;
				out->n_brent++;
				continue;
			}
		}
		/* Nothing new (all memoised) or nothing to refine: finished. */
		int refinable = narrow(s, cb, best);
		if ((n_new == 0 && round > 0) || !refinable)
			cb->done = 1;
		else
			*any = 1;
	}
	return 0;
}

/* Decides, and while points tie with the best re-simulates them with more
 * replications (unless the runs are deterministic: half-widths of exactly
 * 0 cannot shrink); *reran says whether it did. */
static int decide_with_replications(const struct optimize_spec *spec, struct optimize_result *out,
				    int *reran, struct errbuf *err)
{
	struct points *g = &out->grid;
	out->feasible = calloc(g->n_points ? g->n_points : 1, sizeof(*out->feasible));
	out->tied = calloc(g->n_points ? g->n_points : 1, sizeof(*out->tied));
	if (!out->feasible || !out->tied)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	decide(spec, out);
	*reran = 0;
	while (out->best >= 0 && out->n_tied > 1) {
		uint32_t reps = g->replications[out->best];
		int shrinkable = 0;
		for (size_t i = 0; i < out->n_tied; i++) {
			double c = optimize_objective_ci95(spec, out, out->tied[i]);
			if (!(c == 0))
				shrinkable = 1;
		}
		if (!shrinkable || reps >= spec->max_replications)
			break;
		uint32_t more = reps * 4 < spec->max_replications ? reps * 4 : spec->max_replications;
		char set[64];
		snprintf(set, sizeof(set), "replications=%u", more);
		const char *sets[] = { set };
		int rc;
		for (size_t i = 0; i < out->n_tied; i++)
			if ((rc = points_rerun(g, out->tied[i], sets, 1, err)) < 0)
				return rc;
		*reran = 1;
		decide(spec, out);
	}
	return 0;
}

/* The best of the tied points by the secondary figure (then the
 * objective), and the decision in words. */
static void tie_break(const struct optimize_spec *spec, struct optimize_result *out, int reran)
{
	const struct points *g = &out->grid;
	if (out->best < 0) {
		snprintf(out->decision, sizeof(out->decision), "no configuration explored meets the SLOs");
		return;
	}
	size_t pick = (size_t)out->best;
	if (out->n_tied > 1) {
		for (size_t i = 0; i < out->n_tied; i++) {
			size_t p = out->tied[i];
			double s = points_mean(g, p, out->secondary), sp = points_mean(g, pick, out->secondary);
			if (s < sp || (s == sp && optimize_objective(spec, out, p) < optimize_objective(spec, out, pick)))
				pick = p;
		}
		snprintf(out->decision, sizeof(out->decision),
			 "%zu points tied on %s within their 95 %% intervals%s; chose the lowest %s",
			 out->n_tied, optimize_objective_name(spec),
			 reran ? " (after more replications)" : "", stats_figure_names[out->secondary]);
		out->best = (long)pick;
	} else {
		size_t nf = 0;
		for (size_t p = 0; p < g->n_points; p++)
			nf += out->feasible[p] != 0;
		snprintf(out->decision, sizeof(out->decision), "lowest %s among %zu feasible points%s, separated by its 95 %% interval",
			 optimize_objective_name(spec), nf, reran ? " (after more replications)" : "");
	}
}

int optimize_run(json_t *base, const char *scenario_path, const struct optimize_spec *spec,
		 const struct run_options *opt, struct optimize_result *out, struct errbuf *err)
{
	memset(out, 0, sizeof(*out));
	out->best = out->closest = -1;
	out->secondary = strncmp(optimize_objective_name(spec), "cost_usd", 8) == 0 ? FIG_LATENCY_P99
										      : FIG_COST_TOTAL;
	size_t nv = spec->n_vary;
	const char **paths = calloc(nv ? nv : 1, sizeof(*paths));
	if (!paths)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t k = 0; k < nv; k++)
		paths[k] = spec->vary[k].path;
	int rc = points_init(&out->grid, base, scenario_path, paths, nv, opt, err);
	free(paths);
	if (rc < 0)
		return rc;

	struct search s;
	rc = search_init(&s, spec, &out->grid, err);
	out->n_combos = s.n_combos;
	int any = 1;
	for (unsigned round = 0; rc == 0 && any && round < spec->rounds; round++)
		rc = search_round(&s, round, out, &any, err);
	search_free(&s);
	/* Points a provider rejects are infeasible rows; when every point is,
	 * the input itself is wrong: its first message, as `slsim run` says it. */
	size_t n_bad = 0;
	for (size_t p = 0; rc == 0 && p < out->grid.n_points; p++)
		n_bad += points_infeasible(&out->grid, p) != NULL;
	if (rc == 0 && out->grid.n_points > 0 && n_bad == out->grid.n_points)
		rc = errbuf_set(err, ERR_INPUT, "every point is invalid; point 0: %s", points_infeasible(&out->grid, 0));
	int reran = 0;
	if (rc == 0)
		rc = decide_with_replications(spec, out, &reran, err);
	if (rc == 0)
		tie_break(spec, out, reran);
	return rc;
}

void optimize_result_free(struct optimize_result *r)
{
	points_free(&r->grid);
	free(r->feasible);
	free(r->tied);
	memset(r, 0, sizeof(*r));
}

/* ---- outputs ----------------------------------------------------------- */

static int is_tied(const struct optimize_result *r, size_t p)
{
	for (size_t i = 0; i < r->n_tied; i++)
		if (r->tied[i] == p)
			return 1;
	return 0;
}

/* Feasible and not dominated on (objective, secondary) by a feasible point. */
static int pareto(const struct optimize_spec *spec, const struct optimize_result *r, size_t p)
{
	const struct points *g = &r->grid;
	if (!r->feasible[p])
		return 0;
	double o = optimize_objective(spec, r, p), s = points_mean(g, p, r->secondary);
	for (size_t q = 0; q < g->n_points; q++) {
		if (q == p || !r->feasible[q])
			continue;
		double oq = optimize_objective(spec, r, q), sq = points_mean(g, q, r->secondary);
		if (oq <= o && sq <= s && (oq < o || sq < s))
			return 0;
	}
	return 1;
}

struct out_ctx {
	const struct optimize_spec *spec;
	const struct optimize_result *r;
};

/* The figures frontier.csv shows: objective, secondary, (for balanced,
 * p99,) then each SLO's. */
static size_t shown_figures(const struct optimize_spec *spec, const struct optimize_result *r,
			    enum stats_figure *f)
{
	size_t n = 0;
	f[n++] = spec->objective;
	f[n++] = r->secondary;
	if (spec->objective == OPTIMIZE_BALANCED && r->secondary != FIG_LATENCY_P99)
		f[n++] = FIG_LATENCY_P99;
	for (size_t i = 0; i < spec->n_slo; i++) {
		size_t j = 0;
		while (j < n && f[j] != spec->slo[i].figure)
			j++;
		if (j == n)
			f[n++] = spec->slo[i].figure;
	}
	return n;
}

/* A shown figure (OPTIMIZE_BALANCED included): name, mean, half-width. */
static const char *shown_name(enum stats_figure f)
{
	return f == OPTIMIZE_BALANCED ? "balanced" : stats_figure_names[f];
}

static double shown_mean(const struct optimize_spec *spec, const struct optimize_result *r, size_t p,
			 enum stats_figure f)
{
	return f == OPTIMIZE_BALANCED ? optimize_objective(spec, r, p) : points_mean(&r->grid, p, f);
}

static double shown_ci95(const struct optimize_spec *spec, const struct optimize_result *r, size_t p,
			 enum stats_figure f)
{
	return f == OPTIMIZE_BALANCED ? optimize_objective_ci95(spec, r, p) : points_ci95(&r->grid, p, f);
}

/* frontier.csv's columns after the values: the shown figures, then the verdicts. */
struct frontier_cols {
	const struct out_ctx *c;
	enum stats_figure f[FIG_COUNT + 2];
	size_t nf;
};

static void frontier_header(void *ctx, FILE *fp)
{
	const struct frontier_cols *x = ctx;
	for (size_t i = 0; i < x->nf; i++)
		fprintf(fp, ",%s,%s.ci95", shown_name(x->f[i]), shown_name(x->f[i]));
	fputs(",replications,feasible,pareto,tied,chosen,status", fp);
}

static int frontier_row(void *ctx, FILE *fp, size_t p)
{
	const struct frontier_cols *x = ctx;
	const struct optimize_spec *spec = x->c->spec;
	const struct optimize_result *r = x->c->r;
	for (size_t i = 0; i < x->nf; i++) {
		output_csv_number(fp, ",", shown_mean(spec, r, p, x->f[i]));
		output_csv_number(fp, ",", shown_ci95(spec, r, p, x->f[i]));
	}
	fprintf(fp, ",%u,%d,%d,%d,%d", r->grid.replications[p], r->feasible[p], pareto(spec, r, p),
		is_tied(r, p), r->best == (long)p);
	points_csv_status(fp, points_status(&r->grid, p));
	return 0;
}

/* frontier.csv: sweep.csv's point and values, then frontier_cols. */
static int write_frontier(void *ctx, FILE *fp)
{
	const struct out_ctx *c = ctx;
	const struct points *g = &c->r->grid;
	struct frontier_cols x = { .c = c };
	x.nf = shown_figures(c->spec, c->r, x.f);
	struct points_csv_extra extra = { frontier_header, frontier_row, &x };
	points_csv_header(fp, (const char *const *)g->paths, g->n_paths, 0, &extra);
	for (size_t p = 0; p < g->n_points; p++)
		if (points_csv_row(fp, p, g->values + p * g->n_paths, g->n_paths, NULL, NULL, NULL, &extra, p) < 0)
			return -1;
	return 0;
}

static const char *search_name(const struct optimize_result *r)
{
	return r->n_brent == 0 ? "grid" : r->n_brent == r->n_combos ? "brent" : "brent and grid";
}

static json_t *num_json(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *point_json(const struct optimize_spec *spec, const struct optimize_result *r, size_t p)
{
	const struct points *g = &r->grid;
	json_t *values = json_object(), *figs = json_object(), *ci = json_object();
	for (size_t k = 0; k < g->n_paths; k++)
		json_object_set(values, g->paths[k], g->values[p * g->n_paths + k]);
	enum stats_figure f[FIG_COUNT + 2];
	size_t nf = shown_figures(spec, r, f);
	for (size_t i = 0; i < nf; i++) {
		json_object_set_new(figs, shown_name(f[i]), num_json(shown_mean(spec, r, p, f[i])));
		json_object_set_new(ci, shown_name(f[i]), num_json(shown_ci95(spec, r, p, f[i])));
	}
	return json_pack("{s:I, s:o, s:o, s:o, s:i}", "point", (json_int_t)p, "values", values, "figures", figs,
			 "ci95", ci, "replications", (int)g->replications[p]);
}

static int write_json(void *ctx, FILE *fp)
{
	const struct out_ctx *c = ctx;
	const struct optimize_result *r = c->r;
	json_t *slos = json_array(), *vary = json_array(), *tied = json_array();
	for (size_t i = 0; i < c->spec->n_slo; i++)
		json_array_append_new(slos, json_string(c->spec->slo[i].text));
	for (size_t k = 0; k < c->spec->n_vary; k++)
		json_array_append_new(vary, json_string(c->spec->vary[k].path));
	for (size_t i = 0; i < r->n_tied; i++)
		json_array_append_new(tied, json_integer((json_int_t)r->tied[i]));
	size_t nf = 0;
	for (size_t p = 0; p < r->grid.n_points; p++)
		nf += r->feasible[p] != 0;
	json_t *doc = json_pack("{s:s, s:s, s:o, s:o, s:I, s:I, s:s}", "objective",
				optimize_objective_name(c->spec), "secondary",
				stats_figure_names[r->secondary], "slo", slos, "vary", vary, "explored",
				(json_int_t)r->grid.n_points, "feasible", (json_int_t)nf, "decision", r->decision);
	if (!doc)
		return -1;
	json_object_set_new(doc, "best", r->best >= 0 ? point_json(c->spec, r, (size_t)r->best) : json_null());
	json_object_set_new(doc, "closest", r->best < 0 && r->closest >= 0 ? point_json(c->spec, r, (size_t)r->closest) : json_null());
	json_object_set_new(doc, "tied", tied);
	json_object_set_new(doc, "search", json_string(search_name(r)));
	int rc = json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	fputc('\n', fp);
	json_decref(doc);
	return rc == 0 ? 0 : -1;
}

/* Runs the best point again (its replications) and writes `slsim run`'s files. */
static int write_best_run(const char *dir, const struct optimize_result *r, const struct run_options *opt,
			  struct errbuf *err)
{
	const struct points *g = &r->grid;
	size_t p = (size_t)r->best;
	char set[64];
	snprintf(set, sizeof(set), "replications=%u", g->replications[p]);
	const char *sets[] = { set };
	json_t *doc = NULL;
	int rc = points_doc(g, g->values + p * g->n_paths, sets, 1, &doc, err);
	if (rc < 0)
		return rc;
	struct run_options o = *opt;
	o.progress = 0;
	struct points_sim sim;
	rc = points_simulate(doc, g->scenario_path, &o, &sim, err);
	json_decref(doc);
	if (rc < 0)
		return rc;
	rc = output_write_run(dir, &sim.sc, &sim.res, err);
	points_sim_free(&sim);
	return rc;
}

int optimize_write(const char *dir, const struct optimize_spec *spec,
		   const struct optimize_result *r, const struct run_options *opt, struct errbuf *err)
{
	struct out_ctx c = { spec, r };
	int rc;
	if ((rc = points_save_csv(&r->grid, dir, "sweep.csv", err)) < 0 ||
	    (rc = output_write_atomic(dir, "frontier.csv", write_frontier, &c, err)) < 0 ||
	    (rc = output_write_atomic(dir, "optimize.json", write_json, &c, err)) < 0 ||
	    (rc = perprovider_write(dir, spec, r, err)) < 0)
		return rc;
	return r->best >= 0 ? write_best_run(dir, r, opt, err) : 0;
}

struct rank_ctx {
	const struct optimize_spec *spec;
	const struct optimize_result *r;
};

/* Feasible first, then by objective, then by point. */
static int rank_before(const struct rank_ctx *c, size_t p, size_t q)
{
	if (c->r->feasible[p] != c->r->feasible[q])
		return c->r->feasible[p];
	double x = optimize_objective(c->spec, c->r, p);
	double y = optimize_objective(c->spec, c->r, q);
	if (x != y)
		return isnan(x) ? 0 : isnan(y) ? 1 : x < y;
	return p < q;
}

/* One figure of the table: mean m with its 95 % half-width c. */
static void format_cell(char *cell, size_t size, enum stats_figure fig, double m, double c)
{
	int quantile = fig >= FIG_LATENCY_P50 && fig <= FIG_LATENCY_P999;
	if (!isfinite(m))
		snprintf(cell, size, "-");   /* undefined: never "nan" */
	else if (quantile && isfinite(c) && c < m * HISTO_REL_ERROR)
		/* Replications in one histogram bucket: "± 0" would claim more
		 * than the quantiles' resolution. */
		snprintf(cell, size, "%.6g ± %g %%", m, 100 * HISTO_REL_ERROR);
	else if (isfinite(c))
		snprintf(cell, size, "%.6g ± %.2g", m, c);
	else
		snprintf(cell, size, "%.6g", m);
}

/* The widths of the value columns: at least 22, wider for a longer header
 * or value among the rows shown, so that nothing is cut (figures: 24). */
static int *value_widths(const struct points *g, const size_t *order, size_t shown)
{
	int *w = malloc((g->n_paths ? g->n_paths : 1) * sizeof(*w));
	for (size_t k = 0; w && k < g->n_paths; k++) {
		w[k] = strlen(g->paths[k]) > 22 ? (int)strlen(g->paths[k]) : 22;
		for (size_t i = 0; i < shown; i++) {
			char *t = points_value_text(g->values[order[i] * g->n_paths + k]);
			if (t && (int)strlen(t) > w[k])
				w[k] = (int)strlen(t);
			free(t);
		}
	}
	return w;
}

void optimize_print(FILE *fp, const struct optimize_spec *spec, const struct optimize_result *r)
{
	const struct points *g = &r->grid;
	size_t *order = malloc((g->n_points ? g->n_points : 1) * sizeof(*order));
	if (!order)
		return;
	for (size_t p = 0; p < g->n_points; p++)
		order[p] = p;
	/* Insertion sort: the table is for people, the points are few. */
	struct rank_ctx ctx = { spec, r };
	for (size_t i = 1; i < g->n_points; i++) {
		size_t p = order[i], j = i;
		while (j > 0 && rank_before(&ctx, p, order[j - 1])) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = p;
	}
	enum stats_figure f[FIG_COUNT + 2];
	size_t nf = shown_figures(spec, r, f);
	size_t shown = g->n_points < 30 ? g->n_points : 30;
	int *w = value_widths(g, order, shown);
	if (!w) {
		free(order);
		return;
	}
	fprintf(fp, "%5s", "point");
	for (size_t k = 0; k < g->n_paths; k++)
		fprintf(fp, " %*s", w[k], g->paths[k]);
	for (size_t i = 0; i < nf; i++)
		fprintf(fp, " %24s", shown_name(f[i]));
	fprintf(fp, "  verdict\n");
	for (size_t i = 0; i < shown; i++) {
		size_t p = order[i];
		fprintf(fp, "%5zu", p);
		for (size_t k = 0; k < g->n_paths; k++) {
			char *t = points_value_text(g->values[p * g->n_paths + k]);
			fprintf(fp, " %*s", w[k], t ? t : "?");
			free(t);
		}
		for (size_t i2 = 0; i2 < nf; i2++) {
			char cell[64];
			format_cell(cell, sizeof(cell), f[i2], shown_mean(spec, r, p, f[i2]),
				    shown_ci95(spec, r, p, f[i2]));
			fprintf(fp, " %24s", cell);
		}
		const char *why = points_infeasible(g, p);
		if (why)
			fprintf(fp, "  infeasible: %s\n", why);
		else
			fprintf(fp, "  %s%s%s\n", r->best == (long)p ? "BEST" : r->feasible[p] ? "ok" : "violates SLO",
				is_tied(r, p) && r->best != (long)p ? " (tied)" : "", pareto(spec, r, p) ? " pareto" : "");
	}
	if (shown < g->n_points)
		fprintf(fp, "... %zu more points in frontier.csv\n", g->n_points - shown);
	fprintf(fp, "%zu points simulated; search: %s (Brent's method for %zu of %zu combinations of list values)\n",
		g->n_points, search_name(r), r->n_brent, r->n_combos);
	free(w);
	free(order);
}
