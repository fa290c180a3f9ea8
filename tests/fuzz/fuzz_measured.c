/*
 * libFuzzer target: the measured-duration tables (sim/scenario/measured.c).
 * The first byte picks the form ('c': a raw-sample CSV, else Power Tuning's
 * JSON output); the rest becomes the file. The table is evaluated at sizes
 * on, between and outside typical measured ones, with "outside" error and
 * clamp. Errors are expected; crashes, leaks, hangs and non-finite or
 * negative means or draws from a table that loaded are findings.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <gsl/gsl_rng.h>
#include "scenario/measured.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int csv = data[0] == 'c';
	char path[96], name[64], service[256];
	snprintf(name, sizeof(name), "slsim-fuzz-%ld-measured.%s", (long)getpid(), csv ? "csv" : "json");
	snprintf(path, sizeof(path), "/tmp/%s", name);
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return 0;
	fwrite(data + 1, 1, size - 1, fp);
	fclose(fp);
	static const uint32_t mb[] = { 1, 128, 200, 512, 1000, 1769, 3008, 10240 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_taus2);
	for (int clamp = 0; clamp < 2 && rng; clamp++) {
		snprintf(service, sizeof(service), "{\"measured\": {\"%s\": \"%s\", \"outside\": \"%s\"}}",
			 csv ? "csv" : "power_tuning", name, clamp ? "clamp" : "error");
		json_t *j = json_loads(service, 0, NULL);
		for (size_t i = 0; j && i < sizeof(mb) / sizeof(mb[0]); i++) {
			struct dist d;
			struct errbuf err;
			if (measured_service(j, "/tmp", mb[i], "fuzz: service", &d, &err) != 0)
				continue;
			double m = dist_mean(&d), x = dist_sample(&d, rng);
			if (!isfinite(m) || m < 0 || !isfinite(x) || x < 0)
				abort();
			dist_free(&d);
		}
		json_decref(j);
	}
	gsl_rng_free(rng);
	unlink(path);
	return 0;
}
