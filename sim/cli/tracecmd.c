#include "cli/tracecmd.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "core/histo.h"
#include "output/output.h"
#include "scenario/scenario.h"
#include "core/strmap.h"
#include "workload/trace.h"

static const char usage[] =
	"usage: slsim trace stats FILE --format F [--set KEY=VALUE]... [--seed N] [--json]\n"
	"       slsim trace gen PATTERN [--set KEY=VALUE]... [--seed N] -o FILE\n"
	"       slsim trace convert FILE --format F [--set KEY=VALUE]... [--seed N] -o FILE\n"
	"\n"
	"stats    invocations, functions, time span, per-function rates, inter-arrival CV,\n"
	"         shares of rarely invoked functions, invocations per trigger, duration and\n"
	"         memory percentiles of a trace (--json: as JSON)\n"
	"gen      writes a generated workload (iot, ecommerce, analytics, inference) as CSV\n"
	"convert  writes any trace as CSV (timestamp_s,function[,duration_s][,memory_mb])\n"
	"\n"
	"  --format F        csv, azure2019 (FILE: an invocations file), azure2021, azure-llm,\n"
	"                    alibaba-sd; see traces/README.md\n"
	"  --set KEY=VALUE   a key of the workload object, as in a scenario's \"workload\"\n"
	"                    (e.g. --set spread=even, --set 'durations=[\"d01.csv\"]',\n"
	"                    --set devices=500, --set duration_s=3600)\n"
	"  --seed N          seed of the random draws (default 1)\n"
	"  -o, --out FILE    output file (written atomically)\n";

/* ---- workload object from the command line ------------------------------ */

struct args {
	const char *cmd, *input, *format, *out;
	const char **sets;
	size_t n_sets;
	uint64_t seed;
	int json, help;
};

static int parse_args(int argc, char **argv, struct args *a, struct errbuf *err)
{
	memset(a, 0, sizeof(*a));
	a->seed = 1;
	a->sets = calloc((size_t)argc + 1, sizeof(*a->sets));
	if (!a->sets)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i], *v = NULL;
		const char *const with_value[] = { "--format", "--set", "--seed", "-o", "--out", NULL };
		for (int k = 0; with_value[k]; k++) {
			size_t n = strlen(with_value[k]);
			if (strcmp(s, with_value[k]) == 0) {
				if (i + 1 >= argc)
					return errbuf_set(err, ERR_INPUT, "trace: %s needs a value", s);
				v = argv[++i];
			} else if (strncmp(s, with_value[k], n) == 0 && s[n] == '=' && with_value[k][1] == '-') {
				v = s + n + 1;
			} else {
				continue;
			}
			s = with_value[k];
			break;
		}
		if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
			a->help = 1;
		} else if (strcmp(s, "--json") == 0) {
			a->json = 1;
		} else if (v && strcmp(s, "--format") == 0) {
			a->format = v;
		} else if (v && strcmp(s, "--set") == 0) {
			a->sets[a->n_sets++] = v;
		} else if (v && strcmp(s, "--seed") == 0) {
			char *end;
			unsigned long long x = strtoull(v, &end, 10);
			if (!*v || *end || v[0] == '-')
				return errbuf_set(err, ERR_INPUT, "trace: --seed: expected a whole number, got \"%s\"", v);
			a->seed = x;
		} else if (v) {
			a->out = v;
		} else if (s[0] == '-' && s[1]) {
			return errbuf_set(err, ERR_INPUT, "trace: unknown option %s\n%s", s, usage);
		} else if (!a->cmd) {
			a->cmd = s;
		} else if (!a->input) {
			a->input = s;
		} else {
			return errbuf_set(err, ERR_INPUT, "trace: unexpected argument \"%s\"", s);
		}
	}
	return 0;
}

/* {"format": F, <file key>: FILE} with the --set keys applied. */
static int build_spec(const struct args *a, json_t **out, struct errbuf *err)
{
	json_t *spec;
	*out = NULL;
	if (strcmp(a->cmd, "gen") == 0) {
		spec = json_pack("{s:s, s:s}", "format", "generator", "pattern", a->input);
	} else {
		if (!a->format)
			return errbuf_set(err, ERR_INPUT, "trace %s: --format is required (csv, azure2019, azure2021, azure-llm, alibaba-sd)",
					  a->cmd);
		if (strcmp(a->format, "azure2019") == 0)
			spec = json_pack("{s:s, s:[s]}", "format", a->format, "invocations", a->input);
		else
			spec = json_pack("{s:s, s:s}", "format", a->format, "path", a->input);
	}
	if (!spec)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < a->n_sets; i++) {
		int rc = scenario_apply_set(spec, a->sets[i], err);
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

/* {"p50", "p90", "p99", "max"} of n values (sorted in place); null when n = 0. */
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

int tracecmd_stats_json(const json_t *spec, uint64_t seed, json_t **out, struct errbuf *err)
{
	struct trace *t;
	struct trace_reader *r = NULL;
	struct fn_acc *acc = NULL;
	double *v = NULL;
	struct histo dur;
	uint64_t *per_trigger = NULL;
	int rc;
	*out = NULL;
	histo_init(&dur);
	if ((rc = trace_prepare(&t, spec, "trace: workload", "", err)) < 0)
		return rc;
	size_t nf = trace_n_functions(t);
	uint32_t *map = malloc((nf + 1) * sizeof(*map));
	acc = calloc(nf + 1, sizeof(*acc));
	v = malloc((nf + 1) * sizeof(*v));
	per_trigger = calloc(trace_n_triggers(t) + 1, sizeof(*per_trigger));
	if (!map || !acc || !v || !per_trigger) {
		rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < nf; i++)
		map[i] = trace_function(t, i)->included ? (uint32_t)i : UINT32_MAX;
	if ((rc = trace_open(t, seed, 0, map, &r, err)) < 0)
		goto out;
	struct trace_arrival a;
	uint64_t n = 0, n_iat = 0;
	double first = NAN, last = NAN, iat_mean = 0, iat_m2 = 0;
	while ((rc = trace_next(r, &a, err)) == 1) {
		if (n > 0)
			welford(&n_iat, &iat_mean, &iat_m2, a.t_s - last);
		else
			first = a.t_s;
		n++;
		last = a.t_s;
		struct fn_acc *f = &acc[a.fn];
		if (f->n > 0) {
			uint64_t k = f->n - 1;
			welford(&k, &f->iat_mean, &f->iat_m2, a.t_s - f->last_s);
		}
		f->n++;
		f->last_s = a.t_s;
		if (a.trigger != UINT32_MAX)
			per_trigger[a.trigger]++;
		if (!isnan(a.duration_s) && histo_add(&dur, a.duration_s) < 0) {
			rc = errbuf_set(err, ERR_RUNTIME, "out of memory");
			goto out;
		}
	}
	if (rc < 0)
		goto out;

	json_t *doc = json_object();
	json_t *base = trace_summary_json(t);
	json_object_update(doc, base);
	json_decref(base);
	double span = n > 0 ? last - first : 0;
	size_t included = 0, invoked = 0, below_hour = 0, below_minute = 0, k = 0;
	for (size_t i = 0; i < nf; i++) {
		if (!trace_function(t, i)->included)
			continue;
		included++;
		invoked += acc[i].n > 0;
		/* Rates over the workload's span (of all functions): a function
		 * invoked once in a day runs at 1/86400 per second. */
		double rate = span > 0 ? (double)acc[i].n / span : NAN;
		below_hour += !(rate >= 1.0 / 3600);
		below_minute += !(rate >= 1.0 / 60);
		if (isfinite(rate))
			v[k++] = rate;
	}
	json_object_set_new(doc, "arrivals", json_integer((json_int_t)n));
	json_object_set_new(doc, "functions_invoked", json_integer((json_int_t)invoked));
	json_object_set_new(doc, "first_arrival_s", num(first));
	json_object_set_new(doc, "last_arrival_s", num(last));
	json_object_set_new(doc, "arrival_span_s", json_real(span));
	json_object_set_new(doc, "mean_rate_per_s", num(span > 0 ? (double)n / span : NAN));
	json_object_set_new(doc, "function_rate_per_s", percentiles(v, k));
	json_object_set_new(doc, "share_below_1_per_hour", num(included ? (double)below_hour / (double)included : NAN));
	json_object_set_new(doc, "share_below_1_per_minute",
			    num(included ? (double)below_minute / (double)included : NAN));
	json_object_set_new(doc, "interarrival_cv", num(cv_of(n_iat, iat_mean, iat_m2)));
	k = 0;
	for (size_t i = 0; i < nf; i++) {
		double cv = cv_of(acc[i].n ? acc[i].n - 1 : 0, acc[i].iat_mean, acc[i].iat_m2);
		if (isfinite(cv))
			v[k++] = cv;
	}
	json_object_set_new(doc, "function_interarrival_cv", percentiles(v, k));

	/* Invocations per trigger (formats that name one). */
	json_t *trig = json_object();
	for (size_t i = 0; i < trace_n_triggers(t); i++)
		json_object_set_new(trig, trace_trigger_name(t, (uint32_t)i), json_integer((json_int_t)per_trigger[i]));
	json_object_set_new(doc, "invocations_per_trigger", trig);

	if (dur.count) {
		json_object_set_new(doc, "duration_s",
				    json_pack("{s:s, s:o, s:o, s:o, s:o, s:o}", "of", "invocations", "mean",
					      num(histo_mean(&dur)), "p50", num(histo_quantile(&dur, 0.5)), "p90",
					      num(histo_quantile(&dur, 0.9)), "p99", num(histo_quantile(&dur, 0.99)),
					      "max", num(dur.max)));
	} else {
		k = 0;
		for (size_t i = 0; i < nf; i++)
			if (trace_function(t, i)->included && trace_function(t, i)->has_service)
				v[k++] = dist_mean(&trace_function(t, i)->service);
		json_t *p = percentiles(v, k);
		if (json_is_object(p))
			json_object_set_new(p, "of", json_string("function means"));
		json_object_set_new(doc, "duration_s", p);
	}
	k = 0;
	for (size_t i = 0; i < nf; i++)
		if (trace_function(t, i)->included && !isnan(trace_function(t, i)->memory_mb))
			v[k++] = trace_function(t, i)->memory_mb;
	json_object_set_new(doc, "memory_mb", percentiles(v, k));
	*out = doc;
	rc = 0;
out:
	trace_close(r);
	trace_free(t);
	histo_free(&dur);
	free(map);
	free(acc);
	free(v);
	free(per_trigger);
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

int tracecmd_main(int argc, char **argv, struct errbuf *err)
{
	struct args a;
	json_t *spec = NULL;
	int rc = parse_args(argc, argv, &a, err);
	if (rc < 0)
		goto out;
	if (a.help || !a.cmd) {
		if (!a.cmd && !a.help) {
			rc = errbuf_set(err, ERR_INPUT, "trace: missing subcommand\n%s", usage);
			goto out;
		}
		fputs(usage, stdout);
		goto out;
	}
	if (strcmp(a.cmd, "stats") && strcmp(a.cmd, "gen") && strcmp(a.cmd, "convert")) {
		rc = errbuf_set(err, ERR_INPUT, "trace: unknown subcommand \"%s\" (stats, gen, convert)", a.cmd);
		goto out;
	}
	if (!a.input) {
		rc = errbuf_set(err, ERR_INPUT, "trace %s: missing %s", a.cmd,
				strcmp(a.cmd, "gen") ? "FILE" : "PATTERN");
		goto out;
	}
	if (strcmp(a.cmd, "stats") != 0 && !a.out) {
		rc = errbuf_set(err, ERR_INPUT, "trace %s: -o FILE is required", a.cmd);
		goto out;
	}
	if ((rc = build_spec(&a, &spec, err)) < 0)
		goto out;
	if (strcmp(a.cmd, "stats") == 0) {
		json_t *doc;
		if ((rc = tracecmd_stats_json(spec, a.seed, &doc, err)) < 0)
			goto out;
		if (a.json) {
			json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
			putchar('\n');
		} else {
			print_text(doc);
		}
		json_decref(doc);
	} else {
		rc = write_trace_csv(spec, a.seed, a.out, err);
	}
out:
	json_decref(spec);
	free(a.sets);
	return rc;
}
