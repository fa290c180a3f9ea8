/*
 * libFuzzer target: the batch service profile reader (models/batchprofile.c,
 * functions[i].batch.service.profile). The input becomes the profile file;
 * when it loads, the time is evaluated at, between and beyond its sizes.
 * Errors are expected; crashes, leaks, hangs and non-finite or negative times
 * from a profile that loaded are findings.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "models/batchprofile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/tmp/slsim-fuzz-%ld-batch.csv", (long)getpid());
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	struct batchprof *p = NULL;
	struct errbuf err;
	if (batchprof_load(&p, path, &err) == 0) {
		static const double n[] = { 1, 2, 3, 7.5, 64, 1000, 1e6 };
		for (size_t i = 0; i < sizeof(n) / sizeof(n[0]); i++) {
			double s = batchprof_service_s(p, n[i]);
			if (!isfinite(s) || s < 0)
				abort();
		}
		const double *x, *y;
		size_t k = batchprof_points(p, &x, &y);
		for (size_t i = 0; i < k; i++)
			if (batchprof_service_s(p, x[i]) != y[i])
				abort();
		batchprof_free(p);
	}
	unlink(path);
	return 0;
}
