/*
 * libFuzzer target: the scenario parser, --set assignments and, for small
 * valid scenarios, a whole simulation. Input starting with '{' is a scenario
 * document; anything else is a --set assignment applied to a fixed scenario.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "fuzz_run.h"

static const char base[] =
	"{\"duration_s\": 50, \"functions\": [{\"name\": \"f\","
	" \"service\": {\"dist\": \"exponential\", \"mean_s\": 0.5},"
	" \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 2}}]}";

/* Small enough to simulate on every input: no traces, few arrivals. */
static int cheap(const struct scenario *sc)
{
	double arrivals = 0;
	if (sc->workload)
		return 0;   /* trace and generator sizes are not bounded here */
	if (sc->n_functions > 8 || sc->replications > 2 || sc->duration_s / sc->timeseries_interval_s > 1e4)
		return 0;
	for (size_t i = 0; i < sc->n_functions; i++) {
		const struct arrivals_cfg *a = &sc->functions[i].arrivals;
		if (a->process == ARRIVALS_TRACE)
			return 0;
		arrivals += a->process == ARRIVALS_POISSON ? a->rate_per_s * sc->duration_s
							   : sc->duration_s / a->period_s;
	}
	return arrivals * sc->replications <= 2000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	struct errbuf err;
	json_t *doc;
	if (size > 0 && data[0] == '{') {
		doc = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	} else {
		doc = json_loads(base, 0, &jerr);
		char *assignment = malloc(size + 1);
		if (!assignment) {
			json_decref(doc);
			return 0;
		}
		memcpy(assignment, data, size);
		assignment[size] = '\0';
		scenario_apply_set(doc, assignment, &err);
		free(assignment);
	}
	fuzz_run(doc, cheap);
	return 0;
}
