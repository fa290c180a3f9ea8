/*
 * platform: functions, instances and requests of a serverless platform.
 *
 * Owns instance life cycles (initialising -> busy <-> idle -> released),
 * dispatch of requests to warm instances (platform.idle_selection), cold
 * starts through the function's cold-start model, keep-alive through its
 * keep-alive policy, concurrency limits (account pool, reserved concurrency)
 * with rejection or a FIFO wait queue, request timeouts, and processor
 * sharing of an instance's vCPUs among the requests it serves at once.
 *
 * It reports what happens to an observer and never knows prices or
 * statistics. Time is the engine's clock; one platform per simulation run.
 */
#ifndef SLSIM_PLATFORM_H
#define SLSIM_PLATFORM_H

#include <stdint.h>
#include "core/engine.h"
#include "core/errbuf.h"
#include "scenario/scenario.h"

enum request_outcome {
	REQ_COMPLETED,
	REQ_TIMED_OUT,        /* ran into the function's timeout_s: cut there and billed */
	REQ_REJECTED,         /* over a concurrency limit with on_limit "reject", no room in the memory pool,
			       * or no node with free GPUs (platform.nodes) */
	REQ_QUEUE_TIMEOUT,    /* waited queue_timeout_s for a concurrency slot, or for GPUs */
	REQ_OOM,              /* the function has too little memory (function_cfg.oom): failed,
			       * billed for what ran, its instance discarded */
};

struct request_result {
	uint32_t function;
	uint32_t tag;           /* as given to platform_arrive */
	enum request_outcome outcome;
	int cold;               /* this request started a new instance */
	int ping;               /* a warmer ping, not a user request */
	int provisioned;        /* served by a provisioned instance */
	double arrival_s;
	double start_s;         /* dispatched to an instance (after any queueing) */
	double end_s;           /* response sent (arrival_s when rejected) */
	double init_s;          /* initialisation it waited for (cold "add" model) */
	double run_s;           /* time it ran after init, cut at timeout_s */
	enum restore_kind restore;  /* cold requests: how the instance started */
	/* Batching functions (functions[i].batch): the requests of its batch
	 * (0: not batched), and whether it is the batch's first request, which
	 * carries the batch's execution (the others only end with it: same
	 * outcome, start_s, init_s, run_s, cold, end_s). */
	uint32_t batch_size;
	int batch_lead;
	/* LLM functions (functions[i].llm) serving a request with tokens: when
	 * its first output token came (NAN otherwise, or when it never came)
	 * and its output tokens. */
	double first_token_s;
	uint32_t output_tokens;
};

struct instance_counts {
	uint32_t initializing;  /* starting, already holding its first request */
	uint32_t busy;          /* serving at least one request */
	uint32_t idle;          /* warm, serving nothing */
};

struct platform_observer {
	void *ctx;
	void (*request_done)(void *ctx, const struct request_result *r);
	/* Function fn has delta more instances alive at now_s (alive_before
	 * before). */
	void (*alive_change)(void *ctx, uint32_t fn, double now_s, int delta, uint32_t alive_before);
	/* Function fn has delta more instances busy (initialising or serving)
	 * at now_s. Only for functions with concurrency_per_instance > 1: with
	 * one request at a time, an instance is busy exactly from a request's
	 * start_s to its end_s (request_done; warmer pings included). */
	void (*busy_change)(void *ctx, uint32_t fn, double now_s, int delta);
	void (*instance_released)(void *ctx, uint32_t fn, double created_s, double released_s);
	/* An instance of function fn held at least one request from start_s
	 * (its in-flight count went 0 -> 1) to end_s (back to 0): one busy
	 * period, requests overlapping on it counted once. The first init_s of
	 * it the instance initialised (a cold start; 0 otherwise); provisioned:
	 * the instance is provisioned at end_s. Only for functions with
	 * concurrency_per_instance > 1 (with one request at a time a busy period
	 * is a request: request_done), and only when set (billing needs it). */
	void (*instance_busy)(void *ctx, uint32_t fn, double start_s, double init_s, double end_s, int provisioned);
	/* Function fn's provisioned instances are set at now_s from before to after. */
	void (*provisioned_change)(void *ctx, uint32_t fn, double now_s, uint32_t before, uint32_t after);
};

struct platform;

/* The scenario and the engine must outlive the platform; *obs is copied
 * (its ctx must stay valid as long as the platform is used). */
struct platform *platform_new(const struct scenario *sc, struct engine *e, uint32_t replication,
			      const struct platform_observer *obs, struct errbuf *err);
/* The same for the functions [first_fn, end_fn) of sc alone (the others
 * never arrive here): function numbers in the API and the observer's calls
 * stay the scenario's, streams are seeded as in the whole platform, and the
 * account pool is the whole account's. A platform per group of functions
 * simulates the same as one for all, as long as nothing links them (no
 * memory pool; the account pool never full: see
 * platform_peak_shared_in_flight). */
struct platform *platform_new_range(const struct scenario *sc, uint32_t first_fn, uint32_t end_fn,
				    struct engine *e, uint32_t replication,
				    const struct platform_observer *obs, struct errbuf *err);
void platform_free(struct platform *p);

/* A request for function fn arrives at engine_now(). duration_s >= 0 is its
 * service time (from a trace); NAN draws it from the function's distribution.
 * Returns 0, or <0 when a limit or memory is exhausted (message in *err). */
int platform_arrive(struct platform *p, uint32_t fn, double duration_s, uint32_t tag,
		    struct errbuf *err);

/* The same for a request with prompt_tokens and output_tokens (an LLM
 * trace's; 0 and 0: none). A function with `llm` serves a request with
 * tokens token by token in its instance's running batch (llm.c); other
 * functions, and requests without tokens, take duration_s as above. */
int platform_arrive_tokens(struct platform *p, uint32_t fn, double duration_s, uint32_t prompt_tokens,
			   uint32_t output_tokens, uint32_t tag, struct errbuf *err);

/* A cache hint: function fn will receive a request soon. Changes nothing. */
void platform_prefetch(const struct platform *p, uint32_t fn);

/* End of run: releases every instance still alive at engine_now(). */
void platform_finish(struct platform *p);

/* 0, or ERR_RUNTIME once a step the platform's own timers drive (a request
 * ending, an instance ready, a keep-alive policy's call) failed: it then
 * stopped the engine and left its message in the errbuf of platform_new. */
int platform_status(const struct platform *p);

const struct instance_counts *platform_counts(const struct platform *p, uint32_t fn);
/* Idle instances evicted from the memory pool so far. */
uint64_t platform_evictions(const struct platform *p);
/* Most requests that held a slot of the account pool at once. */
uint32_t platform_peak_shared_in_flight(const struct platform *p);

/* Model loads on GPU nodes (platform.nodes) that started in [warmup_s,
 * duration_s], per storage tier they read from (models/storage.h): how
 * many, and their seconds from start to end (contention included). */
struct platform_model_loads {
	uint64_t count[STORAGE_TIERS];
	double seconds[STORAGE_TIERS];
};
/* All zero without nodes. */
void platform_model_loads(const struct platform *p, struct platform_model_loads *out);

#endif
