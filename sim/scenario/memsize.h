/*
 * memsize: a function's memory_mb as its provider allows it.
 *
 * Owns reading functions[i].memory_mb and functions[i].memory_fit against
 * the provider's valid sizes, which come from the pricing engine's
 * resources op and its data (memory_min_mb, memory_max_mb, tiers, instance
 * sizes): the description of those sizes in messages ("an integer in
 * [128, 10240]", "one of 512, 2048, 4096"), the unit hint for a size given
 * in GB ("memory_mb is in MB: did you mean 1536?"), and "fit": with
 * "memory_fit": true, memory_mb is a request and the function gets the
 * provider's smallest valid size at or above it, so one sweep or
 * optimisation can span providers. Every message names the provider.
 */
#ifndef SLSIM_MEMSIZE_H
#define SLSIM_MEMSIZE_H

#include <stdint.h>
#include <jansson.h>
#include "core/errbuf.h"
#include "models/pricing.h"

struct scenario;

/* Sizes above this are never valid (the scenario's limit on memory_mb). */
#define MEMSIZE_MAX_MB (1u << 20)
/* Sizes the fit and the descriptions look at: 128 GB, twice the largest
 * any provider offers (GCF gen2: 32 GB), so an infeasible point of a large
 * sweep costs about a millisecond to describe, not a scan to 1 TB. */
#define MEMSIZE_SCAN_MB (1u << 17)

/* The provider's smallest valid size >= request_mb into *out: 0, or -1
 * when it offers none up to MEMSIZE_SCAN_MB. */
int memsize_fit(const struct pricing_ops *ops, const void *cfg, uint32_t request_mb, uint32_t *out);

/* The valid sizes for a message: "an integer in [128, 10240]" or "one of
 * 128, 256, 512 MB" (runs of consecutive sizes as LO-HI). */
void memsize_describe(const struct pricing_ops *ops, const void *cfg, char *buf, size_t size);

/* Reads obj's "memory_mb" (default *memory_mb) and "memory_fit" (default
 * false) for the function at `where`; *memory_mb gets the size the function
 * runs with. ERR_INPUT names the JSON path, the provider and its sizes. */
int memsize_read(const struct pricing_ops *ops, const void *cfg, const json_t *obj, const char *where,
		 uint32_t *memory_mb, struct errbuf *err);

/* What memory_fit changed in a valid scenario, for a sweep's status column:
 * "functions[0].memory_mb=1024, functions[2].memory_mb=2048" for the
 * listed functions whose size differs from the request, or "" (buf). */
void memsize_fit_note(const struct scenario *s, char *buf, size_t size);

#endif
