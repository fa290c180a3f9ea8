/* Tests of sim/core/engine.c: ordering, ties, cancellation, stale handles,
 * re-entrant scheduling, stop, the pending limit, and a long randomized
 * comparison against a sorted-array reference; and of sim/core/heap.h, the
 * heap template under it: random push/remove/update/pop sequences against a
 * sorted reference, for arity 2 and 4, and the tie rules. */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include "core/engine.h"
#include "core/heap.h"
#include "suites.h"
#include "testutil.h"

/* Records every firing: (time, arg) in order. */
struct log {
	struct engine *e;
	size_t n, cap;
	double *t;
	uint64_t *arg;
};

/* A new engine (pending_limit as engine_new's) logging up to cap firings
 * into l; log_close frees both. */
static struct engine *log_open(struct log *l, size_t cap, size_t pending_limit)
{
	l->e = engine_new(pending_limit);
	ck_assert_ptr_nonnull(l->e);
	l->n = 0;
	l->cap = cap;
	l->t = malloc(cap * sizeof(double));
	l->arg = malloc(cap * sizeof(uint64_t));
	ck_assert_ptr_nonnull(l->t);
	ck_assert_ptr_nonnull(l->arg);
	return l->e;
}

static void log_close(struct log *l)
{
	free(l->t);
	free(l->arg);
	engine_free(l->e);
}

static gsl_rng *rng_seeded(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
	ck_assert_ptr_nonnull(r);
	gsl_rng_set(r, seed);
	return r;
}

static void log_cb(void *ctx, uint64_t arg)
{
	struct log *l = ctx;
	ck_assert_uint_lt(l->n, l->cap);
	l->t[l->n] = engine_now(l->e);
	l->arg[l->n] = arg;
	l->n++;
}

START_TEST(test_empty)
{
	struct engine *e = engine_new(0);
	ck_assert_ptr_nonnull(e);
	ck_assert_double_eq(engine_now(e), 0.0);
	ck_assert(isinf(engine_next_time(e)));
	ck_assert_int_eq(engine_step(e), 0);
	ck_assert_uint_eq(engine_run(e), 0);
	ck_assert_uint_eq(engine_pending(e), 0);
	ck_assert_uint_eq(engine_fired(e), 0);
	ck_assert_ptr_null(engine_failed(e));
	ck_assert_int_eq(engine_cancel(e, ENGINE_TIMER_NONE), 0);
	ck_assert_int_eq(engine_cancel(e, UINT64_MAX), 0);
	engine_free(e);
}
END_TEST

START_TEST(test_random_order)
{
	enum { N = 20000 };
	struct log l;
	struct engine *e = log_open(&l, N, 0);
	gsl_rng *r = rng_seeded(7);
	double *times = malloc(N * sizeof(double));
	for (int i = 0; i < N; i++) {
		times[i] = gsl_rng_uniform(r) * 1000.0;
		engine_timer h = engine_at(e, times[i], log_cb, &l, (uint64_t)i);
		ck_assert_uint_ne(h, ENGINE_TIMER_NONE);
	}
	ck_assert_uint_eq(engine_pending(e), N);
	double min = INFINITY;
	for (int i = 0; i < N; i++)
		min = times[i] < min ? times[i] : min;
	ck_assert_double_eq(engine_next_time(e), min);
	ck_assert_uint_eq(engine_run(e), N);
	ck_assert_uint_eq(l.n, N);
	ck_assert_uint_eq(engine_fired(e), N);
	ck_assert_uint_eq(engine_pending(e), 0);
	for (int i = 0; i < N; i++) {
		if (l.t[i] != times[l.arg[i]])                 /* fired at its own time */
			ck_assert_double_eq(l.t[i], times[l.arg[i]]);
		if (i > 0 && !(l.t[i - 1] <= l.t[i]))
			ck_assert_double_le(l.t[i - 1], l.t[i]);
	}
	/* every timer fired exactly once */
	char *seen = calloc(N, 1);
	for (int i = 0; i < N; i++) {
		if (seen[l.arg[i]])
			ck_abort_msg("timer %" PRIu64 " fired twice", l.arg[i]);
		seen[l.arg[i]] = 1;
	}
	ck_assert_double_eq(engine_now(e), l.t[N - 1]);
	free(seen);
	free(times);
	gsl_rng_free(r);
	log_close(&l);
}
END_TEST

START_TEST(test_ties_in_insertion_order)
{
	enum { N = 1000 };
	struct log l;
	struct engine *e = log_open(&l, 2 * N, 0);
	/* interleave two times so that the heap really has to reorder */
	for (int i = 0; i < N; i++) {
		ck_assert_uint_ne(engine_at(e, 5.0, log_cb, &l, (uint64_t)i), ENGINE_TIMER_NONE);
		ck_assert_uint_ne(engine_at(e, 3.0, log_cb, &l, (uint64_t)(N + i)), ENGINE_TIMER_NONE);
	}
	ck_assert_uint_eq(engine_run(e), 2 * N);
	for (int i = 0; i < N; i++) {
		ck_assert_double_eq(l.t[i], 3.0);
		ck_assert_uint_eq(l.arg[i], (uint64_t)(N + i));
		ck_assert_double_eq(l.t[N + i], 5.0);
		ck_assert_uint_eq(l.arg[N + i], (uint64_t)i);
	}
	log_close(&l);
}
END_TEST

START_TEST(test_cancel)
{
	enum { N = 2000 };
	struct log l;
	struct engine *e = log_open(&l, N, 0);
	engine_timer h[N];
	gsl_rng *r = rng_seeded(11);
	double times[N];
	for (int i = 0; i < N; i++) {
		times[i] = floor(gsl_rng_uniform(r) * 50.0);   /* many ties */
		h[i] = engine_at(e, times[i], log_cb, &l, (uint64_t)i);
		ck_assert_uint_ne(h[i], ENGINE_TIMER_NONE);
	}
	for (int i = 0; i < N; i += 2)
		ck_assert_int_eq(engine_cancel(e, h[i]), 1);
	ck_assert_uint_eq(engine_pending(e), N / 2);
	for (int i = 0; i < N; i += 2)
		ck_assert_int_eq(engine_cancel(e, h[i]), 0);   /* twice */
	ck_assert_uint_eq(engine_pending(e), N / 2);
	ck_assert_uint_eq(engine_run(e), N / 2);
	ck_assert_uint_eq(l.n, N / 2);
	for (size_t k = 0; k < l.n; k++) {
		ck_assert_uint_eq(l.arg[k] % 2, 1);            /* never a cancelled one */
		ck_assert_double_eq(l.t[k], times[l.arg[k]]);
		if (k > 0) {
			ck_assert(l.t[k - 1] <= l.t[k]);
			if (l.t[k - 1] == l.t[k])
				ck_assert_uint_lt(l.arg[k - 1], l.arg[k]);
		}
	}
	/* handles of fired timers are stale */
	for (int i = 1; i < N; i += 2)
		ck_assert_int_eq(engine_cancel(e, h[i]), 0);
	gsl_rng_free(r);
	log_close(&l);
}
END_TEST

START_TEST(test_stale_handle_after_reuse)
{
	struct log l;
	struct engine *e = log_open(&l, 8, 0);
	engine_timer a = engine_at(e, 1.0, log_cb, &l, 1);
	ck_assert_uint_ne(a, ENGINE_TIMER_NONE);
	ck_assert_int_eq(engine_step(e), 1);
	engine_timer b = engine_at(e, 2.0, log_cb, &l, 2);
	ck_assert_uint_ne(b, ENGINE_TIMER_NONE);
	ck_assert_uint_eq(a & 0xffffffffu, b & 0xffffffffu);   /* same slot reused */
	ck_assert_uint_ne(a, b);
	ck_assert_int_eq(engine_cancel(e, a), 0);
	ck_assert_uint_eq(engine_pending(e), 1);
	ck_assert_int_eq(engine_cancel(e, b), 1);
	ck_assert_int_eq(engine_cancel(e, b), 0);
	/* cancelled slot reused again: both old handles stay stale */
	engine_timer c = engine_at(e, 3.0, log_cb, &l, 3);
	ck_assert_uint_eq(c & 0xffffffffu, a & 0xffffffffu);
	ck_assert_int_eq(engine_cancel(e, a), 0);
	ck_assert_int_eq(engine_cancel(e, b), 0);
	ck_assert_uint_eq(engine_run(e), 1);
	ck_assert_uint_eq(l.n, 2);
	ck_assert_uint_eq(l.arg[0], 1);
	ck_assert_uint_eq(l.arg[1], 3);
	ck_assert_double_eq(l.t[1], 3.0);
	log_close(&l);
}
END_TEST

/* Each firing schedules the next link of a chain, plus a timer at the same
 * instant, which must fire after the timers already due then. */
struct chain {
	struct engine *e;
	struct log *l;
	int remaining;
};

static void chain_cb(void *ctx, uint64_t arg)
{
	struct chain *c = ctx;
	log_cb(c->l, arg);
	if (arg >= 1000000)
		return;                         /* a same-instant follower */
	ck_assert_uint_ne(engine_at(c->e, engine_now(c->e), chain_cb, c, 1000000 + arg), ENGINE_TIMER_NONE);
	if (--c->remaining > 0)
		ck_assert_uint_ne(engine_at(c->e, engine_now(c->e) + 1.0, chain_cb, c, arg + 1), ENGINE_TIMER_NONE);
}

START_TEST(test_schedule_from_callback)
{
	struct log l;
	struct engine *e = log_open(&l, 300, 0);
	struct chain c = {e, &l, 100};
	/* a bystander due at t=5 exactly, scheduled before the chain reaches 5 */
	ck_assert_uint_ne(engine_at(e, 5.0, log_cb, &l, 999), ENGINE_TIMER_NONE);
	ck_assert_uint_ne(engine_at(e, 0.0, chain_cb, &c, 0), ENGINE_TIMER_NONE);
	ck_assert_uint_eq(engine_run(e), 201);
	ck_assert_uint_eq(l.n, 201);
	size_t k = 0;
	for (uint64_t i = 0; i < 100; i++) {
		if (i == 5) {
			/* the bystander (seq 0) precedes the chain link at 5 */
			ck_assert_uint_eq(l.arg[k], 999);
			ck_assert_double_eq(l.t[k], 5.0);
			k++;
		}
		ck_assert_uint_eq(l.arg[k], i);
		ck_assert_double_eq(l.t[k], (double)i);
		k++;
		ck_assert_uint_eq(l.arg[k], 1000000 + i);
		ck_assert_double_eq(l.t[k], (double)i);
		k++;
	}
	ck_assert_uint_eq(k, 201);
	log_close(&l);
}
END_TEST

struct stopper {
	struct engine *e;
	int fired;
};

static void stop_cb(void *ctx, uint64_t arg)
{
	struct stopper *s = ctx;
	s->fired++;
	if (arg == 1)
		engine_stop(s->e);
}

START_TEST(test_stop)
{
	struct engine *e = engine_new(0);
	struct stopper s = {e, 0};
	for (int i = 0; i < 10; i++)
		engine_at(e, (double)i, stop_cb, &s, i == 4 ? 1 : 0);
	ck_assert_uint_eq(engine_run(e), 5);
	ck_assert_int_eq(s.fired, 5);
	ck_assert_double_eq(engine_now(e), 4.0);
	ck_assert_uint_eq(engine_pending(e), 5);
	ck_assert_double_eq(engine_next_time(e), 5.0);
	/* a stop requested outside a run is forgotten by the next run */
	engine_stop(e);
	ck_assert_uint_eq(engine_run(e), 5);
	ck_assert_int_eq(s.fired, 10);
	ck_assert_uint_eq(engine_fired(e), 10);
	ck_assert_double_eq(engine_now(e), 9.0);
	engine_free(e);
}
END_TEST

START_TEST(test_pending_limit)
{
	struct log l;
	struct engine *e = log_open(&l, 16, 10);
	for (int i = 0; i < 10; i++)
		ck_assert_uint_ne(engine_at(e, (double)i, log_cb, &l, (uint64_t)i), ENGINE_TIMER_NONE);
	ck_assert_ptr_null(engine_failed(e));
	ck_assert_uint_eq(engine_at(e, 20.0, log_cb, &l, 10), ENGINE_TIMER_NONE);
	ck_assert_ptr_nonnull(engine_failed(e));
	ck_assert_ptr_nonnull(strstr(engine_failed(e), "10"));
	ck_assert_uint_eq(engine_pending(e), 10);
	/* room again once one has fired */
	ck_assert_int_eq(engine_step(e), 1);
	ck_assert_uint_ne(engine_at(e, 20.0, log_cb, &l, 10), ENGINE_TIMER_NONE);
	ck_assert_uint_eq(engine_run(e), 10);
	ck_assert_uint_eq(l.n, 11);
	ck_assert_uint_eq(l.arg[10], 10);
	log_close(&l);
}
END_TEST

START_TEST(test_bad_times)
{
	struct log l;
	struct engine *e = log_open(&l, 4, 0);
	engine_at(e, 2.0, log_cb, &l, 0);
	ck_assert_int_eq(engine_step(e), 1);
	ck_assert_double_eq(engine_now(e), 2.0);
	ck_assert_ptr_null(engine_failed(e));
	ck_assert_uint_eq(engine_at(e, 1.0, log_cb, &l, 1), ENGINE_TIMER_NONE);
	ck_assert_ptr_nonnull(engine_failed(e));
	ck_assert_uint_eq(engine_at(e, NAN, log_cb, &l, 2), ENGINE_TIMER_NONE);
	ck_assert_uint_eq(engine_at(e, INFINITY, log_cb, &l, 3), ENGINE_TIMER_NONE);
	ck_assert_uint_eq(engine_pending(e), 0);
	/* now itself is fine */
	ck_assert_uint_ne(engine_at(e, 2.0, log_cb, &l, 4), ENGINE_TIMER_NONE);
	ck_assert_uint_eq(engine_run(e), 1);
	ck_assert_uint_eq(l.arg[1], 4);
	log_close(&l);
}
END_TEST

/* ---- randomized comparison with a reference ------------------------------
 * Check records every passing ck_assert (a write to its log), so the hot
 * loop below tests conditions itself and calls Check only on a failure.
 * The reference keeps the live timers in an array sorted by decreasing
 * (time, seq): insertion by binary search, pop from the end, cancel by
 * index. Obviously correct, O(n) per operation, fine for ~300 live timers. */
struct ref_ent {
	double t;
	uint64_t seq;
	engine_timer h;
};

static int ref_before(const struct ref_ent *a, const struct ref_ent *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

struct last_fire {
	struct engine *e;
	int n;
	double t;
	uint64_t seq;
};

static void last_cb(void *ctx, uint64_t arg)
{
	struct last_fire *f = ctx;
	f->n++;
	f->t = engine_now(f->e);
	f->seq = arg;
}

START_TEST(test_random_vs_reference)
{
	enum { OPS = 1000000, MAXLIVE = 4096, STALE = 1024 };
	struct engine *e = engine_new(0);
	struct ref_ent *ref = malloc(MAXLIVE * sizeof(*ref));
	engine_timer stale[STALE] = {0};
	size_t n = 0, n_stale = 0;
	uint64_t seq = 0, pops = 0, cancels = 0, stale_checks = 0;
	struct last_fire f = {e, 0, 0, 0};
	gsl_rng *r = rng_seeded(2024);

	for (long op = 0; op < OPS + MAXLIVE; op++) {
		double u = gsl_rng_uniform(r);
		int draining = op >= OPS;
		double p_insert = n < 256 ? 0.5 : 0.35;
		if (!draining && (n == 0 || (u < p_insert && n < MAXLIVE))) {
			/* times on a coarse grid (many ties), sometimes exactly now */
			double now = engine_now(e);
			double v = gsl_rng_uniform(r);
			double t = v < 0.1 ? now : now + floor(v * 64.0) * 0.25;
			struct ref_ent x = {t, seq, 0};
			x.h = engine_at(e, t, last_cb, &f, seq);
			if (x.h == ENGINE_TIMER_NONE)
				ck_abort_msg("engine_at failed: %s", engine_failed(e));
			seq++;
			/* sorted descending: find first position whose entry is before x */
			size_t lo = 0, hi = n;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (ref_before(&ref[mid], &x))
					hi = mid;
				else
					lo = mid + 1;
			}
			memmove(&ref[lo + 1], &ref[lo], (n - lo) * sizeof(*ref));
			ref[lo] = x;
			n++;
		} else if (!draining && u < 0.6) {
			size_t i = (size_t)gsl_rng_uniform_int(r, n);
			int rc = engine_cancel(e, ref[i].h);
			if (rc != 1)
				ck_assert_int_eq(rc, 1);
			stale[n_stale++ % STALE] = ref[i].h;
			memmove(&ref[i], &ref[i + 1], (n - i - 1) * sizeof(*ref));
			n--;
			cancels++;
		} else {
			if (n == 0) {
				ck_assert_int_eq(engine_step(e), 0);
				break;
			}
			if (engine_next_time(e) != ref[n - 1].t)
				ck_assert_double_eq(engine_next_time(e), ref[n - 1].t);
			int before = f.n;
			int rc = engine_step(e);
			if (rc != 1 || f.n != before + 1)
				ck_abort_msg("engine_step returned %d, %d callbacks", rc, f.n - before);
			if (f.t != ref[n - 1].t || f.seq != ref[n - 1].seq)
				ck_abort_msg("op %ld: fired (%.17g, %" PRIu64 "), reference (%.17g, %" PRIu64 ")",
					     op, f.t, f.seq, ref[n - 1].t, ref[n - 1].seq);
			stale[n_stale++ % STALE] = ref[n - 1].h;
			n--;
			pops++;
		}
		if (engine_pending(e) != n)
			ck_assert_uint_eq(engine_pending(e), n);
		if (op % 7 == 0 && n_stale) {
			engine_timer h = stale[gsl_rng_uniform_int(r, n_stale < STALE ? n_stale : STALE)];
			if (engine_cancel(e, h) != 0)
				ck_abort_msg("op %ld: stale handle %" PRIx64 " cancelled a live timer", op, h);
			stale_checks++;
		}
	}
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(engine_pending(e), 0);
	ck_assert_uint_eq(pops + cancels, seq);
	ck_assert_uint_eq(engine_fired(e), pops);
	ck_assert_uint_gt(pops, 100000);
	ck_assert_uint_gt(cancels, 100000);
	ck_assert_uint_gt(stale_checks, 100000);
	gsl_rng_free(r);
	free(ref);
	engine_free(e);
}
END_TEST

/* Late timers fire after every other timer of their time, whenever those
 * were scheduled, and among themselves in scheduling order; they still come
 * before later times. Checked on a heap large enough to sift (200 timers at
 * t = 1 interleaving late and not late, scheduled in a shuffled order of
 * kinds), with one late timer cancelled. */
START_TEST(test_late_timers)
{
	struct log l;
	struct engine *e = log_open(&l, 512, 0);
	engine_timer cancelled = ENGINE_TIMER_NONE;
	for (uint64_t i = 0; i < 200; i++) {
		int late = (i * 7919) % 3 == 0;
		engine_timer t = late ? engine_at_late(e, 1.0, log_cb, &l, 1000 + i) : engine_at(e, 1.0, log_cb, &l, i);
		ck_assert(t != ENGINE_TIMER_NONE);
		if (late && i == 99)
			cancelled = t;
	}
	ck_assert(engine_at_late(e, 0.5, log_cb, &l, 5000) != ENGINE_TIMER_NONE);
	ck_assert(engine_at(e, 2.0, log_cb, &l, 6000) != ENGINE_TIMER_NONE);
	ck_assert_int_eq(engine_cancel(e, cancelled), 1);
	engine_run(e);
	/* Expected: 5000 at 0.5; the not-late ones at 1 in order; the late ones
	 * at 1 in order without 1099; 6000 at 2. */
	size_t k = 0;
	ck_assert_uint_eq(l.arg[k++], 5000);
	for (uint64_t i = 0; i < 200; i++)
		if ((i * 7919) % 3 != 0)
			ck_assert_uint_eq(l.arg[k++], i);
	for (uint64_t i = 0; i < 200; i++)
		if ((i * 7919) % 3 == 0 && i != 99)
			ck_assert_uint_eq(l.arg[k++], 1000 + i);
	ck_assert_uint_eq(l.arg[k++], 6000);
	ck_assert_uint_eq(l.n, k);
	log_close(&l);
}
END_TEST

/* ---- core/heap.h ------------------------------------------------------- */

/* Entries know their position through pos[id] (the place hook). */
struct th_ent {
	int key;
	uint32_t id;
};
struct th_ctx {
	uint32_t *pos;
	int by_id;              /* ties broken by id: a total order */
};

static inline int th_less(const struct th_ctx *c, struct th_ent a, struct th_ent b)
{
	if (a.key != b.key)
		return a.key < b.key;
	return c->by_id && a.id < b.id;
}

#define TH_PLACE(c, h, i, x) ((h)[i] = (x), (c)->pos[(h)[i].id] = (uint32_t)(i))
HEAP_DEFINE(th2, struct th_ent, 2, const struct th_ctx *, th_less, TH_PLACE)
HEAP_DEFINE(th4, struct th_ent, 4, const struct th_ctx *, th_less, TH_PLACE)
HEAP_DEFINE(th3, struct th_ent, 3, const struct th_ctx *, th_less, HEAP_PLACE_NONE)

#define TH_NONE UINT32_MAX

/* Every parent is not after its children, and pos[] matches the array.
 * (One assertion per call: Check's assertions are slow in a loop.) */
static void th_check(const struct th_ctx *c, const struct th_ent *h, size_t n, size_t d)
{
	size_t bad = n;
	for (size_t i = 0; i < n && bad == n; i++)
		if ((c->pos && c->pos[h[i].id] != i) || (i > 0 && th_less(c, h[i], h[heap_parent(i, d)])))
			bad = i;
	ck_assert_msg(bad == n, "heap of arity %zu broken at %zu of %zu", d, bad, n);
}

static size_t th_push(size_t d, const struct th_ctx *c, struct th_ent *h, size_t n, struct th_ent x)
{
	return d == 2 ? th2_push(c, h, n, x) : d == 4 ? th4_push(c, h, n, x) : th3_push(c, h, n, x);
}

static size_t th_remove(size_t d, const struct th_ctx *c, struct th_ent *h, size_t n, size_t i)
{
	return d == 2 ? th2_remove(c, h, n, i) : d == 4 ? th4_remove(c, h, n, i) : th3_remove(c, h, n, i);
}

static void th_update(size_t d, const struct th_ctx *c, struct th_ent *h, size_t n, size_t i)
{
	if (d == 2)
		th2_update(c, h, n, i);
	else if (d == 4)
		th4_update(c, h, n, i);
	else
		th3_update(c, h, n, i);
}

/* Index in ref[0..n) of the least entry (the reference: a plain scan). */
static size_t ref_min(const struct th_ctx *c, const struct th_ent *ref, size_t n)
{
	size_t m = 0;
	for (size_t k = 1; k < n; k++)
		if (th_less(c, ref[k], ref[m]))
			m = k;
	return m;
}

static size_t ref_find(const struct th_ent *ref, size_t n, uint32_t id)
{
	for (size_t k = 0; k < n; k++)
		if (ref[k].id == id)
			return k;
	ck_abort_msg("id %u not in the reference", id);
	return 0;
}

static int th_cmp(const void *pa, const void *pb)
{
	const struct th_ent *a = pa, *b = pb;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

/* Random pushes, pops, removals from anywhere and key changes, keys from a
 * small range (many ties), against an unordered reference; then the heap is
 * drained and must come out as the sorted reference. With ties broken by id
 * every popped entry is the reference's; with ties left open its key is. */
START_TEST(test_heap_random_vs_sorted)
{
	enum { CAP = 256, OPS = 20000 };
	const size_t arities[] = { 2, 3, 4 };
	gsl_rng *r = rng_seeded(11);
	for (size_t a = 0; a < 3; a++)
		for (int by_id = 0; by_id < 2; by_id++) {
			size_t d = arities[a];
			uint32_t pos[CAP];
			struct th_ctx c = { d == 3 ? NULL : pos, by_id };
			struct th_ent h[CAP], ref[CAP];   /* ref: the same entries, unordered */
			unsigned char used[CAP] = { 0 };  /* ids in the heap */
			size_t n = 0;
			uint32_t next_id = 0;
			for (int op = 0; op < OPS; op++) {
				unsigned what = (unsigned)gsl_rng_uniform_int(r, 10);
				int key = (int)gsl_rng_uniform_int(r, 16);
				if (n < CAP && (what < 4 || n == 0)) {
					uint32_t id = next_id;
					while (used[id])
						id = (id + 1) % CAP;
					next_id = (id + 1) % CAP;
					used[id] = 1;
					struct th_ent x = { key, id };
					ref[n] = x;
					n = th_push(d, &c, h, n, x);
				} else if (what < 6 || !c.pos) {
					size_t m = ref_min(&c, ref, n);
					ck_assert_int_eq(h[0].key, ref[m].key);
					if (by_id)
						ck_assert_uint_eq(h[0].id, ref[m].id);
					size_t k = ref_find(ref, n, h[0].id);
					used[h[0].id] = 0;
					ref[k] = ref[n - 1];
					n = th_remove(d, &c, h, n, 0);
				} else if (what < 8) {
					/* from anywhere, through its recorded position */
					size_t k = (size_t)gsl_rng_uniform_int(r, n);
					used[ref[k].id] = 0;
					n = th_remove(d, &c, h, n, pos[ref[k].id]);
					ref[k] = ref[n];
				} else {
					size_t k = (size_t)gsl_rng_uniform_int(r, n);
					uint32_t i = pos[ref[k].id];
					h[i].key = ref[k].key = key;
					th_update(d, &c, h, n, i);
				}
				th_check(&c, h, n, d);
			}
			qsort(ref, n, sizeof(*ref), th_cmp);
			for (size_t k = 0; k < n; k++) {
				ck_assert_int_eq(h[0].key, ref[k].key);
				if (by_id)
					ck_assert_uint_eq(h[0].id, ref[k].id);
				size_t left = th_remove(d, &c, h, n - k, 0);
				th_check(&c, h, left, d);
			}
		}
	gsl_rng_free(r);
}
END_TEST

/* Pushes keys[0..n) with ids 0..n-1 into an empty heap of arity d. */
static size_t th_fill(size_t d, const struct th_ctx *c, struct th_ent *h, const int *keys, uint32_t n)
{
	size_t len = 0;
	for (uint32_t i = 0; i < n; i++)
		len = th_push(d, c, h, len, (struct th_ent){ keys[i], i });
	return len;
}

static void th_assert_ids(const struct th_ent *h, const uint32_t *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(h[i].id, want[i]);
}

/* Ties: an entry never moves past an equal one, and of equal children the
 * leftmost moves up; so equal keys keep a fixed layout (the platform's
 * random idle selection draws by array position). */
START_TEST(test_heap_ties)
{
	uint32_t pos[8];
	struct th_ctx c = { pos, 0 };
	struct th_ent h[8];
	/* Equal keys stay in push order. */
	const int k7[] = { 7, 7, 7, 7, 7, 7 };
	size_t n = th_fill(2, &c, h, k7, 6);
	th_assert_ids(h, (const uint32_t[]){ 0, 1, 2, 3, 4, 5 }, 6);
	/* Removing from the middle among equals: the last fills the hole. */
	n = th2_remove(&c, h, n, 2);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(h[2].id, 5);
	ck_assert_uint_eq(pos[5], 2);
	th_check(&c, h, n, 2);

	/* Binary: [0a, 2b, 2c, 3d, 3e], pop: e drops into the root hole, b (the
	 * left of two equal children) moves up, d (equal to e) stays. */
	n = th2_remove(&c, h, th_fill(2, &c, h, (const int[]){ 0, 2, 2, 3, 3 }, 5), 0);
	th_assert_ids(h, (const uint32_t[]){ 1, 4, 2, 3 }, n);
	th_check(&c, h, n, 2);

	/* 4-ary: [0, 1, 1, 1, 1, 5], pop: the leftmost of four equal children
	 * moves up (the tournament keeps the left one on ties). */
	n = th4_remove(&c, h, th_fill(4, &c, h, (const int[]){ 0, 1, 1, 1, 1, 5 }, 6), 0);
	th_assert_ids(h, (const uint32_t[]){ 1, 5, 2, 3, 4 }, n);
	/* [0, 2, 1, 2, 1]: the later of the two equal least children is 4, the
	 * earlier 2 wins. */
	n = th4_remove(&c, h, th_fill(4, &c, h, (const int[]){ 0, 2, 1, 2, 1, 9 }, 6), 0);
	ck_assert_uint_eq(h[0].id, 2);
	ck_assert_uint_eq(h[2].id, 5);
	th_check(&c, h, n, 4);

	/* A key raised to equal its children's sinks no further; lowered to
	 * equal its parent's it rises no further. */
	n = th_fill(2, &c, h, (const int[]){ 1, 3, 6, 4, 4 }, 5);
	h[1].key = 4;
	th2_update(&c, h, n, 1);
	ck_assert_uint_eq(h[1].id, 1);
	h[2].key = 1;
	th2_update(&c, h, n, 2);
	ck_assert_uint_eq(h[2].id, 2);
	h[2].key = 0;
	th2_update(&c, h, n, 2);
	ck_assert_uint_eq(h[0].id, 2);
	ck_assert_uint_eq(h[2].id, 0);
	th_check(&c, h, n, 2);
}
END_TEST

Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TU_ADD_TESTS(tu_tcase(s, "core", 0), test_empty, test_random_order, test_ties_in_insertion_order,
		     test_late_timers, test_cancel, test_stale_handle_after_reuse,
		     test_schedule_from_callback, test_stop, test_pending_limit, test_bad_times);
	TU_ADD_TESTS(tu_tcase(s, "randomized", 60), test_random_vs_reference);
	TU_ADD_TESTS(tu_tcase(s, "heap", 0), test_heap_random_vs_sorted, test_heap_ties);
	return s;
}
