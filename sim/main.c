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
#include "output.h"
#include "run.h"
#include "scenario.h"
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
	fprintf(stderr, "slsim: unknown command \"%s\"\n%s", cmd, usage_main);
	return EXIT_USAGE;
}
