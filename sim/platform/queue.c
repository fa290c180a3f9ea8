/*
 * queue: requests over a concurrency limit (platform.on_limit "queue"), private
 * to sim/platform (internal.h). A function with reserved concurrency has a FIFO
 * of its own, the others share the account's; each waiting request has a
 * timer of queue_timeout_s. The slots themselves (queue_has_slot and
 * friends) are inline in internal.h: every request takes and gives one.
 */
#include "platform/internal.h"



/* Request arg waited queue_timeout_s: it gives up. */
static void on_queue_timeout(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	uint32_t r = (uint32_t)arg;
	struct request *rq = &p->req[r];
	struct fn_rt *f = &p->fn[rq->fn];
	wait_queue_unlink(p, f->cfg->reserved_concurrency ? &f->queue : &p->shared_queue, r);
	rq->outcome = REQ_QUEUE_TIMEOUT;
	rq->start_s = engine_now(p->engine);
	platform_report(p, r, rq->start_s);
	platform_free_request(p, r);
}

int queue_wait(struct platform *p, struct fn_rt *f, uint32_t r, double now)
{
	p->req[r].queue_timer = engine_at(p->engine, now + p->sc->platform.queue_timeout_s,
					  on_queue_timeout, p, r);
	if (!p->req[r].queue_timer)
		return platform_fail(p, "cannot schedule a queue timeout");
	wait_queue_push(p, f->cfg->reserved_concurrency ? &f->queue : &p->shared_queue, r);
	return 0;
}

/* Starts waiting requests while slots are free. */
void queue_drain(struct platform *p, struct wait_queue *q, struct fn_rt *owner)
{
	while (q->head != NONE) {
		uint32_t r = q->head;
		struct fn_rt *f = &p->fn[p->req[r].fn];
		if (!queue_has_slot(p, owner ? owner : f))
			break;
		wait_queue_unlink(p, q, r);
		engine_cancel(p->engine, p->req[r].queue_timer);
		queue_take_slot(p, f);
		if (platform_dispatch(p, r) < 0)
			return;
	}
}
