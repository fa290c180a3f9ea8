/* cmd_report: slsim report DIR, report.html and report.md of a results folder. */
#include <stdio.h>
#include <stdlib.h>
#include "cli/cli.h"
#include "cli/cmd.h"
#include "output/report.h"
#include "experiment/baseline.h"

static const char usage[] =
	"usage: slsim report DIR [--scales S1,S2,...] [--metric FIGURE] [--log-y] [--threads N]\n"
	"\n"
	"Writes DIR/report.html (self-contained, plots embedded) and DIR/report.md:\n"
	"scenario, headline figures with 95 % intervals, monthly cost, best\n"
	"configurations, and, when the scenario has a \"baseline\", the monthly cost of\n"
	"serverless and always-on VMs at several traffic scales (baseline.csv).\n"
	"\n"
	"  --scales LIST       traffic scales of the baseline curve\n"
	"                      (default 0.1,0.25,0.5,1,2,4,10)\n"
	"  --metric FIGURE     heat-map figure, as for slsim plot\n"
	"  --log-y             log y axes on the sweep plots, as for slsim plot\n"
	"  --threads N         threads for the simulations\n"
	"Exit status: 0 success, 2 bad input, 1 runtime failure (e.g. gnuplot missing).\n";

enum { OPT_SCALES = CLI_OWN };

static const struct option options[] = {
	CLI_DIR_OPTIONS,
	{ "threads", required_argument, NULL, CLI_THREADS },
	{ "scales", required_argument, NULL, OPT_SCALES },
	{ NULL, 0, NULL, 0 },
};

/* --scales S1,S2,...: increasing positive numbers. 0, or the exit status. */
static int parse_scales(const struct cli *c, struct report_options *ro)
{
	const char *p = c->value;
	ro->n_scales = 0;
	for (;;) {
		char *end;
		double x = strtod(p, &end);
		if (end == p || !(x > 0) || !(x <= 1e6) || (*end && *end != ',') || ro->n_scales == REPORT_MAX_SCALES ||
		    (ro->n_scales && x <= ro->scales[ro->n_scales - 1]))
			return cli_fail(c, "--scales %s: expected up to %d increasing positive numbers separated by commas",
					c->value, REPORT_MAX_SCALES);
		ro->scales[ro->n_scales++] = x;
		if (!*end)
			return 0;
		p = end + 1;
	}
}

/* CLI_GO, or the exit status. */
static int parse(int argc, char **argv, struct cli_dir_args *a, struct report_options *ro)
{
	struct cli c = { .cmd = argv[0], .usage = usage, .style = CLI_UNEXPECTED, .shorts = "h", .longs = options };
	cli_begin(&c, argc, argv);
	for (int v, rc; (v = cli_next(&c)) != CLI_END;) {
		if (v == CLI_THREADS)
			rc = cli_threads(&c, &ro->run.threads) ? CLI_EXIT_USAGE : CLI_GO;
		else if (v == OPT_SCALES)
			rc = parse_scales(&c, ro) ? CLI_EXIT_USAGE : CLI_GO;
		else
			rc = cli_dir_option(&c, v, a);
		if (rc != CLI_GO)
			return rc;
	}
	return a->dir ? CLI_GO : cli_fail_usage(&c, "missing DIR");
}

int cmd_report(int argc, char **argv)
{
	struct cli_dir_args a = { 0 };
	struct report_options ro = { .run = { .threads = 0 } };
	ro.baseline_curve = baseline_report_curve;
	ro.baseline_ctx = &ro.run;
	int status = parse(argc, argv, &a, &ro);
	if (status != CLI_GO)
		return status;
	const char *dir = a.dir;
	ro.metric = a.metric;
	ro.log_y = a.log_y;
	struct errbuf err = { "" };
	int rc = report_dir(dir, &ro, &err);
	if (rc < 0)
		return cli_exit(argv[0], rc, &err);
	printf("%s/report.html\n%s/report.md\n", dir, dir);
	return CLI_EXIT_OK;
}
