/*
 * For fuzz targets that simulate: doc (a scenario document, taken) is
 * validated and, when small_enough accepts it (NULL: always), run on one
 * thread. Errors are expected; crashes, leaks and hangs are findings.
 */
#include <jansson.h>
#include "run/run.h"
#include "scenario/scenario.h"

static void fuzz_run(json_t *doc, int (*small_enough)(const struct scenario *))
{
	struct scenario sc;
	struct errbuf err;
	if (doc && scenario_from_json(&sc, doc, "fuzz.json", &err) == 0) {
		if (!small_enough || small_enough(&sc)) {
			struct run_options opt = { .threads = 1 };
			struct run_result res;
			run_scenario(&sc, &opt, &res, &err);
			run_result_free(&res);
		}
		scenario_free(&sc);
	}
	json_decref(doc);
}
