/*
 * cli: what every slsim command shares. Owns reading a command's arguments
 * with libc's getopt_long (in the order given, whole option names only), the
 * messages of bad usage, the number and --threads parsers, lists of repeated
 * options (--set), SIGINT/SIGTERM, and the one mapping from a module's return
 * code (0, ERR_INPUT, ERR_RUNTIME, ERR_INTERRUPTED) to a message on stderr and
 * an exit status: 0 success, 2 bad usage or input, 1 runtime failure, 128 +
 * the signal when interrupted.
 */
#ifndef SLSIM_CLI_H
#define SLSIM_CLI_H

#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include "core/errbuf.h"
#include "scenario/scenario.h"

enum { CLI_EXIT_OK = 0, CLI_EXIT_RUNTIME = 1, CLI_EXIT_USAGE = 2 };

/* What a command's argument parser returns when the command should go on
 * (anything else is the exit status, e.g. 0 after --help). */
enum { CLI_GO = -1 };

/* cli_next's results besides an option's val. Options without a short
 * letter take vals from CLI_LONG up. */
enum { CLI_END = -1, CLI_ARG = 1, CLI_BAD = '?', CLI_LONG = 256 };

/* How a command words its usage errors (today's texts, byte for byte). */
enum cli_style {
	CLI_UNKNOWN_OPTION,     /* "slsim CMD: unknown option X" + usage */
	CLI_UNEXPECTED,         /* "slsim CMD: unexpected argument X" + usage (plot, report) */
	CLI_TRACE,              /* "slsim: CMD: ..." cut at an errbuf's size, as the
				 * trace command's messages always were */
};

/* One command's argument reader. Fill the first five fields, then call
 * cli_next until CLI_END. */
struct cli {
	const char *cmd;                /* "run" */
	const char *usage;              /* its --help text */
	enum cli_style style;
	const char *shorts;             /* getopt's short options, e.g. "ho:q" */
	const struct option *longs;     /* every option has a long name */
	/* Set by cli_next. */
	int argc;
	char **argv;
	const char *arg;                /* the argument as given ("--out=x") */
	const char *value;              /* the option's value, or the argument (CLI_ARG) */
};

/* Starts reading argv[1..argc-1] (argv[0] is the command's name). */
void cli_begin(struct cli *c, int argc, char **argv);

/* The next argument: an option's val (its value in c->value), CLI_ARG for
 * an operand (in c->value), CLI_END, or CLI_BAD after printing why (an
 * unknown or abbreviated option, "--", a cluster such as -qo, a missing
 * value). */
int cli_next(struct cli *c);

/* Prints c's usage on stdout and returns CLI_EXIT_OK (for -h, --help). */
int cli_help(const struct cli *c);

/* Print "slsim CMD: MESSAGE" (in c's style), with the usage after it for
 * cli_fail_usage, and return CLI_EXIT_USAGE. */
__attribute__((format(printf, 2, 3)))
int cli_fail(const struct cli *c, const char *fmt, ...);
__attribute__((format(printf, 2, 3)))
int cli_fail_usage(const struct cli *c, const char *fmt, ...);

/* c->value as a whole number from lo to hi for option opt ("--grid"); 0, or
 * CLI_EXIT_USAGE after the message. cli_threads is --threads (1 to 4096). */
int cli_count(const struct cli *c, const char *opt, unsigned lo, unsigned hi, unsigned *out);
int cli_threads(const struct cli *c, int *threads);

/* The values of a repeated option (--set, --grid) or operands, in order. */
struct cli_list {
	const char **item;
	size_t n;
};

/* Room for every argument of argv (argc of them); -1 when out of memory. */
int cli_list_init(struct cli_list *l, int argc);
void cli_list_add(struct cli_list *l, const char *value);
void cli_list_free(struct cli_list *l);

/* What run, sweep and optimize share: one SCENARIO operand and -o DIR,
 * --set PATH=VALUE..., --threads N, -q, -h. Their long options are
 * CLI_SCENARIO_OPTIONS (short ones "hqo:"); a command's own take vals from
 * CLI_OWN up. */
struct cli_scenario_args {
	const char *scenario, *out_dir;
	struct cli_list sets;
	int quiet, threads;
};

enum { CLI_SET = CLI_LONG, CLI_THREADS, CLI_METRIC, CLI_LOG_Y, CLI_OWN };

#define CLI_SCENARIO_OPTIONS                                         \
	{ "help", no_argument, NULL, 'h' },                          \
	{ "quiet", no_argument, NULL, 'q' },                         \
	{ "out", required_argument, NULL, 'o' },                     \
	{ "set", required_argument, NULL, CLI_SET },                 \
	{ "threads", required_argument, NULL, CLI_THREADS }

/* -1 when out of memory. */
int cli_scenario_begin(struct cli_scenario_args *a, int argc);
/* Takes cli_next's result v when it is one of the shared options or an
 * operand: CLI_GO to read on, else the exit status (after -h, or a message). */
int cli_scenario_option(const struct cli *c, int v, struct cli_scenario_args *a);
/* scenario_load of a->scenario with a->sets into *sc: CLI_GO, or the exit
 * status after cli_exit(cmd, ...)'s message. */
int cli_scenario_load(const struct cli_scenario_args *a, const char *cmd, struct scenario *sc);
void cli_scenario_free(struct cli_scenario_args *a);

/* What plot and report share: one DIR operand, --metric FIGURE, --log-y, -h. Their
 * long options are CLI_DIR_OPTIONS (short ones "h"), their own from CLI_OWN
 * up; anything else is an "unexpected argument" (CLI_UNEXPECTED). */
struct cli_dir_args {
	const char *dir, *metric;
	int log_y;                      /* --log-y: log y axes on the sweep plots */
};

#define CLI_DIR_OPTIONS                                              \
	{ "help", no_argument, NULL, 'h' },                          \
	{ "metric", required_argument, NULL, CLI_METRIC },           \
	{ "log-y", no_argument, NULL, CLI_LOG_Y }

/* As cli_scenario_option, for the options of CLI_DIR_OPTIONS and DIR. */
int cli_dir_option(const struct cli *c, int v, struct cli_dir_args *a);

/* From now on SIGINT and SIGTERM set the returned flag, which runs and
 * sweeps watch (run_options.stop): they stop, what is complete is written,
 * and the exit status is cli_interrupted_status(). */
const volatile sig_atomic_t *cli_catch_stop_signals(void);
/* 128 + the signal that stopped the command (130 when none was seen). */
int cli_interrupted_status(void);

/* The exit status of a module's return code rc. A failure's message in err
 * is printed first as "slsim: MSG", or "slsim CMD: MSG" when cmd is given. */
int cli_exit(const char *cmd, int rc, const struct errbuf *err);

#endif
