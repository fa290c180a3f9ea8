/*
 * libFuzzer target: the CSV reader and the generic trace format, by running a
 * two-function scenario whose arrivals come from the fuzzed file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <jansson.h>
#include "run/run.h"
#include "scenario/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/slsim-fuzz-trace-%ld.csv", (long)getpid());
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	json_t *doc = json_pack(
		"{s:f, s:f, s:[{s:s, s:{s:s, s:f}, s:{s:s, s:s}}, {s:s, s:{s:s, s:f}, s:{s:s, s:s}}]}",
		"duration_s", 1e6, "timeseries_interval_s", 1e4, "functions",
		"name", "f", "service", "dist", "constant", "value_s", 0.5, "arrivals", "process", "trace", "path", path,
		"name", "g", "service", "dist", "constant", "value_s", 2.0, "arrivals", "process", "trace", "path", path);
	struct scenario sc;
	struct errbuf err;
	if (doc && scenario_from_json(&sc, doc, "fuzz.json", &err) == 0) {
		struct run_options opt = { .threads = 1 };
		struct run_result res;
		run_scenario(&sc, &opt, &res, &err);
		run_result_free(&res);
		scenario_free(&sc);
	}
	json_decref(doc);
	unlink(path);
	return 0;
}
