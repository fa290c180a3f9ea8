#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_begin(struct cli *c, int argc, char **argv)
{
	c->argc = argc;
	c->argv = argv;
	c->arg = c->value = NULL;
	optind = 0;     /* glibc: start afresh, reading the leading '-' of the optstring */
	opterr = 0;
}

static int vsay(const struct cli *c, int named, int with_usage, const char *fmt, va_list ap)
{
	if (c->style == CLI_TRACE) {
		/* Through an errbuf, as the trace command's messages always went:
		 * the same bytes, a long usage cut at the buffer's size. */
		struct errbuf e;
		size_t n = (size_t)snprintf(e.msg, sizeof(e.msg), "%s: ", c->cmd);
		vsnprintf(e.msg + n, sizeof(e.msg) - n, fmt, ap);
		n = strlen(e.msg);
		if (with_usage)
			snprintf(e.msg + n, sizeof(e.msg) - n, "\n%s", c->usage);
		fprintf(stderr, "slsim: %s\n", e.msg);
		return CLI_EXIT_USAGE;
	}
	if (named)
		fprintf(stderr, "slsim %s: ", c->cmd);
	else
		fputs("slsim: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (with_usage)
		fputs(c->usage, stderr);
	return CLI_EXIT_USAGE;
}

int cli_fail(const struct cli *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int status = vsay(c, 1, 0, fmt, ap);
	va_end(ap);
	return status;
}

int cli_fail_usage(const struct cli *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int status = vsay(c, 1, 1, fmt, ap);
	va_end(ap);
	return status;
}

__attribute__((format(printf, 2, 3)))
static void say_unnamed(const struct cli *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsay(c, 0, 0, fmt, ap);
	va_end(ap);
}

/* Only whole option names, one option an argument: getopt_long would also
 * take abbreviations (--thr), clusters (-qo DIR), -oDIR and "--" as the end
 * of the options, which slsim has always refused as unknown options. */
static int known(const struct cli *c, const char *a)
{
	if (a[1] != '-')
		return a[2] == '\0' && a[1] != ':' && strchr(c->shorts, a[1]) != NULL;
	const char *name = a + 2;
	size_t n = strcspn(name, "=");
	for (const struct option *o = c->longs; n && o->name; o++)
		if (strlen(o->name) == n && strncmp(o->name, name, n) == 0)
			return 1;
	return 0;
}

static int unknown(const struct cli *c)
{
	cli_fail_usage(c, "%s %s", c->style == CLI_UNEXPECTED ? "unexpected argument" : "unknown option", c->arg);
	return CLI_BAD;
}

int cli_next(struct cli *c)
{
	int i = optind > 0 ? optind : 1;
	if (i >= c->argc)
		return CLI_END;
	c->arg = c->argv[i];
	c->value = NULL;
	if (c->arg[0] == '-' && c->arg[1] && !known(c, c->arg))
		return unknown(c);
	/* '-': operands in order, as CLI_ARG; ':': a missing value is ':'. */
	char optstring[64];
	snprintf(optstring, sizeof(optstring), "-:%s", c->shorts);
	int v = getopt_long(c->argc, c->argv, optstring, c->longs, NULL);
	if (v == -1)
		return CLI_END;
	if (v == ':') {
		say_unnamed(c, "%s needs a value", c->arg);
		return CLI_BAD;
	}
	if (v == '?')
		return unknown(c);      /* e.g. --quiet=1 */
	c->value = optarg;
	return v;
}

int cli_help(const struct cli *c)
{
	fputs(c->usage, stdout);
	return CLI_EXIT_OK;
}

int cli_count(const struct cli *c, const char *opt, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	long v = strtol(c->value, &end, 10);
	if (*end || end == c->value || v < (long)lo || v > (long)hi)
		return cli_fail(c, "%s: expected a number from %u to %u, got \"%s\"", opt, lo, hi, c->value);
	*out = (unsigned)v;
	return 0;
}

int cli_threads(const struct cli *c, int *threads)
{
	unsigned n = 0;
	if (cli_count(c, "--threads", 1, 4096, &n))
		return CLI_EXIT_USAGE;
	*threads = (int)n;
	return 0;
}

int cli_list_init(struct cli_list *l, int argc)
{
	l->n = 0;
	l->item = calloc((size_t)argc + 1, sizeof(*l->item));
	return l->item ? 0 : -1;
}

void cli_list_add(struct cli_list *l, const char *value)
{
	l->item[l->n++] = value;
}

void cli_list_free(struct cli_list *l)
{
	free(l->item);
	l->item = NULL;
	l->n = 0;
}

int cli_scenario_begin(struct cli_scenario_args *a, int argc)
{
	memset(a, 0, sizeof(*a));
	return cli_list_init(&a->sets, argc);
}

int cli_scenario_option(const struct cli *c, int v, struct cli_scenario_args *a)
{
	switch (v) {
	case 'h':
		return cli_help(c);
	case 'q':
		a->quiet = 1;
		return CLI_GO;
	case 'o':
		a->out_dir = c->value;
		return CLI_GO;
	case CLI_SET:
		cli_list_add(&a->sets, c->value);
		return CLI_GO;
	case CLI_THREADS:
		return cli_threads(c, &a->threads) ? CLI_EXIT_USAGE : CLI_GO;
	case CLI_ARG:
		if (a->scenario)
			return cli_fail(c, "one scenario at a time (got %s and %s)", a->scenario, c->value);
		a->scenario = c->value;
		return CLI_GO;
	default:
		return CLI_EXIT_USAGE;          /* CLI_BAD: said why */
	}
}

int cli_scenario_load(const struct cli_scenario_args *a, const char *cmd, struct scenario *sc)
{
	struct errbuf err = { "" };
	int rc = scenario_load(sc, a->scenario, a->sets.item, a->sets.n, &err);
	return rc < 0 ? cli_exit(cmd, rc, &err) : CLI_GO;
}

void cli_scenario_free(struct cli_scenario_args *a)
{
	cli_list_free(&a->sets);
}

int cli_dir_option(const struct cli *c, int v, struct cli_dir_args *a)
{
	switch (v) {
	case 'h':
		return cli_help(c);
	case CLI_METRIC:
		a->metric = c->value;
		return CLI_GO;
	case CLI_LOG_Y:
		a->log_y = 1;
		return CLI_GO;
	case CLI_ARG:
		if (c->value[0] == '-' || a->dir)
			return cli_fail_usage(c, "unexpected argument %s", c->value);
		a->dir = c->value;
		return CLI_GO;
	default:
		return CLI_EXIT_USAGE;          /* CLI_BAD: said why */
	}
}

/* The one piece of mutable global state: a signal handler can reach nothing
 * else. Set by SIGINT/SIGTERM, read by runs and sweeps through their options. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

const volatile sig_atomic_t *cli_catch_stop_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	return &stop_signal;
}

int cli_interrupted_status(void)
{
	return 128 + (stop_signal ? stop_signal : SIGINT);
}

int cli_exit(const char *cmd, int rc, const struct errbuf *err)
{
	if (rc >= 0)
		return CLI_EXIT_OK;
	if (cmd)
		fprintf(stderr, "slsim %s: %s\n", cmd, err->msg);
	else
		fprintf(stderr, "slsim: %s\n", err->msg);
	return rc == ERR_INTERRUPTED ? cli_interrupted_status() : rc == ERR_INPUT ? CLI_EXIT_USAGE : CLI_EXIT_RUNTIME;
}
