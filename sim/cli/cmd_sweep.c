/*
 * cmd_sweep: slsim sweep SCENARIO, every point of a grid (or a shard of it),
 * on this machine's threads or, in bin/slsim-mpi (SLSIM_MPI), over MPI ranks.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include "cli/cli.h"
#include "cli/cmd.h"
#include "experiment/sweep.h"
#ifdef SLSIM_MPI
#include "experiment/mpisweep.h"
#endif

static const char usage[] =
	"usage: slsim sweep SCENARIO [--grid PATH=V1,V2,...] [--grid PATH=START:STOP:STEP]...\n"
	"                   [--set PATH=VALUE]... [-o DIR] [--threads N] [--shard K/N]\n"
	"                   [--common-seed] [--resume] [--dry-run] [--quiet]\n"
	"\n"
	"Simulates every point of the Cartesian product of the grids (the first\n"
	"--grid varies slowest), each with the scenario's replications, and writes\n"
	"sweep.csv (one row per point: the grid values, then every totals figure\n"
	"and its ci95, then a status) and sweep.json into DIR (default\n"
	"results/<name>-sweep/, or results/<name>-sweep/shard-K with --shard).\n"
	"Without --grid, the grid is the scenario's \"sweep\" section. A point its\n"
	"provider does not allow (memory size, timeout) is not simulated: its status\n"
	"says \"infeasible: <why>\" and the others run. --set functions[0].memory_fit=true\n"
	"gives each point its provider's smallest memory size at or above memory_mb.\n"
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

enum { OPT_GRID = CLI_OWN, OPT_SHARD, OPT_COMMON_SEED, OPT_DRY_RUN, OPT_RESUME };

static const struct option options[] = {
	CLI_SCENARIO_OPTIONS,
	{ "grid", required_argument, NULL, OPT_GRID },
	{ "shard", required_argument, NULL, OPT_SHARD },
	{ "common-seed", no_argument, NULL, OPT_COMMON_SEED },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "resume", no_argument, NULL, OPT_RESUME },
	{ NULL, 0, NULL, 0 },
};

struct sweep_args {
	struct cli_scenario_args s;
	struct cli_list grids;
	const char *shard;
	int common_seed, dry_run, resume;
};

/* CLI_GO, or the exit status. */
static int parse(int argc, char **argv, struct sweep_args *a)
{
	struct cli c = { .cmd = argv[0], .usage = usage, .style = CLI_UNKNOWN_OPTION, .shorts = "hqo:", .longs = options };
	cli_begin(&c, argc, argv);
	for (int v, rc; (v = cli_next(&c)) != CLI_END;) {
		if (v == OPT_GRID)
			cli_list_add(&a->grids, c.value);
		else if (v == OPT_SHARD)
			a->shard = c.value;
		else if (v == OPT_COMMON_SEED)
			a->common_seed = 1;
		else if (v == OPT_DRY_RUN)
			a->dry_run = 1;
		else if (v == OPT_RESUME)
			a->resume = 1;
		else if ((rc = cli_scenario_option(&c, v, &a->s)) != CLI_GO)
			return rc;
	}
	return a->s.scenario ? CLI_GO : cli_fail_usage(&c, "missing SCENARIO");
}

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

/* --dry-run: each point of the shard as a `slsim run` command line. */
static void print_points(const struct sweep *sw, const struct sweep_args *a)
{
	uint64_t total = sweep_count_points(sw, sw->shard_index, sw->shard_count);
	for (uint64_t k = 0; k < total; k++) {
		uint64_t p = sw->shard_index + k * sw->shard_count;
		const char *why = sweep_infeasible(sw, p);
		/* An infeasible point's command reproduces its message. */
		printf("# point %llu%s%s\nslsim run ", (unsigned long long)p, why ? ": infeasible: " : "",
		       why ? why : "");
		shell_quote(stdout, a->s.scenario);
		for (size_t i = 0; i < a->s.sets.n; i++) {
			fputs(" --set ", stdout);
			shell_quote(stdout, a->s.sets.item[i]);
		}
		if (!sw->grid_has_seed)
			printf(" --set seed=%llu", (unsigned long long)sweep_point_seed(sw, p));
		for (size_t x = 0; x < sw->n_axes; x++)
			for (size_t k = 0; k < sweep_point_n_sets(sw, p, x); k++) {
				char asg[4096];
				sweep_point_set(sw, p, x, k, asg, sizeof(asg));
				fputs(" --set ", stdout);
				shell_quote(stdout, asg);
			}
		putchar('\n');
	}
}

/* How many of the shard's points are infeasible, and the first one's reason. */
static void print_infeasible(const struct sweep *sw)
{
	uint64_t n = 0, first = 0;
	for (size_t i = 0; i < sw->n_notes; i++) {
		uint64_t p = sw->notes[i].point;
		if (p % sw->shard_count != sw->shard_index || !sweep_infeasible(sw, p))
			continue;
		if (n++ == 0)
			first = p;
	}
	if (n)
		printf("%llu infeasible point%s (not simulated; see the status column), the first: point %llu: %s\n",
		       (unsigned long long)n, n > 1 ? "s" : "", (unsigned long long)first, sweep_infeasible(sw, first));
}

/* Runs the points and writes sweep.csv and sweep.json into out_dir. */
static int run_points(const struct sweep *sw, const struct sweep_args *a, const char *out_dir, struct errbuf *err)
{
	int rc, quiet = a->s.quiet;
#ifdef SLSIM_MPI
	quiet |= mpisweep_rank() != 0;
#endif
	struct sweep_progress progress = { .total = sweep_count_points(sw, sw->shard_index, sw->shard_count) };
	struct sweep_options opt = { .threads = a->s.threads, .resume = a->resume };
	opt.stop = cli_catch_stop_signals();
	if (!quiet && isatty(STDERR_FILENO)) {
		opt.progress = &progress;
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		progress.started_wall = (double)ts.tv_sec + ts.tv_nsec * 1e-9;
	}
#ifdef SLSIM_MPI
	if (a->resume)
		rc = errbuf_set(err, ERR_INPUT, "--resume is not available with MPI: resume with bin/slsim sweep");
	else
		rc = mpisweep_write(out_dir, sw, &opt, err);
#else
	rc = sweep_write(out_dir, sw, &opt, err);
#endif
	if (opt.progress)
		fprintf(stderr, "\r%*s\r", 100, "");
	if (rc == 0 && !quiet)
		printf("sweep of %s: %llu of %llu points (shard %u/%u) in %s/sweep.csv\n", sw->name,
		       (unsigned long long)progress.total, (unsigned long long)sw->n_points, sw->shard_index,
		       sw->shard_count, out_dir);
	if (rc == 0 && !quiet)
		print_infeasible(sw);
	return rc;
}

static int sweep(const struct sweep_args *a)
{
	struct errbuf err = { "" };
	struct sweep sw;
	const char *out_dir = a->s.out_dir;
	int rc = sweep_load(&sw, a->s.scenario, a->s.sets.item, a->s.sets.n, a->grids.item, a->grids.n,
			    a->common_seed, &err);
	if (rc == 0 && a->shard)
		rc = sweep_set_shard(&sw, a->shard, &err);
	char default_dir[600];
	if (rc == 0 && !out_dir) {
		if (sw.shard_count > 1)
			snprintf(default_dir, sizeof(default_dir), "results/%s-sweep/shard-%u", sw.name, sw.shard_index);
		else
			snprintf(default_dir, sizeof(default_dir), "results/%s-sweep", sw.name);
		out_dir = default_dir;
	}
	if (rc == 0 && a->dry_run)
		print_points(&sw, a);
	else if (rc == 0)
		rc = run_points(&sw, a, out_dir, &err);
	int status = cli_exit(NULL, rc, &err);
	sweep_free(&sw);
	return status;
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_args a = { 0 };
	int status = CLI_EXIT_RUNTIME;
	if (cli_scenario_begin(&a.s, argc) == 0 && cli_list_init(&a.grids, argc) == 0) {
		status = parse(argc, argv, &a);
		if (status == CLI_GO)
			status = sweep(&a);
	}
	cli_scenario_free(&a.s);
	cli_list_free(&a.grids);
	return status;
}
