/*
 * models: the plug-in model interfaces and their registry.
 *
 * Three kinds of model, each an ops table of typedef'd functions filled with
 * designated initialisers in its own file (models/<kind>_<name>.c) and listed
 * once in models/registry.c:
 *   - cold-start models: how long a new instance takes before it can serve;
 *   - keep-alive policies: how long an idle instance is kept;
 *   - pricing models: how a request is metered and what the meter costs.
 * A model's parsed configuration is an opaque pointer it allocates in parse()
 * and releases in free_cfg(); configurations are read-only during runs, so
 * many simulations (threads) share them. Per-run mutable state, where a model
 * needs it, is created by its start() and released by its stop().
 */
#ifndef SLSIM_MODELS_H
#define SLSIM_MODELS_H

#include <stdint.h>
#include <jansson.h>
#include <gsl/gsl_rng.h>
#include "errbuf.h"
#include "jsonutil.h"

/* Every parse function reads `cfg` (a JSON object; may be NULL where the
 * scenario omitted it and the model has defaults), rejects unknown keys and
 * bad values with messages prefixed by `where` ("file: functions[0].keepalive"),
 * and stores its own allocation in *out. */
typedef int model_parse_fn(const json_t *cfg, const char *where, void **out, struct errbuf *err);
typedef void model_free_fn(void *cfg);

/* ---- cold start -------------------------------------------------------- */

struct coldstart_draw {
	double init_s;     /* instance initialisation before the request runs */
	double service_s;  /* the cold request's own run time after init */
};

/* warm_service_s: the service time the request would have had warm. */
typedef void coldstart_draw_fn(const void *cfg, gsl_rng *rng, double warm_service_s,
			       struct coldstart_draw *out);
typedef double coldstart_mean_fn(const void *cfg, double warm_mean_s);

struct coldstart_ops {
	const char *name;          /* the scenario's cold_start.mode */
	model_parse_fn *parse;
	model_free_fn *free_cfg;
	coldstart_draw_fn *draw;
	coldstart_mean_fn *mean_total_s;  /* E[init + service] of a cold request */
};

/* ---- keep-alive -------------------------------------------------------- */

struct engine;

/* The narrow platform API a keep-alive policy gets, for one function. A
 * policy schedules its own timers on `engine` (engine_at/engine_cancel, with
 * its state as context) and acts on the platform only through these calls;
 * it never sees instances or requests. */
struct keepalive_host {
	void *platform;            /* pass back to the calls below */
	struct engine *engine;
	uint32_t fn;               /* the function's index */
	uint32_t memory_mb;
	double cold_extra_s;       /* mean cold request time minus mean warm service time */
	double horizon_s;          /* duration_s: schedule nothing after it */
	/* Starts an instance of fn now, outside any request: it initialises
	 * (init drawn from the cold-start model; it counts as idle meanwhile),
	 * then waits idle until until_s (at least until its init ends) and is
	 * released unless a request took it; after serving, it follows on_idle.
	 * Returns 0, 1 when the memory pool had no room (nothing started), <0 on
	 * failure. */
	int (*prewarm)(void *platform, uint32_t fn, double until_s);
	/* Sets how many provisioned instances fn has from now on: they are
	 * created at once, never expire and are preferred by dispatch; lowering
	 * the number releases idle ones and turns busy ones into on-demand ones. */
	int (*set_provisioned)(void *platform, uint32_t fn, uint32_t instances);
	/* A warmer ping: a request of duration_s that is billed but not counted
	 * as a user invocation and not shown to on_arrival. */
	int (*ping)(void *platform, uint32_t fn, double duration_s);
	/* Idle instances of fn (including pre-warming ones), and all of them. */
	uint32_t (*idle_instances)(void *platform, uint32_t fn);
	uint32_t (*alive_instances)(void *platform, uint32_t fn);
	/* The memory pool's eviction clock: the priority of the instance evicted
	 * last (0 before the first eviction). */
	double (*pool_clock)(void *platform);
};

/* Per function and run; NULL is a valid state for stateless policies. The
 * host outlives the state. */
typedef void *keepalive_start_fn(const void *cfg, const struct keepalive_host *host);
typedef void keepalive_stop_fn(void *state);
/* A user request for the function arrived at now_s (before dispatch). */
typedef void keepalive_arrival_fn(void *state, double now_s);
/* An on-demand instance became idle at now_s: seconds to keep it (0: release
 * at once, INFINITY: never). */
typedef double keepalive_idle_fn(const void *cfg, void *state, double now_s);
/* With a memory pool (platform.pool_memory_mb), the eviction priority of an
 * instance that became idle at now_s: the lowest is evicted first. Without
 * this hook the priority is now_s (least recently used first). */
typedef double keepalive_priority_fn(const void *cfg, void *state, double now_s);

struct keepalive_ops {
	const char *name;          /* the scenario's keepalive.policy */
	model_parse_fn *parse;
	model_free_fn *free_cfg;
	keepalive_start_fn *start; /* optional */
	keepalive_stop_fn *stop;   /* optional */
	keepalive_arrival_fn *on_arrival; /* optional */
	keepalive_idle_fn *on_idle;
	keepalive_priority_fn *priority;  /* optional */
	/* 1 if it provisions instances: the provider must price provisioned
	 * concurrency (pricing_ops.meter_provisioned). */
	int provisions;
};

/* ---- pricing ----------------------------------------------------------- */

/* What a provider meters, kept in integers so that sums are exact and do not
 * depend on the order requests complete in. Units in the names. */
struct usage {
	uint64_t requests;
	uint64_t billed_ms;        /* billed duration, after the provider's rounding */
	uint64_t billed_mb_ms;     /* memory x billed duration */
	/* Provisioned concurrency: memory x provisioned instance-time (each
	 * period rounded as the provider bills it, AWS: 5-minute blocks), and
	 * memory x billed duration of requests served by provisioned instances
	 * (not in billed_mb_ms; their count is in requests). */
	uint64_t provisioned_mb_ms;
	uint64_t provisioned_billed_mb_ms;
};

static inline void usage_add(struct usage *dst, const struct usage *src)
{
	dst->requests += src->requests;
	dst->billed_ms += src->billed_ms;
	dst->billed_mb_ms += src->billed_mb_ms;
	dst->provisioned_mb_ms += src->provisioned_mb_ms;
	dst->provisioned_billed_mb_ms += src->provisioned_billed_mb_ms;
}

struct cost {
	double requests_usd;
	double compute_usd;
	double provisioned_usd;
	double total_usd;
};

/* Adds one request of the given memory to *u: init_s is the cold-start
 * initialisation (0 when warm), run_s the time the request ran. */
typedef void pricing_meter_fn(const void *cfg, struct usage *u, uint32_t memory_mb,
			      double init_s, double run_s);
/* Adds `instances` provisioned instances of memory_mb held for seconds (one
 * period at a constant level) to *u, rounded as the provider bills it. */
typedef void pricing_meter_time_fn(const void *cfg, struct usage *u, uint32_t memory_mb,
				   uint32_t instances, double seconds);
typedef void pricing_cost_fn(const void *cfg, const struct usage *u, struct cost *out);

struct pricing_ops {
	const char *name;          /* the scenario's provider */
	const void *data;          /* the provider's price list, passed to parse */
	/* parse receives the provider object ({"name": ..., overrides}) or NULL. */
	int (*parse)(const void *data, const json_t *cfg, const char *where, void **out,
		     struct errbuf *err);
	model_free_fn *free_cfg;
	pricing_meter_fn *meter;
	/* Optional (NULL: the provider has no provisioned concurrency): a
	 * request served by a provisioned instance, and provisioned time. */
	pricing_meter_fn *meter_provisioned;
	pricing_meter_time_fn *meter_provisioned_time;
	pricing_cost_fn *cost;
	uint32_t min_memory_mb, max_memory_mb;
};

/* ---- registry (models/registry.c) -------------------------------------- */

const struct coldstart_ops *coldstart_find(const char *name);
const struct keepalive_ops *keepalive_find(const char *name);
const struct pricing_ops *pricing_find(const char *name);
/* Comma-separated names of a kind, for error messages and --help. */
const char *coldstart_names(void);
const char *keepalive_names(void);
const char *pricing_names(void);

#endif
