/*
 * pricing_catalog: the built-in price lists and what the pricing engines share.
 *
 * Prices are data: models/pricing/<family>.json, embedded into the binary at
 * build time (.incbin in pricing_catalog.c), so slsim does not depend on the
 * working directory. Each file is
 *   {"schema": "slsim-pricing/1", "currency", "region",
 *    "providers": {NAME: {"engine": E, "description": D,
 *                         "values": {FIELD: {"value": x, "unit", "as_of", "source",
 *                                            "confirmed", "note"}}}}}
 * with an as_of date and a source URL for every number. An engine (one per
 * billing scheme: pricing_aws.c, pricing_azure.c, pricing_gcf.c) declares
 * its fields; a provider is a catalogue entry naming that engine plus one
 * ops line (PRICING_PROVIDER) and one registry line.
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

/* Common ops lines of a provider served by an engine. */
#define PRICING_PROVIDER(ident, pname, engine)                 \
	const struct pricing_ops ident = {                     \
		.name = pname,                                 \
		.parse = engine##_parse,                       \
		.free_cfg = free,                              \
		.resources = engine##_resources,               \
		.meter = engine##_meter,                       \
		.meter_time = engine##_meter_time,             \
		.has_provisioned = engine##_has_provisioned,   \
		.cost = engine##_cost,                         \
		.monthly = engine##_monthly,                   \
	}

#endif
