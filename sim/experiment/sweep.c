#include "experiment/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#else
/* Built without OpenMP (the fuzz targets): one thread, locks that do nothing. */
typedef int omp_lock_t;
static inline void omp_init_lock(omp_lock_t *l) { (void)l; }
static inline void omp_destroy_lock(omp_lock_t *l) { (void)l; }
static inline void omp_set_lock(omp_lock_t *l) { (void)l; }
static inline void omp_unset_lock(omp_lock_t *l) { (void)l; }
static inline int omp_get_max_threads(void) { return 1; }
#endif
#include "core/csvreader.h"
#include "experiment/points.h"
#include "core/jsonutil.h"
#include "output/output.h"
#include "core/rng.h"
#include "run/run.h"
#include "scenario/memsize.h"
#include "scenario/scenario.h"
#include "core/version.h"

#define META_FORMAT "slsim-sweep/1"
/* Pairs (point, replication) whose figures are held at once before folding:
 * 65536 x FIG_COUNT doubles, about 13 MB. */
#define MAX_PAIRS_PER_BATCH 65536u

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- values ------------------------------------------------------------ */

/* The shortest %g text that reads back as the same double, so a grid value
 * typed as 0.3 shows as 0.3 and not 0.29999999999999999. */
static void shortest_double(char *buf, size_t size, double v)
{
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* "PATH=<JSON>" as scenario_apply_set takes it (malloc'd). The value goes
 * through JSON text that reads back as the same value. */
static char *assignment_of(const char *path, const json_t *v)
{
	char *text;
	if (json_is_real(v)) {
		/* Shortest exact text, kept a JSON real ("2.0", not "2"). */
		char buf[64];
		shortest_double(buf, sizeof(buf) - 2, json_real_value(v));
		if (!strpbrk(buf, ".eEn"))
			strcat(buf, ".0");
		text = strdup(buf);
	} else {
		text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17));
	}
	if (!text)
		return NULL;
	size_t n = strlen(path) + strlen(text) + 2;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%s=%s", path, text);
	free(text);
	return out;
}

/* ---- grid -------------------------------------------------------------- */

static int add_axis(struct sweep *sw, const char *path, const char *where, struct errbuf *err)
{
	if (!*path)
		return errbuf_set(err, ERR_INPUT, "%s: empty PATH", where);
	for (size_t a = 0; a < sw->n_axes; a++)
		if (strcmp(sw->axes[a].path, path) == 0)
			return errbuf_set(err, ERR_INPUT, "%s: the grid already sweeps %s", where, path);
	if (sw->n_axes == SWEEP_MAX_AXES)
		return errbuf_set(err, ERR_INPUT, "%s: more than %u grid axes", where, SWEEP_MAX_AXES);
	void *q = realloc(sw->axes, (sw->n_axes + 1) * sizeof(*sw->axes));
	if (!q)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	sw->axes = q;
	struct sweep_axis *ax = &sw->axes[sw->n_axes++];
	memset(ax, 0, sizeof(*ax));
	ax->path = strdup(path);
	if (!ax->path)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if (strcmp(path, "seed") == 0)
		sw->grid_has_seed = 1;
	return 0;
}

static int axis_push(struct sweep_axis *ax, json_t *v, const char *where, struct errbuf *err)
{
	if (!v)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if (ax->n_values >= SWEEP_MAX_POINTS) {
		json_decref(v);
		return errbuf_set(err, ERR_INPUT, "%s: more than %u values", where, SWEEP_MAX_POINTS);
	}
	/* Doubling, so long ranges stay linear. */
	if ((ax->n_values & (ax->n_values - 1)) == 0) {
		size_t cap = ax->n_values ? ax->n_values * 2 : 1;
		void *q = realloc(ax->values, cap * sizeof(*ax->values));
		if (!q) {
			json_decref(v);
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		}
		ax->values = q;
	}
	ax->values[ax->n_values++] = v;
	return 0;
}

static int parse_number_text(const char *t, double *out)
{
	char *end;
	errno = 0;
	*out = strtod(t, &end);
	return end != t && *end == '\0' && errno == 0 && isfinite(*out) ? 0 : -1;
}

static int is_integer_text(const char *t)
{
	return *t && strspn(t + (*t == '-' || *t == '+'), "0123456789") == strlen(t + (*t == '-' || *t == '+')) &&
	       strlen(t) < 16;
}

/* Digits after the decimal point, or -1 with an exponent. */
static int decimals_of(const char *t)
{
	if (strpbrk(t, "eE"))
		return -1;
	const char *dot = strchr(t, '.');
	return dot ? (int)strlen(dot + 1) : 0;
}

/* start, start+step, ... up to stop inclusive (within a relative 1e-9, so
 * 0.1:0.3:0.1 ends at 0.3 despite rounding). Integer texts give JSON
 * integers; decimal texts are stepped in exact integer units of their last
 * decimal, so every value is the double nearest its decimal (0.3, never
 * 0.30000000000000004). */
static int axis_range(struct sweep_axis *ax, const char *t0, const char *t1, const char *ts,
		      const char *where, struct errbuf *err)
{
	double a, b, s;
	if (parse_number_text(t0, &a) < 0 || parse_number_text(t1, &b) < 0 ||
	    parse_number_text(ts, &s) < 0)
		return errbuf_set(err, ERR_INPUT,
				  "%s: a range is START:STOP:STEP with three finite numbers, got \"%s:%s:%s\"",
				  where, t0, t1, ts);
	if (s == 0 || (b - a) / s < 0)
		return errbuf_set(err, ERR_INPUT,
				  "%s: STEP %g must be non-zero and lead from START %g to STOP %g", where, s,
				  a, b);
	double q = (b - a) / s;
	q = floor(q + 1e-9 * fmax(1.0, q));
	if (q + 1 > SWEEP_MAX_POINTS)
		return errbuf_set(err, ERR_INPUT, "%s: the range has %.0f values, more than %u", where,
				  q + 1, SWEEP_MAX_POINTS);
	size_t n = (size_t)q + 1;
	int ints = is_integer_text(t0) && is_integer_text(t1) && is_integer_text(ts);
	int d0 = decimals_of(t0), ds = decimals_of(ts), d = d0 > ds ? d0 : ds;
	double scale = d >= 0 && d <= 15 ? pow(10, d) : 0;
	int decimal = !ints && scale > 0 && fabs(a) * scale < 0x1p52 &&
		      fabs(s) * scale * (double)n < 0x1p52;
	long long ia = decimal ? llround(a * scale) : (long long)a;
	long long is = decimal ? llround(s * scale) : (long long)s;
	for (size_t i = 0; i < n; i++) {
		json_t *v;
		if (ints)
			v = json_integer(ia + (long long)i * is);
		else if (decimal)
			v = json_real((double)(ia + (long long)i * is) / scale);
		else
			v = json_real(a + (double)i * s);
		int rc = axis_push(ax, v, where, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* "PATH=V1,V2,..." or "PATH=START:STOP:STEP". */
static int grid_from_arg(struct sweep *sw, const char *arg, struct errbuf *err)
{
	char where[600];
	snprintf(where, sizeof(where), "--grid %.500s", arg);
	const char *eq = strchr(arg, '=');
	if (!eq)
		return errbuf_set(err, ERR_INPUT,
				  "%s: expected PATH=V1,V2,... or PATH=START:STOP:STEP", where);
	char *path = strndup(arg, (size_t)(eq - arg)), *list = strdup(eq + 1);
	int rc = path && list ? add_axis(sw, path, where, err) : errbuf_set(err, ERR_RUNTIME, "out of memory");
	struct sweep_axis *ax = rc == 0 ? &sw->axes[sw->n_axes - 1] : NULL;
	if (rc == 0 && strchr(list, ':') && !strchr(list, ',')) {
		char *p1 = strchr(list, ':'), *p2 = strchr(p1 + 1, ':');
		if (!p2 || strchr(p2 + 1, ':')) {
			rc = errbuf_set(err, ERR_INPUT,
					"%s: a range is START:STOP:STEP (three numbers separated by ':')", where);
		} else {
			*p1 = *p2 = '\0';
			rc = axis_range(ax, list, p1 + 1, p2 + 1, where, err);
		}
	} else if (rc == 0) {
		/* Each item is JSON if it parses, else a string, as with --set. */
		char *item = list;
		for (;;) {
			char *comma = strchr(item, ',');
			if (comma)
				*comma = '\0';
			if (!*item) {
				rc = errbuf_set(err, ERR_INPUT, "%s: empty value in the list", where);
				break;
			}
			json_t *v = json_loads(item, JSON_DECODE_ANY, NULL);
			if (!v)
				v = json_string(item);
			if ((rc = axis_push(ax, v, where, err)) < 0 || !comma)
				break;
			item = comma + 1;
		}
	}
	free(path);
	free(list);
	return rc;
}

/* Reads a JSON number as text for axis_range: integers as integers. */
static void number_text(const json_t *v, char *buf, size_t size)
{
	if (json_is_integer(v))
		snprintf(buf, size, "%lld", (long long)json_integer_value(v));
	else
		shortest_double(buf, size, json_number_value(v));
}

/* A variant axis: {"NAME": {"PATH": VALUE, ...}, ...}, at least one variant,
 * each setting at least one path; the names are the axis's values. */
static int axis_variants(struct sweep_axis *ax, const json_t *variants, const char *where, struct errbuf *err)
{
	char vwhere[900], nwhere[1000];
	const char *name;
	const json_t *set;
	int rc;
	ju_path(vwhere, sizeof(vwhere), where, "variants");
	if (!json_is_object(variants) || json_object_size(variants) == 0)
		return errbuf_set(err, ERR_INPUT, "%s: must be a non-empty object of variants {NAME: {PATH: VALUE, ...}}",
				  vwhere);
	json_object_foreach((json_t *)variants, name, set) {
		ju_path(nwhere, sizeof(nwhere), vwhere, name);
		if (!json_is_object(set) || json_object_size(set) == 0)
			return errbuf_set(err, ERR_INPUT, "%s: must be a non-empty object of {PATH: VALUE} to set", nwhere);
		if ((rc = axis_push(ax, json_string(name), nwhere, err)) < 0)
			return rc;
	}
	ax->variants = json_deep_copy(variants);
	return ax->variants ? 0 : errbuf_set(err, ERR_RUNTIME, "out of memory");
}

/*  "sweep": { "grid": [ {"path": P, "values": [...]} |
 *                       {"path": P, "start": A, "stop": B, "step": S} |
 *                       {"path": COLUMN, "variants": {NAME: {P: V, ...}, ...}} ... ],
 *             "common_seed": false } */
static int grid_from_section(struct sweep *sw, const json_t *sec, const char *file,
			     struct errbuf *err)
{
	static const char *const keys[] = { "grid", "common_seed", NULL };
	static const char *const list_keys[] = { "path", "values", NULL };
	static const char *const range_keys[] = { "path", "start", "stop", "step", NULL };
	static const char *const variant_keys[] = { "path", "variants", NULL };
	char where[600], iwhere[700], kwhere[800];
	snprintf(where, sizeof(where), "%.500s: sweep", file);
	int rc, common = 0;
	if ((rc = ju_expect_object(sec, where, err)) < 0 || (rc = ju_check_keys(sec, where, keys, err)) < 0 ||
	    (rc = ju_bool(sec, "common_seed", where, JU_OPTIONAL, &common, err)) < 0)
		return rc;
	if (common)
		sw->common_seed = 1;
	const json_t *grid = json_object_get(sec, "grid");
	ju_path(iwhere, sizeof(iwhere), where, "grid");
	if (!json_is_array(grid) || json_array_size(grid) == 0)
		return errbuf_set(err, ERR_INPUT, "%s: %s", iwhere,
				  grid ? "must be a non-empty array of axes" : "required key is missing");
	for (size_t i = 0; i < json_array_size(grid); i++) {
		const json_t *item = json_array_get(grid, i);
		const char *path;
		ju_index_path(kwhere, sizeof(kwhere), iwhere, i);
		if ((rc = ju_expect_object(item, kwhere, err)) < 0)
			return rc;
		int is_list = json_object_get(item, "values") != NULL, is_variants = json_object_get(item, "variants") != NULL;
		if ((rc = ju_check_keys(item, kwhere, is_variants ? variant_keys : is_list ? list_keys : range_keys, err)) < 0 ||
		    (rc = ju_string(item, "path", kwhere, JU_REQUIRED, &path, err)) < 0 ||
		    (rc = add_axis(sw, path, kwhere, err)) < 0)
			return rc;
		struct sweep_axis *ax = &sw->axes[sw->n_axes - 1];
		if (is_variants) {
			if ((rc = axis_variants(ax, json_object_get(item, "variants"), kwhere, err)) < 0)
				return rc;
			continue;
		}
		if (is_list) {
			const json_t *vals = json_object_get(item, "values");
			if (!json_is_array(vals) || json_array_size(vals) == 0)
				return errbuf_set(err, ERR_INPUT, "%s.values: must be a non-empty array", kwhere);
			for (size_t k = 0; k < json_array_size(vals); k++)
				if ((rc = axis_push(ax, json_deep_copy(json_array_get(vals, k)), kwhere, err)) < 0)
					return rc;
			continue;
		}
		double x;
		char t[3][64];
		const char *names[3] = { "start", "stop", "step" };
		for (int k = 0; k < 3; k++) {
			if ((rc = ju_number(item, names[k], kwhere, JU_REQUIRED, -INFINITY, INFINITY, &x, err)) < 0)
				return rc;
			number_text(json_object_get(item, names[k]), t[k], sizeof(t[k]));
		}
		if ((rc = axis_range(ax, t[0], t[1], t[2], kwhere, err)) < 0)
			return rc;
	}
	return 0;
}

/* FNV-1a of the canonical text (sorted keys), so equal documents match
 * whatever their key order or the --set that produced them. */
static int hash_document(const json_t *doc, char *out, size_t size)
{
	char *text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17));
	if (!text)
		return -1;
	uint64_t h = UINT64_C(1469598103934665603);
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		h = (h ^ *p) * UINT64_C(1099511628211);
	free(text);
	snprintf(out, size, "fnv1a64:%016llx", (unsigned long long)h);
	return 0;
}

/* ---- points ------------------------------------------------------------ */

/* Index of axis a's value at point: the last axis varies fastest. */
static size_t value_index(const struct sweep *sw, uint64_t point, size_t a)
{
	for (size_t b = sw->n_axes; b-- > a + 1;)
		point /= sw->axes[b].n_values;
	return (size_t)(point % sw->axes[a].n_values);
}

uint64_t sweep_point_seed(const struct sweep *sw, uint64_t point)
{
	if (sw->common_seed)
		return sw->seed;
	/* 63 bits: the range a scenario's "seed" accepts. */
	return rng_seed_for(sw->seed, 0, (uint32_t)point, RNG_SWEEP) >> 1;
}

void sweep_point_assignment(const struct sweep *sw, uint64_t point, size_t a, char *buf, size_t size)
{
	char *s = assignment_of(sw->axes[a].path, sw->axes[a].values[value_index(sw, point, a)]);
	snprintf(buf, size, "%s", s ? s : "");
	free(s);
}

/* Axis a's value at point into doc: its assignment, or every path its
 * variant sets, in the variant's order. */
static int apply_axis(const struct sweep *sw, uint64_t point, size_t a, json_t *doc, struct errbuf *err)
{
	const struct sweep_axis *ax = &sw->axes[a];
	const json_t *v = ax->values[value_index(sw, point, a)];
	if (!ax->variants) {
		char *asg = assignment_of(ax->path, v);
		int rc = asg ? scenario_apply_set(doc, asg, err) : errbuf_set(err, ERR_RUNTIME, "out of memory");
		free(asg);
		return rc;
	}
	const json_t *set = json_object_get(ax->variants, json_string_value(v));
	const char *path;
	const json_t *x;
	json_object_foreach((json_t *)set, path, x) {
		char *asg = assignment_of(path, x);
		int rc = asg ? scenario_apply_set(doc, asg, err) : errbuf_set(err, ERR_RUNTIME, "out of memory");
		free(asg);
		if (rc < 0)
			return rc;
	}
	return 0;
}

size_t sweep_point_n_sets(const struct sweep *sw, uint64_t point, size_t a)
{
	const struct sweep_axis *ax = &sw->axes[a];
	if (!ax->variants)
		return 1;
	return json_object_size(json_object_get(ax->variants, json_string_value(ax->values[value_index(sw, point, a)])));
}

void sweep_point_set(const struct sweep *sw, uint64_t point, size_t a, size_t k, char *buf, size_t size)
{
	const struct sweep_axis *ax = &sw->axes[a];
	if (!ax->variants) {
		sweep_point_assignment(sw, point, a, buf, size);
		return;
	}
	const json_t *set = json_object_get(ax->variants, json_string_value(ax->values[value_index(sw, point, a)]));
	const char *path;
	const json_t *v;
	size_t i = 0;
	buf[0] = '\0';
	json_object_foreach((json_t *)set, path, v) {
		if (i++ != k)
			continue;
		char *s = assignment_of(path, v);
		snprintf(buf, size, "%s", s ? s : "");
		free(s);
		return;
	}
}

int sweep_point_doc(const struct sweep *sw, uint64_t point, json_t **out, struct errbuf *err)
{
	*out = NULL;
	json_t *doc = json_deep_copy(sw->base);
	if (!doc)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	/* The seed first, so a grid that sweeps "seed" overrides it. */
	if (json_object_set_new(doc, "seed", json_integer((json_int_t)sweep_point_seed(sw, point))) != 0) {
		json_decref(doc);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	for (size_t a = 0; a < sw->n_axes; a++) {
		int rc = apply_axis(sw, point, a, doc, err);
		if (rc < 0) {
			json_decref(doc);
			return rc;
		}
	}
	*out = doc;
	return 0;
}

/* "point 3 (a=1, b=\"x\")" for messages. */
static void point_label(const struct sweep *sw, uint64_t point, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "point %llu (", (unsigned long long)point);
	for (size_t a = 0; a < sw->n_axes && n < size; a++) {
		char asg[256];
		sweep_point_assignment(sw, point, a, asg, sizeof(asg));
		n += (size_t)snprintf(buf + n, size - n, "%s%s", a ? ", " : "", asg);
	}
	if (n < size)
		snprintf(buf + n, size - n, ")");
}

static int point_scenario(const struct sweep *sw, uint64_t point, struct scenario *sc,
			  struct errbuf *err)
{
	json_t *doc;
	struct errbuf e = { "" };
	int rc = sweep_point_doc(sw, point, &doc, &e);
	if (rc == 0) {
		rc = scenario_from_json(sc, doc, sw->scenario_path, &e);
		json_decref(doc);
	}
	if (rc < 0) {
		char label[512];
		point_label(sw, point, label, sizeof(label));
		errbuf_set(err, rc, "%s: %s", label, e.msg);
	}
	return rc;
}

/* Orders status notes by point number. */
static int cmp_note(const void *a, const void *b)
{
	uint64_t x = ((const struct sweep_note *)a)->point, y = ((const struct sweep_note *)b)->point;
	return (x > y) - (x < y);
}

/* Keeps point p's status text: POINTS_INFEASIBLE and its validation
 * message (without the point label: its row holds the values), or what
 * memory_fit changed. Called inside the critical section. */
static int note_status(struct sweep *sw, uint64_t p, const char *prefix, const char *text, const char *suffix)
{
	if ((sw->n_notes & (sw->n_notes - 1)) == 0) {
		size_t cap = sw->n_notes ? 2 * sw->n_notes : 1;
		void *q = realloc(sw->notes, cap * sizeof(*sw->notes));
		if (!q)
			return -1;
		sw->notes = q;
	}
	size_t n = strlen(prefix) + strlen(text) + strlen(suffix) + 1;
	char *status = malloc(n);
	if (!status)
		return -1;
	snprintf(status, n, "%s%s%s", prefix, text, suffix);
	sw->notes[sw->n_notes++] = (struct sweep_note){ p, status };
	return 0;
}

/* Validates point p: 0, or the error; what memory_fit changed in *fitted. */
static int validate_point(const struct sweep *sw, uint64_t p, char *fitted, size_t size, int *labelled,
			  struct errbuf *e)
{
	struct scenario sc;
	json_t *doc;
	fitted[0] = '\0';
	int rc = sweep_point_doc(sw, p, &doc, e);
	*labelled = rc < 0;
	if (rc == 0) {
		rc = scenario_from_json(&sc, doc, sw->scenario_path, e);
		json_decref(doc);
		if (rc == 0) {
			memsize_fit_note(&sc, fitted, size);
			scenario_free(&sc);
		}
	}
	return rc;
}

/* Every point is validated before hours go into the others. A point the
 * scenario rejects (ERR_INPUT: a memory size its provider does not offer,
 * a timeout above its limit) is kept as infeasible, with its message, and
 * the sweep goes on without it; other errors, and a grid whose every point
 * is invalid, stop the sweep with the first point's message. */
static int validate_points(struct sweep *sw, struct errbuf *err)
{
	uint64_t first_bad = UINT64_MAX;
	struct errbuf bad = { "" };
	int bad_rc = 0, oom = 0;
	size_t n_infeasible = 0;
#pragma omp parallel for schedule(dynamic, 16)
	for (uint64_t p = 0; p < sw->n_points; p++) {
		uint64_t seen;
#pragma omp atomic read
		seen = first_bad;
		if (p > seen)
			continue;
		struct errbuf e = { "" };
		char fitted[256];
		int labelled;
		int rc = validate_point(sw, p, fitted, sizeof(fitted), &labelled, &e);
#pragma omp critical(sweep_validate)
		{
			if (rc == ERR_INPUT && !labelled) {
				oom |= note_status(sw, p, POINTS_INFEASIBLE, e.msg, "") < 0;
				n_infeasible++;
			} else if (rc == 0 && fitted[0]) {
				oom |= note_status(sw, p, "ok (memory_fit: ", fitted, ")") < 0;
			}
			if (rc < 0 && (rc != ERR_INPUT || labelled) && p < first_bad) {
				first_bad = p;
				bad = e;
				bad_rc = rc;
			}
		}
	}
	if (oom)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if (sw->n_notes)   /* qsort's array may not be NULL, even when empty */
		qsort(sw->notes, sw->n_notes, sizeof(*sw->notes), cmp_note);
	if (first_bad == UINT64_MAX && n_infeasible == sw->n_points && sw->n_points > 0) {
		char label[512];
		point_label(sw, 0, label, sizeof(label));
		return errbuf_set(err, ERR_INPUT, "every point of the grid is invalid; %s: %s", label,
				  sweep_infeasible(sw, 0));
	}
	if (first_bad != UINT64_MAX) {
		char label[512];
		point_label(sw, first_bad, label, sizeof(label));
		errbuf_set(err, bad_rc, "%s: %s", label, bad.msg);
		return bad_rc;
	}
	return 0;
}

const char *sweep_status(const struct sweep *sw, uint64_t point)
{
	size_t lo = 0, hi = sw->n_notes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sw->notes[mid].point < point)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < sw->n_notes && sw->notes[lo].point == point ? sw->notes[lo].status : NULL;
}

const char *sweep_infeasible(const struct sweep *sw, uint64_t point)
{
	const char *st = sweep_status(sw, point);
	size_t n = strlen(POINTS_INFEASIBLE);
	return st && strncmp(st, POINTS_INFEASIBLE, n) == 0 ? st + n : NULL;
}

int sweep_load(struct sweep *sw, const char *scenario_path, const char *const *sets, size_t n_sets,
	       const char *const *grids, size_t n_grids, int common_seed, struct errbuf *err)
{
	memset(sw, 0, sizeof(*sw));
	sw->shard_count = 1;
	sw->common_seed = common_seed;
	sw->scenario_path = strdup(scenario_path);
	if (!sw->scenario_path)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	/* The base scenario goes through the usual loader first: its messages
	 * for a bad file or --set are the same as `slsim run`'s. */
	struct scenario sc;
	int rc = scenario_load(&sc, scenario_path, sets, n_sets, err);
	if (rc < 0)
		return rc;
	sw->base = json_deep_copy(sc.json);
	sw->name = strdup(sc.name);
	sw->seed = sc.seed;
	scenario_free(&sc);
	if (!sw->base || !sw->name)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");

	json_t *section = json_incref(json_object_get(sw->base, "sweep"));
	json_object_del(sw->base, "sweep");
	/* --grid arguments replace the file's section entirely. */
	for (size_t i = 0; i < n_grids && rc == 0; i++)
		rc = grid_from_arg(sw, grids[i], err);
	if (rc == 0 && n_grids == 0 && section)
		rc = grid_from_section(sw, section, scenario_path, err);
	json_decref(section);
	if (rc < 0)
		return rc;
	if (sw->n_axes == 0)
		return errbuf_set(err, ERR_INPUT,
				  "%s: nothing to sweep: give --grid PATH=V1,V2,... or a \"sweep\" section",
				  scenario_path);
	sw->n_points = 1;
	for (size_t a = 0; a < sw->n_axes; a++) {
		if (sw->n_points > SWEEP_MAX_POINTS / sw->axes[a].n_values)
			return errbuf_set(err, ERR_INPUT, "%s: the grid has more than %u points",
					  scenario_path, SWEEP_MAX_POINTS);
		sw->n_points *= sw->axes[a].n_values;
	}
	if (hash_document(sw->base, sw->scenario_hash, sizeof(sw->scenario_hash)) < 0)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return validate_points(sw, err);
}

void sweep_free(struct sweep *sw)
{
	for (size_t a = 0; a < sw->n_axes; a++) {
		for (size_t i = 0; i < sw->axes[a].n_values; i++)
			json_decref(sw->axes[a].values[i]);
		free(sw->axes[a].values);
		free(sw->axes[a].path);
		json_decref(sw->axes[a].variants);
	}
	free(sw->axes);
	for (size_t i = 0; i < sw->n_notes; i++)
		free(sw->notes[i].status);
	free(sw->notes);
	json_decref(sw->base);
	free(sw->name);
	free(sw->scenario_path);
	memset(sw, 0, sizeof(*sw));
}

int sweep_set_shard(struct sweep *sw, const char *spec, struct errbuf *err)
{
	char *end;
	errno = 0;
	unsigned long long k = strtoull(spec, &end, 10), n = 0;
	int ok = end != spec && *end == '/' && spec[0] != '-';
	if (ok) {
		const char *s = end + 1;
		n = strtoull(s, &end, 10);
		ok = end != s && *end == '\0' && s[0] != '-' && errno == 0;
	}
	if (!ok || n < 1 || n > SWEEP_MAX_SHARDS || k >= n)
		return errbuf_set(err, ERR_INPUT,
				  "--shard %s: expected K/N with 0 <= K < N <= %u (shard K of N, counting from 0)",
				  spec, SWEEP_MAX_SHARDS);
	sw->shard_index = (uint32_t)k;
	sw->shard_count = (uint32_t)n;
	return 0;
}

/* ---- running ----------------------------------------------------------- */

uint64_t sweep_count_points(const struct sweep *sw, uint64_t offset, uint64_t stride)
{
	return offset < sw->n_points ? (sw->n_points - offset - 1) / stride + 1 : 0;
}

/* Replications of a point, known without building its scenario: the grid's
 * value when it sweeps "replications", else the base document's. */
static uint32_t point_replications(const struct sweep *sw, uint64_t point)
{
	for (size_t a = 0; a < sw->n_axes; a++)
		if (strcmp(sw->axes[a].path, "replications") == 0)
			return (uint32_t)json_number_value(sw->axes[a].values[value_index(sw, point, a)]);
	const json_t *r = json_object_get(sw->base, "replications");
	return r ? (uint32_t)json_number_value(r) : 1;
}

static void progress_point_done(struct sweep_progress *pr)
{
#pragma omp critical(sweep_progress)
	{
		pr->done++;
		double w = wall_now();
		if (w >= pr->next_wall || pr->done == pr->total) {
			pr->next_wall = w + 0.5;
			double el = w - pr->started_wall, rate = el > 0 ? pr->done / el : 0;
			double eta = rate > 0 ? (pr->total - pr->done) / rate : 0;
			fprintf(stderr, "\r[sweep] %llu/%llu points, %.3g points/s, ETA %.0f s   ",
				(unsigned long long)pr->done, (unsigned long long)pr->total, rate, eta);
		}
	}
}

struct point_slot {
	uint64_t point;
	uint32_t reps;
	uint32_t remaining;      /* replications not finished */
	uint32_t ok;             /* replications finished without error */
	size_t first_pair;
	int state;               /* 0 not built, 1 ready, 2 freed, -1 failed */
	struct scenario sc;
	omp_lock_t lock;
};

/* Pair j (replication j - first_pair of ps's point): builds the point's
 * scenario if no pair has yet, and runs the replication into v[j]. */
static int run_pair(const struct sweep *sw, struct point_slot *ps, size_t j,
		    const struct sweep_options *opt, double *v, struct errbuf *e)
{
	omp_set_lock(&ps->lock);
	if (ps->state == 0)
		ps->state = point_scenario(sw, ps->point, &ps->sc, e) == 0 ? 1 : -1;
	int ready = ps->state == 1;
	omp_unset_lock(&ps->lock);
	if (!ready) {
		if (!e->msg[0])
			snprintf(e->msg, sizeof(e->msg), "point %llu: its scenario failed",
				 (unsigned long long)ps->point);
		return ERR_RUNTIME;
	}
	int rc = run_replication_totals(&ps->sc, (uint32_t)(j - ps->first_pair), v + j * FIG_COUNT, NULL,
					opt->stop, e);
	if (rc < 0) {
		char label[512];
		struct errbuf tmp = *e;
		point_label(sw, ps->point, label, sizeof(label));
		errbuf_set(e, rc, "%s, replication %zu: %s", label, j - ps->first_pair, tmp.msg);
	}
	return rc;
}

/* Points slots[0..n) with all their replications as independent pairs on
 * the threads; each point's scenario is built by the first of its pairs to
 * start and freed by the last to finish (pairs are handed out in order, so
 * about one point per thread is alive). Figures land in v[pair]. */
static int run_batch(const struct sweep *sw, struct point_slot *slots, size_t n, size_t n_pairs,
		     const struct sweep_options *opt, double *v, struct errbuf *err)
{
	if (n_pairs == 0)
		return 0;   /* infeasible points only: nothing to run */
	uint32_t *pair_slot = malloc(n_pairs * sizeof(*pair_slot));
	if (!pair_slot)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < n; i++) {
		for (uint32_t r = 0; r < slots[i].reps; r++)
			pair_slot[slots[i].first_pair + r] = (uint32_t)i;
		omp_init_lock(&slots[i].lock);
	}
	size_t first_bad = SIZE_MAX;
	int bad_rc = 0;
	int threads = opt->threads > 0 ? opt->threads : omp_get_max_threads();
	if ((size_t)threads > n_pairs)
		threads = (int)n_pairs;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
	for (size_t j = 0; j < n_pairs; j++) {
		size_t seen;
#pragma omp atomic read
		seen = first_bad;
		struct point_slot *ps = &slots[pair_slot[j]];
		struct errbuf e = { "" };
		int rc = seen == SIZE_MAX ? run_pair(sw, ps, j, opt, v, &e) : 0;
		omp_set_lock(&ps->lock);
		ps->ok += rc == 0 && seen == SIZE_MAX;
		int point_done = --ps->remaining == 0;
		if (point_done && ps->state == 1) {
			scenario_free(&ps->sc);
			ps->state = 2;
		}
		omp_unset_lock(&ps->lock);
		if (rc < 0) {
#pragma omp critical(sweep_error)
			if (j < first_bad) {
				first_bad = j;
				bad_rc = rc;
				*err = e;
			}
		} else if (point_done && seen == SIZE_MAX && opt->progress) {
			progress_point_done(opt->progress);
		}
	}
	for (size_t i = 0; i < n; i++) {
		omp_destroy_lock(&slots[i].lock);
		if (slots[i].state == 1)
			scenario_free(&slots[i].sc);
	}
	free(pair_slot);
	return first_bad == SIZE_MAX ? 0 : bad_rc;
}

int sweep_run_points(const struct sweep *sw, uint64_t offset, uint64_t stride, uint64_t k0,
		     size_t n, const struct sweep_options *opt, struct sweep_row *rows,
		     size_t *n_rows, struct errbuf *err)
{
	*n_rows = 0;
	uint64_t avail = sweep_count_points(sw, offset, stride);
	if (k0 >= avail)
		return 0;
	if (n > avail - k0)
		n = (size_t)(avail - k0);
	struct point_slot *slots = calloc(n, sizeof(*slots));
	double *v = malloc((size_t)MAX_PAIRS_PER_BATCH * FIG_COUNT * sizeof(*v));
	int rc = slots && v ? 0 : errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < n && rc == 0; i++) {
		slots[i].point = offset + (k0 + i) * stride;
		/* An infeasible point runs nothing: its row has no figures. */
		slots[i].reps = slots[i].remaining =
			sweep_infeasible(sw, slots[i].point) ? 0 : point_replications(sw, slots[i].point);
		if (slots[i].reps == 0 && opt->progress)
			progress_point_done(opt->progress);
	}
	/* Batches of whole points with at most MAX_PAIRS_PER_BATCH pairs (a
	 * point with more replications gets a batch and a buffer of its own). */
	size_t i = 0;
	while (rc == 0 && i < n) {
		size_t j = i, pairs = 0;
		while (j < n && (j == i || pairs + slots[j].reps <= MAX_PAIRS_PER_BATCH)) {
			slots[j].first_pair = pairs;
			pairs += slots[j++].reps;
		}
		double *buf = v;
		if (pairs > MAX_PAIRS_PER_BATCH && !(buf = malloc(pairs * FIG_COUNT * sizeof(*buf)))) {
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
			break;
		}
		rc = run_batch(sw, slots + i, j - i, pairs, opt, buf, err);
		/* After a stop request the leading points whose replications all
		 * finished are still whole: they are returned, the rest is not. */
		size_t whole = j;
		if (rc == ERR_INTERRUPTED)
			for (whole = i; whole < j && slots[whole].ok == slots[whole].reps; whole++)
				;
		/* Replications fold in their order: the numbers of `slsim run`. */
		for (size_t k = i; k < whole && (rc == 0 || rc == ERR_INTERRUPTED); k++) {
			struct stats_fold f;
			struct sweep_row *row = &rows[(*n_rows)++];
			stats_fold_init(&f);
			for (uint32_t r = 0; r < slots[k].reps; r++)
				stats_fold_add(&f, buf + (slots[k].first_pair + r) * FIG_COUNT);
			row->point = slots[k].point;
			points_figures(&f, row->mean, row->ci95);
		}
		if (buf != v)
			free(buf);
		i = j;
	}
	free(slots);
	free(v);
	return rc;
}

/* ---- sweep.csv and sweep.json ------------------------------------------ */

void sweep_csv_header(FILE *fp, const struct sweep *sw)
{
	const char *paths[SWEEP_MAX_AXES];
	for (size_t a = 0; a < sw->n_axes; a++)
		paths[a] = sw->axes[a].path;
	points_csv_header(fp, paths, sw->n_axes, 1, NULL);
}

int sweep_csv_row(FILE *fp, const struct sweep *sw, const struct sweep_row *row)
{
	json_t *values[SWEEP_MAX_AXES];
	for (size_t a = 0; a < sw->n_axes; a++)
		values[a] = sw->axes[a].values[value_index(sw, row->point, a)];
	return points_csv_row(fp, row->point, values, sw->n_axes, row->mean, row->ci95,
			      sweep_status(sw, row->point), NULL, 0);
}

json_t *sweep_meta_json(const struct sweep *sw)
{
	json_t *grid = json_array();
	for (size_t a = 0; a < sw->n_axes; a++) {
		json_t *vals = json_array();
		for (size_t i = 0; i < sw->axes[a].n_values; i++)
			json_array_append(vals, sw->axes[a].values[i]);
		json_t *axis = json_pack("{s:s,s:o}", "path", sw->axes[a].path, "values", vals);
		if (axis && sw->axes[a].variants)
			json_object_set(axis, "variants", sw->axes[a].variants);
		json_array_append_new(grid, axis);
	}
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:I,s:o,s:{s:i,s:i}}", "format", META_FORMAT,
			 "slsim", SLSIM_VERSION, "scenario", sw->name, "scenario_hash", sw->scenario_hash,
			 "seed", (json_int_t)sw->seed, "seeds",
			 sw->grid_has_seed ? "grid" : sw->common_seed ? "common" : "per-point",
			 "points", (json_int_t)sw->n_points, "grid", grid, "shard", "index",
			 (int)sw->shard_index, "count", (int)sw->shard_count);
}

static int dump_meta(void *ctx, FILE *fp)
{
	if (json_dumpf(ctx, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0)
		return -1;
	fputc('\n', fp);
	return 0;
}

int sweep_write_meta(const char *dir, const json_t *doc, struct errbuf *err)
{
	return output_write_atomic(dir, "sweep.json", dump_meta, (void *)doc, err);
}

/* Points per chunk: rows are written as each chunk finishes. */
#define CHUNK_POINTS 1024u

struct write_ctx {
	const struct sweep *sw;
	const struct sweep_options *opt;
	struct errbuf err;
	int rc;
	/* --resume: rows kept from an interrupted run, and how many points they are. */
	char *kept;
	size_t kept_len;
	uint64_t k_start;
	/* Points written, and whether a stop request cut the sweep short. */
	uint64_t k_done;
	int interrupted;
};

static int write_rows(void *ctx, FILE *fp)
{
	struct write_ctx *w = ctx;
	const struct sweep *sw = w->sw;
	struct sweep_row *rows = malloc(CHUNK_POINTS * sizeof(*rows));
	if (!rows) {
		w->rc = errbuf_set(&w->err, ERR_RUNTIME, "out of memory");
		return -1;
	}
	sweep_csv_header(fp, sw);
	if (w->kept_len)
		fwrite(w->kept, 1, w->kept_len, fp);
	w->k_done = w->k_start;
	uint64_t total = sweep_count_points(sw, sw->shard_index, sw->shard_count);
	for (uint64_t k = w->k_start; k < total && w->rc == 0; k += CHUNK_POINTS) {
		size_t n;
		w->rc = sweep_run_points(sw, sw->shard_index, sw->shard_count, k, CHUNK_POINTS, w->opt,
					 rows, &n, &w->err);
		/* Rows of whole points come back in order even when a stop request
		 * cut the chunk short: they are complete and belong in the file. */
		if (w->rc == 0 || w->rc == ERR_INTERRUPTED) {
			for (size_t i = 0; i < n; i++)
				if (sweep_csv_row(fp, sw, &rows[i]) < 0) {
					w->rc = errbuf_set(&w->err, ERR_RUNTIME, "out of memory");
					break;
				}
			w->k_done += n;
		}
		if (w->rc == ERR_INTERRUPTED) {
			w->interrupted = 1;
			w->rc = 0;
			break;
		}
		fflush(fp);
	}
	free(rows);
	return w->rc;
}

/* --resume: the sweep.json at path must describe this very sweep. */
static int check_same_sweep(const char *path, const struct sweep *sw, struct errbuf *err)
{
	json_error_t jerr;
	json_t *old = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!old)
		return errbuf_set(err, ERR_INPUT, "%s:%d:%d: cannot resume: %s", path, jerr.line,
				  jerr.column, jerr.text);
	json_t *cur = sweep_meta_json(sw);
	json_object_del(old, "interrupted");
	json_object_del(old, "points_done");
	int same = cur && json_equal(old, cur);
	json_decref(old);
	json_decref(cur);
	if (!same)
		return errbuf_set(err, ERR_INPUT,
				  "%s: cannot resume: it belongs to a different sweep (scenario, grid, seeds or shard differ); remove the folder or choose another -o",
				  path);
	return 0;
}

/* --resume: reads the rows an earlier run of this same sweep left in dir.
 * They must be complete lines holding the shard's points 0, 1, ... in order
 * under the same header; a last line cut short is dropped. No earlier
 * output is not an error: the sweep then starts from its first point. */
static int load_kept_rows(const char *dir, const struct sweep *sw, struct write_ctx *w,
			  struct errbuf *err)
{
	char path[4200];
	snprintf(path, sizeof(path), "%s/sweep.json", dir);
	if (access(path, F_OK) != 0)
		return 0;
	int rc = check_same_sweep(path, sw, err);
	if (rc < 0)
		return rc;

	char *header = NULL, *line = NULL;
	size_t header_len = 0, cap = 0;
	FILE *mem = open_memstream(&header, &header_len);
	if (!mem)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	sweep_csv_header(mem, sw);
	fclose(mem);
	snprintf(path, sizeof(path), "%s/sweep.csv", dir);
	FILE *fp = fopen(path, "r");
	if (!fp) {
		rc = errbuf_set(err, ERR_INPUT, "%s: cannot resume: %s", path, strerror(errno));
		goto out;
	}
	ssize_t n = getline(&line, &cap, fp);
	if (n < 0 || (size_t)n != header_len || memcmp(line, header, header_len) != 0) {
		rc = errbuf_set(err, ERR_INPUT, "%s:1: cannot resume: the header is not this sweep's", path);
		goto out;
	}
	uint64_t total = sweep_count_points(sw, sw->shard_index, sw->shard_count);
	while ((n = getline(&line, &cap, fp)) > 0 && line[n - 1] == '\n' && w->k_start < total) {
		char *end;
		unsigned long long point = strtoull(line, &end, 10);
		uint64_t want = sw->shard_index + w->k_start * sw->shard_count;
		if (end == line || *end != ',' || point != want) {
			rc = errbuf_set(err, ERR_INPUT,
					"%s:%llu: cannot resume: expected the row of point %llu here",
					path, (unsigned long long)w->k_start + 2, (unsigned long long)want);
			goto out;
		}
		char *grown = realloc(w->kept, w->kept_len + (size_t)n);
		if (!grown) {
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
			goto out;
		}
		w->kept = grown;
		memcpy(w->kept + w->kept_len, line, (size_t)n);
		w->kept_len += (size_t)n;
		w->k_start++;
	}
out:
	if (fp)
		fclose(fp);
	free(line);
	free(header);
	return rc;
}

int sweep_write(const char *dir, const struct sweep *sw, const struct sweep_options *opt,
		struct errbuf *err)
{
	struct write_ctx w = { .sw = sw, .opt = opt, .err = { "" }, .rc = 0 };
	int rc = output_mkdirs(dir, err);
	if (rc == 0 && opt->resume)
		rc = load_kept_rows(dir, sw, &w, err);
	if (rc == 0 && opt->progress)
		opt->progress->done = w.k_start;
	if (rc == 0)
		rc = output_write_atomic(dir, "sweep.csv", write_rows, &w, err);
	free(w.kept);
	if (w.rc < 0) {
		*err = w.err;   /* the simulation's message, not "cannot write" */
		return w.rc;
	}
	if (rc < 0)
		return rc;
	json_t *meta = sweep_meta_json(sw);
	if (!meta)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if (w.interrupted) {
		json_object_set_new(meta, "interrupted", json_true());
		json_object_set_new(meta, "points_done", json_integer((json_int_t)w.k_done));
	}
	rc = sweep_write_meta(dir, meta, err);
	json_decref(meta);
	if (rc == 0 && w.interrupted)
		rc = errbuf_set(err, ERR_INTERRUPTED,
				"interrupted: %llu of %llu points complete in %s/sweep.csv; run the same command with --resume to finish",
				(unsigned long long)w.k_done,
				(unsigned long long)sweep_count_points(sw, sw->shard_index, sw->shard_count), dir);
	return rc;
}

/* ---- merge ------------------------------------------------------------- */

struct shard_in {
	const char *dir;
	json_t *meta;
	uint32_t index, count;
	struct csvr *csv;
	char path[4200];
};

static int load_meta(struct shard_in *s, struct errbuf *err)
{
	char path[4200];
	json_error_t jerr;
	snprintf(path, sizeof(path), "%s/sweep.json", s->dir);
	s->meta = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!s->meta)
		return errbuf_set(err, ERR_INPUT, "%s: %s (is %s the output folder of slsim sweep?)", path,
				  jerr.text, s->dir);
	const json_t *shard = json_object_get(s->meta, "shard");
	const json_t *fmt = json_object_get(s->meta, "format");
	json_int_t k = json_integer_value(json_object_get(shard, "index"));
	json_int_t n = json_integer_value(json_object_get(shard, "count"));
	if (!json_is_string(fmt) || strcmp(json_string_value(fmt), META_FORMAT) != 0 ||
	    !json_is_array(json_object_get(s->meta, "grid")) ||
	    !json_is_integer(json_object_get(s->meta, "points")) || n < 1 || k < 0 || k >= n)
		return errbuf_set(err, ERR_INPUT, "%s: not a sweep description of format %s", path,
				  META_FORMAT);
	s->index = (uint32_t)k;
	s->count = (uint32_t)n;
	json_object_del(s->meta, "shard");
	return 0;
}

/* Names the first top-level key where two sweep descriptions differ. */
static const char *first_difference(const json_t *a, const json_t *b)
{
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)a, key, v)
		if (!json_equal(v, json_object_get(b, key)))
			return key;
	json_object_foreach((json_t *)b, key, v)
		if (!json_object_get(a, key))
			return key;
	return "?";
}

/* Copies one shard row to fp, checking it is `point` and well formed. */
static int copy_row(struct shard_in *s, uint64_t point, size_t n_axes, size_t n_fields, FILE *fp,
		    struct errbuf *err)
{
	struct csvr_row row;
	int rc = csvr_next(s->csv, &row, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return errbuf_set(err, ERR_INPUT, "%s: ends before point %llu: the shard is incomplete",
				  s->path, (unsigned long long)point);
	unsigned long long line = (unsigned long long)row.line;
	char *end;
	unsigned long long p = strtoull(row.fields[0], &end, 10);
	if (row.n_fields != n_fields)
		return errbuf_set(err, ERR_INPUT, "%s:%llu: expected %zu fields, got %zu", s->path, line,
				  n_fields, row.n_fields);
	if (end == row.fields[0] || *end || p != point)
		return errbuf_set(err, ERR_INPUT,
				  "%s:%llu: expected point %llu (shard %u/%u holds the points with index mod %u = %u, in order), got \"%.40s\"",
				  s->path, line, (unsigned long long)point, s->index, s->count, s->count,
				  s->index, row.fields[0]);
	fputs(row.fields[0], fp);
	for (size_t i = 1; i < row.n_fields; i++) {
		fputc(',', fp);
		if (i <= n_axes || i + 1 == row.n_fields) {   /* the values, and the status */
			output_csv_field(fp, row.fields[i]);
		} else {
			/* Figures were written with %.17g: copy the text as is. */
			if (strspn(row.fields[i], "0123456789+-.eE") != strlen(row.fields[i]))
				return errbuf_set(err, ERR_INPUT, "%s:%llu: field %zu is not a number: \"%.40s\"",
						  s->path, line, i + 1, row.fields[i]);
			fputs(row.fields[i], fp);
		}
	}
	fputc('\n', fp);
	return 0;
}

struct merge_ctx {
	struct shard_in *in;      /* indexed by shard */
	uint32_t count;
	uint64_t points;
	const char **paths;
	size_t n_axes;
	struct errbuf err;
	int rc;
};

static int merge_rows(void *ctx, FILE *fp)
{
	struct merge_ctx *m = ctx;
	points_csv_header(fp, m->paths, m->n_axes, 1, NULL);
	size_t n_fields = 1 + m->n_axes + 2 * FIG_COUNT + 1;
	for (uint64_t p = 0; p < m->points && m->rc == 0; p++)
		m->rc = copy_row(&m->in[p % m->count], p, m->n_axes, n_fields, fp, &m->err);
	for (uint32_t k = 0; k < m->count && m->rc == 0; k++) {
		struct csvr_row row;
		int rc = csvr_next(m->in[k].csv, &row, &m->err);
		if (rc > 0)
			rc = errbuf_set(&m->err, ERR_INPUT, "%s:%llu: a row beyond the sweep's %llu points",
					m->in[k].path, (unsigned long long)row.line,
					(unsigned long long)m->points);
		m->rc = rc;
	}
	return m->rc;
}

static int open_shard_csv(struct shard_in *s, const char *const *paths, size_t n_axes,
			  struct errbuf *err)
{
	snprintf(s->path, sizeof(s->path), "%s/sweep.csv", s->dir);
	int rc = csvr_open(&s->csv, s->path, err);
	if (rc < 0)
		return rc;
	struct csvr_row h;
	rc = csvr_next(s->csv, &h, err);
	if (rc < 0)
		return rc;
	int ok = rc > 0 && h.n_fields == 1 + n_axes + 2 * FIG_COUNT + 1 && strcmp(h.fields[0], "point") == 0 &&
		 strcmp(h.fields[h.n_fields - 1], "status") == 0;
	for (size_t a = 0; ok && a < n_axes; a++)
		ok = strcmp(h.fields[1 + a], paths[a]) == 0;
	for (int i = 0; ok && i < FIG_COUNT; i++) {
		char ci[128];
		snprintf(ci, sizeof(ci), "%s.ci95", stats_figure_names[i]);
		ok = strcmp(h.fields[1 + n_axes + 2 * i], stats_figure_names[i]) == 0 &&
		     strcmp(h.fields[2 + n_axes + 2 * i], ci) == 0;
	}
	if (!ok)
		return errbuf_set(err, ERR_INPUT, "%s: the header is not the one sweep.json describes", s->path);
	return 0;
}

/* Every shard's sweep.json: all of one sweep and one split. */
static int load_shards(const char *const *dirs, size_t n_dirs, struct shard_in *in, struct errbuf *err)
{
	int rc = 0;
	for (size_t i = 0; i < n_dirs && rc == 0; i++) {
		in[i].dir = dirs[i];
		rc = load_meta(&in[i], err);
		if (rc == 0 && i > 0 && !json_equal(in[i].meta, in[0].meta))
			rc = errbuf_set(err, ERR_INPUT,
					"%s and %s hold different sweeps (their sweep.json differ in \"%s\"); merge only the shards of one sweep",
					dirs[0], dirs[i], first_difference(in[0].meta, in[i].meta));
		if (rc == 0 && in[i].count != in[0].count)
			rc = errbuf_set(err, ERR_INPUT, "%s is shard %u/%u but %s is shard %u/%u: different splits",
					dirs[0], in[0].index, in[0].count, dirs[i], in[i].index, in[i].count);
	}
	return rc;
}

/* by_index[k]: shard k of the count, each given once. */
static int index_shards(const struct shard_in *in, size_t n_dirs, struct shard_in *by_index,
			uint32_t count, struct errbuf *err)
{
	for (size_t i = 0; i < n_dirs; i++) {
		struct shard_in *slot = &by_index[in[i].index];
		if (slot->dir)
			return errbuf_set(err, ERR_INPUT, "%s and %s are both shard %u/%u", slot->dir, in[i].dir,
					  in[i].index, count);
		*slot = in[i];
	}
	for (uint32_t k = 0; k < count; k++)
		if (!by_index[k].dir)
			return errbuf_set(err, ERR_INPUT,
					  "shard %u/%u is missing: give the output folders of all %u shards", k,
					  count, count);
	return 0;
}

/* The grid's paths and the point count, from shard s's sweep.json. */
static int grid_paths(const struct shard_in *s, struct merge_ctx *m, struct errbuf *err)
{
	const json_t *grid = json_object_get(s->meta, "grid");
	m->n_axes = json_array_size(grid);
	m->points = (uint64_t)json_integer_value(json_object_get(s->meta, "points"));
	m->paths = calloc(m->n_axes + 1, sizeof(*m->paths));
	if (!m->paths)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t a = 0; a < m->n_axes; a++) {
		m->paths[a] = json_string_value(json_object_get(json_array_get(grid, a), "path"));
		if (!m->paths[a])
			return errbuf_set(err, ERR_INPUT, "%s/sweep.json: grid[%zu].path is missing", s->dir, a);
	}
	return 0;
}

int sweep_merge(const char *const *dirs, size_t n_dirs, const char *out_dir, struct errbuf *err)
{
	if (n_dirs == 0)
		return errbuf_set(err, ERR_INPUT, "merge: no shard folders given");
	struct shard_in *in = calloc(n_dirs, sizeof(*in));
	struct merge_ctx m = { .err = { "" } };
	int rc = in ? load_shards(dirs, n_dirs, in, err) : errbuf_set(err, ERR_RUNTIME, "out of memory");
	/* Shard k of the split, from any argument order. */
	struct shard_in *by_index = NULL;
	if (rc == 0) {
		m.count = in[0].count;
		by_index = calloc(m.count, sizeof(*by_index));
		rc = by_index ? index_shards(in, n_dirs, by_index, m.count, err)
			      : errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	if (rc == 0)
		rc = grid_paths(&in[0], &m, err);
	for (uint32_t k = 0; k < m.count && rc == 0; k++)
		rc = open_shard_csv(&by_index[k], m.paths, m.n_axes, err);
	if (rc == 0) {
		m.in = by_index;
		rc = output_mkdirs(out_dir, err);
	}
	if (rc == 0) {
		rc = output_write_atomic(out_dir, "sweep.csv", merge_rows, &m, err);
		if (m.rc < 0) {
			*err = m.err;
			rc = m.rc;
		}
	}
	if (rc == 0) {
		json_t *meta = json_deep_copy(in[0].meta);
		json_object_set_new(meta, "shard", json_pack("{s:i,s:i}", "index", 0, "count", 1));
		rc = sweep_write_meta(out_dir, meta, err);
		json_decref(meta);
	}
	for (uint32_t k = 0; by_index && k < m.count; k++)
		if (by_index[k].csv)
			csvr_close(by_index[k].csv);
	for (size_t i = 0; in && i < n_dirs; i++)
		json_decref(in[i].meta);
	free(by_index);
	free(in);
	free(m.paths);
	return rc;
}
