/*
 * Workloads (sim/workload/trace.h): every format reads its ../shared/traces sample
 * with exact counts (checked against the counts in each sample's SOURCE.txt
 * and INDEX.txt); a 46,000 x 1,440 Azure 2019 day file streams in bounded
 * memory; the generators' mean rates and shapes match their closed forms;
 * scenarios combine "workload" and "function_defaults"; `slsim trace`; the
 * registry's lists of names.
 *
 * Statistical tolerances: 4 standard deviations of the estimate (a false
 * failure about once in 16,000 runs), each derived in a comment.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "suites.h"
#include "testutil.h"
#include "workload/trace.h"

#define LLM "traces/azure-llm-inference-2023/AzureLLMInferenceTrace_"
#define ALI "traces/alibaba-genai-serverless-sd-2026/lora_request_trace.csv"
#define A21 "traces/azure2021-invitro-example-200rows/Azure2021_200.csv"
#define A19 "traces/azure2019-invitro-mapper-extremes-3funcs/"

static struct trace *prepare(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static struct trace *prepare(const char *fmt, ...)
{
	char text[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	json_error_t jerr;
	json_t *spec = json_loads(text, 0, &jerr);
	ck_assert_msg(spec != NULL, "bad test spec: %s", jerr.text);
	struct trace *t;
	struct errbuf err = { "" };
	int rc = trace_prepare(&t, spec, "test: workload", "", &err);
	json_decref(spec);
	ck_assert_msg(rc == 0, "prepare failed: %s", err.msg);
	return t;
}

/* Error message of a spec that must fail, or NULL when it is accepted. */
static char *prepare_error(const char *text)
{
	static char msg[1024];
	json_error_t jerr;
	json_t *spec = json_loads(text, 0, &jerr);
	ck_assert_msg(spec != NULL, "bad test spec: %s", jerr.text);
	struct trace *t = NULL;
	struct errbuf err = { "" };
	int rc = trace_prepare(&t, spec, "test: workload", "", &err);
	json_decref(spec);
	trace_free(t);
	if (rc == 0)
		return NULL;
	snprintf(msg, sizeof(msg), "%s", err.msg);
	return msg;
}

/* Replays every arrival (identity map), checking times never decrease. */
typedef void visit_fn(void *ctx, const struct trace *t, const struct trace_arrival *a);
static uint64_t replay(const struct trace *t, uint64_t seed, visit_fn *visit, void *ctx)
{
	struct trace_reader *r;
	struct errbuf err = { "" };
	ck_assert_msg(trace_open(t, seed, 0, NULL, &r, &err) == 0, "%s", err.msg);
	struct trace_arrival a;
	uint64_t n = 0;
	double last = -INFINITY;
	int rc;
	while ((rc = trace_next(r, &a, &err)) == 1) {
		ck_assert_msg(a.t_s >= last, "arrival %llu at %.17g before %.17g", (unsigned long long)n, a.t_s, last);
		last = a.t_s;
		if (visit)
			visit(ctx, t, &a);
		n++;
	}
	ck_assert_msg(rc == 0, "replay failed: %s", err.msg);
	trace_close(r);
	return n;
}

/* ---- real traces -------------------------------------------------------- */

struct first_last {
	struct trace_arrival first, last;
	uint64_t n;
	double duration_sum;
};

static void keep_first_last(void *ctx, const struct trace *t, const struct trace_arrival *a)
{
	(void)t;
	struct first_last *f = ctx;
	if (f->n++ == 0)
		f->first = *a;
	f->last = *a;
	f->duration_sum += a->duration_s;
}

START_TEST(llm_traces_exact)
{
	/* INDEX.txt: code 8,819 requests, conv 19,366. Service time of the first
	 * code request (2023-11-16 18:17:03.9799600, 4808 context and 10
	 * generated tokens): 0.05 + 0.0002 x 4808 + 0.03 x 10 = 1.3116 s. Its last
	 * request is at 19:14:19.9280160: span 57 min 15.948056 s = 3435.948056 s.
	 * The code file's tokens add up to 18,059,974 and 245,896 (awk). */
	const double pre = 0.0002, dec = 0.03, over = 0.05;
	struct trace *t = prepare("{\"format\": \"azure-llm\", \"path\": \"%s\", \"prefill_s_per_token\": %g,"
				  " \"decode_s_per_token\": %g, \"overhead_s\": %g}",
				  tu_shared(LLM "code.csv"), pre, dec, over);
	struct first_last f = { 0 };
	ck_assert_uint_eq(replay(t, 1, keep_first_last, &f), 8819);
	ck_assert_uint_eq(trace_n_functions(t), 1);
	ck_assert_str_eq(trace_function(t, 0)->name, "llm");
	ck_assert_double_eq(f.first.t_s, 0);
	ck_assert_double_eq_tol(f.first.duration_s, 1.3116, 1e-12);
	ck_assert_double_eq_tol(f.last.t_s, 3435.948056, 1e-6);
	ck_assert_double_eq_tol(trace_span_s(t), 3435.948056, 1e-6);
	ck_assert_double_eq_tol(f.duration_sum, 8819 * over + pre * 18059974 + dec * 245896, 1e-6);
	ck_assert(trace_has_durations(t));
	trace_free(t);

	t = prepare("{\"format\": \"azure-llm\", \"path\": \"%s\", \"function\": \"gpt\", \"prefill_s_per_token\": 0,"
		    " \"decode_s_per_token\": 0, \"overhead_s\": 1, \"keep_time\": true}", tu_shared(LLM "conv.csv"));
	memset(&f, 0, sizeof(f));
	ck_assert_uint_eq(replay(t, 1, keep_first_last, &f), 19366);
	ck_assert_str_eq(trace_function(t, 0)->name, "gpt");
	/* keep_time: seconds since midnight of the first row's date; the first
	 * conv row is at 18:15:46.6805900 (65,746.68059 s). */
	ck_assert_double_eq_tol(f.first.t_s, 65746.68059, 1e-6);
	trace_free(t);
}
END_TEST

struct trig_count {
	uint64_t by_trigger[8];
	uint64_t n;
	double duration_sum;
};

static void count_triggers(void *ctx, const struct trace *t, const struct trace_arrival *a)
{
	struct trig_count *c = ctx;
	const char *names[] = { "TXT_2_IMG", "IMG_2_IMG", "INPAINTING" };
	for (int i = 0; i < 3; i++)
		if (a->trigger != UINT32_MAX && strcmp(trace_trigger_name(t, a->trigger), names[i]) == 0)
			c->by_trigger[i]++;
	c->n++;
	c->duration_sum += a->duration_s;
}

START_TEST(alibaba_trace_exact)
{
	/* SOURCE.txt: 26,823 rows; SUCCEED 26,392, FAILED 398, PENDING 30,
	 * PROCESSING 3 (431 skipped). Among SUCCEED rows (awk): TXT_2_IMG 24,060,
	 * IMG_2_IMG 2,152, INPAINTING 180; 79 models; exec_time_seconds add up to
	 * 763,010. Rows are sorted by time, so the file is streamed. First gmt_create 2024-11-15 16:57:50 = 61,070 s into the day. */
	struct trace *t = prepare("{\"format\": \"alibaba-sd\", \"path\": \"%s\"}", tu_shared(ALI));
	struct trig_count c = { { 0 }, 0, 0 };
	ck_assert_uint_eq(replay(t, 1, count_triggers, &c), 26392);
	ck_assert_uint_eq(c.by_trigger[0], 24060);
	ck_assert_uint_eq(c.by_trigger[1], 2152);
	ck_assert_uint_eq(c.by_trigger[2], 180);
	ck_assert_double_eq_tol(c.duration_sum, 763010, 1e-6);
	ck_assert_uint_eq(trace_n_functions(t), 79);
	json_t *s = trace_summary_json(t);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "rows")), 26823);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "rows_skipped_status")), 431);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "rows_skipped_bad")), 0);
	ck_assert_double_eq(json_real_value(json_object_get(s, "time_shift_s")), 61070);
	json_decref(s);
	trace_free(t);

	/* One function. */
	t = prepare("{\"format\": \"alibaba-sd\", \"path\": \"%s\", \"function_by\": \"none\"}", tu_shared(ALI));
	ck_assert_uint_eq(trace_n_functions(t), 1);
	ck_assert_str_eq(trace_function(t, 0)->name, "stable-diffusion");
	trace_free(t);
}
END_TEST

START_TEST(azure2021_trace_exact)
{
	/* SOURCE.txt: 199 rows, 13 apps, 31 (app, func) pairs, not sorted; the
	 * durations add up to 10,599.17 s (awk); the earliest start
	 * (end_timestamp - duration) is 0.0014909 s. */
	struct trace *t = prepare("{\"format\": \"azure2021\", \"path\": \"%s\"}", tu_shared(A21));
	struct first_last f = { 0 };
	ck_assert_uint_eq(replay(t, 1, keep_first_last, &f), 199);
	ck_assert_uint_eq(trace_n_functions(t), 31);
	ck_assert_double_eq_tol(f.duration_sum, 10599.17, 1e-6);
	ck_assert_double_eq(f.first.t_s, 0);
	json_t *s = trace_summary_json(t);
	ck_assert_double_eq_tol(json_real_value(json_object_get(s, "time_shift_s")), 0.0014909, 1e-9);
	json_decref(s);
	trace_free(t);
	t = prepare("{\"format\": \"azure2021\", \"path\": \"%s\", \"function_id\": \"app_func\"}", tu_shared(A21));
	ck_assert_uint_eq(trace_n_functions(t), 31);
	ck_assert_uint_eq(strlen(trace_function(t, 0)->name), 64 + 1 + 64);
	trace_free(t);
	/* Not sorted by end_timestamp (83 rows go back) but sorted by start
	 * (awk): streamed, so a row limit for sorting does not apply. */
	t = prepare("{\"format\": \"azure2021\", \"path\": \"%s\", \"max_rows_in_memory\": 1}", tu_shared(A21));
	ck_assert_uint_eq(replay(t, 1, NULL, NULL), 199);
	trace_free(t);
}
END_TEST

struct minute_counts {
	uint64_t per_minute[3][150];
	uint64_t n;
	double first_t;
};

static void count_minutes(void *ctx, const struct trace *t, const struct trace_arrival *a)
{
	(void)t;
	struct minute_counts *c = ctx;
	if (c->n++ == 0)
		c->first_t = a->t_s;
	int m = (int)floor(a->t_s / 60);
	ck_assert_int_lt(m, 150);
	c->per_minute[a->trace_fn][m]++;
}

START_TEST(azure2019_sample_exact)
{
	/* The sample's per-minute counts add up to 48 (1 + 1 + 46; awk); minute
	 * columns 540..689, the first busy minute is 540: shift 539 x 60 =
	 * 32,340 s, span 150 minutes = 9,000 s. "uniform" and "even" put exactly
	 * the minute's count in each minute; "even" starts a minute's first
	 * arrival at its start, so the first arrival is at 0. */
	const char *files = "\"invocations\": [\"%s\"], \"durations\": [\"%s\"], \"memory\": [\"%s\"]";
	char inv[1024], dur[1024], mem[1024], keys[4096];
	snprintf(inv, sizeof(inv), "%s", tu_shared(A19 "invocations.csv"));
	snprintf(dur, sizeof(dur), "%s", tu_shared(A19 "durations.csv"));
	snprintf(mem, sizeof(mem), "%s", tu_shared(A19 "memory.csv"));
	snprintf(keys, sizeof(keys), files, inv, dur, mem);
	static struct minute_counts u, e;
	memset(&u, 0, sizeof(u));
	memset(&e, 0, sizeof(e));
	struct trace *t = prepare("{\"format\": \"azure2019\", %s}", keys);
	ck_assert_uint_eq(replay(t, 7, count_minutes, &u), 48);
	ck_assert_uint_eq(trace_invocations(t), 48);
	ck_assert_double_eq(trace_span_s(t), 9000);
	/* Durations: percentile_Average_{0,...,100} of fdd2e3c3 in ms -> s. */
	const struct trace_fn *f = trace_function(t, 0);
	ck_assert_str_eq(f->name, "fdd2e3c3758d30f677499f1ba3b6c39eb0d7df625a947568503e46e2e60b94e5");
	ck_assert_str_eq(f->trigger, "timer");
	ck_assert(f->has_service);
	ck_assert_uint_eq(f->service.n_points, 7);
	ck_assert_double_eq_tol(f->service.val_s[3], 93.192, 1e-12);
	ck_assert_double_eq_tol(f->service.val_s[6], 98.756, 1e-12);
	/* Memory: the per-function file (HashFunction column, reordered). */
	ck_assert_double_eq(f->memory_mb, 145);
	ck_assert_double_eq_tol(trace_function(t, 2)->memory_mb, 48.333333333333336, 1e-12);
	trace_free(t);

	t = prepare("{\"format\": \"azure2019\", \"spread\": \"even\", %s}", keys);
	ck_assert_uint_eq(replay(t, 7, count_minutes, &e), 48);
	ck_assert_double_eq(e.first_t, 0);
	ck_assert_int_eq(memcmp(u.per_minute, e.per_minute, sizeof(u.per_minute)), 0);
	/* fdd2e3c3 is invoked once, in minute 548: at 8 x 60 s with "even". */
	ck_assert_uint_eq(e.per_minute[0][8], 1);
	trace_free(t);

	/* "poisson": the total is Poisson(48): 4 sd = 27.7. */
	t = prepare("{\"format\": \"azure2019\", \"spread\": \"poisson\", %s}", keys);
	uint64_t n = replay(t, 7, NULL, NULL);
	ck_assert_msg(fabs((double)n - 48) <= 4 * sqrt(48.0), "poisson spread gave %llu", (unsigned long long)n);
	trace_free(t);

	/* Sampling: top 1 by invocations is 4dd18b86 (46); trigger "timer" keeps fdd2e3c3. */
	t = prepare("{\"format\": \"azure2019\", \"top_n\": 1, %s}", keys);
	ck_assert(!trace_function(t, 0)->included && !trace_function(t, 1)->included && trace_function(t, 2)->included);
	trace_free(t);
	t = prepare("{\"format\": \"azure2019\", \"triggers\": [\"timer\"], %s}", keys);
	ck_assert(trace_function(t, 0)->included && !trace_function(t, 1)->included && !trace_function(t, 2)->included);
	trace_free(t);
	/* Two days in sequence: 96 invocations; the second day starts at 1440 min,
	 * so the span runs from minute 540 of day 1 to minute 690 of day 2. */
	snprintf(keys, sizeof(keys), "\"invocations\": [\"%s\", \"%s\"]", inv, inv);
	t = prepare("{\"format\": \"azure2019\", %s}", keys);
	ck_assert_uint_eq(replay(t, 7, NULL, NULL), 96);
	ck_assert_double_eq(trace_span_s(t), (1440 + 150) * 60.0);
	trace_free(t);
}
END_TEST

/* A full-size day file: 46,000 functions x 1,440 minutes, about 132 MB.
 * Counts follow a fixed pattern so the exact total is known:
 *  - 60 % of functions: 1 invocation in about 15 minutes of the day,
 *  - 30 %: 1-3 invocations every 10 minutes,
 *  - 2 %: 1-19 invocations every minute (10 on average).
 * About 3.7 million busy cells and 15.6 million invocations: holding the
 * invocations as 8-byte times would take 125 MB, a dense 4-byte matrix 265 MB. */
static uint64_t write_day_file(const char *path)
{
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	static char line[16384];
	uint64_t total = 0;
	char *p = line;
	p += sprintf(p, "HashOwner,HashApp,HashFunction,Trigger");
	for (int m = 1; m <= 1440; m++)
		p += sprintf(p, ",%d", m);
	*p++ = '\n';
	fwrite(line, 1, (size_t)(p - line), fp);
	for (int i = 0; i < 46000; i++) {
		p = line;
		p += sprintf(p, "o%05d,a%05d,f%064d,%s", i / 10, i / 4, i, i % 3 ? "http" : "timer");
		for (int m = 0; m < 1440; m++) {
			int c = 0;
			if (i % 50 == 49)
				c = 1 + (m * 31 + i) % 19;
			else if (i % 10 >= 6)
				c = (m + i) % 10 == 0 ? 1 + (m + i) % 3 : 0;
			else
				c = (m * 7 + i * 13) % 97 == 0;
			total += (uint64_t)c;
			*p++ = ',';
			if (c >= 10)
				*p++ = (char)('0' + c / 10);
			*p++ = (char)('0' + c % 10);
		}
		*p++ = '\n';
		fwrite(line, 1, (size_t)(p - line), fp);
	}
	fclose(fp);
	return total;
}

START_TEST(azure2019_full_day_bounded_memory)
{
	char path[512], *out;
	snprintf(path, sizeof(path), "%s/invocations_per_function_md.anon.d01.csv", tu_tmpdir());
	uint64_t total = write_day_file(path);
	int rc = tu_slsim(&out, NULL, "trace stats '%s' --format azure2019 --json", path);
	remove(path);
	ck_assert_int_eq(rc, 0);
	json_error_t jerr;
	json_t *doc = json_loads(out, 0, &jerr);
	ck_assert_msg(doc != NULL, "%s", jerr.text);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "arrivals")), (json_int_t)total);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "invocations")), (json_int_t)total);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "functions")), 46000);
	/* Rows i % 3 == 0 are "timer": exact per-trigger totals add up. */
	json_t *trig = json_object_get(doc, "invocations_per_trigger");
	ck_assert_int_eq(json_integer_value(json_object_get(trig, "http")) +
			 json_integer_value(json_object_get(trig, "timer")), (json_int_t)total);
	json_decref(doc);
	free(out);
	/* Peak RSS of the child (ru_maxrss in KiB): under the documented 64 MB (about 30 MB measured)
	 * (traces/README.md). Sanitizer builds keep shadow memory: not checked. */
#if !defined(__SANITIZE_ADDRESS__)
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	ck_assert_msg(ru.ru_maxrss < 64 * 1024, "peak RSS %ld KiB", ru.ru_maxrss);
#endif
}
END_TEST

START_TEST(csv_format_and_bad_rows)
{
	const char *dir = tu_tmpdir();
	char spec[1024];
	const char *p = tu_write(dir, "a.csv",
				 "function,timestamp_s,memory_mb,duration_s\n"
				 "f,10,256,0.5\ng,11,,1\nf,12,256,0.25\n");
	struct trace *t = prepare("{\"format\": \"csv\", \"path\": \"%s\"}", p);
	struct first_last f = { 0 };
	ck_assert_uint_eq(replay(t, 1, keep_first_last, &f), 3);
	ck_assert_double_eq(f.last.t_s, 2);
	ck_assert_double_eq(f.duration_sum, 1.75);
	ck_assert_double_eq(trace_function(t, 0)->memory_mb, 256);
	ck_assert(isnan(trace_function(t, 1)->memory_mb));
	trace_free(t);
	/* memory_mb is per function: a different value is an error at its line. */
	p = tu_write(dir, "b.csv", "timestamp_s,function,memory_mb\n1,f,256\n2,f,512\n");
	snprintf(spec, sizeof(spec), "{\"format\": \"csv\", \"path\": \"%s\"}", p);
	const char *msg = prepare_error(spec);
	ck_assert_msg(msg && strstr(msg, "b.csv:3:") && strstr(msg, "memory_mb 512"), "%s", msg ? msg : "accepted");
	/* A bad row names file and line, or is skipped and counted. */
	p = tu_write(dir, "c.csv", "timestamp_s,function\n1,f\nx,f\n3,bad name\n4,f\n");
	snprintf(spec, sizeof(spec), "{\"format\": \"csv\", \"path\": \"%s\"}", p);
	msg = prepare_error(spec);
	ck_assert_msg(msg && strstr(msg, "c.csv:3:") && strstr(msg, "timestamp_s"), "%s", msg ? msg : "accepted");
	t = prepare("{\"format\": \"csv\", \"path\": \"%s\", \"skip_bad_rows\": true}", p);
	ck_assert_uint_eq(replay(t, 1, NULL, NULL), 2);
	json_t *s = trace_summary_json(t);
	ck_assert_int_eq(json_integer_value(json_object_get(s, "rows_skipped_bad")), 2);
	json_decref(s);
	trace_free(t);
	/* Rows out of time order are sorted in memory (ties keep file order),
	 * up to max_rows_in_memory. */
	p = tu_write(dir, "e.csv", "timestamp_s,function\n5,a\n3,b\n5,c\n4,a\n");
	t = prepare("{\"format\": \"csv\", \"path\": \"%s\", \"keep_time\": true}", p);
	memset(&f, 0, sizeof(f));
	ck_assert_uint_eq(replay(t, 1, keep_first_last, &f), 4);
	ck_assert_double_eq(f.first.t_s, 3);
	ck_assert_str_eq(trace_function(t, f.last.trace_fn)->name, "c");
	trace_free(t);
	snprintf(spec, sizeof(spec), "{\"format\": \"csv\", \"path\": \"%s\", \"max_rows_in_memory\": 3}", p);
	msg = prepare_error(spec);
	ck_assert_msg(msg && strstr(msg, "not sorted") && strstr(msg, "there are 4") && strstr(msg, "max_rows_in_memory"),
		      "%s", msg ? msg : "accepted");
	/* LLM timestamps must be dates. */
	p = tu_write(dir, "d.csv", "TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:17:03.9,1,2\r\n18:17,1,2");
	snprintf(spec, sizeof(spec), "{\"format\": \"azure-llm\", \"path\": \"%s\", \"prefill_s_per_token\": 0,"
		 " \"decode_s_per_token\": 0, \"overhead_s\": 0}", p);
	msg = prepare_error(spec);
	ck_assert_msg(msg && strstr(msg, "d.csv:3:") && strstr(msg, "TIMESTAMP"), "%s", msg ? msg : "accepted");
	ck_assert_ptr_nonnull(strstr(prepare_error("{\"format\": \"nope\"}"), "unknown format"));
	ck_assert_ptr_nonnull(strstr(prepare_error("{\"format\": \"csv\", \"path\": \"x\", \"bogus\": 1}"), "bogus"));
}
END_TEST

/* ---- generators ---------------------------------------------------------- */

struct window_counts {
	double a0, a1, b0, b1;        /* two windows [a0, a1], [b0, b1] */
	uint64_t in_a, in_b, n;
	uint64_t per_fn[4];
	double last_t;
	uint64_t gaps_not_period;
	double period;
};

static void count_windows(void *ctx, const struct trace *t, const struct trace_arrival *a)
{
	(void)t;
	struct window_counts *w = ctx;
	w->in_a += a->t_s >= w->a0 && a->t_s < w->a1;
	w->in_b += a->t_s >= w->b0 && a->t_s < w->b1;
	if (a->trace_fn < 4)
		w->per_fn[a->trace_fn]++;
	if (w->n > 0 && w->period > 0 && fabs(a->t_s - w->last_t - w->period) > 1e-6)
		w->gaps_not_period++;
	w->last_t = a->t_s;
	w->n++;
}

START_TEST(generator_iot)
{
	/* 200 devices every 60 s for a day, diurnal amplitude 0.5 peaking at 12 h.
	 * Each device sends 1,440 +- 1 reports; a report is kept with probability
	 * q(t) = 1 - 0.25 (1 - cos(2 pi (t - 43200) / 86400)), mean 0.75: the count
	 * is 216,000 with sd <= sqrt(288,000 / 4) + 200 = 468 -> tolerance 1,900.
	 * Hour windows centred on the peak and the trough: the mean of q over
	 * them is 1 - 0.25 (1 -+ s) with s = sin(pi/24)/(pi/24), so the expected
	 * ratio is (1 - 0.25 (1 - s)) / (1 - 0.25 (1 + s)) = 1.9957; the trough
	 * count (~6,000, binomial with q ~ 0.5) has relative sd 0.0091, the peak
	 * count ~0.001: 4 sd of the ratio = 0.073. */
	struct trace *t = prepare("{\"format\": \"generator\", \"pattern\": \"iot\", \"devices\": 200, \"period_s\": 60,"
				  " \"jitter_s\": 5, \"diurnal_amplitude\": 0.5, \"peak_hour\": 12, \"duration_s\": 86400,"
				  " \"functions\": [{\"name\": \"detect\"}, {\"name\": \"classify\", \"probability\": 0.1}]}");
	struct window_counts w = { .a0 = 43200 - 1800, .a1 = 43200 + 1800, .b0 = 0, .b1 = 1800 };
	replay(t, 3, count_windows, &w);
	/* The trough hour wraps around midnight: [0, 1800) and [84600, 86400). */
	struct window_counts w2 = { .a0 = 86400 - 1800, .a1 = 86400.5 };
	replay(t, 3, count_windows, &w2);
	ck_assert_double_eq_tol((double)w.per_fn[0], 216000, 1900);
	/* classify: Binomial(~216,000, 0.1): sd 139, tolerance 560 + 10 % of 1,900. */
	ck_assert_double_eq_tol((double)w.per_fn[1], 21600, 750);
	double s = sin(M_PI / 24) / (M_PI / 24);
	double ratio = (1 - 0.25 * (1 - s)) / (1 - 0.25 * (1 + s));
	double peak = (double)w.in_a, trough = (double)(w.in_b + w2.in_a);
	/* Windows count both functions: the same 1.1 factor cancels. */
	ck_assert_double_eq_tol(peak / trough, ratio, 0.073);
	trace_free(t);

	/* Churn: one device every 10 s whose lifetime has mean 1,000 s, over
	 * 10^6 s: about 1,000 replacements, each breaking the 10 s rhythm once
	 * (Poisson, sd 32; a device that dies before its first report, 0.5 %,
	 * breaks nothing), so 995 +- 130. The report rate stays 1/P exactly in
	 * expectation (a new device's reports in a life of length l number l/P
	 * on average): 100,000, sd < 32 -> tolerance 130. */
	t = prepare("{\"format\": \"generator\", \"pattern\": \"iot\", \"devices\": 1, \"period_s\": 10,"
		    " \"mean_lifetime_s\": 1000, \"duration_s\": 1000000}");
	struct window_counts c = { .period = 10 };
	replay(t, 5, count_windows, &c);
	ck_assert_double_eq_tol((double)c.n, 100000, 130);
	ck_assert_double_eq_tol((double)c.gaps_not_period, 995, 130);
	trace_free(t);
}
END_TEST

START_TEST(generator_ecommerce)
{
	/* A week at 2 page views/s, amplitude 0.5, weekly factors summing to 8.5:
	 * the cosine integrates to 0 over whole days, so recommend is
	 * Poisson(2 x 86400 x 8.5) = 1,468,800 (sd 1,212 -> tolerance 4,850) plus
	 * the flash sale's extra. Flash sale on day 3 at 12:00 for one hour, x4,
	 * ramps of 600 s: the hour's count over the same hour of day 2 (same
	 * weekday factor 1, same diurnal factor) has expectation 4; the day-2 hour
	 * holds ~2 x 3600 x (1 + 0.5 cos(2 pi (12 - 20) / 24)) = 5,400, the sale
	 * hour ~21,600: relative sd sqrt(1/5400 + 1/21600) = 0.0152, 4 sd of the
	 * ratio = 0.243. Checkout: Binomial(n, 0.02): tolerance
	 * 4 sqrt(0.02 x 0.98 / n) on the ratio. */
	const double start = 3 * 86400 + 43200;
	struct trace *t = prepare("{\"format\": \"generator\", \"pattern\": \"ecommerce\", \"page_views_per_s\": 2,"
				  " \"diurnal_amplitude\": 0.5, \"peak_hour\": 20, \"weekly\": [1, 1, 1, 1, 1, 2, 1.5],"
				  " \"conversion_rate\": 0.02, \"duration_s\": 604800,"
				  " \"flash_sale\": {\"start_s\": %.0f, \"duration_s\": 3600, \"multiplier\": 4, \"ramp_s\": 600}}",
				  start);
	struct window_counts w = { .a0 = start, .a1 = start + 3600, .b0 = start - 86400, .b1 = start - 86400 + 3600 };
	replay(t, 11, count_windows, &w);
	/* Expected extra from the sale: the integral of 2 d(t) (f(t) - 1) over
	 * the sale and its ramps (midpoint rule, 1 s steps: error << 1). */
	double extra = 0;
	for (double x = start - 600 + 0.5; x < start + 4200; x += 1) {
		double f = x < start ? 1 + 3 * (1 - (start - x) / 600) : x <= start + 3600 ? 4 : 1 + 3 * (1 - (x - start - 3600) / 600);
		extra += 2 * (1 + 0.5 * cos(2 * M_PI * (x - 20 * 3600) / 86400)) * (f - 1);
	}
	uint64_t rec = w.per_fn[0], chk = w.per_fn[1];
	/* sd of the extra's Poisson part: sqrt(~19,000) = 138, inside 4,850. */
	ck_assert_double_eq_tol((double)rec, 1468800 + extra, 4850);
	/* Both windows count recommend and checkout alike: the ratio stays 4. */
	ck_assert_double_eq_tol((double)w.in_a / (double)w.in_b, 4, 0.243);
	ck_assert_double_eq_tol((double)chk / (double)rec, 0.02, 4 * sqrt(0.02 * 0.98 / (double)rec));
	trace_free(t);
}
END_TEST

START_TEST(generator_analytics)
{
	/* Batches of 50 at 0, 3600, ..., 86400 (inclusive end): 25 x 50 = 1,250
	 * exactly, each at a whole hour. ETL: Poisson(0.5 x 86400 = 43,200), sd
	 * 208 -> tolerance 832. */
	struct trace *t = prepare("{\"format\": \"generator\", \"pattern\": \"analytics\", \"batch_size\": 50,"
				  " \"etl_rate_per_s\": 0.5}");
	struct window_counts w = { .a0 = 0, .a1 = 1e-9, .b0 = 3600, .b1 = 3600 + 1e-9 };
	replay(t, 2, count_windows, &w);
	ck_assert_uint_eq(w.per_fn[0], 1250);
	ck_assert_uint_eq(w.in_a, 50);
	ck_assert_uint_eq(w.in_b, 50);
	ck_assert_double_eq_tol((double)w.per_fn[1], 43200, 832);
	ck_assert_str_eq(trace_function(t, 0)->name, "batch-aggregate");
	trace_free(t);
}
END_TEST

struct iat {
	uint64_t n;
	double last, sum, sum2;
	double window_s;
	double counts[1000];
};

static void collect_iat(void *ctx, const struct trace *t, const struct trace_arrival *a)
{
	(void)t;
	struct iat *s = ctx;
	if (s->n > 0) {
		double d = a->t_s - s->last;
		s->sum += d;
		s->sum2 += d * d;
	}
	if (s->window_s > 0 && a->t_s / s->window_s < 1000)
		s->counts[(int)(a->t_s / s->window_s)]++;
	s->last = a->t_s;
	s->n++;
}

START_TEST(generator_inference)
{
	/* Gamma inter-arrivals, rate 2, CV 3, over 10^5 s: ~200,000 gaps. The
	 * mean gap 0.5 has standard error 1.5 / sqrt(2e5) = 0.0034 (tolerance
	 * 0.0134). The sample CV: shape k = 1/9 has excess kurtosis 6/k = 54, so
	 * the variance estimate has relative SE sqrt((2 + 54) / 2e5) = 0.0167 and
	 * the CV about 0.011 (with the mean's): tolerance 4.4 % of 3 = 0.13. */
	static struct iat s;
	memset(&s, 0, sizeof(s));
	struct trace *t = prepare("{\"format\": \"generator\", \"pattern\": \"inference\", \"rate_per_s\": 2, \"cv\": 3,"
				  " \"duration_s\": 100000}");
	replay(t, 4, collect_iat, &s);
	double n = (double)(s.n - 1), mean = s.sum / n, sd = sqrt((s.sum2 - n * mean * mean) / (n - 1));
	ck_assert_double_eq_tol(mean, 0.5, 0.0134);
	ck_assert_double_eq_tol(sd / mean, 3, 0.13);
	trace_free(t);

	/* MMPP: rates 0.5 and 10 per s, mean sojourns 100 and 20 s (leaving rates
	 * r0 = 0.01, r1 = 0.05): mean rate (0.5 x 100 + 10 x 20) / 120 = 2.0833.
	 * Counts in a window of length w have variance
	 *   m w + 2 r0 r1 (l0 - l1)^2 / (r0 + r1)^3 (w - (1 - e^-(r0+r1) w) / (r0 + r1)),
	 * i.e. an index of dispersion 1 + 200.6 (1 - 1/(0.06 w)) for large w: 199.9
	 * at w = 2,000 s. Over 10^6 s the count 2,083,333 has sd
	 * sqrt(201.6 x 2.08e6) = 20,500 -> tolerance 82,000 on the count. The
	 * dispersion estimated from 500 windows has relative SE sqrt(2/499) =
	 * 6.3 % (more with the counts' excess kurtosis): tolerance 30 %. */
	memset(&s, 0, sizeof(s));
	s.window_s = 2000;
	t = prepare("{\"format\": \"generator\", \"pattern\": \"inference\", \"process\": \"mmpp\","
		    " \"rates_per_s\": [0.5, 10], \"mean_sojourn_s\": [100, 20], \"duration_s\": 1000000}");
	replay(t, 4, collect_iat, &s);
	ck_assert_double_eq_tol((double)s.n, 1e6 * 250.0 / 120, 82000);
	double m = 0, v = 0;
	for (int i = 0; i < 500; i++)
		m += s.counts[i] / 500;
	for (int i = 0; i < 500; i++)
		v += (s.counts[i] - m) * (s.counts[i] - m) / 499;
	double idc = 1 + 2 * 0.01 * 0.05 * 9.5 * 9.5 / pow(0.06, 3) * (2000 - (1 - exp(-0.06 * 2000)) / 0.06) /
			     (2000.0 * 250 / 120);
	ck_assert_double_eq_tol(v / m / idc, 1, 0.3);
	trace_free(t);
}
END_TEST

/* ---- scenarios with a workload ------------------------------------------ */

START_TEST(scenario_workload_and_defaults)
{
	/* The 2019 sample: the listed function keeps its own settings, the two
	 * others take function_defaults plus the trace's service percentiles and
	 * memory (145 MB; 47 MB rounds up to Lambda's 128 MB minimum);
	 * duration_s defaults to the span (9,000 s); all 48 invocations run. */
	char text[8192];
	snprintf(text, sizeof(text),
		 "{\"seed\": 2, \"workload\": {\"format\": \"azure2019\", \"spread\": \"even\", \"invocations\": [\"%s\"],",
		 tu_shared(A19 "invocations.csv"));
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
		 " \"durations\": [\"%s\"],", tu_shared(A19 "durations.csv"));
	snprintf(text + strlen(text), sizeof(text) - strlen(text),
		 " \"memory\": [\"%s\"]}, \"function_defaults\": {\"timeout_s\": 60, \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 30}},"
		 " \"functions\": [{\"name\": \"4dd18b8612337a03958c30308bd81a96b46d24dc6ef32f60eb1cb687f6291f50\","
		 "   \"memory_mb\": 1024, \"service\": {\"dist\": \"constant\", \"value_s\": 0.5}},"
		 "  {\"name\": \"extra\", \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		 "   \"arrivals\": {\"process\": \"periodic\", \"period_s\": 1000}}]}",
		 tu_shared(A19 "memory.csv"));
	struct scenario sc;
	struct run_result r;
	tu_simulate(text, &sc, &r);
	ck_assert_uint_eq(sc.n_functions, 4);
	ck_assert_double_eq(sc.duration_s, 9000);
	ck_assert_uint_eq(sc.functions[0].memory_mb, 1024);
	ck_assert_str_eq(sc.functions[2].name, "fdd2e3c3758d30f677499f1ba3b6c39eb0d7df625a947568503e46e2e60b94e5");
	ck_assert_uint_eq(sc.functions[2].memory_mb, 145);
	ck_assert_uint_eq(sc.functions[3].memory_mb, 128);
	ck_assert_double_eq(sc.functions[2].timeout_s, 60);
	ck_assert_int_eq(sc.functions[2].service.kind, DIST_EMPIRICAL);
	ck_assert_double_eq(tu_fig(&r.functions[0], FIG_INVOCATIONS), 46);
	/* A 0.5 s service every time: mean latency 0.5 s plus no init. */
	ck_assert_double_eq_tol(tu_fig(&r.functions[0], FIG_LATENCY_MEAN), 0.5, 1e-9);
	/* extra: periodic at 0, 1000, ..., 9000: 10 arrivals. */
	ck_assert_double_eq(tu_fig(&r.functions[1], FIG_INVOCATIONS), 10);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_INVOCATIONS), 58);
	run_result_free(&r);
	scenario_free(&sc);

	/* Errors: name in function_defaults, a listed function that is neither in
	 * the trace nor has arrivals, a trace without service times. */
	struct errbuf err;
	const char *bad[][2] = {
		{ "{\"workload\": {\"format\": \"generator\", \"pattern\": \"analytics\"}, \"function_defaults\": {\"name\": \"x\"}}",
		  "function_defaults.name" },
		{ "{\"workload\": {\"format\": \"generator\", \"pattern\": \"analytics\"}, \"function_defaults\": {\"service\": {\"dist\": \"constant\", \"value_s\": 1}},"
		  " \"functions\": [{\"name\": \"typo\", \"service\": {\"dist\": \"constant\", \"value_s\": 1}}]}",
		  "\"typo\" is not a function of the workload" },
		{ "{\"workload\": {\"format\": \"generator\", \"pattern\": \"analytics\"}}", "function_defaults.service" },
		{ "{\"workload\": {\"format\": \"generator\", \"pattern\": \"analytics\", \"devices\": 3},"
		  " \"function_defaults\": {\"service\": {\"dist\": \"constant\", \"value_s\": 1}}}", "devices" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *doc = json_loads(bad[i][0], 0, NULL);
		ck_assert_ptr_nonnull(doc);
		int rc = scenario_from_json(&sc, doc, "s.json", &err);
		json_decref(doc);
		ck_assert_int_eq(rc, ERR_INPUT);
		ck_assert_msg(strstr(err.msg, bad[i][1]), "%s (expected %s)", err.msg, bad[i][1]);
		scenario_free(&sc);
	}
}
END_TEST

START_TEST(example_scenarios_run)
{
	/* Every generator has a scenario in scenarios/; each must load. */
	const char *names[] = { "iot.json", "ecommerce.json", "analytics.json", "inference.json" };
	for (size_t i = 0; i < 4; i++) {
		char path[1024];
		struct scenario sc;
		struct errbuf err;
		snprintf(path, sizeof(path), "%s/scenarios/%s", tu_root(), names[i]);
		ck_assert_msg(scenario_load(&sc, path, NULL, 0, &err) == 0, "%s", err.msg);
		ck_assert_ptr_nonnull(sc.workload);
		ck_assert_uint_ge(sc.n_functions, 1);
		scenario_free(&sc);
	}
}
END_TEST

START_TEST(trace_command)
{
	const char *dir = tu_tmpdir();
	char *out, *err;
	/* gen writes the csv format; reading it back gives the same 1,250 batch
	 * invocations (analytics is exact for batches). */
	ck_assert_int_eq(tu_slsim(NULL, &err, "trace gen analytics --set batch_size=50 --set etl_rate_per_s=0 -o %s/a.csv", dir), 0);
	free(err);
	ck_assert_int_eq(tu_slsim(&out, NULL, "trace stats %s/a.csv --format csv --json", dir), 0);
	json_t *doc = json_loads(out, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "arrivals")), 1250);
	json_decref(doc);
	free(out);
	/* convert: the Azure 2021 sample keeps its 199 rows, with durations. */
	ck_assert_int_eq(tu_slsim(NULL, NULL, "trace convert '%s' --format azure2021 -o %s/b.csv", tu_shared(A21), dir), 0);
	char *text = tu_read(dir, "b.csv");
	int lines = 0;
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 200);
	ck_assert(strncmp(text, "timestamp_s,function,duration_s\n0,", 34) == 0);
	free(text);
	/* Usage and input errors exit 2 with a message. */
	tu_slsim_says(2, "--format", "trace stats x.csv");
	tu_slsim_says(2, "/nonexistent.csv", "trace stats /nonexistent.csv --format csv");
	tu_slsim_says(2, "unknown pattern", "trace gen nope -o %s/c.csv", dir);
	ck_assert_int_eq(tu_slsim(&out, NULL, "trace --help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "slsim trace stats"));
	free(out);
}
END_TEST

/* The registry makes the lists of names the messages and --help texts show
 * (in registry order), and the workload object for one file of a format. */
START_TEST(registry_names_and_file_specs)
{
	char buf[256], small[8];
	ck_assert_int_eq(trace_format_names(TRACE_NAMES_FORMATS, buf, sizeof(buf)),
			 (int)strlen("csv, azure2019, azure2021, azure-llm, alibaba-sd, generator, mix"));
	ck_assert_str_eq(buf, "csv, azure2019, azure2021, azure-llm, alibaba-sd, generator, mix");
	trace_format_names(TRACE_NAMES_FILE_FORMATS, buf, sizeof(buf));
	ck_assert_str_eq(buf, "csv, azure2019, azure2021, azure-llm, alibaba-sd");
	trace_format_names(TRACE_NAMES_GENERATORS, buf, sizeof(buf));
	ck_assert_str_eq(buf, "iot, ecommerce, analytics, inference, diurnal");
	/* Truncated like snprintf, the whole length returned. */
	ck_assert_int_eq(trace_format_names(TRACE_NAMES_GENERATORS, small, sizeof(small)),
			 (int)strlen("iot, ecommerce, analytics, inference, diurnal"));
	ck_assert_str_eq(small, "iot, ec");
	const char *const cases[][3] = {
		{ "azure2019", "d01.csv", "{\"format\": \"azure2019\", \"invocations\": [\"d01.csv\"]}" },
		{ "azure-llm", "x.csv", "{\"format\": \"azure-llm\", \"path\": \"x.csv\"}" },
		{ "nope", "x.csv", "{\"format\": \"nope\", \"path\": \"x.csv\"}" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *spec = trace_spec_for_file(cases[i][0], cases[i][1]);
		char *text = json_dumps(spec, JSON_SORT_KEYS | JSON_COMPACT);
		json_t *want = json_loads(cases[i][2], 0, NULL);
		ck_assert_msg(json_equal(spec, want), "%s: got %s", cases[i][0], text);
		free(text);
		json_decref(want);
		json_decref(spec);
	}
}
END_TEST

/* ---- item: functions only for requests; traffic_scale ------------------- */

static int has_function(const struct trace *t, const char *name)
{
	return trace_find_function(t, name) >= 0;
}

START_TEST(generators_list_only_functions_with_requests)
{
	struct trace *t = prepare("{\"format\": \"generator\", \"pattern\": \"ecommerce\", \"conversion_rate\": 0}");
	ck_assert_uint_eq(trace_n_functions(t), 1);
	ck_assert(has_function(t, "recommend") && !has_function(t, "checkout"));
	trace_free(t);
	t = prepare("{\"format\": \"generator\", \"pattern\": \"ecommerce\", \"page_views_per_s\": 0}");
	ck_assert_uint_eq(trace_n_functions(t), 0);
	ck_assert_uint_eq(replay(t, 1, NULL, NULL), 0);
	trace_free(t);
	t = prepare("{\"format\": \"generator\", \"pattern\": \"analytics\", \"batch_size\": 0, \"duration_s\": 3600}");
	ck_assert_uint_eq(trace_n_functions(t), 1);
	ck_assert(has_function(t, "etl-transform"));
	trace_free(t);
	t = prepare("{\"format\": \"generator\", \"pattern\": \"analytics\", \"etl_rate_per_s\": 0}");
	ck_assert_uint_eq(trace_n_functions(t), 1);
	ck_assert(has_function(t, "batch-aggregate"));
	trace_free(t);
	t = prepare("{\"format\": \"generator\", \"pattern\": \"iot\", \"duration_s\": 600,"
		    " \"functions\": [{\"name\": \"a\", \"probability\": 0}, {\"name\": \"b\", \"probability\": 1}]}");
	ck_assert_uint_eq(trace_n_functions(t), 1);
	/* 100 devices every 60 s over [0, 600]: 10 or 11 reports each. */
	uint64_t n = replay(t, 1, NULL, NULL);
	ck_assert(has_function(t, "b") && n >= 1000 && n <= 1100);
	trace_free(t);
	t = prepare("{\"format\": \"generator\", \"pattern\": \"iot\", \"duration_s\": 600,"
		    " \"functions\": [{\"name\": \"a\", \"probability\": 0}]}");
	ck_assert_uint_eq(replay(t, 1, NULL, NULL), 0);
	trace_free(t);
	t = prepare("{\"format\": \"generator\", \"pattern\": \"inference\", \"process\": \"mmpp\","
		    " \"rates_per_s\": [0, 0], \"mean_sojourn_s\": [10, 10]}");
	ck_assert_uint_eq(trace_n_functions(t), 0);
	ck_assert_uint_eq(replay(t, 1, NULL, NULL), 0);
	trace_free(t);
	/* A scenario of such a workload says why it has no function. */
	const char *dir = tu_tmpdir();
	tu_write(dir, "s.json", "{\"workload\": {\"format\": \"generator\", \"pattern\": \"ecommerce\", \"page_views_per_s\": 0},"
		 " \"function_defaults\": {\"service\": {\"dist\": \"constant\", \"value_s\": 0.1}}}");
	tu_slsim_says(2, "s.json: workload: the workload sends no request", "run %s/s.json -q -o %s/out", dir, dir);
}
END_TEST

struct scaled_visit {
	const double *orig;      /* the file's times */
	size_t n_orig, i;        /* i: the original at or before the current arrival */
	uint64_t n;
	int copies_in_gaps;
};

/* Every arrival is an original time or lies in [orig[i], orig[i + 1]]. */
static void visit_scaled(void *ctx, const struct trace *t, const struct trace_arrival *a)
{
	(void)t;
	struct scaled_visit *v = ctx;
	while (v->i + 1 < v->n_orig && v->orig[v->i + 1] <= a->t_s)
		v->i++;
	v->copies_in_gaps &= a->t_s >= v->orig[v->i] &&
			     (v->i + 1 == v->n_orig ? a->t_s == v->orig[v->i] : a->t_s <= v->orig[v->i + 1]);
	v->n++;
}

START_TEST(traffic_scale_of_a_file)
{
	/* N = 5,000 rows at irregular times (i + 0.25 (i mod 3)). Scale s emits each row
	 * floor(s) + Bernoulli(frac(s)) times: N s on average, sd
	 * sqrt(N f (1 - f)); 4 sd tolerance per replication (seed). Copies lie
	 * between a row and the next, and the stream stays sorted (replay
	 * checks that). Scale 2 is exact; a scale of 0 or above 1e4 is refused. */
	enum { N = 5000 };
	static double orig[N];
	size_t cap = (size_t)N * 32 + 64, len = 0;
	char *text = malloc(cap);
	len += (size_t)snprintf(text, cap, "timestamp_s,function\n");
	for (int i = 0; i < N; i++) {
		orig[i] = i + 0.25 * (i % 3);   /* exact in binary and in %g */
		len += (size_t)snprintf(text + len, cap - len, "%g,%s\n", orig[i], i % 2 ? "a" : "b");
	}
	const char *path = tu_write(tu_tmpdir(), "t.csv", text);
	free(text);
	const double scales[] = { 0.2, 0.75, 1.5, 2, 3.3 };
	for (size_t k = 0; k < 5; k++) {
		struct trace *t = prepare("{\"format\": \"csv\", \"path\": \"%s\", \"traffic_scale\": %g}", path, scales[k]);
		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct scaled_visit v = { .orig = orig, .n_orig = N, .copies_in_gaps = 1 };
			replay(t, seed, visit_scaled, &v);
			double f = scales[k] - floor(scales[k]), sd = sqrt(N * f * (1 - f));
			ck_assert_msg(fabs((double)v.n - N * scales[k]) <= 4 * sd + 1e-9, "scale %g seed %llu: %llu arrivals",
				      scales[k], (unsigned long long)seed, (unsigned long long)v.n);
			ck_assert_msg(v.copies_in_gaps, "scale %g: a copy outside its gap", scales[k]);
		}
		trace_free(t);
	}
	/* Functions reading one arrivals.process "trace" file must agree on it. */
	const char *dir = tu_tmpdir();
	char scen[8192];
	snprintf(scen, sizeof(scen),
		 "{\"duration_s\": 100, \"functions\": ["
		 "{\"name\": \"a\", \"service\": {\"dist\": \"constant\", \"value_s\": 0.1},"
		 " \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\", \"traffic_scale\": 2}},"
		 "{\"name\": \"b\", \"service\": {\"dist\": \"constant\", \"value_s\": 0.1},"
		 " \"arrivals\": {\"process\": \"trace\", \"path\": \"%s\"}}]}", path, path);
	tu_write(dir, "s.json", scen);
	tu_slsim_says(2, "functions[1].arrivals.traffic_scale (1) differs from functions[0]'s (2)", "run %s/s.json -q -o %s/out",
		      dir, dir);
	ck_assert_ptr_nonnull(prepare_error("{\"format\": \"csv\", \"path\": \"x.csv\", \"traffic_scale\": 0}"));
	ck_assert_ptr_nonnull(strstr(prepare_error("{\"format\": \"csv\", \"path\": \"x.csv\", \"traffic_scale\": 2e4}"),
				     "traffic_scale"));
}
END_TEST

Suite *trace_suite(void)
{
	return TU_SUITE("trace", "trace", 600, llm_traces_exact, alibaba_trace_exact, azure2021_trace_exact,
			azure2019_sample_exact, azure2019_full_day_bounded_memory, csv_format_and_bad_rows,
			generator_iot, generator_ecommerce, generator_analytics, generator_inference,
			scenario_workload_and_defaults, example_scenarios_run, trace_command,
			registry_names_and_file_specs, generators_list_only_functions_with_requests,
			traffic_scale_of_a_file);
}
