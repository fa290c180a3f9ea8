/* cmd_optimize: slsim optimize SCENARIO --vary ..., the best configuration meeting SLOs. */
#include <stdio.h>
#include <stdlib.h>
#include "cli/cli.h"
#include "cli/cmd.h"
#include "experiment/optimize.h"

static const char usage[] =
	"usage: slsim optimize SCENARIO --vary PATH=SPEC [--vary ...]\n"
	"                      [--objective cost|latency|balanced|FIGURE] [--slo FIGURE<=VALUE]...\n"
	"                      [-o DIR] [--set PATH=VALUE]... [--grid N] [--rounds N] [--grid-only]\n"
	"                      [--max-replications N] [--threads N] [--quiet]\n"
	"\n"
	"Finds the configuration that minimises the objective (cost: cost_usd.total,\n"
	"latency: latency_s.p99, balanced: cost/lowest cost + p99/lowest p99, or any\n"
	"figure) while meeting every SLO.\n"
	"\n"
	"  --vary PATH=V1,V2,...  values to try (providers, policies, memory sizes)\n"
	"  --vary PATH=LO:HI      a range, integer if LO and HI are: one range is searched\n"
	"                         by Brent's method (GSL) once a grid brackets a minimum,\n"
	"                         several by grid refinement\n"
	"  --vary PATH=LO:HI:STEP a lattice LO + k STEP\n"
	"  --slo FIGURE<=VALUE    also <, >=, >; FIGURE a figure name or p50, p99,\n"
	"                         mean, cold_start_ratio, ... (repeatable)\n"
	"  --grid N               points per range per round (default 5)\n"
	"  --rounds N             refinement rounds (default 12)\n"
	"  --grid-only            grid refinement even for a single range\n"
	"  --max-replications N   replications to separate ties (default 4 x the\n"
	"                         scenario's; ties left are decided by p99 or cost)\n"
	"  -o, --out DIR          output folder (default results/<name>-optimize/)\n"
	"A point its provider does not allow (memory size, timeout) is infeasible:\n"
	"recorded with its reason in the status column and skipped.\n"
	"Writes sweep.csv (every point), frontier.csv, optimize.json, with --vary\n"
	"provider=... best_per_provider.csv (each provider's best point meeting the\n"
	"SLOs, or why none does; slsim report leads with it) and, for the best\n"
	"point, the files of slsim run. Exit status: 0 success, 2 bad usage or input,\n"
	"1 no configuration met the SLOs (the frontier is still written) or runtime failure.\n";

enum { OPT_VARY = CLI_OWN, OPT_SLO, OPT_OBJECTIVE, OPT_GRID, OPT_GRID_ONLY, OPT_ROUNDS, OPT_MAX_REPLICATIONS };

static const struct option options[] = {
	CLI_SCENARIO_OPTIONS,
	{ "vary", required_argument, NULL, OPT_VARY },
	{ "slo", required_argument, NULL, OPT_SLO },
	{ "objective", required_argument, NULL, OPT_OBJECTIVE },
	{ "grid", required_argument, NULL, OPT_GRID },
	{ "grid-only", no_argument, NULL, OPT_GRID_ONLY },
	{ "rounds", required_argument, NULL, OPT_ROUNDS },
	{ "max-replications", required_argument, NULL, OPT_MAX_REPLICATIONS },
	{ NULL, 0, NULL, 0 },
};

struct optimize_args {
	struct cli_scenario_args s;
	struct optimize_spec spec;
	unsigned max_replications;      /* 0: 4 x the scenario's */
};

/* One option of optimize's own: CLI_GO, or the exit status. */
static int parse_own(const struct cli *c, int v, struct optimize_args *a)
{
	struct optimize_spec *spec = &a->spec;
	struct errbuf err = { "" };
	int rc = 0;
	switch (v) {
	case OPT_VARY:
		rc = optimize_parse_vary(c->value, &spec->vary[spec->n_vary++], &err);
		break;
	case OPT_SLO:
		rc = optimize_parse_slo(c->value, &spec->slo[spec->n_slo++], &err);
		break;
	case OPT_OBJECTIVE:
		rc = optimize_parse_objective(c->value, &spec->objective, &err);
		break;
	case OPT_GRID:
		return cli_count(c, "--grid", 3, 101, &spec->grid) ? CLI_EXIT_USAGE : CLI_GO;
	case OPT_GRID_ONLY:
		spec->method = OPTIMIZE_GRID;
		break;
	case OPT_ROUNDS:
		return cli_count(c, "--rounds", 1, 50, &spec->rounds) ? CLI_EXIT_USAGE : CLI_GO;
	case OPT_MAX_REPLICATIONS:
		return cli_count(c, "--max-replications", 1, SCENARIO_MAX_REPLICATIONS, &a->max_replications)
			       ? CLI_EXIT_USAGE : CLI_GO;
	default:
		return cli_scenario_option(c, v, &a->s);
	}
	return rc < 0 ? cli_exit(c->cmd, rc, &err) : CLI_GO;
}

/* CLI_GO, or the exit status. */
static int parse(int argc, char **argv, struct optimize_args *a)
{
	struct cli c = { .cmd = argv[0], .usage = usage, .style = CLI_UNKNOWN_OPTION, .shorts = "hqo:", .longs = options };
	cli_begin(&c, argc, argv);
	for (int v, rc; (v = cli_next(&c)) != CLI_END;)
		if ((rc = parse_own(&c, v, a)) != CLI_GO)
			return rc;
	if (!a->s.scenario || a->spec.n_vary == 0)
		return cli_fail_usage(&c, "%s", a->s.scenario ? "give at least one --vary" : "missing SCENARIO");
	return CLI_GO;
}

/* Searches, writes the results and prints the decision. */
static int optimize(const char *cmd, struct optimize_args *a, const struct scenario *sc)
{
	struct errbuf err = { "" };
	struct optimize_result res = { .best = -1 };
	char default_dir[512];
	const char *out_dir = a->s.out_dir;
	if (!out_dir) {
		snprintf(default_dir, sizeof(default_dir), "results/%s-optimize", sc->name);
		out_dir = default_dir;
	}
	a->spec.max_replications = a->max_replications ? a->max_replications : 4 * sc->replications;
	struct run_options opt = { .threads = a->s.threads };
	int rc = optimize_run(sc->json, a->s.scenario, &a->spec, &opt, &res, &err);
	if (rc == 0)
		rc = optimize_write(out_dir, &a->spec, &res, &opt, &err);
	int status = cli_exit(cmd, rc, &err);
	if (rc == 0 && !a->s.quiet) {
		optimize_print(stdout, &a->spec, &res);
		printf("%s\nresults in %s/\n", res.decision, out_dir);
	}
	if (rc == 0 && res.best < 0) {
		fprintf(stderr, "slsim %s: no configuration among the %zu explored meets the SLOs", cmd, res.grid.n_points);
		if (res.closest >= 0)
			fprintf(stderr, " (closest: point %ld in %s/frontier.csv)", res.closest, out_dir);
		fputc('\n', stderr);
		status = CLI_EXIT_RUNTIME;
	}
	optimize_result_free(&res);
	return status;
}

int cmd_optimize(int argc, char **argv)
{
	struct optimize_args a = { .spec = { .objective = FIG_COST_TOTAL, .grid = 5, .rounds = 12 } };
	struct scenario sc = { 0 };
	int status = CLI_EXIT_RUNTIME;
	a.spec.vary = calloc((size_t)argc, sizeof(*a.spec.vary));
	a.spec.slo = calloc((size_t)argc, sizeof(*a.spec.slo));
	if (cli_scenario_begin(&a.s, argc) == 0 && a.spec.vary && a.spec.slo) {
		status = parse(argc, argv, &a);
		if (status == CLI_GO)
			status = cli_scenario_load(&a.s, argv[0], &sc);
		if (status == CLI_GO)
			status = optimize(argv[0], &a, &sc);
	}
	scenario_free(&sc);
	optimize_spec_free(&a.spec);
	cli_scenario_free(&a.s);
	return status;
}
