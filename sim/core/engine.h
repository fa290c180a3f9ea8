/*
 * engine: the pending-event set and the simulation clock.
 *
 * Owns a 4-ary min-heap of timers ordered by (time, late, insertion
 * sequence): two timers due at the same time fire in the order they were
 * scheduled, except that "late" ones (engine_at_late) come after all others
 * of their time; a run is exactly reproducible. Timers live in a pool with a free list (no malloc
 * per event) and can be cancelled in O(log n) through the handle returned by
 * engine_at(); a stale handle (already fired or cancelled) is ignored safely.
 *
 * The engine knows times, sequence numbers and callbacks only.
 */
#ifndef SLSIM_ENGINE_H
#define SLSIM_ENGINE_H

#include <stddef.h>
#include <stdint.h>

struct engine;

/* Called when a timer fires; engine_now() is the timer's time. */
typedef void (*engine_cb)(void *ctx, uint64_t arg);

/* Opaque handle: pool slot in the low 32 bits, slot generation in the high. */
typedef uint64_t engine_timer;
#define ENGINE_TIMER_NONE ((engine_timer)0)

/* max_pending bounds the pool (0 = default ENGINE_DEFAULT_MAX_PENDING);
 * engine_at() fails once it is reached instead of exhausting memory. */
#define ENGINE_DEFAULT_MAX_PENDING (1u << 28)
struct engine *engine_new(size_t max_pending);
void engine_free(struct engine *e);

/* The clock is the first member of struct engine, so that reading it (many
 * times per event) is not a call. */
struct engine_clock {
	double now_s;
};
static inline double engine_now(const struct engine *e)
{
	return ((const struct engine_clock *)(const void *)e)->now_s;
}

/* Schedules cb(ctx, arg) at absolute time t_s (t_s >= engine_now()).
 * Returns ENGINE_TIMER_NONE if the pending-event limit is reached or
 * memory runs out (engine_failed() then tells why). */
engine_timer engine_at(struct engine *e, double t_s, engine_cb cb, void *ctx, uint64_t arg);

/* The same, but the timer fires after every timer due at the same time that
 * is not late, whenever those were scheduled (late ones among themselves in
 * scheduling order). For a driver's own events that must see everything
 * else that happens at their instant first. */
engine_timer engine_at_late(struct engine *e, double t_s, engine_cb cb, void *ctx, uint64_t arg);
/* Returns 1 if the timer was pending and is now removed, 0 otherwise. */
int engine_cancel(struct engine *e, engine_timer t);

/* Time of the next timer, or INFINITY when none is pending. */
double engine_next_time(const struct engine *e);

/* Fires the earliest timer; returns 0 if none was pending, 1 otherwise. */
int engine_step(struct engine *e);

/* Fires timers until none is pending or engine_stop() is called.
 * Returns the number of timers fired by this call. */
uint64_t engine_run(struct engine *e);
/* Fires the timers due at or before t_s (in (time, seq) order) until none
 * is or engine_stop() is called; returns the number fired. For drivers that
 * interleave their own events (arrivals pulled from a source) with the
 * timers: timers due at an event's time fire before it. */
uint64_t engine_run_through(struct engine *e, double t_s);
/* engine_run_through(e, t_s), then engine_advance(e, t_s), in one call. */
uint64_t engine_run_to(struct engine *e, double t_s);
/* Moves the clock forward to t_s, which must not pass the next pending timer
 * (engine_next_time()); earlier times are ignored. */
void engine_advance(struct engine *e, double t_s);
/* Counts n events a driver handled itself (they add to engine_fired). */
void engine_count(struct engine *e, uint64_t n);
void engine_stop(struct engine *e);

size_t engine_pending(const struct engine *e);
uint64_t engine_fired(const struct engine *e);   /* total since engine_new */
/* Non-NULL message once an engine_at() has failed. */
const char *engine_failed(const struct engine *e);

#endif
