/*
 * engine: 4-ary min-heap of timers (core/heap.h) ordered by (time, late,
 * insertion sequence); sequence numbers are unique, so the order is total.
 *
 * Layout (chosen for the hot path: schedule + pop):
 *   - slots[]: the timer pool. A slot holds the callback, its context and
 *     argument, the insertion sequence number, a generation counter and the
 *     slot's position in the heap. Free slots form a LIFO free list threaded
 *     through their `arg` field; a free slot has pos == SLOT_FREE.
 *   - heap[]: 16-byte entries {time, slot index}. The time is copied into the
 *     heap entry so that comparing siblings reads one contiguous cache line
 *     (the four children of a node are 64 bytes, and the array is offset so
 *     that every group of siblings starts on a 64-byte boundary). The
 *     sequence number, needed only to break ties between equal times, is read
 *     from the slot.
 * Both arrays grow by doubling up to max_pending; nothing is allocated per
 * event. A handle is (generation << 32 | slot); the generation is bumped
 * every time a slot is released (fired or cancelled), so stale handles never
 * match again. Generations start at 1 and skip 0 on wrap-around, so no handle
 * equals ENGINE_TIMER_NONE.
 */
#include "core/engine.h"
#include "core/heap.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_FREE UINT32_MAX
#define SLOT_NIL UINT32_MAX          /* end of the free list */
#define INITIAL_CAPACITY 256u
#define CACHE_LINE 64u
/* Entries placed before heap[0] so that heap[4i+1] is 64-byte aligned. */
#define HEAP_OFFSET 3u

struct slot {
	engine_cb cb;
	void *ctx;
	uint64_t arg;           /* next free slot while on the free list */
	uint64_t seq;
	uint32_t gen;
	uint32_t pos;           /* index in heap[], SLOT_FREE when not pending */
};

struct hent {
	double t;
	uint32_t slot;
	uint32_t pad_;
};

struct engine {
	struct engine_clock clock;   /* first: engine_now() reads it inline */
	struct hent *heap;      /* heap_mem + HEAP_OFFSET */
	struct slot *slots;
	size_t n;               /* pending timers (heap size) */
	uint32_t cap;           /* capacity of heap[] and slots[] */
	uint32_t n_slots;       /* slots ever handed out (high-water mark) */
	uint32_t free_head;
	uint32_t max_pending;
	uint64_t seq;
	uint64_t fired;
	int stopped;
	int failed;
	void *heap_mem;
	char fail_msg[160];
};

/* a strictly before b in (time, seq) order; seq carries SEQ_LATE. */
static inline int hent_less(const struct slot *slots, struct hent a, struct hent b)
{
	if (a.t != b.t)
		return a.t < b.t;
	return slots[a.slot].seq < slots[b.slot].seq;
}

static void *heap_alloc(uint32_t cap, void **mem)
{
	size_t bytes = ((size_t)cap + HEAP_OFFSET) * sizeof(struct hent);
	bytes = (bytes + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
	*mem = aligned_alloc(CACHE_LINE, bytes);
	return *mem ? (struct hent *)*mem + HEAP_OFFSET : NULL;
}

struct engine *engine_new(size_t max_pending)
{
	if (max_pending == 0)
		max_pending = ENGINE_DEFAULT_MAX_PENDING;
	if (max_pending > UINT32_MAX - 1)
		max_pending = UINT32_MAX - 1;
	struct engine *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->max_pending = (uint32_t)max_pending;
	e->cap = INITIAL_CAPACITY < e->max_pending ? INITIAL_CAPACITY : e->max_pending;
	e->slots = malloc((size_t)e->cap * sizeof(*e->slots));
	e->heap = heap_alloc(e->cap, &e->heap_mem);
	if (!e->slots || !e->heap) {
		engine_free(e);
		return NULL;
	}
	e->free_head = SLOT_NIL;
	e->clock.now_s = 0.0;
	return e;
}

void engine_free(struct engine *e)
{
	if (!e)
		return;
	free(e->slots);
	free(e->heap_mem);
	free(e);
}


size_t engine_pending(const struct engine *e)
{
	return e->n;
}

uint64_t engine_fired(const struct engine *e)
{
	return e->fired;
}

const char *engine_failed(const struct engine *e)
{
	return e->failed ? e->fail_msg : NULL;
}

double engine_next_time(const struct engine *e)
{
	return e->n ? e->heap[0].t : INFINITY;
}

void engine_stop(struct engine *e)
{
	e->stopped = 1;
}

__attribute__((format(printf, 2, 3)))
static void fail(struct engine *e, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->fail_msg, sizeof(e->fail_msg), fmt, ap);
	va_end(ap);
	e->failed = 1;
}

/* Doubles the pool (slots and heap) up to max_pending. */
static int grow(struct engine *e)
{
	if (e->cap >= e->max_pending) {
		fail(e, "engine: pending-event limit of %u timers reached at t=%.17g",
		     e->max_pending, e->clock.now_s);
		return -1;
	}
	uint64_t want = (uint64_t)e->cap * 2;
	uint32_t cap = want > e->max_pending ? e->max_pending : (uint32_t)want;
	struct slot *slots = realloc(e->slots, (size_t)cap * sizeof(*slots));
	if (!slots) {
		fail(e, "engine: out of memory growing the timer pool to %u timers", cap);
		return -1;
	}
	e->slots = slots;
	void *mem;
	struct hent *heap = heap_alloc(cap, &mem);
	if (!heap) {
		fail(e, "engine: out of memory growing the timer heap to %u timers", cap);
		return -1;
	}
	memcpy(heap, e->heap, e->n * sizeof(*heap));
	free(e->heap_mem);
	e->heap_mem = mem;
	e->heap = heap;
	e->cap = cap;
	return 0;
}

/* Every store of an entry records its position in its slot. */
#define TIMER_PLACE(s, h, i, x) ((h)[i] = (x), (s)[(h)[i].slot].pos = (uint32_t)(i))
HEAP_DEFINE(timer_heap, struct hent, 4, struct slot *, hent_less, TIMER_PLACE)

static inline void release_slot(struct engine *e, uint32_t idx)
{
	struct slot *sl = &e->slots[idx];
	if (++sl->gen == 0)
		sl->gen = 1;
	sl->pos = SLOT_FREE;
	sl->arg = e->free_head;
	e->free_head = idx;
}

/* Late timers carry this bit in their sequence number: at equal times they
 * come after every other timer, and among themselves in sequence order. */
#define SEQ_LATE (UINT64_C(1) << 63)

static engine_timer schedule(struct engine *e, double t_s, engine_cb cb, void *ctx, uint64_t arg,
			     uint64_t late)
{
	if (!(t_s >= e->clock.now_s) || t_s == INFINITY) {
		fail(e, "engine: timer scheduled at t=%.17g, which is %s (now=%.17g)", t_s,
		     t_s != t_s ? "not a number" : t_s == INFINITY ? "infinite" : "in the past",
		     e->clock.now_s);
		return ENGINE_TIMER_NONE;
	}
	uint32_t idx;
	if (e->free_head != SLOT_NIL) {
		idx = e->free_head;
		e->free_head = (uint32_t)e->slots[idx].arg;
	} else {
		if (e->n_slots == e->cap && grow(e) != 0)
			return ENGINE_TIMER_NONE;
		idx = e->n_slots++;
		e->slots[idx].gen = 1;
	}
	struct slot *sl = &e->slots[idx];
	sl->cb = cb;
	sl->ctx = ctx;
	sl->arg = arg;
	sl->seq = e->seq++ | late;
	e->n = timer_heap_push(e->slots, e->heap, e->n, (struct hent){ .t = t_s, .slot = idx });
	return ((uint64_t)sl->gen << 32) | idx;
}

engine_timer engine_at(struct engine *e, double t_s, engine_cb cb, void *ctx, uint64_t arg)
{
	return schedule(e, t_s, cb, ctx, arg, 0);
}

engine_timer engine_at_late(struct engine *e, double t_s, engine_cb cb, void *ctx, uint64_t arg)
{
	return schedule(e, t_s, cb, ctx, arg, SEQ_LATE);
}

int engine_cancel(struct engine *e, engine_timer t)
{
	uint32_t idx = (uint32_t)(t & 0xffffffffu);
	uint32_t gen = (uint32_t)(t >> 32);
	if (idx >= e->n_slots)
		return 0;
	struct slot *sl = &e->slots[idx];
	if (sl->gen != gen || sl->pos == SLOT_FREE)
		return 0;
	e->n = timer_heap_remove(e->slots, e->heap, e->n, sl->pos);
	release_slot(e, idx);
	return 1;
}

int engine_step(struct engine *e)
{
	if (e->n == 0)
		return 0;
	struct hent top = e->heap[0];
	e->n = timer_heap_remove(e->slots, e->heap, e->n, 0);
	struct slot *sl = &e->slots[top.slot];
	engine_cb cb = sl->cb;
	void *ctx = sl->ctx;
	uint64_t arg = sl->arg;
	/* Released before the callback runs: the callback may reuse the slot,
	 * and the fired timer's handle is already stale. */
	release_slot(e, top.slot);
	e->clock.now_s = top.t;
	e->fired++;
	if (cb)
		cb(ctx, arg);
	return 1;
}

uint64_t engine_run(struct engine *e)
{
	uint64_t before = e->fired;
	e->stopped = 0;
	while (!e->stopped && engine_step(e))
		;
	return e->fired - before;
}

uint64_t engine_run_through(struct engine *e, double t_s)
{
	uint64_t before = e->fired;
	e->stopped = 0;
	while (!e->stopped && e->n && e->heap[0].t <= t_s)
		engine_step(e);
	return e->fired - before;
}

uint64_t engine_run_to(struct engine *e, double t_s)
{
	uint64_t fired = e->n && e->heap[0].t <= t_s ? engine_run_through(e, t_s) : 0;
	engine_advance(e, t_s);
	return fired;
}

void engine_advance(struct engine *e, double t_s)
{
	if (t_s > e->clock.now_s && !(e->n && e->heap[0].t < t_s))
		e->clock.now_s = t_s;
}

void engine_count(struct engine *e, uint64_t n)
{
	e->fired += n;
}
