/* Keep-alive "lambda": AWS Lambda's keep-alive as third-party measurements
 * describe it, validated against real data (README "Validation"). An idle
 * instance is reaped around ttl_s after its last request ends, not exactly
 * then: `jitter` "uniform" draws the keep-alive from
 * [ttl_s - jitter_s, ttl_s + jitter_s], "normal" from N(ttl_s, jitter_s^2)
 * cut at 0, "reaper" keeps it until the first sweep of a reaper that runs
 * every jitter_s seconds (at multiples of jitter_s) once ttl_s has passed,
 * "none" exactly ttl_s. With max_lifetime_s (0: never) an instance is
 * recycled that long after its creation however busy it is: the platform
 * releases it when its last request in flight ends past that age, and keeps
 * it idle no longer than its remaining lifetime (keepalive_ops.max_lifetime).
 * The defaults (reaper every 60 s, 4-hour lifetime) are the variant that
 * beat the plain model under leave-one-out on the 20 AWS experiments.
 * The draws come from the function's own keep-alive stream (RNG_KEEPALIVE),
 * so they change no other stream. */
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "core/rng.h"
#include "models/keepalive.h"

enum lambda_jitter { JITTER_NONE, JITTER_UNIFORM, JITTER_NORMAL, JITTER_REAPER };

struct lambda_cfg {
	double ttl_s, jitter_s, max_lifetime_s;
	int jitter;
};

static int lambda_parse(const json_t *cfg, const char *where, void **out, struct errbuf *err)
{
	static const char *const keys[] = { "policy", "ttl_s", "jitter", "jitter_s", "max_lifetime_s", NULL };
	static const char *const jitters[] = { "none", "uniform", "normal", "reaper", NULL };
	struct lambda_cfg c = { .ttl_s = 600, .jitter = JITTER_REAPER, .jitter_s = 60, .max_lifetime_s = 14400 };
	int rc;
	if (cfg && ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
		    (rc = ju_number(cfg, "ttl_s", where, JU_OPTIONAL, 0, 1e12, &c.ttl_s, err)) < 0 ||
		    (rc = ju_enum(cfg, "jitter", where, JU_OPTIONAL, jitters, &c.jitter, err)) < 0 ||
		    (rc = ju_number(cfg, "jitter_s", where, JU_OPTIONAL, 0, 1e12, &c.jitter_s, err)) < 0 ||
		    (rc = ju_number(cfg, "max_lifetime_s", where, JU_OPTIONAL, 0, 1e12,
				    &c.max_lifetime_s, err)) < 0))
		return rc;
	if (c.max_lifetime_s == 0)
		c.max_lifetime_s = INFINITY;
	struct lambda_cfg *p = malloc(sizeof(*p));
	if (!p)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*p = c;
	*out = p;
	return 0;
}

static void *lambda_start(const void *cfg, const struct keepalive_host *host)
{
	(void)cfg;
	return rng_stream(host->seed, host->replication, host->fn, RNG_KEEPALIVE);
}

static void lambda_stop(void *state)
{
	gsl_rng_free(state);
}

static double lambda_on_idle(const void *cfg, void *state, double now_s)
{
	const struct lambda_cfg *c = cfg;
	double ttl = c->ttl_s;
	if (c->jitter == JITTER_UNIFORM)
		ttl += c->jitter_s * (2 * gsl_rng_uniform(state) - 1);
	else if (c->jitter == JITTER_NORMAL)
		ttl += gsl_ran_gaussian_ziggurat(state, c->jitter_s);
	else if (c->jitter == JITTER_REAPER && c->jitter_s > 0)
		ttl = ceil((now_s + ttl) / c->jitter_s) * c->jitter_s - now_s;
	return ttl > 0 ? ttl : 0;
}

static double lambda_max_lifetime(const void *cfg)
{
	return ((const struct lambda_cfg *)cfg)->max_lifetime_s;
}

const struct keepalive_ops keepalive_lambda = {
	.name = "lambda",
	.parse = lambda_parse,
	.free_cfg = free,
	.start = lambda_start,
	.stop = lambda_stop,
	.on_idle = lambda_on_idle,
	.max_lifetime = lambda_max_lifetime,
};
