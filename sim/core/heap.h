/*
 * heap: the one d-ary min-heap, as a template the compiler inlines.
 *
 * Owns the sifting rules of every heap in slsim: entries of any type in a
 * caller's array (the caller allocates and grows it), ordered by a strict
 * "less" the caller supplies; an entry moves only past entries it is
 * strictly less than, and of equal children the leftmost is taken, so equal
 * keys keep a fixed, reproducible layout (the platform draws random idle
 * instances by array position). A "place" hook runs for every store of an
 * entry at a position, so intrusive users record where each entry is and can
 * remove or re-sort it in O(log n); users without positions pass
 * HEAP_PLACE_NONE.
 *
 *   HEAP_DEFINE(name, T, D, CTX, LESS, PLACE)
 *
 * defines static inline functions name_sift_up, name_sift_down, name_push,
 * name_remove and name_update over a T array of arity D (2 or 4 in practice;
 * any D >= 2 works), where
 *   - CTX is the type of a context passed through to the hooks,
 *   - LESS(ctx, a, b) is nonzero when entry a (a T) comes strictly before b,
 *   - PLACE(ctx, h, i, x) stores x at h[i] (and may record i in x's owner).
 * The functions take the array and its size and return the new size; the
 * caller keeps the size in whatever integer it likes. No allocation here.
 * Why a template and not callbacks: the engine pops and pushes millions of
 * timers a second, and an indirect call per comparison would cost it.
 */
#ifndef SLSIM_HEAP_H
#define SLSIM_HEAP_H

#include <stddef.h>

/* A user need not call every generated function: clang warns of unused
 * static inline functions defined in a .c file, gcc does not. */
#define HEAP_FN static inline __attribute__((unused))

static inline size_t heap_parent(size_t i, size_t d)
{
	return (i - 1) / d;
}

static inline size_t heap_first_child(size_t i, size_t d)
{
	return d * i + 1;
}

/* A place hook for heaps whose entries need not know their position. */
#define HEAP_PLACE_NONE(ctx, h, i, x) ((void)(ctx), (h)[i] = (x))

#define HEAP_DEFINE(name, T, D, CTX, LESS, PLACE)                                          \
	/* Moves x up from the hole at i and stores it. */                                 \
	HEAP_FN void name##_sift_up(CTX ctx, T *h, size_t i, T x)                          \
	{                                                                                  \
		size_t p_;                                                                 \
		while (i > 0 && (LESS(ctx, x, h[p_ = heap_parent(i, (D))]))) {             \
			PLACE(ctx, h, i, h[p_]);                                           \
			i = p_;                                                            \
		}                                                                          \
		PLACE(ctx, h, i, x);                                                       \
	}                                                                                  \
	/* The leftmost least of the children c .. min(c + D, n) - 1 (c < n). */          \
	HEAP_FN size_t name##_min_child(CTX ctx, const T *h, size_t c, size_t n)           \
	{                                                                                  \
		(void)ctx;                                                                 \
		if ((D) == 4 && c + 3 < n) {                                               \
			/* all four: a branch-light tournament */                          \
			size_t m0_ = c + (size_t)!!(LESS(ctx, h[c + 1], h[c]));            \
			size_t m1_ = c + 2 + (size_t)!!(LESS(ctx, h[c + 3], h[c + 2]));    \
			return (LESS(ctx, h[m1_], h[m0_])) ? m1_ : m0_;                    \
		}                                                                          \
		size_t end_ = c + (D) < n ? c + (D) : n;                                   \
		size_t best_ = c;                                                          \
		for (size_t k_ = c + 1; k_ < end_; k_++)                                   \
			if (LESS(ctx, h[k_], h[best_]))                                    \
				best_ = k_;                                                \
		return best_;                                                              \
	}                                                                                  \
	/* Moves x down from the hole at i of a heap of n entries and stores it. */        \
	HEAP_FN void name##_sift_down(CTX ctx, T *h, size_t n, size_t i, T x)              \
	{                                                                                  \
		for (;;) {                                                                 \
			size_t c_ = heap_first_child(i, (D));                              \
			if (c_ >= n)                                                       \
				break;                                                     \
			size_t b_ = name##_min_child(ctx, h, c_, n);                       \
			if (!(LESS(ctx, h[b_], x)))                                        \
				break;                                                     \
			PLACE(ctx, h, i, h[b_]);                                           \
			i = b_;                                                            \
		}                                                                          \
		PLACE(ctx, h, i, x);                                                       \
	}                                                                                  \
	/* Adds x to a heap of n entries (h has room for n + 1); returns n + 1. */        \
	HEAP_FN size_t name##_push(CTX ctx, T *h, size_t n, T x)                           \
	{                                                                                  \
		name##_sift_up(ctx, h, n, x);                                              \
		return n + 1;                                                              \
	}                                                                                  \
	/* Re-sorts the entry at i of a heap of n entries after its key changed. */       \
	HEAP_FN void name##_update(CTX ctx, T *h, size_t n, size_t i)                      \
	{                                                                                  \
		T x_ = h[i];                                                               \
		if (i > 0 && (LESS(ctx, x_, h[heap_parent(i, (D))])))                      \
			name##_sift_up(ctx, h, i, x_);                                     \
		else                                                                       \
			name##_sift_down(ctx, h, n, i, x_);                                \
	}                                                                                  \
	/* Removes the entry at i (i < n; 0 pops the least); returns n - 1. The          \
	 * last entry fills the hole and moves up or down from there. */                   \
	HEAP_FN size_t name##_remove(CTX ctx, T *h, size_t n, size_t i)                    \
	{                                                                                  \
		size_t last_ = n - 1;                                                      \
		if (i == last_)                                                            \
			return last_;                                                      \
		T x_ = h[last_];                                                           \
		if (i > 0 && (LESS(ctx, x_, h[heap_parent(i, (D))])))                      \
			name##_sift_up(ctx, h, i, x_);                                     \
		else                                                                       \
			name##_sift_down(ctx, h, last_, i, x_);                            \
		return last_;                                                              \
	}

#endif
