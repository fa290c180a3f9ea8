/* baseline: VM cost arithmetic by hand, traffic scaling (of the scenario
 * document, and the invocations it gives for a trace workload, a
 * per-function trace and a generator against their closed forms),
 * break-even, and the serverless-against-VM curve of a deterministic
 * scenario. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "experiment/baseline.h"
#include "scenario/scenario.h"
#include "suites.h"
#include "testutil.h"

static const struct baseline_bin bins[] = {
	{ 0, 100, 500 },     /* 5 req/s */
	{ 100, 200, 1200 },  /* 12 req/s */
	{ 200, 300, 100 },   /* 1 req/s */
};

START_TEST(vm_cost_by_hand)
{
	struct baseline_cfg b = { .hourly_usd = 0.36, .requests_per_s_per_vm = 4, .min_vms = 1,
				  .scale = BASELINE_PEAK };
	struct baseline_cost c;
	/* Peak: ceil(12 / 4) = 3 VMs for 300 s at $0.36/h = $0.09; a 730-h month
	 * is 2,628,000 s, so 0.09 * 2628000 / 300 = $788.40. */
	baseline_vm_cost(&b, bins, 3, 0, 300, &c);
	ck_assert_uint_eq(c.peak_vms, 3);
	ck_assert_double_eq_tol(c.peak_rate_per_s, 12, 1e-12);
	ck_assert_double_eq_tol(c.vm_usd, 0.09, 1e-12);
	ck_assert_double_eq_tol(c.vm_monthly_usd, 788.4, 1e-9);
	ck_assert_double_eq_tol(c.mean_vms, 3, 1e-12);
	/* Autoscale: ceil(5/4) = 2, 3, max(1, ceil(0.25)) = 1 VMs for 100 s each:
	 * 600 VM-s = $0.06, monthly 0.06 * 8760 = $525.60. */
	b.scale = BASELINE_AUTOSCALE;
	baseline_vm_cost(&b, bins, 3, 0, 300, &c);
	ck_assert_double_eq_tol(c.vm_usd, 0.06, 1e-12);
	ck_assert_double_eq_tol(c.vm_monthly_usd, 525.6, 1e-9);
	ck_assert_double_eq_tol(c.mean_vms, 2, 1e-12);
	/* Window [50, 300] (warm-up 50 s): 2*50 + 3*100 + 1*100 = 500 VM-s. */
	baseline_vm_cost(&b, bins, 3, 50, 300, &c);
	ck_assert_double_eq_tol(c.vm_usd, 500 * 0.36 / 3600, 1e-12);
	ck_assert_double_eq_tol(c.vm_monthly_usd, 0.05 * 2628000 / 250, 1e-9);
	/* Peak over the same window: 3 VMs * 250 s. */
	b.scale = BASELINE_PEAK;
	baseline_vm_cost(&b, bins, 3, 50, 300, &c);
	ck_assert_double_eq_tol(c.vm_usd, 750 * 0.36 / 3600, 1e-12);
	/* min_vms floors every interval: 4 VMs all along. */
	b.min_vms = 4;
	b.scale = BASELINE_AUTOSCALE;
	baseline_vm_cost(&b, bins, 3, 0, 300, &c);
	ck_assert_double_eq_tol(c.vm_usd, 4 * 300 * 0.36 / 3600, 1e-12);
	/* A rate that is an exact multiple of the capacity: 8 req/s at 4 per VM
	 * is 2 VMs, not 3. */
	struct baseline_bin exact = { 0, 10, 80 };
	b.min_vms = 0;
	baseline_vm_cost(&b, &exact, 1, 0, 10, &c);
	ck_assert_uint_eq(c.peak_vms, 2);
}
END_TEST

START_TEST(parse_and_errors)
{
	json_t *doc = json_loads("{\"baseline\": {\"kind\": \"vm\", \"vcpus\": 2, \"memory_gb\": 4, \"hourly_usd\": 0.0832,"
				 " \"requests_per_s_per_vm\": 50, \"scale\": \"autoscale\"}}", 0, NULL);
	struct baseline_cfg b;
	struct errbuf err = { "" };
	ck_assert_int_eq(baseline_parse(doc, "s.json", &b, &err), 1);
	ck_assert_double_eq(b.hourly_usd, 0.0832);
	ck_assert_double_eq(b.requests_per_s_per_vm, 50);
	ck_assert_uint_eq(b.min_vms, 1);   /* default */
	ck_assert_int_eq(b.scale, BASELINE_AUTOSCALE);
	json_decref(doc);
	doc = json_loads("{}", 0, NULL);
	ck_assert_int_eq(baseline_parse(doc, "s.json", &b, &err), 0);
	json_decref(doc);

	/* Through the scenario loader: the JSON path is named, exit 2 follows. */
	static const char *const bad[][2] = {
		{ "\"kind\": \"vm\", \"hourly_usd\": 1, \"requests_per_s_per_vm\": 5, \"cpus\": 2", "baseline.cpus: unknown key" },
		{ "\"kind\": \"vm\", \"requests_per_s_per_vm\": 5", "baseline.hourly_usd" },
		{ "\"kind\": \"vm\", \"hourly_usd\": 1, \"requests_per_s_per_vm\": 0", "baseline.requests_per_s_per_vm" },
		{ "\"kind\": \"vm\", \"hourly_usd\": 1, \"requests_per_s_per_vm\": 5, \"scale\": \"max\"", "baseline.scale" },
		{ "\"kind\": \"container\", \"hourly_usd\": 1, \"requests_per_s_per_vm\": 5", "baseline.kind" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text),
			 "{\"duration_s\": 10, \"functions\": [{\"name\": \"f\", \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
			 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}], \"baseline\": {%s}}", bad[i][0]);
		doc = json_loads(text, 0, NULL);
		ck_assert_ptr_nonnull(doc);
		struct scenario sc;
		ck_assert_int_eq(scenario_from_json(&sc, doc, "s.json", &err), ERR_INPUT);
		ck_assert_msg(strstr(err.msg, bad[i][1]) != NULL, "message \"%s\" lacks \"%s\"", err.msg, bad[i][1]);
		scenario_free(&sc);
		json_decref(doc);
	}
}
END_TEST

START_TEST(traffic_scaling)
{
	json_t *doc = json_loads(
		"{\"workload\": {\"format\": \"csv\", \"path\": \"w.csv\", \"traffic_scale\": 0.5},"
		" \"functions\": [{\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 2}},"
		" {\"arrivals\": {\"process\": \"periodic\", \"period_s\": 10, \"jitter_s\": 1, \"phase_s\": 4}},"
		" {\"arrivals\": {\"process\": \"trace\", \"path\": \"t.csv\"}}]}", 0, NULL);
	struct errbuf err;
	unsigned kinds;
	ck_assert_int_eq(baseline_scale_traffic(doc, 4, &kinds, &err), 0);
	ck_assert_uint_eq(kinds, BASELINE_SRC_POISSON | BASELINE_SRC_PERIODIC | BASELINE_SRC_TRACE);
	json_t *f = json_object_get(doc, "functions");
	ck_assert_double_eq_tol(json_number_value(json_object_get(json_object_get(json_array_get(f, 0), "arrivals"), "rate_per_s")), 8, 1e-12);
	json_t *per = json_object_get(json_array_get(f, 1), "arrivals");
	ck_assert_double_eq_tol(json_number_value(json_object_get(per, "period_s")), 2.5, 1e-12);
	ck_assert_double_eq_tol(json_number_value(json_object_get(per, "jitter_s")), 0.25, 1e-12);
	ck_assert_double_eq_tol(json_number_value(json_object_get(per, "phase_s")), 1, 1e-12);
	/* Trace files: their traffic_scale, multiplied (0.5 x 4 for the workload). */
	json_t *tr = json_object_get(json_array_get(f, 2), "arrivals");
	ck_assert_double_eq_tol(json_number_value(json_object_get(tr, "traffic_scale")), 4, 1e-12);
	ck_assert_double_eq_tol(json_number_value(json_object_get(json_object_get(doc, "workload"), "traffic_scale")), 2, 1e-12);
	ck_assert_int_eq(baseline_scale_traffic(doc, 0, &kinds, &err), ERR_INPUT);
	json_decref(doc);
	doc = json_loads("{\"workload\": {\"format\": \"generator\", \"pattern\": \"iot\"}}", 0, NULL);
	ck_assert_int_eq(baseline_scale_traffic(doc, 3, &kinds, &err), 0);
	ck_assert_uint_eq(kinds, BASELINE_SRC_GENERATOR);
	ck_assert_double_eq_tol(json_number_value(json_object_get(json_object_get(doc, "workload"), "traffic_scale")), 3, 1e-12);
	json_decref(doc);
}
END_TEST

/* The mean invocations per replication of doc (its text) at each scale,
 * through the baseline's own curve. */
static void invocations_at(const char *text, const double *scales, size_t n, double *out)
{
	json_t *doc = json_loads(text, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	struct baseline_cfg b = { .hourly_usd = 1, .requests_per_s_per_vm = 100, .min_vms = 1 };
	struct baseline_point pts[8];
	struct run_options opt = { .threads = 1 };
	struct errbuf err = { "" };
	unsigned kinds;
	ck_assert_msg(baseline_curve(doc, "t.json", &b, scales, n, &opt, pts, &kinds, &err) == 0, "%s", err.msg);
	for (size_t k = 0; k < n; k++)
		out[k] = pts[k].invocations;
	json_decref(doc);
}

/* N = 20,000 requests every 0.5 s (trace rows), R = 20 replications. At
 * scale s each request is emitted floor(s) + Bernoulli(s - floor(s)) times,
 * so the count per replication is floor(s) N + Binomial(N, frac(s)): mean s N,
 * standard deviation sqrt(N f (1 - f)), and the mean over R replications is
 * within 4 standard errors sqrt(N f (1 - f) / R). s = 1 and 3 are exact. */
static void check_trace_counts(const double *scales, const double *got, size_t n, double N, double R)
{
	for (size_t k = 0; k < n; k++) {
		double f = scales[k] - floor(scales[k]);
		double se = sqrt(N * f * (1 - f) / R);
		ck_assert_msg(fabs(got[k] - scales[k] * N) <= 4 * se + 1e-9,
			      "scale %g: %.1f invocations per replication, expected %.1f +- 4 x %.2f", scales[k],
			      got[k], scales[k] * N, se);
	}
}

static const char *trace_file(void)
{
	static char path[4200];
	const char *dir = tu_tmpdir();
	size_t cap = 20000 * 24 + 64, len = 0;
	char *text = malloc(cap);
	len += (size_t)snprintf(text, cap, "timestamp_s,function\n");
	for (int i = 0; i < 20000; i++)
		len += (size_t)snprintf(text + len, cap - len, "%.1f,f\n", i * 0.5);
	snprintf(path, sizeof(path), "%s", tu_write(dir, "t.csv", text));
	free(text);
	return path;
}

START_TEST(trace_workload_scales)
{
	const double scales[] = { 0.1, 0.3, 1, 2.5, 3 }, N = 20000, R = 20;
	char text[8192];
	double got[5];
	snprintf(text, sizeof(text),
		 "{\"seed\": 3, \"replications\": 20, \"timeseries_interval_s\": 1000,"
		 " \"workload\": {\"format\": \"csv\", \"path\": \"%s\"},"
		 " \"function_defaults\": {\"memory_mb\": 128, \"service\": {\"dist\": \"constant\", \"value_s\": 0.01}}}",
		 trace_file());
	invocations_at(text, scales, 5, got);
	check_trace_counts(scales, got, 5, N, R);
	/* The same file as a per-function arrivals.process "trace". */
	snprintf(text, sizeof(text),
		 "{\"seed\": 4, \"replications\": 20, \"duration_s\": 10000, \"timeseries_interval_s\": 1000,"
		 " \"functions\": [{\"name\": \"f\", \"memory_mb\": 128,"
		 " \"service\": {\"dist\": \"constant\", \"value_s\": 0.01},"
		 " \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}]}",
		 trace_file());
	invocations_at(text, scales, 5, got);
	check_trace_counts(scales, got, 5, N, R);
}
END_TEST

START_TEST(generator_workload_scales)
{
	/* ecommerce over one day: page views are Poisson with mean
	 * r * 86400 * s (the daily cosine integrates to zero over a whole day);
	 * conversion_rate 0, so no checkout function and no other arrival. The
	 * mean over R = 10 replications is within 4 SE = 4 sqrt(mean / R). */
	const double scales[] = { 0.1, 1, 4 }, r = 0.2, R = 10;
	double got[3];
	invocations_at("{\"seed\": 2, \"replications\": 10, \"timeseries_interval_s\": 3600,"
		       " \"workload\": {\"format\": \"generator\", \"pattern\": \"ecommerce\", \"duration_s\": 86400,"
		       " \"page_views_per_s\": 0.2, \"diurnal_amplitude\": 0.5, \"conversion_rate\": 0},"
		       " \"function_defaults\": {\"memory_mb\": 128, \"service\": {\"dist\": \"constant\", \"value_s\": 0.01}}}",
		       scales, 3, got);
	for (size_t k = 0; k < 3; k++) {
		double mean = r * 86400 * scales[k], se = sqrt(mean / R);
		ck_assert_msg(fabs(got[k] - mean) <= 4 * se, "scale %g: %.1f page views per replication, expected %.1f +- 4 x %.2f",
			      scales[k], got[k], mean, se);
	}
}
END_TEST

START_TEST(break_even_interpolation)
{
	/* serverless 1, 2, 4, 8 against VMs at 3: the sign changes between
	 * scales 2 (-1) and 4 (+1); halfway in log scale is sqrt(2 * 4). */
	struct baseline_point p[4];
	memset(p, 0, sizeof(p));
	for (int i = 0; i < 4; i++) {
		p[i].scale = 1 << i;
		p[i].serverless_monthly_usd = 1 << i;
		p[i].vm.vm_monthly_usd = 3;
	}
	ck_assert_double_eq_tol(baseline_break_even(p, 4), sqrt(8), 1e-12);
	for (int i = 0; i < 4; i++)
		p[i].vm.vm_monthly_usd = 100;
	ck_assert(isnan(baseline_break_even(p, 4)));
}
END_TEST

START_TEST(curve_of_a_deterministic_scenario)
{
	/* Periodic arrivals every 10 s over 36,000 s (3,601 requests at 0, 10, ...,
	 * 36000), 0.2 s each at 128 MB on Lambda x86, 1-s init billed once:
	 * (3601 * 0.2 + 1) s * 0.125 GB * $0.0000166667 + 3601 * $0.2e-6 =
	 * $0.0022227, monthly (x 2628000 / 36000) $0.16226. VMs at $0.002/h
	 * serving 3 req/s, at least 1: 0.1 req/s needs 1 VM, 730 h * 0.002 =
	 * $1.46. At scale 40 (period 0.25 s, 144,001 requests; the busiest
	 * interval holds the final arrival too: 2401 / 600 s = 4.0017 req/s)
	 * 2 VMs, $2.92, while serverless costs $6.4832 (below): the break-even
	 * lies between, at exp(ln 40 * 1.29774 / (1.29774 + 3.56321)) = 2.678. */
	const char *text =
		"{\"seed\": 1, \"duration_s\": 36000, \"timeseries_interval_s\": 600,"
		" \"functions\": [{\"name\": \"f\", \"memory_mb\": 128, \"service\": {\"dist\": \"constant\", \"value_s\": 0.2},"
		" \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 1}},"
		" \"arrivals\": {\"process\": \"periodic\", \"period_s\": 10}}],"
		" \"baseline\": {\"kind\": \"vm\", \"hourly_usd\": 0.002, \"requests_per_s_per_vm\": 3, \"scale\": \"peak\"}}";
	json_t *doc = json_loads(text, 0, NULL);
	struct baseline_cfg b;
	struct errbuf err = { "" };
	ck_assert_int_eq(baseline_parse(doc, "t.json", &b, &err), 1);
	double scales[] = { 1, 40 };
	struct baseline_point pts[2];
	unsigned kinds;
	struct run_options opt = { .threads = 1 };
	ck_assert_msg(baseline_curve(doc, "t.json", &b, scales, 2, &opt, pts, &kinds, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(kinds, BASELINE_SRC_PERIODIC);
	double s1 = (3601 * 0.2 + 1) * 0.125 * 0.0000166667 + 3601 * 0.2e-6;
	ck_assert_double_eq_tol(pts[0].serverless_monthly_usd, s1 * 2628000 / 36000, 1e-9);
	ck_assert_double_eq_tol(pts[0].vm.vm_monthly_usd, 1.46, 1e-9);
	ck_assert_uint_eq(pts[0].vm.peak_vms, 1);
	/* At 4 req/s the requests at 0.25, 0.5, 0.75 and 1 s arrive while the
	 * first instance initialises or serves (until 1.2 s): 5 cold starts, each
	 * billing its 1-s init; afterwards the 5 instances serve warm. */
	double s40 = (144001 * 0.2 + 5) * 0.125 * 0.0000166667 + 144001 * 0.2e-6;
	ck_assert_double_eq_tol(pts[1].serverless_monthly_usd, s40 * 2628000 / 36000, 1e-8);
	ck_assert_double_eq_tol(pts[1].vm.peak_rate_per_s, 2401.0 / 600, 1e-12);
	ck_assert_uint_eq(pts[1].vm.peak_vms, 2);
	ck_assert_double_eq_tol(pts[1].vm.vm_monthly_usd, 2.92, 1e-9);
	double d0 = s1 * 2628000 / 36000 - 1.46, d1 = s40 * 2628000 / 36000 - 2.92;
	ck_assert_double_eq_tol(baseline_break_even(pts, 2), exp(log(40) * -d0 / (d1 - d0)), 1e-9);
	ck_assert_double_eq_tol(baseline_break_even(pts, 2), 2.678, 0.001);
	json_decref(doc);
}
END_TEST

Suite *baseline_suite(void)
{
	return TU_SUITE("baseline", "core", 60, vm_cost_by_hand, parse_and_errors, traffic_scaling,
			break_even_interpolation, curve_of_a_deterministic_scenario, trace_workload_scales,
			generator_workload_scales);
}
