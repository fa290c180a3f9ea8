/*
 * main: the slsim command line. Parses arguments, calls the modules, prints
 * their messages and chooses the exit status (0 success, 2 bad usage or
 * input, 1 runtime failure). Nothing else in slsim prints errors or exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "compare.h"
#include "errbuf.h"
#include "optimize.h"
#include "output.h"
#include "plot.h"
#include "report.h"
#include "run.h"
#include "scenario.h"
#include "tracecmd.h"
#include "version.h"

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

static const char usage_main[] =
	"usage: slsim <command> [options]\n"
	"\n"
	"A discrete-event simulator of serverless (FaaS) platforms: cost, cold starts\n"
	"and latency of a workload on AWS Lambda and others.\n"
	"\n"
	"commands:\n"
	"  run SCENARIO      simulate a scenario file and write its results\n"
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
	"usage: slsim optimize SCENARIO --vary PATH=SPEC [--vary ...] [--objective cost|latency|FIGURE]\n"
	"                      [--slo FIGURE<=VALUE]... [-o DIR] [--set PATH=VALUE]... [--grid N]\n"
	"                      [--rounds N] [--max-replications N] [--threads N] [--quiet]\n"
	"\n"
	"Finds the configuration that minimises the objective (cost: cost_usd.total,\n"
	"latency: latency_s.p99, or any figure) while meeting every SLO.\n"
	"\n"
	"  --vary PATH=V1,V2,...  values to try (providers, policies, memory sizes)\n"
	"  --vary PATH=LO:HI      a range, integer if LO and HI are; refined by grids\n"
	"  --vary PATH=LO:HI:STEP a lattice LO + k STEP\n"
	"  --slo FIGURE<=VALUE    also <, >=, >; FIGURE a figure name or p50, p99,\n"
	"                         mean, cold_start_ratio, ... (repeatable)\n"
	"  --grid N               points per range per round (default 5)\n"
	"  --rounds N             refinement rounds (default 12)\n"
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
	struct run_options opt = { .threads = threads, .progress = !quiet && isatty(STDERR_FILENO) };
	if (compare_count(&sc)) {
		rc = compare_run(&sc, &opt, out_dir, quiet ? NULL : stdout, &err);
		scenario_free(&sc);
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
	if (!quiet) {
		output_print_table(stdout, &sc, &res);
		printf("results in %s/\n", out_dir);
	}
	run_result_free(&res);
	scenario_free(&sc);
	return EXIT_OK;
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

int main(int argc, char **argv)
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
