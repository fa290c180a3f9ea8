/*
 * cmd_trace: the `slsim trace` command (stats, gen, convert).
 *
 * Owns its arguments, the streaming statistics of a workload (memory grows
 * with the number of functions, never with invocations) and the CSV it
 * writes (timestamp_s,function[,duration_s][,memory_mb], the csv format).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "cli/cli.h"
#include "cli/cmd.h"
#include "core/histo.h"
#include "output/output.h"
#include "scenario/scenario.h"
#include "workload/trace.h"

static const char usage_head[] =
	"usage: slsim trace stats FILE --format F [--set KEY=VALUE]... [--seed N] [--json]\n"
	"       slsim trace gen PATTERN [--set KEY=VALUE]... [--seed N] -o FILE\n"
	"       slsim trace convert FILE --format F [--set KEY=VALUE]... [--seed N] -o FILE\n"
	"\n"
	"stats    invocations, functions, time span, per-function rates, inter-arrival CV,\n"
	"         shares of rarely invoked functions, invocations per trigger, duration and\n"
	"         memory percentiles of a trace (--json: as JSON)\n"
	"gen      writes a generated workload (";
/* Then the generators' names (the workload registry), then: */
static const char usage_formats[] =
	") as CSV\n"
	"convert  writes any trace as CSV (timestamp_s,function[,duration_s][,memory_mb])\n"
	"\n"
	"  --format F        ";

static const char usage_tail[] =
	" see traces/README.md\n"
	"  --set KEY=VALUE   a key of the workload object, as in a scenario's \"workload\"\n"
	"                    (e.g. --set spread=even, --set 'durations=[\"d01.csv\"]',\n"
	"                    --set devices=500, --set duration_s=3600)\n"
	"  --seed N          seed of the random draws (default 1)\n"
	"  -o, --out FILE    output file (written atomically)\n";

/* The format whose FILE is not the trace itself, and --help's note on it. */
static const char list_format[] = "azure2019", list_note[] = " (FILE: an invocations file)";

enum { USAGE_INDENT = 20, USAGE_COLUMNS = 88 };

/* --help: usage_head, the generators, usage_formats, the file formats
 * wrapped at USAGE_COLUMNS (with list_format's note), usage_tail; both lists
 * come from the workload registry. Caller frees; NULL: out of memory. */
static char *make_usage(void)
{
	char *text = NULL, generators[256], file_formats[256];
	size_t size, col = USAGE_INDENT;
	trace_format_names(TRACE_NAMES_GENERATORS, generators, sizeof(generators));
	trace_format_names(TRACE_NAMES_FILE_FORMATS, file_formats, sizeof(file_formats));
	FILE *fp = open_memstream(&text, &size);
	if (!fp)
		return NULL;
	fputs(usage_head, fp);
	fputs(generators, fp);
	fputs(usage_formats, fp);
	for (const char *p = file_formats; *p; p += strspn(p, ", ")) {
		size_t len = strcspn(p, ",");
		int note = len == strlen(list_format) && strncmp(p, list_format, len) == 0;
		size_t width = len + (note ? strlen(list_note) : 0) + 1;
		if (p != file_formats && col + 1 + width > USAGE_COLUMNS) {
			fprintf(fp, "\n%*s", USAGE_INDENT, "");
			col = USAGE_INDENT;
		} else if (p != file_formats) {
			fputc(' ', fp);
			col++;
		}
		fprintf(fp, "%.*s%s%s", (int)len, p, note ? list_note : "", p[len] ? "," : ";");
		col += width;
		p += len;
	}
	fputs(usage_tail, fp);
	if (fclose(fp) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* ---- workload object from the command line ------------------------------ */

struct args {
	const char *cmd, *input, *format, *out;
	struct cli_list sets;
	uint64_t seed;
	int json, help;
};

enum { OPT_FORMAT = CLI_LONG, OPT_SET, OPT_SEED, OPT_JSON };

static const struct option options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "out", required_argument, NULL, 'o' },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "set", required_argument, NULL, OPT_SET },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 },
};

/* One argument: 0, or the exit status. -h waits for the others to be read. */
static int parse_one(const struct cli *c, int v, struct args *a)
{
	char *end;
	switch (v) {
	case 'h':
		a->help = 1;
		return 0;
	case 'o':
		a->out = c->value;
		return 0;
	case OPT_FORMAT:
		a->format = c->value;
		return 0;
	case OPT_SET:
		cli_list_add(&a->sets, c->value);
		return 0;
	case OPT_SEED:
		a->seed = strtoull(c->value, &end, 10);
		if (!*c->value || *end || c->value[0] == '-')
			return cli_fail(c, "--seed: expected a whole number, got \"%s\"", c->value);
		return 0;
	case OPT_JSON:
		a->json = 1;
		return 0;
	case CLI_ARG:
		if (!a->cmd)
			a->cmd = c->value;
		else if (!a->input)
			a->input = c->value;
		else
			return cli_fail(c, "unexpected argument \"%s\"", c->value);
		return 0;
	default:
		return CLI_EXIT_USAGE;          /* CLI_BAD: said why */
	}
}

/* CLI_GO, or the exit status (0 after --help). */
static int parse(int argc, char **argv, const char *usage, struct args *a)
{
	struct cli c = { .cmd = argv[0], .usage = usage, .style = CLI_TRACE, .shorts = "ho:", .longs = options };
	cli_begin(&c, argc, argv);
	for (int v, status; (v = cli_next(&c)) != CLI_END;)
		if ((status = parse_one(&c, v, a)) != 0)
			return status;
	if (!a->cmd && !a->help)
		return cli_fail_usage(&c, "missing subcommand");
	if (a->help)
		return cli_help(&c);
	if (strcmp(a->cmd, "stats") && strcmp(a->cmd, "gen") && strcmp(a->cmd, "convert"))
		return cli_fail(&c, "unknown subcommand \"%s\" (stats, gen, convert)", a->cmd);
	return CLI_GO;
}

/* {"format": F, <file key>: FILE} with the --set keys applied. */
static int build_spec(const struct args *a, json_t **out, struct errbuf *err)
{
	json_t *spec;
	*out = NULL;
	if (!a->input)
		return errbuf_set(err, ERR_INPUT, "trace %s: missing %s", a->cmd, strcmp(a->cmd, "gen") ? "FILE" : "PATTERN");
	if (strcmp(a->cmd, "stats") != 0 && !a->out)
		return errbuf_set(err, ERR_INPUT, "trace %s: -o FILE is required", a->cmd);
	if (strcmp(a->cmd, "gen") == 0) {
		spec = json_pack("{s:s, s:s}", "format", "generator", "pattern", a->input);
	} else {
		if (!a->format) {
			char known[256];
			trace_format_names(TRACE_NAMES_FILE_FORMATS, known, sizeof(known));
			return errbuf_set(err, ERR_INPUT, "trace %s: --format is required (%s)", a->cmd, known);
		}
		spec = trace_spec_for_file(a->format, a->input);
	}
	if (!spec)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < a->sets.n; i++) {
		int rc = scenario_apply_set(spec, a->sets.item[i], err);
		if (rc < 0) {
			json_decref(spec);
			return rc;
		}
	}
	*out = spec;
	return 0;
}

/* ---- statistics ---------------------------------------------------------- */

struct fn_acc {
	uint64_t n;
	double last_s, iat_mean, iat_m2;   /* Welford over inter-arrival times */
};

static void welford(uint64_t *n, double *mean, double *m2, double x)
{
	(*n)++;
	double d = x - *mean;
	*mean += d / (double)*n;
	*m2 += d * (x - *mean);
}

static double cv_of(uint64_t n, double mean, double m2)
{
	if (n < 2 || !(mean > 0))
		return NAN;
	return sqrt(m2 / (double)(n - 1)) / mean;
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* {"mean", "p50", "p90", "p99", "max"} of n values (sorted in place); null when n = 0. */
static json_t *percentiles(double *v, size_t n)
{
	if (n == 0)
		return json_null();
	gsl_sort(v, 1, n);
	return json_pack("{s:o, s:o, s:o, s:o, s:o}", "mean", num(gsl_stats_mean(v, 1, n)), "p50",
			 num(gsl_stats_quantile_from_sorted_data(v, 1, n, 0.5)), "p90",
			 num(gsl_stats_quantile_from_sorted_data(v, 1, n, 0.9)), "p99",
			 num(gsl_stats_quantile_from_sorted_data(v, 1, n, 0.99)), "max", num(v[n - 1]));
}

/* What one pass over a workload's arrivals gathers. */
struct stats {
	struct trace *t;
	struct trace_reader *r;
	size_t nf;                  /* functions of the trace */
	uint32_t *map;              /* trace function -> itself, UINT32_MAX if excluded */
	struct fn_acc *acc;         /* per function */
	double *v;                  /* scratch: one figure per function */
	uint64_t *per_trigger;
	struct histo dur;           /* durations of invocations that carry one */
	uint64_t n, n_iat;          /* arrivals; inter-arrival times */
	double first, last, iat_mean, iat_m2;
};

static int stats_open(struct stats *s, const json_t *spec, uint64_t seed, struct errbuf *err)
{
	memset(s, 0, sizeof(*s));
	histo_init(&s->dur);
	s->first = s->last = NAN;
	int rc = trace_prepare(&s->t, spec, "trace: workload", "", err);
	if (rc < 0)
		return rc;
	s->nf = trace_n_functions(s->t);
	s->map = malloc((s->nf + 1) * sizeof(*s->map));
	s->acc = calloc(s->nf + 1, sizeof(*s->acc));
	s->v = malloc((s->nf + 1) * sizeof(*s->v));
	s->per_trigger = calloc(trace_n_triggers(s->t) + 1, sizeof(*s->per_trigger));
	if (!s->map || !s->acc || !s->v || !s->per_trigger)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < s->nf; i++)
		s->map[i] = trace_function(s->t, i)->included ? (uint32_t)i : UINT32_MAX;
	return trace_open(s->t, seed, 0, s->map, &s->r, err);
}

static void stats_close(struct stats *s)
{
	trace_close(s->r);
	if (s->t)
		trace_free(s->t);
	histo_free(&s->dur);
	free(s->map);
	free(s->acc);
	free(s->v);
	free(s->per_trigger);
}

/* Every arrival, once. */
static int stats_read(struct stats *s, struct errbuf *err)
{
	struct trace_arrival a;
	int rc;
	while ((rc = trace_next(s->r, &a, err)) == 1) {
		if (s->n > 0)
			welford(&s->n_iat, &s->iat_mean, &s->iat_m2, a.t_s - s->last);
		else
			s->first = a.t_s;
		s->n++;
		s->last = a.t_s;
		struct fn_acc *f = &s->acc[a.fn];
		if (f->n > 0) {
			uint64_t k = f->n - 1;
			welford(&k, &f->iat_mean, &f->iat_m2, a.t_s - f->last_s);
		}
		f->n++;
		f->last_s = a.t_s;
		if (a.trigger != UINT32_MAX)
			s->per_trigger[a.trigger]++;
		if (!isnan(a.duration_s) && histo_add(&s->dur, a.duration_s) < 0)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	return rc;
}

/* Arrivals, the span, rates per function and inter-arrival CVs. */
static void add_arrivals(json_t *doc, struct stats *s)
{
	double span = s->n > 0 ? s->last - s->first : 0;
	size_t included = 0, invoked = 0, below_hour = 0, below_minute = 0, k = 0;
	for (size_t i = 0; i < s->nf; i++) {
		if (!trace_function(s->t, i)->included)
			continue;
		included++;
		invoked += s->acc[i].n > 0;
		/* Rates over the workload's span (of all functions): a function
		 * invoked once in a day runs at 1/86400 per second. */
		double rate = span > 0 ? (double)s->acc[i].n / span : NAN;
		below_hour += !(rate >= 1.0 / 3600);
		below_minute += !(rate >= 1.0 / 60);
		if (isfinite(rate))
			s->v[k++] = rate;
	}
	json_object_set_new(doc, "arrivals", json_integer((json_int_t)s->n));
	json_object_set_new(doc, "functions_invoked", json_integer((json_int_t)invoked));
	json_object_set_new(doc, "first_arrival_s", num(s->first));
	json_object_set_new(doc, "last_arrival_s", num(s->last));
	json_object_set_new(doc, "arrival_span_s", json_real(span));
	json_object_set_new(doc, "mean_rate_per_s", num(span > 0 ? (double)s->n / span : NAN));
	json_object_set_new(doc, "function_rate_per_s", percentiles(s->v, k));
	json_object_set_new(doc, "share_below_1_per_hour", num(included ? (double)below_hour / (double)included : NAN));
	json_object_set_new(doc, "share_below_1_per_minute",
			    num(included ? (double)below_minute / (double)included : NAN));
	json_object_set_new(doc, "interarrival_cv", num(cv_of(s->n_iat, s->iat_mean, s->iat_m2)));
	k = 0;
	for (size_t i = 0; i < s->nf; i++) {
		double cv = cv_of(s->acc[i].n ? s->acc[i].n - 1 : 0, s->acc[i].iat_mean, s->acc[i].iat_m2);
		if (isfinite(cv))
			s->v[k++] = cv;
	}
	json_object_set_new(doc, "function_interarrival_cv", percentiles(s->v, k));
}

/* Invocations per trigger (formats that name one). */
static void add_triggers(json_t *doc, const struct stats *s)
{
	json_t *trig = json_object();
	for (size_t i = 0; i < trace_n_triggers(s->t); i++)
		json_object_set_new(trig, trace_trigger_name(s->t, (uint32_t)i), json_integer((json_int_t)s->per_trigger[i]));
	json_object_set_new(doc, "invocations_per_trigger", trig);
}

/* Of the invocations when the trace has durations, else of the functions'
 * mean service times. */
static void add_durations(json_t *doc, struct stats *s)
{
	if (s->dur.count) {
		json_object_set_new(doc, "duration_s",
				    json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "of", "invocations", "mean",
					      num(histo_mean(&s->dur)), "p50", num(histo_quantile(&s->dur, 0.5)), "p90",
					      num(histo_quantile(&s->dur, 0.9)), "p99", num(histo_quantile(&s->dur, 0.99)),
					      "max", num(s->dur.max)));
		return;
	}
	size_t k = 0;
	for (size_t i = 0; i < s->nf; i++)
		if (trace_function(s->t, i)->included && trace_function(s->t, i)->has_service)
			s->v[k++] = dist_mean(&trace_function(s->t, i)->service);
	json_t *p = percentiles(s->v, k);
	if (json_is_object(p))
		json_object_set_new(p, "of", json_string("function means"));
	json_object_set_new(doc, "duration_s", p);
}

static void add_memory(json_t *doc, struct stats *s)
{
	size_t k = 0;
	for (size_t i = 0; i < s->nf; i++)
		if (trace_function(s->t, i)->included && !isnan(trace_function(s->t, i)->memory_mb))
			s->v[k++] = trace_function(s->t, i)->memory_mb;
	json_object_set_new(doc, "memory_mb", percentiles(s->v, k));
}

/* The statistics document of `slsim trace stats --json` for a workload
 * object (paths relative to the current folder). Caller owns the reference. */
static int stats_json(const json_t *spec, uint64_t seed, json_t **out, struct errbuf *err)
{
	struct stats s;
	*out = NULL;
	int rc = stats_open(&s, spec, seed, err);
	if (rc == 0)
		rc = stats_read(&s, err);
	if (rc == 0) {
		json_t *doc = json_object();
		json_t *base = trace_summary_json(s.t);
		json_object_update(doc, base);
		json_decref(base);
		add_arrivals(doc, &s);
		add_triggers(doc, &s);
		add_durations(doc, &s);
		add_memory(doc, &s);
		*out = doc;
	}
	stats_close(&s);
	return rc;
}

static void print_text(const json_t *doc)
{
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)doc, key, val) {
		if (json_is_object(val)) {
			printf("%-26s", key);
			const char *k2;
			json_t *v2;
			json_object_foreach(val, k2, v2) {
				if (json_is_string(v2))
					printf(" %s=%s", k2, json_string_value(v2));
				else if (json_is_integer(v2))
					printf(" %s=%lld", k2, (long long)json_integer_value(v2));
				else if (json_is_real(v2))
					printf(" %s=%.6g", k2, json_real_value(v2));
				else
					printf(" %s=-", k2);
			}
			putchar('\n');
		} else if (json_is_string(val)) {
			printf("%-26s %s\n", key, json_string_value(val));
		} else if (json_is_integer(val)) {
			printf("%-26s %lld\n", key, (long long)json_integer_value(val));
		} else if (json_is_real(val)) {
			printf("%-26s %.6g\n", key, json_real_value(val));
		} else {
			printf("%-26s -\n", key);
		}
	}
}

/* ---- CSV output ---------------------------------------------------------- */

struct csv_ctx {
	const struct trace *t;
	struct trace_reader *r;
	int durations, memory;
	struct errbuf *err;
	int rc;
};

static int write_csv(void *p, FILE *fp)
{
	struct csv_ctx *c = p;
	struct trace_arrival a;
	int rc;
	fprintf(fp, "timestamp_s,function%s%s\n", c->durations ? ",duration_s" : "", c->memory ? ",memory_mb" : "");
	while ((rc = trace_next(c->r, &a, c->err)) == 1) {
		const struct trace_fn *f = trace_function(c->t, a.trace_fn);
		fprintf(fp, "%.15g,%s", a.t_s, f->name);
		if (c->durations)
			fprintf(fp, ",%.15g", a.duration_s);
		if (c->memory) {
			if (isnan(f->memory_mb))
				fputs(",", fp);
			else
				fprintf(fp, ",%.15g", f->memory_mb);
		}
		fputc('\n', fp);
	}
	c->rc = rc;
	return rc < 0 ? -1 : 0;
}

static int write_trace_csv(const json_t *spec, uint64_t seed, const char *path, struct errbuf *err)
{
	struct trace *t;
	int rc = trace_prepare(&t, spec, "trace: workload", "", err);
	if (rc < 0)
		return rc;
	size_t nf = trace_n_functions(t);
	uint32_t *map = malloc((nf + 1) * sizeof(*map));
	struct csv_ctx c = { .t = t, .durations = trace_has_durations(t), .err = err };
	if (!map) {
		trace_free(t);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	for (size_t i = 0; i < nf; i++) {
		map[i] = trace_function(t, i)->included ? (uint32_t)i : UINT32_MAX;
		c.memory |= !isnan(trace_function(t, i)->memory_mb);
	}
	if ((rc = trace_open(t, seed, 0, map, &c.r, err)) == 0) {
		char *copy = strdup(path);
		char *slash = copy ? strrchr(copy, '/') : NULL;
		const char *dir = ".", *name = copy;
		if (slash) {
			*slash = '\0';
			dir = slash == copy ? "/" : copy;
			name = slash + 1;
		}
		if (!copy)
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
		else if (!*name)
			rc = errbuf_set(err, ERR_INPUT, "trace: -o %s: not a file name", path);
		else {
			struct errbuf werr;
			rc = output_write_atomic(dir, name, write_csv, &c, &werr);
			if (c.rc < 0)
				rc = c.rc;   /* the trace's own message is already in err */
			else if (rc < 0)
				errbuf_set(err, rc, "%s", werr.msg);
		}
		free(copy);
	}
	trace_close(c.r);
	trace_free(t);
	free(map);
	return rc;
}

static int stats(const struct args *a, const json_t *spec, struct errbuf *err)
{
	json_t *doc;
	int rc = stats_json(spec, a->seed, &doc, err);
	if (rc < 0)
		return rc;
	if (a->json) {
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
		putchar('\n');
	} else {
		print_text(doc);
	}
	json_decref(doc);
	return 0;
}

int cmd_trace(int argc, char **argv)
{
	struct args a = { .seed = 1 };
	json_t *spec = NULL;
	char *usage = make_usage();
	int status = CLI_EXIT_RUNTIME;
	if (usage && cli_list_init(&a.sets, argc) == 0)
		status = parse(argc, argv, usage, &a);
	if (status == CLI_GO) {
		struct errbuf err = { "" };
		int rc = build_spec(&a, &spec, &err);
		if (rc == 0)
			rc = strcmp(a.cmd, "stats") == 0 ? stats(&a, spec, &err) : write_trace_csv(spec, a.seed, a.out, &err);
		status = cli_exit(NULL, rc, &err);
	}
	json_decref(spec);
	cli_list_free(&a.sets);
	free(usage);
	return status;
}
