/* slsim sweep and merge: grids, seeds, determinism across threads, shards and
 * MPI ranks, equality with `slsim run`, and refusal of bad input. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/csvreader.h"
#include "core/rng.h"
#include "suites.h"
#include "experiment/sweep.h"
#include "testutil.h"

/* One function, Poisson 3/s over 5000 s: 15000 expected invocations per
 * replication; about 10 ms of simulation per replication. */
static const char *const small =
	"{\"name\": \"small\", \"seed\": 3, \"duration_s\": 5000, \"replications\": 3,"
	" \"functions\": ["
	"  {\"name\": \"api\", \"memory_mb\": 256, \"service\": {\"dist\": \"lognormal\", \"median_s\": 0.05, \"sigma\": 0.8},"
	"   \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"gamma\", \"mean_s\": 0.4, \"cv\": 0.3}},"
	"   \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 120},"
	"   \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 3}}]%s}";

#define GRID "--grid functions[0].memory_mb=128,256,512 --grid functions[0].keepalive.ttl_s=1:21:10"

static const char *write_scenario(const char *dir, const char *extra)
{
	static char path[512];
	char text[4096];
	snprintf(text, sizeof(text), small, extra);
	snprintf(path, sizeof(path), "%s", tu_write(dir, "small.json", text));
	return path;
}

static char *file_in(const char *dir, const char *name)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *s = tu_slurp(path);
	ck_assert_msg(s != NULL, "%s is missing", path);
	return s;
}

static void assert_same_file(const char *a, const char *b, const char *name)
{
	char *x = file_in(a, name), *y = file_in(b, name);
	ck_assert_msg(strcmp(x, y) == 0, "%s/%s and %s/%s differ", a, name, b, name);
	free(x);
	free(y);
}

/* Runs `slsim ARGS`, expecting exit status `want`; returns stderr (caller frees). */
static char *expect_exit(int want, const char *args)
{
	char *err;
	int rc = tu_slsim(NULL, &err, "%s", args);
	ck_assert_msg(rc == want, "slsim %s: exit %d, want %d; stderr: %s", args, rc, want, err);
	return err;
}

static void expect_error(const char *args, const char *needle)
{
	char *err = expect_exit(2, args);
	ck_assert_msg(strstr(err, needle) != NULL, "slsim %s: stderr lacks \"%s\": %s", args, needle, err);
	free(err);
}

/* Rows of a CSV file through libcsv: rows[r][c], header in row 0. */
struct table {
	size_t n_rows, n_cols;
	char ***cell;
};

static struct table read_table(const char *path)
{
	struct table t = { 0 };
	struct csvr *r;
	struct csvr_row row;
	struct errbuf err = { "" };
	ck_assert_msg(csvr_open(&r, path, &err) == 0, "%s", err.msg);
	while (csvr_next(r, &row, &err) > 0) {
		t.cell = realloc(t.cell, (t.n_rows + 1) * sizeof(*t.cell));
		t.cell[t.n_rows] = calloc(row.n_fields, sizeof(char *));
		for (size_t c = 0; c < row.n_fields; c++)
			t.cell[t.n_rows][c] = strdup(row.fields[c]);
		if (t.n_rows == 0)
			t.n_cols = row.n_fields;
		ck_assert_uint_eq(row.n_fields, t.n_cols);
		t.n_rows++;
	}
	csvr_close(r);
	return t;
}

static void free_table(struct table *t)
{
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t c = 0; c < t->n_cols; c++)
			free(t->cell[r][c]);
		free(t->cell[r]);
	}
	free(t->cell);
}

static long column(const struct table *t, const char *name)
{
	for (size_t c = 0; c < t->n_cols; c++)
		if (strcmp(t->cell[0][c], name) == 0)
			return (long)c;
	ck_abort_msg("no column %s", name);
	return -1;
}

static double num(const struct table *t, size_t row, const char *name)
{
	return strtod(t->cell[row][column(t, name)], NULL);
}

START_TEST(header_and_rows)
{
	const char *dir = tu_tmpdir();
	char args[2048], out[600], path[700];
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(args, sizeof(args), "sweep '%s' " GRID " -o '%s' -q", write_scenario(dir, ""), out);
	free(expect_exit(0, args));
	snprintf(path, sizeof(path), "%s/sweep.csv", out);
	struct table t = read_table(path);
	/* The layout the plots rely on: point, the grid paths, then every figure
	 * and its ci95, then the status. */
	ck_assert_uint_eq(t.n_cols, 1 + 2 + 2 * FIG_COUNT + 1);
	ck_assert_str_eq(t.cell[0][t.n_cols - 1], "status");
	ck_assert_str_eq(t.cell[0][0], "point");
	ck_assert_str_eq(t.cell[0][1], "functions[0].memory_mb");
	ck_assert_str_eq(t.cell[0][2], "functions[0].keepalive.ttl_s");
	for (int i = 0; i < FIG_COUNT; i++) {
		char ci[100];
		snprintf(ci, sizeof(ci), "%s.ci95", stats_figure_names[i]);
		ck_assert_str_eq(t.cell[0][3 + 2 * i], stats_figure_names[i]);
		ck_assert_str_eq(t.cell[0][4 + 2 * i], ci);
	}
	/* 3 x 3 points, the first grid slowest: ttl 1, 11, 21 under each memory. */
	ck_assert_uint_eq(t.n_rows, 1 + 9);
	const char *mem[] = { "128", "256", "512" }, *ttl[] = { "1", "11", "21" };
	for (size_t p = 0; p < 9; p++) {
		ck_assert_uint_eq(strtoul(t.cell[1 + p][0], NULL, 10), p);
		ck_assert_str_eq(t.cell[1 + p][1], mem[p / 3]);
		ck_assert_str_eq(t.cell[1 + p][2], ttl[p % 3]);
		ck_assert_str_eq(t.cell[1 + p][t.n_cols - 1], "ok");
		/* Mean of 3 replications of Poisson(15000): sd sqrt(15000/3) = 70.7;
		 * 5 sd = 354 leaves a false alarm below 1e-6 per point. */
		ck_assert_double_eq_tol(num(&t, 1 + p, "invocations"), 15000, 354);
		/* The ci95 of that mean: t(0.975, 2) * s / sqrt(3) with s about
		 * sqrt(15000) = 122: near 304, and positive. */
		double ci = num(&t, 1 + p, "invocations.ci95");
		ck_assert_msg(ci > 0 && ci < 1500, "invocations.ci95 = %g", ci);
		/* Longer keep-alive, fewer cold starts (same point seeds differ, but
		 * ttl 1 s vs 21 s changes the ratio by far more than the noise). */
		if (p % 3 == 2)
			ck_assert_double_lt(num(&t, 1 + p, "cold_start_ratio"), num(&t, 1 + p - 2, "cold_start_ratio"));
	}
	free_table(&t);
}
END_TEST

/* A sweep across providers where one point is invalid for its provider
 * (Azure Consumption offers at most 1,536 MB): the other three points run
 * and are written, the bad one is a row with empty figures and its reason,
 * naming the provider; shards and merge keep it byte for byte. */
START_TEST(infeasible_points_do_not_stop_the_sweep)
{
	const char *dir = tu_tmpdir();
	const char *scen = write_scenario(dir, "");
	char args[2048], out[600], path[700];
	const char *grid = "--grid provider=aws-lambda-x86,azure-consumption --grid functions[0].memory_mb=1024,2048";
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(args, sizeof(args), "sweep '%s' %s -o '%s' -q", scen, grid, out);
	free(expect_exit(0, args));
	snprintf(path, sizeof(path), "%s/sweep.csv", out);
	struct table t = read_table(path);
	ck_assert_uint_eq(t.n_rows, 1 + 4);
	size_t status = t.n_cols - 1;
	ck_assert_str_eq(t.cell[0][status], "status");
	for (size_t p = 0; p < 4; p++) {
		if (p == 3) {
			ck_assert_str_eq(t.cell[4][1], "azure-consumption");
			ck_assert_str_eq(t.cell[4][2], "2048");
			ck_assert_str_eq(t.cell[4][column(&t, "invocations")], "");
			ck_assert_str_eq(t.cell[4][column(&t, "cost_usd.total")], "");
			const char *s = t.cell[4][status];
			ck_assert_msg(strncmp(s, "infeasible: ", 12) == 0 && strstr(s, "functions[0].memory_mb") &&
					      strstr(s, "azure-consumption") && strstr(s, "1536") && strstr(s, "2048"),
				      "status: %s", s);
			continue;
		}
		ck_assert_str_eq(t.cell[1 + p][status], "ok");
		/* As header_and_rows: Poisson(15000) over 3 replications, 5 sd. */
		ck_assert_double_eq_tol(num(&t, 1 + p, "invocations"), 15000, 354);
	}
	free_table(&t);
	/* The report lists it, with its reason. */
	snprintf(args, sizeof(args), "report '%s'", out);
	free(expect_exit(0, args));
	char *md = file_in(out, "report.md");
	const char *sec = strstr(md, "## Infeasible points");
	ck_assert_msg(sec && strstr(sec, "| 3 | provider=azure-consumption, functions\\[0\\].memory\\_mb=2048 |") &&
			      strstr(sec, "on azure-consumption, got 2048"),
		      "%s", md);
	free(md);
	/* Two shards, merged: the same bytes, the infeasible row included. */
	for (int k = 0; k < 2; k++) {
		snprintf(args, sizeof(args), "sweep '%s' %s -o '%s/s%d' --shard %d/2 -q", scen, grid, dir, k, k);
		free(expect_exit(0, args));
	}
	snprintf(args, sizeof(args), "merge '%s/s1' '%s/s0' -o '%s/merged'", dir, dir, dir);
	free(expect_exit(0, args));
	char merged[600];
	snprintf(merged, sizeof(merged), "%s/merged", dir);
	assert_same_file(out, merged, "sweep.csv");
}
END_TEST

/* memory_fit: each point gets its provider's smallest size at or above the
 * requested memory_mb. With common seeds, Cloud Functions 1st gen at a
 * request of 1000 MB runs at its 1024-MB tier, so its row equals the
 * 1024-MB row figure for figure; Lambda takes 1000 MB as it is, so its
 * compute cost is exactly 1000/1024 of the 1024-MB one (same requests, same
 * durations; only the GB-s differ); Azure Consumption offers nothing at or
 * above 2048 MB (1536 at most): an infeasible row naming the provider.
 * The status column says which size a fitted point ran with. */
START_TEST(memory_fit_spans_providers)
{
	const char *dir = tu_tmpdir();
	const char *scen = write_scenario(dir, "");
	char args[2048], out[600], path[700];
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(args, sizeof(args),
		 "sweep '%s' --set functions[0].memory_fit=true --common-seed --grid provider=gcf-gen1,aws-lambda-x86,azure-consumption"
		 " --grid functions[0].memory_mb=1000,1024,2048 -o '%s' -q", scen, out);
	free(expect_exit(0, args));
	snprintf(path, sizeof(path), "%s/sweep.csv", out);
	struct table t = read_table(path);
	ck_assert_uint_eq(t.n_rows, 1 + 9);
	size_t status = t.n_cols - 1;
	/* gen1: 1000 -> 1024. */
	for (size_t c = 3; c < status; c++)
		ck_assert_msg(strcmp(t.cell[1][c], t.cell[2][c]) == 0, "%s: %s vs %s", t.cell[0][c], t.cell[1][c], t.cell[2][c]);
	ck_assert_double_ne(num(&t, 3, "cost_usd.compute"), num(&t, 2, "cost_usd.compute"));
	/* Lambda: 1000 MB billed as 1000 MB. */
	ck_assert_str_eq(t.cell[4][column(&t, "invocations")], t.cell[5][column(&t, "invocations")]);
	ck_assert_double_eq_tol(num(&t, 4, "cost_usd.compute"), num(&t, 5, "cost_usd.compute") * 1000 / 1024,
				1e-12 * num(&t, 5, "cost_usd.compute"));
	/* The status says which sizes memory_fit changed. */
	ck_assert_str_eq(t.cell[1][status], "ok (memory_fit: functions[0].memory_mb=1024)");
	for (size_t p = 1; p < 8; p++)
		ck_assert_str_eq(t.cell[1 + p][status], "ok");
	ck_assert_msg(strstr(t.cell[9][status], "azure-consumption offers no size at or above 2048 MB"), "%s",
		      t.cell[9][status]);
	free_table(&t);
}
END_TEST

START_TEST(threads_shards_and_merge_are_identical)
{
	const char *dir = tu_tmpdir();
	const char *scen = write_scenario(dir, "");
	char args[2048];
	snprintf(args, sizeof(args), "sweep '%s' " GRID " -o '%s/t1' --threads 1 -q", scen, dir);
	free(expect_exit(0, args));
	snprintf(args, sizeof(args), "sweep '%s' " GRID " -o '%s/t2' --threads 2 -q", scen, dir);
	free(expect_exit(0, args));
	char t1[600], t2[600], merged[600];
	snprintf(t1, sizeof(t1), "%s/t1", dir);
	snprintf(t2, sizeof(t2), "%s/t2", dir);
	assert_same_file(t1, t2, "sweep.csv");
	assert_same_file(t1, t2, "sweep.json");
	/* 4 shards of 9 points (3, 2, 2, 2 rows), merged in a scrambled order. */
	for (int k = 0; k < 4; k++) {
		snprintf(args, sizeof(args), "sweep '%s' " GRID " -o '%s/s%d' --shard %d/4 --threads %d -q",
			 scen, dir, k, k, 1 + k % 2);
		free(expect_exit(0, args));
	}
	snprintf(args, sizeof(args), "merge '%s/s2' '%s/s0' '%s/s3' '%s/s1' -o '%s/merged'", dir, dir, dir,
		 dir, dir);
	free(expect_exit(0, args));
	snprintf(merged, sizeof(merged), "%s/merged", dir);
	assert_same_file(t1, merged, "sweep.csv");
	assert_same_file(t1, merged, "sweep.json");
	/* More shards than points: empty shards merge too. */
	for (int k = 0; k < 12; k++) {
		snprintf(args, sizeof(args), "sweep '%s' " GRID " -o '%s/m%d' --shard %d/12 -q", scen, dir, k, k);
		free(expect_exit(0, args));
	}
	char *p = args + snprintf(args, sizeof(args), "merge");
	for (int k = 11; k >= 0; k--)
		p += sprintf(p, " '%s/m%d'", dir, k);
	sprintf(p, " -o '%s/merged12'", dir);
	free(expect_exit(0, args));
	snprintf(merged, sizeof(merged), "%s/merged12", dir);
	assert_same_file(t1, merged, "sweep.csv");
}
END_TEST

/* A point of the sweep is `slsim run` of its scenario: the same figures to
 * the last digit (the ALL row of summary.csv holds the same means). */
START_TEST(point_equals_run)
{
	const char *dir = tu_tmpdir();
	const char *scen = write_scenario(dir, "");
	char args[2048], path[700];
	snprintf(args, sizeof(args), "sweep '%s' " GRID " -o '%s/sw' -q", scen, dir);
	free(expect_exit(0, args));
	uint64_t point = 5;   /* memory 256, ttl 21 */
	uint64_t seed = rng_seed_for(3, 0, (uint32_t)point, RNG_SWEEP) >> 1;
	snprintf(args, sizeof(args),
		 "run '%s' --set seed=%llu --set functions[0].memory_mb=256 --set functions[0].keepalive.ttl_s=21 -o '%s/run' -q",
		 scen, (unsigned long long)seed, dir);
	free(expect_exit(0, args));
	snprintf(path, sizeof(path), "%s/sw/sweep.csv", dir);
	struct table sw = read_table(path);
	snprintf(path, sizeof(path), "%s/run/summary.csv", dir);
	struct table run = read_table(path);
	ck_assert_str_eq(run.cell[run.n_rows - 1][0], "ALL");
	for (int i = 0; i < FIG_COUNT; i++)
		ck_assert_str_eq(sw.cell[1 + point][column(&sw, stats_figure_names[i])],
				 run.cell[run.n_rows - 1][column(&run, stats_figure_names[i])]);
	free_table(&sw);
	free_table(&run);
}
END_TEST

START_TEST(seeds)
{
	const char *dir = tu_tmpdir();
	const char *scen = write_scenario(dir, "");
	char args[2048], *out;
	/* --dry-run lists each point's `slsim run` with its derived seed. */
	ck_assert_int_eq(tu_slsim(&out, NULL, "sweep '%s' " GRID " --dry-run", scen), 0);
	for (uint32_t p = 0; p < 9; p++) {
		char want[200];
		snprintf(want, sizeof(want), "--set seed=%llu ",
			 (unsigned long long)(rng_seed_for(3, 0, p, RNG_SWEEP) >> 1));
		ck_assert_msg(strstr(out, want), "dry run lacks %s:\n%s", want, out);
	}
	ck_assert_ptr_nonnull(strstr(out, "'functions[0].keepalive.ttl_s=21'"));
	free(out);

	/* Two points that differ only in the description: with their own seeds
	 * they are independent samples (different counts); with --common-seed
	 * they are the same simulation, figure for figure. Then memory alone
	 * changes: billed GB-s scales by exactly 512/128 = 4 (same requests,
	 * same billed milliseconds). */
	const char *g = "--grid 'functions[0].memory_mb=128,512' --grid 'description=\"a\",\"b\"'";
	char path[700];
	snprintf(args, sizeof(args), "sweep '%s' %s -o '%s/own' -q", scen, g, dir);
	free(expect_exit(0, args));
	snprintf(args, sizeof(args), "sweep '%s' %s -o '%s/common' --common-seed -q", scen, g, dir);
	free(expect_exit(0, args));
	snprintf(path, sizeof(path), "%s/own/sweep.csv", dir);
	struct table own = read_table(path);
	snprintf(path, sizeof(path), "%s/common/sweep.csv", dir);
	struct table common = read_table(path);
	ck_assert_double_ne(num(&own, 1, "invocations"), num(&own, 2, "invocations"));
	for (size_t c = 3; c < common.n_cols; c++)
		ck_assert_str_eq(common.cell[1][c], common.cell[2][c]);
	ck_assert_double_eq(num(&common, 1, "invocations"), num(&common, 3, "invocations"));
	ck_assert_double_eq(num(&common, 1, "cold_starts"), num(&common, 3, "cold_starts"));
	ck_assert_double_eq_tol(num(&common, 3, "billed_gb_s") / num(&common, 1, "billed_gb_s"), 4, 1e-12);
	free_table(&own);
	free_table(&common);

	/* A grid over "seed" itself: point 1 is the scenario with seed 8. */
	snprintf(args, sizeof(args), "sweep '%s' --grid seed=7,8 -o '%s/byseed' -q", scen, dir);
	free(expect_exit(0, args));
	snprintf(args, sizeof(args), "run '%s' --set seed=8 -o '%s/seed8' -q", scen, dir);
	free(expect_exit(0, args));
	snprintf(path, sizeof(path), "%s/byseed/sweep.csv", dir);
	struct table bs = read_table(path);
	snprintf(path, sizeof(path), "%s/seed8/summary.csv", dir);
	struct table s8 = read_table(path);
	ck_assert_str_eq(bs.cell[2][column(&bs, "latency_s.p99")], s8.cell[1][column(&s8, "latency_s.p99")]);
	ck_assert_str_eq(bs.cell[2][column(&bs, "invocations")], s8.cell[1][column(&s8, "invocations")]);
	free_table(&bs);
	free_table(&s8);
}
END_TEST

static const struct sweep_axis *load_axes(struct sweep *sw, const char *scen, const char *grid)
{
	struct errbuf err = { "" };
	const char *grids[] = { grid };
	ck_assert_msg(sweep_load(sw, scen, NULL, 0, grids, 1, 0, &err) == 0, "%s: %s", grid, err.msg);
	return &sw->axes[0];
}

START_TEST(grid_values)
{
	const char *scen = write_scenario(tu_tmpdir(), "");
	struct sweep sw;
	/* Decimal steps land on the decimals, STOP included despite rounding. */
	const struct sweep_axis *ax = load_axes(&sw, scen, "functions[0].keepalive.ttl_s=0.1:0.3:0.1");
	ck_assert_uint_eq(ax->n_values, 3);
	ck_assert(json_real_value(ax->values[0]) == 0.1);
	ck_assert(json_real_value(ax->values[1]) == 0.2);
	ck_assert(json_real_value(ax->values[2]) == 0.3);
	sweep_free(&sw);
	ax = load_axes(&sw, scen, "functions[0].memory_mb=128:1024:128");
	ck_assert_uint_eq(ax->n_values, 8);
	for (size_t i = 0; i < 8; i++)
		ck_assert_int_eq(json_integer_value(ax->values[i]), 128 * (json_int_t)(i + 1));
	sweep_free(&sw);
	/* Downwards, and a STOP the steps do not reach exactly. */
	ax = load_axes(&sw, scen, "functions[0].keepalive.ttl_s=600:0:-250");
	ck_assert_uint_eq(ax->n_values, 3);
	ck_assert_int_eq(json_integer_value(ax->values[2]), 100);
	sweep_free(&sw);
	ax = load_axes(&sw, scen, "functions[0].keepalive.ttl_s=1:2:0.25");
	ck_assert_uint_eq(ax->n_values, 5);
	ck_assert(json_real_value(ax->values[3]) == 1.75);
	sweep_free(&sw);
	ax = load_axes(&sw, scen, "functions[0].keepalive.ttl_s=5:5:1");
	ck_assert_uint_eq(ax->n_values, 1);
	sweep_free(&sw);
	/* Lists: JSON where it parses, else strings. */
	ax = load_axes(&sw, scen, "provider=aws-lambda-x86,aws-lambda-arm64");
	ck_assert_uint_eq(ax->n_values, 2);
	ck_assert_str_eq(json_string_value(ax->values[1]), "aws-lambda-arm64");
	ck_assert_uint_eq(sw.n_points, 2);
	sweep_free(&sw);

	/* Point numbering: the last axis varies fastest. */
	struct errbuf err = { "" };
	const char *grids[] = { "functions[0].memory_mb=128,256", "replications=1,2,3",
				"functions[0].keepalive.ttl_s=10,20" };
	ck_assert_msg(sweep_load(&sw, scen, NULL, 0, grids, 3, 0, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(sw.n_points, 12);
	char buf[200];
	sweep_point_assignment(&sw, 7, 0, buf, sizeof(buf));   /* 7 = 1*6 + 0*2 + 1 */
	ck_assert_str_eq(buf, "functions[0].memory_mb=256");
	sweep_point_assignment(&sw, 7, 1, buf, sizeof(buf));
	ck_assert_str_eq(buf, "replications=1");
	sweep_point_assignment(&sw, 7, 2, buf, sizeof(buf));
	ck_assert_str_eq(buf, "functions[0].keepalive.ttl_s=20");
	sweep_free(&sw);
}
END_TEST

START_TEST(grid_errors)
{
	const char *dir = tu_tmpdir();
	const char *scen = write_scenario(dir, "");
	char args[2048];
	struct {
		const char *opts, *needle;
	} cases[] = {
		{ "", "nothing to sweep" },
		{ "--grid functions[0].memory_mb", "expected PATH=V1,V2,..." },
		{ "--grid =1,2", "empty PATH" },
		{ "--grid functions[0].memory_mb=128,,256", "empty value" },
		{ "--grid functions[0].memory_mb=", "empty value" },
		{ "--grid functions[0].memory_mb=128:x:128", "three finite numbers" },
		{ "--grid functions[0].memory_mb=128:256", "START:STOP:STEP" },
		{ "--grid functions[0].memory_mb=128:256:0", "must be non-zero" },
		{ "--grid functions[0].memory_mb=256:128:64", "lead from START" },
		{ "--grid functions[0].memory_mb=1:1e9:1", "more than 10000000" },
		{ "--grid a=1:4000:1 --grid b=1:4000:1", "more than 10000000 points" },
		{ "--grid functions[0].memory_mb=128 --grid functions[0].memory_mb=256", "already sweeps" },
		/* A grid whose every point the scenario rejects names the first
		 * point and the JSON path (one bad point among good ones is an
		 * infeasible row: infeasible_points_do_not_stop_the_sweep). */
		{ "--grid functions[0].memory_mb=64,32",
		  "every point of the grid is invalid; point 0 (functions[0].memory_mb=64): " },
		{ "--grid functions[0].memory_mb=64,32", "functions[0].memory_mb: must be an integer in [128, 10240] on aws-lambda-x86, got 64" },
		{ "--grid functions[3].memory_mb=128", "index 3 is out of range" },
		{ "--grid functions[0].bogus=1", "bogus" },
		{ "--grid functions[0].memory_mb=128 --shard 4/4", "--shard 4/4" },
		{ "--grid functions[0].memory_mb=128 --shard x", "expected K/N" },
		{ "--grid functions[0].memory_mb=128 --shard 1/0", "expected K/N" },
		{ "--grid functions[0].memory_mb=128 --threads 0", "--threads" },
		{ "--grid functions[0].memory_mb=128 --frobnicate", "unknown option" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(args, sizeof(args), "sweep '%s' %s -o '%s/out' -q", scen, cases[i].opts, dir);
		expect_error(args, cases[i].needle);
	}
	expect_error("sweep", "missing SCENARIO");
	snprintf(args, sizeof(args), "sweep '%s/none.json' --grid seed=1,2", dir);
	expect_error(args, "none.json");
}
END_TEST

START_TEST(sweep_section)
{
	const char *dir = tu_tmpdir();
	const char *scen = write_scenario(dir,
		", \"sweep\": {\"grid\": ["
		" {\"path\": \"functions[0].memory_mb\", \"values\": [128, 256, 512]},"
		" {\"path\": \"functions[0].keepalive.ttl_s\", \"start\": 1, \"stop\": 21, \"step\": 10}]}");
	char args[2048], a[600], b[600];
	snprintf(args, sizeof(args), "sweep '%s' -o '%s/section' -q", scen, dir);
	free(expect_exit(0, args));
	snprintf(args, sizeof(args), "sweep '%s' " GRID " -o '%s/args' -q", scen, dir);
	free(expect_exit(0, args));
	snprintf(a, sizeof(a), "%s/section", dir);
	snprintf(b, sizeof(b), "%s/args", dir);
	assert_same_file(a, b, "sweep.csv");
	assert_same_file(a, b, "sweep.json");
	/* `run` accepts (and ignores) the section. */
	snprintf(args, sizeof(args), "run '%s' -o '%s/run' -q", scen, dir);
	free(expect_exit(0, args));

	struct {
		const char *section, *needle;
	} cases[] = {
		{ ", \"sweep\": 3", "sweep: must be an object" },
		{ ", \"sweep\": {}", "sweep.grid: required key is missing" },
		{ ", \"sweep\": {\"grid\": []}", "sweep.grid: must be a non-empty array" },
		{ ", \"sweep\": {\"grid\": [{\"path\": \"seed\", \"values\": [1], \"bogus\": 1}]}", "sweep.grid[0]" },
		{ ", \"sweep\": {\"grid\": [{\"values\": [1]}]}", "sweep.grid[0].path" },
		{ ", \"sweep\": {\"grid\": [{\"path\": \"seed\", \"values\": []}]}", "sweep.grid[0].values: must be a non-empty array" },
		{ ", \"sweep\": {\"grid\": [{\"path\": \"seed\", \"start\": 1, \"stop\": 5}]}", "sweep.grid[0].step" },
		{ ", \"sweep\": {\"grid\": [{\"path\": \"seed\", \"values\": [1]}], \"extra\": 1}", "extra" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *bad = write_scenario(dir, cases[i].section);
		snprintf(args, sizeof(args), "sweep '%s' -o '%s/bad' -q", bad, dir);
		expect_error(args, cases[i].needle);
	}
}
END_TEST

/* A variant axis sets several paths per value: its column holds the
 * variants' names, a point is `slsim run` with every path of its variant set
 * (as --dry-run prints it), and bad variants are named. */
START_TEST(variant_axis)
{
	const char *dir = tu_tmpdir();
	const char *scen = write_scenario(dir,
		", \"sweep\": {\"grid\": [{\"path\": \"variant\", \"variants\": {"
		" \"small\": {\"functions[0].memory_mb\": 128, \"functions[0].keepalive.ttl_s\": 1},"
		" \"big\": {\"functions[0].memory_mb\": 512, \"functions[0].keepalive.ttl_s\": 21}}}]}");
	char args[2048], path[700], *out = NULL;
	snprintf(args, sizeof(args), "sweep '%s' -o '%s/sw' -q", scen, dir);
	free(expect_exit(0, args));
	snprintf(path, sizeof(path), "%s/sw/sweep.csv", dir);
	struct table sw = read_table(path);
	ck_assert_uint_eq(sw.n_rows, 1 + 2);
	ck_assert_str_eq(sw.cell[0][1], "variant");
	ck_assert_str_eq(sw.cell[1][1], "small");
	ck_assert_str_eq(sw.cell[2][1], "big");
	ck_assert_int_eq(tu_slsim(&out, NULL, "sweep '%s' --dry-run", scen), 0);
	const char *p1 = strstr(out, "# point 1");
	ck_assert_msg(p1 && strstr(p1, "functions[0].memory_mb=512") && strstr(p1, "functions[0].keepalive.ttl_s=21"),
		      "dry run: %s", out);
	free(out);
	uint64_t seed = rng_seed_for(3, 0, 1, RNG_SWEEP) >> 1;
	snprintf(args, sizeof(args),
		 "run '%s' --set seed=%llu --set functions[0].memory_mb=512 --set functions[0].keepalive.ttl_s=21 -o '%s/run' -q",
		 scen, (unsigned long long)seed, dir);
	free(expect_exit(0, args));
	snprintf(path, sizeof(path), "%s/run/summary.csv", dir);
	struct table run = read_table(path);
	for (int i = 0; i < FIG_COUNT; i++)
		ck_assert_str_eq(sw.cell[2][column(&sw, stats_figure_names[i])],
				 run.cell[run.n_rows - 1][column(&run, stats_figure_names[i])]);
	free_table(&sw);
	free_table(&run);
	struct {
		const char *section, *needle;
	} cases[] = {
		{ ", \"sweep\": {\"grid\": [{\"path\": \"v\", \"variants\": {}}]}", "sweep.grid[0].variants: must be a non-empty object" },
		{ ", \"sweep\": {\"grid\": [{\"path\": \"v\", \"variants\": [1]}]}", "sweep.grid[0].variants: must be a non-empty object" },
		{ ", \"sweep\": {\"grid\": [{\"path\": \"v\", \"variants\": {\"a\": 3}}]}", "sweep.grid[0].variants.a: must be a non-empty object" },
		{ ", \"sweep\": {\"grid\": [{\"path\": \"v\", \"variants\": {\"a\": {\"seed\": 1}}, \"values\": [1]}]}", "sweep.grid[0]" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *bad = write_scenario(dir, cases[i].section);
		snprintf(args, sizeof(args), "sweep '%s' -o '%s/bad' -q", bad, dir);
		expect_error(args, cases[i].needle);
	}
}
END_TEST

START_TEST(merge_refusals)
{
	const char *dir = tu_tmpdir();
	const char *scen = write_scenario(dir, "");
	char args[4096];
	for (int k = 0; k < 3; k++) {
		snprintf(args, sizeof(args), "sweep '%s' " GRID " -o '%s/s%d' --shard %d/3 -q", scen, dir, k, k);
		free(expect_exit(0, args));
	}
	/* Another sweep (a different grid), and another split. */
	snprintf(args, sizeof(args),
		 "sweep '%s' --grid functions[0].memory_mb=128,256,1024 --grid functions[0].keepalive.ttl_s=1:21:10 -o '%s/other' --shard 2/3 -q",
		 scen, dir);
	free(expect_exit(0, args));
	snprintf(args, sizeof(args), "sweep '%s' " GRID " --set functions[0].arrivals.rate_per_s=2 -o '%s/otherscen' --shard 2/3 -q",
		 scen, dir);
	free(expect_exit(0, args));
	snprintf(args, sizeof(args), "sweep '%s' " GRID " -o '%s/half' --shard 1/2 -q", scen, dir);
	free(expect_exit(0, args));

	snprintf(args, sizeof(args), "merge '%s/s0' '%s/s1' -o '%s/m'", dir, dir, dir);
	expect_error(args, "shard 2/3 is missing");
	snprintf(args, sizeof(args), "merge '%s/s0' '%s/s1' '%s/s1' '%s/s2' -o '%s/m'", dir, dir, dir, dir, dir);
	expect_error(args, "are both shard 1/3");
	snprintf(args, sizeof(args), "merge '%s/s0' '%s/s1' '%s/other' -o '%s/m'", dir, dir, dir, dir);
	expect_error(args, "differ in \"grid\"");
	snprintf(args, sizeof(args), "merge '%s/s0' '%s/s1' '%s/otherscen' -o '%s/m'", dir, dir, dir, dir);
	expect_error(args, "differ in \"scenario_hash\"");
	snprintf(args, sizeof(args), "merge '%s/s0' '%s/half' -o '%s/m'", dir, dir, dir);
	expect_error(args, "different splits");
	snprintf(args, sizeof(args), "merge '%s' -o '%s/m'", dir, dir);
	expect_error(args, "sweep.json");
	expect_error("merge", "missing -o OUT");

	/* A truncated shard (its last row lost), and a row out of place. */
	char path[700];
	snprintf(path, sizeof(path), "%s/s1/sweep.csv", dir);
	char *text = tu_slurp(path);
	char *last = strrchr(text, '\n');
	*last = '\0';
	last = strrchr(text, '\n');
	last[1] = '\0';
	tu_write(dir, "s1/sweep.csv", text);
	snprintf(args, sizeof(args), "merge '%s/s0' '%s/s1' '%s/s2' -o '%s/m'", dir, dir, dir, dir);
	expect_error(args, "ends before point 7");
	free(text);
	snprintf(path, sizeof(path), "%s/s2/sweep.csv", dir);
	text = tu_slurp(path);
	char *row = strstr(text, "\n5,");
	row[1] = '8';
	tu_write(dir, "s2/sweep.csv", text);
	free(text);
	snprintf(args, sizeof(args), "sweep '%s' " GRID " -o '%s/s1' --shard 1/3 -q", scen, dir);
	free(expect_exit(0, args));
	snprintf(args, sizeof(args), "merge '%s/s0' '%s/s1' '%s/s2' -o '%s/m'", dir, dir, dir, dir);
	expect_error(args, "expected point 5");
	/* Nothing was written by the refused merges. */
	snprintf(path, sizeof(path), "%s/m/sweep.csv", dir);
	ck_assert_ptr_null(tu_slurp(path));
}
END_TEST

/* `mpirun -np ranks slsim-mpi sweep SCEN GRID -o DIR/out OPTS-q`, its log in
 * DIR/mpi.log; returns system()'s status. */
static int mpi_sweep(const char *mpi_bin, int ranks, const char *scen, const char *dir, const char *out,
		     const char *opts)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "LSAN_OPTIONS=detect_leaks=0 mpirun --allow-run-as-root --oversubscribe -np %d '%s' sweep '%s' " GRID
		 " -o '%s/%s' %s-q >'%s/mpi.log' 2>&1",
		 ranks, mpi_bin, scen, dir, out, opts, dir);
	return system(cmd);
}

/* assert_same_file on <dir>/<a>/<name> and <dir>/<b>/<name>. */
static void assert_same_in(const char *dir, const char *a, const char *b, const char *name)
{
	char pa[600], pb[600];
	snprintf(pa, sizeof(pa), "%s/%s", dir, a);
	snprintf(pb, sizeof(pb), "%s/%s", dir, b);
	assert_same_file(pa, pb, name);
}

START_TEST(mpi_matches_local)
{
	const char *mpi_bin = getenv("SLSIM_MPI_BIN");
	ck_assert_msg(mpi_bin && *mpi_bin, "SLSIM_MPI_BIN is not set (make test builds bin/slsim-mpi)");
	const char *dir = tu_tmpdir();
	const char *scen = write_scenario(dir, "");
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "sweep '%s' " GRID " -o '%s/local' --threads 1 -q", scen, dir);
	free(expect_exit(0, cmd));
	/* Two ranks of two threads each on two cores: --oversubscribe. Open MPI's
	 * own allocations outlive MPI_Finalize in components it has unloaded,
	 * which LeakSanitizer cannot attribute or suppress: under `make asan`
	 * the MPI processes check memory errors but not leaks (the sweep code's
	 * leaks are checked by the tests above). */
	int status = mpi_sweep(mpi_bin, 2, scen, dir, "mpi", "");
	char path[600];
	snprintf(path, sizeof(path), "%s/mpi.log", dir);
	char *log = tu_slurp(path);
	ck_assert_msg(status == 0, "mpirun failed: %.3000s", log ? log : "");
	free(log);
	assert_same_in(dir, "local", "mpi", "sweep.csv");
	assert_same_in(dir, "local", "mpi", "sweep.json");
	/* Three ranks inside shard 1/2, against the local shard. */
	snprintf(cmd, sizeof(cmd), "sweep '%s' " GRID " -o '%s/local12' --shard 1/2 -q", scen, dir);
	free(expect_exit(0, cmd));
	ck_assert_int_eq(mpi_sweep(mpi_bin, 3, scen, dir, "mpi12", "--shard 1/2 --threads 1 "), 0);
	assert_same_in(dir, "local12", "mpi12", "sweep.csv");
}
END_TEST

Suite *sweep_suite(void)
{
	return TU_SUITE("sweep", "sweep", 120, header_and_rows, threads_shards_and_merge_are_identical,
			point_equals_run, seeds, grid_values, grid_errors, infeasible_points_do_not_stop_the_sweep,
			memory_fit_spans_providers, sweep_section, variant_axis, merge_refusals,
			mpi_matches_local);
}
