/*
 * internal: what the files of sim/platform share, private to sim/platform
 * (nothing outside it includes this header; tests/layering.sh checks). The
 * public interface is platform.h.
 *
 * Who owns what:
 *   platform.c  instance life cycles (initialising -> busy <-> idle ->
 *               released), dispatch (warm, cold, out of memory), the
 *               available instances (heap or mru/lru lists), the keep-alive
 *               expiry FIFOs, busy-period reporting and the public API;
 *   pool.c      the memory pool: eviction priorities, victims, making room,
 *               and FaasCache's rules (lazy TTL, priorities set at starts,
 *               the replay of its container heap, D5);
 *   share.c     processor sharing of an instance's vCPUs among the requests
 *               it serves at once;
 *   queue.c     concurrency slots (account pool, reserved concurrency) and
 *               the wait queues of requests over a limit;
 *   host.c      the keep-alive policies' host API (struct keepalive_host):
 *               pre-warming, provisioned concurrency, pings, counts;
 *   batch.c     functions[i].batch: forming batches, their deadlines, and
 *               the end of a batch's other requests;
 *   node.c      platform.nodes: placement on GPU nodes, their model caches
 *               and model loads through the storage tiers.
 *   llm.c       functions[i].llm: continuous batching of LLM requests on
 *               an instance, iteration by iteration.
 * Records of one part that no other part reads (struct ps_inst, ps_req) are
 * defined in that part's file. Small functions called across files on the
 * hot path (a request's dispatch and completion) are static inline here.
 */
#ifndef SLSIM_PLATFORM_INTERNAL_H
#define SLSIM_PLATFORM_INTERNAL_H

#include <stdint.h>
#include "core/engine.h"
#include "core/rng.h"
#include "platform/platform.h"

#define NONE UINT32_MAX

enum inst_state { INST_FREE, INST_INIT, INST_WARM };

/* Doubly linked lists of instances, threaded through the instances (NONE
 * at the ends); an instance is in at most one list of each kind. */
struct ilist {
	uint32_t head, tail;
};
struct ilink {
	uint32_t prev, next;
};
enum { LINK_AVAIL, LINK_KA };

struct instance {
	uint32_t fn;
	uint32_t active;          /* requests it is serving (or initialising for) */
	uint32_t avail_pos;       /* position in its function's available heap (0 in
				   * its list), or NONE when not available */
	struct ilink links[2];    /* [LINK_AVAIL]: available list (mru, lru);
				   * [LINK_KA]: its expiry FIFO */
	uint32_t next_free;
	uint8_t state;
	uint8_t doomed;           /* ran out of memory: released once idle, never reused */
	uint8_t provisioned;      /* never expires; preferred by dispatch */
	uint32_t fc_requests;     /* under FaasCache's rules: requests started on it */
	double created_s;
	double until_s;           /* pre-warmed, not yet used: released then */
	double priority;          /* eviction order in the memory pool (lowest first) */
	uint64_t created_seq;
	uint64_t used_seq;        /* last dispatch or completion, for mru/lru */
	engine_timer expiry;      /* its own expiry timer, when not in the FIFO */
	double expiry_s;          /* in its function's expiry FIFO: released then;
				   * under FaasCache's rules (never in a FIFO): the
				   * start of its last request */
	uint8_t in_fifo;
};

/* Where an instance's busy period began (its in-flight count went 0 -> 1)
 * and the initialisation at its start: kept beside the instances, and only
 * when the observer takes busy periods, so that the instance records stay
 * as small as before. */
struct busy_mark {
	double since_s, init_s;
};

struct request {
	uint32_t fn, instance, tag;
	uint32_t next, prev;      /* wait queue links; next also links the free list */
	int cold;
	enum restore_kind restore;
	uint8_t ping, provisioned;
	uint8_t batch_lead;       /* carries its batch through dispatch (batch.c) */
	uint8_t llm;              /* an LLM function's request with tokens (in llm.c's records) */
	double arrival_s, start_s, init_s, run_s, service_s;
	enum request_outcome outcome;
	uint32_t batch_n;         /* requests of its batch once it left; 0: none */
	engine_timer queue_timer;
};

/* FIFO of waiting requests, doubly linked through the request pool. */
struct wait_queue {
	uint32_t head, tail;
};

/* What a warm request reads comes first and fits two cache lines (the
 * record is cache-line aligned): with tens of thousands of functions each
 * request of a random one costs a few cache misses, not a dozen. */
struct fn_rt {
	_Alignas(64) const struct function_cfg *cfg;
	void *keepalive_state;
	struct instance_counts counts;
	uint32_t in_flight;       /* requests holding a concurrency slot */
	struct avail_ent *avail;  /* heap of warm instances with a free slot */
	uint32_t n_avail, cap_avail;
	/* Or, for mru and lru, lists in the order of used_seq: provisioned
	 * instances [0], on-demand ones [1]. */
	struct ilist avail_list[2];
	uint32_t ka_list;         /* its expiry list in platform.lists */
	uint8_t fc;               /* FaasCache's rules (keepalive_ops.faascache) */
	uint8_t batched;          /* functions[i].batch: requests go through batch_join */
	uint8_t llm;              /* functions[i].llm: requests with tokens go through llm_start */
	double const_ttl_s;       /* the policy's constant TTL, NAN: ask on_idle */
	/* Streams held inline: a request's draws read no other memory. */
	struct rng_inline rng_service, rng_cold, rng_dispatch, rng_policy;
	struct keepalive_host host;
	uint32_t provisioned;     /* instances the policy asked for */
	uint32_t n_provisioned;   /* provisioned instances alive */
	struct wait_queue queue;  /* reserved functions wait here */
	/* Under FaasCache's rules: the TTL from a request's start (released
	 * lazily), the eviction priority all its instances share, and the
	 * requests started on its live instances. */
	double fc_ttl_s, fc_priority;
	uint64_t fc_requests;
};

/* An entry of a function's available heap: the instance and its key, kept
 * beside it so that sifting compares without reading the instances. */
struct avail_ent {
	uint64_t key;
	uint32_t id, pad_;
};

/* Idle instances whose expiry times are non-decreasing in the order they
 * became idle, in that order: one engine timer at or before the head's
 * expiry serves them all. Functions with the same constant TTL share one
 * list (their instances expire in the order they became idle); every other
 * function has its own. */
struct ka_list {
	struct ilist ids;
	engine_timer timer;       /* pending, or NONE */
	double timer_s;
};

struct platform {
	const struct scenario *sc;
	struct ka_list *lists;
	uint32_t n_lists;
	struct engine *engine;
	struct platform_observer obs;
	struct fn_rt *fn;         /* the functions [fn_base, fn_base + n_fn) */
	uint32_t n_fn, fn_base;

	struct instance *inst;
	struct busy_mark *busy;   /* [cap_inst] when obs.instance_busy is set, else NULL */
	uint32_t n_inst, cap_inst, free_inst;
	struct request *req;
	uint32_t n_req, cap_req, free_req;

	uint32_t shared_limit, shared_in_flight, peak_shared_in_flight;
	/* mru and lru: an instance whose key changes always gets the newest
	 * used_seq, so ordered lists replace the heaps (no sifting through
	 * other instances' records). */
	int avail_lists;
	struct wait_queue shared_queue;
	uint64_t seq;
	uint64_t pool_used_mb, evictions;
	double pool_clock;
	struct errbuf *err;       /* where callbacks report failure */
	int failed;
	/* Processor sharing (share.c, which defines these records), indexed
	 * like inst and req and grown only when a sharing function runs a
	 * request. */
	struct ps_inst *ps_inst;
	struct ps_req *ps_req;
	uint32_t cap_ps_inst, cap_ps_req;
	uint64_t ps_seq;
	/* FaasCache's container order (D5), when every function follows
	 * FaasCache's rules in a memory pool: its ContainerPool, a Python heapq
	 * list of every live instance keyed on priority, replayed operation by
	 * operation (pool.c); fch_save holds what an eviction pops but keeps. */
	int fch_on;
	uint32_t *fch, *fch_save;
	uint32_t fch_n, fch_cap;
	/* The functions' forming batches (batch.c defines them), NULL when
	 * none of this platform's functions batches. */
	struct batch_form *batch;
	/* GPU nodes (node.c defines them), NULL without platform.nodes. */
	struct node_state *nodes;
	/* Continuous batching (llm.c defines these), indexed like inst and req,
	 * grown only when an LLM function serves a request with tokens. */
	struct llm_inst *llm_inst;
	struct llm_req *llm_req;
	uint32_t cap_llm_inst, cap_llm_req;
};

/* ---- platform.c: life cycles, dispatch --------------------------------- */

/* Marks the platform failed with what (and the engine's reason), stops the
 * engine; returns ERR_RUNTIME. */
int platform_fail(struct platform *p, const char *what);
/* Releases instance id (idle, or never to be used again) at engine_now(). */
void platform_release(struct platform *p, uint32_t id);
/* The engine callback of request arg's end (outcome and run_s set): reports
 * it, frees its slot and instance, starts waiting requests. */
void platform_on_complete(void *ctx, uint64_t arg);

/* Starts request r, which holds a slot: on a warm instance or a new one.
 * Returns 0 or ERR_RUNTIME. */
int platform_dispatch(struct platform *p, uint32_t r);
/* Tells the observer request r ended at end_s. */
void platform_report(struct platform *p, uint32_t r, double end_s);
static inline void platform_free_request(struct platform *p, uint32_t r)
{
	p->req[r].next = p->free_req;
	p->free_req = r;
}

/* The wait queues (queue.c's concurrency queues, node.c's wait for GPUs,
 * llm.c's wait for room in a batch) are FIFOs of requests doubly linked
 * through request.next/prev: r goes to the back, or leaves from anywhere
 * (its links reset). */
static inline void wait_queue_push(struct platform *p, struct wait_queue *q, uint32_t r)
{
	p->req[r].next = NONE;
	p->req[r].prev = q->tail;
	if (q->tail != NONE)
		p->req[q->tail].next = r;
	else
		q->head = r;
	q->tail = r;
}
static inline void wait_queue_unlink(struct platform *p, struct wait_queue *q, uint32_t r)
{
	struct request *rq = &p->req[r];
	if (rq->prev != NONE)
		p->req[rq->prev].next = rq->next;
	else
		q->head = rq->next;
	if (rq->next != NONE)
		p->req[rq->next].prev = rq->prev;
	else
		q->tail = rq->prev;
	rq->next = rq->prev = NONE;
}

/* Creates an instance of fn (of this platform) that serves nothing yet:
 * pre-warmed until until_s, or provisioned. Returns 0, 1 when the memory
 * pool has no room, or ERR_RUNTIME. */
int platform_spawn_idle(struct platform *p, uint32_t fn, int provisioned, double until_s);
/* Provisioned instance id, busy or initialising, becomes on-demand: it is
 * released once idle. */
void platform_unprovision(struct platform *p, uint32_t id);
/* A warmer's ping of fn (of this platform) arrives now. Returns 0 or <0. */
int platform_ping(struct platform *p, uint32_t fn, double duration_s);

/* Instances in order of creation, where a choice among a function's
 * instances would otherwise follow their slots in the pool: the order of
 * the slots depends on the other functions' instances (one platform for
 * all, or one per group of functions: run/partition.c), the order of
 * creation does not. */
struct alive_ent {
	uint64_t created_seq;
	uint32_t id;
};

/* qsort's order of struct alive_ent: by created_seq. */
int platform_created_cmp(const void *pa, const void *pb);

/* ---- pool.c: the memory pool and FaasCache's rules --------------------- */

/* Eviction priority of an instance of f that becomes idle now. */
double pool_idle_priority(struct platform *p, struct fn_rt *f);
/* pool_make_room's slow part, when memory_mb more does not fit as it is. */
int pool_evict(struct platform *p, uint32_t memory_mb);
/* Makes room for memory_mb more in the pool (evicting idle instances when
 * it is full). Returns 0 when it fits, 1 when it cannot (nothing evicted). */
static inline int pool_make_room(struct platform *p, uint32_t memory_mb)
{
	uint64_t cap = p->sc->platform.pool_memory_mb;
	if (!cap || p->pool_used_mb + memory_mb <= cap)
		return 0;
	return pool_evict(p, memory_mb);
}
/* With fch_on: instance id leaves FaasCache's container heap. */
void pool_fch_remove(struct platform *p, uint32_t id);
/* With fch_on: FaasCache's steps before a request of f at now picks a warm
 * instance; the instance it picks, or NONE. */
uint32_t pool_fch_activation(struct platform *p, struct fn_rt *f, double now);
/* Under FaasCache's rules with a TTL: f's expired idle instances go. */
void pool_fc_purge(struct platform *p, struct fn_rt *f, double now);
/* Under FaasCache's rules: a request of f started on instance id at now
 * (cold: a new instance). Returns 0 or ERR_RUNTIME. */
int pool_fc_started(struct platform *p, struct fn_rt *f, uint32_t id, double now, int cold);
/* Frees the pool's records (FaasCache's heap). */
void pool_free(struct platform *p);

/* ---- share.c: processor sharing ---------------------------------------- */

/* Whether f's requests share their instance's vCPUs (go through share_start). */
static inline int share_applies(const struct function_cfg *cfg)
{
	return cfg->concurrency_per_instance > 1 && cfg->cpu_fraction > 0 && cfg->oom != OOM_INIT;
}
/* Starts request r (dispatched, its init in init_s) on a sharing instance,
 * with its service time alone. Returns 0 or ERR_RUNTIME. */
int share_start(struct platform *p, uint32_t r, double now, double service);
/* Frees the sharing records. */
void share_free(struct platform *p);

/* ---- queue.c: concurrency slots and wait queues ------------------------ */

/* Whether a request of f may start now: a slot free in its reserved
 * concurrency, or in the account pool. */
static inline int queue_has_slot(const struct platform *p, const struct fn_rt *f)
{
	if (f->cfg->reserved_concurrency)
		return f->in_flight < f->cfg->reserved_concurrency;
	return p->shared_in_flight < p->shared_limit;
}

static inline void queue_take_slot(struct platform *p, struct fn_rt *f)
{
	f->in_flight++;
	if (!f->cfg->reserved_concurrency && ++p->shared_in_flight > p->peak_shared_in_flight)
		p->peak_shared_in_flight = p->shared_in_flight;
}

/* Frees a request of f's concurrency slot. */
static inline void queue_give_slot(struct platform *p, struct fn_rt *f)
{
	f->in_flight--;
	if (!f->cfg->reserved_concurrency)
		p->shared_in_flight--;
}

/* Request r of f, arrived now with no slot free, waits in its queue (with
 * its queue timeout). Returns 0 or ERR_RUNTIME. */
int queue_wait(struct platform *p, struct fn_rt *f, uint32_t r, double now);
/* Starts the requests waiting in q while slots are free (owner's reserved
 * ones, or the account pool's when owner is NULL). */
void queue_drain(struct platform *p, struct wait_queue *q, struct fn_rt *owner);

/* ---- batch.c: batching (functions[i].batch) ----------------------------- */

/* Sets f->batched for the functions that batch and makes their forming
 * batches. Returns 0, or -1 out of memory. */
int batch_init(struct platform *p);
/* Request r of a batching function, holding its slot, joins the function's
 * forming batch, which leaves (platform_dispatch of its first request) when
 * full or past its deadline. Returns 0 or ERR_RUNTIME. */
int batch_join(struct platform *p, uint32_t r);
/* Batch lead r ended at end_s (reported, its slot given back): the other
 * requests of its batch end with its outcome, start, init and run; they
 * are reported, give back their slots and are freed. */
void batch_finish(struct platform *p, uint32_t r, double end_s);
/* Frees the forming batches. */
void batch_free(struct platform *p);

/* ---- node.c: GPU nodes (platform.nodes) -------------------------------- */

/* Sets up the nodes (none without platform.nodes). Returns 0 or -1. */
int node_init(struct platform *p, uint32_t replication);
void node_free(struct platform *p);
/* Whether f's instances are placed on nodes. */
static inline int node_applies(const struct platform *p, const struct fn_rt *f)
{
	return p->nodes && f->cfg->placed;
}
/* The node a new instance of f goes to (*node), releasing idle instances
 * when no node has room: 0, or 1 when none can hold it. */
int node_pick(struct platform *p, const struct fn_rt *f, uint32_t *node);
/* New instance id of f takes its GPUs on node. Returns 0 or ERR_RUNTIME. */
int node_take(struct platform *p, const struct fn_rt *f, uint32_t id, uint32_t node);
/* Instance id (placed) initialises for pre_s, then loads its model; when
 * the load ends, platform_loaded(p, id, r) (r: the cold request waiting
 * for it, or NONE). Returns 0 or ERR_RUNTIME. */
int node_load(struct platform *p, uint32_t id, double pre_s, uint32_t r);
/* Instance id, released, gives its GPUs back (nothing when not placed). */
void node_release(struct platform *p, uint32_t id);
/* Request r, holding its slot, found no room on any node (on_limit
 * "queue"): it waits for GPUs, at most queue_timeout_s. Returns 0 or
 * ERR_RUNTIME. */
int node_wait(struct platform *p, uint32_t r, double now);
/* Room may have appeared (an instance released, idle or ready): the
 * waiting requests that can start are tried once the current event is
 * over. */
void node_kick(struct platform *p);
/* Request r, holding its slot and in no queue, ends now with outcome
 * without running: reported, its slot given back, queues drained. */
void platform_end_waiting(struct platform *p, uint32_t r, enum request_outcome outcome);
/* The loads counted so far. */
void node_loads(const struct platform *p, struct platform_model_loads *out);
/* Instance id finished loading its model now: request r (or NONE), which
 * started it, runs; the instance is ready (platform.c). */
void platform_loaded(struct platform *p, uint32_t id, uint32_t r);
/* ---- llm.c: continuous batching (functions[i].llm) ---------------------- */

/* Request r of an LLM function arrives with its tokens (not both 0): kept
 * in llm.c's records (the request records stay as small as without), and
 * rq->llm set. Returns 0 or ERR_RUNTIME. */
int llm_arrive(struct platform *p, uint32_t r, uint32_t prompt_tokens, uint32_t output_tokens);
/* Whether request rq of f is served token by token (llm_start). */
static inline int llm_applies(const struct function_cfg *cfg, const struct request *rq)
{
	return rq->llm && cfg->oom == OOM_NONE;
}
/* Request r's first token and output tokens into its result (rq->llm). */
void llm_result(const struct platform *p, uint32_t r, struct request_result *res);
/* Starts request r (dispatched, its init in init_s) on its instance's
 * batch: it joins at the first iteration boundary after its init with room
 * in the KV cache. Returns 0 or ERR_RUNTIME. */
int llm_start(struct platform *p, uint32_t r, double now);
/* Frees the continuous-batching records. */
void llm_free(struct platform *p);

/* ---- host.c: the keep-alive policies' host API ------------------------- */

/* Fills f->host, the host of function fn (scenario number) for its policy
 * in replication `replication` (the policy seeds its own streams from it). */
void host_init(struct platform *p, struct fn_rt *f, uint32_t fn, uint32_t replication);

#endif
