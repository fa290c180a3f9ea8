/*
 * libFuzzer target: the "csv" workload format (sim/workload/formats/csv.c)
 * through both of its entry points: the scenario's "workload" object
 * (preparation and replay, fuzz_trace_common.h) and arrivals.process
 * "trace", by running a two-function scenario whose arrivals come from the
 * same fuzzed file.
 */
#define FUZZ_FORMAT "csv"
#define FUZZ_EXTRA_KEYS ""
#define FUZZ_FILE_KEYS "path"
#define FUZZ_ALSO fuzz_process_trace
static void fuzz_process_trace(const char *path);
#include "fuzz_trace_common.h"

#include "fuzz_run.h"

static void fuzz_process_trace(const char *path)
{
	json_t *doc = json_pack(
		"{s:f, s:f, s:[{s:s, s:{s:s, s:f}, s:{s:s, s:s}}, {s:s, s:{s:s, s:f}, s:{s:s, s:s}}]}",
		"duration_s", 1e6, "timeseries_interval_s", 1e4, "functions",
		"name", "f", "service", "dist", "constant", "value_s", 0.5, "arrivals", "process", "trace", "path", path,
		"name", "g", "service", "dist", "constant", "value_s", 2.0, "arrivals", "process", "trace", "path", path);
	fuzz_run(doc, NULL);
}

