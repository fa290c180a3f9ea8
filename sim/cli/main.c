/*
 * main: the slsim command line. The table of commands and the dispatch to
 * them; each command (cmd_*.c) parses its arguments with cli.h, calls the
 * modules and turns their return codes into messages and an exit status
 * through cli_exit. Nothing else in slsim prints errors or exits.
 */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cmd.h"
#include "core/version.h"
#ifdef SLSIM_MPI
#include "experiment/mpisweep.h"
#endif

/* The commands: `slsim --help` lists them, `slsim NAME ...` runs one. */
static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);       /* argv[0] is name */
	const char *operands, *summary;         /* its line in `slsim --help` */
} commands[] = {
	{ "run", cmd_run, "SCENARIO", "simulate a scenario file and write its results" },
	{ "sweep", cmd_sweep, "SCENARIO", "simulate every point of a grid of scenario values" },
	{ "merge", cmd_merge, "DIR...", "join the shard outputs of a sweep" },
	{ "trace", cmd_trace, "...", "statistics, generation and conversion of workload traces" },
	{ "optimize", cmd_optimize, "SCENARIO", "find the cheapest (or fastest) configuration meeting SLOs" },
	{ "plot", cmd_plot, "DIR", "draw the plots of a results folder with gnuplot" },
	{ "report", cmd_report, "DIR", "write report.html and report.md for a results folder" },
	{ "validate", cmd_validate, "DATA", "model variants against measured experiments, leave-one-out" },
};

static void print_usage(FILE *fp)
{
	fputs("usage: slsim <command> [options]\n"
	      "\n"
	      "A discrete-event simulator of serverless (FaaS) platforms: cost, cold starts\n"
	      "and latency of a workload on AWS Lambda and others.\n"
	      "\n"
	      "commands:\n", fp);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char synopsis[64];
		snprintf(synopsis, sizeof(synopsis), "%s %s", commands[i].name, commands[i].operands);
		fprintf(fp, "  %-17s %s\n", synopsis, commands[i].summary);
	}
	fputs("\n"
	      "options:\n"
	      "  -h, --help        this help (slsim <command> --help for a command's)\n"
	      "  --version         print the version\n", fp);
}

static int dispatch(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "help") == 0 && argc > 2) {
		/* slsim help CMD is slsim CMD --help. */
		char *again[] = { argv[0], argv[2], "--help", NULL };
		return dispatch(3, again);
	}
	if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
		print_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("slsim %s\n", SLSIM_VERSION);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(name, commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "slsim: unknown command \"%s\"\n", name);
	print_usage(stderr);
	return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
#ifdef SLSIM_MPI
	/* bin/slsim-mpi: every rank runs the command; sweep shares the work. */
	if (mpisweep_init(&argc, &argv) < 0) {
		fprintf(stderr, "slsim: MPI_Init failed\n");
		return CLI_EXIT_RUNTIME;
	}
	int status = dispatch(argc, argv);
	mpisweep_finalize();
	return status;
#else
	return dispatch(argc, argv);
#endif
}
