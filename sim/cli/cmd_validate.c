/* cmd_validate: slsim validate DATA, the model variants against measured
 * experiments with leave-one-out errors (experiment/validate.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/cmd.h"
#include "experiment/validate.h"

static const char usage[] =
	"usage: slsim validate DATA [options]\n"
	"\n"
	"Simulates every measured experiment of DATA (the SimFaaS AWS Lambda file,\n"
	"../shared/validation/aws-lambda-coldstart-measurements.csv, or one with its\n"
	"columns) under each model variant at every point of its parameter grid,\n"
	"chooses the parameter by leave-one-out cross-validation (fitted on the\n"
	"other experiments, minimising the summed MAPE of cold-start probability\n"
	"and instance count) and prints, per variant, the LOO MAPEs, the number of\n"
	"experiments within 2 standard errors and the parameter chosen on all rows;\n"
	"with --rows, every experiment's LOO prediction and z-score.\n"
	"\n"
	"  -v, --variant NAME  only this variant (repeatable); default: all\n"
	"  -n, --requests N    requests simulated per experiment (default 1000000)\n"
	"  -s, --seed S        seed of the first experiment (default 1)\n"
	"  -r, --rows          also print every experiment\n"
	"  -h, --help          this help\n";

static const struct option options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "variant", required_argument, NULL, 'v' },
	{ "requests", required_argument, NULL, 'n' },
	{ "seed", required_argument, NULL, 's' },
	{ "rows", no_argument, NULL, 'r' },
	{ NULL, 0, NULL, 0 },
};

struct args {
	const char *data;
	struct cli_list variants;
	unsigned requests, seed;
	int rows;
};

static int parse(int argc, char **argv, struct args *a)
{
	struct cli c = { .cmd = argv[0], .usage = usage, .style = CLI_UNKNOWN_OPTION, .shorts = "hv:n:s:r",
			 .longs = options };
	cli_begin(&c, argc, argv);
	for (int v; (v = cli_next(&c)) != CLI_END;) {
		if (v == 'h')
			return cli_help(&c);
		else if (v == 'v' && validate_variant_find(c.value))
			cli_list_add(&a->variants, c.value);
		else if (v == 'v')
			return cli_fail(&c, "unknown variant '%s'", c.value);
		else if (v == 'n' && cli_count(&c, "--requests", 100, 100000000, &a->requests) != 0)
			return CLI_EXIT_USAGE;
		else if (v == 's' && cli_count(&c, "--seed", 0, 4000000000u, &a->seed) != 0)
			return CLI_EXIT_USAGE;
		else if (v == 'r')
			a->rows = 1;
		else if (v == CLI_ARG && !a->data)
			a->data = c.value;
		else if (v == CLI_ARG)
			return cli_fail_usage(&c, "more than one data file");
		else if (v != 'n' && v != 's')
			return CLI_EXIT_USAGE;
	}
	if (!a->data)
		return cli_fail_usage(&c, "no data file given");
	return CLI_GO;
}

static void print_rows(const struct validate_variant *v, const struct validate_row *rows,
		       const struct validate_result *r)
{
	printf("\n%s: experiment, rate_per_s, measured p, LOO p, z, measured instances, LOO instances, %s\n",
	       v->name, v->param);
	for (size_t k = 0; k < r->n_rows; k++)
		printf("%s, %.6g, %.6g, %.6g, %+.2f, %.4g, %.4g, %s\n", rows[k].name, rows[k].rate_per_s,
		       rows[k].prob, r->loo[k], r->z[k], rows[k].instances, r->loo[r->n_rows + k],
		       v->labels[r->chosen[k]]);
}

static int run(const struct args *a, struct errbuf *err)
{
	struct validate_row *rows;
	size_t n;
	int rc = validate_read(a->data, &rows, &n, err);
	if (rc < 0)
		return rc;
	printf("| variant | parameter (fit on all) | LOO MAPE cold-start p | LOO MAPE instances | within 2 SE |\n"
	       "|---|---|---|---|---|\n");
	fflush(stdout);
	size_t count = a->variants.n ? a->variants.n : validate_variant_count();
	for (size_t i = 0; i < count && rc == 0; i++) {
		const struct validate_variant *v = a->variants.n ? validate_variant_find(a->variants.item[i])
								 : validate_variant_at(i);
		struct validate_result r;
		if ((rc = validate_run(v, rows, n, a->seed, a->requests, &r, err)) < 0)
			break;
		if (v->n_grid > 1)
			printf("| %s | %s = %s ", v->name, v->param, v->labels[r.fit_all]);
		else
			printf("| %s | - ", v->name);
		printf("| %.2f %% | %.2f %% | %zu / %zu |\n", r.mape[0], r.mape[1], r.within_2se, n);
		if (a->rows)
			print_rows(v, rows, &r);
		fflush(stdout);
		validate_result_free(&r);
	}
	free(rows);
	return rc;
}

int cmd_validate(int argc, char **argv)
{
	struct args a = { .requests = 1000000, .seed = 1 };
	if (cli_list_init(&a.variants, argc) < 0)
		return CLI_EXIT_RUNTIME;
	int status = parse(argc, argv, &a);
	if (status == CLI_GO) {
		struct errbuf err = { "" };
		status = cli_exit(argv[0], run(&a, &err), &err);
	}
	cli_list_free(&a.variants);
	return status;
}
