/*
 * pricing: the pricing model interface: how a request is metered (struct
 * usage, exact integers) and what the meter costs. Prices are data
 * (models/pricing/data/<family>.json, see models/pricing/catalog.h); the
 * engines (models/pricing/<scheme>.c) are arithmetic.
 */
#ifndef SLSIM_MODELS_PRICING_H
#define SLSIM_MODELS_PRICING_H

#include <stdint.h>
#include "models/coldstart.h"

/* GPU types an engine may price (slots of struct usage.instance_gpu_ms). */
#define PRICING_GPU_TYPES 10

/* A function's accelerator (functions[i].accelerator) as the plan's engine
 * resolved it: count GPUs of the engine's type slot; count 0: none. */
struct pricing_accel {
	uint32_t type;
	uint32_t count;
};

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
	/* GPU count x instance lifetime, per GPU type (the slot a GPU engine
	 * gives the type: struct pricing_accel.type). */
	uint64_t instance_gpu_ms[PRICING_GPU_TYPES];
};

/* dst += src, field by field: the one place that knows the fields (inline:
 * metering adds up every request). */
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
	/* GPU time accrues only with instance time (gpu.c adds both): a
	 * request's usage skips the array, which would cost every request. */
	if (src->instance_ms)
		for (int i = 0; i < PRICING_GPU_TYPES; i++)
			dst->instance_gpu_ms[i] += src->instance_gpu_ms[i];
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
	/* The function serves several requests per instance at once
	 * (concurrency_per_instance > 1): plans that bill an instance while it
	 * is busy (Flex on demand and always ready, gen2 request-based) meter
	 * its busy periods (meter_busy) and this call adds the request alone. */
	int shared;
};

/* Kinds of time a meter_time call adds. */
enum pricing_time {
	/* A platform instance lived `seconds` (called when it is released, for
	 * the part inside the measured window). Billed only by instance-based
	 * schemes (azure-premium, gcf-gen2 with instance_based = 1). */
	PRICING_TIME_INSTANCE,
	/* `instances` provisioned / always-ready / min-instance slots of the
	 * function held `seconds` at a constant level (sim/run/run.c calls it per
	 * period between changes of the level). AWS rounds each period up to
	 * whole 5-minute blocks (the data's provisioned_block_s). Requests those
	 * instances serve are metered with meter_req.provisioned = 1. */
	PRICING_TIME_PROVISIONED,
	/* The function's SnapStart snapshot was cached `seconds` (minimum
	 * snapshot_min_s); only with RESTORE_CHARGED snapshots. */
	PRICING_TIME_SNAPSHOT,
	/* The function's provisioned instances served requests `seconds` in all
	 * (1 ms resolution; sim/run/collect.c calls it once, after the last
	 * PRICING_TIME_PROVISIONED of the window). Plans whose provisioned rate
	 * applies while those instances are idle (Flex's always-ready
	 * baseline, gen2's idle min-instance rates) take it off the provisioned
	 * time metered in *u, never below 0; the others ignore it. */
	PRICING_TIME_PROVISIONED_BUSY,
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
/* Adds one request's usage to *u; it must only add (sim/run/run.c meters a
 * request once into a zeroed usage and adds that to several totals). */
typedef void pricing_meter_fn(const void *cfg, struct usage *u, const struct meter_req *r);
/* Adds one busy period of an instance of a function with
 * concurrency_per_instance > 1: from when it took its first request to when
 * it had none left, requests that overlap counted once. period->init_s is
 * the start-up at its beginning (a cold start; 0 otherwise), period->run_s
 * the rest, period->provisioned whether the instance is provisioned. Plans
 * that bill instance time while requests run round it as they round a
 * request (granularity and minimum per period) and add no request; plans
 * that bill executions add nothing (their meter adds each request). */
typedef void pricing_meter_busy_fn(const void *cfg, struct usage *u, const struct meter_req *period);
/* The provider's per-instance concurrency for a function that does not set
 * functions[i].concurrency_per_instance (it may depend on the instance
 * size): at least 1. */
typedef uint32_t pricing_default_concurrency_fn(const void *cfg, uint32_t memory_mb, double vcpus);
/* Adds `instances` x `seconds` of a kind of time (instances = 1 for
 * PRICING_TIME_INSTANCE and PRICING_TIME_SNAPSHOT); accel is the function's
 * accelerator (NULL: none), billed only by GPU plans. */
typedef void pricing_meter_time_fn(const void *cfg, struct usage *u, enum pricing_time kind,
				   uint32_t memory_mb, double vcpus, uint32_t instances, double seconds,
				   const struct pricing_accel *accel);
/* A function's accelerator: type is functions[i].accelerator.type (NULL when
 * the function has none) and count its count, with the function's memory
 * and vCPUs. Fills *out (count 0 when type is NULL) and returns 0; returns
 * 1 when the plan has no GPUs and type is set (the caller says so, naming
 * the plan); fails naming `where` (the function's JSON path) when the type
 * is unknown, the count or the instance's size outside the provider's
 * limits, or the plan needs an accelerator and type is NULL. */
typedef int pricing_accelerator_fn(const void *cfg, const char *type, uint32_t count, uint32_t memory_mb,
				   double vcpus, struct pricing_accel *out, const char *where, struct errbuf *err);
/* 1 if the provider prices provisioned capacity (PRICING_TIME_PROVISIONED):
 * AWS provisioned concurrency, Flex always ready, Premium always ready,
 * gen2 min instances. Keep-warm policies that provision need it. */
typedef int pricing_has_provisioned_fn(const void *cfg);
/* The bill of u at list (first-tier) prices, no free tier. */
typedef void pricing_cost_fn(const void *cfg, const struct usage *u, struct cost *out);
/* The monthly bill of u x scale (scale = 730 h / measured window): free
 * tiers (when the configuration's free_tier is set) and volume tiers apply
 * to the scaled monthly totals. */
typedef void pricing_monthly_fn(const void *cfg, const struct usage *u, double scale, struct cost *out);

struct pricing_ops;
/* Reads the provider's prices (self->name's entry in models/pricing/data/)
 * and the scenario's overrides: cfg is the provider object ({"name": ...,
 * overrides}) or NULL. */
typedef int pricing_parse_fn(const struct pricing_ops *self, const json_t *cfg, const struct pricing_opts *opts,
			     const char *where, void **out, struct errbuf *err);

struct pricing_ops {
	const char *name;          /* the scenario's provider, and its key in models/pricing/ (a JSON file) */
	pricing_parse_fn *parse;
	model_free_fn *free_cfg;
	pricing_resources_fn *resources;
	pricing_meter_fn *meter;
	pricing_meter_busy_fn *meter_busy;
	pricing_meter_time_fn *meter_time;
	pricing_has_provisioned_fn *has_provisioned;
	pricing_cost_fn *cost;
	pricing_monthly_fn *monthly;
	pricing_default_concurrency_fn *default_concurrency;
	pricing_accelerator_fn *accelerator;
};

#endif
