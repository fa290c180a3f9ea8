/*
 * pricing_catalog: the built-in price lists and what the pricing engines share.
 *
 * Prices are data: models/pricing/data/<family>.json, embedded into the
 * binary at build time (.incbin in catalog.c), so slsim does not depend on
 * the working directory. Each file is
 *   {"schema": "slsim-pricing/1", "currency", "region",
 *    "providers": {NAME: {"engine": E, "description": D,
 *                         "values": {FIELD: {"value": x, "unit", "as_of", "source",
 *                                            "confirmed", "note"}},
 *                         "coldstart": {FIELD: {...the same form...}}}}}
 * with an as_of date and a source URL for every number. An engine (one per
 * billing scheme: aws.c, azure.c, gcf.c) declares its fields; a provider
 * (plan) is a catalogue entry naming that engine plus one line in
 * models/registry.c (see models/README.md, "Adding a model").
 */
#ifndef SLSIM_PRICING_CATALOG_H
#define SLSIM_PRICING_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "core/errbuf.h"
#include "models/pricing.h"

/* One numeric field of an engine's price struct (a double at offset).
 * Fields marked optional take `def` when the provider's data lacks them;
 * the data may not hold fields the engine does not know. */
struct pricing_field {
	const char *name;
	size_t offset;
	double lo, hi;      /* accepted range, for data and overrides */
	int optional;
	double def;
};

/* Fills `prices` from the catalogue entry of `provider` (whose engine must
 * be `engine`), then applies the scenario's overrides: every key of cfg but
 * "name" must be a field present in the provider's data. ERR_INPUT names
 * `where`; a broken built-in list is ERR_RUNTIME. *present (optional, may be
 * NULL) gets one flag per field: 1 when the data holds it. */
int pricing_catalog_read(const char *provider, const char *engine, const struct pricing_field *fields,
			 size_t n_fields, void *prices, int *present, const json_t *cfg, const char *where,
			 struct errbuf *err);

/* A provider's cold-start facts: its entry's "coldstart" object, in the same
 * {"value", "unit", "as_of", "source", ...} form as its prices. They belong to
 * the provider's data, not to a cold-start model's code (models/coldstart/
 * model.c reads them for its defaults). */
struct pricing_coldstart {
	/* Median platform start of a Python function: start_median_s, flat in
	 * memory; or, when start_median_large_s is set (not NAN), start_median_s
	 * at start_median_mb or less, start_median_large_s at
	 * start_median_large_mb or more, log-linear in memory in between. */
	double start_median_s, start_median_mb;
	double start_median_large_s, start_median_large_mb;
	double snapstart;   /* 1: functions may resume from a snapshot (SnapStart) */
};

/* Fills *out from the provider's cold-start data: 0, 1 when the catalogue
 * has no such provider or no cold-start data for it, ERR_RUNTIME when the
 * built-in list is broken. */
int pricing_catalog_coldstart(const char *provider, struct pricing_coldstart *out, struct errbuf *err);

/* The processor architecture a provider plan runs on: its entry's
 * "architecture" string ("x86_64", "arm64"; speeds in models/runtimes.h)
 * into arch (size bytes). 0, 1 when the catalogue has no such provider,
 * ERR_RUNTIME when the entry lacks it. */
int pricing_catalog_architecture(const char *provider, char *arch, size_t size, struct errbuf *err);

/* A provider's limits on a function's configuration: its entry's "limits"
 * object, in the same form as its prices. */
struct pricing_limits {
	double timeout_max_s;   /* the longest timeout_s it allows; NAN: no maximum */
};

/* Fills *out from the provider's limits: 0, 1 when the catalogue has no
 * such provider or no limits for it (*out all NAN), ERR_RUNTIME when the
 * built-in list is broken. */
int pricing_catalog_limits(const char *provider, struct pricing_limits *out, struct errbuf *err);

/* A provider's keep-alive facts: its entry's "keepalive" object, in the same
 * form as its prices. default_ttl_s is how long the platform keeps an idle
 * instance when the function configures nothing (RunPod's idle timeout,
 * Modal's scaledown window, ACA's cool-down period): functions without a
 * "keepalive" get policy fixed with that ttl_s (sim/scenario/scenario.c). */
struct pricing_keepalive {
	double default_ttl_s;   /* NAN: none in the data (slsim's default, fixed 600 s) */
};

/* Fills *out from the provider's keep-alive data: 0, 1 when the catalogue
 * has no such provider or no keep-alive data for it (*out all NAN),
 * ERR_RUNTIME when the built-in list is broken. */
int pricing_catalog_keepalive(const char *provider, struct pricing_keepalive *out, struct errbuf *err);

/* The names of the plans whose data uses `engine` ("gpu"), comma-separated
 * in catalogue order, into out (size bytes, cut when full). */
void pricing_catalog_plans_of(const char *engine, char *out, size_t size);

/* The embedded files, NULL-terminated (name and NUL-terminated text). */
struct pricing_catalog_file {
	const char *name;
	const char *text;
};
const struct pricing_catalog_file *pricing_catalog_files(void);

/* Duration rounded up to a multiple of granularity_ms, at least min_ms.
 * A 1e-7 ms slack keeps 0.12 s (120.00000000000001 ms in binary) at 120. */
uint64_t pricing_round_ms(double s, double granularity_ms, double min_ms);

/* Cost of q units over volume tiers: the first t1 at p1, the next t2 at p2,
 * the rest at p3. */
double pricing_tiered(double q, double t1, double p1, double t2, double p2, double p3);

/* q minus a free allowance, never below 0. */
double pricing_after_free(double q, double free);

/* Reads the provider's prices like pricing_catalog_read into a new
 * allocation of `size` bytes (*out, released with free), and stores the
 * configuration's free_tier option as an int at `free_tier_offset`: what
 * every engine's parse does first. */
int pricing_catalog_new(const char *provider, const char *engine, const struct pricing_field *fields,
			size_t n_fields, size_t size, size_t free_tier_offset, const json_t *cfg,
			const struct pricing_opts *opts, const char *where, void **out, struct errbuf *err);

/* The accelerator op of engines without GPUs: 0 without one, 1 with one
 * (the plan has no GPUs). */
int pricing_no_accelerator(const char *type);

/* GB-s of an MB x ms meter x scale (GB = 1,024 MB, as every provider bills it). */
double pricing_gb_s(uint64_t mb_ms, double scale);

/* The functions an engine (models/pricing/<engine>.c) exports, named
 * pricing_<engine>_<op>; its file declares them with PRICING_ENGINE(engine)
 * and models/registry.c builds each plan's ops from them (PRICING_PROVIDER). */
#define PRICING_ENGINE(engine)                                         \
	pricing_parse_fn pricing_##engine##_parse;                     \
	pricing_resources_fn pricing_##engine##_resources;             \
	pricing_meter_fn pricing_##engine##_meter;                     \
	pricing_meter_busy_fn pricing_##engine##_meter_busy;           \
	pricing_meter_time_fn pricing_##engine##_meter_time;           \
	pricing_has_provisioned_fn pricing_##engine##_has_provisioned; \
	pricing_cost_fn pricing_##engine##_cost;                       \
	pricing_monthly_fn pricing_##engine##_monthly;                 \
	pricing_default_concurrency_fn pricing_##engine##_default_concurrency; \
	pricing_accelerator_fn pricing_##engine##_accelerator

/* The ops of a provider (plan) served by an engine. */
#define PRICING_PROVIDER(ident, pname, engine)                    \
	const struct pricing_ops ident = {                        \
		.name = pname,                                    \
		.parse = pricing_##engine##_parse,                \
		.free_cfg = free,                                 \
		.resources = pricing_##engine##_resources,        \
		.meter = pricing_##engine##_meter,                \
		.meter_busy = pricing_##engine##_meter_busy,      \
		.meter_time = pricing_##engine##_meter_time,      \
		.has_provisioned = pricing_##engine##_has_provisioned, \
		.cost = pricing_##engine##_cost,                  \
		.monthly = pricing_##engine##_monthly,            \
		.default_concurrency = pricing_##engine##_default_concurrency, \
		.accelerator = pricing_##engine##_accelerator,    \
	}

#endif
