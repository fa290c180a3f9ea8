/*
 * The bad-input table: every case runs the real binary and must exit with
 * the given status and a message naming the place (file, JSON path or
 * line:column). A case is the base scenario below with one text replaced
 * (or a whole document), optionally a trace file and extra arguments.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suites.h"
#include "testutil.h"

static const char base[] =
	"{\"name\": \"bad\", \"seed\": 1, \"duration_s\": 100, \"warmup_s\": 0, \"replications\": 1,"
	" \"timeseries_interval_s\": 10, \"provider\": \"aws-lambda-x86\","
	" \"platform\": {\"account_concurrency\": 10, \"on_limit\": \"reject\", \"queue_timeout_s\": 5, \"idle_selection\": \"mru\"},"
	" \"functions\": [{\"name\": \"f\", \"memory_mb\": 256, \"concurrency_per_instance\": 1, \"timeout_s\": 60,"
	"  \"service\": {\"dist\": \"exponential\", \"mean_s\": 0.5},"
	"  \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 1}},"
	"  \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 60},"
	"  \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}";

static const char trace_fn[] = "\"arrivals\": {\"process\": \"trace\", \"path\": \"t.csv\"}";

struct bad_case {
	const char *name;
	const char *from, *to;     /* replace `from` in base by `to`; from NULL: `to` is the document */
	const char *trace;         /* content of t.csv beside the scenario, or NULL */
	const char *args;          /* extra arguments */
	int status;
	const char *want;          /* must appear in stderr */
};

#define POISSON "\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}"
/* 5,000 characters of path: beyond PATH_MAX, and five times the message buffer. */
#define D10 "d/d/d/d/d/"
#define D100 D10 D10 D10 D10 D10 D10 D10 D10 D10 D10
#define D1000 D100 D100 D100 D100 D100 D100 D100 D100 D100 D100
#define LONG_TRACE "\"arrivals\": {\"process\": \"trace\", \"path\": \"" D1000 D1000 D1000 D1000 D1000 "t.csv\"}"
#define TRACE(content, want) { "trace: " want, POISSON, trace_fn, content, "", 2, want }

static const struct bad_case cases[] = {
	/* JSON syntax: file:line:column. */
	{ "unterminated object", NULL, "{\"duration_s\": 1,\n", NULL, "", 2, "s.json:2:" },
	{ "trailing comma", NULL, "{\"duration_s\": 1,}", NULL, "", 2, "s.json:1:" },
	{ "empty file", NULL, "", NULL, "", 2, "s.json" },
	{ "duplicate key", "\"seed\": 1,", "\"seed\": 1, \"seed\": 2,", NULL, "", 2, "duplicate" },
	{ "NaN literal", "\"mean_s\": 0.5", "\"mean_s\": NaN", NULL, "", 2, "s.json:1:" },
	{ "Infinity literal", "\"mean_s\": 0.5", "\"mean_s\": Infinity", NULL, "", 2, "s.json:1:" },
	{ "number overflow", "\"duration_s\": 100", "\"duration_s\": 1e400", NULL, "", 2, "s.json:1:" },
	{ "NUL byte", NULL, "{\"duration_s\": 1\\u0000}", NULL, "", 2, "s.json" },
	{ "top-level array", NULL, "[1, 2]", NULL, "", 2, "must be a JSON object" },
	/* Top level. */
	{ "unknown top key", "\"seed\": 1,", "\"seed\": 1, \"sead\": 2,", NULL, "", 2, "sead: unknown key" },
	{ "duration string", "\"duration_s\": 100", "\"duration_s\": \"100\"", NULL, "", 2, "duration_s: must be a number" },
	{ "duration negative", "\"duration_s\": 100", "\"duration_s\": -1", NULL, "", 2, "duration_s" },
	{ "duration zero", "\"duration_s\": 100", "\"duration_s\": 0", NULL, "", 2, "duration_s" },
	{ "duration 1e308", "\"duration_s\": 100", "\"duration_s\": 1e308", NULL, "", 2, "duration_s" },
	{ "duration missing", "\"duration_s\": 100,", "", NULL, "", 2, "duration_s: required key is missing" },
	{ "warmup past duration", "\"warmup_s\": 0", "\"warmup_s\": 100", NULL, "", 2, "warmup_s" },
	{ "seed negative", "\"seed\": 1", "\"seed\": -1", NULL, "", 2, "seed" },
	{ "seed fractional", "\"seed\": 1", "\"seed\": 1.5", NULL, "", 2, "seed" },
	{ "replications zero", "\"replications\": 1", "\"replications\": 0", NULL, "", 2, "replications" },
	{ "replications huge", "\"replications\": 1", "\"replications\": 1e9", NULL, "", 2, "replications" },
	{ "interval zero", "\"timeseries_interval_s\": 10", "\"timeseries_interval_s\": 0", NULL, "", 2, "timeseries_interval_s" },
	{ "too many intervals", "\"timeseries_interval_s\": 10", "\"timeseries_interval_s\": 1e-6", NULL, "", 2, "timeseries_interval_s" },
	{ "name with slash", "\"name\": \"bad\"", "\"name\": \"../x\"", NULL, "", 2, "name" },
	{ "name empty", "\"name\": \"bad\"", "\"name\": \"\"", NULL, "", 2, "name" },
	/* Provider. */
	{ "unknown provider", "\"aws-lambda-x86\"", "\"acme-cloud\"", NULL, "", 2, "provider: unknown provider \"acme-cloud\"" },
	{ "provider number", "\"provider\": \"aws-lambda-x86\"", "\"provider\": 5", NULL, "", 2, "provider" },
	{ "provider object without name", "\"provider\": \"aws-lambda-x86\"", "\"provider\": {\"gb_s_usd\": 1}", NULL, "", 2, "provider.name: required" },
	{ "provider unknown override", "\"provider\": \"aws-lambda-x86\"", "\"provider\": {\"name\": \"aws-lambda-x86\", \"discount\": 1}", NULL, "", 2, "provider.discount: unknown key" },
	{ "provider negative price", "\"provider\": \"aws-lambda-x86\"", "\"provider\": {\"name\": \"aws-lambda-x86\", \"gb_s_usd\": -1}", NULL, "", 2, "provider.gb_s_usd" },
	/* Platform. */
	{ "platform unknown key", "\"on_limit\": \"reject\"", "\"on_limit\": \"reject\", \"region\": 1", NULL, "", 2, "platform.region: unknown key" },
	{ "account concurrency zero", "\"account_concurrency\": 10", "\"account_concurrency\": 0", NULL, "", 2, "platform.account_concurrency" },
	{ "account concurrency 2^40", "\"account_concurrency\": 10", "\"account_concurrency\": 1099511627776", NULL, "", 2, "platform.account_concurrency" },
	{ "on_limit unknown", "\"reject\"", "\"drop\"", NULL, "", 2, "platform.on_limit: unknown value \"drop\"" },
	{ "queue timeout negative", "\"queue_timeout_s\": 5", "\"queue_timeout_s\": -5", NULL, "", 2, "platform.queue_timeout_s" },
	{ "idle selection unknown", "\"mru\"", "\"fifo\"", NULL, "", 2, "platform.idle_selection" },
	{ "platform not object", "\"platform\": {\"account_concurrency\": 10, \"on_limit\": \"reject\", \"queue_timeout_s\": 5, \"idle_selection\": \"mru\"}", "\"platform\": 3", NULL, "", 2, "platform: must be an object" },
	/* Functions list. */
	{ "functions not array", NULL, "{\"duration_s\": 10, \"functions\": {\"f\": 1}}", NULL, "", 2, "functions: must be an array" },
	{ "functions empty", NULL, "{\"duration_s\": 10, \"functions\": []}", NULL, "", 2, "functions: must list at least one" },
	{ "function not object", NULL, "{\"duration_s\": 10, \"functions\": [7]}", NULL, "", 2, "functions[0]: must be an object" },
	{ "function without name", "\"name\": \"f\",", "", NULL, "", 2, "functions[0].name: required key is missing" },
	{ "function name with space", "\"name\": \"f\"", "\"name\": \"my f\"", NULL, "", 2, "functions[0].name" },
	{ "function unknown key", "\"memory_mb\": 256", "\"memory_mb\": 256, \"ram\": 1", NULL, "", 2, "functions[0].ram: unknown key" },
	{ "memory negative", "\"memory_mb\": 256", "\"memory_mb\": -256", NULL, "", 2, "functions[0].memory_mb" },
	{ "memory zero", "\"memory_mb\": 256", "\"memory_mb\": 0", NULL, "", 2, "functions[0].memory_mb" },
	{ "memory above provider max", "\"memory_mb\": 256", "\"memory_mb\": 10241", NULL, "", 2, "functions[0].memory_mb" },
	{ "memory 1e308", "\"memory_mb\": 256", "\"memory_mb\": 1e308", NULL, "", 2, "functions[0].memory_mb" },
	{ "memory fractional", "\"memory_mb\": 256", "\"memory_mb\": 256.5", NULL, "", 2, "functions[0].memory_mb" },
	{ "concurrency zero", "\"concurrency_per_instance\": 1", "\"concurrency_per_instance\": 0", NULL, "", 2, "functions[0].concurrency_per_instance" },
	{ "reserved above account", "\"timeout_s\": 60", "\"timeout_s\": 60, \"reserved_concurrency\": 11", NULL, "", 2, "functions[0].reserved_concurrency" },
	{ "timeout zero", "\"timeout_s\": 60", "\"timeout_s\": 0", NULL, "", 2, "functions[0].timeout_s" },
	{ "timeout string", "\"timeout_s\": 60", "\"timeout_s\": \"1m\"", NULL, "", 2, "functions[0].timeout_s" },
	/* Message details (issue 12): the provider's limits, named, with hints. */
	{ "timeout above Lambda's 900 s", "\"timeout_s\": 60", "\"timeout_s\": 1000", NULL, "", 2,
	  "functions[0].timeout_s: 1000 s is above the maximum timeout of aws-lambda-x86, 900 s" },
	{ "timeout above gen1's 540 s", "\"timeout_s\": 60", "\"timeout_s\": 600", NULL, "--set provider=gcf-gen1", 2,
	  "functions[0].timeout_s: 600 s is above the maximum timeout of gcf-gen1, 540 s" },
	{ "timeout above Consumption's 10 min", "\"timeout_s\": 60", "\"timeout_s\": 601", NULL, "--set provider=azure-consumption", 2,
	  "maximum timeout of azure-consumption, 600 s" },
	{ "memory in GB", "\"memory_mb\": 256", "\"memory_mb\": 1.5", NULL, "", 2,
	  "functions[0].memory_mb: must be an integer in [128, 10240] on aws-lambda-x86, got 1.5 (memory_mb is in MB: did you mean 1536?)" },
	{ "accelerator on a plan without GPUs", "\"memory_mb\": 256", "\"memory_mb\": 256, \"accelerator\": {\"type\": \"nvidia-l4\"}",
	  NULL, "", 2, "functions[0].accelerator: provider aws-lambda-x86 has no GPUs" },
	{ "accelerator unknown GPU type", "\"memory_mb\": 256",
	  "\"memory_mb\": 16384, \"vcpus\": 4, \"accelerator\": {\"type\": \"nvidia-a100\"}", NULL, "--set provider=cloudrun-gpu", 2,
	  "functions[0].accelerator.type: unknown GPU type \"nvidia-a100\" (this plan offers nvidia-l4)" },
	{ "accelerator count 0", "\"memory_mb\": 256",
	  "\"memory_mb\": 16384, \"vcpus\": 4, \"accelerator\": {\"type\": \"nvidia-l4\", \"count\": 0}", NULL,
	  "--set provider=cloudrun-gpu", 2, "functions[0].accelerator.count" },
	{ "accelerator count above the plan's", "\"memory_mb\": 256",
	  "\"memory_mb\": 16384, \"vcpus\": 4, \"accelerator\": {\"type\": \"nvidia-l4\", \"count\": 2}", NULL,
	  "--set provider=cloudrun-gpu", 2, "functions[0].accelerator.count: must be an integer in [1, 1], got 2" },
	{ "accelerator below the L4's memory", "\"memory_mb\": 256",
	  "\"memory_mb\": 8192, \"vcpus\": 4, \"accelerator\": {\"type\": \"nvidia-l4\"}", NULL, "--set provider=cloudrun-gpu", 2,
	  "functions[0].memory_mb: nvidia-l4 needs at least 16384 MB per GPU, got 8192" },
	{ "accelerator below the L4's vCPUs", "\"memory_mb\": 256",
	  "\"memory_mb\": 16384, \"vcpus\": 2, \"accelerator\": {\"type\": \"nvidia-l4\"}", NULL, "--set provider=cloudrun-gpu", 2,
	  "functions[0].vcpus: nvidia-l4 needs at least 4 vCPU per GPU, got 2" },
	{ "accelerator missing on a GPU plan", "\"memory_mb\": 256", "\"memory_mb\": 256", NULL, "--set provider=runpod-flex", 2,
	  "functions[0].accelerator: required on this GPU plan (one of nvidia-l4, nvidia-a100-80gb" },
	{ "accelerator unknown key", "\"memory_mb\": 256", "\"memory_mb\": 256, \"accelerator\": {\"type\": \"nvidia-l4\", \"gpus\": 1}",
	  NULL, "", 2, "functions[0].accelerator.gpus: unknown key" },
	{ "accelerator without type", "\"memory_mb\": 256", "\"memory_mb\": 256, \"accelerator\": {\"count\": 1}",
	  NULL, "", 2, "functions[0].accelerator.type" },
	{ "memory above Consumption's", "\"memory_mb\": 256", "\"memory_mb\": 2048", NULL, "--set provider=azure-consumption", 2,
	  "functions[0].memory_mb: must be an integer in [128, 1536] on azure-consumption, got 2048" },
	{ "memory not a gen1 tier", "\"memory_mb\": 256", "\"memory_mb\": 1000", NULL, "--set provider=gcf-gen1", 2,
	  "must be one of 128, 256, 512, 1024, 2048, 4096, 8192 MB on gcf-gen1, got 1000" },
	{ "memory fit above the maximum", "\"memory_mb\": 256", "\"memory_mb\": 20000, \"memory_fit\": true", NULL, "", 2,
	  "functions[0].memory_mb: aws-lambda-x86 offers no size at or above 20000 MB (memory_fit; it offers an integer in [128, 10240])" },
	{ "memory \"fit\" string", "\"memory_mb\": 256", "\"memory_mb\": \"fit\"", NULL, "", 2,
	  "set \"memory_fit\": true" },
	{ "key typo suggests the key", "\"memory_mb\": 256", "\"memroy_mb\": 256", NULL, "", 2,
	  "functions[0].memroy_mb: unknown key; did you mean \"memory_mb\"?" },
	{ "value typo suggests the value", "\"reject\"", "\"rejct\"", NULL, "", 2,
	  "platform.on_limit: unknown value \"rejct\"; did you mean \"reject\"?" },
	{ "5 KB path keeps the reason", POISSON, LONG_TRACE, NULL, "", 2, "t.csv: cannot open: File name too long" },
	/* Distributions. */
	{ "service missing", "\"service\": {\"dist\": \"exponential\", \"mean_s\": 0.5},", "", NULL, "", 2, "functions[0]: give exactly one of service and work" },
	{ "dist unknown", "\"dist\": \"exponential\"", "\"dist\": \"pareto\"", NULL, "", 2, "functions[0].service" },
	{ "dist missing mean", "\"mean_s\": 0.5", "\"median_s\": 0.5", NULL, "", 2, "functions[0].service" },
	{ "dist negative mean", "\"mean_s\": 0.5", "\"mean_s\": -0.5", NULL, "", 2, "functions[0].service.mean_s" },
	{ "lognormal mixed forms", "\"dist\": \"exponential\", \"mean_s\": 0.5", "\"dist\": \"lognormal\", \"median_s\": 0.5, \"cv\": 1", NULL, "", 2, "functions[0].service" },
	{ "gamma cv zero", "\"dist\": \"exponential\", \"mean_s\": 0.5", "\"dist\": \"gamma\", \"mean_s\": 0.5, \"cv\": 0", NULL, "", 2, "functions[0].service.cv" },
	{ "uniform min above max", "\"dist\": \"exponential\", \"mean_s\": 0.5", "\"dist\": \"uniform\", \"min_s\": 2, \"max_s\": 1", NULL, "", 2, "functions[0].service" },
	{ "empirical without 100", "\"dist\": \"exponential\", \"mean_s\": 0.5", "\"dist\": \"empirical\", \"percentiles\": {\"0\": 0.1, \"50\": 0.2}", NULL, "", 2, "functions[0].service.percentiles" },
	{ "empirical decreasing", "\"dist\": \"exponential\", \"mean_s\": 0.5", "\"dist\": \"empirical\", \"percentiles\": {\"0\": 0.3, \"50\": 0.2, \"100\": 0.4}", NULL, "", 2, "functions[0].service.percentiles" },
	{ "empirical bad key", "\"dist\": \"exponential\", \"mean_s\": 0.5", "\"dist\": \"empirical\", \"percentiles\": {\"0\": 0.1, \"p50\": 0.2, \"100\": 0.4}", NULL, "", 2, "functions[0].service.percentiles" },
	/* Models. */
	{ "cold start mode unknown", "\"mode\": \"add\"", "\"mode\": \"snap\"", NULL, "", 2, "functions[0].cold_start.mode" },
	{ "cold start add without init", "\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 1}", "\"mode\": \"add\"", NULL, "", 2, "functions[0].cold_start.init: required" },
	{ "keepalive policy unknown", "\"policy\": \"fixed\"", "\"policy\": \"forever-ish\"", NULL, "", 2, "functions[0].keepalive.policy" },
	{ "keepalive negative ttl", "\"ttl_s\": 60", "\"ttl_s\": -60", NULL, "", 2, "functions[0].keepalive.ttl_s" },
	/* Arrivals. */
	{ "arrivals missing", ",  " POISSON, "", NULL, "", 2, "functions[0].arrivals: required key is missing" },
	{ "arrival process unknown", "\"poisson\"", "\"hawkes\"", NULL, "", 2, "functions[0].arrivals.process" },
	{ "poisson rate negative", "\"rate_per_s\": 1", "\"rate_per_s\": -1", NULL, "", 2, "functions[0].arrivals.rate_per_s" },
	{ "poisson rate NaN via string", "\"rate_per_s\": 1", "\"rate_per_s\": \"nan\"", NULL, "", 2, "functions[0].arrivals.rate_per_s" },
	{ "too many arrivals", "\"rate_per_s\": 1", "\"rate_per_s\": 1e9", NULL, "--set duration_s=1e9 --set timeseries_interval_s=1e6", 2, "above the limit" },
	{ "periodic period zero", POISSON, "\"arrivals\": {\"process\": \"periodic\", \"period_s\": 0}", NULL, "", 2, "functions[0].arrivals.period_s" },
	{ "periodic jitter too large", POISSON, "\"arrivals\": {\"process\": \"periodic\", \"period_s\": 5, \"jitter_s\": 5}", NULL, "", 2, "functions[0].arrivals.jitter_s" },
	{ "trace without path", POISSON, "\"arrivals\": {\"process\": \"trace\"}", NULL, "", 2, "functions[0].arrivals.path: required" },
	{ "trace format unknown", POISSON, "\"arrivals\": {\"process\": \"trace\", \"path\": \"t.csv\", \"format\": \"xml\"}", NULL, "", 2, "functions[0].arrivals.format" },
	/* --set. */
	{ "set bad index", NULL, NULL, NULL, "--set functions[9].memory_mb=512", 2, "--set functions[9].memory_mb=512" },
	{ "set no value", NULL, NULL, NULL, "--set memory", 2, "expected PATH=VALUE" },
	{ "set unknown key", NULL, NULL, NULL, "--set functions[0].colour=red", 2, "functions[0].colour: unknown key" },
	{ "set wrong type", NULL, NULL, NULL, "--set functions[0].memory_mb=big", 2, "functions[0].memory_mb: must be an integer" },
	{ "threads zero", NULL, NULL, NULL, "--threads 0", 2, "--threads" },
	/* CSV traces. */
	{ "trace missing file", POISSON, trace_fn, NULL, "", 2, "t.csv: cannot open" },
	TRACE("", "t.csv: empty file"),
	TRACE("time,fn\n1,f\n", "t.csv:1: the header"),
	TRACE("timestamp_s,function\n1,f,3\n", "t.csv:2: expected 2 fields, got 3"),
	TRACE("timestamp_s,function\n1\n", "t.csv:2: expected 2 fields, got 1"),
	TRACE("timestamp_s,function\nsoon,f\n", "t.csv:2: column 'timestamp_s'"),
	TRACE("timestamp_s,function\n1e999,f\n", "t.csv:2: column 'timestamp_s'"),
	TRACE("timestamp_s,function\n-1,f\n", "t.csv:2: timestamp_s must be >= 0"),
	TRACE("timestamp_s,function\n1,f\n3,f\n2,f\n", "t.csv:4:"),
	TRACE("timestamp_s,function\n1,g\n", "t.csv:2: unknown function \"g\""),
	TRACE("timestamp_s,function,duration_s\n1,f,-2\n", "t.csv:2: duration_s must be >= 0"),
	TRACE("timestamp_s,function,duration_s\n1,f,fast\n", "t.csv:2: column 'duration_s'"),
	TRACE("timestamp_s,function\n1,f\n2,\"f", "t.csv:3:"),
	TRACE("timestamp_s,function\n1,f\"x\n", "t.csv:2:"),
};

/* A trace whose one line is longer than the reader's 1 MiB limit. */
static char *long_line_trace(void)
{
	size_t n = (1u << 20) + 100;
	char *s = malloc(n + 64);
	ck_assert_ptr_nonnull(s);
	strcpy(s, "timestamp_s,function\n1,");
	size_t k = strlen(s);
	memset(s + k, 'f', n);
	strcpy(s + k + n, "\n");
	return s;
}

/* Writes base with `from` replaced by `to` as <dir>/s.json; its path goes
 * to scen. `name` is the case's, for the message when `from` is missing. */
static void write_base_with(char *scen, size_t size, const char *dir, const char *name, const char *from,
			    const char *to)
{
	char doc[8192];
	const char *at = strstr(base, from);
	ck_assert_msg(at != NULL, "case \"%s\": \"%s\" not in the base scenario", name, from);
	snprintf(doc, sizeof(doc), "%.*s%s%s", (int)(at - base), base, to, at + strlen(from));
	snprintf(scen, size, "%s", tu_write(dir, "s.json", doc));
}

static void run_case(const struct bad_case *c, const char *trace)
{
	const char *dir = tu_tmpdir();
	char scen[512];
	if (!c->from && c->to)
		snprintf(scen, sizeof(scen), "%s", tu_write(dir, "s.json", c->to));
	else
		write_base_with(scen, sizeof(scen), dir, c->name, c->from ? c->from : "", c->to ? c->to : "");
	if (trace)
		tu_write(dir, "t.csv", trace);
	char *err = NULL;
	int status = tu_slsim(NULL, &err, "run '%s' -q -o '%s/out' %s", scen, dir, c->args);
	ck_assert_msg(status == c->status, "case \"%s\": exit %d, expected %d; stderr: %s", c->name,
		      status, c->status, err ? err : "");
	ck_assert_msg(err && strstr(err, c->want), "case \"%s\": stderr \"%s\" lacks \"%s\"", c->name,
		      err ? err : "", c->want);
	/* Nothing half-written: a failed run leaves no summary. */
	char path[600];
	snprintf(path, sizeof(path), "%s/out/summary.json", dir);
	char *summary = tu_slurp(path);
	ck_assert_msg(summary == NULL, "case \"%s\": summary.json written", c->name);
	free(err);
}

START_TEST(bad_input_table)
{
	run_case(&cases[_i], cases[_i].trace);
}
END_TEST

START_TEST(trace_line_too_long)
{
	char *t = long_line_trace();
	struct bad_case c = { "long line", POISSON, trace_fn, NULL, "", 2, "t.csv:2: line longer than" };
	run_case(&c, t);
	free(t);
}
END_TEST

START_TEST(trace_is_a_directory)
{
	const char *dir = tu_tmpdir();
	char scen[512], sub[600];
	write_base_with(scen, sizeof(scen), dir, "directory", POISSON, trace_fn);
	snprintf(sub, sizeof(sub), "%s/t.csv", dir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	tu_slsim_says(2, "t.csv: is a directory", "run '%s' -q -o '%s/out'", scen, dir);
}
END_TEST

START_TEST(good_trace_with_bom_and_crlf_runs)
{
	const char *dir = tu_tmpdir();
	char scen[512];
	write_base_with(scen, sizeof(scen), dir, "bom and crlf", POISSON, trace_fn);
	tu_write(dir, "t.csv", "\xEF\xBB\xBFtimestamp_s,function,duration_s\r\n0.5,f,0.25\r\n\r\n7,\"f\",1");
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s/out'", scen, dir), 0);
	char path[600];
	snprintf(path, sizeof(path), "%s/out/summary.json", dir);
	json_error_t jerr;
	json_t *s = json_load_file(path, 0, &jerr);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(s, "totals"), "invocations")), 2);
	json_decref(s);
}
END_TEST

/* Copies the slsim binary into dir (mode 0755), so that nobody can run it
 * wherever the clone is: a root user's clone under /root (mode 700) or a
 * mktemp -d folder is out of nobody's reach. */
static void copy_bin_into(const char *dir, char *bin, size_t size)
{
	snprintf(bin, size, "%s/slsim", dir);
	char cmd[1600];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 0755 '%s'", tu_bin(), bin, bin);
	ck_assert_int_eq(system(cmd), 0);
}

/* Runs bin with argv as an unprivileged user (nobody) when the tests run as
 * root, since root reads files whatever their permissions; returns the exit
 * status and leaves stderr in err_path. */
static int run_unprivileged(const char *bin, char **argv, const char *err_path)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		FILE *fp = freopen(err_path, "w", stderr);
		(void)fp;
		if (getuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(126);
		argv[0] = (char *)bin;
		execv(bin, argv);
		_exit(127);
	}
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(unreadable_files)
{
	const char *dir = tu_tmpdir();
	char scen[600], out[600], err_path[600];
	write_base_with(scen, sizeof(scen), dir, "unreadable", POISSON, trace_fn);
	char trace[600];
	snprintf(trace, sizeof(trace), "%s", tu_write(dir, "t.csv", "timestamp_s,function\n1,f\n"));
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(err_path, sizeof(err_path), "%s/err", dir);
	ck_assert_int_eq(mkdir(out, 0777), 0);
	ck_assert_int_eq(chmod(out, 0777), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_eq(chmod(scen, 0644), 0);
	ck_assert_int_eq(chmod(trace, 0000), 0);
	char bin[700];
	copy_bin_into(dir, bin, sizeof(bin));
	char *argv[] = { NULL, "run", scen, "-q", "-o", out, NULL };
	ck_assert_int_eq(run_unprivileged(bin, argv, err_path), 2);
	char *err = tu_slurp(err_path);
	ck_assert_msg(err && strstr(err, "t.csv") && strstr(err, "Permission denied"), "%s", err ? err : "");
	free(err);
	/* The scenario itself unreadable. */
	ck_assert_int_eq(chmod(scen, 0000), 0);
	ck_assert_int_eq(run_unprivileged(bin, argv, err_path), 2);
	err = tu_slurp(err_path);
	ck_assert_msg(err && strstr(err, "s.json") && strstr(err, "ermission denied"), "%s", err ? err : "");
	free(err);
}
END_TEST

Suite *badinput_suite(void)
{
	Suite *s = suite_create("bad-input");
	TCase *tc = tu_tcase(s, "table", 60);
	tcase_add_loop_test(tc, bad_input_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	TU_ADD_TESTS(tc, trace_line_too_long, trace_is_a_directory, unreadable_files,
		     good_trace_with_bom_and_crlf_runs);
	return s;
}
