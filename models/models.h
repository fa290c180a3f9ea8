/*
 * models: the plug-in model interfaces and their registry.
 *
 * Three kinds of model, each an ops table of typedef'd functions filled with
 * designated initialisers in its own file (models/<kind>_<name>.c) and listed
 * once in models/registry.c:
 *   - cold-start models: how long a new instance takes before it can serve;
 *   - keep-alive policies: how long an idle instance is kept;
 *   - pricing models: how a request is metered and what the meter costs;
 *     prices are data (models/pricing/<family>.json, embedded at build time, see
 *     models/pricing_catalog.h), the engines (models/pricing_<scheme>.c)
 *     are arithmetic.
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

/* How a new instance got ready (pricing bills them differently). */
enum restore_kind {
	RESTORE_NONE,      /* initialised from scratch: init_s is INIT time */
	RESTORE_FREE,      /* resumed from a snapshot at no fee (SnapStart for Java) */
	RESTORE_CHARGED,   /* resumed from a snapshot with cache and restore fees (Python, .NET) */
};

struct coldstart_draw {
	double init_s;     /* instance initialisation (or snapshot restore) before the request runs */
	double service_s;  /* the cold request's own run time after init */
	enum restore_kind restore;
};

/* What a cold-start model may depend on besides its own JSON: the provider
 * (pricing model name) and the function's resources, all known at load. */
struct coldstart_ctx {
	const char *provider;      /* "aws-lambda-x86", "gcf-gen1", ... */
	uint32_t memory_mb;
	double vcpus;              /* the provider's vCPU share for memory_mb */
};

typedef int coldstart_parse_fn(const json_t *cfg, const struct coldstart_ctx *ctx, const char *where,
			       void **out, struct errbuf *err);
/* warm_service_s: the service time the request would have had warm. */
typedef void coldstart_draw_fn(const void *cfg, gsl_rng *rng, double warm_service_s,
			       struct coldstart_draw *out);
typedef double coldstart_mean_fn(const void *cfg, double warm_mean_s);
/* Memory (MB) an instance needs to finish initialising (runtime + model). */
typedef uint32_t coldstart_footprint_fn(const void *cfg);
/* The snapshot kind the model restores from (RESTORE_NONE without one). */
typedef enum restore_kind coldstart_snapshot_fn(const void *cfg);

struct coldstart_ops {
	const char *name;          /* the scenario's cold_start.mode */
	coldstart_parse_fn *parse;
	model_free_fn *free_cfg;
	coldstart_draw_fn *draw;
	coldstart_mean_fn *mean_total_s;  /* E[init + service] of a cold request */
	coldstart_footprint_fn *footprint_mb;  /* optional: 0 when absent */
	coldstart_snapshot_fn *snapshot;       /* optional: RESTORE_NONE when absent */
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

typedef double keepalive_const_ttl_fn(const void *cfg);

struct keepalive_ops {
	const char *name;          /* the scenario's keepalive.policy */
	model_parse_fn *parse;
	model_free_fn *free_cfg;
	keepalive_start_fn *start; /* optional */
	keepalive_stop_fn *stop;   /* optional */
	keepalive_arrival_fn *on_arrival; /* optional */
	keepalive_idle_fn *on_idle;
	keepalive_priority_fn *priority;  /* optional */
	/* Optional, for a stateless policy whose on_idle always returns the
	 * same TTL: that TTL (the platform then reads it once at start instead
	 * of calling on_idle per idle period; a speed-up, same results). */
	keepalive_const_ttl_fn *constant_ttl;
	/* 1 if it provisions instances: the provider must price provisioned
	 * capacity (pricing_ops.has_provisioned). */
	int provisions;
};

/* ---- pricing ----------------------------------------------------------- */

/* What providers meter, kept in integers so that sums are exact and do not
 * depend on the order requests complete in. Rounding (to the provider's
 * billing granularity) happens once per request or per metered period, in
 * the meter functions; cost functions only multiply. Units in the names:
 * mb_ms = MB x ms, mvcpu_ms = thousandths of a vCPU x ms, mhz_ms = MHz x ms. */
struct usage {
	uint64_t requests;             /* every request that ran (on demand or provisioned) */
	uint64_t billed_ms;            /* billed duration of on-demand requests */
	uint64_t billed_mb_ms;         /* memory x billed duration, on demand */
	uint64_t billed_mvcpu_ms;      /* vCPU x billed duration (GCF gen2, request-based) */
	uint64_t billed_mhz_ms;        /* CPU clock x billed duration (GCF gen1 GHz-s) */
	uint64_t provisioned_billed_mb_ms;  /* duration of requests served by provisioned instances */
	uint64_t provisioned_mb_ms;    /* provisioned capacity held, in the provider's blocks */
	uint64_t provisioned_mvcpu_ms;
	uint64_t instance_ms;          /* lifetime of platform instances (instance-based billing) */
	uint64_t instance_mb_ms;
	uint64_t instance_mvcpu_ms;
	uint64_t restores;             /* charged snapshot restores (SnapStart Python/.NET) */
	uint64_t restore_mb;           /* memory restored, summed over restores */
	uint64_t snapshot_mb_ms;       /* snapshot cache held (memory x time, minimum applied) */
};

/* dst += src, field by field (the one place that knows the fields). */
/* Adds src's counts into dst (inline: metering adds up every request). */
static inline void usage_add(struct usage *dst, const struct usage *src)
{
	dst->requests += src->requests;
	dst->billed_ms += src->billed_ms;
	dst->billed_mb_ms += src->billed_mb_ms;
	dst->billed_mvcpu_ms += src->billed_mvcpu_ms;
	dst->billed_mhz_ms += src->billed_mhz_ms;
	dst->provisioned_billed_mb_ms += src->provisioned_billed_mb_ms;
	dst->provisioned_mb_ms += src->provisioned_mb_ms;
	dst->provisioned_mvcpu_ms += src->provisioned_mvcpu_ms;
	dst->instance_ms += src->instance_ms;
	dst->instance_mb_ms += src->instance_mb_ms;
	dst->instance_mvcpu_ms += src->instance_mvcpu_ms;
	dst->restores += src->restores;
	dst->restore_mb += src->restore_mb;
	dst->snapshot_mb_ms += src->snapshot_mb_ms;
}


struct cost {
	double requests_usd;
	double compute_usd;        /* on-demand duration, CPU and instance time, snapshot fees */
	double provisioned_usd;    /* provisioned capacity and the duration it served */
	double total_usd;
};

/* One request that ran (completed, timed out or out of memory). */
struct meter_req {
	uint32_t memory_mb;        /* the function's configured memory */
	double vcpus;              /* its vCPU share (struct function_cfg.vcpus) */
	double init_s;             /* initialisation or restore it waited for (0 when warm) */
	double run_s;              /* time it ran after init */
	enum restore_kind restore; /* how its instance started (cold requests) */
	int provisioned;           /* served by a provisioned (always-ready) instance */
};

/* Kinds of time a meter_time call adds. */
enum pricing_time {
	/* A platform instance lived `seconds` (called when it is released, for
	 * the part inside the measured window). Billed only by instance-based
	 * schemes (azure-premium, gcf-gen2 with instance_based = 1). */
	PRICING_TIME_INSTANCE,
	/* `instances` provisioned / always-ready / min-instance slots of the
	 * function held `seconds` at a constant level (sim/run.c calls it per
	 * period between changes of the level). AWS rounds each period up to
	 * whole 5-minute blocks (the data's provisioned_block_s). Requests those
	 * instances serve are metered with meter_req.provisioned = 1. */
	PRICING_TIME_PROVISIONED,
	/* The function's SnapStart snapshot was cached `seconds` (minimum
	 * snapshot_min_s); only with RESTORE_CHARGED snapshots. */
	PRICING_TIME_SNAPSHOT,
};

/* Options every pricing configuration carries (top-level "pricing"). */
struct pricing_opts {
	int free_tier;             /* apply monthly free tiers in monthly_usd */
};

/* Function resources as the provider allows them; `vcpus_requested` is NAN
 * when the scenario did not set functions[i].vcpus. Writes the effective
 * vCPU share, or fails naming `where` (the function's JSON path). */
typedef int pricing_resources_fn(const void *cfg, uint32_t memory_mb, double vcpus_requested,
				 double *vcpus, const char *where, struct errbuf *err);
/* Adds one request's usage to *u; it must only add (sim/run.c meters a
 * request once into a zeroed usage and adds that to several totals). */
typedef void pricing_meter_fn(const void *cfg, struct usage *u, const struct meter_req *r);
/* Adds `instances` x `seconds` of a kind of time (instances = 1 for
 * PRICING_TIME_INSTANCE and PRICING_TIME_SNAPSHOT). */
typedef void pricing_meter_time_fn(const void *cfg, struct usage *u, enum pricing_time kind,
				   uint32_t memory_mb, double vcpus, uint32_t instances, double seconds);
/* 1 if the provider prices provisioned capacity (PRICING_TIME_PROVISIONED):
 * AWS provisioned concurrency, Flex always ready, Premium always ready,
 * gen2 min instances. Keep-warm policies that provision need it. */
typedef int pricing_has_provisioned_fn(const void *cfg);
/* The bill of u at list (first-tier) prices, no free tier. */
typedef void pricing_cost_fn(const void *cfg, const struct usage *u, struct cost *out);
/* The monthly bill of u x scale (scale = 30 days / measured window): free
 * tiers (when the configuration's free_tier is set) and volume tiers apply
 * to the scaled monthly totals. */
typedef void pricing_monthly_fn(const void *cfg, const struct usage *u, double scale, struct cost *out);

struct pricing_ops {
	const char *name;          /* the scenario's provider, and its key in models/pricing/ (a JSON file) */
	/* parse receives the provider object ({"name": ..., overrides}) or NULL. */
	int (*parse)(const struct pricing_ops *self, const json_t *cfg, const struct pricing_opts *opts,
		     const char *where, void **out, struct errbuf *err);
	model_free_fn *free_cfg;
	pricing_resources_fn *resources;
	pricing_meter_fn *meter;
	pricing_meter_time_fn *meter_time;
	pricing_has_provisioned_fn *has_provisioned;
	pricing_cost_fn *cost;
	pricing_monthly_fn *monthly;
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
