/* libFuzzer target: the "csv" workload format (sim/workload/formats/csv.c). */
#define FUZZ_FORMAT "csv"
#define FUZZ_EXTRA_KEYS ""
#define FUZZ_FILE_KEYS "path"
#include "fuzz_trace_common.h"
