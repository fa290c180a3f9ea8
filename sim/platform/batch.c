/*
 * batch: requests served in batches (functions[i].batch), private to
 * sim/platform (internal.h).
 *
 * The model (models/README.md, "Batching"): each batching function has one
 * forming batch. A request that holds its concurrency slot joins it (in
 * order of joining); the batch leaves when it holds max_size requests, or at
 * its deadline, max_wait_s after its first request joined (an unbounded
 * wait: duration_s, when arrivals stop, so that no request is left behind).
 * A batch whose deadline is already past when its first request joins
 * (max_wait_s 0, or an unbounded wait after duration_s) leaves at once.
 * A batch that leaves is dispatched like one request, through its first
 * request (the lead): to a warm instance or a new one (cold start), one
 * batch at a time per instance (concurrency_per_instance is 1), running
 * base_s + per_item_s x its size (or its profile's time for that size).
 * Every request of the batch ends with the lead: same outcome, start, init and run; its latency is its wait in the
 * forming batch plus the lead's init and run. Requests keep their slots
 * from joining to the batch's end.
 */
#include <math.h>
#include <stdlib.h>
#include "models/batchprofile.h"
#include "platform/internal.h"

/* A function's forming batch: requests linked through request.next, oldest
 * first, and the timer of its deadline. */
struct batch_form {
	uint32_t head, tail, n;
	engine_timer timer;
};

int batch_init(struct platform *p)
{
	int any = 0;
	for (uint32_t i = 0; i < p->n_fn; i++)
		any |= p->fn[i].batched = p->fn[i].cfg->batch.max_size > 0;
	if (!any)
		return 0;
	p->batch = malloc((size_t)p->n_fn * sizeof(*p->batch));
	if (!p->batch)
		return -1;
	for (uint32_t i = 0; i < p->n_fn; i++)
		p->batch[i] = (struct batch_form){ NONE, NONE, 0, ENGINE_TIMER_NONE };
	return 0;
}

void batch_free(struct platform *p)
{
	free(p->batch);
}

/* Function fn's forming batch leaves now: dispatched through its lead. */
static int batch_go(struct platform *p, uint32_t fn)
{
	struct batch_form *b = &p->batch[fn];
	const struct batch_cfg *cfg = &p->fn[fn].cfg->batch;
	uint32_t lead = b->head, n = b->n;
	if (b->timer != ENGINE_TIMER_NONE)
		engine_cancel(p->engine, b->timer);
	*b = (struct batch_form){ NONE, NONE, 0, ENGINE_TIMER_NONE };
	for (uint32_t r = lead; r != NONE; r = p->req[r].next)
		p->req[r].batch_n = n;
	struct request *rq = &p->req[lead];
	rq->batch_lead = 1;
	rq->service_s = cfg->profile ? batchprof_service_s(cfg->profile, n) : cfg->base_s + cfg->per_item_s * n;
	return platform_dispatch(p, lead);
}

static void on_batch_deadline(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	p->batch[arg].timer = ENGINE_TIMER_NONE;
	batch_go(p, (uint32_t)arg);   /* a failure has stopped the engine */
}

int batch_join(struct platform *p, uint32_t r)
{
	struct request *rq = &p->req[r];
	uint32_t fn = rq->fn;
	struct batch_form *b = &p->batch[fn];
	const struct batch_cfg *cfg = &p->fn[fn].cfg->batch;
	double now = engine_now(p->engine);
	rq->next = NONE;
	if (b->tail != NONE)
		p->req[b->tail].next = r;
	else
		b->head = r;
	b->tail = r;
	if (++b->n >= cfg->max_size)
		return batch_go(p, fn);
	if (b->n > 1)
		return 0;
	double deadline = isfinite(cfg->max_wait_s) ? now + cfg->max_wait_s : p->sc->duration_s;
	if (!(deadline > now))
		return batch_go(p, fn);
	b->timer = engine_at(p->engine, deadline, on_batch_deadline, p, fn);
	return b->timer ? 0 : platform_fail(p, "cannot schedule a batch's deadline");
}

void batch_finish(struct platform *p, uint32_t r, double end_s)
{
	const struct request *lead = &p->req[r];
	struct fn_rt *f = &p->fn[lead->fn];
	uint32_t m = lead->next;
	while (m != NONE) {
		struct request *rq = &p->req[m];
		uint32_t next = rq->next;
		rq->outcome = lead->outcome;
		rq->instance = lead->instance;
		rq->cold = lead->cold;
		rq->restore = lead->restore;
		rq->provisioned = lead->provisioned;
		rq->start_s = lead->start_s;
		rq->init_s = lead->init_s;
		rq->run_s = lead->run_s;
		platform_report(p, m, end_s);
		queue_give_slot(p, f);
		platform_free_request(p, m);
		m = next;
	}
}
