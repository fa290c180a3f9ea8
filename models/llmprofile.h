/*
 * llmprofile: a measured LLM inference performance profile for one (model,
 * hardware, tensor parallel) configuration, read from SplitwiseSim's
 * perf_model.csv as published (columns model, hardware, prompt_size,
 * batch_size, token_size, ..., prompt_time, token_time, e2e_time,
 * tensor_parallel; times in ms), and interpolated piecewise-linearly with
 * gsl_interp_linear as SplitwiseSim does.
 *
 * Two curves, each over the mean of the repeated rows at a measured point:
 *   prefill_s(prompt tokens): prompt_time of the batch-1 rows, by prompt_size;
 *   decode_s(batch): token_time (one decode iteration, i.e. the time per
 *   output token of every request in the batch), by batch_size, over all rows
 *   of that batch size;
 * and a third for prefills of several prompts at once (continuous batching,
 * sim/platform/llm.c), SplitwiseSim's prompt predictor:
 *   prefill_batch_s(tokens): prompt_time of all rows, by the prompt tokens of
 *   the batch, prompt_size x batch_size (at a point measured both at batch 1
 *   and batched, e.g. 1024 = 1 x 1024 = 2 x 512, the mean of both). The rows
 *   at batch > 1 (prompt 512 only) are mostly faster than one prompt of as
 *   many tokens; predicting them from the batch-1 curve overstates
 *   BLOOM-176B's by up to 28 %, this curve stays within 7 % of every
 *   consistent row (tests/test_llm.c).
 * Outside the measured range: below the smallest point the curve is clamped
 * to its first value (a prompt shorter than the shortest measured costs as
 * much, never less: extrapolating down could reach zero or below); above the
 * largest it is extrapolated linearly from the last segment (SplitwiseSim's
 * interp1d(fill_value="extrapolate")), so long prompts keep growing. e2e_time
 * is not used (SOURCE.txt: it disagrees with prompt_time + token_size x
 * token_time on most long-output rows).
 */
#ifndef SLSIM_MODELS_LLMPROFILE_H
#define SLSIM_MODELS_LLMPROFILE_H

#include <stddef.h>
#include "core/errbuf.h"

struct llmprof;

/* tensor_parallel 0: the configuration's only tensor parallel degree (an
 * error listing them when the file has several). Errors name file:line for a
 * bad row, and list the known model/hardware pairs for an unknown one. */
int llmprof_load(struct llmprof **out, const char *path, const char *model, const char *hardware,
		 int tensor_parallel, struct errbuf *err);
void llmprof_free(struct llmprof *p);

/* Seconds: prefill of one prompt of `tokens` tokens at batch 1, and one
 * decode iteration at batch size `batch` (the time per output token). */
double llmprof_prefill_s(const struct llmprof *p, double tokens);
double llmprof_decode_s(const struct llmprof *p, double batch);
/* Seconds: one prefill iteration of prompts holding batch_tokens tokens. */
double llmprof_prefill_batch_s(const struct llmprof *p, double batch_tokens);

/* The measured points (for tests and reports): x sizes and mean seconds. */
size_t llmprof_prefill_points(const struct llmprof *p, const double **tokens, const double **s);
size_t llmprof_decode_points(const struct llmprof *p, const double **batch, const double **s);
size_t llmprof_prefill_batch_points(const struct llmprof *p, const double **tokens, const double **s);
int llmprof_tensor_parallel(const struct llmprof *p);

#endif
