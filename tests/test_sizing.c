/*
 * Memory and CPU sizing (functions[i].work, Amdahl over the provider's vCPU
 * share), out-of-memory failures and the "model" cold start, against their
 * formulas, the published Lambda shape and the published start-up figures.
 */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include "suites.h"
#include "testutil.h"
#include "models/models.h"
#include "models/pricing/catalog.h"
#include "models/runtimes.h"

START_TEST(amdahl_table)
{
	/* service = io_s + cpu_s x ((1 - p) + p / v) for v >= 1, cpu_s / v below. */
	struct work_cfg w = { .cpu_s = 1, .io_s = 0 };
	ck_assert_double_eq_tol(scenario_work_service_s(&w, 0.5), 2.0, 1e-15);
	ck_assert_double_eq_tol(scenario_work_service_s(&w, 1), 1.0, 1e-15);
	ck_assert_double_eq_tol(scenario_work_service_s(&w, 4), 1.0, 1e-15);   /* single-threaded */
	w.parallel_fraction = 1;
	ck_assert_double_eq_tol(scenario_work_service_s(&w, 4), 0.25, 1e-15);
	ck_assert_double_eq_tol(scenario_work_service_s(&w, 0.25), 4.0, 1e-15); /* below 1: all CPU slows */
	w.parallel_fraction = 0.5;
	w.io_s = 0.3;
	ck_assert_double_eq_tol(scenario_work_service_s(&w, 4), 0.3 + 0.5 + 0.125, 1e-15);
}
END_TEST

/* One function of CPU-bound work (1 CPU-second, parallel fraction p) at
 * memory_mb: 11 requests, 100 s apart, no init. */
static void lambda_point(uint32_t memory_mb, double p, double *latency_s, double *cost_usd, double *gb_s)
{
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r, "{\"duration_s\": 1000, \"functions\": [{\"name\": \"f\", \"memory_mb\": %u,"
		     " \"work\": {\"cpu_s\": 1, \"parallel_fraction\": %g},"
		     " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 100}}]}", memory_mb, p);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_INVOCATIONS), 11);
	*latency_s = tu_fig(&r.totals, FIG_LATENCY_MEAN);
	*cost_usd = tu_fig(&r.totals, FIG_COST_COMPUTE);
	*gb_s = tu_fig(&r.totals, FIG_BILLED_GB_S);
	tu_done(&sc, &r);
}

START_TEST(classic_lambda_shape)
{
	double t128, c128, g128, t1024, c1024, g1024, t1769, c, g, t3538;
	/* 128 MB = 128/1769 vCPU: 1769/128 = 13.8203125 s, billed 13,821 ms;
	 * 1,024 MB: 1769/1024 = 1.7275390625 s, billed 1,728 ms. 8x faster. */
	lambda_point(128, 0, &t128, &c128, &g128);
	lambda_point(1024, 0, &t1024, &c1024, &g1024);
	ck_assert_double_eq_tol(t128, 1769.0 / 128, 1e-9);
	ck_assert_double_eq_tol(t1024, 1769.0 / 1024, 1e-9);
	ck_assert_double_eq_tol(t128 / t1024, 8.0, 1e-9);
	/* About the same cost: 11 x 13,821 ms x 0.125 GB vs 11 x 1,728 ms x 1 GB,
	 * a ratio of 1,769,088 / 1,769,472 (only the 1 ms rounding differs). */
	ck_assert_double_eq_tol(g128, 11 * 13.821 * 0.125, 1e-9);
	ck_assert_double_eq_tol(g1024, 11 * 1.728, 1e-9);
	ck_assert_double_eq_tol(c128 / c1024, 1769088.0 / 1769472.0, 1e-12);
	/* From 1,769 MB on, single-threaded work runs its 1 s whatever the memory. */
	lambda_point(1769, 0, &t1769, &c, &g);
	lambda_point(3538, 0, &t3538, &c, &g);
	ck_assert_double_eq_tol(t1769, 1.0, 1e-9);
	ck_assert_double_eq_tol(t3538, 1.0, 1e-9);
	/* Parallel work keeps gaining: p = 0.9 on 2 vCPUs = 0.1 + 0.45 s. */
	lambda_point(3538, 0.9, &t3538, &c, &g);
	ck_assert_double_eq_tol(t3538, 0.55, 1e-9);
}
END_TEST

START_TEST(work_spread_is_lognormal)
{
	/* cv 0.5 around io 0.2 + 0.3 CPU-s at 1 vCPU (GCF gen1 2 GB): mean
	 * 0.5 s. The mean of n = 20,000 lognormal draws has standard error
	 * 0.5 x 0.5 / sqrt(n) = 0.00177 s; 4 of them bound it (p ~ 6e-5). The
	 * median is mean / sqrt(1 + cv^2) = 0.44721 s; the sample median's
	 * standard error is m sigma sqrt(2 pi) / (2 sqrt(n)) = 0.00187 s with
	 * sigma^2 = ln(1 + cv^2); 4 of them plus the histogram's 0.4 %. */
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r, "{\"duration_s\": 19999, \"provider\": \"gcf-gen1\", \"functions\": [{\"name\": \"f\","
		     " \"memory_mb\": 2048, \"work\": {\"cpu_s\": 0.3, \"io_s\": 0.2, \"cv\": 0.5},"
		     " \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 1e9},"
		     " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 1}}]}");
	ck_assert_double_eq(tu_fig(&r.totals, FIG_INVOCATIONS), 20000);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_LATENCY_MEAN), 0.5, 4 * 0.00177);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_LATENCY_P50), 0.5 / sqrt(1.25), 4 * 0.00187 + 0.004 * 0.448);
	tu_done(&sc, &r);
}
END_TEST

START_TEST(out_of_memory_requests)
{
	/* The work needs 600 MB: at 512 MB each request runs its 0.3 s, fails as
	 * oom, is billed (11 x 300 ms x 0.5 GB) and kills its instance, so the
	 * next one is cold again although the keep-alive is 10 minutes. */
	struct scenario sc;
	struct run_result r;
	const char *fmt = "{\"duration_s\": 100, \"functions\": [{\"name\": \"f\", \"memory_mb\": %d,"
			  " \"work\": {\"io_s\": 0.3, \"min_memory_mb\": 600},"
			  " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 10}}]}";
	tu_simulatef(&sc, &r, fmt, 512);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_INVOCATIONS), 11);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_OOM), 11);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COMPLETED), 0);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 11);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_BILLED_GB_S), 11 * 0.3 * 0.5, 1e-12);
	ck_assert(isnan(tu_fig(&r.totals, FIG_LATENCY_MEAN)));
	tu_done(&sc, &r);
	/* With 640 MB it fits: one cold start, ten warm requests. */
	tu_simulatef(&sc, &r, fmt, 640);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_OOM), 0);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COMPLETED), 11);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 1);
	tu_done(&sc, &r);
}
END_TEST

/* Parses a cold_start "model" object for provider/memory. */
static int model_cfg(const char *json, const char *provider, uint32_t memory_mb, void **cfg, struct errbuf *err)
{
	json_t *obj = json_loads(json, 0, NULL);
	ck_assert_ptr_nonnull(obj);
	const struct coldstart_ops *ops = coldstart_find("model");
	struct coldstart_ctx ctx = { .provider = provider, .memory_mb = memory_mb, .vcpus = 1 };
	int rc = ops->parse(obj, &ctx, "t.json: functions[0].cold_start", cfg, err);
	json_decref(obj);
	return rc;
}

static double model_init(const char *json, const char *provider, uint32_t memory_mb, enum restore_kind *restore)
{
	void *cfg;
	struct errbuf err = { "" };
	ck_assert_msg(model_cfg(json, provider, memory_mb, &cfg, &err) == 0, "%s", err.msg);
	const struct coldstart_ops *ops = coldstart_find("model");
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
	struct coldstart_draw d;
	ops->draw(cfg, rng, 0.1, &d);
	ck_assert_double_eq(d.service_s, 0.1);
	if (restore)
		*restore = d.restore;
	gsl_rng_free(rng);
	ops->free_cfg(cfg);
	return d.init_s;
}

START_TEST(model_start_by_provider_and_memory)
{
	/* sigma 0 gives the median itself. Lambda: 0.25 s whatever the memory. */
	const char *py = "{\"mode\": \"model\", \"start_sigma\": 0}";
	ck_assert_double_eq_tol(model_init(py, "aws-lambda-x86", 128, NULL), 0.25, 1e-15);
	ck_assert_double_eq_tol(model_init(py, "aws-lambda-x86", 3008, NULL), 0.25, 1e-15);
	/* GCF: 0.49 s at 128 MB to 0.11 s at 2 GB, log-linear in between
	 * (512 MB is half way in log2: sqrt(0.49 x 0.11)), flat beyond. */
	ck_assert_double_eq_tol(model_init(py, "gcf-gen1", 128, NULL), 0.49, 1e-12);
	ck_assert_double_eq_tol(model_init(py, "gcf-gen1", 512, NULL), sqrt(0.49 * 0.11), 1e-12);
	ck_assert_double_eq_tol(model_init(py, "gcf-gen2", 2048, NULL), 0.11, 1e-12);
	ck_assert_double_eq_tol(model_init(py, "gcf-gen2", 8192, NULL), 0.11, 1e-12);
	/* Azure: Consumption 3.6 s, Flex and Premium 1.0 s. */
	ck_assert_double_eq(model_init(py, "azure-consumption", 512, NULL), 3.6);
	ck_assert_double_eq(model_init(py, "azure-flex", 2048, NULL), 1.0);
	ck_assert_double_eq(model_init(py, "azure-premium-ep3", 2048, NULL), 1.0);
	/* The medians are the providers' data (models/pricing/data/): every
	 * registered provider has one; a provider without data needs
	 * start_median_s. */
	char list[1024];
	snprintf(list, sizeof(list), "%s", pricing_names());
	for (char *save, *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		struct pricing_coldstart cs;
		struct errbuf err = { "" };
		ck_assert_msg(pricing_catalog_coldstart(tok, &cs, &err) == 0, "%s: %s", tok, err.msg);
		ck_assert(cs.start_median_s > 0);
	}
	void *cfg;
	struct errbuf err = { "" };
	ck_assert_int_eq(model_cfg(py, "nowhere-cloud", 512, &cfg, &err), ERR_INPUT);
	ck_assert_str_eq(err.msg, "t.json: functions[0].cold_start.start_median_s: no default start time for provider"
				  " nowhere-cloud; set start_median_s");
	ck_assert_double_eq(model_init("{\"mode\": \"model\", \"start_sigma\": 0, \"start_median_s\": 2}",
				       "nowhere-cloud", 512, NULL), 2);
	/* Runtime factor: Java 8.9 x the Python start. */
	ck_assert_double_eq_tol(model_init("{\"mode\": \"model\", \"runtime\": \"java\", \"start_sigma\": 0}",
					   "aws-lambda-x86", 1024, NULL), 0.25 * 8.9, 1e-12);
	/* Package at 73 MB/s: 146 MB adds 2 s. */
	ck_assert_double_eq_tol(model_init("{\"mode\": \"model\", \"start_sigma\": 0, \"package_mb\": 146}",
					   "aws-lambda-x86", 1024, NULL), 2.25, 1e-12);
}
END_TEST

START_TEST(model_load_of_a_quantized_llm)
{
	/* The AWS Compute Blog's DeepSeek-R1-Distill-Qwen-1.5B Q4 GGUF (~1,117 MB)
	 * fetched from S3 at start-up: a 16.5 s cold start. Defaults: 0.25 s +
	 * 1,117 / 73 s + 1.0 s framework init = 16.55 s. */
	const char *llm = "{\"mode\": \"model\", \"start_sigma\": 0, \"model\": {\"size_mb\": 1117}}";
	ck_assert_double_eq_tol(model_init(llm, "aws-lambda-x86", 3008, NULL), 16.5, 0.1);
	/* SnapStart: restore instead, 0.12 + (60 + 1,117) / 800 = 1.59 s (the blog:
	 * 1.6 s), charged (Python); Java restores are free. */
	enum restore_kind k;
	const char *snap = "{\"mode\": \"model\", \"snapstart\": true, \"restore_sigma\": 0,"
			   " \"model\": {\"size_mb\": 1117}}";
	ck_assert_double_eq_tol(model_init(snap, "aws-lambda-x86", 3008, &k), 1.59125, 1e-12);
	ck_assert_int_eq(k, RESTORE_CHARGED);
	model_init("{\"mode\": \"model\", \"runtime\": \"java\", \"snapstart\": true}", "aws-lambda-arm64", 1024, &k);
	ck_assert_int_eq(k, RESTORE_FREE);
	void *cfg;
	struct errbuf err = { "" };
	ck_assert_int_eq(model_cfg("{\"mode\": \"model\", \"snapstart\": true}", "gcf-gen2", 1024, &cfg, &err),
			 ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "functions[0].cold_start.snapstart: SnapStart is an AWS Lambda feature"));
	ck_assert_int_eq(model_cfg("{\"mode\": \"model\", \"runtime\": \"nodejs\", \"snapstart\": true}",
				   "aws-lambda-x86", 1024, &cfg, &err), ERR_INPUT);
	ck_assert_int_eq(model_cfg("{\"mode\": \"model\", \"runtime\": \"cobol\"}", "aws-lambda-x86", 1024, &cfg, &err),
			 ERR_INPUT);
	ck_assert_int_eq(model_cfg("{\"mode\": \"model\", \"model\": {\"size_gb\": 1}}", "aws-lambda-x86", 1024, &cfg,
				   &err), ERR_INPUT);
	ck_assert_ptr_nonnull(strstr(err.msg, "cold_start.model.size_gb: unknown key"));
}
END_TEST

START_TEST(model_start_spread)
{
	/* Lognormal start, median 0.25 s, sigma 0.3: over n = 20,000 draws the
	 * mean of ln(init) estimates ln 0.25 with standard error 0.3 / sqrt(n) =
	 * 0.0021, and the sample sd of ln(init) is 0.3 within 4 x 0.3 / sqrt(2n)
	 * = 0.006. mean_total_s is 0.25 e^(0.045) + warm mean. */
	void *cfg;
	struct errbuf err = { "" };
	ck_assert_int_eq(model_cfg("{\"mode\": \"model\"}", "aws-lambda-x86", 1024, &cfg, &err), 0);
	const struct coldstart_ops *ops = coldstart_find("model");
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
	double sum = 0, sum2 = 0;
	const int n = 20000;
	for (int i = 0; i < n; i++) {
		struct coldstart_draw d;
		ops->draw(cfg, rng, 0, &d);
		sum += log(d.init_s);
		sum2 += log(d.init_s) * log(d.init_s);
	}
	double mean = sum / n, sd = sqrt((sum2 - n * mean * mean) / (n - 1));
	ck_assert_double_eq_tol(mean, log(0.25), 4 * 0.0021);
	ck_assert_double_eq_tol(sd, 0.3, 0.006);
	ck_assert_double_eq_tol(ops->mean_total_s(cfg, 1.0), 0.25 * exp(0.045) + 1.0, 1e-12);
	gsl_rng_free(rng);
	ops->free_cfg(cfg);
}
END_TEST

START_TEST(model_memory_and_snapstart_bills)
{
	/* A 1,117 MB model and a 60 MB Python runtime need 1,177 MB: at 1,024 MB
	 * every instance dies at the end of loading (16.55 s of INIT billed,
	 * nothing run); at 2,048 MB it fits. */
	struct scenario sc;
	struct run_result r;
	const char *fmt = "{\"duration_s\": 1000, \"functions\": [{\"name\": \"f\", \"memory_mb\": %d,"
			  " \"service\": {\"dist\": \"constant\", \"value_s\": 0.2},"
			  " \"cold_start\": {\"mode\": \"model\", \"start_sigma\": 0, \"model\": {\"size_mb\": 1117}%s},"
			  " \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": %d},"
			  " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 100}}]}";
	tu_simulatef(&sc, &r, fmt, 1024, "", 600);
	ck_assert_int_eq(sc.functions[0].oom, OOM_INIT);
	ck_assert_uint_eq(sc.functions[0].needed_memory_mb, 1177);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_OOM), 11);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 11);
	double init = 0.25 + 1117.0 / 73 + 1.0;
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_BILLED_GB_S), 11 * ceil(init * 1000) / 1000, 1e-9);
	tu_done(&sc, &r);
	tu_simulatef(&sc, &r, fmt, 2048, "", 600);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_OOM), 0);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 1);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_LATENCY_MAX), init + 0.2, 1e-9);
	tu_done(&sc, &r);
	/* SnapStart (Python) with no keep-alive: 11 restores of 2 GB, each run
	 * billing 200 ms only; restore fee 11 x 2 GB x $0.0001397998; snapshot
	 * cached the 1,000 s window, billed the 3 h minimum: 2 GB x 10,800 s x
	 * $0.0000015046. */
	tu_simulatef(&sc, &r, fmt, 2048, ", \"snapstart\": true", 0);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 11);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_BILLED_GB_S), 11 * 0.2 * 2, 1e-12);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_COST_COMPUTE),
				11 * 0.4 * 0.0000166667 + 22 * 0.0001397998 + 2 * 10800 * 0.0000015046, 1e-12);
	tu_done(&sc, &r);
}
END_TEST

START_TEST(scenario_sizing_errors)
{
	struct scenario sc;
	struct errbuf err = { "" };
	const struct {
		const char *fn;
		const char *msg;
	} cases[] = {
		{ "\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}",
		  "functions[0]: give exactly one of service and work" },
		{ "\"service\": {\"dist\": \"constant\", \"value_s\": 1}, \"work\": {\"cpu_s\": 1},"
		  " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}",
		  "give exactly one of service and work" },
		{ "\"work\": {\"cpu_s\": 1, \"parallel_fraction\": 1.5}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}",
		  "functions[0].work.parallel_fraction: must be a number in [0, 1]" },
		{ "\"work\": {\"cpu\": 1}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}",
		  "functions[0].work.cpu: unknown key" },
		{ "\"vcpus\": 2, \"work\": {\"cpu_s\": 1}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}",
		  "functions[0].vcpus: AWS Lambda derives the vCPU share from memory_mb" },
		{ "\"memory_mb\": 20000, \"work\": {\"cpu_s\": 1}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}",
		  "functions[0].memory_mb: must be an integer in [128, 10240] on aws-lambda-x86, got 20000" },
		{ "\"cpu_fraction\": 0.5, \"work\": {\"cpu_s\": 1}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}",
		  "functions[0].cpu_fraction: only with service (with work it follows from cpu_s and io_s)" },
		{ "\"cpu_fraction\": 1.5, \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		  " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}",
		  "functions[0].cpu_fraction: must be a number in [0, 1]" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text), "{\"duration_s\": 10, \"functions\": [{\"name\": \"f\", %s}]}", cases[i].fn);
		json_t *doc = json_loads(text, 0, NULL);
		ck_assert_ptr_nonnull(doc);
		int rc = scenario_from_json(&sc, doc, "t.json", &err);
		json_decref(doc);
		ck_assert_int_eq(rc, ERR_INPUT);
		ck_assert_msg(strstr(err.msg, cases[i].msg), "case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].msg);
		scenario_free(&sc);
	}
	/* gcf-gen2 takes a configured vCPU count: 2 vCPUs halve p = 1 work. */
	json_t *doc = json_loads("{\"duration_s\": 10, \"provider\": \"gcf-gen2\", \"functions\": [{\"name\": \"f\","
				 " \"memory_mb\": 2048, \"vcpus\": 2, \"work\": {\"cpu_s\": 1, \"parallel_fraction\": 1},"
				 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}", 0, NULL);
	ck_assert_int_eq(scenario_from_json(&sc, doc, "t.json", &err), 0);
	json_decref(doc);
	ck_assert_double_eq(sc.functions[0].vcpus, 2);
	ck_assert_double_eq_tol(dist_mean(&sc.functions[0].service), 0.5, 1e-15);
	scenario_free(&sc);
}
END_TEST

START_TEST(cpu_share_for_processor_sharing)
{
	/* cpu_fraction: the CPU time alone over the service time alone;
	 * cpu_width: vCPUs over the vCPUs one request uses alone. */
	const struct {
		const char *fn;
		double fraction, width;
	} cases[] = {
		/* 1 vCPU: 0.3 s CPU + 0.1 s I/O. */
		{ "\"memory_mb\": 1769, \"work\": {\"cpu_s\": 0.3, \"io_s\": 0.1}", 0.75, 1 },
		/* 2 vCPUs, p = 0.5: 0.75 s of CPU alone, using 4/3 vCPU: 1.5 run at once. */
		{ "\"memory_mb\": 3538, \"work\": {\"cpu_s\": 1, \"io_s\": 0.25, \"parallel_fraction\": 0.5}", 0.75, 1.5 },
		/* 2 vCPUs, single-threaded: two at full speed. */
		{ "\"memory_mb\": 3538, \"work\": {\"cpu_s\": 1}", 1, 2 },
		/* Below one vCPU a request uses all of the share: one at a time. */
		{ "\"memory_mb\": 512, \"work\": {\"cpu_s\": 1, \"io_s\": 1}", (1769.0 / 512) / (1769.0 / 512 + 1), 1 },
		{ "\"memory_mb\": 512, \"work\": {\"io_s\": 1}", 0, 1 },
		/* A service time: the fraction given (default 0), one thread. */
		{ "\"memory_mb\": 3538, \"service\": {\"dist\": \"constant\", \"value_s\": 1}", 0, 2 },
		{ "\"cpu_fraction\": 0.4, \"service\": {\"dist\": \"constant\", \"value_s\": 1}", 0.4, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text), "{\"duration_s\": 10, \"functions\": [{\"name\": \"f\", %s,"
			 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}", cases[i].fn);
		struct scenario sc;
		tu_load(text, "t.json", &sc);
		ck_assert_double_eq_tol(sc.functions[0].cpu_fraction, cases[i].fraction, 1e-12);
		ck_assert_double_eq_tol(sc.functions[0].cpu_width, cases[i].width, 1e-12);
		scenario_free(&sc);
	}
}
END_TEST

/* Loads one function on `provider` at memory_mb (its body: fn) and returns
 * what the scenario made of it. */
static void load_fn(const char *provider, int memory_mb, const char *fn, struct function_cfg *out, double *mean_s)
{
	struct scenario sc;
	char text[1024];
	snprintf(text, sizeof(text), "{\"duration_s\": 10, \"provider\": \"%s\", \"functions\": [{\"name\": \"f\","
		 " \"memory_mb\": %d, %s, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}",
		 provider, memory_mb, fn);
	tu_load(text, "t.json", &sc);
	*out = sc.functions[0];
	*mean_s = dist_mean(&sc.functions[0].service);
	scenario_free(&sc);
}

static uint32_t needed_mb(int memory_mb, const char *cold, enum oom_kind *oom)
{
	char fn[512];
	struct function_cfg f;
	double mean;
	snprintf(fn, sizeof(fn), "\"service\": {\"dist\": \"constant\", \"value_s\": 0.2},"
		 " \"cold_start\": {\"mode\": \"model\", %s}", cold);
	load_fn("aws-lambda-x86", memory_mb, fn, &f, &mean);
	*oom = f.oom;
	return f.needed_memory_mb;
}

START_TEST(framework_memory)
{
	/* A PyTorch function with a 1.2 GB model (1,228.8 MB) on Python: 60 +
	 * 400 + 1,228.8 = 1,688.8 MB, rounded up to 1,689 > 1,536: every
	 * instance dies at the end of its init; 2,048 MB holds it. */
	struct scenario sc;
	struct run_result r;
	const char *fmt = "{\"duration_s\": 1000, \"functions\": [{\"name\": \"f\", \"memory_mb\": %d,"
			  " \"service\": {\"dist\": \"constant\", \"value_s\": 0.2},"
			  " \"cold_start\": {\"mode\": \"model\", \"start_sigma\": 0, \"framework\": \"pytorch\","
			  " \"model\": {\"size_mb\": 1228.8}},"
			  " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 100}}]}";
	tu_simulatef(&sc, &r, fmt, 1536);
	ck_assert_int_eq(sc.functions[0].oom, OOM_INIT);
	ck_assert_uint_eq(sc.functions[0].needed_memory_mb, 1689);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_OOM), 11);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 11);
	tu_done(&sc, &r);
	tu_simulatef(&sc, &r, fmt, 2048);
	ck_assert_int_eq(sc.functions[0].oom, OOM_NONE);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_OOM), 0);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 1);
	tu_done(&sc, &r);
	/* The other frameworks and runtimes, from the data: 60 + 70 + 100
	 * (scikit-learn), 60 + 300 + 100 (tensorflow), 60 + 50 + 100
	 * (onnxruntime), Go's 22 + 100, Java's 120 + 400 + 1,228.8. */
	enum oom_kind oom;
	const char *m = "\"model\": {\"size_mb\": 100}";
	char cold[256];
	const struct {
		const char *keys;
		uint32_t mb;
	} cases[] = {
		{ "\"framework\": \"scikit-learn\"", 230 }, { "\"framework\": \"tensorflow\"", 460 },
		{ "\"framework\": \"onnxruntime\"", 210 }, { "\"framework\": \"none\"", 160 },
		{ "\"runtime\": \"go\"", 122 },
		/* Overrides: framework_memory_mb and runtime_memory_mb replace the data's. */
		{ "\"framework\": \"pytorch\", \"framework_memory_mb\": 250", 410 },
		{ "\"runtime\": \"java\", \"framework\": \"pytorch\", \"runtime_memory_mb\": 0.5", 501 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(cold, sizeof(cold), "%s, %s", cases[i].keys, m);
		ck_assert_msg(needed_mb(4096, cold, &oom) == cases[i].mb, "case %zu", i);
	}
	ck_assert_uint_eq(needed_mb(1536, "\"runtime\": \"java\", \"framework\": \"pytorch\","
				    " \"model\": {\"size_mb\": 1228.8}", &oom), 1749);
	ck_assert_int_eq(oom, OOM_INIT);
	/* With the framework's memory overridden to 0 the 1.2 GB model fits 1,536 MB (1,289). */
	ck_assert_uint_eq(needed_mb(1536, "\"framework\": \"pytorch\", \"framework_memory_mb\": 0,"
				    " \"model\": {\"size_mb\": 1228.8}", &oom), 1289);
	ck_assert_int_eq(oom, OOM_NONE);
	/* A snapshot holds the framework too: 0.12 + (60 + 400 + 1,117) / 800. */
	enum restore_kind k;
	ck_assert_double_eq_tol(model_init("{\"mode\": \"model\", \"snapstart\": true, \"restore_sigma\": 0,"
					   " \"framework\": \"pytorch\", \"model\": {\"size_mb\": 1117}}",
					   "aws-lambda-x86", 3008, &k), 0.12 + 1577.0 / 800, 1e-12);
}
END_TEST

START_TEST(arm64_cpu_speed)
{
	/* 3,538 MB = 2 vCPUs. x86: 0.3 + 1 x (0.5 + 0.5 / 2) = 1.05 s. arm64
	 * divides the CPU part (only) by the data's arm64 speed, 1.19 (AWS's
	 * "up to 19 percent better performance"): 0.3 + 0.75 / 1.19. */
	const char *w = "\"work\": {\"cpu_s\": 1, \"io_s\": 0.3, \"parallel_fraction\": 0.5%s}";
	char fn[256];
	struct function_cfg f;
	double speed, x86, arm, mean;
	struct errbuf err = { "" };
	ck_assert_int_eq(runtimes_arch_speed("arm64", &speed, "t", &err), 0);
	ck_assert_double_eq(speed, 1.19);
	snprintf(fn, sizeof(fn), w, "");
	load_fn("aws-lambda-x86", 3538, fn, &f, &x86);
	ck_assert_double_eq(f.work.arch_speed, 1);
	load_fn("aws-lambda-arm64", 3538, fn, &f, &arm);
	ck_assert_double_eq(f.work.arch_speed, 1.19);
	ck_assert_double_eq_tol(x86, 1.05, 1e-15);
	ck_assert_double_eq_tol(arm - 0.3, (x86 - 0.3) / 1.19, 1e-15);
	/* A warm request runs exactly that long: 10 requests 10 s apart, one cold start of no init. */
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r, "{\"duration_s\": 99, \"provider\": \"aws-lambda-arm64\", \"functions\": [{\"name\": \"f\","
		     " \"memory_mb\": 3538, \"work\": {\"cpu_s\": 1, \"io_s\": 0.3, \"parallel_fraction\": 0.5},"
		     " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 10}}]}");
	ck_assert_double_eq(tu_fig(&r.totals, FIG_INVOCATIONS), 10);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_LATENCY_MEAN), 0.3 + 0.75 / 1.19, 1e-12);
	tu_done(&sc, &r);
	/* work.arch_speed overrides the plan's: 1 on arm64 is x86's time; 1.5
	 * on x86 takes two thirds of the CPU part (0.3 + 0.5). */
	snprintf(fn, sizeof(fn), w, ", \"arch_speed\": 1");
	load_fn("aws-lambda-arm64", 3538, fn, &f, &mean);
	ck_assert_double_eq_tol(mean, 1.05, 1e-15);
	snprintf(fn, sizeof(fn), w, ", \"arch_speed\": 1.5");
	load_fn("aws-lambda-x86", 3538, fn, &f, &mean);
	ck_assert_double_eq_tol(mean, 0.8, 1e-15);
	/* Every plan's data names a known architecture: arm64 for Lambda arm64 only. */
	char list[1024];
	snprintf(list, sizeof(list), "%s", pricing_names());
	for (char *save, *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		ck_assert_msg(runtimes_plan_speed(tok, &speed, &err) == 0, "%s: %s", tok, err.msg);
		ck_assert_double_eq(speed, strcmp(tok, "aws-lambda-arm64") == 0 ? 1.19 : 1);
	}
}
END_TEST

START_TEST(runtime_fact_errors)
{
	struct scenario sc;
	struct errbuf err = { "" };
	const struct {
		const char *fn;
		const char *msg;
	} cases[] = {
		{ "\"cold_start\": {\"mode\": \"model\", \"framework\": \"torch\"}",
		  "t.json: functions[0].cold_start.framework: unknown framework \"torch\" (known: none, onnxruntime,"
		  " pytorch, tensorflow, scikit-learn)" },
		{ "\"cold_start\": {\"mode\": \"model\", \"runtime\": \"cobol\"}",
		  "t.json: functions[0].cold_start.runtime: unknown runtime \"cobol\" (known: python, nodejs, java,"
		  " dotnet, go, container)" },
		{ "\"cold_start\": {\"mode\": \"model\", \"framework\": 3}",
		  "t.json: functions[0].cold_start.framework: must be a string, got an integer" },
		{ "\"cold_start\": {\"mode\": \"model\", \"framework_memory_mb\": -1}",
		  "t.json: functions[0].cold_start.framework_memory_mb: must be a number in [0, 1e+06], got -1" },
		{ "\"work\": {\"cpu_s\": 1, \"arch_speed\": 0}",
		  "t.json: functions[0].work.arch_speed: must be a number in [0.001, 1000], got 0" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[1024];
		snprintf(text, sizeof(text), "{\"duration_s\": 10, \"functions\": [{\"name\": \"f\", %s%s,"
			 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}", cases[i].fn,
			 strstr(cases[i].fn, "\"work\"") ? "" : ", \"service\": {\"dist\": \"constant\", \"value_s\": 1}");
		json_t *doc = json_loads(text, 0, NULL);
		ck_assert_ptr_nonnull(doc);
		int rc = scenario_from_json(&sc, doc, "t.json", &err);
		json_decref(doc);
		ck_assert_int_eq(rc, ERR_INPUT);
		ck_assert_msg(strcmp(err.msg, cases[i].msg) == 0, "case %zu: \"%s\" is not \"%s\"", i, err.msg,
			      cases[i].msg);
		scenario_free(&sc);
	}
}
END_TEST

Suite *sizing_suite(void)
{
	return TU_SUITE("sizing", "sizing", 60, amdahl_table, classic_lambda_shape, work_spread_is_lognormal,
			out_of_memory_requests, model_start_by_provider_and_memory,
			model_load_of_a_quantized_llm, model_start_spread, model_memory_and_snapstart_bills,
			scenario_sizing_errors, framework_memory, arm64_cpu_speed, runtime_fact_errors,
			cpu_share_for_processor_sharing);
}
