/*
 * runtimes: facts that belong to no provider: the memory a bare language
 * runtime takes and its start time relative to Python's, the memory an ML
 * framework adds, and a processor architecture's CPU speed relative to
 * x86_64. They are data, models/data/runtimes.json (schema
 * "slsim-runtimes/1"), embedded into the binary at build time like the price
 * lists: {"runtimes": {NAME: {"memory_mb", "start_factor"}}, "frameworks":
 * {NAME: {"memory_mb"}}, "architectures": {NAME: {"speed"}}}, every number a
 * {"value", "unit", "as_of", "source", "confirmed", "note"} object. Which
 * architecture a provider plan runs on is the plan's fact: its entry's
 * "architecture" in models/pricing/data/ (pricing_catalog_architecture).
 * Every lookup checks the whole file (a broken built-in file is ERR_RUNTIME).
 */
#ifndef SLSIM_MODELS_RUNTIMES_H
#define SLSIM_MODELS_RUNTIMES_H

#include "core/errbuf.h"

struct runtime_facts {
	double memory_mb;      /* resident memory of the bare runtime */
	double start_factor;   /* start time relative to a Python function's */
};

/* The facts of the runtime `name`. `where` is the JSON path of the key that
 * named it ("t.json: functions[0].cold_start.runtime"): an unknown name is
 * ERR_INPUT there, listing the known ones. */
int runtimes_runtime(const char *name, struct runtime_facts *out, const char *where, struct errbuf *err);

/* The memory (MB) the ML framework `name` adds ("none": 0); as above. */
int runtimes_framework(const char *name, double *memory_mb, const char *where, struct errbuf *err);

/* The CPU speed of architecture `name` relative to x86_64; as above. */
int runtimes_arch_speed(const char *name, double *speed, const char *where, struct errbuf *err);

/* The CPU speed of the architecture provider plan `provider` runs on (its
 * catalogue entry's "architecture"); 1 (x86_64) for a provider the
 * catalogue does not hold. A plan naming an architecture the data lacks is
 * ERR_RUNTIME. */
int runtimes_plan_speed(const char *provider, double *speed, struct errbuf *err);

/* The embedded file's name and text (for tests). */
const char *runtimes_file_name(void);
const char *runtimes_file_text(void);

#endif
