/*
 * The body of every trace-reader fuzz target: the input becomes the trace
 * file(s) of one workload format (FUZZ_FORMAT, with the extra keys
 * FUZZ_EXTRA_KEYS); the preparation pass reads it and a replay streams up to
 * FUZZ_MAX_ARRIVALS arrivals. Errors are expected; crashes, leaks and hangs
 * are findings. For formats with several files (azure2019) the input is split
 * at lines "====" into the files named by FUZZ_FILE_KEYS. A target may define
 * FUZZ_ALSO(path) to read the first file through another entry point too.
 */
/* memmem */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "workload/trace.h"

#define FUZZ_MAX_ARRIVALS 100000

static void write_part(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "wb");
	if (fp) {
		fwrite(data, 1, size, fp);
		fclose(fp);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const file_keys[] = { FUZZ_FILE_KEYS };
	const size_t n_keys = sizeof(file_keys) / sizeof(file_keys[0]);
	char paths[3][64];
	json_error_t jerr;
	json_t *spec = json_loads("{\"format\": \"" FUZZ_FORMAT "\"" FUZZ_EXTRA_KEYS "}", 0, &jerr);
	if (!spec)
		abort();   /* the target itself is wrong */
	const uint8_t *part = data, *end = data + size;
	for (size_t k = 0; k < n_keys && k < 3; k++) {
		const uint8_t *cut = end;
		if (k + 1 < n_keys) {
			const uint8_t *m = memmem(part, (size_t)(end - part), "\n====\n", 6);
			if (m)
				cut = m;
		}
		snprintf(paths[k], sizeof(paths[k]), "/tmp/slsim-fuzz-%ld-%zu.csv", (long)getpid(), k);
		write_part(paths[k], part, (size_t)(cut - part));
		part = cut < end ? cut + 6 : end;
		if (part > end)
			part = end;
		/* "path" takes a string, the azure2019 keys lists of paths. */
		json_object_set_new(spec, file_keys[k], strcmp(file_keys[k], "path") == 0
				    ? json_string(paths[k]) : json_pack("[s]", paths[k]));
	}
	struct trace *t = NULL;
	struct errbuf err;
	if (trace_prepare(&t, spec, "fuzz.json: workload", "/tmp", &err) == 0) {
		size_t n = trace_n_functions(t);
		uint32_t *map = malloc((n ? n : 1) * sizeof(*map));
		struct trace_reader *r = NULL;
		for (size_t i = 0; map && i < n; i++)
			map[i] = (uint32_t)i;
		if (map && trace_open(t, 1, 0, map, &r, &err) == 0) {
			struct trace_arrival a;
			double last = -1e300;
			for (int i = 0; i < FUZZ_MAX_ARRIVALS && trace_next(r, &a, &err) == 1; i++) {
				/* The replay contract: times never go back. */
				if (a.t_s < last)
					abort();
				last = a.t_s;
			}
			trace_close(r);
		}
		free(map);
		trace_free(t);
	}
	json_decref(spec);
#ifdef FUZZ_ALSO
	FUZZ_ALSO(paths[0]);
#endif
	for (size_t k = 0; k < n_keys && k < 3; k++)
		unlink(paths[k]);
	return 0;
}
