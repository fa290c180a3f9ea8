/*
 * tracecmd: the `slsim trace` command (stats, gen, convert).
 *
 * Owns its argument parsing, the streaming statistics of a workload (memory
 * grows with the number of functions, never with invocations) and the CSV
 * it writes (timestamp_s,function[,duration_s][,memory_mb], the csv format).
 * Returns 0 or a negative code with the message in *err; main prints it.
 */
#ifndef SLSIM_TRACECMD_H
#define SLSIM_TRACECMD_H

#include <stdint.h>
#include <jansson.h>
#include "core/errbuf.h"

/* argv[0] is "trace". Results go to stdout (stats) or to -o FILE. */
int tracecmd_main(int argc, char **argv, struct errbuf *err);

/* The statistics document of `slsim trace stats --json` for a workload
 * object (paths relative to the current folder). Caller owns the reference. */
int tracecmd_stats_json(const json_t *spec, uint64_t seed, json_t **out, struct errbuf *err);

#endif
