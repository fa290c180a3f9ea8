/*
 * host: the keep-alive policies' view of the platform (struct keepalive_host
 * in models/keepalive.h), private to sim/platform (internal.h): pre-warming,
 * provisioned concurrency, warmer pings and what a policy may read. A
 * policy's hooks see scenario function numbers; the platform's records are
 * those of its range [fn_base, fn_base + n_fn).
 */
#include <math.h>
#include <stdlib.h>
#include "platform/internal.h"

static int host_prewarm(void *ctx, uint32_t fn, double until_s)
{
	struct platform *p = ctx;
	return platform_spawn_idle(p, fn - p->fn_base, 0, until_s);
}

static int host_set_provisioned(void *ctx, uint32_t fn, uint32_t instances)
{
	struct platform *p = ctx;
	if (p->obs.provisioned_change)
		p->obs.provisioned_change(p->obs.ctx, fn, engine_now(p->engine), p->fn[fn - p->fn_base].provisioned,
					  instances);
	fn -= p->fn_base;
	struct fn_rt *f = &p->fn[fn];
	f->provisioned = instances;
	while (f->n_provisioned < instances) {
		int rc = platform_spawn_idle(p, fn, 1, INFINITY);
		if (rc < 0)
			return rc;
		if (rc > 0)
			break;    /* the pool is full: fewer instances, still billed */
	}
	if (f->n_provisioned <= instances)
		return p->failed ? ERR_RUNTIME : 0;
	/* Fewer: idle ones go at once, busy ones become on-demand; the oldest
	 * first. */
	struct alive_ent *cand = malloc((size_t)f->n_provisioned * sizeof(*cand));
	if (!cand)
		return platform_fail(p, "cannot reduce provisioned instances");
	uint32_t n = 0;
	for (uint32_t id = 0; id < p->n_inst && n < f->n_provisioned; id++) {
		const struct instance *in = &p->inst[id];
		if (in->state != INST_FREE && in->fn == fn && in->provisioned)
			cand[n++] = (struct alive_ent){ in->created_seq, id };
	}
	qsort(cand, n, sizeof(*cand), platform_created_cmp);
	for (int pass = 0; pass < 2 && f->n_provisioned > instances; pass++) {
		for (uint32_t k = 0; k < n && f->n_provisioned > instances; k++) {
			uint32_t id = cand[k].id;
			struct instance *in = &p->inst[id];
			if (in->state == INST_FREE || in->fn != fn || !in->provisioned)
				continue;
			if (pass == 0 && in->active == 0 && in->state == INST_WARM) {
				platform_release(p, id);
			} else if (pass == 1) {
				/* Busy, or still initialising (then released when ready). */
				platform_unprovision(p, id);
			}
		}
	}
	free(cand);
	return p->failed ? ERR_RUNTIME : 0;
}

static int host_ping(void *ctx, uint32_t fn, double duration_s)
{
	struct platform *p = ctx;
	return platform_ping(p, fn - p->fn_base, duration_s);
}

static uint32_t host_idle(void *ctx, uint32_t fn)
{
	struct platform *p = ctx;
	return p->fn[fn - p->fn_base].counts.idle;
}

static uint32_t host_alive(void *ctx, uint32_t fn)
{
	struct platform *p = ctx;
	const struct instance_counts *c = &p->fn[fn - p->fn_base].counts;
	return c->initializing + c->busy + c->idle;
}

static double host_pool_clock(void *ctx)
{
	struct platform *p = ctx;
	return p->pool_clock;
}

static uint64_t host_alive_requests(void *ctx, uint32_t fn)
{
	struct platform *p = ctx;
	return p->fn[fn - p->fn_base].fc_requests;
}

/* Fills f->host, function fn's (scenario number) host for its policy. */
void host_init(struct platform *p, struct fn_rt *f, uint32_t fn, uint32_t replication)
{
	const struct scenario *sc = p->sc;
	double warm_mean_s = dist_mean(&f->cfg->service);
	double extra_s = f->cfg->cold_start->mean_total_s(f->cfg->cold_start_cfg, warm_mean_s) - warm_mean_s;
	f->host = (struct keepalive_host){
		.platform = p,
		.engine = p->engine,
		.fn = fn,
		.memory_mb = f->cfg->memory_mb,
		.cold_extra_s = extra_s > 0 ? extra_s : 0,
		.horizon_s = sc->duration_s,
		.prewarm = host_prewarm,
		.set_provisioned = host_set_provisioned,
		.ping = host_ping,
		.idle_instances = host_idle,
		.alive_instances = host_alive,
		.pool_clock = host_pool_clock,
		.alive_requests = host_alive_requests,
		.seed = sc->seed,
		.replication = replication,
	};
}
