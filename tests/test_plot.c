/*
 * plot and report: every plot is drawn from a small scenario (PNG and SVG,
 * non-trivial), the scripts run by hand, missing gnuplot and empty folders
 * fail clearly, and the report renders in headless Chromium with its
 * headline numbers in the DOM.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/histo.h"
#include "experiment/points.h"
#include "output/plot.h"
#include "suites.h"
#include "testutil.h"

static const char *const scenario =
	"{\"name\": \"plotted\", \"seed\": 3, \"duration_s\": 7200, \"replications\": 2, \"timeseries_interval_s\": 300,"
	" \"functions\": ["
	"  {\"name\": \"api\", \"memory_mb\": 512, \"service\": {\"dist\": \"lognormal\", \"median_s\": 0.08, \"sigma\": 0.5},"
	"   \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"gamma\", \"mean_s\": 0.8, \"cv\": 0.3}},"
	"   \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 60},"
	"   \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0.5}},"
	"  {\"name\": \"batch\", \"memory_mb\": 2048, \"service\": {\"dist\": \"uniform\", \"min_s\": 2, \"max_s\": 6},"
	"   \"arrivals\": {\"process\": \"periodic\", \"period_s\": 600, \"jitter_s\": 30}}],"
	" \"baseline\": {\"kind\": \"vm\", \"vcpus\": 2, \"memory_gb\": 4, \"hourly_usd\": 0.0416,"
	"   \"requests_per_s_per_vm\": 20, \"min_vms\": 1, \"scale\": \"peak\"}}";

static off_t file_size(const char *dir, const char *name)
{
	char path[1024];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? st.st_size : -1;
}

/* A PNG signature, an IHDR of the terminal's size, and more bytes than a
 * blank canvas of that size compresses to (a white 900x540 PNG from
 * pngcairo is under 4 kB; axes, text and curves make tens of kB). */
static void assert_png(const char *dir, const char *name, unsigned width)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "%s missing", path);
	unsigned char h[24];
	ck_assert_uint_eq(fread(h, 1, 24, fp), 24);
	fclose(fp);
	ck_assert_msg(memcmp(h, "\x89PNG\r\n\x1a\n", 8) == 0, "%s is not a PNG", path);
	ck_assert_msg(memcmp(h + 12, "IHDR", 4) == 0, "%s: no IHDR", path);
	unsigned w = (unsigned)h[16] << 24 | (unsigned)h[17] << 16 | (unsigned)h[18] << 8 | h[19];
	ck_assert_uint_eq(w, width);
	ck_assert_msg(file_size(dir, name) > 12000, "%s: only %ld bytes", path, (long)file_size(dir, name));
}

static void assert_svg(const char *dir, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *text = tu_slurp(path);
	ck_assert_msg(text != NULL, "%s missing", path);
	ck_assert_ptr_nonnull(strstr(text, "<svg"));
	ck_assert_ptr_nonnull(strstr(text, "</svg>"));
	ck_assert_msg(strlen(text) > 10000, "%s: only %zu bytes", path, strlen(text));
	free(text);
}

static int has_item(const struct plot_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->item[i].name, name) == 0)
			return 1;
	return 0;
}

/* Runs the scenario above from a fresh folder into its run/, whose path
 * goes to out; returns the folder. */
static const char *run_scenario_into(char *out, size_t size)
{
	const char *dir = tu_tmpdir();
	char scen[600];
	snprintf(scen, sizeof(scen), "%s", tu_write(dir, "s.json", scenario));
	snprintf(out, size, "%s/run", dir);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -o '%s' -q", scen, out), 0);
	return dir;
}

START_TEST(run_plots)
{
	char out[600], plots[700];
	run_scenario_into(out, sizeof(out));
	snprintf(plots, sizeof(plots), "%s/plots", out);
	char *o;
	ck_assert_int_eq(tu_slsim(&o, NULL, "plot '%s'", out), 0);
	ck_assert_ptr_nonnull(strstr(o, "latency_cdf.png"));
	free(o);
	assert_png(plots, "latency_cdf.png", 900);
	assert_png(plots, "timeseries.png", 900);
	assert_png(plots, "functions.png", 1000);
	assert_svg(plots, "latency_cdf.svg");
	assert_svg(plots, "timeseries.svg");
	assert_svg(plots, "functions.svg");
	/* The scripts beside the plots run by hand on the CSVs. */
	char cmd[4096];
	snprintf(cmd, sizeof(cmd), "cd '%s' && gnuplot -e \"in='../timeseries.csv'; out='byhand.png'\" timeseries.gp 2>/dev/null", plots);
	ck_assert_int_eq(system(cmd), 0);
	assert_png(plots, "byhand.png", 900);
}
END_TEST

START_TEST(sweep_plots)
{
	/* Sweeps made in-process (points, as slsim optimize does): memory and
	 * keep-alive TTL (two parameters: memory plot impossible, heat map),
	 * TTL alone (cost/latency curve and keep-alive trade-off), providers,
	 * providers and memory (one cost line per provider). */
	struct errbuf err = { "" };
	struct run_options opt = { .threads = 1 };
	json_t *doc = json_loads(scenario, 0, NULL);
	ck_assert_ptr_nonnull(doc);
	json_object_set_new(doc, "replications", json_integer(1));
	static const struct {
		const char *paths[2];
		size_t n_paths;
		const char *values[2][4];
		size_t n_values[2];
		const char *expect[2];
	} sweeps[] = {
		{ { "functions[0].memory_mb" }, 1, { { "128", "512", "1024", "2048" } }, { 4 }, { "sweep_memory" } },
		{ { "functions[0].keepalive.ttl_s" }, 1, { { "0", "10", "60", "600" } }, { 4 }, { "sweep_ttl", "sweep_keepalive" } },
		{ { "provider" }, 1, { { "\"aws-lambda-x86\"", "\"aws-lambda-arm64\"" } }, { 2 }, { "sweep_provider" } },
		{ { "functions[0].memory_mb", "functions[0].keepalive.ttl_s" }, 2,
		  { { "512", "128", "1024" }, { "10", "120" } }, { 3, 2 }, { "sweep_heatmap", "sweep_keepalive" } },
		/* A category and a number: cost against the number, one line per
		 * category (the break-even plot), and the heat map. */
		{ { "provider", "functions[0].memory_mb" }, 2, { { "\"aws-lambda-x86\"", "\"aws-lambda-arm64\"" }, { "512", "1024" } },
		  { 2, 2 }, { "sweep_lines", "sweep_heatmap" } },
	};
	for (size_t s = 0; s < sizeof(sweeps) / sizeof(sweeps[0]); s++) {
		const char *dir = tu_tmpdir();
		struct points g;
		ck_assert_int_eq(points_init(&g, doc, "s.json", sweeps[s].paths, sweeps[s].n_paths, &opt, &err), 0);
		size_t n0 = sweeps[s].n_values[0], n1 = sweeps[s].n_paths > 1 ? sweeps[s].n_values[1] : 1;
		for (size_t i = 0; i < n0; i++)
			for (size_t j = 0; j < n1; j++) {
				json_t *v[2] = { json_loads(sweeps[s].values[0][i], JSON_DECODE_ANY, NULL),
						 sweeps[s].n_paths > 1 ? json_loads(sweeps[s].values[1][j], JSON_DECODE_ANY, NULL) : NULL };
				size_t p;
				ck_assert_msg(points_eval(&g, v, NULL, 0, &p, &err) == 0, "%s", err.msg);
				json_decref(v[0]);
				json_decref(v[1]);
			}
		ck_assert_int_eq(points_save_csv(&g, dir, "sweep.csv", &err), 0);
		points_free(&g);
		struct plot_set set;
		ck_assert_msg(plot_dir(dir, NULL, &set, &err) == 0, "%s", err.msg);
		char plots[600], name[128];
		snprintf(plots, sizeof(plots), "%s/plots", dir);
		for (size_t k = 0; k < 2 && sweeps[s].expect[k]; k++) {
			ck_assert_msg(has_item(&set, sweeps[s].expect[k]), "sweep %zu: no %s", s, sweeps[s].expect[k]);
			snprintf(name, sizeof(name), "%s.png", sweeps[s].expect[k]);
			assert_png(plots, name, strcmp(sweeps[s].expect[k], "sweep_provider") == 0 ? 1000 : 900);
			snprintf(name, sizeof(name), "%s.svg", sweeps[s].expect[k]);
			assert_svg(plots, name);
		}
	}
	json_decref(doc);
}
END_TEST

START_TEST(errors)
{
	const char *dir = tu_tmpdir();
	char *e;
	tu_slsim_says(2, "nothing to plot", "plot '%s'", dir);
	tu_slsim_says(2, "no such folder", "plot '%s/none'", dir);
	tu_slsim_says(2, "no results to report", "report '%s'", dir);
	/* gnuplot missing: exit 1 naming the package. */
	tu_write(dir, "latency_cdf.csv", "latency_s,cdf\n0.1,0.5\n0.2,1\n");
	ck_assert_int_eq(tu_slsim(NULL, &e, "plot '%s' 2>&1 >/dev/null; SLSIM_GNUPLOT=/nonexistent/gnuplot '%s' plot '%s'", dir,
				  tu_bin(), dir), 1);
	ck_assert_ptr_nonnull(strstr(e, "not found; plots need gnuplot"));
	free(e);
	/* A sweep.csv that is not one. */
	const char *d2 = tu_tmpdir();
	tu_write(d2, "sweep.csv", "a,b\n1,2\n");
	tu_slsim_says(2, "not a sweep.csv", "plot '%s'", d2);
}
END_TEST

/* A stand-in for gnuplot ($SLSIM_GNUPLOT): it appends "<script> <-e
 * assignments>" to plots/args.log and writes a token output file, so tests
 * read what slsim asked gnuplot to draw. Returns the log's path. */
static const char *fake_gnuplot(const char *dir)
{
	const char *path = tu_write(dir, "fake-gnuplot",
				    "#!/bin/sh\n"
				    "printf '%s %s\\n' \"$(basename \"$3\")\" \"$2\" >>\"$(dirname \"$3\")/args.log\"\n"
				    "out=$(printf '%s\\n' \"$2\" | sed -n \"s/^in='[^']*'; out='\\([^']*\\)'; .*/\\1/p\")\n"
				    "printf 'drawn' >\"$out\"\n");
	ck_assert_int_eq(chmod(path, 0755), 0);
	setenv("SLSIM_GNUPLOT", path, 1);
	return path;
}

/* The number assigned to name= on the log's line for script (NAN if none). */
static double gp_arg(const char *log, const char *script, const char *name)
{
	char want[128];
	snprintf(want, sizeof(want), "%s ", script);
	const char *line = strstr(log, want);
	ck_assert_msg(line != NULL, "gnuplot was not run on %s:\n%s", script, log);
	const char *end = strchr(line, '\n');
	snprintf(want, sizeof(want), " %s=", name);
	const char *at = strstr(line, want);
	return at && at < end ? strtod(at + strlen(want), NULL) : NAN;
}

/* latency_cdf.csv of service times uniform on [1, 2] s (no cold-start
 * delay, no queue): ccdf = 1 - cdf, counted, non-increasing to 0; at each
 * bucket's upper edge u (value x (1 + g) / 2, histo.h) it is 1 - F(u) = 2 - u
 * within the Kolmogorov-Smirnov bound 1.95 / sqrt(N) (0.1 %, every row at
 * once); the quantiles the plot marks are 1.5, 1.99 and 1.999 s within 4
 * standard errors sqrt(q (1 - q) / N) / f (f = 1) plus the histogram's
 * 0.4 %; the CCDF axis reaches 1e-5, a decade below min(1e-4, 1 / N). */
START_TEST(ccdf_data_and_marked_quantiles)
{
	const char *dir = tu_tmpdir();
	char out[600];
	const char *scen = tu_write(dir, "u.json",
		"{\"seed\": 7, \"duration_s\": 10000, \"functions\": [{\"name\": \"u\", \"memory_mb\": 128,"
		" \"service\": {\"dist\": \"uniform\", \"min_s\": 1, \"max_s\": 2},"
		" \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 0}},"
		" \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 10}}]}");
	snprintf(out, sizeof(out), "%s/run", dir);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s'", scen, out), 0);
	json_t *sum = tu_load_json(out, "summary.json");
	double n = json_number_value(json_object_get(json_object_get(sum, "totals"), "completed"));
	json_decref(sum);
	ck_assert(n > 95000 && n < 105000);
	char *csv = tu_read(out, "latency_cdf.csv");
	ck_assert_msg(strncmp(csv, "latency_s,cdf,ccdf\n", 19) == 0, "%.40s", csv);
	double g = 1 + 2 * HISTO_REL_ERROR / (1 - HISTO_REL_ERROR), last = 1, x, c, t;
	size_t rows = 0, checked = 0;
	for (const char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
		ck_assert_int_eq(sscanf(line, "%lf,%lf,%lf", &x, &c, &t), 3);
		ck_assert_double_eq_tol(t, 1 - c, 1e-15);
		ck_assert_msg(t <= last, "ccdf rises to %g at %g", t, x);
		ck_assert_double_eq_tol(t * n, nearbyint(t * n), 1e-6);   /* a count over N */
		last = t;
		double u = x * (1 + g) / 2;
		if (rows++ > 0 && u < 2 && strchr(strchr(line, '\n') + 1, '\n')) {   /* not the clamped end buckets */
			ck_assert_msg(fabs(t - (2 - u)) <= 1.95 / sqrt(n), "ccdf %g at %g, 1 - F = %g", t, u, 2 - u);
			checked++;
		}
	}
	ck_assert_double_eq(last, 0);
	ck_assert_uint_gt(checked, 80);
	free(csv);

	fake_gnuplot(dir);
	struct plot_set set;
	struct errbuf err = { "" };
	ck_assert_msg(plot_dir(out, NULL, &set, &err) == 0, "%s", err.msg);
	char plots[700];
	snprintf(plots, sizeof(plots), "%s/plots", out);
	char *log = tu_read(plots, "args.log");
	static const double q[] = { 0.5, 0.99, 0.999 };
	static const char *const names[] = { "p50", "p99", "p999" };
	for (int k = 0; k < 3; k++) {
		double want = 1 + q[k], tol = 4 * sqrt(q[k] * (1 - q[k]) / n) + want * HISTO_REL_ERROR;
		ck_assert_double_eq_tol(gp_arg(log, "latency_cdf.gp", names[k]), want, tol);
	}
	ck_assert_double_eq_tol(gp_arg(log, "latency_cdf.gp", "ymin"), 1e-5, 1e-20);
	ck_assert(isnan(gp_arg(log, "latency_cdf.gp", "hasccdf")));
	free(log);
}
END_TEST

/* Writes a hand-made sweep.csv of one parameter (param) with these costs
 * (cost column costcol) and p50 / p99 latencies into a fresh folder. */
static const char *hand_sweep(const char *param, const char *costcol, const char *const *values, const double *cost,
			      const double *p99, size_t n)
{
	const char *dir = tu_tmpdir();
	char text[4096];
	int len = snprintf(text, sizeof(text),
			   "point,%s,invocations,invocations.ci95,%s,%s.ci95,latency_s.p50,latency_s.p50.ci95,"
			   "latency_s.p99,latency_s.p99.ci95,status\n", param, costcol, costcol);
	for (size_t i = 0; i < n; i++)
		len += snprintf(text + len, sizeof(text) - (size_t)len, "%zu,%s,1000,,%.17g,,%.17g,,%.17g,,ok\n", i,
				values[i], cost[i], p99[i] / 2, p99[i]);
	tu_write(dir, "sweep.csv", text);
	return dir;
}

/* Log axes: by themselves when an axis's largest positive value exceeds 100
 * times its smallest (150x: log; exactly 100x: linear), on every cost and
 * latency axis with --log-y; the scripts draw them (real gnuplot). */
START_TEST(log_y_axes)
{
	static const char *const mem[] = { "128", "1024", "4096" }, *const prov[] = { "aws-lambda-x86", "gcf-gen2" };
	static const double wide[] = { 1, 2, 150 }, edge[] = { 1, 50, 100 }, lat[] = { 0.1, 0.2, 0.5 };
	static const double pcost[] = { 1, 101 }, plat[] = { 0.3, 0.4 };
	struct {
		const char *dir, *script;
		int force;
		double logy, logy2;
	} c[] = {
		{ hand_sweep("functions[0].memory_mb", "cost_usd.per_million", mem, wide, lat, 3), "sweep_param.gp", 0, 1, 0 },
		{ hand_sweep("functions[0].memory_mb", "cost_usd.per_million", mem, edge, lat, 3), "sweep_param.gp", 0, 0, 0 },
		{ hand_sweep("functions[0].memory_mb", "cost_usd.per_million", mem, edge, lat, 3), "sweep_param.gp", 1, 1, 1 },
		{ hand_sweep("provider", "cost_usd.total", prov, pcost, plat, 2), "sweep_provider.gp", 0, 1, 0 },
	};
	const char *tools = tu_tmpdir();
	struct errbuf err = { "" };
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		fake_gnuplot(tools);
		struct plot_options po = { .log_y = c[i].force };
		struct plot_set set;
		ck_assert_msg(plot_dir(c[i].dir, &po, &set, &err) == 0, "%s", err.msg);
		char plots[700];
		snprintf(plots, sizeof(plots), "%s/plots", c[i].dir);
		char *log = tu_read(plots, "args.log");
		ck_assert_msg(gp_arg(log, c[i].script, "logy") == c[i].logy, "case %zu: %s", i, log);
		ck_assert_msg(gp_arg(log, c[i].script, "logy2") == c[i].logy2, "case %zu: %s", i, log);
		free(log);
		/* The real gnuplot draws the same. */
		unsetenv("SLSIM_GNUPLOT");
		ck_assert_msg(plot_dir(c[i].dir, &po, &set, &err) == 0, "%s", err.msg);
		snprintf(plots, sizeof(plots), "%s/plots", c[i].dir);
		assert_png(plots, strcmp(c[i].script, "sweep_param.gp") == 0 ? "sweep_memory.png" : "sweep_provider.png",
			   strcmp(c[i].script, "sweep_param.gp") == 0 ? 900 : 1000);
	}
	/* The command line takes --log-y. */
	ck_assert_int_eq(tu_slsim(NULL, NULL, "plot '%s' --log-y", c[1].dir), 0);
}
END_TEST

/* compare.csv of two policies on a periodic function (a request every 10 s
 * for 10 h, 0.2 s each plus a 1-s cold start, 128 MB on Lambda x86):
 * without keep-alive every request is cold, 3601 x 1.2 s billed, $0.7098 a
 * month (73 windows); with a 60-s TTL one is, (3601 x 0.2 + 1) s, $0.1623.
 * Ratios 1 and 1/3601 span over 100x: a log axis from 1e-4. One key entry
 * per policy with its monthly cost; gnuplot draws it; the report shows it. */
START_TEST(compare_plot)
{
	const char *dir = tu_tmpdir();
	char out[600], plots[700];
	const char *scen = tu_write(dir, "c.json",
		"{\"seed\": 5, \"duration_s\": 36000, \"functions\": [{\"name\": \"f\", \"memory_mb\": 128,"
		" \"service\": {\"dist\": \"constant\", \"value_s\": 0.2},"
		" \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 1}},"
		" \"arrivals\": {\"process\": \"periodic\", \"period_s\": 10}}],"
		" \"compare\": {\"keepalive\": [{\"policy\": \"none\"}, {\"policy\": \"fixed\", \"ttl_s\": 60}]}}");
	snprintf(out, sizeof(out), "%s/cmp", dir);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s'", scen, out), 0);
	char want[2][64];
	snprintf(want[0], sizeof(want[0]), "t0='none: $%.4g/month'", (3601 * 1.2 * 0.125 * 0.0000166667 + 3601 * 0.2e-6) * 73);
	snprintf(want[1], sizeof(want[1]), "t1='fixed: $%.4g/month'", ((3601 * 0.2 + 1) * 0.125 * 0.0000166667 + 3601 * 0.2e-6) * 73);
	ck_assert_str_eq(want[0], "t0='none: $0.7098/month'");
	ck_assert_str_eq(want[1], "t1='fixed: $0.1623/month'");
	fake_gnuplot(dir);
	struct plot_set set;
	struct errbuf err = { "" };
	ck_assert_msg(plot_dir(out, NULL, &set, &err) == 0, "%s", err.msg);
	ck_assert(has_item(&set, "compare"));
	snprintf(plots, sizeof(plots), "%s/plots", out);
	char *log = tu_read(plots, "args.log");
	ck_assert_double_eq(gp_arg(log, "compare.gp", "n"), 2);
	ck_assert_double_eq(gp_arg(log, "compare.gp", "logy"), 1);
	ck_assert_double_eq_tol(gp_arg(log, "compare.gp", "ymin"), 1e-4, 1e-19);
	for (int k = 0; k < 2; k++)
		ck_assert_msg(strstr(log, want[k]) != NULL, "no %s in %s", want[k], log);
	free(log);
	unsetenv("SLSIM_GNUPLOT");
	char *o, *e;
	ck_assert_int_eq(tu_slsim(&o, &e, "report '%s'", out), 0);
	free(o);
	free(e);
	assert_png(plots, "compare.png", 1100);
	assert_svg(plots, "compare.svg");
	char *md = tu_read(out, "report.md");
	ck_assert_ptr_nonnull(strstr(md, "](plots/compare.png)"));
	free(md);
}
END_TEST

Suite *plot_suite(void)
{
	return TU_SUITE("plot", "core", 120, run_plots, sweep_plots, errors, ccdf_data_and_marked_quantiles, log_y_axes,
			 compare_plot);
}

/* ---- report ----------------------------------------------------------- */

/* Headless Chromium run in tmp with the profile <tmp>/<profile>; args are
 * what it does and its redirections. Returns system()'s status. */
static int chromium(const char *tmp, const char *profile, const char *args)
{
	char cmd[8192];
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking "
		 "--disable-component-update --disable-sync --no-first-run --user-data-dir='%s/%s' %s",
		 tmp, tmp, profile, args);
	return system(cmd);
}

START_TEST(report_renders_in_chromium)
{
	char out[600];
	const char *dir = run_scenario_into(out, sizeof(out));
	char *o, *e;
	int rc = tu_slsim(&o, &e, "report '%s' --scales 0.5,1,4,16 --threads 1", out);
	ck_assert_msg(rc == 0, "report failed: %s", e);
	free(o);
	free(e);

	/* Self-contained: plots inline, nothing fetched. */
	char *html = tu_read(out, "report.html");
	ck_assert_ptr_nonnull(strstr(html, "src=\"data:image/png;base64,iVBORw0KGgo"));
	ck_assert_ptr_null(strstr(html, "src=\"http"));
	ck_assert_ptr_null(strstr(html, "href=\"http"));
	char *md = tu_read(out, "report.md");
	ck_assert_ptr_nonnull(strstr(md, "](plots/baseline.png)"));
	ck_assert_ptr_nonnull(strstr(md, "## Monthly cost estimate"));

	/* The numbers of summary.json, as the report prints them (%.4g). */
	json_t *sum = tu_load_json(out, "summary.json");
	json_t *tot = json_object_get(sum, "totals");
	double cost = json_number_value(json_object_get(json_object_get(tot, "cost_usd"), "total"));
	double p99 = json_number_value(json_object_get(json_object_get(tot, "latency_s"), "p99"));
	/* The report shows the provider's monthly figure (730 h, tiers applied). */
	double monthly = json_number_value(json_object_get(json_object_get(tot, "cost_usd"), "monthly"));
	char s_cost[64], s_p99[64], s_month[64];
	snprintf(s_cost, sizeof(s_cost), "%.4g ±", cost);
	snprintf(s_p99, sizeof(s_p99), "%.4g ±", p99);
	snprintf(s_month, sizeof(s_month), "$%.4g ±", monthly);
	json_decref(sum);
	ck_assert_ptr_nonnull(strstr(md, s_cost));
	ck_assert_ptr_nonnull(strstr(md, s_month));

	/* baseline.csv: 0.5 req/s + a batch every 600 s at scale 1 is far below
	 * 20 req/s: 1 VM (min_vms), 730 h * $0.0416 = $30.368 at every scale
	 * tried (16x is ~8 req/s). */
	char *bcsv = tu_read(out, "baseline.csv");
	ck_assert_ptr_nonnull(strstr(bcsv, "traffic_scale,invocations,serverless_monthly_usd"));
	int lines = 0;
	for (char *line = strchr(bcsv, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
		double f[7];
		ck_assert_int_eq(sscanf(line + 1, "%lf,%lf,%lf,%lf,%lf,%lf,%lf", &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6]), 7);
		ck_assert_double_eq_tol(f[4], 730 * 0.0416, 1e-9);
		ck_assert_double_eq(f[5], 1);
		lines++;
	}
	ck_assert_int_eq(lines, 4);
	free(bcsv);

	/* Headless Chromium: a screenshot and the DOM. */
	ck_assert_msg(access("/usr/bin/chromium", X_OK) == 0 || system("command -v chromium >/dev/null") == 0,
		      "chromium is not installed (scripts/install-deps.sh installs it)");
	const char *tmp = tu_tmpdir();
	char args[4096];
	snprintf(args, sizeof(args),
		 "--window-size=1200,2400 --screenshot='%s/shot.png' 'file://%s/run/report.html' >'%s/log' 2>&1",
		 tmp, dir, tmp);
	ck_assert_msg(chromium(tmp, "profile", args) == 0, "chromium --screenshot failed (see %s/log)", tmp);
	assert_png(tmp, "shot.png", 1200);
	snprintf(args, sizeof(args), "--dump-dom 'file://%s/run/report.html' >'%s/dom.html' 2>'%s/log2'", dir, tmp, tmp);
	ck_assert_msg(chromium(tmp, "profile2", args) == 0, "chromium --dump-dom failed (see %s/log2)", tmp);
	char *dom = tu_read(tmp, "dom.html");
	/* The DOM Chromium built holds the figures in their cells. */
	char want[128];
	snprintf(want, sizeof(want), "id=\"fig-cost_usd.total\">%s", s_cost);
	ck_assert_msg(strstr(dom, want) != NULL, "DOM lacks %s", want);
	snprintf(want, sizeof(want), "id=\"fig-latency_s.p99\">%s", s_p99);
	ck_assert_msg(strstr(dom, want) != NULL, "DOM lacks %s", want);
	snprintf(want, sizeof(want), "id=\"monthly\">%s", s_month);
	ck_assert_msg(strstr(dom, want) != NULL, "DOM lacks %s", want);
	ck_assert_ptr_nonnull(strstr(dom, "id=\"break-even\""));
	ck_assert_int_ge((int)(strstr(dom, "data:image/png;base64") != NULL), 1);
	free(dom);
	free(md);
	free(html);
}
END_TEST

/* slsim run + report of a 1-hour Poisson scenario with reps replications;
 * returns report.md (malloc'd) and fills *sum with summary.json. */
static char *short_report(int reps, json_t **sum)
{
	const char *dir = tu_tmpdir();
	char text[1024], out[600], *o, *e;
	snprintf(text, sizeof(text),
		 "{\"duration_s\": 3600, \"replications\": %d, \"functions\": [{\"name\": \"f\", \"memory_mb\": 128,"
		 " \"service\": {\"dist\": \"exponential\", \"mean_s\": 0.5},"
		 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0.05}}]}", reps);
	const char *scen = tu_write(dir, "s.json", text);
	snprintf(out, sizeof(out), "%s/out", dir);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s'", scen, out), 0);
	int rc = tu_slsim(&o, &e, "report '%s'", out);
	ck_assert_msg(rc == 0, "report failed: %s", e);
	free(o);
	free(e);
	*sum = tu_load_json(out, "summary.json");
	return tu_read(out, "report.md");
}

START_TEST(report_month_warnings_and_ranges)
{
	/* One 730-h month: a 3,600-s window is repeated 2,628,000 / 3,600 = 730
	 * times, and under a week, which the report says. */
	json_t *sum;
	char *md = short_report(1, &sum);
	ck_assert_ptr_nonnull(strstr(md, "A month is 730 hours here"));
	ck_assert_ptr_nonnull(strstr(md, "the measured window (3600 s) is extrapolated by repeating its usage (requests, GB-seconds, instance time) 730 times"));
	ck_assert_ptr_nonnull(strstr(md, "**Warning:** the measured window (3600 s) is shorter than a week"));
	ck_assert_ptr_nonnull(strstr(md, "**Warning:** 1 replication: there is no confidence interval"));
	ck_assert_ptr_null(strstr(md, "nan"));
	/* cost_usd.monthly is the window's usage x 730 (no tiers reached):
	 * total x 730 to rounding. */
	json_t *cost = json_object_get(json_object_get(sum, "totals"), "cost_usd");
	ck_assert_double_eq_tol(json_number_value(json_object_get(cost, "monthly")),
				730 * json_number_value(json_object_get(cost, "total")),
				1e-9 * json_number_value(json_object_get(cost, "monthly")));
	json_decref(sum);
	free(md);

	/* Three replications: no replication warning; instances.peak as its
	 * range; every headline figure whose interval exceeds 10 % of its mean
	 * is named, and only those. */
	md = short_report(3, &sum);
	ck_assert_ptr_null(strstr(md, "replication: there is"));
	ck_assert_ptr_null(strstr(md, "replications: the 95 %"));
	json_t *range = json_object_get(json_object_get(json_object_get(sum, "range"), "instances"), "peak");
	json_t *tot = json_object_get(sum, "totals"), *ci = json_object_get(sum, "ci95");
	char want[256];
	snprintf(want, sizeof(want), "| instances.peak | %.4g to %.4g over 3 replications (mean %.4g) |",
		 json_number_value(json_array_get(range, 0)), json_number_value(json_array_get(range, 1)),
		 json_number_value(json_object_get(json_object_get(tot, "instances"), "peak")));
	ck_assert_msg(strstr(md, want) != NULL, "report.md lacks %s", want);
	const char *figs[][2] = { { "cost_usd", "total" }, { "latency_s", "mean" }, { "cost_usd", "monthly" } };
	for (size_t k = 0; k < 3; k++) {
		double v = json_number_value(json_object_get(json_object_get(tot, figs[k][0]), figs[k][1]));
		double c = json_number_value(json_object_get(json_object_get(ci, figs[k][0]), figs[k][1]));
		/* Markdown escapes the underscores. */
		snprintf(want, sizeof(want), "%s.%s (± %.0f %%)", k == 1 ? "latency\\_s" : "cost\\_usd", figs[k][1], 100 * c / v);
		const char *w = strstr(md, "95 % intervals wider than 10 % of the mean");
		char *hit = w ? strstr(w, want) : NULL;
		ck_assert_msg((c > 0.1 * v) == (hit != NULL), "%s: ci %g of %g, warning %s", want, c, v, hit ? "given" : "missing");
	}
	json_decref(sum);
	free(md);
}
END_TEST

/* The report's tables: every header whole in report.md (and in the HTML,
 * where headers break between words only), a 192-character function name
 * whole in both function tables, each function's service and arrival models
 * in words instead of "default"; a workload's functions as one row. */
START_TEST(report_tables_whole_headers_and_models)
{
	const char *dir = tu_tmpdir();
	char name[200], text[4096], out[600], *o, *e;
	snprintf(name, sizeof(name), "an-inference-function-whose-name-is-long-%0150d", 0);
	tu_write(dir, "arr.csv", "timestamp_s,function,duration_s\n1,replay,0.5\n30,replay,0.25\n");
	snprintf(text, sizeof(text),
		 "{\"name\": \"tables\", \"seed\": 1, \"duration_s\": 600, \"functions\": ["
		 " {\"name\": \"%s\", \"memory_mb\": 512, \"service\": {\"dist\": \"lognormal\", \"median_s\": 0.2, \"sigma\": 0.5},"
		 "  \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 2}},"
		 " {\"name\": \"cpu\", \"memory_mb\": 1769, \"work\": {\"cpu_s\": 1.2, \"io_s\": 0.1},"
		 "  \"arrivals\": {\"process\": \"periodic\", \"period_s\": 60}},"
		 " {\"name\": \"replay\", \"memory_mb\": 256, \"service\": {\"dist\": \"constant\", \"value_s\": 0.3},"
		 "  \"arrivals\": {\"process\": \"trace\", \"path\": \"arr.csv\"}}]}", name);
	const char *scen = tu_write(dir, "t.json", text);
	snprintf(out, sizeof(out), "%s/t", dir);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s'", scen, out), 0);
	ck_assert_int_eq(tu_slsim(&o, &e, "report '%s'", out), 0);
	free(o);
	free(e);
	char *md = tu_read(out, "report.md");
	static const char *const want[] = {
		"| function | memory (MB) | service | cold start | keep-alive | arrivals |",
		"| function | monthly cost (730 h, list prices) | cost per million | cold-start ratio | p99 latency (s) |",
		"| 512 | lognormal(median 0.2 s, σ 0.5) | default | default | poisson 2/s |",
		"| cpu | 1769 | work 1.2 CPU-s + 0.1 s I/O | default | default | periodic every 60 s |",
		"| replay | 256 | trace durations where given, else constant 0.3 s | default | default | trace file arr.csv |",
	};
	for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
		ck_assert_msg(strstr(md, want[k]) != NULL, "report.md lacks %s:\n%s", want[k], md);
	char row[300];
	snprintf(row, sizeof(row), "| %s | 512 |", name);
	ck_assert_msg(strstr(md, row) != NULL, "the long name is cut in the function table");
	snprintf(row, sizeof(row), "| %s | $", name);
	ck_assert_msg(strstr(md, row) != NULL, "the long name is cut in the cost table");
	ck_assert_ptr_null(strstr(md, "| default |\n"));   /* no arrivals column says "default" */
	free(md);
	char *html = tu_read(out, "report.html");
	ck_assert_ptr_nonnull(strstr(html, "<th>memory (MB)</th><th>service</th><th>cold start</th>"));
	ck_assert_ptr_nonnull(strstr(html, "th{background:#f3f3f3;overflow-wrap:normal;word-break:normal;hyphens:none}"));
	free(html);

	/* A generator's functions: one row of function_defaults. */
	scen = tu_write(dir, "g.json", "{\"name\": \"gen\", \"seed\": 1, \"workload\": {\"format\": \"generator\", \"pattern\": \"iot\","
			" \"devices\": 20, \"duration_s\": 600}, \"function_defaults\": {\"memory_mb\": 256,"
			" \"service\": {\"dist\": \"gamma\", \"mean_s\": 0.05, \"cv\": 0.5}}}");
	snprintf(out, sizeof(out), "%s/g", dir);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s'", scen, out), 0);
	ck_assert_int_eq(tu_slsim(&o, &e, "report '%s'", out), 0);
	free(o);
	free(e);
	md = tu_read(out, "report.md");
	ck_assert_msg(strstr(md, "| (the workload's functions) | 256 | gamma(mean 0.05 s, cv 0.5) | default | default | generator iot |"),
		      "%s", md);
	free(md);
}
END_TEST

Suite *report_suite(void)
{
	return TU_SUITE("report", "core", 300, report_renders_in_chromium, report_month_warnings_and_ranges,
			 report_tables_whole_headers_and_models);
}
