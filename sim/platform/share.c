/*
 * share: processor sharing of an instance's vCPUs among the requests it
 * serves at once (concurrency_per_instance > 1), private to sim/platform
 * (internal.h). dispatch hands a request of a sharing function to
 * share_start; its end goes back through platform_on_complete.
 *
 * Requests sharing an instance (concurrency_per_instance > 1) share its
 * vCPUs. A request of a function with cpu_fraction > 0 runs, after any
 * init, an I/O phase (1 - cpu_fraction of its service time: a delay nobody
 * shares) and then a CPU phase (the rest: its length when alone). With n
 * requests in their CPU phase an instance gives each min(1, cpu_width / n)
 * of its speed alone: egalitarian processor sharing over the vCPUs, none
 * using more than it uses alone (struct function_cfg). All CPU-phase
 * requests of an instance advance at one rate, so the instance keeps a
 * virtual clock v_s (CPU-phase seconds each has done since it last emptied)
 * and a heap of finish tags (v_s at entry + length); the least tag ends
 * first and one engine timer per instance points at it. A change of n
 * advances v_s and moves that timer: O(log) per change. A request's
 * timeout is a timer of its own; one that ends exactly at its timeout
 * completes, as without sharing. Functions that do not share never come
 * here (share_applies). */

#include <stdlib.h>
#include <string.h>
#include "core/heap.h"
#include "platform/internal.h"

struct ps_ent {
	double tag_s;
	uint64_t seq;             /* ties: order of entry */
	uint32_t r, pad_;
};

struct ps_inst {
	struct ps_ent *heap;
	uint32_t n, cap;
	double v_s, at_s;         /* the virtual clock, as of at_s */
	engine_timer timer;
};

struct ps_req {
	double cpu_s;             /* its CPU phase, alone */
	uint32_t pos;             /* in its instance's heap; NONE outside the CPU phase */
	engine_timer phase, deadline;
};

#define PS_LESS(p, a, b) ((a).tag_s < (b).tag_s || ((a).tag_s == (b).tag_s && (a).seq < (b).seq))
#define PS_PLACE(p, h, i, x) ((h)[i] = (x), (p)->ps_req[(h)[i].r].pos = (uint32_t)(i))
HEAP_DEFINE(ps_heap, struct ps_ent, 2, struct platform *, PS_LESS, PS_PLACE)

/* Speed of each of n CPU-phase requests of instance id, relative to alone. */
static double ps_rate(const struct platform *p, uint32_t id, uint32_t n)
{
	double width = p->fn[p->inst[id].fn].cfg->cpu_width;
	return n <= width ? 1 : width / n;
}

/* Room for request r and instance id in the sharing records. */
static int ps_reserve(struct platform *p, uint32_t r, uint32_t id)
{
	if (r >= p->cap_ps_req) {
		void *q = realloc(p->ps_req, (size_t)p->cap_req * sizeof(*p->ps_req));
		if (!q)
			return -1;
		p->ps_req = q;
		p->cap_ps_req = p->cap_req;
	}
	if (id >= p->cap_ps_inst) {
		void *q = realloc(p->ps_inst, (size_t)p->cap_inst * sizeof(*p->ps_inst));
		if (!q)
			return -1;
		p->ps_inst = q;
		memset(p->ps_inst + p->cap_ps_inst, 0, (size_t)(p->cap_inst - p->cap_ps_inst) * sizeof(*p->ps_inst));
		p->cap_ps_inst = p->cap_inst;
	}
	return 0;
}

static void ps_advance(struct platform *p, uint32_t id, double now)
{
	struct ps_inst *pi = &p->ps_inst[id];
	if (pi->n)
		pi->v_s += ps_rate(p, id, pi->n) * (now - pi->at_s);
	pi->at_s = now;
}

static void on_ps_cpu(void *ctx, uint64_t arg);

/* Points instance id's timer at its least finish tag (none when empty). */
static int ps_arm(struct platform *p, uint32_t id)
{
	struct ps_inst *pi = &p->ps_inst[id];
	double now = engine_now(p->engine);
	engine_cancel(p->engine, pi->timer);
	pi->timer = ENGINE_TIMER_NONE;
	if (pi->n == 0) {
		pi->v_s = 0;    /* a fresh clock keeps the tags' precision */
		return 0;
	}
	double t = now + (pi->heap[0].tag_s - pi->v_s) / ps_rate(p, id, pi->n);
	pi->timer = engine_at(p->engine, t > now ? t : now, on_ps_cpu, p, id);
	return pi->timer ? 0 : platform_fail(p, "cannot schedule a completion");
}

/* Request r begins its CPU phase. */
static int ps_enter(struct platform *p, uint32_t r)
{
	uint32_t id = p->req[r].instance;
	ps_advance(p, id, engine_now(p->engine));
	struct ps_inst *pi = &p->ps_inst[id];
	if (pi->n == pi->cap) {
		uint32_t cap = pi->cap ? pi->cap * 2 : 4;
		void *q = realloc(pi->heap, (size_t)cap * sizeof(*pi->heap));
		if (!q)
			return platform_fail(p, "cannot hold another request on an instance");
		pi->heap = q;
		pi->cap = cap;
	}
	struct ps_ent e = { .tag_s = pi->v_s + p->ps_req[r].cpu_s, .seq = ++p->ps_seq, .r = r };
	pi->n = (uint32_t)ps_heap_push(p, pi->heap, pi->n, e);
	return ps_arm(p, id);
}

/* Request r leaves its CPU phase (before its end); the caller re-arms. */
static void ps_leave(struct platform *p, uint32_t r)
{
	uint32_t id = p->req[r].instance;
	ps_advance(p, id, engine_now(p->engine));
	struct ps_inst *pi = &p->ps_inst[id];
	pi->n = (uint32_t)ps_heap_remove(p, pi->heap, pi->n, p->ps_req[r].pos);
	p->ps_req[r].pos = NONE;
}

/* Request r ends now: done, or cut at its timeout. */
static void ps_end(struct platform *p, uint32_t r, int cut)
{
	struct request *rq = &p->req[r];
	struct ps_req *pr = &p->ps_req[r];
	const struct function_cfg *cfg = p->fn[rq->fn].cfg;
	engine_cancel(p->engine, cut ? pr->phase : pr->deadline);
	pr->phase = pr->deadline = ENGINE_TIMER_NONE;
	rq->run_s = cut ? cfg->timeout_s : engine_now(p->engine) - rq->start_s - rq->init_s;
	rq->outcome = cfg->oom != OOM_NONE ? REQ_OOM : cut ? REQ_TIMED_OUT : REQ_COMPLETED;
	platform_on_complete(p, r);
}

/* The least finish tag of instance arg is reached: those requests end. A
 * request they let in (the slot they free) may join at once, behind them. */
static void on_ps_cpu(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	uint32_t id = (uint32_t)arg;
	p->ps_inst[id].timer = ENGINE_TIMER_NONE;
	ps_advance(p, id, engine_now(p->engine));
	struct ps_inst *pi = &p->ps_inst[id];
	if (pi->n && pi->v_s < pi->heap[0].tag_s)
		pi->v_s = pi->heap[0].tag_s;   /* what the timer was set for, without rounding */
	while (!p->failed && pi->n && pi->heap[0].tag_s <= pi->v_s) {
		uint32_t r = pi->heap[0].r;
		ps_leave(p, r);
		ps_end(p, r, 0);
		pi = &p->ps_inst[id];
	}
	if (!p->failed)
		ps_arm(p, id);
}

/* Request arg's init and I/O phase are over. */
static void on_ps_phase(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	uint32_t r = (uint32_t)arg;
	p->ps_req[r].phase = ENGINE_TIMER_NONE;
	if (p->ps_req[r].cpu_s > 0)
		ps_enter(p, r);
	else
		ps_end(p, r, 0);
}

/* Request arg reached its timeout: cut there. */
static void on_ps_deadline(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	uint32_t r = (uint32_t)arg;
	p->ps_req[r].deadline = ENGINE_TIMER_NONE;
	if (p->ps_req[r].pos != NONE) {
		uint32_t id = p->req[r].instance;
		ps_advance(p, id, engine_now(p->engine));
		if (p->ps_inst[id].heap[p->ps_req[r].pos].tag_s <= p->ps_inst[id].v_s)
			return;   /* done now: its instance's timer, due now too, ends it */
		ps_leave(p, r);
		if (ps_arm(p, id) < 0)
			return;
	}
	ps_end(p, r, 1);
}

/* Starts request r (dispatched, its init in rq->init_s) on a sharing
 * instance, with its service time alone. */
int share_start(struct platform *p, uint32_t r, double now, double service)
{
	struct request *rq = &p->req[r];
	const struct function_cfg *cfg = p->fn[rq->fn].cfg;
	if (ps_reserve(p, r, rq->instance) < 0)
		return platform_fail(p, "cannot hold another request");
	struct ps_req *pr = &p->ps_req[r];
	double cpu_s = service * cfg->cpu_fraction, lead_s = rq->init_s + (service - cpu_s);
	*pr = (struct ps_req){ .cpu_s = cpu_s, .pos = NONE };
	/* The phase's end first: at the same time as the timeout, it comes
	 * first (a request that ends then completes). Neither is late: like a
	 * completion without sharing, both come before an arrival at their
	 * time, however the driver delivers arrivals. */
	int rc = 0;
	if (lead_s > 0 || !(cpu_s > 0)) {
		pr->phase = engine_at(p->engine, now + lead_s, on_ps_phase, p, r);
		rc = pr->phase ? 0 : platform_fail(p, "cannot schedule a completion");
	} else {
		rc = ps_enter(p, r);
	}
	pr = &p->ps_req[r];
	if (rc == 0 && !(pr->deadline = engine_at(p->engine, now + rq->init_s + cfg->timeout_s, on_ps_deadline, p, r)))
		rc = platform_fail(p, "cannot schedule a timeout");
	return rc;
}

void share_free(struct platform *p)
{
	for (uint32_t id = 0; id < p->cap_ps_inst; id++)
		free(p->ps_inst[id].heap);
	free(p->ps_inst);
	free(p->ps_req);
}
