/*
 * bench: `make bench` — throughput and peak memory of the engine and of
 * whole simulations, one case per child process (so each case's peak
 * resident memory, from getrusage, is its own).
 *
 *   hold-N        the pending-event set alone: N timers pending, each fired
 *                 timer schedules one more at now + Exp(1) (the hold model)
 *   simfaas-readme scenarios/simfaas-readme.json (SimFaaS needs ~10 s; the
 *                 target is 1/50 of that, 0.2 s); the median of 7 runs
 *   azure-day-*   a synthetic day in the shape of the Azure Functions 2019
 *                 trace: 50,000 functions whose daily invocation counts span
 *                 8 orders of magnitude (log-normal), a diurnal cycle, minute
 *                 counts spread uniformly inside each minute, a fixed
 *                 10-minute keep-alive; 1 M, 10 M and 100 M invocations, to
 *                 show that memory does not grow with the invocation count
 *                 (targets: >= 5 M invocations/s on one core, < 1 GB)
 *   azure-file-*  the same days written in the Azure 2019 format and read
 *                 back through the azure2019 reader (parsing included)
 *   llm-gpu       scenarios/llm-gpu.json: an hour of the Azure LLM trace
 *                 served token by token with continuous batching (each
 *                 prefill or decode iteration an event; needs ../shared)
 *
 * `slsim-bench --write-azure FILE [SCALE]` writes the same synthetic day in
 * the Azure 2019 invocation format (HashOwner,HashApp,HashFunction,Trigger,
 * 1..1440), each function's minute counts drawn as Poisson with the same
 * rates. The benchmark itself feeds the arrivals from memory through
 * run_options.add_sources (see azure_source below): the superposition of
 * the functions' Poisson minute counts, spread uniformly in the minute, is a
 * Poisson process of the summed rate whose arrivals pick their function with
 * probability proportional to its rate (drawn with Walker's alias table), so
 * the two are the same workload in distribution.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "core/dist.h"
#include "core/engine.h"
#include "core/rng.h"
#include "run/run.h"
#include "scenario/scenario.h"
#include "run/stats.h"
#include "run/workload.h"

struct result {
	char name[64];
	double wall_s;
	double cpu_s;           /* of the simulating thread: the machine may be shared */
	double events;
	double invocations;
	double target;          /* informational */
	char note[160];
	int ok;
};

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ---- hold model -------------------------------------------------------- */

struct hold {
	struct engine *e;
	uint64_t fired, limit;
	uint64_t x;             /* xorshift64* state: the RNG must not dominate */
};

static double hold_exp(struct hold *h)
{
	h->x ^= h->x >> 12;
	h->x ^= h->x << 25;
	h->x ^= h->x >> 27;
	uint64_t r = h->x * UINT64_C(2685821657736338717);
	return -log(((double)(r >> 11) + 0.5) * 0x1p-53);
}

static void hold_cb(void *ctx, uint64_t arg)
{
	struct hold *h = ctx;
	(void)arg;
	if (++h->fired >= h->limit) {
		engine_stop(h->e);
		return;
	}
	engine_at(h->e, engine_now(h->e) + hold_exp(h), hold_cb, h, 0);
}

static void bench_hold(struct result *r, size_t pending, uint64_t ops)
{
	struct hold h = { .e = engine_new(0), .limit = ops, .x = 88172645463325252ull };
	for (size_t i = 0; i < pending; i++)
		engine_at(h.e, hold_exp(&h), hold_cb, &h, 0);
	double t0 = wall_now(), c0 = cpu_now();
	engine_run(h.e);
	r->wall_s = wall_now() - t0;
	r->cpu_s = cpu_now() - c0;
	r->events = (double)h.fired;
	snprintf(r->note, sizeof(r->note), "%zu pending", engine_pending(h.e));
	r->ok = engine_pending(h.e) == pending - 1;
	engine_free(h.e);
}

/* ---- whole scenarios --------------------------------------------------- */

static void run_loaded(struct result *r, struct scenario *sc, const struct run_options *opt)
{
	struct run_result res;
	struct errbuf err = { "" };
	/* One thread: run_scenario runs the replication on the calling thread. */
	double t0 = wall_now(), c0 = cpu_now();
	int rc = run_scenario(sc, opt, &res, &err);
	r->wall_s = wall_now() - t0;
	r->cpu_s = cpu_now() - c0;
	if (rc < 0) {
		snprintf(r->note, sizeof(r->note), "failed: %.140s", err.msg);
		return;
	}
	r->events = (double)res.events;
	/* Every arrival of the run (warm-up is 0 in these cases). */
	r->invocations = res.totals.mean[FIG_INVOCATIONS] * res.replications;
	snprintf(r->note, sizeof(r->note), "cold %.4f%%, %.1f instances, $%.2f",
		 100 * res.totals.mean[FIG_COLD_START_RATIO], res.totals.mean[FIG_INSTANCES_MEAN],
		 res.totals.mean[FIG_COST_TOTAL]);
	r->ok = 1;
	run_result_free(&res);
}

#define SIMFAAS_RUNS 7

static int result_wall_cmp(const void *pa, const void *pb)
{
	const struct result *a = pa, *b = pb;
	return (a->wall_s > b->wall_s) - (a->wall_s < b->wall_s);
}

static void bench_simfaas(struct result *r, const char *root)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/scenarios/simfaas-readme.json", root);
	struct scenario sc;
	struct errbuf err = { "" };
	if (scenario_load(&sc, path, NULL, 0, &err) < 0) {
		snprintf(r->note, sizeof(r->note), "%.150s", err.msg);
		return;
	}
	/* A fifth of a second is at the mercy of the machine's other jobs:
	 * the median of SIMFAAS_RUNS runs (same results every time). */
	struct run_options opt = { .threads = 1 };
	struct result runs[SIMFAAS_RUNS];
	for (int i = 0; i < SIMFAAS_RUNS; i++) {
		memset(&runs[i], 0, sizeof(runs[i]));
		run_loaded(&runs[i], &sc, &opt);
		if (!runs[i].ok) {
			*r = runs[i];
			scenario_free(&sc);
			return;
		}
	}
	qsort(runs, SIMFAAS_RUNS, sizeof(runs[0]), result_wall_cmp);
	char name[sizeof(r->name)];
	memcpy(name, r->name, sizeof(name));
	*r = runs[SIMFAAS_RUNS / 2];
	memcpy(r->name, name, sizeof(name));
	size_t len = strlen(r->note);
	snprintf(r->note + len, sizeof(r->note) - len, "; median of %d runs (best %.3f s)", SIMFAAS_RUNS,
		 runs[0].wall_s);
	scenario_free(&sc);
}

/* ---- the synthetic Azure day ------------------------------------------- */

#define AZ_FUNCTIONS 50000u
#define AZ_MINUTES 1440u
#define AZ_SEED 2019u

/* Daily invocation count of function i: log10 normal (mean 0, sd 1) at
 * evenly spaced quantiles, so the 50,000 rates span 10^-4.1 .. 10^+4.1
 * times the median, about 8 orders of magnitude as in the published trace;
 * then scaled to `total` a day. */
static void az_daily(double *daily, double total)
{
	double sum = 0;
	for (size_t i = 0; i < AZ_FUNCTIONS; i++) {
		double z = gsl_cdf_ugaussian_Pinv((i + 0.5) / AZ_FUNCTIONS);
		daily[i] = pow(10, z);
		sum += daily[i];
	}
	for (size_t i = 0; i < AZ_FUNCTIONS; i++)
		daily[i] *= total / sum;
}

/* The day's shape: a diurnal cycle of mean 1, low at 04:00, high at 16:00. */
static double az_diurnal(uint32_t minute)
{
	return 1 - 0.5 * cos(2 * M_PI * ((double)minute / AZ_MINUTES - 1.0 / 6));
}

/* The functions' configuration: a spread of memories and service times in
 * the ranges the Azure trace reports (most functions run for well under a
 * second; a few for minutes). Written as a scenario document. */
static json_t *az_scenario(double total, const char *workload_path)
{
	json_t *fns = json_array();
	gsl_rng *g = rng_stream(AZ_SEED, 0, 0, RNG_POLICY);
	static const int mem[] = { 128, 256, 512, 1024, 2048 };
	for (size_t i = 0; i < AZ_FUNCTIONS; i++) {
		char name[32];
		snprintf(name, sizeof(name), "f%05zu", i);
		double mean_s = fmin(120, fmax(0.005, gsl_ran_lognormal(g, log(0.4), 1.2)));
		double init_s = fmin(10, fmax(0.1, gsl_ran_lognormal(g, log(0.6), 0.5)));
		json_t *f = json_pack(
			"{s:s,s:i,s:i,s:{s:s,s:f},s:{s:s,s:{s:s,s:f}},s:{s:s,s:f}}",
			"name", name, "memory_mb", mem[gsl_rng_uniform_int(g, 5)],
			"concurrency_per_instance", 1,
			"service", "dist", "exponential", "mean_s", mean_s,
			"cold_start", "mode", "add", "init", "dist", "constant", "value_s", init_s,
			"keepalive", "policy", "fixed", "ttl_s", 600.0);
		/* From memory: arrivals come from the bench's own source; from the
		 * file: listed without arrivals, the workload alone drives them. */
		if (!workload_path)
			json_object_set_new(f, "arrivals", json_pack("{s:s,s:f}", "process", "poisson", "rate_per_s", 0.0));
		json_array_append_new(fns, f);
	}
	gsl_rng_free(g);
	(void)total;
	json_t *doc = json_pack("{s:s,s:i,s:f,s:i,s:s,s:{s:i},s:f,s:o}", "name", "azure-day", "seed", AZ_SEED,
				"duration_s", 86400.0, "replications", 1, "provider", "aws-lambda-x86",
				"platform", "account_concurrency", 1000000, "timeseries_interval_s", 60.0,
				"functions", fns);
	if (workload_path)
		json_object_set_new(doc, "workload", json_pack("{s:s,s:[s]}", "format", "azure2019",
								 "invocations", workload_path));
	return doc;
}

/* Walker's alias table over the functions' rates: 8-byte entries (the
 * probability in single precision, 6e-8 relative) so that the 50,000 take
 * 400 kB and a draw touches one cache line. */
struct alias_ent {
	float prob;
	uint32_t alias;
};
struct alias {
	struct alias_ent *e;
	size_t n;
};

static int alias_build(struct alias *a, const double *w, size_t n)
{
	a->n = n;
	double *prob = malloc(n * sizeof(*prob));
	uint32_t *alias = calloc(n, sizeof(*alias));
	uint32_t *small = malloc(n * sizeof(*small)), *large = malloc(n * sizeof(*large));
	a->e = aligned_alloc(64, (n * sizeof(*a->e) + 63) / 64 * 64);
	if (!prob || !alias || !small || !large || !a->e)
		return -1;
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += w[i];
	size_t ns = 0, nl = 0;
	for (size_t i = 0; i < n; i++) {
		prob[i] = w[i] * n / sum;
		if (prob[i] < 1)
			small[ns++] = (uint32_t)i;
		else
			large[nl++] = (uint32_t)i;
	}
	while (ns && nl) {
		uint32_t s = small[--ns], l = large[nl - 1];
		alias[s] = l;
		prob[l] -= 1 - prob[s];
		if (prob[l] < 1) {
			nl--;
			small[ns++] = l;
		}
	}
	while (nl)
		prob[large[--nl]] = 1;
	while (ns)
		prob[small[--ns]] = 1;
	for (size_t i = 0; i < n; i++)
		a->e[i] = (struct alias_ent){ .prob = (float)prob[i], .alias = alias[i] };
	free(prob);
	free(alias);
	free(small);
	free(large);
	return 0;
}

struct azure_source {
	const struct alias *alias;
	double per_minute;      /* expected arrivals a minute, before the diurnal factor */
	gsl_rng *rng;
	uint32_t minute;
	double t_s, rate_per_s; /* current time and rate of the merged process */
	double mean_gap_s;      /* 1 / rate_per_s */
};

/* The merged Poisson process: piecewise-constant rate per minute; at a
 * minute boundary the exponential clock restarts (memoryless). */
static int azure_next(void *p, struct arrival *a, struct errbuf *err)
{
	struct azure_source *s = p;
	(void)err;
	for (;;) {
		double end = 60.0 * (s->minute + 1);
		double t = s->t_s + dist_exp_draw(s->rng, s->mean_gap_s);
		if (t < end) {
			s->t_s = t;
			break;
		}
		if (++s->minute >= AZ_MINUTES)
			return 0;
		s->t_s = end;
		s->rate_per_s = s->per_minute * az_diurnal(s->minute) / 60;
		s->mean_gap_s = 1 / s->rate_per_s;
	}
	double u = gsl_rng_uniform(s->rng) * s->alias->n;
	size_t i = (size_t)u;
	a->t_s = s->t_s;
	const struct alias_ent *e = &s->alias->e[i];
	a->function = (u - i) < e->prob ? (uint32_t)i : e->alias;
	a->duration_s = NAN;
	a->prompt_tokens = a->output_tokens = 0;
	return 1;
}

static void azure_close(void *p)
{
	struct azure_source *s = p;
	gsl_rng_free(s->rng);
	free(s);
}

static const struct workload_source_ops azure_ops = { .next = azure_next, .close = azure_close };

struct azure_ctx {
	struct alias alias;
	double total;
};

static int azure_add(void *ctx, struct workload *w, const struct scenario *sc, uint32_t rep,
		     struct errbuf *err)
{
	struct azure_ctx *c = ctx;
	struct azure_source *s = calloc(1, sizeof(*s));
	if (!s)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	s->alias = &c->alias;
	s->per_minute = c->total / AZ_MINUTES;
	s->rng = rng_stream(sc->seed, rep, 0, RNG_TRACE);
	s->rate_per_s = s->per_minute * az_diurnal(0) / 60;
	s->mean_gap_s = 1 / s->rate_per_s;
	return workload_add_source(w, &azure_ops, s, err);
}

static void bench_azure(struct result *r, double total)
{
	double *daily = malloc(AZ_FUNCTIONS * sizeof(*daily));
	struct azure_ctx ctx = { .total = total };
	az_daily(daily, total);
	if (alias_build(&ctx.alias, daily, AZ_FUNCTIONS) < 0) {
		snprintf(r->note, sizeof(r->note), "out of memory");
		return;
	}
	free(daily);
	json_t *doc = az_scenario(total, NULL);
	struct scenario sc;
	struct errbuf err = { "" };
	if (scenario_from_json(&sc, doc, "azure-day.json", &err) < 0) {
		snprintf(r->note, sizeof(r->note), "%.150s", err.msg);
		return;
	}
	json_decref(doc);
	struct run_options opt = { .threads = 1, .add_sources = azure_add, .sources_ctx = &ctx };
	run_loaded(r, &sc, &opt);
	scenario_free(&sc);
	free(ctx.alias.e);
}

/* The same day as an Azure 2019 invocation-count file. */
static int write_azure(const char *path, double total)
{
	FILE *fp = fopen(path, "w");
	if (!fp) {
		perror(path);
		return 1;
	}
	double *daily = malloc(AZ_FUNCTIONS * sizeof(*daily));
	az_daily(daily, total);
	fputs("HashOwner,HashApp,HashFunction,Trigger", fp);
	for (uint32_t m = 1; m <= AZ_MINUTES; m++)
		fprintf(fp, ",%u", m);
	fputc('\n', fp);
	gsl_rng *g = rng_stream(AZ_SEED, 0, 0, RNG_TRACE);
	for (size_t i = 0; i < AZ_FUNCTIONS; i++) {
		fprintf(fp, "o%04zu,a%05zu,f%05zu,%s", i / 50, i / 5, i, i % 7 == 0 ? "timer" : "http");
		for (uint32_t m = 0; m < AZ_MINUTES; m++)
			fprintf(fp, ",%u", gsl_ran_poisson(g, daily[i] / AZ_MINUTES * az_diurnal(m)));
		fputc('\n', fp);
	}
	gsl_rng_free(g);
	free(daily);
	return fclose(fp) == 0 ? 0 : 1;
}

/* The same day read back through the azure2019 reader: the file is written
 * once (outside the timing) into $SLSIM_BENCH_DIR, default ROOT/build/bench.
 * Loading the scenario scans the file (functions, span); the timed run
 * reads it again while it replays (one day held as varint cells), so the
 * rate includes parsing 150 MB of CSV. */
static void bench_azure_file(struct result *r, const char *root, double total)
{
	char dir[4096], path[4200], tmp[4300];
	const char *env = getenv("SLSIM_BENCH_DIR");
	snprintf(dir, sizeof(dir), "%s", env ? env : root);
	if (!env)
		snprintf(dir + strlen(dir), sizeof(dir) - strlen(dir), "/build/bench");
	snprintf(path, sizeof(path), "%s/azure-day-%.0f.csv", dir, total);
	if (access(path, R_OK) != 0) {
		snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
		if (write_azure(tmp, total) != 0 || rename(tmp, path) != 0) {
			snprintf(r->note, sizeof(r->note), "cannot write %.120s", path);
			return;
		}
	}
	json_t *doc = az_scenario(total, path);
	struct scenario sc;
	struct errbuf err = { "" };
	double t0 = wall_now();
	if (scenario_from_json(&sc, doc, "azure-day.json", &err) < 0) {
		json_decref(doc);
		snprintf(r->note, sizeof(r->note), "%.150s", err.msg);
		return;
	}
	double load_s = wall_now() - t0;
	json_decref(doc);
	struct run_options opt = { .threads = 1 };
	run_loaded(r, &sc, &opt);
	if (r->ok) {
		size_t len = strlen(r->note);
		snprintf(r->note + len, sizeof(r->note) - len, "; load %.1f s", load_s);
	}
	scenario_free(&sc);
}

/* scenarios/llm-gpu.json: continuous batching of an hour of the Azure LLM
 * conversation trace on GPU instances (needs ../shared), one run; the note
 * adds its time to first token. */
static void bench_llm_gpu(struct result *r, const char *root)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/scenarios/llm-gpu.json", root);
	struct scenario sc;
	struct errbuf err = { "" };
	if (scenario_load(&sc, path, NULL, 0, &err) < 0) {
		snprintf(r->note, sizeof(r->note), "%.150s", err.msg);
		return;
	}
	struct run_options opt = { .threads = 1 };
	struct run_result res;
	double t0 = wall_now(), c0 = cpu_now();
	int rc = run_scenario(&sc, &opt, &res, &err);
	r->wall_s = wall_now() - t0;
	r->cpu_s = cpu_now() - c0;
	if (rc < 0) {
		snprintf(r->note, sizeof(r->note), "failed: %.140s", err.msg);
	} else {
		r->events = (double)res.events;
		r->invocations = res.totals.mean[FIG_INVOCATIONS];
		snprintf(r->note, sizeof(r->note), "TTFT p99 %.3g s, $%.3g per 1,000 requests",
			 res.llm.mean[LLM_FIG_TTFT_P99], res.totals.mean[FIG_COST_PER_MILLION] / 1000);
		r->ok = 1;
		run_result_free(&res);
	}
	scenario_free(&sc);
}

/* ---- driver ------------------------------------------------------------ */

enum { HOLD, SIMFAAS, AZURE, AZURE_FILE, LLM_GPU };

struct bench_case {
	const char *name;
	int kind;
	double size;       /* pending timers, or invocations a day */
	const char *target;
};

static const struct bench_case cases[] = {
	{ "hold-1e3", HOLD, 1e3, "" },
	{ "hold-1e5", HOLD, 1e5, "" },
	{ "hold-1e6", HOLD, 1e6, "" },
	{ "simfaas-readme", SIMFAAS, 0, "wall <= 0.2 s" },
	{ "azure-day-1M", AZURE, 1e6, "" },      /* small: for profilers */
	{ "azure-day-10M", AZURE, 1e7, "" },
	{ "azure-day", AZURE, 1e8, ">= 5e6 inv/s, < 1024 MB" },
	{ "azure-file-1M", AZURE_FILE, 1e6, "" },
	{ "azure-file-10M", AZURE_FILE, 1e7, "" },
	{ "azure-file", AZURE_FILE, 1e8, ">= 5e6 inv/s, < 1024 MB" },
	{ "llm-gpu", LLM_GPU, 0, "" },
};

static void run_case(const struct bench_case *c, const char *root, struct result *r)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", c->name);
	switch (c->kind) {
	case HOLD:
		bench_hold(r, (size_t)c->size, 5000000);
		break;
	case SIMFAAS:
		bench_simfaas(r, root);
		break;
	case AZURE:
		bench_azure(r, c->size);
		break;
	case AZURE_FILE:
		bench_azure_file(r, root, c->size);
		break;
	case LLM_GPU:
		bench_llm_gpu(r, root);
		break;
	}
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--write-azure") == 0)
		return write_azure(argv[2], argc >= 4 ? atof(argv[3]) * 1e8 : 1e8);
	const char *root = getenv("SLSIM_ROOT") ? getenv("SLSIM_ROOT") : ".";
	const char *only = argc >= 2 ? argv[1] : NULL;
	int failed = 0;
	/* Rates per CPU-second of the simulating thread: on a shared machine
	 * wall time also counts other processes; on an idle core the two agree. */
	printf("%-15s %12s %8s %8s %12s %14s %9s  %-26s %s\n", "case", "events", "wall_s", "cpu_s",
	       "events/s", "invocations/s", "peak_MB", "target", "notes");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (only && strcmp(only, cases[i].name) != 0)
			continue;
		int fd[2];
		if (pipe(fd) != 0)
			return 1;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			struct result r;
			close(fd[0]);
			run_case(&cases[i], root, &r);
			_exit(write(fd[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
		}
		close(fd[1]);
		struct result r;
		memset(&r, 0, sizeof(r));
		ssize_t got = read(fd[0], &r, sizeof(r));
		close(fd[0]);
		int status;
		struct rusage ru;
		wait4(pid, &status, 0, &ru);
		if (got != (ssize_t)sizeof(r) || !r.ok) {
			printf("%-15s FAILED %s\n", cases[i].name, r.note);
			failed = 1;
			continue;
		}
		printf("%-15s %12.0f %8.3f %8.3f %12.3g %14.3g %9.1f  %-26s %s\n", r.name, r.events,
		       r.wall_s, r.cpu_s, r.events / r.cpu_s, r.invocations > 0 ? r.invocations / r.cpu_s : NAN,
		       ru.ru_maxrss / 1024.0, cases[i].target, r.note);
	}
	return failed;
}
