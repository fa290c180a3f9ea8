#include "output/output.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/version.h"

int output_mkdirs(const char *dir, struct errbuf *err)
{
	char path[4096];
	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return errbuf_set(err, ERR_INPUT, "%s: path too long", dir);
	for (char *p = path + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(path, 0777) != 0 && errno != EEXIST)
				return errbuf_set(err, ERR_RUNTIME, "%s: cannot create folder: %s", path,
						  strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return errbuf_set(err, ERR_RUNTIME, "%s: not a folder", dir);
	return 0;
}

int output_write_atomic(const char *dir, const char *name, int (*fn)(void *ctx, FILE *fp),
			void *ctx, struct errbuf *err)
{
	char final[4096], tmp[4200];
	snprintf(final, sizeof(final), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%ld", dir, name, (long)getpid());
	FILE *fp = fopen(tmp, "w");
	if (!fp)
		return errbuf_set(err, ERR_RUNTIME, "%s: cannot write: %s", tmp, strerror(errno));
	int rc = fn(ctx, fp);
	if (ferror(fp))
		rc = -1;
	if (fclose(fp) != 0)
		rc = -1;
	if (rc < 0 || rename(tmp, final) != 0) {
		int e = errno;
		unlink(tmp);
		return errbuf_set(err, ERR_RUNTIME, "%s: cannot write: %s", final, strerror(e));
	}
	return 0;
}

/* A figure as JSON: integers for whole counts, null for undefined. */
static json_t *figure_json(double v, int is_count)
{
	if (isnan(v) || isinf(v))
		return json_null();
	if (is_count && v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

/* Sets "a.b" as obj["a"]["b"]. */
static void set_dotted(json_t *obj, const char *name, json_t *value)
{
	const char *dot = strchr(name, '.');
	if (!dot) {
		json_object_set_new(obj, name, value);
		return;
	}
	char head[64];
	snprintf(head, sizeof(head), "%.*s", (int)(dot - name), name);
	json_t *sub = json_object_get(obj, head);
	if (!sub) {
		sub = json_object();
		json_object_set_new(obj, head, sub);
	}
	set_dotted(sub, dot + 1, value);
}

static double fold_mean(const struct stats_fold *f, int i)
{
	return f->n_valid[i] ? f->mean[i] : NAN;
}

static json_t *figures_json(json_t *obj, const struct stats_fold *f)
{
	for (int i = 0; i < FIG_COUNT; i++)
		set_dotted(obj, stats_figure_names[i], figure_json(fold_mean(f, i), stats_figure_is_count[i]));
	return obj;
}

/* Model loads on GPU nodes per tier, means per replication: count,
 * seconds (summed over loads), and the mean seconds of a load. */
static json_t *model_loads_json(const struct run_result *r)
{
	json_t *obj = json_object();
	double reps = r->replications ? r->replications : 1;
	for (int t = 0; t < STORAGE_TIERS; t++) {
		double n = (double)r->loads.count[t];
		json_object_set_new(obj, storage_tier_names[t],
				    json_pack("{s:f, s:f, s:o}", "count", n / reps, "seconds", r->loads.seconds[t] / reps,
					      "mean_s", n > 0 ? json_real(r->loads.seconds[t] / n) : json_null()));
	}
	return obj;
}

/* "llm" of summary.json, only with LLM functions: time to first token and
 * per output token (means over replications, with their 95 % half-widths),
 * and the figures an LLM deployment is judged by: cost per 1,000 requests
 * and the share of requests that met a cold start. */
static json_t *llm_json(const struct run_result *r)
{
	json_t *o = json_object(), *ci = json_object();
	for (int i = 0; i < LLM_FIG_COUNT; i++) {
		set_dotted(o, stats_llm_figure_names[i], figure_json(fold_mean(&r->llm, i), 0));
		set_dotted(ci, stats_llm_figure_names[i], figure_json(stats_fold_ci95(&r->llm, (enum stats_figure)i), 0));
	}
	double per_m = fold_mean(&r->totals, FIG_COST_PER_MILLION);
	json_object_set_new(o, "cost_usd_per_1k_requests", figure_json(per_m / 1000, 0));
	json_object_set_new(o, "cold_start_share", figure_json(fold_mean(&r->totals, FIG_COLD_START_RATIO), 0));
	json_object_set_new(o, "ci95", ci);
	return o;
}

json_t *output_summary_json(const struct scenario *sc, const struct run_result *r)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "scenario", json_string(sc->name));
	json_object_set_new(doc, "seed", json_integer((json_int_t)sc->seed));
	/* Replications folded: fewer than asked when the run was interrupted. */
	json_object_set_new(doc, "replications", json_integer(r->replications));
	json_object_set_new(doc, "interrupted", json_boolean(r->interrupted));
	json_object_set_new(doc, "version", json_string(SLSIM_VERSION));
	json_object_set_new(doc, "provider", json_string(sc->pricing->name));
	json_object_set_new(doc, "duration_s", json_real(sc->duration_s));
	json_object_set_new(doc, "warmup_s", json_real(sc->warmup_s));
	if (sc->workload)
		json_object_set_new(doc, "workload", trace_summary_json(sc->workload));
	json_object_set_new(doc, "totals", figures_json(json_object(), &r->totals));
	json_t *fns = json_array();
	for (size_t i = 0; i < r->n_functions; i++) {
		json_t *f = json_pack("{s:s}", "name", sc->functions[i].name);
		json_array_append_new(fns, figures_json(f, &r->functions[i]));
	}
	json_object_set_new(doc, "functions", fns);
	if (r->has_llm)
		json_object_set_new(doc, "llm", llm_json(r));
	json_t *ci = json_object();
	for (int i = 0; i < FIG_COUNT; i++)
		set_dotted(ci, stats_figure_names[i], figure_json(stats_fold_ci95(&r->totals, i), 0));
	json_object_set_new(doc, "ci95", ci);
	/* Maxima vary widely between replications and a t interval on their
	 * mean says little: people are shown their range. */
	json_t *range = json_object();
	static const enum stats_figure maxima[] = { FIG_INSTANCES_PEAK, FIG_LATENCY_MAX };
	for (size_t k = 0; k < sizeof(maxima) / sizeof(maxima[0]); k++) {
		enum stats_figure i = maxima[k];
		int any = r->totals.n_valid[i] > 0;
		set_dotted(range, stats_figure_names[i],
			   any ? json_pack("[o, o]", figure_json(r->totals.min[i], stats_figure_is_count[i]),
					   figure_json(r->totals.max[i], stats_figure_is_count[i]))
			       : json_null());
	}
	json_object_set_new(doc, "range", range);
	if (sc->platform.nodes)
		json_object_set_new(doc, "model_loads", model_loads_json(r));
	json_t *run = json_object();
	json_object_set_new(run, "wall_s", json_real(r->wall_s));
	json_object_set_new(run, "events", json_integer((json_int_t)r->events));
	json_object_set_new(run, "events_per_s",
			    json_real(r->wall_s > 0 ? (double)r->events / r->wall_s : 0));
	json_object_set_new(doc, "run", run);
	return doc;
}

struct write_ctx {
	const struct scenario *sc;
	const struct run_result *r;
	json_t *doc;
};

static int write_json(void *ctx, FILE *fp)
{
	struct write_ctx *w = ctx;
	if (json_dumpf(w->doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0)
		return -1;
	fputc('\n', fp);
	return 0;
}

void output_csv_number(FILE *fp, const char *sep, double v)
{
	fputs(sep, fp);
	if (isfinite(v))
		fprintf(fp, "%.17g", v);
}

static int write_summary_csv(void *ctx, FILE *fp)
{
	struct write_ctx *w = ctx;
	fputs("function", fp);
	for (int i = 0; i < FIG_COUNT; i++)
		fprintf(fp, ",%s", stats_figure_names[i]);
	fputc('\n', fp);
	for (size_t f = 0; f <= w->r->n_functions; f++) {
		const struct stats_fold *fold = f < w->r->n_functions ? &w->r->functions[f] : &w->r->totals;
		fputs(f < w->r->n_functions ? w->sc->functions[f].name : "ALL", fp);
		for (int i = 0; i < FIG_COUNT; i++)
			output_csv_number(fp, ",", fold_mean(fold, i));
		fputc('\n', fp);
	}
	return 0;
}

static int write_timeseries(void *ctx, FILE *fp)
{
	struct write_ctx *w = ctx;
	const struct scenario *sc = w->sc;
	double reps = w->r->replications;
	fputs("t_start_s,t_end_s,arrivals,cold_starts,busy_instances,idle_instances,cost_usd\n", fp);
	if (reps == 0)
		return 0;   /* interrupted before any replication completed */
	for (size_t i = 0; i < w->r->n_bins; i++) {
		const struct ts_bin *b = &w->r->bins[i];
		double t0 = (double)i * sc->timeseries_interval_s;
		double t1 = t0 + sc->timeseries_interval_s;
		if (t1 > sc->duration_s)
			t1 = sc->duration_s;
		struct cost c;
		sc->pricing->cost(sc->pricing_cfg, &b->usage, &c);
		fprintf(fp, "%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", t0, t1, b->arrivals / reps,
			b->cold_starts / reps, b->busy_s / (reps * (t1 - t0)),
			b->idle_s / (reps * (t1 - t0)), c.total_usd / reps);
	}
	return 0;
}

struct cdf_ctx {
	FILE *fp;
	uint64_t n;               /* requests in the histogram */
};

/* ccdf, the share above the bucket, is counted (n - cum) / n from the exact
 * count cum = cdf n (cdf is cum / n correctly rounded, so the product rounds
 * back to cum below 2^52): 1 - cdf would lose the digits of a 1e-6 tail. */
static void cdf_row(void *ctx, double value, double cdf)
{
	struct cdf_ctx *c = ctx;
	double n = (double)c->n, cum = nearbyint(cdf * n);
	fprintf(c->fp, "%.17g,%.17g,%.17g\n", value, cdf, (n - cum) / n);
}

static int write_cdf(void *ctx, FILE *fp)
{
	struct write_ctx *w = ctx;
	struct cdf_ctx c = { fp, w->r->latency.count };
	fputs("latency_s,cdf,ccdf\n", fp);
	histo_foreach_cdf(&w->r->latency, cdf_row, &c);
	return 0;
}

/* The scenario as run (after --set), with trace and batch-profile paths made
 * absolute so that `slsim report` and `slsim optimize` can run it again from
 * the results. */
static int write_scenario(void *ctx, FILE *fp)
{
	struct write_ctx *w = ctx;
	json_t *doc = json_deep_copy(w->sc->json), *fns, *f;
	size_t i;
	if (!doc)
		return -1;
	fns = json_object_get(doc, "functions");
	json_array_foreach(fns, i, f) {
		const char *trace = i < w->sc->n_functions ? w->sc->functions[i].arrivals.trace_path : NULL;
		char *abs = trace ? realpath(trace, NULL) : NULL;
		json_t *arr = json_object_get(f, "arrivals");
		if (abs && json_is_object(arr))
			json_object_set_new(arr, "path", json_string(abs));
		free(abs);
		const char *prof = i < w->sc->n_functions ? w->sc->functions[i].batch.profile_path : NULL;
		json_t *svc = json_object_get(json_object_get(f, "batch"), "service");
		abs = prof ? realpath(prof, NULL) : NULL;
		if (abs && json_is_object(svc))
			json_object_set_new(svc, "profile", json_string(abs));
		free(abs);
	}
	int rc = json_dumpf(doc, fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	fputc('\n', fp);
	json_decref(doc);
	return rc == 0 ? 0 : -1;
}

int output_write_run(const char *dir, const struct scenario *sc, const struct run_result *r,
		     struct errbuf *err)
{
	struct write_ctx w = { .sc = sc, .r = r, .doc = output_summary_json(sc, r) };
	int rc;
	if (!w.doc)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if ((rc = output_mkdirs(dir, err)) < 0 ||
	    (rc = output_write_atomic(dir, "summary.json", write_json, &w, err)) < 0 ||
	    (rc = output_write_atomic(dir, "summary.csv", write_summary_csv, &w, err)) < 0 ||
	    (rc = output_write_atomic(dir, "timeseries.csv", write_timeseries, &w, err)) < 0 ||
	    (rc = output_write_atomic(dir, "latency_cdf.csv", write_cdf, &w, err)) < 0 ||
	    (rc = output_write_atomic(dir, "scenario.json", write_scenario, &w, err)) < 0) {
		json_decref(w.doc);
		return rc;
	}
	json_decref(w.doc);
	return 0;
}

void output_csv_field(FILE *fp, const char *s)
{
	size_t n = strlen(s);
	int quote = n == 0 || strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[0] == '\t' ||
		    s[n - 1] == ' ' || s[n - 1] == '\t';
	if (!quote) {
		fputs(s, fp);
		return;
	}
	fputc('"', fp);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', fp);
		fputc(*s, fp);
	}
	fputc('"', fp);
}

/* One cell of width w: printf's conversion of v, or "-" when v is
 * undefined (no request, none completed): never "nan" for a person. */
static void cell(FILE *fp, int w, const char *conv, double v)
{
	char buf[64];
	if (isfinite(v))
		snprintf(buf, sizeof(buf), conv, v);
	else
		snprintf(buf, sizeof(buf), "-");
	fprintf(fp, " %*s", w, buf);
}

/* A count as a share of the invocations ("-" without any). */
static void share(FILE *fp, int w, const struct stats_fold *f, enum stats_figure i)
{
	double n = fold_mean(f, FIG_INVOCATIONS);
	cell(fp, w, "%.4g%%", n > 0 ? 100 * fold_mean(f, i) / n : NAN);
}

static void print_row(FILE *fp, const char *name, const struct stats_fold *f)
{
	fprintf(fp, "%-20.20s", name);
	cell(fp, 12, "%.0f", fold_mean(f, FIG_INVOCATIONS));
	cell(fp, 10, "%.4f%%", 100 * fold_mean(f, FIG_COLD_START_RATIO));
	share(fp, 9, f, FIG_REJECTED);
	share(fp, 9, f, FIG_TIMED_OUT);
	share(fp, 9, f, FIG_OOM);
	cell(fp, 10, "%.4g", fold_mean(f, FIG_LATENCY_MEAN));
	cell(fp, 10, "%.4g", fold_mean(f, FIG_LATENCY_P50));
	cell(fp, 10, "%.4g", fold_mean(f, FIG_LATENCY_P99));
	cell(fp, 9, "%.3f", fold_mean(f, FIG_INSTANCES_MEAN));
	cell(fp, 12, "%.6g", fold_mean(f, FIG_COST_TOTAL));
	cell(fp, 10, "%.4g", fold_mean(f, FIG_COST_PER_MILLION));
	fputc('\n', fp);
}

void output_print_table(FILE *fp, const struct scenario *sc, const struct run_result *r)
{
	fprintf(fp, "slsim %s: scenario %s, provider %s, seed %llu, %u replication%s, %g s simulated\n",
		SLSIM_VERSION, sc->name, sc->pricing->name, (unsigned long long)sc->seed,
		sc->replications, sc->replications == 1 ? "" : "s", sc->duration_s);
	fprintf(fp, "%-20s %12s %10s %9s %9s %9s %10s %10s %10s %9s %12s %10s\n", "function", "invocations",
		"cold", "rejected", "timed_out", "oom", "mean_s", "p50_s", "p99_s", "instances", "cost_usd",
		"usd_per_M");
	/* Many functions: the table shows the first 20; the files have them all. */
	size_t shown = r->n_functions < 20 ? r->n_functions : 20;
	for (size_t i = 0; i < shown && r->n_functions > 1; i++)
		print_row(fp, sc->functions[i].name, &r->functions[i]);
	if (shown < r->n_functions)
		fprintf(fp, "... %zu more functions in summary.csv\n", r->n_functions - shown);
	print_row(fp, "ALL", &r->totals);
	if (r->has_llm)
		fprintf(fp, "LLM: TTFT p50 %.4g s, p99 %.4g s; TPOT p50 %.4g s, p99 %.4g s; $%.4g per 1,000 requests\n",
			fold_mean(&r->llm, LLM_FIG_TTFT_P50), fold_mean(&r->llm, LLM_FIG_TTFT_P99),
			fold_mean(&r->llm, LLM_FIG_TPOT_P50), fold_mean(&r->llm, LLM_FIG_TPOT_P99),
			fold_mean(&r->totals, FIG_COST_PER_MILLION) / 1000);
	fprintf(fp, "%llu events in %.3f s (%.3g events/s)\n", (unsigned long long)r->events, r->wall_s,
		r->wall_s > 0 ? r->events / r->wall_s : 0);
}
