/* llmprofile: SplitwiseSim's perf_model.csv read as published, its averaged
 * points, piecewise-linear interpolation and the check against e2e_time. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/testutil.h"
#include "suites.h"
#include "core/csvreader.h"
#include "models/llmprofile.h"
#include "run/run.h"
#include "run/stats.h"
#include "scenario/scenario.h"

#define PERF "validation/llm-perf-profile-splitwise/perf_model.csv"

static struct llmprof *load(const char *model, const char *hw, int tp)
{
	struct llmprof *p = NULL;
	struct errbuf err = { 0 };
	int rc = llmprof_load(&p, tu_shared(PERF), model, hw, tp, &err);
	ck_assert_msg(rc == 0, "%s", err.msg);
	return p;
}

static const char *load_error(const char *path, const char *model, const char *hw, int tp)
{
	static struct errbuf err;
	struct llmprof *p = NULL;
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(llmprof_load(&p, path, model, hw, tp, &err), ERR_INPUT);
	ck_assert_ptr_null(p);
	return err.msg;
}

START_TEST(points_are_row_means)
{
	/* Means of the published rows (awk over perf_model.csv, ms, printed to
	 * 12 digits, hence 1e-11 s): llama2-70b, a100-80gb, tensor parallel 4. prompt_time at
	 * batch 1 by prompt size (512 has 45 rows: the prompt, batch and output
	 * sweeps meet there; the others 5); token_time by batch size (batch 1 has
	 * 75 rows over all prompt and output sizes). */
	static const double prompt[] = { 128, 256, 512, 1024, 2048, 4096, 8192 };
	static const double prompt_ms[] = { 66.5588662494, 78.5346097779, 127.455678999, 230.136302812,
					    403.299697023, 969.668260589, 2333.36997717 };
	static const double batch[] = { 1, 2, 4, 8, 16, 32, 64 };
	static const double token_ms[] = { 44.5133443084, 45.0059638522, 45.1695191707, 45.8732687221,
					   48.6638232345, 52.4256991004, 72.7567373694 };
	struct llmprof *p = load("llama2-70b", "a100-80gb", 4);
	const double *x, *y;
	ck_assert_int_eq(llmprof_tensor_parallel(p), 4);
	ck_assert_uint_eq(llmprof_prefill_points(p, &x, &y), 7);
	for (int i = 0; i < 7; i++) {
		ck_assert_double_eq(x[i], prompt[i]);
		ck_assert_double_eq_tol(y[i], prompt_ms[i] / 1e3, 1e-11);
		ck_assert_double_eq(llmprof_prefill_s(p, prompt[i]), y[i]);
	}
	ck_assert_uint_eq(llmprof_decode_points(p, &x, &y), 7);
	for (int i = 0; i < 7; i++) {
		ck_assert_double_eq(x[i], batch[i]);
		ck_assert_double_eq_tol(y[i], token_ms[i] / 1e3, 1e-11);
		ck_assert_double_eq(llmprof_decode_s(p, batch[i]), y[i]);
	}
	llmprof_free(p);
}
END_TEST

START_TEST(linear_between_points_clamped_below_extrapolated_above)
{
	struct llmprof *p = load("bloom-176b", "h100-80gb", 0);   /* its only degree, 8 */
	ck_assert_int_eq(llmprof_tensor_parallel(p), 8);
	double p128 = llmprof_prefill_s(p, 128), p256 = llmprof_prefill_s(p, 256), p512 = llmprof_prefill_s(p, 512);
	double p4096 = llmprof_prefill_s(p, 4096), p8192 = llmprof_prefill_s(p, 8192);
	/* Midway between two measured points: their mean; a quarter of the way:
	 * 3/4 of one plus 1/4 of the other. */
	ck_assert_double_eq_tol(llmprof_prefill_s(p, 384), (p256 + p512) / 2, 1e-15);
	ck_assert_double_eq_tol(llmprof_prefill_s(p, 320), 0.75 * p256 + 0.25 * p512, 1e-15);
	double d2 = llmprof_decode_s(p, 2), d4 = llmprof_decode_s(p, 4), d32 = llmprof_decode_s(p, 32),
	       d64 = llmprof_decode_s(p, 64);
	ck_assert_double_eq_tol(llmprof_decode_s(p, 3), (d2 + d4) / 2, 1e-15);
	ck_assert_double_eq_tol(llmprof_decode_s(p, 48), (d32 + d64) / 2, 1e-15);
	/* Below the smallest point: clamped; above the largest: the last segment
	 * continued. */
	ck_assert_double_eq(llmprof_prefill_s(p, 1), p128);
	ck_assert_double_eq(llmprof_prefill_s(p, 0), p128);
	ck_assert_double_eq_tol(llmprof_prefill_s(p, 16384), p8192 + (p8192 - p4096) / 4096 * 8192, 1e-12);
	ck_assert_double_eq_tol(llmprof_decode_s(p, 128), d64 + (d64 - d32) / 32 * 64, 1e-12);
	llmprof_free(p);
}
END_TEST

struct vrow {
	char model[32], hw[32];
	double tp, prompt, batch, tokens, pt_ms, tt_ms, e2e_ms;
};

/* Every row of the published file, read independently of the module. */
static size_t read_all(struct vrow *v, size_t cap)
{
	struct csvr *r;
	struct csvr_row row;
	struct errbuf err = { 0 };
	size_t n = 0;
	ck_assert_int_eq(csvr_open(&r, tu_shared(PERF), &err), 0);
	ck_assert_int_eq(csvr_next(r, &row, &err), 1);   /* header, columns as SOURCE.txt lists them */
	ck_assert_str_eq(row.fields[7], "prompt_time");
	ck_assert_str_eq(row.fields[9], "e2e_time");
	while (csvr_next(r, &row, &err) == 1 && n < cap) {
		struct vrow *w = &v[n++];
		snprintf(w->model, sizeof(w->model), "%s", row.fields[0]);
		snprintf(w->hw, sizeof(w->hw), "%s", row.fields[1]);
		w->prompt = atof(row.fields[2]);
		w->batch = atof(row.fields[3]);
		w->tokens = atof(row.fields[4]);
		w->pt_ms = atof(row.fields[7]);
		w->tt_ms = atof(row.fields[8]);
		w->e2e_ms = atof(row.fields[9]);
		w->tp = atof(row.fields[10]);
	}
	csvr_close(r);
	return n;
}

static int same_cfg(const struct vrow *a, const struct vrow *b)
{
	return !strcmp(a->model, b->model) && !strcmp(a->hw, b->hw) && a->tp == b->tp;
}

/* Range (max - min, ms) of a column over the batch-1 rows of a's configuration
 * (and of a's prompt size when by_prompt). */
static double range_ms(const struct vrow *v, size_t n, const struct vrow *a, int by_prompt)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		if (!same_cfg(&v[i], a) || v[i].batch != 1 || (by_prompt && v[i].prompt != a->prompt))
			continue;
		double x = by_prompt ? v[i].pt_ms : v[i].tt_ms;
		lo = fmin(lo, x);
		hi = fmax(hi, x);
	}
	return hi - lo;
}

START_TEST(predicts_consistent_e2e_rows)
{
	/* A batch-1 row is consistent (SOURCE.txt's criterion) when its own
	 * prompt_time + token_size x token_time is within 5 % of its e2e_time.
	 * The profile replaces the row's prompt_time by the mean over the rows at
	 * its prompt size, and its token_time by the mean over all batch-1 rows
	 * (decode does not depend on context length in this model), so by the
	 * triangle inequality its prediction is within 5 % x e2e + (range of
	 * prompt_time at that prompt size) + token_size x (range of token_time at
	 * batch 1) of e2e_time. Checked on every configuration in the file. */
	static struct vrow v[2000];
	size_t n = read_all(v, 2000), checked = 0, consistent_128 = 0;
	ck_assert_uint_eq(n, 1260);
	for (size_t i = 0; i < n; i++) {
		const struct vrow *a = &v[i];
		double own = a->pt_ms + a->tokens * a->tt_ms;
		if (a->batch != 1 || fabs(own - a->e2e_ms) > 0.05 * a->e2e_ms)
			continue;
		struct llmprof *p = load(a->model, a->hw, (int)a->tp);
		double pred_ms = 1e3 * (llmprof_prefill_s(p, a->prompt) + a->tokens * llmprof_decode_s(p, 1));
		double tol_ms = 0.05 * a->e2e_ms + range_ms(v, n, a, 1) + a->tokens * range_ms(v, n, a, 0);
		ck_assert_msg(fabs(pred_ms - a->e2e_ms) <= tol_ms, "%s %s tp %g prompt %g tokens %g: %g ms vs %g +- %g",
			      a->model, a->hw, a->tp, a->prompt, a->tokens, pred_ms, a->e2e_ms, tol_ms);
		if (a->tokens == 128)
			consistent_128++;
		llmprof_free(p);
		checked++;
	}
	/* 12 configurations x (7 prompt sizes x 5 + 10 more at 512) batch-1 rows
	 * with 128 output tokens: 540; most are consistent. */
	ck_assert_uint_ge(consistent_128, 400);
	ck_assert_uint_ge(checked, consistent_128);
}
END_TEST

START_TEST(bad_inputs)
{
	const char *dir = tu_tmpdir(), *m;
	char missing[512];
	snprintf(missing, sizeof(missing), "%s/nope.csv", dir);
	m = load_error(missing, "llama2-70b", "a100-80gb", 0);
	ck_assert_ptr_nonnull(strstr(m, "nope.csv"));
	m = load_error(tu_shared(PERF), "llama3-8b", "a100-80gb", 0);
	ck_assert_ptr_nonnull(strstr(m, "no rows for model 'llama3-8b' on hardware 'a100-80gb' (known: "
				     "llama2-70b/a100-80gb, "));
	ck_assert_ptr_nonnull(strstr(m, "bloom-176b/h100-80gb-pcap"));
	m = load_error(tu_shared(PERF), "llama2-70b", "a100-80gb", 0);
	ck_assert_ptr_nonnull(strstr(m, "several tensor_parallel degrees (2, 4, 8): say which"));
	m = load_error(tu_shared(PERF), "llama2-70b", "a100-80gb", 3);
	ck_assert_ptr_nonnull(strstr(m, "no rows at tensor_parallel 3 (it has 2, 4, 8)"));
	const char *hdr = "model,hardware,prompt_size,batch_size,token_size,peak_power,average_power,prompt_time,"
			  "token_time,e2e_time,tensor_parallel\n";
	char text[1024], want[600];
	snprintf(text, sizeof(text), "%sm,h,128,1,128,1,1,10,5,650,2\nm,h,256,1,128,1,1,abc,5,650,2\n", hdr);
	const char *bad = tu_write(dir, "bad.csv", text);
	snprintf(want, sizeof(want), "%s:3: column 'prompt_time'", bad);
	ck_assert_ptr_nonnull(strstr(load_error(bad, "m", "h", 0), want));
	snprintf(text, sizeof(text), "%sm,h,128.5,1,128,1,1,10,5,650,2\n", hdr);
	bad = tu_write(dir, "frac.csv", text);
	snprintf(want, sizeof(want), "%s:2: column 'prompt_size': expected a whole number > 0, got 128.5", bad);
	ck_assert_str_eq(load_error(bad, "m", "h", 0), want);
	bad = tu_write(dir, "cols.csv", "model,hardware,prompt_size\nm,h,1\n");
	snprintf(want, sizeof(want), "%s:1: no column 'batch_size' (expected SplitwiseSim's perf_model.csv)", bad);
	ck_assert_str_eq(load_error(bad, "m", "h", 0), want);
}
END_TEST

START_TEST(scenario_latency_is_prefill_plus_decode)
{
	/* tests/scenarios/llm-profile.json: llama2-70b on a100-80gb at tensor
	 * parallel 4; one instance, 5 s init added to the first (cold) request.
	 * Means of the published rows (ms, as in points_are_row_means):
	 * prefill 66.5588662494 at 128 prompt tokens, 127.455678999 at 512 and
	 * 230.136302812 at 1024; decode 44.5133443084 at batch 1.
	 *   request 1 (cold): 5 + prefill(1000) + 200 x decode(1), prefill(1000)
	 *     = 127.455... + (230.136... - 127.455...) x 488/512;
	 *   request 2 (warm): prefill(100) (clamped to 128's) + 50 x decode(1). */
	const double d1 = 44.5133443084e-3, p128 = 66.5588662494e-3, p512 = 127.455678999e-3, p1024 = 230.136302812e-3;
	double l1 = 5 + p512 + (p1024 - p512) * 488.0 / 512.0 + 200 * d1, l2 = p128 + 50 * d1;
	struct scenario sc;
	struct run_result res;
	struct errbuf err = { "" };
	char *text = tu_scenario_text("llm-profile.json");
	tu_load(text, tu_scenario_path("llm-profile.json"), &sc);
	free(text);
	struct run_options opt = { .threads = 1 };
	ck_assert_msg(run_scenario(&sc, &opt, &res, &err) == 0, "%s", err.msg);
	TU_ASSERT_FIGS("llm-profile", &res.totals, { FIG_INVOCATIONS, 2, 0 }, { FIG_COMPLETED, 2, 0 },
		       { FIG_COLD_STARTS, 1, 0 }, { FIG_LATENCY_MAX, l1, 1e-9 }, { FIG_LATENCY_MEAN, (l1 + l2) / 2, 1e-9 });
	tu_done(&sc, &res);
	/* The same trace in the constant-rate form still needs both rates, and
	 * the profile excludes them. */
	const char *scen = tu_scenario_path("llm-profile.json"), *dir = tu_tmpdir();
	tu_slsim_says(2, "workload.prefill_s_per_token: required key is missing",
		      "run %s --set workload.profile=null -q -o %s/o", scen, dir);
	tu_slsim_says(2, "workload.decode_s_per_token: not allowed with \"profile\"",
		      "run %s --set workload.decode_s_per_token=0.1 -q -o %s/o", scen, dir);
	tu_slsim_says(2, "llm-perf-profile-splitwise/perf_model.csv: no rows for model 'gpt4' on hardware 'a100-80gb' (known: llama2-70b/a100-80gb, ",
		      "run %s --set workload.profile.model=gpt4 -q -o %s/o", scen, dir);
	tu_slsim_says(2, "workload.profile.tensor_parallel: must be a whole number, got 4.5",
		      "run %s --set workload.profile.tensor_parallel=4.5 -q -o %s/o", scen, dir);
	tu_slsim_says(2, "workload.profile: " /* the scenario's folder */, "run %s --set workload.profile.file=nope.csv -q -o %s/o",
		      scen, dir);
	tu_slsim_says(2, "tests/scenarios/nope.csv: cannot open", "run %s --set workload.profile.file=nope.csv -q -o %s/o",
		      scen, dir);
}
END_TEST

Suite *llmprofile_suite(void)
{
	return TU_SUITE("llmprofile", "llmprofile", 120, points_are_row_means,
			linear_between_points_clamped_below_extrapolated_above, predicts_consistent_e2e_rows, bad_inputs,
			scenario_latency_is_prefill_plus_decode);
}
