/* llm: token-level LLM serving with continuous batching (functions[i].llm,
 * sim/platform/llm.c): hand-computed schedules on a synthetic profile with
 * round numbers, the measured profile's rows at batch sizes above 1, the
 * LLM figures in summary.json, and bad input. */
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

/* A synthetic profile (model m, hardware h): prompt_time 100 ms for 100
 * tokens and 400 ms for 400 at batch 1, and 200 ms for 2 x 100, 400 ms for
 * 4 x 100 batched, so prefill_batch_s(x) = x / 1000 s on [100, 400] (and
 * beyond, extrapolated); token_time 10 ms at batch 1, 15 at 2, 25 at 4, so
 * decode_s(1) = 0.01, decode_s(2) = 0.015, decode_s(3) = 0.02 s. */
static const char synth_csv[] =
	"model,hardware,prompt_size,batch_size,token_size,peak_power,average_power,prompt_time,token_time,"
	"e2e_time,tensor_parallel\n"
	"m,h,100,1,10,1,1,100,10,190,1\n"
	"m,h,400,1,10,1,1,400,10,490,1\n"
	"m,h,100,2,10,1,1,200,15,335,1\n"
	"m,h,100,4,10,1,1,400,25,625,1\n";

/* Runs requests (TIMESTAMP rows "s,prompt,output;...", seconds after
 * 18:00:00) through one LLM function on the synthetic profile with the
 * given extra llm keys (JSON members, may be empty) into *res. The function
 * starts with no init (a cold start of 0 s), so the first request makes an
 * instance the others join at once. */
static void run_synth(const char *rows, double kv_gb, const char *llm_extra, struct scenario *sc,
		      struct run_result *res)
{
	const char *dir = tu_tmpdir();
	char csv[4096] = "TIMESTAMP,ContextTokens,GeneratedTokens\n", text[4096], path[600];
	for (const char *s = rows; *s;) {
		double t;
		unsigned pr, out;
		int used = 0;
		ck_assert_int_eq(sscanf(s, "%lf,%u,%u%n", &t, &pr, &out, &used), 3);
		size_t n = strlen(csv);
		snprintf(csv + n, sizeof(csv) - n, "2023-11-16 18:00:%010.7f,%u,%u\n", t, pr, out);
		s += used;
		if (*s == ';')
			s++;
	}
	tu_write(dir, "trace.csv", csv);
	tu_write(dir, "prof.csv", synth_csv);
	snprintf(text, sizeof(text),
		 "{\"name\": \"llm\", \"seed\": 1, \"duration_s\": 100,"
		 " \"workload\": {\"format\": \"azure-llm\", \"path\": \"trace.csv\", \"prefill_s_per_token\": 0,"
		 "  \"decode_s_per_token\": 0, \"overhead_s\": 0},"
		 " \"functions\": [{\"name\": \"llm\", \"memory_mb\": 1024, \"concurrency_per_instance\": 8,"
		 "  \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		 "  \"llm\": {\"profile\": {\"file\": \"prof.csv\", \"model\": \"m\", \"hardware\": \"h\"},"
		 "   \"kv_cache_gb\": %g, \"kv_bytes_per_token\": 1073741824%s%s},"
		 "  \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 0}},"
		 "  \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 600}}]}",
		 kv_gb, *llm_extra ? ", " : "", llm_extra);
	snprintf(path, sizeof(path), "%s/llm.json", dir);
	tu_write(dir, "llm.json", text);
	tu_load(text, path, sc);
	struct run_options opt = { .threads = 1 };
	struct errbuf err = { "" };
	ck_assert_msg(run_scenario(sc, &opt, res, &err) == 0, "%s", err.msg);
}

static double llm_fig(const struct run_result *r, enum stats_llm_figure i)
{
	ck_assert_int_eq(r->has_llm, 1);
	return r->llm.n_valid[i] ? r->llm.mean[i] : NAN;
}

START_TEST(single_request_is_prefill_plus_decodes)
{
	/* 200 prompt and 5 output tokens, alone. The prefill yields the first
	 * token (the measured rows' convention: e2e_time = prompt_time +
	 * (token_size - 1) x token_time), so latency = prefill(200) + 4 x
	 * decode(1) = 0.2 + 0.04, TTFT = 0.2, TPOT = 0.04 / 4. */
	struct scenario sc;
	struct run_result res;
	run_synth("0,200,5", 1e5, "", &sc, &res);
	TU_ASSERT_FIGS("prefill first", &res.totals, { FIG_COMPLETED, 1, 0 }, { FIG_LATENCY_MEAN, 0.24, 1e-12 });
	ck_assert_double_eq_tol(llm_fig(&res, LLM_FIG_TTFT_MEAN), 0.2, 1e-12);
	ck_assert_double_eq_tol(llm_fig(&res, LLM_FIG_TPOT_MEAN), 0.01, 1e-12);
	tu_done(&sc, &res);
	/* first_token "decode": every output token takes a decode step, the
	 * issue's prefill + output_tokens x decode(1) = 0.2 + 5 x 0.01; the
	 * first token after the first step, TTFT 0.21, TPOT (0.25 - 0.21) / 4. */
	run_synth("0,200,5", 1e5, "\"first_token\": \"decode\"", &sc, &res);
	TU_ASSERT_FIGS("decode first", &res.totals, { FIG_LATENCY_MEAN, 0.25, 1e-12 });
	ck_assert_double_eq_tol(llm_fig(&res, LLM_FIG_TTFT_MEAN), 0.21, 1e-12);
	ck_assert_double_eq_tol(llm_fig(&res, LLM_FIG_TPOT_MEAN), 0.01, 1e-12);
	tu_done(&sc, &res);
	/* One output token: the prefill alone; TPOT undefined (NaN, no value). */
	run_synth("0,300,1", 1e5, "", &sc, &res);
	TU_ASSERT_FIGS("one token", &res.totals, { FIG_LATENCY_MEAN, 0.3, 1e-12 });
	ck_assert(isnan(llm_fig(&res, LLM_FIG_TPOT_MEAN)));
	tu_done(&sc, &res);
}
END_TEST

START_TEST(single_request_on_the_measured_profile)
{
	/* tests/scenarios/llm-batch.json: llama2-70b on a100-80gb at tensor
	 * parallel 4, one request of 1000 prompt and 200 output tokens after a
	 * 5 s cold start: latency = 5 + prefill_batch(1000) + 199 x decode(1)
	 * from the profile itself, TTFT = 5 + prefill_batch(1000). */
	struct llmprof *p = NULL;
	struct errbuf err = { "" };
	ck_assert_msg(llmprof_load(&p, tu_shared(PERF), "llama2-70b", "a100-80gb", 4, &err) == 0, "%s", err.msg);
	double pre = llmprof_prefill_batch_s(p, 1000), d1 = llmprof_decode_s(p, 1);
	llmprof_free(p);
	struct scenario sc;
	struct run_result res;
	struct run_options opt = { .threads = 1 };
	char *text = tu_scenario_text("llm-batch.json");
	tu_load(text, tu_scenario_path("llm-batch.json"), &sc);
	free(text);
	ck_assert_msg(run_scenario(&sc, &opt, &res, &err) == 0, "%s", err.msg);
	TU_ASSERT_FIGS("llm-batch", &res.totals, { FIG_COMPLETED, 1, 0 }, { FIG_COLD_STARTS, 1, 0 },
		       { FIG_LATENCY_MEAN, 5 + pre + 199 * d1, 1e-9 });
	ck_assert_double_eq_tol(llm_fig(&res, LLM_FIG_TTFT_MEAN), 5 + pre, 1e-9);
	ck_assert_double_eq_tol(llm_fig(&res, LLM_FIG_TPOT_MEAN), d1, 1e-9);
	tu_done(&sc, &res);
}
END_TEST

START_TEST(two_requests_share_iterations)
{
	/* A (100 prompt, 3 output) and B (200, 5) arrive together at 0: one
	 * prefill of both, prefill(300) = 0.3, gives both their first token;
	 * then decode steps at batch 2 (0.015 s): A needs 2, ending at 0.33; B
	 * needs 4: 0.315, 0.33, then alone at batch 1 (0.01): 0.34, 0.35.
	 * Latencies 0.33 and 0.35; TTFT 0.3 both; TPOT A (0.33 - 0.3) / 2 =
	 * 0.015, B (0.35 - 0.3) / 4 = 0.0125. */
	struct scenario sc;
	struct run_result res;
	run_synth("0,100,3;0,200,5", 1e5, "", &sc, &res);
	TU_ASSERT_FIGS("two", &res.totals, { FIG_COMPLETED, 2, 0 }, { FIG_COLD_STARTS, 1, 0 },
		       { FIG_LATENCY_MEAN, (0.33 + 0.35) / 2, 1e-12 }, { FIG_LATENCY_MAX, 0.35, 1e-12 });
	ck_assert_double_eq_tol(llm_fig(&res, LLM_FIG_TTFT_MEAN), 0.3, 1e-12);
	ck_assert_double_eq_tol(llm_fig(&res, LLM_FIG_TPOT_MEAN), (0.015 + 0.0125) / 2, 1e-12);
	tu_done(&sc, &res);
	/* B arriving at 0.1, during A's prefill (0 to 0.1 is A's own prefill
	 * of 100 tokens: 0.1), joins at its end: prefill(200) from 0.1 to 0.3
	 * while A waits, then batch 2: A 0.315, 0.33 (done: 2 decodes), B
	 * 0.315, 0.33, then alone 0.34, 0.35. A: latency 0.33, TTFT 0.1, TPOT
	 * 0.23 / 2; B: latency 0.25, TTFT 0.2, TPOT 0.05 / 4. */
	run_synth("0,100,3;0.1,200,5", 1e5, "", &sc, &res);
	TU_ASSERT_FIGS("joins", &res.totals, { FIG_LATENCY_MEAN, (0.33 + 0.25) / 2, 1e-12 },
		       { FIG_LATENCY_MAX, 0.33, 1e-12 });
	ck_assert_double_eq_tol(llm_fig(&res, LLM_FIG_TTFT_MEAN), (0.1 + 0.2) / 2, 1e-12);
	ck_assert_double_eq_tol(llm_fig(&res, LLM_FIG_TPOT_MEAN), (0.115 + 0.0125) / 2, 1e-12);
	tu_done(&sc, &res);
}
END_TEST

/* The three requests of kv_limit_makes_the_third_wait, with its schedule. */
static void assert_third_waits(const char *what, const struct run_result *res)
{
	TU_ASSERT_FIGS(what, &res->totals, { FIG_COMPLETED, 3, 0 }, { FIG_REJECTED, 0, 0 },
		       { FIG_LATENCY_MEAN, (0.33 + 0.655 + 0.645) / 3, 1e-12 }, { FIG_LATENCY_MAX, 0.655, 1e-12 });
	ck_assert_double_eq_tol(llm_fig(res, LLM_FIG_TTFT_MEAN), (0.3 + 0.3 + 0.63) / 3, 1e-12);
	ck_assert_double_eq_tol(llm_fig(res, LLM_FIG_TPOT_MEAN), (0.015 + 0.08875 + 0.015) / 3, 1e-12);
}

START_TEST(kv_limit_makes_the_third_wait)
{
	/* A (100, 3), B (200, 5), C (300, 2) at 0 with a KV cache of 600
	 * tokens (600 GiB at 1 GiB a token): A + B reserve 103 + 205, C's 302
	 * more would be 610, so C waits. A and B run as in
	 * two_requests_share_iterations; A leaves at 0.33 (B has had 2 of its
	 * 4 decodes), freeing 103: C joins, prefill(300) from 0.33 to 0.63
	 * while B waits (C's first token 0.63), then batch 2 (0.015): B 3rd
	 * and C's only decode at 0.645 (C done), B alone at 0.655 (done).
	 * Latencies A 0.33, B 0.655, C 0.645; TTFT 0.3, 0.3, 0.63; TPOT
	 * 0.015, (0.655 - 0.3) / 4 = 0.08875, (0.645 - 0.63) / 1 = 0.015. */
	struct scenario sc;
	struct run_result res;
	run_synth("0,100,3;0,200,5;0,300,2", 600, "", &sc, &res);
	assert_third_waits("kv", &res);
	tu_done(&sc, &res);
	/* max_batch 2 instead of the KV cache: the same schedule. */
	run_synth("0,100,3;0,200,5;0,300,2", 1e5, "\"max_batch\": 2", &sc, &res);
	assert_third_waits("max_batch", &res);
	tu_done(&sc, &res);
	/* A request that can never fit (prompt + output above the cache) is
	 * rejected; the others run as alone. */
	run_synth("0,200,5;0,700,5", 600, "", &sc, &res);
	TU_ASSERT_FIGS("too big", &res.totals, { FIG_COMPLETED, 1, 0 }, { FIG_REJECTED, 1, 0 },
		       { FIG_LATENCY_MEAN, 0.24, 1e-12 });
	tu_done(&sc, &res);
}
END_TEST

START_TEST(timeout_cuts_a_request)
{
	/* timeout_s 0.3: B of two_requests_share_iterations (0.35) is cut at
	 * 0.3 (timed out), A (0.33) too; a timeout of 0.34 lets A finish. */
	struct scenario sc;
	struct run_result res;
	const char *dir = tu_tmpdir();
	tu_write(dir, "trace.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\n"
		 "2023-11-16 18:00:00.0000000,100,3\n2023-11-16 18:00:00.0000000,200,5\n");
	tu_write(dir, "prof.csv", synth_csv);
	char text[2048], path[600];
	for (int k = 0; k < 2; k++) {
		snprintf(text, sizeof(text),
			 "{\"name\": \"llm\", \"seed\": 1, \"duration_s\": 100,"
			 " \"workload\": {\"format\": \"azure-llm\", \"path\": \"trace.csv\", \"prefill_s_per_token\": 0,"
			 "  \"decode_s_per_token\": 0, \"overhead_s\": 0},"
			 " \"functions\": [{\"name\": \"llm\", \"memory_mb\": 1024, \"concurrency_per_instance\": 8,"
			 "  \"timeout_s\": %s,"
			 "  \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
			 "  \"llm\": {\"profile\": {\"file\": \"prof.csv\", \"model\": \"m\", \"hardware\": \"h\"},"
			 "   \"kv_cache_gb\": 1000, \"kv_bytes_per_token\": 1073741824},"
			 "  \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 0}},"
			 "  \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 600}}]}", k ? "0.34" : "0.3");
		snprintf(path, sizeof(path), "%s/llm.json", dir);
		tu_load(text, path, &sc);
		struct run_options opt = { .threads = 1 };
		struct errbuf err = { "" };
		ck_assert_msg(run_scenario(&sc, &opt, &res, &err) == 0, "%s", err.msg);
		if (k == 0) {
			TU_ASSERT_FIGS("cut", &res.totals, { FIG_COMPLETED, 0, 0 }, { FIG_TIMED_OUT, 2, 0 });
		} else {
			TU_ASSERT_FIGS("A done", &res.totals, { FIG_COMPLETED, 1, 0 }, { FIG_TIMED_OUT, 1, 0 },
				       { FIG_LATENCY_MEAN, 0.33, 1e-12 });
		}
		tu_done(&sc, &res);
	}
}
END_TEST

/* One row of perf_model.csv. */
struct mrow {
	char model[32], hw[32];
	int tp;
	double prompt, batch, tokens, pt_ms, tt_ms, e2e_ms;
};

static size_t read_rows(struct mrow **out)
{
	struct csvr *r;
	struct csvr_row row;
	struct errbuf err = { "" };
	size_t n = 0, cap = 2048;
	struct mrow *v = malloc(cap * sizeof(*v));
	ck_assert_msg(csvr_open(&r, tu_shared(PERF), &err) == 0, "%s", err.msg);
	ck_assert_int_eq(csvr_next(r, &row, &err), 1);
	ck_assert_str_eq(row.fields[9], "e2e_time");
	while (csvr_next(r, &row, &err) > 0) {
		ck_assert_uint_lt(n, cap);
		struct mrow *m = &v[n++];
		snprintf(m->model, sizeof(m->model), "%s", row.fields[0]);
		snprintf(m->hw, sizeof(m->hw), "%s", row.fields[1]);
		m->prompt = atof(row.fields[2]);
		m->batch = atof(row.fields[3]);
		m->tokens = atof(row.fields[4]);
		m->pt_ms = atof(row.fields[7]);
		m->tt_ms = atof(row.fields[8]);
		m->e2e_ms = atof(row.fields[9]);
		m->tp = atoi(row.fields[10]);
	}
	csvr_close(r);
	*out = v;
	return n;
}

/* Range (max - min, ms) of prompt_time over the rows of a's configuration
 * with as many prompt tokens in the batch (prompt == 1), or of token_time
 * over its rows at a's batch size (prompt == 0). */
static double spread_ms(const struct mrow *v, size_t n, const struct mrow *a, int prompt)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		const struct mrow *b = &v[i];
		if (strcmp(a->model, b->model) || strcmp(a->hw, b->hw) || a->tp != b->tp)
			continue;
		if (prompt ? b->prompt * b->batch != a->prompt * a->batch : b->batch != a->batch)
			continue;
		double x = prompt ? b->pt_ms : b->tt_ms;
		lo = fmin(lo, x);
		hi = fmax(hi, x);
	}
	return hi - lo;
}

START_TEST(predicts_measured_rows_at_batch_above_one)
{
	/* Every row at batch b > 1 is b requests of `prompt` tokens with
	 * `tokens` output tokens each, started together: the scheduler (checked
	 * by hand above) gives each prefill_batch(b x prompt) + (tokens - 1) x
	 * decode(b). Rows where e2e_time is consistent (prompt_time + (tokens
	 * - 1) x token_time within 5 % of it; SOURCE.txt) are compared: the
	 * prediction uses the means of the repeated measurements, so it may
	 * differ from a row by its 5 % of inconsistency plus the spread of the
	 * repetitions, (range of prompt_time at b x prompt tokens) + (tokens -
	 * 1) x (range of token_time at batch b). All 293 such rows are within
	 * that (the largest error is 0.67 of its bound; 7 % of e2e_time at
	 * most). */
	struct mrow *v;
	size_t n = read_rows(&v), checked = 0;
	double worst = 0;
	for (size_t i = 0; i < n; i++) {
		const struct mrow *a = &v[i];
		double own = a->pt_ms + (a->tokens - 1) * a->tt_ms;
		if (a->batch == 1 || fabs(own - a->e2e_ms) > 0.05 * a->e2e_ms)
			continue;
		struct llmprof *p = NULL;
		struct errbuf err = { "" };
		ck_assert_msg(llmprof_load(&p, tu_shared(PERF), a->model, a->hw, a->tp, &err) == 0, "%s", err.msg);
		double pred_ms = 1e3 * (llmprof_prefill_batch_s(p, a->prompt * a->batch) +
					(a->tokens - 1) * llmprof_decode_s(p, a->batch));
		llmprof_free(p);
		double tol_ms = 0.05 * a->e2e_ms + spread_ms(v, n, a, 1) + (a->tokens - 1) * spread_ms(v, n, a, 0);
		ck_assert_msg(fabs(pred_ms - a->e2e_ms) <= tol_ms, "%s %s tp %d batch %g prompt %g: %g ms vs %g +- %g",
			      a->model, a->hw, a->tp, a->batch, a->prompt, pred_ms, a->e2e_ms, tol_ms);
		worst = fmax(worst, fabs(pred_ms - a->e2e_ms) / a->e2e_ms);
		checked++;
	}
	free(v);
	ck_assert_uint_eq(checked, 293);
	ck_assert_double_lt(worst, 0.075);
}
END_TEST

START_TEST(batch_of_four_simulated_as_predicted)
{
	/* The measured rows' setting in the simulator: 4 requests of 512 prompt
	 * and 128 output tokens arriving together on llama2-70b, a100-80gb,
	 * tensor parallel 4 (tests/scenarios/llm-batch.json with its trace
	 * replaced) all end at prefill_batch(2048) + 127 x decode(4). */
	struct llmprof *p = NULL;
	struct errbuf err = { "" };
	ck_assert_msg(llmprof_load(&p, tu_shared(PERF), "llama2-70b", "a100-80gb", 4, &err) == 0, "%s", err.msg);
	double want = llmprof_prefill_batch_s(p, 2048) + 127 * llmprof_decode_s(p, 4);
	llmprof_free(p);
	const char *dir = tu_tmpdir();
	char csv[1024] = "TIMESTAMP,ContextTokens,GeneratedTokens\n";
	for (int i = 0; i < 4; i++)
		strcat(csv, "2023-11-16 18:00:00.0000000,512,128\n");
	const char *trace = tu_write(dir, "four.csv", csv);
	char *out = NULL;
	ck_assert_int_eq(tu_slsim(&out, NULL, "run %s --set workload.path=%s --set 'functions[0].cold_start.init.value_s=0' -q -o %s/o",
				  tu_scenario_path("llm-batch.json"), trace, dir), 0);
	free(out);
	json_t *s = tu_load_json(dir, "o/summary.json");
	json_t *lat = json_object_get(json_object_get(s, "totals"), "latency_s");
	ck_assert_double_eq_tol(json_real_value(json_object_get(lat, "max")), want, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(lat, "mean")), want, 1e-9);
	json_decref(s);
}
END_TEST

START_TEST(same_results_whatever_the_threads)
{
	/* An hour of the Azure LLM conversation trace on tests/scenarios/
	 * llm-batch.json's function, 2 replications: one platform on one
	 * thread and the default driver on 2 threads give the same figures bit
	 * for bit. */
	struct scenario sc;
	struct run_result a, b;
	struct errbuf err = { "" };
	char *text = tu_scenario_text("llm-batch.json");
	json_t *doc = json_loads(text, 0, NULL);
	free(text);
	ck_assert_ptr_nonnull(doc);
	json_object_set_new(json_object_get(doc, "workload"), "path",
			    json_string(tu_shared("traces/azure-llm-inference-2023/AzureLLMInferenceTrace_conv.csv")));
	json_object_set_new(doc, "replications", json_integer(2));
	json_object_del(doc, "duration_s");
	text = json_dumps(doc, 0);
	json_decref(doc);
	tu_load(text, tu_scenario_path("llm-batch.json"), &sc);
	free(text);
	struct run_options one = { .threads = 1, .serial = 1 }, two = { .threads = 2 };
	ck_assert_msg(run_scenario(&sc, &one, &a, &err) == 0, "%s", err.msg);
	ck_assert_msg(run_scenario(&sc, &two, &b, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(a.replications, 2);
	ck_assert(a.totals.mean[FIG_INVOCATIONS] == 19366);
	ck_assert(memcmp(a.totals.mean, b.totals.mean, sizeof(a.totals.mean)) == 0);
	ck_assert(memcmp(a.llm.mean, b.llm.mean, sizeof(a.llm.mean)) == 0);
	ck_assert(a.llm.n_valid[LLM_FIG_TTFT_P99] == 2 && isfinite(a.llm.mean[LLM_FIG_TTFT_P99]));
	run_result_free(&a);
	run_result_free(&b);
	scenario_free(&sc);
}
END_TEST

START_TEST(figures_in_summary_only_with_llm)
{
	const char *dir = tu_tmpdir();
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run %s -q -o %s/llm", tu_scenario_path("llm-batch.json"), dir), 0);
	json_t *s = tu_load_json(dir, "llm/summary.json"), *l = json_object_get(s, "llm");
	ck_assert_ptr_nonnull(l);
	ck_assert(json_is_number(json_object_get(json_object_get(l, "ttft_s"), "p99")));
	ck_assert(json_is_number(json_object_get(json_object_get(l, "tpot_s"), "p50")));
	double per_m = json_number_value(json_object_get(json_object_get(json_object_get(s, "totals"), "cost_usd"),
							 "per_million"));
	ck_assert_double_eq_tol(json_number_value(json_object_get(l, "cost_usd_per_1k_requests")), per_m / 1000,
				1e-15 * per_m);
	/* The report shows them, formatted as its other figures (%.4g). */
	char want[128];
	snprintf(want, sizeof(want), "| ttft\\_s.p99 | %.4g |",
		 json_number_value(json_object_get(json_object_get(l, "ttft_s"), "p99")));
	json_decref(s);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "report %s/llm", dir), 0);
	char *md = tu_read(dir, "llm/report.md");
	ck_assert_msg(strstr(md, "## LLM serving") && strstr(md, want), "report.md lacks %s", want);
	free(md);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run %s -q -o %s/plain", tu_scenario_path("llm-profile.json"), dir), 0);
	s = tu_load_json(dir, "plain/summary.json");
	ck_assert_ptr_null(json_object_get(s, "llm"));
	json_decref(s);
}
END_TEST

START_TEST(bad_llm_input)
{
	const char *scen = tu_scenario_path("llm-batch.json"), *dir = tu_tmpdir();
	tu_slsim_says(2, "functions[0].llm.kv_cache_gb", "run %s --set 'functions[0].llm.kv_cache_gb=-1' -q -o %s/o",
		      scen, dir);
	tu_slsim_says(2, "functions[0].llm.kv_cache: unknown key (allowed: profile, kv_cache_gb",
		      "run %s --set 'functions[0].llm.kv_cache=1' -q -o %s/o", scen, dir);
	tu_slsim_says(2, "functions[0].llm.profile: required key is missing",
		      "run %s --set 'functions[0].llm.profile=null' -q -o %s/o", scen, dir);
	tu_slsim_says(2, "functions[0].llm.profile.model", "run %s --set 'functions[0].llm.profile.model=null' -q -o %s/o",
		      scen, dir);
	tu_slsim_says(2, "functions[0].llm.profile: ", "run %s --set 'functions[0].llm.profile.file=nope.csv' -q -o %s/o",
		      scen, dir);
	tu_slsim_says(2, "functions[0].llm.first_token", "run %s --set 'functions[0].llm.first_token=\"sometimes\"' -q -o %s/o",
		      scen, dir);
	tu_slsim_says(2, "functions[0].llm: 0.0001 GiB hold no token",
		      "run %s --set 'functions[0].llm.kv_cache_gb=0.0001' -q -o %s/o", scen, dir);
}
END_TEST

Suite *llm_suite(void)
{
	return TU_SUITE("llm", "llm", 120, single_request_is_prefill_plus_decodes, single_request_on_the_measured_profile,
			two_requests_share_iterations, kv_limit_makes_the_third_wait, timeout_cuts_a_request,
			predicts_measured_rows_at_batch_above_one, batch_of_four_simulated_as_predicted,
			same_results_whatever_the_threads, figures_in_summary_only_with_llm, bad_llm_input);
}
