/*
 * keepalive: the keep-alive policy interface: how long an idle instance is
 * kept, and the narrow platform API (struct keepalive_host) a policy acts
 * through. Implementations: models/keepalive/ (one file each), listed in models/registry.c.
 */
#ifndef SLSIM_MODELS_KEEPALIVE_H
#define SLSIM_MODELS_KEEPALIVE_H

#include <stdint.h>
#include "models/model.h"

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
	/* Requests started on fn's live instances (each instance's count goes
	 * with it): FaasCache's greedy-dual frequency. Counted only for
	 * functions under FaasCache's rules (keepalive_ops.faascache). */
	uint64_t (*alive_requests)(void *platform, uint32_t fn);
	/* Where a policy that draws seeds its own stream (rng_stream with
	 * RNG_KEEPALIVE), so its draws change no other stream. */
	uint64_t seed;
	uint32_t replication;
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
/* 1 when cfg asks for FaasCache's rules (keepalive.variant "faascache"). */
typedef int keepalive_faascache_fn(const void *cfg);

/* The parse of a policy without options (none, lru, greedy-dual): only
 * "policy" is allowed; the configuration is a placeholder released with free. */
model_parse_fn keepalive_parse_no_options;

/* keepalive.variant: "slsim" (default, *faascache = 0) or "faascache" (1);
 * the caller lists "variant" among its keys. */
int keepalive_parse_variant(const json_t *cfg, const char *where, int *faascache, struct errbuf *err);
/* The configuration of a policy whose only option is "variant" (lru,
 * greedy-dual): keepalive_parse_variant_only makes it (release with free),
 * keepalive_variant_faascache reads it (a keepalive_faascache_fn). */
struct keepalive_variant_cfg {
	int faascache;
};
model_parse_fn keepalive_parse_variant_only;
int keepalive_variant_faascache(const void *cfg);
/* A keepalive_const_ttl_fn: INFINITY (kept until evicted). */
double keepalive_forever(const void *cfg);

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
	/* Optional: FaasCache's rules (Fuerst and Sharma, ASPLOS'21, its
	 * simulator's LambdaScheduler.py), when faascache(cfg) says so. Then
	 * constant_ttl is required, and the platform: calls start_priority
	 * when a request of the function starts on an instance and gives that
	 * priority to all the function's instances (instead of calling
	 * priority per instance when it becomes idle); counts the TTL from the
	 * start of an instance's last request; and releases an expired idle
	 * instance only when the function is next invoked (until then it holds
	 * its memory and may be evicted). */
	keepalive_faascache_fn *faascache;
	keepalive_priority_fn *start_priority;
	/* 1 if it provisions instances: the provider must price provisioned
	 * capacity (pricing_ops.has_provisioned). */
	int provisions;
	/* Optional: seconds after its creation an on-demand instance is
	 * recycled (INFINITY: never). The platform releases it when its last
	 * request ends past that age, and keeps it idle no longer than what is
	 * left of it. */
	keepalive_const_ttl_fn *max_lifetime;
};

#endif
