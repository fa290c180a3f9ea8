/* libFuzzer target: the Azure Functions 2021 format (sim/workload/formats/azure2021.c). */
#define FUZZ_FORMAT "azure2021"
#define FUZZ_EXTRA_KEYS ""
#define FUZZ_FILE_KEYS "path"
#include "fuzz_trace_common.h"
