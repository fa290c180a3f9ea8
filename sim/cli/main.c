/*
 * main: the slsim command line. Parses arguments, calls the modules, prints
 * their messages and chooses the exit status (0 success, 2 bad usage or
 * input, 1 runtime failure). Nothing else in slsim prints errors or exits.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "experiment/baseline.h"
#include "experiment/compare.h"
#include "core/errbuf.h"
#include "experiment/optimize.h"
#include "output/output.h"
#include "output/plot.h"
#include "output/report.h"
#include "run/run.h"
#include "scenario/scenario.h"
#include "experiment/sweep.h"
#include "cli/tracecmd.h"
#include "core/version.h"
#ifdef SLSIM_MPI
#include "experiment/mpisweep.h"
#endif

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

static const char usage_main[] =
	"usage: slsim <command> [options]\n"
	"\n"
	"A discrete-event simulator of serverless (FaaS) platforms: cost, cold starts\n"
	"and latency of a workload on AWS Lambda and others.\n"
	"\n"
	"commands:\n"
	"  run SCENARIO      simulate a scenario file and write its results\n"
	"  sweep SCENARIO    simulate every point of a grid of scenario values\n"
	"  merge DIR...      join the shard outputs of a sweep\n"
	"  trace ...         statistics, generation and conversion of workload traces\n"
	"  optimize SCENARIO find the cheapest (or fastest) configuration meeting SLOs\n"
	"  plot DIR          draw the plots of a results folder with gnuplot\n"
	"  report DIR        write report.html and report.md for a results folder\n"
	"\n"
	"options:\n"
	"  -h, --help        this help (slsim <command> --help for a command's)\n"
	"  --version         print the version\n";

static const char usage_run[] =
	"usage: slsim run SCENARIO [-o DIR] [--set PATH=VALUE]... [--threads N] [--quiet]\n"
	"\n"
	"Simulates SCENARIO (a JSON file, see scenarios/README.md) and writes\n"
	"summary.json, summary.csv, timeseries.csv and latency_cdf.csv into DIR\n"
	"(default results/<scenario name>/); prints a table of headline figures.\n"
	"A scenario with \"compare\": {\"keepalive\": [...]} runs once per policy:\n"
	"DIR/compare.csv (one row each) and DIR/<label>/ with each run's files.\n"
	"\n"
	"  -o, --out DIR       output folder\n"
	"  --set PATH=VALUE    override or add a scenario key before validation, e.g.\n"
	"                      --set functions[0].keepalive.ttl_s=300\n"
	"                      --set provider=aws-lambda-arm64\n"
	"                      VALUE is read as JSON when it parses, else as a string\n"
	"  --threads N         run replications on N threads (default: all cores);\n"
	"                      results do not depend on N\n"
	"  -q, --quiet         no progress and no table\n"
	"  -h, --help          this help\n";

static const char usage_plot[] =
	"usage: slsim plot DIR [--metric FIGURE]\n"
	"\n"
	"Draws the plots of DIR (the output of slsim run, sweep or optimize) with\n"
	"gnuplot into DIR/plots/ as PNG and SVG, next to the gnuplot scripts that made\n"
	"them (run them by hand: gnuplot -e \"in='...'; out='x.png'\" script.gp).\n"
	"\n"
	"  --metric FIGURE     the figure of two-parameter heat maps\n"
	"                      (default cost_usd.per_million)\n"
	"Exit status: 0 success, 2 nothing to plot or a bad file, 1 gnuplot missing or\n"
	"failing (its messages are in DIR/plots/gnuplot.log; $SLSIM_GNUPLOT names it).\n";

static const char usage_report[] =
	"usage: slsim report DIR [--scales S1,S2,...] [--metric FIGURE] [--threads N]\n"
	"\n"
	"Writes DIR/report.html (self-contained, plots embedded) and DIR/report.md:\n"
	"scenario, headline figures with 95 % intervals, monthly cost, best\n"
	"configurations, and, when the scenario has a \"baseline\", the monthly cost of\n"
	"serverless and always-on VMs at several traffic scales (baseline.csv).\n"
	"\n"
	"  --scales LIST       traffic scales of the baseline curve\n"
	"                      (default 0.1,0.25,0.5,1,2,4,10)\n"
	"  --metric FIGURE     heat-map figure, as for slsim plot\n"
	"  --threads N         threads for the simulations\n"
	"Exit status: 0 success, 2 bad input, 1 runtime failure (e.g. gnuplot missing).\n";

static const char usage_optimize[] =
	"usage: slsim optimize SCENARIO --vary PATH=SPEC [--vary ...]\n"
	"                      [--objective cost|latency|balanced|FIGURE] [--slo FIGURE<=VALUE]...\n"
	"                      [-o DIR] [--set PATH=VALUE]... [--grid N] [--rounds N] [--grid-only]\n"
	"                      [--max-replications N] [--threads N] [--quiet]\n"
	"\n"
	"Finds the configuration that minimises the objective (cost: cost_usd.total,\n"
	"latency: latency_s.p99, balanced: cost/lowest cost + p99/lowest p99, or any\n"
	"figure) while meeting every SLO.\n"
	"\n"
	"  --vary PATH=V1,V2,...  values to try (providers, policies, memory sizes)\n"
	"  --vary PATH=LO:HI      a range, integer if LO and HI are: one range is searched\n"
	"                         by Brent's method (GSL) once a grid brackets a minimum,\n"
	"                         several by grid refinement\n"
	"  --vary PATH=LO:HI:STEP a lattice LO + k STEP\n"
	"  --slo FIGURE<=VALUE    also <, >=, >; FIGURE a figure name or p50, p99,\n"
	"                         mean, cold_start_ratio, ... (repeatable)\n"
	"  --grid N               points per range per round (default 5)\n"
	"  --rounds N             refinement rounds (default 12)\n"
	"  --grid-only            grid refinement even for a single range\n"
	"  --max-replications N   replications to separate ties (default 4 x the\n"
	"                         scenario's; ties left are decided by p99 or cost)\n"
	"  -o, --out DIR          output folder (default results/<name>-optimize/)\n"
	"Writes sweep.csv (every point), frontier.csv, optimize.json and, for the best\n"
	"point, the files of slsim run. Exit status: 0 success, 2 bad usage or input,\n"
	"1 no configuration met the SLOs (the frontier is still written) or runtime failure.\n";

/* Matches "--name VALUE" and "--name=VALUE"; advances *i past VALUE. */
static int option_value(int argc, char **argv, int *i, const char *shrt, const char *lng,
			const char **value)
{
	const char *a = argv[*i];
	size_t n = strlen(lng);
	if (strncmp(a, lng, n) == 0 && a[n] == '=') {
		*value = a + n + 1;
		return 1;
	}
	if ((shrt && strcmp(a, shrt) == 0) || strcmp(a, lng) == 0) {
		if (*i + 1 >= argc) {
			fprintf(stderr, "slsim: %s needs a value\n", a);
			exit(EXIT_USAGE);
		}
		*value = argv[++*i];
		return 1;
	}
	return 0;
}

/* The one piece of mutable global state: a signal handler can reach nothing
 * else. Set by SIGINT/SIGTERM, read by runs and sweeps through their options. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

/* From now on SIGINT and SIGTERM ask running simulations to stop; what is
 * complete is written and the exit status is 128 + the signal (130, 143). */
static void catch_stop_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int interrupted_status(void)
{
	return 128 + (stop_signal ? stop_signal : SIGINT);
}

static int cmd_run(int argc, char **argv)
{
	const char *scenario_path = NULL, *out_dir = NULL, *value;
	const char **sets = calloc((size_t)argc, sizeof(*sets));
	size_t n_sets = 0;
	int quiet = 0, threads = 0;
	if (!sets)
		return EXIT_RUNTIME;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_run, stdout);
			free(sets);
			return EXIT_OK;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			quiet = 1;
		} else if (option_value(argc, argv, &i, "-o", "--out", &value)) {
			out_dir = value;
		} else if (option_value(argc, argv, &i, NULL, "--set", &value)) {
			sets[n_sets++] = value;
		} else if (option_value(argc, argv, &i, NULL, "--threads", &value)) {
			char *end;
			long t = strtol(value, &end, 10);
			if (*end || t < 1 || t > 4096) {
				fprintf(stderr, "slsim run: --threads: expected a number from 1 to 4096, got \"%s\"\n", value);
				free(sets);
				return EXIT_USAGE;
			}
			threads = (int)t;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "slsim run: unknown option %s\n%s", a, usage_run);
			free(sets);
			return EXIT_USAGE;
		} else if (!scenario_path) {
			scenario_path = a;
		} else {
			fprintf(stderr, "slsim run: one scenario at a time (got %s and %s)\n", scenario_path, a);
			free(sets);
			return EXIT_USAGE;
		}
	}
	if (!scenario_path) {
		fprintf(stderr, "slsim run: missing SCENARIO\n%s", usage_run);
		free(sets);
		return EXIT_USAGE;
	}

	struct errbuf err = { "" };
	struct scenario sc;
	int rc = scenario_load(&sc, scenario_path, sets, n_sets, &err);
	free(sets);
	if (rc < 0) {
		fprintf(stderr, "slsim: %s\n", err.msg);
		return rc == ERR_INPUT ? EXIT_USAGE : EXIT_RUNTIME;
	}
	char default_dir[512];
	if (!out_dir) {
		snprintf(default_dir, sizeof(default_dir), "results/%s", sc.name);
		out_dir = default_dir;
	}
	struct run_options opt = { .threads = threads, .progress = !quiet && isatty(STDERR_FILENO),
				   .stop = &stop_signal };
	catch_stop_signals();
	if (compare_count(&sc)) {
		rc = compare_run(&sc, &opt, out_dir, quiet ? NULL : stdout, &err);
		scenario_free(&sc);
		if (rc == ERR_INTERRUPTED) {
			fprintf(stderr, "slsim: %s\n", err.msg);
			return interrupted_status();
		}
		if (rc < 0) {
			fprintf(stderr, "slsim: %s\n", err.msg);
			return rc == ERR_INPUT ? EXIT_USAGE : EXIT_RUNTIME;
		}
		if (!quiet)
			printf("results in %s/ (compare.csv and one folder per policy)\n", out_dir);
		return EXIT_OK;
	}
	struct run_result res;
	rc = run_scenario(&sc, &opt, &res, &err);
	if (rc == 0)
		rc = output_write_run(out_dir, &sc, &res, &err);
	if (rc < 0) {
		fprintf(stderr, "slsim: %s\n", err.msg);
		run_result_free(&res);
		scenario_free(&sc);
		return rc == ERR_INPUT ? EXIT_USAGE : EXIT_RUNTIME;
	}
	int status = EXIT_OK;
	if (res.interrupted) {
		fprintf(stderr, "slsim: interrupted: %u of %u replications complete; their results are in %s/ (\"interrupted\": true)\n",
			res.replications, sc.replications, out_dir);
		status = interrupted_status();
	} else if (!quiet) {
		output_print_table(stdout, &sc, &res);
		printf("results in %s/\n", out_dir);
	}
	run_result_free(&res);
	scenario_free(&sc);
	return status;
}

static int fail(const char *cmd, int rc, const struct errbuf *err)
{
	fprintf(stderr, "slsim %s: %s\n", cmd, err->msg);
	return rc == ERR_INPUT ? EXIT_USAGE : EXIT_RUNTIME;
}

static int parse_threads(const char *cmd, const char *value, int *threads)
{
	char *end;
	long t = strtol(value, &end, 10);
	if (*end || t < 1 || t > 4096) {
		fprintf(stderr, "slsim %s: --threads: expected a number from 1 to 4096, got \"%s\"\n", cmd, value);
		return -1;
	}
	*threads = (int)t;
	return 0;
}

static int cmd_plot(int argc, char **argv)
{
	const char *dir = NULL, *value;
	struct plot_options po = { 0 };
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage_plot, stdout);
			return EXIT_OK;
		} else if (option_value(argc, argv, &i, NULL, "--metric", &value)) {
			po.metric = value;
		} else if (argv[i][0] == '-' || dir) {
			fprintf(stderr, "slsim plot: unexpected argument %s\n%s", argv[i], usage_plot);
			return EXIT_USAGE;
		} else {
			dir = argv[i];
		}
	}
	if (!dir) {
		fprintf(stderr, "slsim plot: missing DIR\n%s", usage_plot);
		return EXIT_USAGE;
	}
	struct errbuf err = { "" };
	struct plot_set set;
	int rc = plot_dir(dir, &po, &set, &err);
	if (rc < 0)
		return fail("plot", rc, &err);
	for (size_t i = 0; i < set.n; i++)
		printf("%s/plots/%s.png (and .svg): %s\n", dir, set.item[i].name, set.item[i].title);
	if (set.notes[0])
		printf("not plotted: %s\n", set.notes);
	return EXIT_OK;
}

static int cmd_report(int argc, char **argv)
{
	const char *dir = NULL, *value;
	struct report_options ro = { .run = { .threads = 0 } };
	ro.baseline_curve = baseline_report_curve;
	ro.baseline_ctx = &ro.run;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage_report, stdout);
			return EXIT_OK;
		} else if (option_value(argc, argv, &i, NULL, "--metric", &value)) {
			ro.metric = value;
		} else if (option_value(argc, argv, &i, NULL, "--threads", &value)) {
			if (parse_threads("report", value, &ro.run.threads) < 0)
				return EXIT_USAGE;
		} else if (option_value(argc, argv, &i, NULL, "--scales", &value)) {
			const char *p = value;
			ro.n_scales = 0;
			for (;;) {
				char *end;
				double x = strtod(p, &end);
				if (end == p || !(x > 0) || !(x <= 1e6) || (*end && *end != ',') ||
				    ro.n_scales == REPORT_MAX_SCALES ||
				    (ro.n_scales && x <= ro.scales[ro.n_scales - 1])) {
					fprintf(stderr, "slsim report: --scales %s: expected up to %d increasing positive numbers separated by commas\n",
						value, REPORT_MAX_SCALES);
					return EXIT_USAGE;
				}
				ro.scales[ro.n_scales++] = x;
				if (!*end)
					break;
				p = end + 1;
			}
		} else if (argv[i][0] == '-' || dir) {
			fprintf(stderr, "slsim report: unexpected argument %s\n%s", argv[i], usage_report);
			return EXIT_USAGE;
		} else {
			dir = argv[i];
		}
	}
	if (!dir) {
		fprintf(stderr, "slsim report: missing DIR\n%s", usage_report);
		return EXIT_USAGE;
	}
	struct errbuf err = { "" };
	int rc = report_dir(dir, &ro, &err);
	if (rc < 0)
		return fail("report", rc, &err);
	printf("%s/report.html\n%s/report.md\n", dir, dir);
	return EXIT_OK;
}

static int parse_count(const char *opt, const char *value, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	long v = strtol(value, &end, 10);
	if (*end || end == value || v < (long)lo || v > (long)hi) {
		fprintf(stderr, "slsim optimize: %s: expected a number from %u to %u, got \"%s\"\n", opt, lo, hi, value);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int cmd_optimize(int argc, char **argv)
{
	const char *scenario_path = NULL, *out_dir = NULL, *value;
	const char **sets = calloc((size_t)argc, sizeof(*sets));
	struct optimize_spec spec = { .objective = FIG_COST_TOTAL, .grid = 5, .rounds = 12 };
	spec.vary = calloc((size_t)argc, sizeof(*spec.vary));
	spec.slo = calloc((size_t)argc, sizeof(*spec.slo));
	size_t n_sets = 0;
	int quiet = 0, threads = 0, code = EXIT_USAGE, rc;
	unsigned max_reps = 0;
	struct errbuf err = { "" };
	struct scenario sc = { 0 };
	struct optimize_result res = { .best = -1 };
	if (!sets || !spec.vary || !spec.slo) {
		code = EXIT_RUNTIME;
		goto out;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_optimize, stdout);
			code = EXIT_OK;
			goto out;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			quiet = 1;
		} else if (option_value(argc, argv, &i, "-o", "--out", &value)) {
			out_dir = value;
		} else if (option_value(argc, argv, &i, NULL, "--set", &value)) {
			sets[n_sets++] = value;
		} else if (option_value(argc, argv, &i, NULL, "--vary", &value)) {
			if ((rc = optimize_parse_vary(value, &spec.vary[spec.n_vary++], &err)) < 0) {
				code = fail("optimize", rc, &err);
				goto out;
			}
		} else if (option_value(argc, argv, &i, NULL, "--slo", &value)) {
			if ((rc = optimize_parse_slo(value, &spec.slo[spec.n_slo++], &err)) < 0) {
				code = fail("optimize", rc, &err);
				goto out;
			}
		} else if (option_value(argc, argv, &i, NULL, "--objective", &value)) {
			if ((rc = optimize_parse_objective(value, &spec.objective, &err)) < 0) {
				code = fail("optimize", rc, &err);
				goto out;
			}
		} else if (option_value(argc, argv, &i, NULL, "--grid", &value)) {
			if (parse_count("--grid", value, 3, 101, &spec.grid) < 0)
				goto out;
		} else if (strcmp(a, "--grid-only") == 0) {
			spec.method = OPTIMIZE_GRID;
		} else if (option_value(argc, argv, &i, NULL, "--rounds", &value)) {
			if (parse_count("--rounds", value, 1, 50, &spec.rounds) < 0)
				goto out;
		} else if (option_value(argc, argv, &i, NULL, "--max-replications", &value)) {
			if (parse_count("--max-replications", value, 1, SCENARIO_MAX_REPLICATIONS, &max_reps) < 0)
				goto out;
		} else if (option_value(argc, argv, &i, NULL, "--threads", &value)) {
			if (parse_threads("optimize", value, &threads) < 0)
				goto out;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "slsim optimize: unknown option %s\n%s", a, usage_optimize);
			goto out;
		} else if (!scenario_path) {
			scenario_path = a;
		} else {
			fprintf(stderr, "slsim optimize: one scenario at a time (got %s and %s)\n", scenario_path, a);
			goto out;
		}
	}
	if (!scenario_path || spec.n_vary == 0) {
		fprintf(stderr, "slsim optimize: %s\n%s", scenario_path ? "give at least one --vary" : "missing SCENARIO",
			usage_optimize);
		goto out;
	}
	if ((rc = scenario_load(&sc, scenario_path, sets, n_sets, &err)) < 0) {
		code = fail("optimize", rc, &err);
		goto out;
	}
	spec.max_replications = max_reps ? max_reps : 4 * sc.replications;
	char default_dir[512];
	if (!out_dir) {
		snprintf(default_dir, sizeof(default_dir), "results/%s-optimize", sc.name);
		out_dir = default_dir;
	}
	struct run_options opt = { .threads = threads };
	if ((rc = optimize_run(sc.json, scenario_path, &spec, &opt, &res, &err)) < 0 ||
	    (rc = optimize_write(out_dir, &spec, &res, &opt, &err)) < 0) {
		code = fail("optimize", rc, &err);
		goto out;
	}
	if (!quiet) {
		optimize_print(stdout, &spec, &res);
		printf("%s\nresults in %s/\n", res.decision, out_dir);
	}
	if (res.best < 0) {
		fprintf(stderr, "slsim optimize: no configuration among the %zu explored meets the SLOs", res.grid.n_points);
		if (res.closest >= 0)
			fprintf(stderr, " (closest: point %ld in %s/frontier.csv)", res.closest, out_dir);
		fputc('\n', stderr);
		code = EXIT_RUNTIME;
		goto out;
	}
	code = EXIT_OK;
out:
	optimize_result_free(&res);
	optimize_spec_free(&spec);
	scenario_free(&sc);
	free(sets);
	return code;
}

static const char usage_sweep[] =
	"usage: slsim sweep SCENARIO [--grid PATH=V1,V2,...] [--grid PATH=START:STOP:STEP]...\n"
	"                   [--set PATH=VALUE]... [-o DIR] [--threads N] [--shard K/N]\n"
	"                   [--common-seed] [--resume] [--dry-run] [--quiet]\n"
	"\n"
	"Simulates every point of the Cartesian product of the grids (the first\n"
	"--grid varies slowest), each with the scenario's replications, and writes\n"
	"sweep.csv (one row per point: the grid values, then every totals figure\n"
	"and its ci95) and sweep.json into DIR (default results/<name>-sweep/, or\n"
	"results/<name>-sweep/shard-K with --shard). Without --grid, the grid is the\n"
	"scenario's \"sweep\" section.\n"
	"\n"
	"  --grid PATH=V1,V2,...       values for a scenario path (JSON if it parses,\n"
	"                              else a string, as with --set)\n"
	"  --grid PATH=START:STOP:STEP numbers from START to STOP inclusive\n"
	"  --set PATH=VALUE            change the scenario before the grid applies\n"
	"  -o, --out DIR               output folder\n"
	"  --threads N                 points and replications on N threads (default:\n"
	"                              all cores); results do not depend on N\n"
	"  --shard K/N                 only the points whose index mod N is K; join\n"
	"                              the N outputs with slsim merge\n"
	"  --common-seed               every point uses the scenario's seed (common\n"
	"                              random numbers) instead of its own\n"
	"  --resume                    keep the rows an interrupted run of the same sweep\n"
	"                              left in DIR and run only the points after them\n"
	"  --dry-run                   list the points as `slsim run` commands, run nothing\n"
	"\n"
	"SIGINT or SIGTERM stops the sweep: the rows of the points already complete\n"
	"are written, sweep.json says \"interrupted\": true, and the exit status is\n"
	"130 or 143; --resume then finishes it.\n"
	"  -q, --quiet                 no progress\n"
	"  -h, --help                  this help\n";

static const char usage_merge[] =
	"usage: slsim merge DIR... -o OUT\n"
	"\n"
	"Joins the outputs of the N shards of one sweep (slsim sweep --shard K/N, one\n"
	"folder each, in any order) into OUT/sweep.csv and OUT/sweep.json, identical\n"
	"to the unsharded sweep's. Refuses shards of different sweeps or splits,\n"
	"missing or duplicate shards and incomplete files.\n"
	"\n"
	"  -o, --out OUT       output folder (required)\n"
	"  -h, --help          this help\n";

/* Prints s single-quoted for a POSIX shell. */
static void shell_quote(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", fp);
		else
			fputc(*s, fp);
	fputc('\'', fp);
}

static void print_points(const struct sweep *sw, const char *scenario_path, const char **sets,
			 size_t n_sets)
{
	uint64_t total = sweep_count_points(sw, sw->shard_index, sw->shard_count);
	for (uint64_t k = 0; k < total; k++) {
		uint64_t p = sw->shard_index + k * sw->shard_count;
		printf("# point %llu\nslsim run ", (unsigned long long)p);
		shell_quote(stdout, scenario_path);
		for (size_t i = 0; i < n_sets; i++) {
			fputs(" --set ", stdout);
			shell_quote(stdout, sets[i]);
		}
		if (!sw->grid_has_seed)
			printf(" --set seed=%llu", (unsigned long long)sweep_point_seed(sw, p));
		for (size_t a = 0; a < sw->n_axes; a++) {
			char asg[4096];
			sweep_point_assignment(sw, p, a, asg, sizeof(asg));
			fputs(" --set ", stdout);
			shell_quote(stdout, asg);
		}
		putchar('\n');
	}
}

static int cmd_sweep(int argc, char **argv)
{
	const char *scenario_path = NULL, *out_dir = NULL, *shard = NULL, *value;
	const char **sets = calloc((size_t)argc, sizeof(*sets));
	const char **grids = calloc((size_t)argc, sizeof(*grids));
	size_t n_sets = 0, n_grids = 0;
	int quiet = 0, threads = 0, common_seed = 0, dry_run = 0, resume = 0, status = EXIT_USAGE;
	if (!sets || !grids) {
		free(sets);
		free(grids);
		return EXIT_RUNTIME;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_sweep, stdout);
			status = EXIT_OK;
			goto out;
		} else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			quiet = 1;
		} else if (strcmp(a, "--common-seed") == 0) {
			common_seed = 1;
		} else if (strcmp(a, "--dry-run") == 0) {
			dry_run = 1;
		} else if (strcmp(a, "--resume") == 0) {
			resume = 1;
		} else if (option_value(argc, argv, &i, "-o", "--out", &value)) {
			out_dir = value;
		} else if (option_value(argc, argv, &i, NULL, "--set", &value)) {
			sets[n_sets++] = value;
		} else if (option_value(argc, argv, &i, NULL, "--grid", &value)) {
			grids[n_grids++] = value;
		} else if (option_value(argc, argv, &i, NULL, "--shard", &value)) {
			shard = value;
		} else if (option_value(argc, argv, &i, NULL, "--threads", &value)) {
			char *end;
			long t = strtol(value, &end, 10);
			if (*end || t < 1 || t > 4096) {
				fprintf(stderr, "slsim sweep: --threads: expected a number from 1 to 4096, got \"%s\"\n", value);
				goto out;
			}
			threads = (int)t;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "slsim sweep: unknown option %s\n%s", a, usage_sweep);
			goto out;
		} else if (!scenario_path) {
			scenario_path = a;
		} else {
			fprintf(stderr, "slsim sweep: one scenario at a time (got %s and %s)\n", scenario_path, a);
			goto out;
		}
	}
	if (!scenario_path) {
		fprintf(stderr, "slsim sweep: missing SCENARIO\n%s", usage_sweep);
		goto out;
	}

	struct errbuf err = { "" };
	struct sweep sw;
	int rc = sweep_load(&sw, scenario_path, sets, n_sets, grids, n_grids, common_seed, &err);
	if (rc == 0 && shard)
		rc = sweep_set_shard(&sw, shard, &err);
	char default_dir[600];
	if (rc == 0 && !out_dir) {
		if (sw.shard_count > 1)
			snprintf(default_dir, sizeof(default_dir), "results/%s-sweep/shard-%u", sw.name,
				 sw.shard_index);
		else
			snprintf(default_dir, sizeof(default_dir), "results/%s-sweep", sw.name);
		out_dir = default_dir;
	}
	if (rc == 0 && dry_run) {
		print_points(&sw, scenario_path, sets, n_sets);
	} else if (rc == 0) {
#ifdef SLSIM_MPI
		quiet |= mpisweep_rank() != 0;
#endif
		struct sweep_progress progress = {
			.total = sweep_count_points(&sw, sw.shard_index, sw.shard_count),
		};
		struct sweep_options opt = { .threads = threads, .stop = &stop_signal, .resume = resume };
		catch_stop_signals();
		if (!quiet && isatty(STDERR_FILENO)) {
			opt.progress = &progress;
			struct timespec ts;
			clock_gettime(CLOCK_MONOTONIC, &ts);
			progress.started_wall = (double)ts.tv_sec + ts.tv_nsec * 1e-9;
		}
#ifdef SLSIM_MPI
		if (resume)
			rc = errbuf_set(&err, ERR_INPUT, "--resume is not available with MPI: resume with bin/slsim sweep");
		else
			rc = mpisweep_write(out_dir, &sw, &opt, &err);
#else
		rc = sweep_write(out_dir, &sw, &opt, &err);
#endif
		if (opt.progress)
			fprintf(stderr, "\r%*s\r", 100, "");
		if (rc == 0 && !quiet)
			printf("sweep of %s: %llu of %llu points (shard %u/%u) in %s/sweep.csv\n", sw.name,
			       (unsigned long long)progress.total, (unsigned long long)sw.n_points,
			       sw.shard_index, sw.shard_count, out_dir);
	}
	if (rc < 0)
		fprintf(stderr, "slsim: %s\n", err.msg);
	status = rc == 0 ? EXIT_OK : rc == ERR_INTERRUPTED ? interrupted_status()
		 : rc == ERR_INPUT ? EXIT_USAGE : EXIT_RUNTIME;
	sweep_free(&sw);
out:
	free(sets);
	free(grids);
	return status;
}

static int cmd_merge(int argc, char **argv)
{
	const char *out_dir = NULL, *value;
	const char **dirs = calloc((size_t)argc, sizeof(*dirs));
	size_t n_dirs = 0;
	int status = EXIT_USAGE;
	if (!dirs)
		return EXIT_RUNTIME;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage_merge, stdout);
			status = EXIT_OK;
			goto out;
		} else if (option_value(argc, argv, &i, "-o", "--out", &value)) {
			out_dir = value;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "slsim merge: unknown option %s\n%s", a, usage_merge);
			goto out;
		} else {
			dirs[n_dirs++] = a;
		}
	}
	if (!out_dir || n_dirs == 0) {
		fprintf(stderr, "slsim merge: %s\n%s", out_dir ? "no shard folders given" : "missing -o OUT",
			usage_merge);
		goto out;
	}
	struct errbuf err = { "" };
	int rc = sweep_merge(dirs, n_dirs, out_dir, &err);
	if (rc < 0)
		fprintf(stderr, "slsim: %s\n", err.msg);
	status = rc == 0 ? EXIT_OK : rc == ERR_INPUT ? EXIT_USAGE : EXIT_RUNTIME;
out:
	free(dirs);
	return status;
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_main, stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("slsim %s\n", SLSIM_VERSION);
		return EXIT_OK;
	}
	if (strcmp(cmd, "run") == 0)
		return cmd_run(argc - 1, argv + 1);
	if (strcmp(cmd, "sweep") == 0)
		return cmd_sweep(argc - 1, argv + 1);
	if (strcmp(cmd, "merge") == 0)
		return cmd_merge(argc - 1, argv + 1);
	if (strcmp(cmd, "trace") == 0) {
		struct errbuf err = { "" };
		int rc = tracecmd_main(argc - 1, argv + 1, &err);
		if (rc < 0)
			fprintf(stderr, "slsim: %s\n", err.msg);
		return rc == 0 ? EXIT_OK : rc == ERR_INPUT ? EXIT_USAGE : EXIT_RUNTIME;
	}
	if (strcmp(cmd, "plot") == 0)
		return cmd_plot(argc - 1, argv + 1);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(cmd, "optimize") == 0)
		return cmd_optimize(argc - 1, argv + 1);
	fprintf(stderr, "slsim: unknown command \"%s\"\n%s", cmd, usage_main);
	return EXIT_USAGE;
}

int main(int argc, char **argv)
{
#ifdef SLSIM_MPI
	/* bin/slsim-mpi: every rank runs the command; sweep shares the work. */
	if (mpisweep_init(&argc, &argv) < 0) {
		fprintf(stderr, "slsim: MPI_Init failed\n");
		return EXIT_RUNTIME;
	}
	int status = dispatch(argc, argv);
	mpisweep_finalize();
	return status;
#else
	return dispatch(argc, argv);
#endif
}
