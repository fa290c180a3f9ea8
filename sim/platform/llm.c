/*
 * llm: continuous batching of LLM requests on an instance (functions[i].llm),
 * private to sim/platform (internal.h). dispatch hands a request with tokens
 * of an LLM function to llm_start; its end goes back through
 * platform_on_complete. models/README.md, "LLM serving", is the model.
 *
 * Each instance runs iterations back to back while it has work, as vLLM's
 * engine loop does. At an iteration boundary the requests waiting on the
 * instance join the running batch in arrival order (FCFS, no overtaking)
 * while the batch has fewer than max_batch requests and the KV cache has
 * room for the head's prompt + output tokens (reserved whole at admission,
 * so nothing is ever preempted). If any joined, the iteration is their
 * prefill, of llmprof_prefill_batch_s(sum of their prompts) (SplitwiseSim's
 * prompt predictor of the tokens in the batch), during which the
 * running requests wait; otherwise it is one decode step of
 * decode_s(running requests), which gives each of them a token. With
 * first_token "prefill" (the default, the measured profile's convention)
 * the prefill yields the first token and a request of n output tokens then
 * needs n - 1 decode steps; with "decode" each token takes a decode step.
 *
 * A boundary is an instant: a request that becomes ready at the very
 * instant an iteration began (two arrivals together, or an arrival at an
 * iteration's end) is decided with it, by starting that iteration again.
 * A request becomes ready on its instance through a timer at its dispatch
 * (after its init), never inside dispatch, so the instance's records are
 * never changed by a dispatch nested in a completion. A request that can
 * never fit the KV cache is rejected when it becomes ready. A request's
 * timeout removes it from the instance (freeing its KV tokens) without
 * shortening the iteration under way; one that ends exactly at its timeout
 * completes. */

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "models/llmprofile.h"
#include "platform/internal.h"

enum { LR_READY, LR_WAIT, LR_JOIN, LR_RUN };

struct llm_inst {
	struct wait_queue wait;   /* ready requests not yet admitted (through req next/prev) */
	uint32_t *batch;          /* admitted requests: joining (in the prefill) and running */
	uint32_t *fin;            /* scratch of cap_batch: those done at an iteration's end */
	uint32_t n_batch, cap_batch, n_join;
	uint64_t kv_used, join_prompt;
	double start_s, end_s;    /* of the iteration under way */
	engine_timer timer;       /* its end; NONE when the instance is idle */
	uint8_t prefill;          /* the iteration under way is a prefill */
};

struct llm_req {
	uint32_t prompt_tokens, output_tokens;
	double first_token_s;     /* NAN until its first token */
	uint32_t left;            /* decode steps still to run */
	uint8_t state;
	engine_timer ready, deadline;
};

static uint64_t kv_need(const struct platform *p, uint32_t r)
{
	return (uint64_t)p->llm_req[r].prompt_tokens + p->llm_req[r].output_tokens;
}

static const struct llm_fn_cfg *llm_cfg(const struct platform *p, const struct request *rq)
{
	return &p->fn[rq->fn].cfg->llm;
}

int llm_arrive(struct platform *p, uint32_t r, uint32_t prompt_tokens, uint32_t output_tokens)
{
	if (r >= p->cap_llm_req) {
		void *q = realloc(p->llm_req, (size_t)p->cap_req * sizeof(*p->llm_req));
		if (!q)
			return platform_fail(p, "cannot hold another request");
		p->llm_req = q;
		p->cap_llm_req = p->cap_req;
	}
	p->llm_req[r] = (struct llm_req){ .prompt_tokens = prompt_tokens, .output_tokens = output_tokens,
					  .first_token_s = NAN };
	p->req[r].llm = 1;
	return 0;
}

void llm_result(const struct platform *p, uint32_t r, struct request_result *res)
{
	res->first_token_s = p->llm_req[r].first_token_s;
	res->output_tokens = p->llm_req[r].output_tokens;
}

/* Room for instance id in the records. */
static int llm_reserve(struct platform *p, uint32_t id)
{
	if (id >= p->cap_llm_inst) {
		void *q = realloc(p->llm_inst, (size_t)p->cap_inst * sizeof(*p->llm_inst));
		if (!q)
			return -1;
		p->llm_inst = q;
		memset(p->llm_inst + p->cap_llm_inst, 0,
		       (size_t)(p->cap_inst - p->cap_llm_inst) * sizeof(*p->llm_inst));
		for (uint32_t i = p->cap_llm_inst; i < p->cap_inst; i++)
			p->llm_inst[i].wait.head = p->llm_inst[i].wait.tail = NONE;
		p->cap_llm_inst = p->cap_inst;
	}
	return 0;
}



/* Request r leaves the instance now with outcome (its tokens given back by
 * the caller): reported, its slot and instance freed. */
static void llm_end(struct platform *p, uint32_t r, enum request_outcome outcome)
{
	struct request *rq = &p->req[r];
	struct llm_req *lr = &p->llm_req[r];
	double now = engine_now(p->engine);
	engine_cancel(p->engine, lr->deadline);
	engine_cancel(p->engine, lr->ready);
	lr->deadline = lr->ready = ENGINE_TIMER_NONE;
	rq->outcome = outcome;
	rq->run_s = outcome == REQ_TIMED_OUT ? p->fn[rq->fn].cfg->timeout_s
		  : outcome == REQ_REJECTED ? 0 : now - rq->start_s - rq->init_s;
	platform_on_complete(p, r);
}

static void on_iteration_end(void *ctx, uint64_t arg);

/* Admits waiting requests into instance id's batch (FCFS while they fit). */
static int llm_admit(struct platform *p, uint32_t id)
{
	struct llm_inst *li = &p->llm_inst[id];
	while (li->wait.head != NONE) {
		uint32_t r = li->wait.head;
		const struct llm_fn_cfg *l = llm_cfg(p, &p->req[r]);
		if (li->n_batch >= l->max_batch || li->kv_used + kv_need(p, r) > l->kv_tokens)
			break;
		if (li->n_batch == li->cap_batch) {
			uint32_t cap = li->cap_batch ? 2 * li->cap_batch : 8;
			void *q = realloc(li->batch, (size_t)cap * sizeof(*li->batch));
			if (q)
				li->batch = q;
			void *f = q ? realloc(li->fin, (size_t)cap * sizeof(*li->fin)) : NULL;
			if (!f)
				return platform_fail(p, "cannot hold another request in a batch");
			li->fin = f;
			li->cap_batch = cap;
		}
		wait_queue_unlink(p, &li->wait, r);
		li->batch[li->n_batch++] = r;
		li->n_join++;
		li->join_prompt += p->llm_req[r].prompt_tokens;
		li->kv_used += kv_need(p, r);
		p->llm_req[r].state = LR_JOIN;
	}
	return 0;
}

/* An iteration boundary of instance id now: admits, then starts the
 * prefill of those joining, or a decode step, or nothing (idle). */
static int llm_boundary(struct platform *p, uint32_t id, double now)
{
	if (llm_admit(p, id) < 0)
		return ERR_RUNTIME;
	struct llm_inst *li = &p->llm_inst[id];
	if (li->n_batch == 0)
		return 0;
	const struct llmprof *prof = p->fn[p->inst[id].fn].cfg->llm.prof;
	li->prefill = li->n_join > 0;
	double dur = li->prefill ? llmprof_prefill_batch_s(prof, (double)li->join_prompt)
				 : llmprof_decode_s(prof, (double)li->n_batch);
	li->start_s = now;
	li->end_s = now + dur;
	li->timer = engine_at(p->engine, li->end_s, on_iteration_end, p, id);
	return li->timer ? 0 : platform_fail(p, "cannot schedule an iteration");
}

/* Work arrived on instance id now: the boundary is now when it is idle, or
 * when the iteration under way began now (decided again with the newcomer);
 * otherwise the newcomer waits for the iteration's end. */
static int llm_kick(struct platform *p, uint32_t id, double now)
{
	struct llm_inst *li = &p->llm_inst[id];
	if (li->timer != ENGINE_TIMER_NONE) {
		if (li->start_s != now)
			return 0;
		engine_cancel(p->engine, li->timer);
		li->timer = ENGINE_TIMER_NONE;
	}
	return llm_boundary(p, id, now);
}

/* Whether request r (admitted) ends with the iteration under way. */
static int ends_now(const struct platform *p, const struct llm_inst *li, uint32_t r)
{
	const struct llm_req *lr = &p->llm_req[r];
	return li->prefill ? lr->state == LR_JOIN && lr->left == 0 : lr->state == LR_RUN && lr->left == 1;
}

/* Advances request r by the iteration that just ended; 1 when it is done. */
static int llm_step(struct platform *p, const struct llm_inst *li, uint32_t r, double now)
{
	struct llm_req *lr = &p->llm_req[r];
	const struct llm_fn_cfg *l = llm_cfg(p, &p->req[r]);
	if (li->prefill) {
		if (lr->state != LR_JOIN)
			return 0;
		lr->state = LR_RUN;
		if (l->first_token == LLM_FIRST_PREFILL && lr->output_tokens > 0)
			lr->first_token_s = now;
		return lr->left == 0;
	}
	if (isnan(lr->first_token_s))
		lr->first_token_s = now;
	return --lr->left == 0;
}

static void on_iteration_end(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	uint32_t id = (uint32_t)arg;
	struct llm_inst *li = &p->llm_inst[id];
	double now = engine_now(p->engine);
	li->timer = ENGINE_TIMER_NONE;
	/* The batch keeps its order; the requests done go to fin, in order. */
	uint32_t kept = 0, n = li->n_batch, done = 0, *fin = li->fin;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t r = li->batch[k];
		if (llm_step(p, li, r, now)) {
			fin[done++] = r;
			li->kv_used -= kv_need(p, r);
		} else {
			li->batch[kept++] = r;
		}
	}
	li->n_batch = kept;
	if (li->prefill) {
		li->n_join = 0;
		li->join_prompt = 0;
	}
	/* A dispatch these completions let in makes its request ready through
	 * a timer: nothing changes this instance's lists meanwhile (a new
	 * instance may move the records: li is not used below). */
	for (uint32_t k = 0; k < done && !p->failed; k++)
		llm_end(p, fin[k], REQ_COMPLETED);
	if (!p->failed)
		llm_boundary(p, id, now);
}

/* Request arg is on its instance, its init over: it waits to join. */
static void on_ready(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	uint32_t r = (uint32_t)arg;
	struct request *rq = &p->req[r];
	p->llm_req[r].ready = ENGINE_TIMER_NONE;
	if (kv_need(p, r) > llm_cfg(p, rq)->kv_tokens) {
		llm_end(p, r, REQ_REJECTED);   /* it can never fit */
		return;
	}
	uint32_t id = rq->instance;
	p->llm_req[r].state = LR_WAIT;
	wait_queue_push(p, &p->llm_inst[id].wait, r);
	llm_kick(p, id, engine_now(p->engine));
}

/* Removes admitted request r from its instance's batch. */
static void batch_remove(struct platform *p, struct llm_inst *li, uint32_t r)
{
	uint32_t k = 0;
	while (k < li->n_batch && li->batch[k] != r)
		k++;
	memmove(li->batch + k, li->batch + k + 1, (size_t)(li->n_batch - k - 1) * sizeof(*li->batch));
	li->n_batch--;
	li->kv_used -= kv_need(p, r);
	if (p->llm_req[r].state == LR_JOIN) {
		li->n_join--;
		li->join_prompt -= p->llm_req[r].prompt_tokens;
	}
}

/* Request arg reached its timeout: it leaves its instance, cut there. */
static void on_deadline(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	uint32_t r = (uint32_t)arg;
	struct llm_req *lr = &p->llm_req[r];
	uint32_t id = p->req[r].instance;
	struct llm_inst *li = &p->llm_inst[id];
	lr->deadline = ENGINE_TIMER_NONE;
	if (lr->state == LR_WAIT) {
		wait_queue_unlink(p, &li->wait, r);
	} else if (lr->state != LR_READY) {
		if (li->timer != ENGINE_TIMER_NONE && li->end_s == engine_now(p->engine) && ends_now(p, li, r))
			return;   /* done now: the iteration's end, due now too, ends it */
		batch_remove(p, li, r);
		/* Nobody left to serve: the iteration is abandoned. */
		if (li->n_batch == 0 && li->wait.head == NONE) {
			engine_cancel(p->engine, li->timer);
			li->timer = ENGINE_TIMER_NONE;
		}
	}
	llm_end(p, r, REQ_TIMED_OUT);
}

int llm_start(struct platform *p, uint32_t r, double now)
{
	struct request *rq = &p->req[r];
	const struct function_cfg *cfg = p->fn[rq->fn].cfg;
	if (llm_reserve(p, rq->instance) < 0)
		return platform_fail(p, "cannot hold another request");
	struct llm_req *lr = &p->llm_req[r];
	int first_by_decode = cfg->llm.first_token == LLM_FIRST_DECODE;
	lr->left = lr->output_tokens > 0 ? lr->output_tokens - !first_by_decode : 0;
	lr->state = LR_READY;
	/* The ready timer first: at the same time as the timeout, it comes
	 * first. */
	lr->ready = engine_at(p->engine, now + rq->init_s, on_ready, p, r);
	if (!lr->ready)
		return platform_fail(p, "cannot schedule a request");
	lr->deadline = engine_at(p->engine, now + rq->init_s + cfg->timeout_s, on_deadline, p, r);
	return lr->deadline ? 0 : platform_fail(p, "cannot schedule a timeout");
}

void llm_free(struct platform *p)
{
	for (uint32_t id = 0; id < p->cap_llm_inst; id++) {
		free(p->llm_inst[id].batch);
		free(p->llm_inst[id].fin);
	}
	free(p->llm_inst);
	free(p->llm_req);
}
