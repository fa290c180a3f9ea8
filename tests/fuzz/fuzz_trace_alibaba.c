/* libFuzzer target: the Alibaba serverless Stable Diffusion format (sim/workload/formats/alibaba.c). */
#define FUZZ_FORMAT "alibaba-sd"
#define FUZZ_EXTRA_KEYS ""
#define FUZZ_FILE_KEYS "path"
#include "fuzz_trace_common.h"
