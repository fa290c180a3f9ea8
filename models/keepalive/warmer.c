/* Keep-alive "warmer": a scheduled ping (as serverless-plugin-warmup or a
 * CloudWatch rule does) sends `instances` concurrent requests of ping_s
 * seconds every interval_s from phase_s on, so that as many instances stay
 * warm under a fixed keep-alive of ttl_s. Pings are requests like any other
 * (they take concurrency slots and cold-start when no instance is free) and
 * are billed, but reported apart (cost_usd.warmer, warmer_pings), never as
 * user invocations, latencies or cold starts. */
#include <math.h>
#include <stdlib.h>
#include "core/engine.h"
#include "models/keepalive.h"

struct warmer_cfg {
	double interval_s, ping_s, ttl_s, phase_s;
	uint64_t instances;
};

struct warmer_state {
	const struct warmer_cfg *cfg;
	const struct keepalive_host *host;
	double next_s;
};

static int warmer_parse(const json_t *cfg, const char *where, void **out, struct errbuf *err)
{
	static const char *const keys[] = { "policy", "interval_s", "instances", "ping_s", "ttl_s",
					    "phase_s", NULL };
	struct warmer_cfg c = { .interval_s = 300, .ping_s = 0.1, .ttl_s = 600, .instances = 1 };
	int rc;
	if (cfg && ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
		    (rc = ju_number(cfg, "interval_s", where, JU_OPTIONAL, 1e-3, 1e12, &c.interval_s, err)) < 0 ||
		    (rc = ju_uint(cfg, "instances", where, JU_OPTIONAL, 1, 100000, &c.instances, err)) < 0 ||
		    (rc = ju_number(cfg, "ping_s", where, JU_OPTIONAL, 0, 1e6, &c.ping_s, err)) < 0 ||
		    (rc = ju_number(cfg, "ttl_s", where, JU_OPTIONAL, 0, 1e12, &c.ttl_s, err)) < 0 ||
		    (rc = ju_number(cfg, "phase_s", where, JU_OPTIONAL, 0, 1e12, &c.phase_s, err)) < 0))
		return rc;
	struct warmer_cfg *p = malloc(sizeof(*p));
	if (!p)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*p = c;
	*out = p;
	return 0;
}

static void warmer_fire(void *ctx, uint64_t arg)
{
	struct warmer_state *s = ctx;
	const struct keepalive_host *h = s->host;
	(void)arg;
	for (uint64_t k = 0; k < s->cfg->instances; k++)
		if (h->ping(h->platform, h->fn, s->cfg->ping_s) < 0)
			return;   /* the platform failed and stopped the run */
	s->next_s += s->cfg->interval_s;
	if (s->next_s <= h->horizon_s && !engine_at(h->engine, s->next_s, warmer_fire, s, 0))
		engine_stop(h->engine);
}

static void *warmer_start(const void *cfg, const struct keepalive_host *host)
{
	struct warmer_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = cfg;
	s->host = host;
	s->next_s = s->cfg->phase_s;
	if (s->next_s <= host->horizon_s && !engine_at(host->engine, s->next_s, warmer_fire, s, 0)) {
		free(s);
		return NULL;
	}
	return s;
}

static double warmer_on_idle(const void *cfg, void *state, double now_s)
{
	(void)state;
	(void)now_s;
	return ((const struct warmer_cfg *)cfg)->ttl_s;
}

const struct keepalive_ops keepalive_warmer = {
	.name = "warmer",
	.parse = warmer_parse,
	.free_cfg = free,
	.start = warmer_start,
	.stop = free,
	.on_idle = warmer_on_idle,
};
