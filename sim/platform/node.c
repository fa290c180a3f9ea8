/*
 * node: GPU nodes (platform.nodes), private to sim/platform (internal.h).
 * Owns the placement of the instances of accelerated functions on nodes
 * (platform.placement), each node's free GPUs, its SSD and DRAM model
 * caches (least recently used models evicted first), and model loads
 * through the storage tiers (models/storage.h).
 *
 * A new instance first initialises for the part of its cold start that is
 * not the model load (the function's cold-start model, without its fixed-
 * rate model read), then reads its model from the fastest tier of its node
 * holding it (DRAM, else SSD, else the remote store). The loads reading one
 * tier of one node at once share its bandwidth equally (processor sharing,
 * as share.c does for vCPUs): with n of them each reads at bandwidth / n.
 * All advance at one rate, so a tier keeps a virtual clock v_gb (GB each
 * of its loads has read since the tier was last idle) and each load its
 * finish tag (v_gb at its start + its size); the least tag ends first and
 * one engine timer per tier points at it. When a load ends the model is
 * inserted into the node's SSD and DRAM caches (a load in flight does not
 * count as present), and the instance is ready (platform_loaded).
 *
 * When no node has room even after idle instances gave their GPUs back,
 * a request is rejected, or with on_limit "queue" waits here for GPUs
 * (a FIFO through the requests' links, as queue.c's): whenever room may
 * have appeared (node_kick) the waiting requests that can start do.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "platform/internal.h"

struct cache_ent {
	uint32_t model;
	uint64_t seq;              /* last load that read or inserted it */
};

struct cache {
	struct cache_ent *e;
	uint32_t n, cap;
	double used_gb;
};

struct tier_rt {
	uint32_t *loads;           /* in order of start */
	uint32_t n, cap;
	double v_gb, at_s;         /* the virtual clock, as of at_s */
	engine_timer timer;
};

struct node_rt {
	uint32_t group, free_gpus;
	struct cache cache[STORAGE_TIERS];     /* [STORAGE_SSD], [STORAGE_DRAM] */
	struct tier_rt tier[STORAGE_TIERS];
};

struct load {
	uint32_t inst, req, node, next_free;
	int tier;
	double tag_gb, start_s;
};

struct node_state {
	const struct nodes_cfg *cfg;
	struct node_rt *node;
	uint32_t *inst_node;       /* the node of each instance, NONE */
	uint32_t cap_inst_node;
	struct load *load;
	uint32_t n_load, cap_load, free_load;
	uint64_t seq;
	struct rng_inline rng;
	struct platform_model_loads stats;
	/* Requests waiting for GPUs (on_limit "queue"), linked through the
	 * requests as the concurrency queues are, and the pending retry. */
	struct wait_queue wait;
	engine_timer retry;
};

static const struct node_group *group_of(const struct node_state *ns, uint32_t node)
{
	return &ns->cfg->groups[ns->node[node].group];
}

static double model_gb(const struct platform *p, uint32_t model)
{
	return p->nodes->cfg->model_size_gb[model];
}

/* ---- caches ------------------------------------------------------------- */

static struct cache_ent *cache_find(struct cache *c, uint32_t model)
{
	for (uint32_t k = 0; k < c->n; k++)
		if (c->e[k].model == model)
			return &c->e[k];
	return NULL;
}

/* The fastest tier of node holding model (STORAGE_REMOTE: none). */
static int tier_holding(struct node_rt *nd, uint32_t model)
{
	if (cache_find(&nd->cache[STORAGE_DRAM], model))
		return STORAGE_DRAM;
	return cache_find(&nd->cache[STORAGE_SSD], model) ? STORAGE_SSD : STORAGE_REMOTE;
}

/* Puts model (size_gb) into cache c of capacity cap_gb as the most
 * recently used, evicting the least recently used models until it fits;
 * a model larger than the cache is not cached. Returns 0 or -1 (memory). */
static int cache_insert(struct platform *p, struct cache *c, double cap_gb, uint32_t model, double size_gb)
{
	struct cache_ent *e = cache_find(c, model);
	uint64_t seq = ++p->nodes->seq;
	if (e) {
		e->seq = seq;
		return 0;
	}
	if (size_gb > cap_gb)
		return 0;
	while (c->used_gb + size_gb > cap_gb && c->n > 0) {
		uint32_t lru = 0;
		for (uint32_t k = 1; k < c->n; k++)
			if (c->e[k].seq < c->e[lru].seq)
				lru = k;
		c->used_gb -= model_gb(p, c->e[lru].model);
		c->e[lru] = c->e[--c->n];
	}
	if (c->n == 0)
		c->used_gb = 0;   /* no rounding left behind */
	if (c->n == c->cap) {
		uint32_t cap = c->cap ? 2 * c->cap : 8;
		void *q = realloc(c->e, cap * sizeof(*c->e));
		if (!q)
			return -1;
		c->e = q;
		c->cap = cap;
	}
	c->e[c->n++] = (struct cache_ent){ model, seq };
	c->used_gb += size_gb;
	return 0;
}

/* ---- placement ---------------------------------------------------------- */

/* Whether node can take an instance of f now. */
static int fits(const struct platform *p, const struct fn_rt *f, uint32_t node)
{
	const struct node_rt *nd = &p->nodes->node[node];
	return (f->cfg->node_groups >> nd->group & 1) && nd->free_gpus >= f->cfg->accel.count;
}

/* The node placement chooses among those that fit, or NONE. */
static uint32_t choose(struct platform *p, const struct fn_rt *f)
{
	struct node_state *ns = p->nodes;
	uint32_t best = NONE, n_fit = 0;
	int best_tier = -1;
	for (uint32_t k = 0; k < ns->cfg->n_nodes; k++) {
		if (!fits(p, f, k))
			continue;
		n_fit++;
		if (ns->cfg->placement == PLACE_FIRST_FIT)
			return k;
		int t = ns->cfg->placement == PLACE_LOCALITY ? tier_holding(&ns->node[k], f->cfg->model) : 0;
		if (t > best_tier) {
			best_tier = t;
			best = k;
		}
	}
	if (ns->cfg->placement != PLACE_RANDOM || n_fit == 0)
		return best;
	uint32_t pick = (uint32_t)gsl_rng_uniform_int(&ns->rng.gen, n_fit);
	for (uint32_t k = 0;; k++)
		if (fits(p, f, k) && pick-- == 0)
			return k;
}

/* The idle on-demand instance used least recently on a node of a group
 * f may use, or NONE. */
static uint32_t idle_victim(const struct platform *p, const struct fn_rt *f)
{
	const struct node_state *ns = p->nodes;
	uint32_t victim = NONE;
	for (uint32_t id = 0; id < p->n_inst && id < ns->cap_inst_node; id++) {
		const struct instance *in = &p->inst[id];
		uint32_t node = ns->inst_node[id];
		if (in->state != INST_WARM || in->active || in->provisioned || node == NONE ||
		    !(f->cfg->node_groups >> ns->node[node].group & 1))
			continue;
		if (victim == NONE || in->used_seq < p->inst[victim].used_seq)
			victim = id;
	}
	return victim;
}

int node_pick(struct platform *p, const struct fn_rt *f, uint32_t *node)
{
	for (;;) {
		*node = choose(p, f);
		if (*node != NONE)
			return 0;
		/* Full: idle instances give their GPUs back, least recently
		 * used first, as the memory pool evicts. */
		uint32_t victim = idle_victim(p, f);
		if (victim == NONE)
			return 1;
		engine_cancel(p->engine, p->inst[victim].expiry);
		p->inst[victim].expiry = ENGINE_TIMER_NONE;
		platform_release(p, victim);
	}
}

int node_take(struct platform *p, const struct fn_rt *f, uint32_t id, uint32_t node)
{
	struct node_state *ns = p->nodes;
	if (id >= ns->cap_inst_node) {
		void *q = realloc(ns->inst_node, (size_t)p->cap_inst * sizeof(*ns->inst_node));
		if (!q)
			return platform_fail(p, "cannot place another instance");
		ns->inst_node = q;
		memset(ns->inst_node + ns->cap_inst_node, 0xff, (size_t)(p->cap_inst - ns->cap_inst_node) * sizeof(uint32_t));
		ns->cap_inst_node = p->cap_inst;
	}
	ns->inst_node[id] = node;
	ns->node[node].free_gpus -= f->cfg->accel.count;
	return 0;
}

void node_release(struct platform *p, uint32_t id)
{
	struct node_state *ns = p->nodes;
	if (id >= ns->cap_inst_node || ns->inst_node[id] == NONE)
		return;
	ns->node[ns->inst_node[id]].free_gpus += p->fn[p->inst[id].fn].cfg->accel.count;
	ns->inst_node[id] = NONE;
	node_kick(p);
}

/* ---- requests waiting for GPUs ------------------------------------------ */

static void on_retry(void *ctx, uint64_t arg);


/* Request arg waited queue_timeout_s for GPUs: it gives up. */
static void on_wait_timeout(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	wait_queue_unlink(p, &p->nodes->wait, (uint32_t)arg);
	platform_end_waiting(p, (uint32_t)arg, REQ_QUEUE_TIMEOUT);
}

int node_wait(struct platform *p, uint32_t r, double now)
{
	struct wait_queue *q = &p->nodes->wait;
	struct request *rq = &p->req[r];
	rq->queue_timer = engine_at(p->engine, now + p->sc->platform.queue_timeout_s, on_wait_timeout, p, r);
	if (!rq->queue_timer)
		return platform_fail(p, "cannot schedule a queue timeout");
	wait_queue_push(p, q, r);
	return 0;
}

void node_kick(struct platform *p)
{
	struct node_state *ns = p->nodes;
	if (ns->wait.head == NONE || ns->retry != ENGINE_TIMER_NONE)
		return;
	/* Not at once: the caller may be in the middle of placing one. */
	ns->retry = engine_at(p->engine, engine_now(p->engine), on_retry, p, 0);
	if (!ns->retry)
		platform_fail(p, "cannot schedule a placement");
}

/* The waiting requests, in order of arrival, that can start now do: on an
 * instance of their function with a free slot, or on a node (a request
 * that cannot start lets the later ones pass). */
static void on_retry(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	struct node_state *ns = p->nodes;
	(void)arg;
	ns->retry = ENGINE_TIMER_NONE;
	for (uint32_t r = ns->wait.head, next; r != NONE; r = next) {
		next = p->req[r].next;
		const struct fn_rt *f = &p->fn[p->req[r].fn];
		if (f->n_avail == 0 && choose(p, f) == NONE && idle_victim(p, f) == NONE)
			continue;
		wait_queue_unlink(p, &ns->wait, r);
		engine_cancel(p->engine, p->req[r].queue_timer);
		if (platform_dispatch(p, r) < 0)
			return;
		next = ns->wait.head;   /* starting it may have changed the queue */
	}
}

/* ---- loads -------------------------------------------------------------- */

static void on_tier_timer(void *ctx, uint64_t arg);
static void on_load_start(void *ctx, uint64_t arg);

static void tier_advance(const struct node_group *g, struct tier_rt *t, int tier, double now)
{
	if (t->n)
		t->v_gb += (now - t->at_s) * g->gb_per_s[tier] / t->n;
	t->at_s = now;
}

/* Points tier's timer at its least finish tag (none when idle). */
static int tier_arm(struct platform *p, uint32_t node, int tier, double now)
{
	struct node_state *ns = p->nodes;
	struct tier_rt *t = &ns->node[node].tier[tier];
	if (t->timer != ENGINE_TIMER_NONE)
		engine_cancel(p->engine, t->timer);
	t->timer = ENGINE_TIMER_NONE;
	if (!t->n)
		return 0;
	double tag = ns->load[t->loads[0]].tag_gb;
	for (uint32_t k = 1; k < t->n; k++)
		tag = fmin(tag, ns->load[t->loads[k]].tag_gb);
	double when = now + (tag - t->v_gb) * t->n / group_of(ns, node)->gb_per_s[tier];
	t->timer = engine_at(p->engine, when > now ? when : now, on_tier_timer, p,
			     (uint64_t)node * STORAGE_TIERS + (uint64_t)tier);
	return t->timer ? 0 : platform_fail(p, "cannot schedule a model load");
}

/* Load l starts reading now from the fastest tier of its node holding
 * its model. */
static int load_start(struct platform *p, uint32_t l, double now)
{
	struct node_state *ns = p->nodes;
	struct load *ld = &ns->load[l];
	struct node_rt *nd = &ns->node[ld->node];
	uint32_t model = p->fn[p->inst[ld->inst].fn].cfg->model;
	ld->tier = tier_holding(nd, model);
	ld->start_s = now;
	if (ld->tier != STORAGE_REMOTE)
		cache_find(&nd->cache[ld->tier], model)->seq = ++ns->seq;
	struct tier_rt *t = &nd->tier[ld->tier];
	tier_advance(group_of(ns, ld->node), t, ld->tier, now);
	if (t->n == 0)
		t->v_gb = 0;   /* a load alone takes exactly size / bandwidth */
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? 2 * t->cap : 4;
		void *q = realloc(t->loads, cap * sizeof(*t->loads));
		if (!q)
			return platform_fail(p, "cannot start a model load");
		t->loads = q;
		t->cap = cap;
	}
	ld->tag_gb = t->v_gb + model_gb(p, model);
	t->loads[t->n++] = l;
	return tier_arm(p, ld->node, ld->tier, now);
}

static void on_load_start(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	load_start(p, (uint32_t)arg, engine_now(p->engine));
}

int node_load(struct platform *p, uint32_t id, double pre_s, uint32_t r)
{
	struct node_state *ns = p->nodes;
	double now = engine_now(p->engine);
	uint32_t l = ns->free_load;
	if (l != NONE) {
		ns->free_load = ns->load[l].next_free;
	} else {
		if (ns->n_load == ns->cap_load) {
			uint32_t cap = ns->cap_load ? 2 * ns->cap_load : 16;
			void *q = realloc(ns->load, cap * sizeof(*ns->load));
			if (!q)
				return platform_fail(p, "cannot start a model load");
			ns->load = q;
			ns->cap_load = cap;
		}
		l = ns->n_load++;
	}
	ns->load[l] = (struct load){ .inst = id, .req = r, .node = ns->inst_node[id], .next_free = NONE };
	if (!(pre_s > 0))
		return load_start(p, l, now);
	return engine_at(p->engine, now + pre_s, on_load_start, p, l) ? 0
		: platform_fail(p, "cannot schedule a model load");
}

/* Load l ended now: counted, its model cached on the node, freed. */
static int load_end(struct platform *p, uint32_t l, double now)
{
	struct node_state *ns = p->nodes;
	struct load *ld = &ns->load[l];
	struct node_rt *nd = &ns->node[ld->node];
	const struct node_group *g = group_of(ns, ld->node);
	uint32_t model = p->fn[p->inst[ld->inst].fn].cfg->model;
	if (ld->start_s >= p->sc->warmup_s && ld->start_s <= p->sc->duration_s) {
		ns->stats.count[ld->tier]++;
		ns->stats.seconds[ld->tier] += now - ld->start_s;
	}
	if (cache_insert(p, &nd->cache[STORAGE_SSD], g->ssd_gb, model, model_gb(p, model)) < 0 ||
	    cache_insert(p, &nd->cache[STORAGE_DRAM], g->dram_gb, model, model_gb(p, model)) < 0)
		return platform_fail(p, "cannot cache a model");
	ld->next_free = ns->free_load;
	ns->free_load = l;
	return 0;
}

/* The least finish tag of a tier is reached: the loads holding it (and any
 * other within rounding of it) end, in the order they started. */
static void on_tier_timer(void *ctx, uint64_t arg)
{
	struct platform *p = ctx;
	struct node_state *ns = p->nodes;
	uint32_t node = (uint32_t)(arg / STORAGE_TIERS);
	int tier = (int)(arg % STORAGE_TIERS);
	struct tier_rt *t = &ns->node[node].tier[tier];
	double now = engine_now(p->engine), least = INFINITY;
	t->timer = ENGINE_TIMER_NONE;
	tier_advance(group_of(ns, node), t, tier, now);
	for (uint32_t k = 0; k < t->n; k++)
		least = fmin(least, ns->load[t->loads[k]].tag_gb);
	if (least > t->v_gb)
		t->v_gb = least;   /* the timer pointed at it */
	uint32_t done[t->n ? t->n : 1], n_done = 0, kept = 0;
	for (uint32_t k = 0; k < t->n; k++) {
		uint32_t l = t->loads[k];
		if (ns->load[l].tag_gb <= t->v_gb)
			done[n_done++] = l;
		else
			t->loads[kept++] = l;
	}
	t->n = kept;
	if (tier_arm(p, node, tier, now) < 0)
		return;
	for (uint32_t k = 0; k < n_done; k++) {
		uint32_t id = ns->load[done[k]].inst, r = ns->load[done[k]].req;
		if (load_end(p, done[k], now) < 0)
			return;
		platform_loaded(p, id, r);
	}
}

/* ---- set-up ------------------------------------------------------------- */

int node_init(struct platform *p, uint32_t replication)
{
	const struct nodes_cfg *cfg = p->sc->platform.nodes;
	if (!cfg)
		return 0;
	struct node_state *ns = calloc(1, sizeof(*ns));
	if (!ns)
		return -1;
	p->nodes = ns;
	ns->cfg = cfg;
	ns->free_load = NONE;
	ns->wait.head = ns->wait.tail = NONE;
	ns->retry = ENGINE_TIMER_NONE;
	ns->node = calloc(cfg->n_nodes, sizeof(*ns->node));
	if (!ns->node || rng_stream_init(&ns->rng, p->sc->seed, replication, 0, RNG_PLACEMENT) < 0)
		return -1;
	for (uint32_t g = 0; g < cfg->n_groups; g++) {
		for (uint32_t k = 0; k < cfg->groups[g].count; k++) {
			struct node_rt *nd = &ns->node[cfg->groups[g].first + k];
			nd->group = g;
			nd->free_gpus = cfg->groups[g].gpus;
			for (int t = 0; t < STORAGE_TIERS; t++)
				nd->tier[t].timer = ENGINE_TIMER_NONE;
		}
	}
	return 0;
}

void node_loads(const struct platform *p, struct platform_model_loads *out)
{
	memset(out, 0, sizeof(*out));
	if (p->nodes)
		*out = p->nodes->stats;
}

void node_free(struct platform *p)
{
	struct node_state *ns = p->nodes;
	if (!ns)
		return;
	for (uint32_t k = 0; ns->node && k < ns->cfg->n_nodes; k++) {
		for (int t = 0; t < STORAGE_TIERS; t++) {
			free(ns->node[k].cache[t].e);
			free(ns->node[k].tier[t].loads);
		}
	}
	free(ns->node);
	free(ns->inst_node);
	free(ns->load);
	free(ns);
	p->nodes = NULL;
}
