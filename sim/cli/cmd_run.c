/* cmd_run: slsim run SCENARIO, one run or one per keep-alive policy (compare). */
#include <stdio.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/cmd.h"
#include "experiment/compare.h"
#include "output/output.h"
#include "run/run.h"
#include "scenario/scenario.h"

static const char usage[] =
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

static const struct option options[] = { CLI_SCENARIO_OPTIONS, { NULL, 0, NULL, 0 } };

/* CLI_GO, or the exit status. */
static int parse(int argc, char **argv, struct cli_scenario_args *a)
{
	struct cli c = { .cmd = argv[0], .usage = usage, .style = CLI_UNKNOWN_OPTION, .shorts = "hqo:", .longs = options };
	cli_begin(&c, argc, argv);
	for (int v; (v = cli_next(&c)) != CLI_END;) {
		int rc = cli_scenario_option(&c, v, a);
		if (rc != CLI_GO)
			return rc;
	}
	return a->scenario ? CLI_GO : cli_fail_usage(&c, "missing SCENARIO");
}

/* A scenario with "compare": one run per keep-alive policy. */
static int run_compare(const struct scenario *sc, const struct run_options *opt, const char *out_dir, int quiet)
{
	struct errbuf err = { "" };
	int rc = compare_run(sc, opt, out_dir, quiet ? NULL : stdout, &err);
	if (rc < 0)
		return cli_exit(NULL, rc, &err);
	if (!quiet)
		printf("results in %s/ (compare.csv and one folder per policy)\n", out_dir);
	return CLI_EXIT_OK;
}

static int run_one(const struct scenario *sc, const struct run_options *opt, const char *out_dir, int quiet)
{
	struct errbuf err = { "" };
	struct run_result res;
	int rc = run_scenario(sc, opt, &res, &err);
	if (rc == 0)
		rc = output_write_run(out_dir, sc, &res, &err);
	int status = cli_exit(NULL, rc, &err);
	if (rc == 0 && res.interrupted) {
		fprintf(stderr, "slsim: interrupted: %u of %u replications complete; their results are in %s/ (\"interrupted\": true)\n",
			res.replications, sc->replications, out_dir);
		status = cli_interrupted_status();
	} else if (rc == 0 && !quiet) {
		output_print_table(stdout, sc, &res);
		printf("results in %s/\n", out_dir);
	}
	run_result_free(&res);
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct cli_scenario_args a;
	struct scenario sc;
	if (cli_scenario_begin(&a, argc) < 0)
		return CLI_EXIT_RUNTIME;
	int status = parse(argc, argv, &a);
	if (status == CLI_GO)
		status = cli_scenario_load(&a, NULL, &sc);
	cli_scenario_free(&a);
	if (status != CLI_GO)
		return status;
	char default_dir[512];
	if (!a.out_dir) {
		snprintf(default_dir, sizeof(default_dir), "results/%s", sc.name);
		a.out_dir = default_dir;
	}
	struct run_options opt = { .threads = a.threads, .progress = !a.quiet && isatty(STDERR_FILENO) };
	opt.stop = cli_catch_stop_signals();
	status = compare_count(&sc) ? run_compare(&sc, &opt, a.out_dir, a.quiet) : run_one(&sc, &opt, a.out_dir, a.quiet);
	scenario_free(&sc);
	return status;
}
