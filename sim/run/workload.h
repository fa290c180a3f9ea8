/*
 * workload: where requests come from.
 *
 * Owns the arrival sources of a run (per-function Poisson and periodic
 * processes, CSV traces shared by the functions they name) and keeps exactly
 * one pending engine timer per source, so memory does not grow with the
 * number of arrivals and traces are streamed. Arrivals stop at duration_s.
 *
 * A source is an iterator (struct workload_source_ops); new arrival formats
 * add a source without touching the scheduling.
 */
#ifndef SLSIM_WORKLOAD_H
#define SLSIM_WORKLOAD_H

#include <stdint.h>
#include "core/engine.h"
#include "core/errbuf.h"
#include "scenario/scenario.h"

struct arrival {
	double t_s;
	uint32_t function;
	double duration_s;     /* from a trace, or NAN to draw from the function's model */
	uint32_t prompt_tokens, output_tokens;   /* an LLM request's (azure-llm), else 0 and 0 */
};

struct workload_source_ops {
	/* 1: *a is the next arrival (times non-decreasing); 0: exhausted; <0: error. */
	int (*next)(void *src, struct arrival *a, struct errbuf *err);
	void (*close)(void *src);
};

/* Receives each arrival at its time (engine_now() == a->t_s). Returning <0
 * stops the run with the message the sink left in *err. */
typedef int workload_sink_fn(void *ctx, const struct arrival *a, struct errbuf *err);

struct workload;

/* The arrival sources of one replication into *out: 0, or ERR_INPUT (a
 * trace file or format the user named fails) or ERR_RUNTIME (memory). */
int workload_new(const struct scenario *sc, struct engine *e, uint32_t replication,
		 workload_sink_fn *sink, void *sink_ctx, struct workload **out, struct errbuf *err);
/* Adds a source (taking ownership); used by workload_new and by readers. */
int workload_add_source(struct workload *w, const struct workload_source_ops *ops, void *src,
			struct errbuf *err);
/* Schedules the first arrival of every source. */
int workload_start(struct workload *w, struct errbuf *err);
/* 0 while fine; <0 once a source or the sink failed (message in the errbuf
 * given to workload_new). */
int workload_status(const struct workload *w);
uint64_t workload_arrivals(const struct workload *w);
/* Pull mode, instead of workload_start: the next arrival of all sources
 * together, in the order the scheduled mode delivers them (time, then the
 * order in which the sources' arrivals were read). For a driver that routes
 * arrivals itself; the workload may then be made with a NULL engine and sink.
 * 1: *a is the next arrival; 0: no more before duration_s; <0: error (in the
 * errbuf given to workload_new). */
int workload_pull(struct workload *w, struct arrival *a);
/* Optional: hint(ctx, fn) is called with the function of a source's
 * following arrival just before the current one goes to the sink (each
 * source reads one arrival ahead), so the sink can prefetch what that
 * arrival will touch. A cache hint only: it must change no state. */
typedef void workload_hint_fn(void *ctx, uint32_t function);
void workload_set_hint(struct workload *w, workload_hint_fn *hint);
void workload_free(struct workload *w);

#endif
