/* libFuzzer target: the Azure Functions 2019 format (sim/workload/formats/azure2019.c):
 * invocations, durations and memory files, split at "====" lines. */
#define FUZZ_FORMAT "azure2019"
#define FUZZ_EXTRA_KEYS ""
#define FUZZ_FILE_KEYS "invocations", "durations", "memory"
#include "fuzz_trace_common.h"
