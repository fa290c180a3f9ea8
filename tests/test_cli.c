/* The slsim command: exit statuses, messages, output files, determinism. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suites.h"
#include "testutil.h"

static const char *const small =
	"{\"name\": \"small\", \"seed\": 3, \"duration_s\": 5000, \"replications\": %d,"
	" \"functions\": ["
	"  {\"name\": \"api\", \"memory_mb\": 256, \"service\": {\"dist\": \"lognormal\", \"median_s\": 0.05, \"sigma\": 0.8},"
	"   \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"gamma\", \"mean_s\": 0.4, \"cv\": 0.3}},"
	"   \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 120},"
	"   \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 3}},"
	"  {\"name\": \"cron\", \"memory_mb\": 1024, \"service\": {\"dist\": \"uniform\", \"min_s\": 1, \"max_s\": 4},"
	"   \"arrivals\": {\"process\": \"periodic\", \"period_s\": 300, \"jitter_s\": 10}}]}";

static const char *write_small(const char *dir, int reps)
{
	char text[4096];
	snprintf(text, sizeof(text), small, reps);
	return tu_write(dir, "small.json", text);
}

/* 150 functions: five groups of 32 in a partitioned run (sim/run/partition.c), the last
 * partial; Poisson rates from 0.01 to 1 per s, mixed keep-alive. */
static const char *write_wide(const char *dir, int reps)
{
	static char text[65536];
	size_t n = (size_t)snprintf(text, sizeof(text),
				    "{\"name\": \"wide\", \"seed\": 6, \"duration_s\": 900, \"warmup_s\": 60,"
				    " \"replications\": %d, \"functions\": [", reps);
	for (int i = 0; i < 150; i++) {
		const char *ka = i % 3 == 0 ? "{\"policy\": \"fixed\", \"ttl_s\": 60}"
			       : i % 3 == 1 ? "{\"policy\": \"hybrid-histogram\", \"bin_s\": 5, \"range_s\": 600}"
					    : "{\"policy\": \"none\"}";
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "%s{\"name\": \"f%d\", \"service\": {\"dist\": \"lognormal\", \"mean_s\": %.3f, \"cv\": 1},"
				      " \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"gamma\", \"mean_s\": 0.5, \"cv\": 0.5}},"
				      " \"keepalive\": %s, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": %.5f}}",
				      i ? "," : "", i, 0.05 + 0.01 * (i % 17), ka, 0.01 * pow(100, (i * 37 % 150) / 149.0));
		ck_assert_uint_lt(n, sizeof(text) - 16);
	}
	snprintf(text + n, sizeof(text) - n, "]}");
	return tu_write(dir, "wide.json", text);
}

/* summary.json without its "run" object (wall-clock figures). */
static char *summary_without_run(const char *dir)
{
	json_t *doc = tu_load_json(dir, "summary.json");
	json_object_del(doc, "run");
	char *s = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	json_decref(doc);
	return s;
}

START_TEST(help_and_version)
{
	char *out;
	ck_assert_int_eq(tu_slsim(&out, NULL, "--help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "run SCENARIO"));
	free(out);
	ck_assert_int_eq(tu_slsim(&out, NULL, "run --help"), 0);
	ck_assert_ptr_nonnull(strstr(out, "--set PATH=VALUE"));
	free(out);
	ck_assert_int_eq(tu_slsim(&out, NULL, "--version"), 0);
	ck_assert_ptr_nonnull(strstr(out, "slsim "));
	free(out);
	tu_slsim_says(2, "unknown command", "frobnicate");
	tu_slsim_says(2, "missing SCENARIO", "run");
	tu_slsim_says(2, "--bogus", "run x.json --bogus");
}
END_TEST

/* slsim help CMD is slsim CMD --help, for every command of the table. */
START_TEST(help_command_is_command_help)
{
	const char *cmds[] = { "run", "sweep", "merge", "trace", "optimize", "plot", "report" };
	char *top;
	ck_assert_int_eq(tu_slsim(&top, NULL, "help"), 0);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *a, *b, line[64];
		ck_assert_int_eq(tu_slsim(&a, NULL, "help %s", cmds[i]), 0);
		ck_assert_int_eq(tu_slsim(&b, NULL, "%s --help", cmds[i]), 0);
		ck_assert_str_eq(a, b);
		snprintf(line, sizeof(line), "usage: slsim %s ", cmds[i]);
		ck_assert_msg(strncmp(a, line, strlen(line)) == 0, "%s", a);
		snprintf(line, sizeof(line), "\n  %s ", cmds[i]);
		ck_assert_msg(strstr(top, line), "slsim help does not list %s", cmds[i]);
		free(a);
		free(b);
	}
	free(top);
	tu_slsim_says(2, "unknown command \"frobnicate\"", "help frobnicate");
}
END_TEST

/* Bad usage, word for word: options are read in order, by whole name only
 * (no abbreviations, clusters or "--"), and each command says so as it
 * always has. */
START_TEST(usage_errors_word_for_word)
{
	static const struct {
		const char *args;
		int status;
		const char *err;        /* the start of stderr */
	} cases[] = {
		{ "run --thr 2 x.json", 2, "slsim run: unknown option --thr\nusage: slsim run " },
		{ "run -qo out x.json", 2, "slsim run: unknown option -qo\n" },
		{ "run -oout x.json", 2, "slsim run: unknown option -oout\n" },
		{ "run x.json --", 2, "slsim run: unknown option --\n" },
		{ "run --quiet=1 x.json", 2, "slsim run: unknown option --quiet=1\n" },
		{ "run x.json -o", 2, "slsim: -o needs a value\n" },
		{ "run x.json --set", 2, "slsim: --set needs a value\n" },
		{ "run a.json b.json --bogus", 2, "slsim run: one scenario at a time (got a.json and b.json)\n" },
		{ "run --threads=0 x.json", 2, "slsim run: --threads: expected a number from 1 to 4096, got \"0\"\n" },
		{ "sweep x.json --threads 4097", 2, "slsim sweep: --threads: expected a number from 1 to 4096, got \"4097\"\n" },
		{ "report d --threads x", 2, "slsim report: --threads: expected a number from 1 to 4096, got \"x\"\n" },
		{ "optimize x.json --grid 2", 2, "slsim optimize: --grid: expected a number from 3 to 101, got \"2\"\n" },
		{ "optimize x.json", 2, "slsim optimize: give at least one --vary\nusage: slsim optimize " },
		{ "sweep", 2, "slsim sweep: missing SCENARIO\nusage: slsim sweep " },
		{ "merge -o m", 2, "slsim merge: no shard folders given\nusage: slsim merge " },
		{ "merge d --out", 2, "slsim: --out needs a value\n" },
		{ "plot -", 2, "slsim plot: unexpected argument -\nusage: slsim plot " },
		{ "plot d --bogus", 2, "slsim plot: unexpected argument --bogus\n" },
		{ "report d e", 2, "slsim report: unexpected argument e\n" },
		{ "report d --scales 2,1", 2, "slsim report: --scales 2,1: expected up to " },
		{ "trace stats f --format", 2, "slsim: trace: --format needs a value\n" },
		{ "trace stats f --bogus", 2, "slsim: trace: unknown option --bogus\nusage: slsim trace " },
		{ "trace -h --bogus", 2, "slsim: trace: unknown option --bogus\n" },
		{ "trace stats f --seed -1", 2, "slsim: trace: --seed: expected a whole number, got \"-1\"\n" },
		{ "trace a b c", 2, "slsim: trace: unexpected argument \"c\"\n" },
		{ "trace frob x", 2, "slsim: trace: unknown subcommand \"frob\" (stats, gen, convert)\n" },
		{ "trace stats f", 2, "slsim: trace stats: --format is required (csv, azure2019, azure2021, azure-llm, alibaba-sd)\n" },
		{ "trace gen iot", 2, "slsim: trace gen: -o FILE is required\n" },
		{ "run -h --bogus", 0, "" },
		{ "trace stats -h", 0, "" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *err;
		ck_assert_msg(tu_slsim(NULL, &err, "%s", cases[i].args) == cases[i].status, "slsim %s: %s", cases[i].args,
			      err);
		ck_assert_msg(strncmp(err, cases[i].err, strlen(cases[i].err)) == 0, "slsim %s:\n%s", cases[i].args, err);
		free(err);
	}
}
END_TEST

START_TEST(run_writes_every_output)
{
	const char *dir = tu_tmpdir();
	char scen[512], out[512];
	snprintf(scen, sizeof(scen), "%s", write_small(dir, 1));
	snprintf(out, sizeof(out), "%s/out", dir);
	char *stdout_text;
	ck_assert_int_eq(tu_slsim(&stdout_text, NULL, "run '%s' -o '%s'", scen, out), 0);
	ck_assert_ptr_nonnull(strstr(stdout_text, "ALL"));
	free(stdout_text);

	char path[600];
	json_t *doc = tu_load_json(out, "summary.json");
	const char *keys[] = { "scenario", "seed", "replications", "version", "totals", "functions", "ci95", "run" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		ck_assert_msg(json_object_get(doc, keys[i]), "summary.json lacks %s", keys[i]);
	json_t *totals = json_object_get(doc, "totals");
	const char *tkeys[] = { "invocations", "completed", "cold_starts", "cold_start_ratio", "rejected",
				"timed_out", "latency_s", "instances", "instance_lifespan_s", "billed_gb_s",
				"idle_gb_s", "cost_usd" };
	for (size_t i = 0; i < sizeof(tkeys) / sizeof(tkeys[0]); i++)
		ck_assert_msg(json_object_get(totals, tkeys[i]), "totals lack %s", tkeys[i]);
	json_int_t inv = json_integer_value(json_object_get(totals, "invocations"));
	json_t *fns = json_object_get(doc, "functions");
	ck_assert_uint_eq(json_array_size(fns), 2);
	json_int_t sum = 0;
	for (size_t i = 0; i < 2; i++)
		sum += json_integer_value(json_object_get(json_array_get(fns, i), "invocations"));
	ck_assert_int_eq(sum, inv);
	/* Periodic every 300 s over 5000 s: arrivals at 0 ... 4800 plus jitter. */
	ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(fns, 1), "invocations")), 17);
	json_t *lat = json_object_get(totals, "latency_s");
	ck_assert_double_le(json_real_value(json_object_get(lat, "p50")), json_real_value(json_object_get(lat, "p99")));
	json_decref(doc);

	const char *files[] = { "summary.csv", "timeseries.csv", "latency_cdf.csv" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", out, files[i]);
		char *text = tu_slurp(path);
		ck_assert_msg(text != NULL, "%s missing", path);
		ck_assert_msg(strchr(text, '\n') != strrchr(text, '\n'), "%s has no data rows", path);
		free(text);
	}
	/* summary.csv: header, two functions, ALL. */
	snprintf(path, sizeof(path), "%s/summary.csv", out);
	char *csv = tu_slurp(path);
	ck_assert_ptr_nonnull(strstr(csv, "\napi,"));
	ck_assert_ptr_nonnull(strstr(csv, "\ncron,"));
	ck_assert_ptr_nonnull(strstr(csv, "\nALL,"));
	free(csv);
	/* timeseries: 5000 / 60 -> 84 intervals; arrivals add up. */
	snprintf(path, sizeof(path), "%s/timeseries.csv", out);
	FILE *fp = fopen(path, "r");
	char line[1024];
	int n = 0;
	double arrivals = 0;
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	while (fgets(line, sizeof(line), fp)) {
		double t0, t1, a;
		ck_assert_int_eq(sscanf(line, "%lf,%lf,%lf", &t0, &t1, &a), 3);
		arrivals += a;
		n++;
	}
	fclose(fp);
	ck_assert_int_eq(n, 84);
	ck_assert_double_eq(arrivals, (double)inv);
}
END_TEST

/* Runs scen with 1, 2 and 3 threads into dir/a, dir/b, dir/c: the same
 * files (summary.json but its wall-clock "run"). a gets dir/a. */
static void same_bytes_any_thread_count(const char *dir, const char *scen, char a[600])
{
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s/a' --threads 1", scen, dir), 0);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s/b' --threads 2", scen, dir), 0);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s/c' --threads 3", scen, dir), 0);
	char b[600], c[600];
	snprintf(a, 600, "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(c, sizeof(c), "%s/c", dir);
	char *sa = summary_without_run(a), *sb = summary_without_run(b), *scc = summary_without_run(c);
	ck_assert_str_eq(sa, sb);
	ck_assert_str_eq(sa, scc);
	free(sa);
	free(sb);
	free(scc);
	const char *files[] = { "summary.csv", "timeseries.csv", "latency_cdf.csv" };
	for (int i = 0; i < 3; i++) {
		char pa[700], pb[700], pc[700];
		snprintf(pa, sizeof(pa), "%s/%s", a, files[i]);
		snprintf(pb, sizeof(pb), "%s/%s", b, files[i]);
		snprintf(pc, sizeof(pc), "%s/%s", c, files[i]);
		char *x = tu_slurp(pa), *y = tu_slurp(pb), *z = tu_slurp(pc);
		ck_assert_ptr_nonnull(x);
		ck_assert_str_eq(x, y);
		ck_assert_str_eq(x, z);
		free(x);
		free(y);
		free(z);
	}
}

START_TEST(same_seed_same_bytes_any_thread_count)
{
	const char *dir = tu_tmpdir();
	char scen[512], a[600];
	/* 150 functions: a partitioned run of three groups per replication. */
	snprintf(scen, sizeof(scen), "%s", write_wide(dir, 3));
	same_bytes_any_thread_count(dir, scen, a);
	dir = tu_tmpdir();
	snprintf(scen, sizeof(scen), "%s", write_small(dir, 4));
	same_bytes_any_thread_count(dir, scen, a);
	/* A different seed changes the results. */
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s/d' --set seed=4", scen, dir), 0);
	char d[600];
	snprintf(d, sizeof(d), "%s/d", dir);
	char *s1 = summary_without_run(a), *s2 = summary_without_run(d);
	ck_assert_str_ne(s1, s2);
	free(s1);
	free(s2);
}
END_TEST

START_TEST(bad_input_exits_2_naming_the_place)
{
	const char *dir = tu_tmpdir();
	char *err;
	char path[512];
	snprintf(path, sizeof(path), "%s", tu_write(dir, "bad.json", "{\n  \"duration_s\": 10,\n  \"functions\": [}\n"));
	tu_slsim_says(2, "bad.json:3:", "run '%s' -q", path);

	snprintf(path, sizeof(path), "%s", write_small(dir, 1));
	tu_slsim_says(2, "functions[1].memory_mb", "run '%s' -q -o '%s/o' --set functions[1].memory_mb=-5", path, dir);
	tu_slsim_says(2, "functions[0].colour: unknown key", "run '%s' -q -o '%s/o' --set functions[0].colour=1", path, dir);

	/* A missing trace file, and a trace row naming an unknown function. */
	const char *trace_scen =
		"{\"duration_s\": 100, \"functions\": [{\"name\": \"f\","
		" \"service\": {\"dist\": \"constant\", \"value_s\": 0.1},"
		" \"arrivals\": {\"process\": \"trace\", \"path\": \"t.csv\"}}]}";
	snprintf(path, sizeof(path), "%s", tu_write(dir, "traced.json", trace_scen));
	/* t.csv (none at first), and what the message must say. */
	const struct {
		const char *trace, *says, *also;
	} traces[] = {
		{ NULL, "t.csv", "cannot open" },
		{ "timestamp_s,function\n1,f\n2,g\n", "t.csv:3: unknown function \"g\"", NULL },
		{ "timestamp_s,function\n1,f\n2,f,9\n", "t.csv:3: expected 2 fields, got 3", NULL },
		{ "timestamp_s,function\n5,f\n2,f\n", "t.csv:3:", "sorted" },
		{ "timestamp_s,function\n1,f\nabc,f\n", "t.csv:3: column 'timestamp_s'", NULL },
	};
	for (size_t i = 0; i < sizeof(traces) / sizeof(traces[0]); i++) {
		if (traces[i].trace)
			tu_write(dir, "t.csv", traces[i].trace);
		ck_assert_int_eq(tu_slsim(NULL, &err, "run '%s' -q -o '%s/o'", path, dir), 2);
		ck_assert_msg(strstr(err, traces[i].says) && (!traces[i].also || strstr(err, traces[i].also)),
			      "trace %zu: %s", i, err);
		free(err);
	}
	/* A good trace, CRLF and all, runs. */
	tu_write(dir, "t.csv", "timestamp_s,function,duration_s\r\n1,f,0.5\r\n2,f,0.25");
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s/o'", path, dir), 0);
}
END_TEST

START_TEST(run_table_shows_failures_never_nan)
{
	/* a: 1 req/s served; b: rate 0, never invoked (every figure but its
	 * zero cost undefined); c: needs 400 MB and has 128, so every request
	 * fails OOM: its oom column is 100 %, the ALL row's is c's share of the
	 * invocations, and no cell says nan. summary.json's range of
	 * instances.peak holds its mean. */
	const char *dir = tu_tmpdir();
	const char *scen = tu_write(dir, "t.json",
		"{\"duration_s\": 1000, \"replications\": 3, \"functions\": ["
		" {\"name\": \"a\", \"memory_mb\": 128, \"service\": {\"dist\": \"constant\", \"value_s\": 0.1},"
		"  \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}},"
		" {\"name\": \"b\", \"memory_mb\": 128, \"service\": {\"dist\": \"constant\", \"value_s\": 0.1},"
		"  \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0}},"
		" {\"name\": \"c\", \"memory_mb\": 128, \"work\": {\"cpu_s\": 0.1, \"min_memory_mb\": 400},"
		"  \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}");
	char out[600], *text;
	snprintf(out, sizeof(out), "%s/out", dir);
	ck_assert_int_eq(tu_slsim(&text, NULL, "run '%s' -o '%s'", scen, out), 0);
	ck_assert_msg(!strstr(text, "nan"), "%s", text);
	ck_assert_ptr_nonnull(strstr(text, "rejected timed_out       oom"));
	char *row_b = strstr(text, "\nb "), *row_c = strstr(text, "\nc "), *row_all = strstr(text, "\nALL ");
	ck_assert(row_b && row_c && row_all);
	/* b: 0 invocations, then "-" for the cold, failure and latency cells. */
	char inv[32], cells[9][32];
	ck_assert_int_eq(sscanf(row_b + 1, "b %31s %31s %31s %31s %31s %31s %31s %31s", inv, cells[0], cells[1],
				cells[2], cells[3], cells[4], cells[5], cells[6]), 8);
	ck_assert_str_eq(inv, "0");
	for (int k = 0; k < 7; k++)
		ck_assert_str_eq(cells[k], "-");
	ck_assert_int_eq(sscanf(row_c + 1, "c %31s %31s %31s %31s %31s", inv, cells[0], cells[1], cells[2], cells[3]), 5);
	ck_assert_str_eq(cells[3], "100%");
	json_t *doc = tu_load_json(out, "summary.json");
	json_t *fns = json_object_get(doc, "functions");
	double na = json_number_value(json_object_get(json_array_get(fns, 0), "invocations"));
	double nc = json_number_value(json_object_get(json_array_get(fns, 2), "invocations"));
	char want[64];
	snprintf(want, sizeof(want), "%.4g%%", 100 * nc / (na + nc));
	ck_assert_int_eq(sscanf(row_all + 1, "ALL %31s %31s %31s %31s %31s", inv, cells[0], cells[1], cells[2], cells[3]), 5);
	ck_assert_str_eq(cells[3], want);
	json_t *range = json_object_get(json_object_get(json_object_get(doc, "range"), "instances"), "peak");
	double peak = json_number_value(json_object_get(json_object_get(json_object_get(doc, "totals"), "instances"), "peak"));
	ck_assert(json_array_size(range) == 2);
	ck_assert(json_number_value(json_array_get(range, 0)) <= peak && peak <= json_number_value(json_array_get(range, 1)));
	json_decref(doc);
	free(text);
}
END_TEST

Suite *cli_suite(void)
{
	return TU_SUITE("cli", "cli", 120, help_and_version, help_command_is_command_help,
			usage_errors_word_for_word, run_writes_every_output,
			same_seed_same_bytes_any_thread_count, bad_input_exits_2_naming_the_place,
			run_table_shows_failures_never_nan);
}
