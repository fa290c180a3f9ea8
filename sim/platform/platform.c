#include "platform/platform.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/heap.h"
#include "core/rng.h"
#include "platform/internal.h"

/* ---- pools ------------------------------------------------------------- */

#define POOL_MAX (UINT32_MAX - 1)

static uint32_t new_instance(struct platform *p)
{
	if (p->free_inst != NONE) {
		uint32_t i = p->free_inst;
		p->free_inst = p->inst[i].next_free;
		return i;
	}
	if (p->n_inst == p->cap_inst) {
		uint32_t cap = p->cap_inst ? p->cap_inst * 2 : 64;
		if (p->cap_inst >= POOL_MAX / 2)
			return NONE;
		void *q = realloc(p->inst, (size_t)cap * sizeof(*p->inst));
		if (!q)
			return NONE;
		p->inst = q;
		if (p->obs.instance_busy) {
			q = realloc(p->busy, (size_t)cap * sizeof(*p->busy));
			if (!q)
				return NONE;
			p->busy = q;
		}
		p->cap_inst = cap;
	}
	return p->n_inst++;
}

static void free_instance(struct platform *p, uint32_t i)
{
	p->inst[i].state = INST_FREE;
	p->inst[i].next_free = p->free_inst;
	p->free_inst = i;
}

static uint32_t new_request(struct platform *p)
{
	if (p->free_req != NONE) {
		uint32_t i = p->free_req;
		p->free_req = p->req[i].next;
		return i;
	}
	if (p->n_req == p->cap_req) {
		uint32_t cap = p->cap_req ? p->cap_req * 2 : 64;
		if (p->cap_req >= POOL_MAX / 2)
			return NONE;
		void *q = realloc(p->req, (size_t)cap * sizeof(*p->req));
		if (!q)
			return NONE;
		p->req = q;
		p->cap_req = cap;
	}
	return p->n_req++;
}

/* ---- available-instance heap (min-heap on a policy key) ----------------- */

/* Provisioned instances first (the top bit), then idle_selection's order. */
static uint64_t avail_key(const struct platform *p, const struct instance *in)
{
	/* Sequence numbers stay far below 2^63. */
	const uint64_t top = UINT64_C(1) << 63;
	uint64_t key = 0, on_demand = in->provisioned ? 0 : top;
	switch (p->sc->platform.idle_selection) {
	case IDLE_NEWEST: key = top - 1 - in->created_seq; break;
	case IDLE_MRU: key = top - 1 - in->used_seq; break;
	case IDLE_LRU: key = in->used_seq; break;
	case IDLE_RANDOM: key = 0; break;
	}
	return on_demand | key;
}

/* Every store of an entry records its position in its instance. */
#define AVAIL_LESS(p, a, b) ((a).key < (b).key)
#define AVAIL_PLACE(p, h, i, x) ((h)[i] = (x), (p)->inst[(h)[i].id].avail_pos = (uint32_t)(i))
HEAP_DEFINE(avail_heap, struct avail_ent, 2, struct platform *, AVAIL_LESS, AVAIL_PLACE)

static int avail_heap_insert(struct platform *p, struct fn_rt *f, uint32_t id)
{
	if (f->n_avail == f->cap_avail) {
		uint32_t cap = f->cap_avail ? f->cap_avail * 2 : 4;
		void *q = realloc(f->avail, (size_t)cap * sizeof(*f->avail));
		if (!q)
			return -1;
		f->avail = q;
		f->cap_avail = cap;
	}
	struct avail_ent e = { .key = avail_key(p, &p->inst[id]), .id = id };
	f->n_avail = (uint32_t)avail_heap_push(p, f->avail, f->n_avail, e);
	return 0;
}

static void avail_heap_unlink(struct platform *p, struct fn_rt *f, uint32_t id)
{
	uint32_t pos = p->inst[id].avail_pos;
	p->inst[id].avail_pos = NONE;
	f->n_avail = (uint32_t)avail_heap_remove(p, f->avail, f->n_avail, pos);
}

/* ---- available-instance lists (mru, lru) -------------------------------- */

static void ilist_unlink(struct platform *p, struct ilist *l, uint32_t id, int kind)
{
	struct ilink *k = &p->inst[id].links[kind];
	if (k->prev != NONE)
		p->inst[k->prev].links[kind].next = k->next;
	else
		l->head = k->next;
	if (k->next != NONE)
		p->inst[k->next].links[kind].prev = k->prev;
	else
		l->tail = k->prev;
}

/* Links id into l after instance `after` (NONE: at the head). */
static void ilist_insert_after(struct platform *p, struct ilist *l, uint32_t id, uint32_t after, int kind)
{
	uint32_t before = after == NONE ? l->head : p->inst[after].links[kind].next;
	p->inst[id].links[kind] = (struct ilink){ after, before };
	if (after != NONE)
		p->inst[after].links[kind].next = id;
	else
		l->head = id;
	if (before != NONE)
		p->inst[before].links[kind].prev = id;
	else
		l->tail = id;
}

static void list_unlink(struct platform *p, struct fn_rt *f, uint32_t id)
{
	ilist_unlink(p, &f->avail_list[!p->inst[id].provisioned], id, LINK_AVAIL);
	p->inst[id].avail_pos = NONE;
	f->n_avail--;
}

/* Inserts in used_seq order: at the tail, unless the instance is older than
 * others there (a provisioned instance turned on-demand). */
static void list_insert(struct platform *p, struct fn_rt *f, uint32_t id)
{
	struct instance *in = &p->inst[id];
	struct ilist *l = &f->avail_list[!in->provisioned];
	uint32_t after = l->tail;
	while (after != NONE && p->inst[after].used_seq > in->used_seq)
		after = p->inst[after].links[LINK_AVAIL].prev;
	ilist_insert_after(p, l, id, after, LINK_AVAIL);
	in->avail_pos = 0;
	f->n_avail++;
}

/* ---- available instances: the heap or the lists ------------------------- */

static int avail_insert(struct platform *p, struct fn_rt *f, uint32_t id)
{
	if (!p->avail_lists)
		return avail_heap_insert(p, f, id);
	list_insert(p, f, id);
	return 0;
}

static void avail_remove(struct platform *p, struct fn_rt *f, uint32_t id)
{
	if (p->avail_lists)
		list_unlink(p, f, id);
	else
		avail_heap_unlink(p, f, id);
}

/* Re-sorts an instance whose key changed. */
static void avail_update(struct platform *p, struct fn_rt *f, uint32_t id)
{
	if (p->avail_lists) {
		/* The provisioned flag must not have changed (see
		 * host_set_provisioned). */
		list_unlink(p, f, id);
		list_insert(p, f, id);
		return;
	}
	uint32_t pos = p->inst[id].avail_pos;
	f->avail[pos].key = avail_key(p, &p->inst[id]);
	avail_heap_update(p, f->avail, f->n_avail, pos);
}

/* The instance a request goes to (provisioned first): the top of the heap,
 * or the newest (mru) or oldest (lru) of the first non-empty list. */
static uint32_t avail_top(const struct platform *p, const struct fn_rt *f)
{
	if (!p->avail_lists)
		return f->avail[0].id;
	const struct ilist *l = &f->avail_list[f->avail_list[0].head == NONE];
	return p->sc->platform.idle_selection == IDLE_MRU ? l->tail : l->head;
}

/* ---- bookkeeping ------------------------------------------------------- */

static void counts_add(struct platform *p, uint32_t fn, int d_init, int d_busy, int d_idle)
{
	struct fn_rt *f = &p->fn[fn];
	uint32_t alive_before = f->counts.initializing + f->counts.busy + f->counts.idle;
	f->counts.initializing += d_init;
	f->counts.busy += d_busy;
	f->counts.idle += d_idle;
	int d_alive = d_init + d_busy + d_idle, d_active = d_init + d_busy;
	if (d_alive && p->obs.alive_change)
		p->obs.alive_change(p->obs.ctx, p->fn_base + fn, engine_now(p->engine), d_alive, alive_before);
	if (d_active && f->cfg->concurrency_per_instance > 1 && p->obs.busy_change)
		p->obs.busy_change(p->obs.ctx, p->fn_base + fn, engine_now(p->engine), d_active);
}

int platform_fail(struct platform *p, const char *what)
{
	if (!p->failed) {
		p->failed = 1;
		const char *why = engine_failed(p->engine);
		errbuf_set(p->err, ERR_RUNTIME, "%s: %s", what, why ? why : "out of memory");
	}
	engine_stop(p->engine);
	return ERR_RUNTIME;
}

/* Tells the observer request r ended at end_s. */
void platform_report(struct platform *p, uint32_t r, double end_s)
{
	struct request *rq = &p->req[r];
	struct request_result res = {
		.function = p->fn_base + rq->fn,
		.tag = rq->tag,
		.outcome = rq->outcome,
		.cold = rq->cold,
		.ping = rq->ping,
		.provisioned = rq->provisioned,
		.arrival_s = rq->arrival_s,
		.start_s = rq->start_s,
		.end_s = end_s,
		.init_s = rq->init_s,
		.run_s = rq->run_s,
		.restore = rq->restore,
		.batch_size = rq->batch_n,
		.batch_lead = rq->batch_lead,
		.first_token_s = NAN,
	};
	if (__builtin_expect(rq->llm, 0))
		llm_result(p, r, &res);
	if (p->obs.request_done)
		p->obs.request_done(p->obs.ctx, &res);
}

/* ---- keep-alive expiry FIFO --------------------------------------------- */

/* Instead of one timer scheduled and cancelled per idle period, idle
 * instances whose expiries come in the order they became idle wait in a
 * FIFO (struct ka_list) with a single timer. A request taking an idle
 * instance just unlinks it; the timer is left where it is and, when it fires
 * early, moves to the new head's expiry. Releases happen at the same times
 * and, for equal times, in the same order (idle order) as with one timer
 * each; the pending-event set holds one timer per list instead of one per
 * idle instance. */
static void on_fifo_timer(void *ctx, uint64_t arg);

static void fifo_unlink(struct platform *p, struct fn_rt *f, uint32_t id)
{
	ilist_unlink(p, &p->lists[f->ka_list].ids, id, LINK_KA);
	p->inst[id].in_fifo = 0;
}

/* Makes sure list li has a timer pending at or before time t_s. */
static int fifo_arm(struct platform *p, uint32_t li, double t_s)
{
	struct ka_list *l = &p->lists[li];
	if (l->timer != ENGINE_TIMER_NONE) {
		if (l->timer_s <= t_s)
			return 0;
		engine_cancel(p->engine, l->timer);
	}
	l->timer = engine_at(p->engine, t_s, on_fifo_timer, p, li);
	l->timer_s = t_s;
	return l->timer ? 0 : -1;
}

/* Appends instance id, expiring at expiry_s, when that keeps the FIFO in
 * order. Returns 1 when it does not (the caller gives it its own timer),
 * 0 when appended, <0 on failure. */
static int fifo_append(struct platform *p, struct fn_rt *f, uint32_t id, double expiry_s)
{
	struct instance *in = &p->inst[id];
	struct ilist *l = &p->lists[f->ka_list].ids;
	if (l->tail != NONE && p->inst[l->tail].expiry_s > expiry_s)
		return 1;
	in->expiry_s = expiry_s;
	in->in_fifo = 1;
	ilist_insert_after(p, l, id, l->tail, LINK_KA);
	return l->head == id ? fifo_arm(p, f->ka_list, expiry_s) : 0;
}

/* ---- events ------------------------------------------------------------ */

static void on_init_done(void *ctx, uint64_t arg);
static void on_expiry(void *ctx, uint64_t arg);

void platform_release(struct platform *p, uint32_t id)
{
	struct instance *in = &p->inst[id];
	struct fn_rt *f = &p->fn[in->fn];
	if (in->avail_pos != NONE)
		avail_remove(p, f, id);
	if (in->in_fifo)
		fifo_unlink(p, f, id);
	counts_add(p, in->fn, 0, 0, -1);
	if (p->obs.instance_released)
		p->obs.instance_released(p->obs.ctx, p->fn_base + in->fn, in->created_s, engine_now(p->engine));
	if (in->provisioned)
		f->n_provisioned--;
	f->fc_requests -= in->fc_requests;
	if (p->fch_on)
		pool_fch_remove(p, id);
	p->pool_used_mb -= f->cfg->memory_mb;
	if (p->nodes)
		node_release(p, id);
	free_instance(p, id);
}

/* Makes an instance that serves nothing available, with its keep-alive:
 * provisioned ones forever, pre-warmed ones until until_s. */
static int make_idle_available(struct platform *p, uint32_t id)
{
	struct instance *in = &p->inst[id];
	struct fn_rt *f = &p->fn[in->fn];
	double now = engine_now(p->engine);
	if (!in->provisioned && !(in->until_s > now)) {
		platform_release(p, id);
		return 0;
	}
	if (avail_insert(p, f, id) < 0)
		return platform_fail(p, "cannot track available instances");
	if (!in->provisioned && isfinite(in->until_s)) {
		in->expiry = engine_at(p->engine, in->until_s, on_expiry, p, id);
		if (!in->expiry)
			return platform_fail(p, "cannot schedule a keep-alive expiry");
	}
	return 0;
}

/* New instance id of f goes to node: it initialises until its model is
 * loaded (node.c), which starts request r (NONE: none). */
static int start_on_node(struct platform *p, struct fn_rt *f, uint32_t id, uint32_t node,
			 const struct coldstart_draw *draw, uint32_t r)
{
	p->inst[id].state = INST_INIT;
	if (node_take(p, f, id, node) < 0)
		return ERR_RUNTIME;
	return node_load(p, id, draw->init_s - draw->model_load_s, r);
}

/* Creates an instance of fn that serves nothing yet (pre-warmed or
 * provisioned); it counts as idle while it initialises. Returns 1 when the
 * pool has no room. */
int platform_spawn_idle(struct platform *p, uint32_t fn, int provisioned, double until_s)
{
	struct fn_rt *f = &p->fn[fn];
	const struct function_cfg *cfg = f->cfg;
	double now = engine_now(p->engine);
	uint32_t node = NONE;
	if (pool_make_room(p, cfg->memory_mb) || (node_applies(p, f) && node_pick(p, f, &node)))
		return 1;
	uint32_t id = new_instance(p);
	if (id == NONE)
		return platform_fail(p, "cannot create another instance");
	struct coldstart_draw draw = { 0 };
	cfg->cold_start->draw(cfg->cold_start_cfg, &f->rng_policy.gen, dist_mean(&cfg->service), &draw);
	p->inst[id] = (struct instance){
		.fn = fn,
		.avail_pos = NONE,
		.next_free = NONE,
		.state = draw.init_s > 0 ? INST_INIT : INST_WARM,
		.provisioned = (uint8_t)provisioned,
		.created_s = now,
		.until_s = until_s,
		.created_seq = ++p->seq,
		.used_seq = p->seq,
		.expiry = ENGINE_TIMER_NONE,
	};
	p->inst[id].priority = pool_idle_priority(p, f);
	p->pool_used_mb += cfg->memory_mb;
	f->n_provisioned += provisioned != 0;
	counts_add(p, fn, 0, 0, 1);
	if (node != NONE)
		return start_on_node(p, f, id, node, &draw, NONE);
	if (draw.init_s > 0)
		return engine_at(p->engine, now + draw.init_s, on_init_done, p, id)
			? 0 : platform_fail(p, "cannot schedule an initialisation");
	return make_idle_available(p, id);
}

/* Instance id's in-flight count goes 0 -> 1 now, after init_s of
 * initialisation when it is new (out of line: only when busy periods are
 * reported). */
__attribute__((noinline)) static void busy_begins(struct platform *p, uint32_t id, double init_s)
{
	p->busy[id] = (struct busy_mark){ engine_now(p->engine), init_s };
}

/* Request r of f, which held a concurrency slot, ends now (its outcome set):
 * reported, its slot given back, and the other requests of its batch end
 * with it. */
static inline void request_ends(struct platform *p, struct fn_rt *f, uint32_t r, double now)
{
	platform_report(p, r, now);
	queue_give_slot(p, f);
	if (p->req[r].batch_n > 1)
		batch_finish(p, r, now);
}

/* A warm start: request rq of f takes instance id (available, with a free
 * slot). */
static void dispatch_warm(struct platform *p, struct fn_rt *f, struct request *rq, uint32_t id)
{
	struct instance *in = &p->inst[id];
	if (in->active == 0) {
		if (in->in_fifo)
			fifo_unlink(p, f, id);
		if (in->expiry != ENGINE_TIMER_NONE) {
			engine_cancel(p->engine, in->expiry);
			in->expiry = ENGINE_TIMER_NONE;
		}
		counts_add(p, rq->fn, 0, 1, -1);
		if (__builtin_expect(p->busy != NULL, 0))
			busy_begins(p, id, 0);
	}
	in->active++;
	in->used_seq = ++p->seq;
	if (in->active >= f->cfg->concurrency_per_instance)
		avail_remove(p, f, id);
	else
		avail_update(p, f, id);
	rq->instance = id;
	rq->cold = 0;
	rq->init_s = 0;
	rq->restore = RESTORE_NONE;
	rq->provisioned = in->provisioned;
}

/* Request r of f finds no room for a new instance: rejected. Returns 1. */
static int drop_request(struct platform *p, struct fn_rt *f, uint32_t r, double now)
{
	p->req[r].outcome = REQ_REJECTED;
	request_ends(p, f, r, now);
	platform_free_request(p, r);
	return 1;
}

/* A cold start: request r of f on a new instance. Returns 0 (its cold
 * service time in *service), 1 when the memory pool or a full cluster
 * dropped the request (reported and freed) or it waits for a GPU, <0 on
 * failure. */
static int dispatch_cold(struct platform *p, struct fn_rt *f, uint32_t r, double now, double *service)
{
	struct request *rq = &p->req[r];
	const struct function_cfg *cfg = f->cfg;
	uint32_t node = NONE;
	/* FaasCache's choice: no idle memory to evict, the request is dropped. */
	if (pool_make_room(p, cfg->memory_mb))
		return drop_request(p, f, r, now);
	if (node_applies(p, f) && node_pick(p, f, &node)) {
		/* No node with free GPUs, even after releasing idle instances:
		 * it waits for one (on_limit "queue", its draw kept), or is
		 * dropped as the memory pool drops. */
		if (p->sc->platform.on_limit != ON_LIMIT_QUEUE)
			return drop_request(p, f, r, now);
		rq->service_s = *service;
		return node_wait(p, r, now) < 0 ? ERR_RUNTIME : 1;
	}
	uint32_t id = new_instance(p);
	if (id == NONE)
		return platform_fail(p, "cannot create another instance");
	struct instance *in = &p->inst[id];
	struct coldstart_draw draw = { 0 };
	cfg->cold_start->draw(cfg->cold_start_cfg, &f->rng_cold.gen, *service, &draw);
	*in = (struct instance){
		.fn = rq->fn,
		.active = 1,
		.avail_pos = NONE,
		.next_free = NONE,
		.state = draw.init_s > 0 ? INST_INIT : INST_WARM,
		.created_s = now,
		.created_seq = ++p->seq,
		.used_seq = p->seq,
		.expiry = ENGINE_TIMER_NONE,
	};
	p->pool_used_mb += cfg->memory_mb;
	if (p->busy)
		busy_begins(p, id, draw.init_s);
	if (node != NONE) {
		/* Its init ends when its model is loaded; it runs then. */
		counts_add(p, rq->fn, 1, 0, 0);
		if (start_on_node(p, f, id, node, &draw, r) < 0)
			return ERR_RUNTIME;
		draw.init_s = NAN;   /* platform_dispatch leaves the run to platform_loaded */
	} else if (draw.init_s > 0) {
		counts_add(p, rq->fn, 1, 0, 0);
		if (!engine_at(p->engine, now + draw.init_s, on_init_done, p, id))
			return platform_fail(p, "cannot schedule an initialisation");
	} else {
		counts_add(p, rq->fn, 0, 1, 0);
		/* Ready at once: it takes more requests up to its concurrency, as
		 * on_init_done lets an instance do after its init. */
		if (cfg->concurrency_per_instance > 1 && avail_insert(p, f, id) < 0)
			return platform_fail(p, "cannot track available instances");
	}
	rq->instance = id;
	rq->cold = 1;
	rq->init_s = draw.init_s;
	rq->restore = draw.restore;
	rq->provisioned = 0;
	*service = draw.service_s;
	return 0;
}

/* Too little memory: the instance dies with the request (a provisioned one
 * is restarted in place and stays provisioned). When the runtime and model
 * do not fit, loading them fails at the end of init and the request never
 * runs. */
static void dispatch_oom(struct platform *p, struct fn_rt *f, struct request *rq)
{
	struct instance *in = &p->inst[rq->instance];
	rq->outcome = REQ_OOM;
	if (f->cfg->oom == OOM_INIT)
		rq->run_s = 0;
	if (!in->provisioned) {
		in->doomed = 1;
		if (in->avail_pos != NONE)
			avail_remove(p, f, rq->instance);
	}
}

/* Request r of f, on its instance after init_s, runs service seconds from
 * now (cut at its timeout), or shares its instance. */
static int dispatch_run(struct platform *p, struct fn_rt *f, uint32_t r, double now, double service)
{
	struct request *rq = &p->req[r];
	const struct function_cfg *cfg = f->cfg;
	rq->outcome = service > cfg->timeout_s ? REQ_TIMED_OUT : REQ_COMPLETED;
	rq->run_s = service > cfg->timeout_s ? cfg->timeout_s : service;
	if (cfg->oom != OOM_NONE)
		dispatch_oom(p, f, rq);
	if (__builtin_expect(f->llm, 0) && llm_applies(cfg, rq))
		return llm_start(p, r, now);
	if (share_applies(cfg))
		return share_start(p, r, now, service);
	if (!engine_at(p->engine, now + rq->init_s + rq->run_s, platform_on_complete, p, r))
		return platform_fail(p, "cannot schedule a completion");
	return 0;
}

int platform_dispatch(struct platform *p, uint32_t r)
{
	struct request *rq = &p->req[r];
	struct fn_rt *f = &p->fn[rq->fn];
	/* A batching function's request joins a batch; the batch comes back
	 * here as its lead (batch.c). Warmer pings run alone. */
	if (__builtin_expect(f->batched, 0) && !rq->batch_n && !rq->ping)
		return batch_join(p, r);
	const struct function_cfg *cfg = f->cfg;
	double now = engine_now(p->engine);
	double service = rq->service_s;
	if (isnan(service))
		service = dist_sample(&cfg->service, &f->rng_service.gen);
	rq->start_s = now;
	uint32_t fch_id = NONE;
	if (p->fch_on)
		fch_id = pool_fch_activation(p, f, now);
	else if (f->fc && isfinite(f->fc_ttl_s))
		pool_fc_purge(p, f, now);

	if (f->n_avail > 0) {
		uint32_t id = fch_id != NONE ? fch_id : avail_top(p, f);
		/* Random selection among on-demand instances; provisioned first. */
		if (p->sc->platform.idle_selection == IDLE_RANDOM && !p->inst[id].provisioned)
			id = f->avail[gsl_rng_uniform_int(&f->rng_dispatch.gen, f->n_avail)].id;
		dispatch_warm(p, f, rq, id);
	} else {
		int rc = dispatch_cold(p, f, r, now, &service);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
	if (f->fc && pool_fc_started(p, f, rq->instance, now, rq->cold) < 0)
		return ERR_RUNTIME;
	if (isnan(rq->init_s)) {
		/* Loading its model on a node: it runs once loaded. */
		rq->service_s = service;
		return 0;
	}
	return dispatch_run(p, f, r, now, service);
}

void platform_loaded(struct platform *p, uint32_t id, uint32_t r)
{
	double now = engine_now(p->engine);
	if (r != NONE) {
		struct request *rq = &p->req[r];
		/* Runs from now, as if it had no init; then its init is known. */
		rq->init_s = 0;
		int rc = dispatch_run(p, &p->fn[rq->fn], r, now, rq->service_s);
		rq->init_s = now - rq->start_s;
		if (p->busy)
			p->busy[id].init_s = rq->init_s;
		if (rc < 0)
			return;
	}
	on_init_done(p, id);
}

static void on_init_done(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	uint32_t id = (uint32_t)arg;
	struct instance *in = &p->inst[id];
	struct fn_rt *f = &p->fn[in->fn];
	in->state = INST_WARM;
	if (in->active == 0) {
		make_idle_available(p, id);   /* pre-warmed or provisioned */
		if (p->nodes)
			node_kick(p);
		return;
	}
	counts_add(p, in->fn, -1, 1, 0);
	if (!in->doomed && in->active < f->cfg->concurrency_per_instance && avail_insert(p, f, id) < 0)
		platform_fail(p, "cannot track available instances");
	if (p->nodes)
		node_kick(p);    /* it may take a waiting request */
}

/* How long instance in, idle from now, stays warm: 0 releases it at once. */
static inline double idle_ttl_s(struct fn_rt *f, const struct instance *in, double now)
{
	double ttl = in->doomed ? 0 : in->provisioned ? INFINITY
		: !isnan(f->const_ttl_s) ? f->const_ttl_s
		: f->cfg->keepalive->on_idle(f->cfg->keepalive_cfg, f->keepalive_state, now);
	if (!in->provisioned && f->cfg->keepalive->max_lifetime)   /* recycled at that age */
		ttl = fmin(ttl, in->created_s + f->cfg->keepalive->max_lifetime(f->cfg->keepalive_cfg) - now);
	return ttl;
}

/* A slot of f was given back: requests waiting for one start. */
static void drain_after(struct platform *p, struct fn_rt *f)
{
	if (f->cfg->reserved_concurrency) {
		if (f->queue.head != NONE)
			queue_drain(p, &f->queue, f);
	} else if (p->shared_queue.head != NONE) {
		queue_drain(p, &p->shared_queue, NULL);
	}
}

void platform_on_complete(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	uint32_t r = (uint32_t)arg;
	struct request *rq = &p->req[r];
	struct fn_rt *f = &p->fn[rq->fn];
	uint32_t id = rq->instance;
	struct instance *in = &p->inst[id];
	double now = engine_now(p->engine);

	request_ends(p, f, r, now);

	in->active--;
	in->used_seq = ++p->seq;
	if (in->active == 0) {
		/* An instance whose init was shorter than nothing cannot be INIT here. */
		counts_add(p, in->fn, 0, -1, 1);
		if (p->busy && f->cfg->concurrency_per_instance > 1)
			p->obs.instance_busy(p->obs.ctx, p->fn_base + in->fn, p->busy[id].since_s, p->busy[id].init_s,
					     now, in->provisioned);
		if (p->sc->platform.pool_memory_mb && !f->fc)   /* FaasCache's: set at starts */
			in->priority = pool_idle_priority(p, f);
		double ttl = idle_ttl_s(f, in, now);
		if (!(ttl > 0)) {
			platform_release(p, id);
			goto freed;
		}
		if (isfinite(ttl)) {
			int rc = fifo_append(p, f, id, now + ttl);
			if (rc > 0) {
				in->expiry = engine_at(p->engine, now + ttl, on_expiry, p, id);
				rc = in->expiry ? 0 : -1;
			}
			if (rc < 0) {
				platform_fail(p, "cannot schedule a keep-alive expiry");
				return;
			}
		}
	}
	if (in->doomed) {
		/* Still serving others: it leaves once they finish. */
	} else if (in->avail_pos == NONE) {
		if (avail_insert(p, f, id) < 0) {
			platform_fail(p, "cannot track available instances");
			return;
		}
	} else {
		avail_update(p, f, id);
	}
freed:
	platform_free_request(p, r);
	if (p->nodes)
		node_kick(p);    /* an idle instance may serve, or give its GPUs to, a waiting request */
	drain_after(p, f);
}

void platform_end_waiting(struct platform *p, uint32_t r, enum request_outcome outcome)
{
	struct fn_rt *f = &p->fn[p->req[r].fn];
	double now = engine_now(p->engine);
	p->req[r].outcome = outcome;
	p->req[r].start_s = now;
	request_ends(p, f, r, now);
	platform_free_request(p, r);
	drain_after(p, f);
}

static void on_expiry(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	uint32_t id = (uint32_t)arg;
	p->inst[id].expiry = ENGINE_TIMER_NONE;
	platform_release(p, id);
}

static void on_fifo_timer(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	struct ka_list *l = &p->lists[arg];
	double now = engine_now(p->engine);
	l->timer = ENGINE_TIMER_NONE;
	while (l->ids.head != NONE && p->inst[l->ids.head].expiry_s <= now)
		platform_release(p, l->ids.head);
	if (l->ids.head != NONE && fifo_arm(p, (uint32_t)arg, p->inst[l->ids.head].expiry_s) < 0)
		platform_fail(p, "cannot schedule a keep-alive expiry");
}

/* ---- API --------------------------------------------------------------- */

static int arrive(struct platform *p, uint32_t fn, double duration_s, uint32_t tag, int ping,
		  uint32_t prompt_tokens, uint32_t output_tokens)
{
	struct fn_rt *f = &p->fn[fn];
	double now = engine_now(p->engine);
	if (!ping && f->cfg->keepalive->on_arrival)
		f->cfg->keepalive->on_arrival(f->keepalive_state, now);
	uint32_t r = new_request(p);
	if (r == NONE)
		return platform_fail(p, "cannot hold another request");
	p->req[r] = (struct request){
		.fn = fn,
		.instance = NONE,
		.tag = tag,
		.next = NONE,
		.prev = NONE,
		.ping = (uint8_t)ping,
		.arrival_s = now,
		.start_s = now,
		.service_s = duration_s,
	};
	if (__builtin_expect(f->llm, 0) && !ping && (prompt_tokens || output_tokens) &&
	    llm_arrive(p, r, prompt_tokens, output_tokens) < 0)
		return ERR_RUNTIME;
	if (queue_has_slot(p, f)) {
		queue_take_slot(p, f);
		return platform_dispatch(p, r);
	}
	if (p->sc->platform.on_limit == ON_LIMIT_REJECT) {
		p->req[r].outcome = REQ_REJECTED;
		platform_report(p, r, now);
		platform_free_request(p, r);
		return 0;
	}
	return queue_wait(p, f, r, now);
}

int platform_arrive(struct platform *p, uint32_t fn, double duration_s, uint32_t tag,
		    struct errbuf *err)
{
	p->err = err;
	return arrive(p, fn - p->fn_base, duration_s, tag, 0, 0, 0);
}

int platform_arrive_tokens(struct platform *p, uint32_t fn, double duration_s, uint32_t prompt_tokens,
			   uint32_t output_tokens, uint32_t tag, struct errbuf *err)
{
	p->err = err;
	return arrive(p, fn - p->fn_base, duration_s, tag, 0, prompt_tokens, output_tokens);
}

int platform_created_cmp(const void *pa, const void *pb)
{
	const struct alive_ent *a = pa, *b = pb;
	return a->created_seq < b->created_seq ? -1 : a->created_seq > b->created_seq;
}

/* Provisioned instance id (busy, or still initialising) becomes on-demand,
 * its keep-alive over: released once idle. */
void platform_unprovision(struct platform *p, uint32_t id)
{
	struct instance *in = &p->inst[id];
	struct fn_rt *f = &p->fn[in->fn];
	int listed = p->avail_lists && in->avail_pos != NONE;
	if (listed)
		list_unlink(p, f, id);
	in->provisioned = 0;
	in->until_s = engine_now(p->engine);
	f->n_provisioned--;
	if (listed)
		list_insert(p, f, id);
	else if (in->avail_pos != NONE)
		avail_update(p, f, id);
}

/* A warmer's ping of function fn (of this platform) now. */
int platform_ping(struct platform *p, uint32_t fn, double duration_s)
{
	return arrive(p, fn, duration_s, 0, 1, 0, 0);
}

int platform_status(const struct platform *p)
{
	return p->failed ? ERR_RUNTIME : 0;
}

void platform_finish(struct platform *p)
{
	for (uint32_t li = 0; li < p->n_lists; li++) {
		engine_cancel(p->engine, p->lists[li].timer);
		p->lists[li].timer = ENGINE_TIMER_NONE;
	}
	/* Released in order of creation (struct alive_ent): a function's
	 * lifespans add up in release order. Without memory for the list, in
	 * slot order. */
	uint32_t n = 0;
	struct alive_ent *alive = malloc(((size_t)p->n_inst + 1) * sizeof(*alive));
	for (uint32_t id = 0; alive && id < p->n_inst; id++)
		if (p->inst[id].state != INST_FREE)
			alive[n++] = (struct alive_ent){ p->inst[id].created_seq, id };
	if (alive)
		qsort(alive, n, sizeof(*alive), platform_created_cmp);
	for (uint32_t k = 0; k < (alive ? n : p->n_inst); k++) {
		uint32_t id = alive ? alive[k].id : k;
		if (p->inst[id].state == INST_FREE)
			continue;
		engine_cancel(p->engine, p->inst[id].expiry);
		p->inst[id].expiry = ENGINE_TIMER_NONE;
		/* Only idle instances remain once the engine has run dry. */
		platform_release(p, id);
	}
	free(alive);
}

void platform_prefetch(const struct platform *p, uint32_t fn)
{
	/* Addresses computed without loading anything (a load here would wait
	 * for the very miss the prefetch is meant to hide). */
	const struct fn_rt *f = &p->fn[fn - p->fn_base];
	const struct function_cfg *cfg = &p->sc->functions[fn];
	__builtin_prefetch(f);
	__builtin_prefetch((const char *)f + 64);
	__builtin_prefetch(cfg);
	__builtin_prefetch(&cfg->timeout_s);
	__builtin_prefetch(&cfg->service);
	__builtin_prefetch(&cfg->keepalive);
}

const struct instance_counts *platform_counts(const struct platform *p, uint32_t fn)
{
	return &p->fn[fn - p->fn_base].counts;
}

uint64_t platform_evictions(const struct platform *p)
{
	return p->evictions;
}

uint32_t platform_peak_shared_in_flight(const struct platform *p)
{
	return p->peak_shared_in_flight;
}

void platform_model_loads(const struct platform *p, struct platform_model_loads *out)
{
	node_loads(p, out);
}

/* Functions with the same finite constant TTL share an expiry list; the
 * others get one each. */
struct ttl_fn {
	double ttl_s;
	uint32_t fn;
};

static int ttl_fn_cmp(const void *pa, const void *pb)
{
	const struct ttl_fn *a = pa, *b = pb;
	if (a->ttl_s != b->ttl_s)
		return a->ttl_s < b->ttl_s ? -1 : 1;
	return a->fn < b->fn ? -1 : a->fn > b->fn;
}

static int assign_lists(struct platform *p)
{
	struct ttl_fn *v = malloc(((size_t)p->n_fn + 1) * sizeof(*v));
	p->lists = malloc(((size_t)p->n_fn + 1) * sizeof(*p->lists));
	if (!v || !p->lists) {
		free(v);
		return -1;
	}
	size_t n = 0;
	for (uint32_t i = 0; i < p->n_fn; i++) {
		double ttl = p->fn[i].const_ttl_s;
		if (isfinite(ttl) && ttl > 0)
			v[n++] = (struct ttl_fn){ ttl, i };
		else
			p->fn[i].ka_list = p->n_lists++;
	}
	qsort(v, n, sizeof(*v), ttl_fn_cmp);
	for (size_t j = 0; j < n; j++) {
		if (j == 0 || v[j].ttl_s != v[j - 1].ttl_s)
			p->n_lists++;
		p->fn[v[j].fn].ka_list = p->n_lists - 1;
	}
	free(v);
	for (uint32_t li = 0; li < p->n_lists; li++)
		p->lists[li] = (struct ka_list){ .ids = { NONE, NONE }, .timer = ENGINE_TIMER_NONE };
	return 0;
}

struct platform *platform_new(const struct scenario *sc, struct engine *e, uint32_t replication,
			      const struct platform_observer *obs, struct errbuf *err)
{
	return platform_new_range(sc, 0, (uint32_t)sc->n_functions, e, replication, obs, err);
}

/* Function fn's run-time record f of platform p: its configuration, random
 * streams, keep-alive host and state. Returns 0, or -1 out of memory. */
static int fn_start(struct platform *p, struct fn_rt *f, uint32_t fn, uint32_t replication)
{
	const struct scenario *sc = p->sc;
	f->cfg = &sc->functions[fn];
	f->llm = f->cfg->llm.prof != NULL;
	f->queue.head = f->queue.tail = NONE;
	f->avail_list[0] = f->avail_list[1] = (struct ilist){ NONE, NONE };
	f->const_ttl_s = f->cfg->keepalive->constant_ttl
		? f->cfg->keepalive->constant_ttl(f->cfg->keepalive_cfg) : NAN;
	const struct keepalive_ops *ka = f->cfg->keepalive;
	if (ka->faascache && ka->faascache(f->cfg->keepalive_cfg)) {
		/* The TTL runs from request starts, checked lazily
		 * (pool_fc_purge): on the platform's timers an idle
		 * instance is kept forever. */
		f->fc = 1;
		f->fc_ttl_s = f->const_ttl_s;
		f->const_ttl_s = INFINITY;
	}
	if (rng_stream_init(&f->rng_service, sc->seed, replication, fn, RNG_SERVICE) < 0 ||
	    rng_stream_init(&f->rng_cold, sc->seed, replication, fn, RNG_COLD_START) < 0 ||
	    rng_stream_init(&f->rng_dispatch, sc->seed, replication, fn, RNG_DISPATCH) < 0 ||
	    rng_stream_init(&f->rng_policy, sc->seed, replication, fn, RNG_POLICY) < 0)
		return -1;
	host_init(p, f, fn, replication);
	if (f->cfg->keepalive->start) {
		f->keepalive_state = f->cfg->keepalive->start(f->cfg->keepalive_cfg, &f->host);
		if (!f->keepalive_state)
			return -1;
	}
	return 0;
}

struct platform *platform_new_range(const struct scenario *sc, uint32_t first_fn, uint32_t end_fn,
				    struct engine *e, uint32_t replication,
				    const struct platform_observer *obs, struct errbuf *err)
{
	struct platform *p = calloc(1, sizeof(*p));
	if (!p)
		goto oom;
	p->sc = sc;
	p->engine = e;
	p->obs = *obs;
	p->err = err;
	p->free_inst = p->free_req = NONE;
	p->shared_queue.head = p->shared_queue.tail = NONE;
	p->fn_base = first_fn;
	p->avail_lists = sc->platform.idle_selection == IDLE_MRU || sc->platform.idle_selection == IDLE_LRU;
	p->n_fn = end_fn - first_fn;
	size_t fn_bytes = ((size_t)p->n_fn * sizeof(*p->fn) + 63) / 64 * 64;
	p->fn = aligned_alloc(64, fn_bytes ? fn_bytes : 64);
	if (!p->fn)
		goto oom;
	memset(p->fn, 0, fn_bytes);
	for (uint32_t i = 0; i < p->n_fn; i++)
		if (fn_start(p, &p->fn[i], first_fn + i, replication) < 0)
			goto oom;
	/* The account pool is what all functions leave free, however many
	 * this platform simulates. */
	p->shared_limit = sc->platform.account_concurrency - sc->platform.reserved_total;
	if (assign_lists(p) < 0)
		goto oom;
	p->fch_on = sc->platform.pool_memory_mb != 0 && p->n_fn == sc->n_functions;
	for (uint32_t i = 0; i < p->n_fn; i++)
		p->fch_on &= p->fn[i].fc;
	if (batch_init(p) < 0 || node_init(p, replication) < 0)
		goto oom;
	return p;
oom:
	platform_free(p);
	errbuf_set(err, ERR_RUNTIME, "out of memory creating the platform");
	return NULL;
}

void platform_free(struct platform *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; p->fn && i < p->n_fn; i++) {
		struct fn_rt *f = &p->fn[i];
		if (f->keepalive_state && f->cfg->keepalive->stop)
			f->cfg->keepalive->stop(f->keepalive_state);
		free(f->avail);
	}
	share_free(p);
	llm_free(p);
	batch_free(p);
	node_free(p);
	free(p->fn);
	pool_free(p);
	free(p->lists);
	free(p->inst);
	free(p->busy);
	free(p->req);
	free(p);
}
