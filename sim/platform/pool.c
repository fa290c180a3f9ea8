/*
 * pool: the memory pool (platform.pool_memory_mb), private to sim/platform
 * (internal.h): instances' eviction priorities, the victim to evict, making
 * room for a new instance (pool_make_room, whose quick check is inline in
 * internal.h) and FaasCache's rules (keepalive_ops.faascache): its lazy TTL,
 * priorities set at request starts and, when every function follows them
 * in a pool, the replay of its container heap (D5 in models/README.md).
 * Released instances leave through platform_release.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "platform/internal.h"

/* Priority of an instance that becomes idle now. */
double pool_idle_priority(struct platform *p, struct fn_rt *f)
{
	double now = engine_now(p->engine);
	if (!p->sc->platform.pool_memory_mb)
		return now;
	const struct keepalive_ops *ka = f->cfg->keepalive;
	return ka->priority ? ka->priority(f->cfg->keepalive_cfg, f->keepalive_state, now) : now;
}

/* An idle, ready, on-demand instance: what the pool may evict. */
static int evictable(const struct instance *in)
{
	return in->state == INST_WARM && !in->active && !in->provisioned;
}

/* ---- FaasCache's container order (D5) ---------------------------------- */

/* CPython's heapq (Lib/heapq.py, Modules/_heapqmodule.c) on instance ids,
 * compared as FaasCache's Container.__lt__ (priority <): with equal
 * priorities, which instance sits where depends on every past operation,
 * so each operation is replayed as FaasCache makes it. */
static int fch_lt(const struct platform *p, uint32_t a, uint32_t b)
{
	return p->inst[a].priority < p->inst[b].priority;
}

static void fch_siftdown(struct platform *p, uint32_t start, uint32_t pos)
{
	uint32_t *h = p->fch, item = h[pos];
	while (pos > start) {
		uint32_t parent = (pos - 1) >> 1;
		if (!fch_lt(p, item, h[parent]))
			break;
		h[pos] = h[parent];
		pos = parent;
	}
	h[pos] = item;
}

/* Moves the smaller child up to a leaf, then sifts the item down. */
static void fch_siftup(struct platform *p, uint32_t pos)
{
	uint32_t *h = p->fch, end = p->fch_n, start = pos, item = h[pos];
	for (uint32_t child = 2 * pos + 1; child < end; child = 2 * pos + 1) {
		if (child + 1 < end && !fch_lt(p, h[child], h[child + 1]))
			child++;
		h[pos] = h[child];
		pos = child;
	}
	h[pos] = item;
	fch_siftdown(p, start, pos);
}

static void fch_heapify(struct platform *p)
{
	for (uint32_t i = p->fch_n / 2; i-- > 0;)
		fch_siftup(p, i);
}

static int fch_push(struct platform *p, uint32_t id)
{
	if (p->fch_n == p->fch_cap) {
		uint32_t cap = p->fch_cap ? 2 * p->fch_cap : 64;
		uint32_t *h = realloc(p->fch, (size_t)cap * sizeof(*h));
		if (h)
			p->fch = h;
		uint32_t *sv = h ? realloc(p->fch_save, (size_t)cap * sizeof(*sv)) : NULL;
		if (!sv)
			return -1;
		p->fch_save = sv;
		p->fch_cap = cap;
	}
	p->fch[p->fch_n++] = id;
	fch_siftdown(p, 0, p->fch_n - 1);
	return 0;
}

static uint32_t fch_pop(struct platform *p)
{
	uint32_t last = p->fch[--p->fch_n];
	if (p->fch_n == 0)
		return last;
	uint32_t top = p->fch[0];
	p->fch[0] = last;
	fch_siftup(p, 0);
	return top;
}

/* list.remove: the first occurrence goes, the rest shift down. */
void pool_fch_remove(struct platform *p, uint32_t id)
{
	for (uint32_t k = 0; k < p->fch_n; k++)
		if (p->fch[k] == id) {
			memmove(p->fch + k, p->fch + k + 1, (size_t)(p->fch_n - k - 1) * sizeof(*p->fch));
			p->fch_n--;
			return;
		}
}

/* Eviction_Priority_Based: pops until an idle instance comes out (the
 * busy ones are saved, *n_save of them, to be pushed back); NONE when the
 * heap runs out. */
static uint32_t fch_victim(struct platform *p, uint32_t *n_save)
{
	while (p->fch_n > 0) {
		uint32_t id = fch_pop(p);
		if (evictable(&p->inst[id]))
			return id;
		p->fch_save[(*n_save)++] = id;
	}
	return NONE;
}

/* The start of runActivation for a request of f at now, up to the warm
 * choice: cleanup_finished's heapify; find_container's idle candidates in
 * list order, TTL's purge (PurgeOldTTL: each expired one removed and the
 * list heapified, then heapified once more); the first candidate left, or
 * NONE. */
uint32_t pool_fch_activation(struct platform *p, struct fn_rt *f, double now)
{
	fch_heapify(p);
	uint32_t fn = (uint32_t)(f - p->fn), first = NONE, n = 0;
	uint32_t *cand = p->fch_save;   /* free outside evictions */
	for (uint32_t k = 0; k < p->fch_n; k++) {
		const struct instance *in = &p->inst[p->fch[k]];
		if (in->fn == fn && in->active == 0 && in->state == INST_WARM)
			cand[n++] = p->fch[k];
	}
	if (n == 0)
		return NONE;
	int ttl = isfinite(f->fc_ttl_s);
	for (uint32_t k = 0; k < n; k++) {
		if (ttl && p->inst[cand[k]].expiry_s + f->fc_ttl_s < now) {
			pool_fch_remove(p, cand[k]);
			fch_heapify(p);
			platform_release(p, cand[k]);
		} else if (first == NONE) {
			first = cand[k];
		}
	}
	if (ttl)
		fch_heapify(p);
	return first;
}

/* An instance's eviction priority: its own, or under FaasCache's rules its
 * function's. */
static double inst_priority(const struct platform *p, const struct instance *in)
{
	const struct fn_rt *f = &p->fn[in->fn];
	return f->fc && !p->fch_on ? f->fc_priority : in->priority;
}

/* The idle warm on-demand instance to evict first: lowest priority (ties:
 * least recently used), or NONE. A linear scan: pools are small. */
static uint32_t pool_victim(const struct platform *p)
{
	uint32_t victim = NONE;
	double victim_prio = 0;
	for (uint32_t id = 0; id < p->n_inst; id++) {
		const struct instance *in = &p->inst[id];
		if (!evictable(in))
			continue;
		double prio = inst_priority(p, in);
		if (victim == NONE || prio < victim_prio ||
		    (prio == victim_prio && in->used_seq < p->inst[victim].used_seq)) {
			victim = id;
			victim_prio = prio;
		}
	}
	return victim;
}

/* Memory of every instance pool_victim could choose. */
static uint64_t pool_evictable_mb(const struct platform *p)
{
	uint64_t mb = 0;
	for (uint32_t id = 0; id < p->n_inst; id++)
		if (evictable(&p->inst[id]))
			mb += p->fn[p->inst[id].fn].cfg->memory_mb;
	return mb;
}

/* pool_make_room (internal.h) when memory_mb more does not fit as the pool
 * is: makes room by evicting idle warm on-demand instances in pool_victim's
 * order: until it fits (shortfall), or until
 * memory_mb has been freed (whole-size: FaasCache, OpenWhisk). Returns 0
 * when it fits, 1 when it cannot; then nothing is evicted (OpenWhisk checks
 * first; FaasCache's simulator would evict every idle instance in vain). */
int pool_evict(struct platform *p, uint32_t memory_mb)
{
	uint64_t cap = p->sc->platform.pool_memory_mb;
	if (p->pool_used_mb - pool_evictable_mb(p) + memory_mb > cap)
		return 1;
	int whole = p->sc->platform.pool_eviction == POOL_EVICT_WHOLE_SIZE;
	uint64_t freed_mb = 0;
	uint32_t n_save = 0;
	while (p->pool_used_mb + memory_mb > cap || (whole && freed_mb < memory_mb)) {
		uint32_t victim = p->fch_on ? fch_victim(p, &n_save) : pool_victim(p);
		if (victim == NONE)
			break;    /* whole-size with everything evicted: it fits */
		p->pool_clock = inst_priority(p, &p->inst[victim]);
		p->evictions++;
		freed_mb += p->fn[p->inst[victim].fn].cfg->memory_mb;
		engine_cancel(p->engine, p->inst[victim].expiry);
		p->inst[victim].expiry = ENGINE_TIMER_NONE;
		platform_release(p, victim);
	}
	/* Back in the order popped; no growth (they were in the list). */
	for (uint32_t k = 0; k < n_save; k++)
		fch_push(p, p->fch_save[k]);
	return 0;
}

/* FaasCache's lazy TTL (LambdaScheduler.PurgeOldTTL), when fn is invoked
 * at now: its idle on-demand instances whose last request started more
 * than fc_ttl_s ago are released. */
void pool_fc_purge(struct platform *p, struct fn_rt *f, double now)
{
	for (;;) {
		uint32_t victim = NONE;
		if (p->avail_lists) {
			for (uint32_t id = f->avail_list[1].head; id != NONE && victim == NONE;
			     id = p->inst[id].links[LINK_AVAIL].next)
				if (evictable(&p->inst[id]) && p->inst[id].expiry_s + f->fc_ttl_s < now)
					victim = id;
		} else {
			for (uint32_t k = 0; k < f->n_avail && victim == NONE; k++) {
				const struct instance *in = &p->inst[f->avail[k].id];
				if (evictable(in) && in->expiry_s + f->fc_ttl_s < now)
					victim = f->avail[k].id;
			}
		}
		if (victim == NONE)
			return;
		platform_release(p, victim);
	}
}

/* Under FaasCache's rules, a request of f started on instance id at now:
 * it counts for the instance (frequency), starts its TTL, and sets the
 * priority of all f's instances. */
int pool_fc_started(struct platform *p, struct fn_rt *f, uint32_t id, double now, int cold)
{
	const struct keepalive_ops *ka = f->cfg->keepalive;
	struct instance *in = &p->inst[id];
	if (p->fch_on && cold) {
		/* AddToPool: pushed with the priority of the moment (its own
		 * requests not yet counted); cache_miss heapifies. */
		in->priority = ka->start_priority(f->cfg->keepalive_cfg, f->keepalive_state, now);
		if (fch_push(p, id) < 0)
			return platform_fail(p, "cannot track instances");
		fch_heapify(p);
	}
	in->fc_requests++;
	f->fc_requests++;
	in->expiry_s = now;
	f->fc_priority = ka->start_priority(f->cfg->keepalive_cfg, f->keepalive_state, now);
	if (p->fch_on) {
		/* "recompute all clones priority", then heapify. */
		uint32_t fn = (uint32_t)(f - p->fn);
		for (uint32_t k = 0; k < p->fch_n; k++)
			if (p->inst[p->fch[k]].fn == fn)
				p->inst[p->fch[k]].priority = f->fc_priority;
		fch_heapify(p);
	}
	return 0;
}

void pool_free(struct platform *p)
{
	free(p->fch);
	free(p->fch_save);
}
