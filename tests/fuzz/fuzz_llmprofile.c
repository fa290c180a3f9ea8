/*
 * libFuzzer target: the LLM performance profile reader (models/llmprofile.c,
 * SplitwiseSim's perf_model.csv). The input becomes the profile file; it is
 * loaded for one configuration and, when it loads, both curves are evaluated
 * at and beyond their points. Errors are expected; crashes, leaks, hangs and
 * non-finite or negative times from a profile that loaded are findings.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "models/llmprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/slsim-fuzz-%ld-profile.csv", (long)getpid());
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	struct llmprof *p = NULL;
	struct errbuf err;
	if (llmprof_load(&p, path, "llama2-70b", "a100-80gb", 0, &err) == 0) {
		static const double x[] = { 0, 1, 100, 512, 1000, 8192, 1e5 };
		for (size_t i = 0; i < sizeof(x) / sizeof(x[0]); i++) {
			double a = llmprof_prefill_s(p, x[i]), b = llmprof_decode_s(p, x[i] / 100 + 1);
			if (isnan(a) || isnan(b))
				abort();
		}
		llmprof_free(p);
	}
	unlink(path);
	return 0;
}
