/*
 * storage: the storage tiers a GPU node loads model weights from and their
 * default read bandwidths. The bandwidths are data, models/data/storage.json
 * (schema "slsim-storage/1"), embedded into the binary at build time like
 * runtimes.json: {"tiers": {NAME: {"gb_per_s": {"value", "unit", "as_of",
 * "source", "confirmed", "note"}}}} for the tiers remote, ssd and dram.
 * The file is checked whole on every lookup (a broken built-in file is
 * ERR_RUNTIME).
 */
#ifndef SLSIM_MODELS_STORAGE_H
#define SLSIM_MODELS_STORAGE_H

#include "core/errbuf.h"

/* Slowest first: a load reads from the highest tier holding the model. */
enum storage_tier { STORAGE_REMOTE, STORAGE_SSD, STORAGE_DRAM, STORAGE_TIERS };

/* "remote", "ssd", "dram". */
extern const char *const storage_tier_names[STORAGE_TIERS];

/* The default bandwidth of every tier, GB/s (GB = 1,024 MB). */
int storage_default_gb_per_s(double gb_per_s[STORAGE_TIERS], struct errbuf *err);

#endif
