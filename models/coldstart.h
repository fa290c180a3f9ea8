/*
 * coldstart: the cold-start model interface: how long a new instance takes
 * before it can serve, and how it started (pricing bills restores).
 * Implementations: models/coldstart/ (one file each), listed in models/registry.c.
 */
#ifndef SLSIM_MODELS_COLDSTART_H
#define SLSIM_MODELS_COLDSTART_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "models/model.h"

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
	/* The part of init_s that reads the model's weights at a fixed rate
	 * (mode "model": model.size_mb / model.load_mb_per_s; 0 otherwise):
	 * on a GPU node (platform.nodes) the platform replaces it with a load
	 * through the node's storage tiers. Draws leave it alone when 0. */
	double model_load_s;
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
/* The size (MB) of the model's weights (mode "model": model.size_mb; 0
 * without a model). */
typedef double coldstart_model_size_fn(const void *cfg);
/* The snapshot kind the model restores from (RESTORE_NONE without one). */
typedef enum restore_kind coldstart_snapshot_fn(const void *cfg);

/* What the models made of one distribution (add, replace) share: parse
 * reads the required distribution object `key` of cfg (only "mode" and key
 * allowed) into a struct dist (core/dist.h), which free_dist releases. */
int coldstart_parse_dist(const json_t *cfg, const char *key, const char *where, void **out, struct errbuf *err);
model_free_fn coldstart_free_dist;

struct coldstart_ops {
	const char *name;          /* the scenario's cold_start.mode */
	coldstart_parse_fn *parse;
	model_free_fn *free_cfg;
	coldstart_draw_fn *draw;
	coldstart_mean_fn *mean_total_s;  /* E[init + service] of a cold request */
	coldstart_footprint_fn *footprint_mb;  /* optional: 0 when absent */
	coldstart_snapshot_fn *snapshot;       /* optional: RESTORE_NONE when absent */
	coldstart_model_size_fn *model_size_mb;  /* optional: 0 when absent */
};

#endif
