/*
 * models: the plug-in model interfaces and their registry.
 *
 * Three kinds of model, each an ops table of typedef'd functions filled with
 * designated initialisers in its own file (models/<kind>/<name>.c), declared
 * in models/<kind>.h and listed once in models/registry.c:
 *   - cold-start models: how long a new instance takes before it can serve;
 *   - keep-alive policies: how long an idle instance is kept;
 *   - pricing models: how a request is metered and what the meter costs;
 *     prices are data (models/pricing/data/<family>.json, embedded at build
 *     time, see models/pricing/catalog.h), the engines
 *     (models/pricing/<scheme>.c) are arithmetic.
 * A model's parsed configuration is an opaque pointer it allocates in parse()
 * and releases in free_cfg(); configurations are read-only during runs, so
 * many simulations (threads) share them. Per-run mutable state, where a model
 * needs it, is created by its start() and released by its stop().
 */
#ifndef SLSIM_MODELS_H
#define SLSIM_MODELS_H

#include "models/coldstart.h"
#include "models/keepalive.h"
#include "models/pricing.h"

/* ---- registry (models/registry.c) -------------------------------------- */

const struct coldstart_ops *coldstart_find(const char *name);
const struct keepalive_ops *keepalive_find(const char *name);
const struct pricing_ops *pricing_find(const char *name);
/* Comma-separated names of a kind, for error messages and --help. */
const char *coldstart_names(void);
const char *keepalive_names(void);
const char *pricing_names(void);

#endif
