/*
 * scenario: reading, overriding and validating scenario files.
 *
 * Owns the validated, typed form of a scenario (struct scenario) and the JSON
 * document it came from. Every key is documented in scenarios/README.md.
 * Loading rejects duplicate and unknown keys, wrong types and out-of-range
 * values with messages naming the file and the JSON path (or line:column for
 * syntax errors); --set assignments are applied to the document first, so
 * they are validated exactly like the file.
 */
#ifndef SLSIM_SCENARIO_H
#define SLSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "core/dist.h"
#include "core/errbuf.h"
#include "models/models.h"
#include "scenario/nodes.h"
#include "workload/trace.h"

/* Documented limits (scenarios/README.md). */
#define SCENARIO_MAX_FUNCTIONS 1000000u
#define SCENARIO_MAX_REPLICATIONS 100000u
#define SCENARIO_MAX_DURATION_S 1e10
#define SCENARIO_MAX_EXPECTED_ARRIVALS 1e11
#define SCENARIO_MAX_TIMESERIES_BINS 10000000u

enum on_limit { ON_LIMIT_REJECT, ON_LIMIT_QUEUE };
enum idle_selection { IDLE_MRU, IDLE_NEWEST, IDLE_LRU, IDLE_RANDOM };
/* How much a new instance that does not fit the memory pool evicts: its
 * shortfall, or (FaasCache, OpenWhisk) its whole size. */
enum pool_eviction { POOL_EVICT_SHORTFALL, POOL_EVICT_WHOLE_SIZE };
/* ARRIVALS_WORKLOAD: no process of its own; arrivals come only from the
 * scenario's "workload". */
enum arrival_process { ARRIVALS_POISSON, ARRIVALS_PERIODIC, ARRIVALS_TRACE, ARRIVALS_WORKLOAD };

struct arrivals_cfg {
	enum arrival_process process;
	double rate_per_s;                 /* poisson */
	double period_s, jitter_s, phase_s; /* periodic: phase + k*period + U(0, jitter) */
	char *trace_path;                  /* trace: resolved against the scenario's folder */
	char *trace_format;                /* trace: "csv" */
	double traffic_scale;              /* trace: thinning / copies (workload/tscale.h); 1 = as read */
};

/* A request's work, from which its service time follows (functions[i].work). */
struct work_cfg {
	double cpu_s;              /* CPU seconds at one full vCPU of the plan's processors
				    * (the scenario's cpu_s, at x86_64 speed, / arch_speed) */
	double arch_speed;         /* the plan's CPU speed relative to x86_64 (models/runtimes.h) */
	double io_s;               /* seconds not spent on the CPU */
	double parallel_fraction;  /* Amdahl: the share of cpu_s that parallelises */
	double cv;                 /* sd / mean of the service time (lognormal; 0 = constant) */
	uint32_t min_memory_mb;    /* memory the work needs */
};

/* functions[i].batch: requests served in batches (sim/platform/batch.c). A
 * batch leaves when it holds max_size requests or max_wait_s after its first
 * joined (INFINITY: null, wait until full or duration_s); it runs base_s +
 * per_item_s x its size, or its profile's time for its size. max_size 0: the
 * function does not batch. */
struct batchprof;
struct batch_cfg {
	uint32_t max_size;
	double max_wait_s, base_s, per_item_s;
	/* service {"profile": FILE}: the time by size, interpolated
	 * (models/batchprofile.h; NULL: base_s + per_item_s x size); its path
	 * resolved against the scenario's folder. */
	struct batchprof *profile;
	char *profile_path;
};

/* functions[i].llm: an LLM served token by token with continuous batching
 * on each instance (sim/platform/llm.c; models/README.md, "LLM serving").
 * prof NULL: not an LLM function. */
struct llmprof;
enum llm_first_token {
	LLM_FIRST_PREFILL,   /* the prefill yields the first token (the measured profile's convention) */
	LLM_FIRST_DECODE,    /* every output token takes a decode iteration */
};
struct llm_fn_cfg {
	struct llmprof *prof;      /* the measured profile (owned) */
	double kv_cache_gb;        /* KV-cache memory of an instance, GiB */
	double kv_bytes_per_token;
	uint64_t kv_tokens;        /* floor(kv_cache_gb x 2^30 / kv_bytes_per_token) */
	uint32_t max_batch;        /* requests in the running batch at most */
	enum llm_first_token first_token;
};

/* Why a function's requests fail for lack of memory (decided at load). */
enum oom_kind {
	OOM_NONE,
	OOM_INIT,   /* the instance cannot hold runtime + model: fails at the end of its init */
	OOM_RUN,    /* the work needs more than memory_mb: fails at the end of its run */
};

struct function_cfg {
	char *name;
	uint32_t memory_mb;
	double vcpus;                      /* the provider's vCPU share (or the configured vcpus) */
	int has_work;                      /* service was derived from `work` */
	struct work_cfg work;
	enum oom_kind oom;
	uint32_t needed_memory_mb;         /* max(work.min_memory_mb, cold-start footprint) */
	uint32_t concurrency_per_instance;
	uint32_t reserved_concurrency;     /* 0: draws on the account's unreserved pool */
	double timeout_s;
	struct dist service;
	const struct coldstart_ops *cold_start;
	void *cold_start_cfg;
	const struct keepalive_ops *keepalive;
	void *keepalive_cfg;
	struct arrivals_cfg arrivals;
	/* Processor sharing on an instance (concurrency_per_instance > 1): the
	 * share of a request's service time that is CPU-bound (from `work`, or
	 * functions[i].cpu_fraction, default 0), and how many requests in their
	 * CPU phase run at full speed at once, cpu_width = vCPUs / the vCPUs one
	 * uses alone; with n > cpu_width each runs at cpu_width / n of its speed
	 * alone. Kept last: the hot fields above keep their places. */
	double cpu_fraction, cpu_width;
	struct batch_cfg batch;
	struct pricing_accel accel;        /* functions[i].accelerator as the plan resolved it */
	/* On platform.nodes (scenario/nodes.h), a function with an accelerator
	 * is placed: its model (functions[i].model, default its name and
	 * cold_start.model.size_mb), that model's number in nodes_cfg.models,
	 * and the node groups that can hold an instance (bit g). */
	int placed;
	char *model_name;
	uint32_t model;
	double model_size_gb;
	uint64_t node_groups;
	struct llm_fn_cfg llm;
};

struct platform_cfg {
	uint32_t account_concurrency;      /* in-flight requests over all functions */
	enum on_limit on_limit;
	double queue_timeout_s;
	enum idle_selection idle_selection;
	uint64_t pool_memory_mb;           /* memory of all live instances; 0: unlimited */
	enum pool_eviction pool_eviction;
	uint32_t reserved_total;           /* the functions' reserved_concurrency, summed
					    * (<= account_concurrency, checked) */
	struct nodes_cfg *nodes;           /* platform.nodes (scenario/nodes.h); NULL: none */
};

struct scenario {
	char *path;                        /* as given, for messages */
	char *dir;                         /* folder relative paths are resolved against */
	json_t *json;                      /* the document after --set */
	char *name;
	uint64_t seed;
	double duration_s, warmup_s, timeseries_interval_s;
	uint32_t replications;
	const struct pricing_ops *pricing;
	void *pricing_cfg;
	struct pricing_opts pricing_opts;  /* top-level "pricing" */
	double timeout_max_s;              /* the provider's maximum timeout_s (INFINITY: none) */
	double default_ttl_s;              /* the provider's default idle time (NAN: none; see
					    * pricing_catalog_keepalive) */
	struct platform_cfg platform;
	/* "workload": the prepared trace or generator (NULL without one). Its
	 * functions follow the listed ones in functions[], in order of
	 * appearance, configured from "function_defaults" and what the trace
	 * says (service-time percentiles, memory). */
	struct trace *workload;
	size_t n_listed;                   /* functions[0 .. n_listed) come from "functions" */
	size_t n_functions;
	struct function_cfg *functions;
	/* "compare": {"keepalive": [...]}: the policies to run one by one
	 * (borrowed from json), or NULL. */
	const json_t *compare_keepalive;
	/* Open-addressing index of function names (scenario_function_index). */
	uint32_t *name_slots;
	size_t n_name_slots;
};

/* Reads the file at path, applies each "PATH=VALUE" of sets in order, and
 * validates. On failure *s is left empty (scenario_free is still safe). */
int scenario_load(struct scenario *s, const char *path, const char *const *sets, size_t n_sets,
		  struct errbuf *err);

/* Validates an in-memory document (a reference is taken); `path` names it in
 * messages and its folder anchors relative trace paths. */
int scenario_from_json(struct scenario *s, json_t *doc, const char *path, struct errbuf *err);

/* Applies one "PATH=VALUE" assignment to doc: PATH is keys and [index]es
 * (functions[0].keepalive.ttl_s); VALUE is JSON if it parses, else a string.
 * Missing object keys along the path are created. */
int scenario_apply_set(json_t *doc, const char *assignment, struct errbuf *err);

/* Mean service time of `work` on vcpus vCPUs: io_s + cpu_s / speedup, with
 * Amdahl's speedup 1 / ((1 - p) + p / vcpus) from one vCPU up, and a share
 * below one vCPU stretching all CPU time by 1 / vcpus. */
double scenario_work_service_s(const struct work_cfg *w, double vcpus);
/* vCPUs one request of `work` keeps busy alone on vcpus vCPUs: cpu_s over
 * its CPU time (the Amdahl speedup from one vCPU up, the share itself
 * below one). */
double scenario_work_vcpus_used(const struct work_cfg *w, double vcpus);

/* Index of the function with this name, or -1. */
long scenario_function_index(const struct scenario *s, const char *name);

void scenario_free(struct scenario *s);

#endif
