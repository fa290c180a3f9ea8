/* Scenario files: defaults, --set, and the messages of bad input. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/jsonutil.h"
#include "suites.h"
#include "testutil.h"

static const char *const base =
	"{\"duration_s\": 100, \"functions\": [{\"name\": \"f\", "
	"\"service\": {\"dist\": \"constant\", \"value_s\": 0.1}, "
	"\"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}";

/* Loads text (after the --set assignments) and returns the error code. */
static int load(const char *text, const char *const *sets, size_t n_sets, struct scenario *sc,
		struct errbuf *err)
{
	const char *dir = tu_tmpdir();
	const char *path = tu_write(dir, "s.json", text);
	return scenario_load(sc, path, sets, n_sets, err);
}

/* Expects text to be rejected as bad input with a message containing want. */
static void expect_error(const char *text, const char *const *sets, size_t n_sets, const char *want)
{
	struct scenario sc;
	struct errbuf err = { "" };
	int rc = load(text, sets, n_sets, &sc, &err);
	ck_assert_int_eq(rc, ERR_INPUT);
	ck_assert_msg(strstr(err.msg, want) != NULL, "message \"%s\" lacks \"%s\"", err.msg, want);
	ck_assert_msg(strstr(err.msg, "s.json") != NULL, "message \"%s\" lacks the file name", err.msg);
	scenario_free(&sc);
}

START_TEST(defaults_are_applied)
{
	struct scenario sc;
	struct errbuf err = { "" };
	ck_assert_int_eq(load(base, NULL, 0, &sc, &err), 0);
	ck_assert_str_eq(sc.name, "s");
	ck_assert_uint_eq(sc.seed, 1);
	ck_assert_uint_eq(sc.replications, 1);
	ck_assert_double_eq(sc.warmup_s, 0);
	ck_assert_double_eq(sc.timeseries_interval_s, 60);
	ck_assert_str_eq(sc.pricing->name, "aws-lambda-x86");
	ck_assert_uint_eq(sc.platform.account_concurrency, 1000);
	ck_assert_int_eq(sc.platform.on_limit, ON_LIMIT_REJECT);
	ck_assert_double_eq(sc.platform.queue_timeout_s, 900);
	ck_assert_int_eq(sc.platform.idle_selection, IDLE_MRU);
	ck_assert_uint_eq(sc.functions[0].memory_mb, 128);
	ck_assert_uint_eq(sc.functions[0].concurrency_per_instance, 1);
	ck_assert_double_eq(sc.functions[0].timeout_s, 900);
	ck_assert_str_eq(sc.functions[0].keepalive->name, "fixed");
	ck_assert_double_eq(sc.functions[0].keepalive->on_idle(sc.functions[0].keepalive_cfg, NULL, 0), 600);
	ck_assert_str_eq(sc.functions[0].cold_start->name, "add");
	scenario_free(&sc);
}
END_TEST

START_TEST(set_overrides_and_adds_keys)
{
	const char *sets[] = {
		"functions[0].keepalive.ttl_s=300",      /* creates keepalive */
		"provider=aws-lambda-arm64",             /* not JSON: a string */
		"functions[0].memory_mb=1024",
		"platform={\"idle_selection\":\"lru\"}",
		"name=renamed",
	};
	struct scenario sc;
	struct errbuf err = { "" };
	ck_assert_msg(load(base, sets, 5, &sc, &err) == 0, "%s", err.msg);
	ck_assert_double_eq(sc.functions[0].keepalive->on_idle(sc.functions[0].keepalive_cfg, NULL, 0), 300);
	ck_assert_str_eq(sc.pricing->name, "aws-lambda-arm64");
	ck_assert_uint_eq(sc.functions[0].memory_mb, 1024);
	ck_assert_int_eq(sc.platform.idle_selection, IDLE_LRU);
	ck_assert_str_eq(sc.name, "renamed");
	scenario_free(&sc);

	const char *whole[] = { "functions[0].keepalive={\"policy\":\"fixed\",\"ttl_s\":60}" };
	ck_assert_int_eq(load(base, whole, 1, &sc, &err), 0);
	ck_assert_double_eq(sc.functions[0].keepalive->on_idle(sc.functions[0].keepalive_cfg, NULL, 0), 60);
	scenario_free(&sc);
}
END_TEST

START_TEST(syntax_error_names_line_and_column)
{
	struct scenario sc;
	struct errbuf err = { "" };
	int rc = load("{\n  \"duration_s\": 100,\n  \"functions\": [,]\n}\n", NULL, 0, &sc, &err);
	ck_assert_int_eq(rc, ERR_INPUT);
	ck_assert_msg(strstr(err.msg, "s.json:3:") != NULL, "no line:column in \"%s\"", err.msg);
	/* Duplicate keys are syntax errors too. */
	rc = load("{\"duration_s\": 1, \"duration_s\": 2}", NULL, 0, &sc, &err);
	ck_assert_int_eq(rc, ERR_INPUT);
	ck_assert_msg(strstr(err.msg, "duplicate") != NULL, "%s", err.msg);
}
END_TEST

START_TEST(semantic_errors_name_the_json_path)
{
	char text[2048];
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
		{ "\"name\": \"f\"", "\"name\": \"f\", \"colour\": 1", "functions[0].colour: unknown key" },
		{ "\"name\": \"f\"", "\"name\": \"f\", \"memory_mb\": -128", "functions[0].memory_mb" },
		{ "\"name\": \"f\"", "\"name\": \"f\", \"memory_mb\": 0", "functions[0].memory_mb" },
		{ "\"name\": \"f\"", "\"name\": \"f\", \"memory_mb\": 20000", "functions[0].memory_mb" },
		{ "\"name\": \"f\"", "\"name\": \"f\", \"memory_mb\": \"lots\"", "functions[0].memory_mb: must be an integer" },
		{ "\"name\": \"f\"", "\"name\": \"f\", \"concurrency_per_instance\": 0", "functions[0].concurrency_per_instance" },
		{ "\"value_s\": 0.1", "\"value_s\": -0.1", "functions[0].service.value_s" },
		{ "\"rate_per_s\": 1", "\"rate_per_s\": \"fast\"", "functions[0].arrivals.rate_per_s" },
		{ "\"poisson\"", "\"bursty\"", "functions[0].arrivals.process" },
		{ "\"duration_s\": 100", "\"duration_s\": 100, \"speed\": 2", "s.json: speed: unknown key" },
		{ "\"duration_s\": 100", "\"duration_s\": -5", "duration_s" },
		{ "\"duration_s\": 100", "\"duration_s\": 100, \"provider\": \"acme\"", "unknown provider \"acme\"" },
		{ "\"duration_s\": 100", "\"duration_s\": 100, \"platform\": {\"on_limit\": \"drop\"}", "platform.on_limit" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *at = strstr(base, cases[i].from);
		ck_assert_ptr_nonnull(at);
		snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - base), base, cases[i].to,
			 at + strlen(cases[i].from));
		expect_error(text, NULL, 0, cases[i].want);
	}
	/* Structural problems. */
	expect_error("{\"duration_s\": 100, \"functions\": []}", NULL, 0, "functions: must list at least one");
	expect_error("{\"duration_s\": 100}", NULL, 0, "functions: required key is missing");
	expect_error("[1, 2]", NULL, 0, "must be a JSON object");
	const char *two = "{\"duration_s\": 100, \"functions\": ["
		"{\"name\": \"f\", \"service\": {\"dist\": \"constant\", \"value_s\": 1}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}},"
		"{\"name\": \"f\", \"service\": {\"dist\": \"constant\", \"value_s\": 1}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}";
	expect_error(two, NULL, 0, "functions[1].name: duplicate function name \"f\"");
	/* --set values are validated like the file's. */
	const char *neg[] = { "functions[0].memory_mb=-1" };
	expect_error(base, neg, 1, "functions[0].memory_mb");
	const char *unknown[] = { "functions[0].keepalive.ttl=5" };
	expect_error(base, unknown, 1, "functions[0].keepalive.ttl: unknown key");
}
END_TEST

START_TEST(set_syntax_errors)
{
	struct scenario sc;
	struct errbuf err = { "" };
	const char *cases[][2] = {
		{ "functions[7].memory_mb=256", "out of range" },
		{ "nokey", "expected PATH=VALUE" },
		{ "functions[x]=1", "index" },
		{ "duration_s.inner=1", "not inside an object" },
		/* Found by fuzzing: jansson refuses the key and frees the value. */
		{ "\x03\xa8.q=", "not valid UTF-8" },
		{ "\x03\xa8=1", "not valid UTF-8" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *sets[] = { cases[i][0] };
		ck_assert_int_eq(load(base, sets, 1, &sc, &err), ERR_INPUT);
		ck_assert_msg(strstr(err.msg, cases[i][1]), "\"%s\" lacks \"%s\"", err.msg, cases[i][1]);
		ck_assert_msg(strstr(err.msg, "--set"), "\"%s\" does not name --set", err.msg);
	}
}
END_TEST

START_TEST(missing_file)
{
	struct scenario sc;
	struct errbuf err = { "" };
	ck_assert_int_eq(scenario_load(&sc, "/nonexistent/x.json", NULL, 0, &err), ERR_INPUT);
	ck_assert_msg(strstr(err.msg, "/nonexistent/x.json"), "%s", err.msg);
}
END_TEST

/* A message longer than the buffer loses its middle, never its end; a
 * message may quote the buffer it is written into. */
START_TEST(long_messages_keep_their_end)
{
	static char value[5001];
	memset(value, 'd', 5000);
	struct errbuf e = { "" };
	ck_assert_int_eq(errbuf_set(&e, ERR_INPUT, "f.json: %s: cannot open: File name too long", value), ERR_INPUT);
	size_t n = strlen(e.msg);
	ck_assert_uint_eq(n, sizeof(e.msg) - 1);
	ck_assert_int_eq(strncmp(e.msg, "f.json: ddd", 11), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "d [...] d"));
	ck_assert_str_eq(e.msg + n - 35, "dd: cannot open: File name too long");
	errbuf_set(&e, ERR_INPUT, "%s", "short");
	errbuf_set(&e, ERR_INPUT, "point 3: %s", e.msg);
	ck_assert_str_eq(e.msg, "point 3: short");
	char buf[64];
	ck_assert_str_eq(errbuf_cap("abc", buf, sizeof(buf)), "abc");
	const char *c = errbuf_cap(value, buf, sizeof(buf));
	ck_assert_uint_eq(strlen(c), sizeof(buf) - 1);
	ck_assert_ptr_nonnull(strstr(c, " [...] "));
}
END_TEST

/* A typo is a small edit distance (a transposition counts one, case is
 * ignored); an unrelated word suggests nothing. */
START_TEST(nearest_name_for_typos)
{
	static const char *const keys[] = { "name", "memory_mb", "timeout_s", "service", NULL };
	ck_assert_str_eq(ju_nearest("memroy_mb", keys), "memory_mb");
	ck_assert_str_eq(ju_nearest("Memory_MB", keys), "memory_mb");
	ck_assert_str_eq(ju_nearest("timeout", keys), "timeout_s");
	ck_assert_ptr_null(ju_nearest("ram", keys));
	ck_assert_ptr_null(ju_nearest("colour", keys));
}
END_TEST

/* A scenario 3,000 characters deep still names the JSON path and reason. */
START_TEST(long_path_keeps_json_path)
{
	char path[4096];
	int n = snprintf(path, sizeof(path), "%s", tu_tmpdir());
	for (int level = 0; level < 12; level++) {
		n += snprintf(path + n, sizeof(path) - (size_t)n, "/%0250d", level);
		ck_assert_int_eq(mkdir(path, 0755), 0);
	}
	char text[1024];
	snprintf(text, sizeof(text), "%s", base);
	char *at = strstr(text, "\"name\": \"f\"");
	const char *ins = "\"memory_mb\": 64, ";
	memmove(at + strlen(ins), at, strlen(at) + 1);
	memcpy(at, ins, strlen(ins));
	const char *file = tu_write(path, "s.json", text);
	struct scenario sc;
	struct errbuf err = { "" };
	ck_assert_int_eq(scenario_load(&sc, file, NULL, 0, &err), ERR_INPUT);
	ck_assert_msg(strstr(err.msg, "[...]") &&
			      strstr(err.msg, "s.json: functions[0].memory_mb: must be an integer in [128, 10240] on aws-lambda-x86, got 64"),
		      "%s", err.msg);
	scenario_free(&sc);
}
END_TEST

/* Provider limits from the data: the default timeout is capped at the
 * provider's maximum (900 s, gen1 540 s, Flex none); memory_fit takes the
 * smallest valid size at or above the request. */
START_TEST(provider_limits_and_memory_fit)
{
	static const struct {
		const char *provider;
		int request_mb, fitted_mb;
		double timeout_s;
	} cases[] = {
		{ "aws-lambda-x86", 1000, 1000, 900 },
		{ "gcf-gen1", 1000, 1024, 540 },
		{ "gcf-gen1", 129, 256, 540 },
		{ "azure-flex", 600, 2048, 900 },
		{ "azure-consumption", 1500, 1500, 600 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char set_p[64], set_m[64];
		snprintf(set_p, sizeof(set_p), "provider=%s", cases[i].provider);
		snprintf(set_m, sizeof(set_m), "functions[0].memory_mb=%d", cases[i].request_mb);
		const char *sets[] = { set_p, set_m, "functions[0].memory_fit=true" };
		struct scenario sc;
		struct errbuf err = { "" };
		ck_assert_msg(load(base, sets, 3, &sc, &err) == 0, "%s: %s", cases[i].provider, err.msg);
		ck_assert_uint_eq(sc.functions[0].memory_mb, (unsigned)cases[i].fitted_mb);
		ck_assert_double_eq(sc.functions[0].timeout_s, cases[i].timeout_s);
		scenario_free(&sc);
	}
}
END_TEST

Suite *scenario_suite(void)
{
	return TU_SUITE("scenario", "scenario", 0, defaults_are_applied, set_overrides_and_adds_keys,
			syntax_error_names_line_and_column, semantic_errors_name_the_json_path,
			set_syntax_errors, missing_file, long_messages_keep_their_end, nearest_name_for_typos,
			long_path_keeps_json_path, provider_limits_and_memory_fit);
}
