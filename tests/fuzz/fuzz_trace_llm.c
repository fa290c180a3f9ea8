/* libFuzzer target: the Azure LLM inference format (sim/workload/formats/llm.c). */
#define FUZZ_FORMAT "azure-llm"
#define FUZZ_EXTRA_KEYS ", \"prefill_s_per_token\": 0.0002, \"decode_s_per_token\": 0.03, \"overhead_s\": 0.05"
#define FUZZ_FILE_KEYS "path"
#include "fuzz_trace_common.h"
