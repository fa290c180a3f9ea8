/* cmd_plot: slsim plot DIR, the gnuplot figures of a results folder. */
#include <stdio.h>
#include "cli/cli.h"
#include "cli/cmd.h"
#include "output/plot.h"

static const char usage[] =
	"usage: slsim plot DIR [--metric FIGURE] [--log-y]\n"
	"\n"
	"Draws the plots of DIR (the output of slsim run, sweep or optimize) with\n"
	"gnuplot into DIR/plots/ as PNG and SVG, next to the gnuplot scripts that made\n"
	"them (run them by hand: gnuplot -e \"in='...'; out='x.png'\" script.gp).\n"
	"\n"
	"  --metric FIGURE     the figure of two-parameter heat maps\n"
	"                      (default cost_usd.per_million)\n"
	"  --log-y             log-scale y axes on the sweep plots' cost and latency;\n"
	"                      without it, an axis is log-scale when the largest of its\n"
	"                      positive values is over 100 times the smallest\n"
	"Exit status: 0 success, 2 nothing to plot or a bad file, 1 gnuplot missing or\n"
	"failing (its messages are in DIR/plots/gnuplot.log; $SLSIM_GNUPLOT names it).\n";

static const struct option options[] = { CLI_DIR_OPTIONS, { NULL, 0, NULL, 0 } };

/* CLI_GO, or the exit status. */
static int parse(int argc, char **argv, struct cli_dir_args *a)
{
	struct cli c = { .cmd = argv[0], .usage = usage, .style = CLI_UNEXPECTED, .shorts = "h", .longs = options };
	cli_begin(&c, argc, argv);
	for (int v, rc; (v = cli_next(&c)) != CLI_END;)
		if ((rc = cli_dir_option(&c, v, a)) != CLI_GO)
			return rc;
	return a->dir ? CLI_GO : cli_fail_usage(&c, "missing DIR");
}

int cmd_plot(int argc, char **argv)
{
	struct cli_dir_args a = { 0 };
	int status = parse(argc, argv, &a);
	if (status != CLI_GO)
		return status;
	const char *dir = a.dir;
	struct plot_options po = { .metric = a.metric, .log_y = a.log_y };
	struct errbuf err = { "" };
	struct plot_set set;
	int rc = plot_dir(dir, &po, &set, &err);
	if (rc < 0)
		return cli_exit(argv[0], rc, &err);
	for (size_t i = 0; i < set.n; i++)
		printf("%s/plots/%s.png (and .svg): %s\n", dir, set.item[i].name, set.item[i].title);
	if (set.notes[0])
		printf("not plotted: %s\n", set.notes);
	return CLI_EXIT_OK;
}
