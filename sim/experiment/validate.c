#include "experiment/validate.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/csvreader.h"
#include "experiment/loo.h"
#include "run/run.h"
#include "scenario/scenario.h"

/* What a variant changes against "plain" (SimFaaS's model: whole-cold
 * exponential response, newest idle instance first, exactly ttl). */
enum vkind {
	V_PLAIN, V_ADD, V_DISPATCH, V_JITTER_UNIFORM, V_JITTER_NORMAL, V_REAPER, V_LIFETIME, V_REAPER_LIFETIME,
	V_SERVICE, V_HORIZON, V_HORIZON_LAMBDA
};

struct vdef {
	struct validate_variant pub;
	enum vkind kind;
	double values[VALIDATE_MAX_GRID];   /* the grid's numbers (seconds; 0: off) */
	double lifetimes[VALIDATE_MAX_GRID]; /* V_REAPER_LIFETIME: the lifetime of each point */
};

/* reaper-lifetime: sweep periods {0, 60, 120, 240} s by lifetimes {inf, 4, 8, 12} h. */
#define RL_LABELS { "0 s, inf", "0 s, 4 h", "0 s, 8 h", "0 s, 12 h", "60 s, inf", "60 s, 4 h", "60 s, 8 h", \
		    "60 s, 12 h", "120 s, inf", "120 s, 4 h", "120 s, 8 h", "120 s, 12 h", "240 s, inf", \
		    "240 s, 4 h", "240 s, 8 h", "240 s, 12 h" }
#define RL_PERIODS { 0, 0, 0, 0, 60, 60, 60, 60, 120, 120, 120, 120, 240, 240, 240, 240 }
#define RL_LIFETIMES { 0, 14400, 28800, 43200, 0, 14400, 28800, 43200, 0, 14400, 28800, 43200, \
		       0, 14400, 28800, 43200 }

#define SECONDS { "0", "30", "60", "120", "180", "240", "300", "450", "600" }
/* Experiment lengths: each window starts with no instance, as a measured
 * experiment does; 0 is one long run (the stationary figures). */
#define HOURS { "inf", "2", "4", "8", "16", "21", "32" }
#define HOURS_V { 0, 7200, 14400, 28800, 57600, 75600, 115200 }
#define SECONDS_V { 0, 30, 60, 120, 180, 240, 300, 450, 600 }

static const struct vdef variants[] = {
	{ { "plain", "-", { "-" }, 1 }, V_PLAIN, { 0 }, { 0 } },
	{ { "add", "init distribution", { "exponential", "constant" }, 2 }, V_ADD, { 0, 1 }, { 0 } },
	{ { "dispatch", "idle_selection", { "newest", "mru", "lru", "random" }, 4 }, V_DISPATCH, { 0 }, { 0 } },
	{ { "jitter-uniform", "jitter_s (half-width)", SECONDS, 9 }, V_JITTER_UNIFORM, SECONDS_V, { 0 } },
	{ { "jitter-normal", "jitter_s (sd)", SECONDS, 9 }, V_JITTER_NORMAL, SECONDS_V, { 0 } },
	{ { "reaper", "jitter_s (sweep period)", SECONDS, 9 }, V_REAPER, SECONDS_V, { 0 } },
	{ { "lifetime", "max_lifetime_s", { "inf", "1800", "3600", "7200", "10800", "14400", "21600", "28800" }, 8 },
	  V_LIFETIME, { 0, 1800, 3600, 7200, 10800, 14400, 21600, 28800 }, { 0 } },
	{ { "service", "warm and cold response distribution", { "exponential", "constant" }, 2 }, V_SERVICE,
	  { 0, 1 }, { 0 } },
	{ { "horizon", "hours from no instance", HOURS, 7 }, V_HORIZON, HOURS_V, { 0 } },
	{ { "horizon-lambda", "hours from no instance", HOURS, 7 }, V_HORIZON_LAMBDA, HOURS_V, { 0 } },
	{ { "reaper-lifetime", "jitter_s (sweep period), max_lifetime_s", RL_LABELS, 16 }, V_REAPER_LIFETIME,
	  RL_PERIODS, RL_LIFETIMES },
};
#define N_VARIANTS (sizeof(variants) / sizeof(variants[0]))

size_t validate_variant_count(void)
{
	return N_VARIANTS;
}

const struct validate_variant *validate_variant_at(size_t i)
{
	return i < N_VARIANTS ? &variants[i].pub : NULL;
}

const struct validate_variant *validate_variant_find(const char *name)
{
	for (size_t i = 0; i < N_VARIANTS; i++)
		if (strcmp(variants[i].pub.name, name) == 0)
			return &variants[i].pub;
	return NULL;
}

/* ---- the data ------------------------------------------------------------ */

static const char *const columns[] = { "ArrivalRate", "ServiceTimeWarm", "ServiceTimeCold",
				       "IdleMinutesBeforeKill", "AverageInstanceCount",
				       "ColdStartProbability", "ColdStartProbabilitySE" };
#define N_COLUMNS (sizeof(columns) / sizeof(columns[0]))

static int read_row(struct csvr *rd, const struct csvr_row *row, const long *col, struct validate_row *out,
		    struct errbuf *err)
{
	double v[N_COLUMNS];
	for (size_t c = 0; c < N_COLUMNS; c++) {
		int rc = csvr_double(rd, row, (size_t)col[c], columns[c], &v[c], err);
		if (rc < 0)
			return rc;
		if (!(v[c] > 0) || !isfinite(v[c]))
			return errbuf_set(err, ERR_INPUT, "%s:%llu: column '%s': must be a positive number",
					  csvr_path(rd), (unsigned long long)row->line, columns[c]);
	}
	*out = (struct validate_row){ .rate_per_s = v[0], .warm_s = v[1] / 1000, .cold_s = v[2] / 1000,
				      .idle_s = v[3] * 60, .instances = v[4], .prob = v[5], .prob_se = v[6] };
	snprintf(out->name, sizeof(out->name), "%s", row->n_fields ? row->fields[0] : "");
	return 0;
}

int validate_read(const char *path, struct validate_row **rows, size_t *n, struct errbuf *err)
{
	struct csvr *rd;
	struct csvr_row row;
	long col[N_COLUMNS];
	int rc = csvr_open(&rd, path, err);
	if (rc < 0)
		return rc;
	*rows = NULL;
	*n = 0;
	if ((rc = csvr_next(rd, &row, err)) <= 0) {
		if (rc == 0)
			rc = errbuf_set(err, ERR_INPUT, "%s: empty file", path);
		goto out;
	}
	for (size_t c = 0; c < N_COLUMNS; c++)
		if ((col[c] = csvr_find_column(&row, columns[c])) < 0) {
			rc = errbuf_set(err, ERR_INPUT, "%s:%llu: no column '%s'", path,
					(unsigned long long)row.line, columns[c]);
			goto out;
		}
	while ((rc = csvr_next(rd, &row, err)) == 1) {
		struct validate_row *grown = realloc(*rows, (*n + 1) * sizeof(**rows));
		if (!grown) {
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
			goto out;
		}
		*rows = grown;
		if ((rc = read_row(rd, &row, col, &grown[*n], err)) < 0)
			goto out;
		++*n;
	}
	if (rc == 0 && *n < 2)
		rc = errbuf_set(err, ERR_INPUT, "%s: leave-one-out needs at least 2 rows, found %zu", path, *n);
out:
	csvr_close(rd);
	if (rc < 0) {
		free(*rows);
		*rows = NULL;
		*n = 0;
	}
	return rc < 0 ? rc : 0;
}

/* ---- simulation ---------------------------------------------------------- */

/* The variant's "service", "cold_start", "keepalive" and "platform" values. */
static void variant_parts(const struct vdef *v, size_t g, const struct validate_row *row, char *svc, char *cold,
			  char *keep, char *plat, size_t size)
{
	static const char *const selections[] = { "newest", "mru", "lru", "random" };
	double value = v->values[g];
	snprintf(svc, size, "{\"dist\": \"exponential\", \"mean_s\": %.17g}", row->warm_s);
	snprintf(cold, size, "{\"mode\": \"replace\", \"service\": {\"dist\": \"exponential\", \"mean_s\": %.17g}}",
		 row->cold_s);
	snprintf(keep, size, "{\"policy\": \"fixed\", \"ttl_s\": %.17g}", row->idle_s);
	snprintf(plat, size, "{\"idle_selection\": \"newest\"}");
	switch (v->kind) {
	case V_PLAIN:
		break;
	case V_ADD:   /* init = measured cold - warm, then a warm service */
		snprintf(cold, size, "{\"mode\": \"add\", \"init\": {\"dist\": \"%s\", \"%s\": %.17g}}",
			 value ? "constant" : "exponential", value ? "value_s" : "mean_s",
			 fmax(row->cold_s - row->warm_s, 0));
		break;
	case V_HORIZON:
		break;
	case V_HORIZON_LAMBDA:   /* the policy's defaults: the adopted variant */
		snprintf(keep, size, "{\"policy\": \"lambda\", \"ttl_s\": %.17g}", row->idle_s);
		break;
	case V_SERVICE:
		if (value) {
			snprintf(svc, size, "{\"dist\": \"constant\", \"value_s\": %.17g}", row->warm_s);
			snprintf(cold, size, "{\"mode\": \"replace\", \"service\": {\"dist\": \"constant\","
				 " \"value_s\": %.17g}}", row->cold_s);
		}
		break;
	case V_DISPATCH:
		snprintf(plat, size, "{\"idle_selection\": \"%s\"}", selections[g]);
		break;
	case V_JITTER_UNIFORM:
	case V_JITTER_NORMAL:
	case V_REAPER:
		snprintf(keep, size, "{\"policy\": \"lambda\", \"ttl_s\": %.17g, \"jitter\": \"%s\", \"jitter_s\": %.17g,"
			 " \"max_lifetime_s\": 0}", row->idle_s,
			 v->kind == V_JITTER_UNIFORM ? "uniform" : v->kind == V_REAPER ? "reaper" : "normal", value);
		break;
	case V_REAPER_LIFETIME:
		snprintf(keep, size, "{\"policy\": \"lambda\", \"ttl_s\": %.17g, \"jitter\": \"reaper\", \"jitter_s\": %.17g,"
			 " \"max_lifetime_s\": %.17g}", row->idle_s, value, v->lifetimes[g]);
		break;
	case V_LIFETIME:
		if (value > 0)
			snprintf(keep, size, "{\"policy\": \"lambda\", \"ttl_s\": %.17g, \"jitter\": \"none\", \"max_lifetime_s\": %.17g}",
				 row->idle_s, value);
		break;
	}
}

int validate_simulate(const struct validate_variant *pub, size_t g, const struct validate_row *row,
		      uint64_t seed, double requests, double out[VALIDATE_METRICS], struct errbuf *err)
{
	const struct vdef *v = (const struct vdef *)pub;
	char svc[512], cold[512], keep[512], plat[512], text[4096];
	variant_parts(v, g, row, svc, cold, keep, plat, sizeof(cold));
	double duration = requests / row->rate_per_s, reps = 1;
	if ((v->kind == V_HORIZON || v->kind == V_HORIZON_LAMBDA) && v->values[g] > 0) {
		duration = v->values[g];
		reps = ceil(requests / (row->rate_per_s * duration));
	}
	snprintf(text, sizeof(text),
		 "{\"seed\": %llu, \"duration_s\": %.17g, \"replications\": %.17g, \"timeseries_interval_s\": %.17g,"
		 " \"platform\": %s,"
		 " \"functions\": [{\"name\": \"fn\", \"memory_mb\": 128,"
		 " \"service\": %s, \"cold_start\": %s,"
		 " \"keepalive\": %s, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": %.17g}}]}",
		 (unsigned long long)seed, duration, reps, duration / 10, plat, svc, cold, keep, row->rate_per_s);
	json_error_t jerr;
	json_t *doc = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc)
		return errbuf_set(err, ERR_RUNTIME, "validation scenario: %s", jerr.text);
	struct scenario sc;
	int rc = scenario_from_json(&sc, doc, pub->name, err);
	json_decref(doc);
	if (rc < 0)
		return rc;
	struct run_options opt = { .threads = 1 };
	struct run_result r;
	rc = run_scenario(&sc, &opt, &r, err);
	scenario_free(&sc);
	if (rc < 0)
		return rc;
	out[0] = r.totals.mean[FIG_COLD_START_RATIO];
	out[1] = r.totals.mean[FIG_INSTANCES_MEAN];
	run_result_free(&r);
	return 0;
}

/* ---- leave-one-out ------------------------------------------------------- */

void validate_score(const struct validate_row *rows, struct validate_result *out)
{
	size_t n = out->n_rows;
	double *meas = malloc(n * sizeof(*meas));
	out->within_2se = 0;
	for (size_t k = 0; k < n; k++) {
		out->z[k] = (out->loo[k] - rows[k].prob) / rows[k].prob_se;
		out->within_2se += fabs(out->z[k]) <= 2;
	}
	for (size_t m = 0; m < VALIDATE_METRICS; m++) {
		for (size_t k = 0; k < n && meas; k++)
			meas[k] = m == 0 ? rows[k].prob : rows[k].instances;
		out->mape[m] = meas ? loo_mape(out->loo + m * n, meas, n) : NAN;
	}
	free(meas);
}

void validate_result_free(struct validate_result *r)
{
	free(r->pred);
	free(r->chosen);
	free(r->loo);
	free(r->z);
	memset(r, 0, sizeof(*r));
}

static int fit(const struct validate_row *rows, size_t n, struct validate_result *out)
{
	double *meas = malloc(VALIDATE_METRICS * n * sizeof(*meas));
	if (!meas)
		return -1;
	for (size_t k = 0; k < n; k++) {
		meas[k] = rows[k].prob;
		meas[n + k] = rows[k].instances;
	}
	struct loo_data d = { out->n_grid, VALIDATE_METRICS, n, out->pred, meas };
	out->fit_all = loo_fit(&d);
	int rc = loo_predict(&d, out->chosen, out->loo);
	free(meas);
	return rc;
}

int validate_run(const struct validate_variant *v, const struct validate_row *rows, size_t n,
		 uint64_t seed, double requests, struct validate_result *out, struct errbuf *err)
{
	memset(out, 0, sizeof(*out));
	out->n_rows = n;
	out->n_grid = v->n_grid;
	out->pred = malloc(v->n_grid * VALIDATE_METRICS * n * sizeof(*out->pred));
	out->chosen = malloc(n * sizeof(*out->chosen));
	out->loo = malloc(VALIDATE_METRICS * n * sizeof(*out->loo));
	out->z = malloc(n * sizeof(*out->z));
	if (!out->pred || !out->chosen || !out->loo || !out->z) {
		validate_result_free(out);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	for (size_t g = 0; g < v->n_grid; g++)
		for (size_t k = 0; k < n; k++) {
			double fig[VALIDATE_METRICS];
			int rc = validate_simulate(v, g, &rows[k], seed + k, requests, fig, err);
			if (rc < 0) {
				validate_result_free(out);
				return rc;
			}
			for (size_t m = 0; m < VALIDATE_METRICS; m++)
				out->pred[(g * VALIDATE_METRICS + m) * n + k] = fig[m];
		}
	if (fit(rows, n, out) < 0) {
		validate_result_free(out);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	validate_score(rows, out);
	return 0;
}
