/* cmd_merge: slsim merge DIR... -o OUT, the shards of one sweep into one. */
#include "cli/cli.h"
#include "cli/cmd.h"
#include "experiment/sweep.h"

static const char usage[] =
	"usage: slsim merge DIR... -o OUT\n"
	"\n"
	"Joins the outputs of the N shards of one sweep (slsim sweep --shard K/N, one\n"
	"folder each, in any order) into OUT/sweep.csv and OUT/sweep.json, identical\n"
	"to the unsharded sweep's. Refuses shards of different sweeps or splits,\n"
	"missing or duplicate shards and incomplete files.\n"
	"\n"
	"  -o, --out OUT       output folder (required)\n"
	"  -h, --help          this help\n";

static const struct option options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "out", required_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

/* CLI_GO, or the exit status. */
static int parse(int argc, char **argv, struct cli_list *dirs, const char **out_dir)
{
	struct cli c = { .cmd = argv[0], .usage = usage, .style = CLI_UNKNOWN_OPTION, .shorts = "ho:", .longs = options };
	cli_begin(&c, argc, argv);
	for (int v; (v = cli_next(&c)) != CLI_END;) {
		if (v == 'h')
			return cli_help(&c);
		else if (v == 'o')
			*out_dir = c.value;
		else if (v == CLI_ARG)
			cli_list_add(dirs, c.value);
		else
			return CLI_EXIT_USAGE;
	}
	if (!*out_dir || dirs->n == 0)
		return cli_fail_usage(&c, "%s", *out_dir ? "no shard folders given" : "missing -o OUT");
	return CLI_GO;
}

int cmd_merge(int argc, char **argv)
{
	struct cli_list dirs;
	const char *out_dir = NULL;
	if (cli_list_init(&dirs, argc) < 0)
		return CLI_EXIT_RUNTIME;
	int status = parse(argc, argv, &dirs, &out_dir);
	if (status == CLI_GO) {
		struct errbuf err = { "" };
		status = cli_exit(NULL, sweep_merge(dirs.item, dirs.n, out_dir, &err), &err);
	}
	cli_list_free(&dirs);
	return status;
}
