#include "experiment/baseline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/jsonutil.h"
#include "experiment/points.h"
#include "output/output.h"
#include "scenario/scenario.h"

/* Multiplies obj[key] (a number, when present) by factor. */
static int scale_key(json_t *obj, const char *key, double factor)
{
	json_t *v = json_object_get(obj, key);
	if (!v || !json_is_number(v))
		return 0;
	return json_object_set_new(obj, key, json_real(json_number_value(v) * factor));
}

/* The workload (trace or generator) scales itself: its traffic_scale times
 * factor; a mix (an array of sources) scales each source. */
static int scale_source(json_t *wl, double factor, unsigned *kinds)
{
	if (!json_is_object(wl))
		return 0;
	json_t *ts = json_object_get(wl, "traffic_scale");
	const char *format = json_string_value(json_object_get(wl, "format"));
	double base = json_is_number(ts) ? json_number_value(ts) : 1;
	*kinds |= format && strcmp(format, "generator") == 0 ? BASELINE_SRC_GENERATOR : BASELINE_SRC_TRACE;
	return json_object_set_new(wl, "traffic_scale", json_real(base * factor));
}

static int scale_workload(json_t *doc, double factor, unsigned *kinds)
{
	json_t *wl = json_object_get(doc, "workload"), *src;
	size_t i;
	int rc = 0;
	if (!json_is_array(wl))
		return scale_source(wl, factor, kinds);
	json_array_foreach(wl, i, src)
		if (rc == 0)
			rc = scale_source(src, factor, kinds);
	return rc;
}

int baseline_scale_traffic(json_t *doc, double factor, unsigned *kinds, struct errbuf *err)
{
	json_t *fns = json_object_get(doc, "functions"), *f;
	size_t i;
	*kinds = 0;
	if (!(factor > 0) || !isfinite(factor))
		return errbuf_set(err, ERR_INPUT, "traffic scale must be a positive number, got %g", factor);
	int rc = scale_workload(doc, factor, kinds);
	json_array_foreach(fns, i, f) {
		json_t *arr = json_object_get(f, "arrivals");
		const char *process = json_string_value(json_object_get(arr, "process"));
		if (rc != 0 || !process)
			continue;
		if (strcmp(process, "poisson") == 0) {
			*kinds |= BASELINE_SRC_POISSON;
			rc = scale_key(arr, "rate_per_s", factor);
		} else if (strcmp(process, "periodic") == 0) {
			*kinds |= BASELINE_SRC_PERIODIC;
			rc = scale_key(arr, "period_s", 1 / factor);
			if (rc == 0)
				rc = scale_key(arr, "jitter_s", 1 / factor);
			if (rc == 0)
				rc = scale_key(arr, "phase_s", 1 / factor);
		} else if (strcmp(process, "trace") == 0) {
			json_t *ts = json_object_get(arr, "traffic_scale");
			*kinds |= BASELINE_SRC_TRACE;
			rc = json_object_set_new(arr, "traffic_scale",
						 json_real((json_is_number(ts) ? json_number_value(ts) : 1) * factor));
		}
	}
	return rc != 0 ? errbuf_set(err, ERR_RUNTIME, "out of memory") : 0;
}

/* Prices one simulated traffic scale both ways. */
static int price_point(const struct points_sim *sim, const struct baseline_cfg *b, double scale,
		       struct baseline_point *p, struct errbuf *err)
{
	const struct scenario *sc = &sim->sc;
	const struct run_result *r = &sim->res;
	double window = sc->duration_s - sc->warmup_s, reps = r->replications;
	struct baseline_bin *bins = malloc(r->n_bins * sizeof(*bins));
	if (!bins)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < r->n_bins; i++) {
		bins[i].t_start_s = (double)i * sc->timeseries_interval_s;
		bins[i].t_end_s = fmin(bins[i].t_start_s + sc->timeseries_interval_s, sc->duration_s);
		bins[i].arrivals = (double)r->bins[i].arrivals / reps;
	}
	p->scale = scale;
	p->serverless_monthly_usd = r->totals.mean[FIG_COST_TOTAL] * BASELINE_MONTH_S / window;
	p->serverless_ci95 = stats_fold_ci95(&r->totals, FIG_COST_TOTAL) * BASELINE_MONTH_S / window;
	p->invocations = r->totals.mean[FIG_INVOCATIONS];
	baseline_vm_cost(b, bins, r->n_bins, sc->warmup_s, sc->duration_s, &p->vm);
	free(bins);
	return 0;
}

int baseline_curve(const json_t *doc, const char *scenario_path, const struct baseline_cfg *b,
		   const double *scales, size_t n_scales, const struct run_options *opt,
		   struct baseline_point *out, unsigned *kinds, struct errbuf *err)
{
	struct run_options o = *opt;
	o.progress = 0;
	for (size_t k = 0; k < n_scales; k++) {
		json_t *d = json_deep_copy(doc);
		if (!d)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		struct points_sim sim;
		int rc = baseline_scale_traffic(d, scales[k], kinds, err);
		if (rc == 0)
			rc = points_simulate(d, scenario_path, &o, &sim, err);
		json_decref(d);
		if (rc < 0)
			return rc;
		rc = price_point(&sim, b, scales[k], &out[k], err);
		points_sim_free(&sim);
		if (rc < 0)
			return rc;
	}
	return 0;
}

struct csv_ctx {
	const struct baseline_point *pts;
	size_t n;
};

static int write_csv(void *ctx, FILE *fp)
{
	const struct csv_ctx *c = ctx;
	fputs("traffic_scale,invocations,serverless_monthly_usd,serverless_monthly_usd.ci95,"
	      "vm_monthly_usd,vms_peak,vms_mean\n", fp);
	for (size_t k = 0; k < c->n; k++) {
		const struct baseline_point *p = &c->pts[k];
		output_csv_number(fp, "", p->scale);
		output_csv_number(fp, ",", p->invocations);
		output_csv_number(fp, ",", p->serverless_monthly_usd);
		output_csv_number(fp, ",", p->serverless_ci95);
		output_csv_number(fp, ",", p->vm.vm_monthly_usd);
		output_csv_number(fp, ",", p->vm.peak_vms);
		output_csv_number(fp, ",", p->vm.mean_vms);
		fputc('\n', fp);
	}
	return 0;
}

int baseline_write_csv(const char *dir, const struct baseline_point *pts, size_t n,
		       struct errbuf *err)
{
	struct csv_ctx c = { pts, n };
	return output_write_atomic(dir, "baseline.csv", write_csv, &c, err);
}

int baseline_report_curve(void *ctx, const json_t *doc, const char *scenario_path,
			  const struct baseline_cfg *b, const double *scales, size_t n_scales,
			  const char *dir, struct baseline_point *out, unsigned *kinds,
			  struct errbuf *err)
{
	int rc = baseline_curve(doc, scenario_path, b, scales, n_scales, ctx, out, kinds, err);
	return rc < 0 ? rc : baseline_write_csv(dir, out, n_scales, err);
}
