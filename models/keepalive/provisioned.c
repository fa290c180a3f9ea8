/* Keep-alive "provisioned" (AWS Lambda provisioned concurrency): the function
 * keeps `instances` always-warm instances, or follows a time-of-day
 * `schedule` of [from_s, to_s) windows (seconds after midnight, repeated
 * every day, or only on the window's `days`: "mon" .. "sun", "weekdays",
 * "weekend", t = 0 being Monday 00:00 as for the diurnal generator;
 * `instances` applies outside them). Provisioned instances are
 * created when a level starts (at time 0 and at each schedule boundary),
 * initialise without any request waiting, never expire while provisioned and
 * serve requests before any on-demand instance. Requests above them start
 * on-demand instances, kept by the `then` policy (default fixed, 600 s).
 * Billing (pricing model): provisioned GB-s of each constant-level period,
 * rounded up as the provider bills (AWS: 5-minute blocks), plus the
 * discounted duration of requests they serve; cost_usd.provisioned. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/engine.h"
#include "models/models.h"

#define DAY_S 86400.0
#define MAX_ENTRIES 1000

struct window {
	double from_s, to_s;
	uint32_t instances;
	unsigned days;                /* bit d: day d of the week (0 = Monday) */
};

#define ALL_DAYS 0x7fu

struct prov_cfg {
	uint32_t instances;
	size_t n_windows;
	struct window *windows;       /* sorted by from_s, disjoint */
	const struct keepalive_ops *then;
	void *then_cfg;
};

struct prov_state {
	const struct prov_cfg *cfg;
	const struct keepalive_host *host;
	void *then_state;
	uint32_t level;
	int started;
};

static void prov_free(void *cfg)
{
	struct prov_cfg *c = cfg;
	if (!c)
		return;
	if (c->then && c->then_cfg)
		c->then->free_cfg(c->then_cfg);
	free(c->windows);
	free(c);
}

static int by_from(const void *a, const void *b)
{
	const struct window *x = a, *y = b;
	return (x->from_s > y->from_s) - (x->from_s < y->from_s);
}

/* window.days: names of days or "weekdays" / "weekend" into a mask. */
static int parse_days(const json_t *list, const char *item, unsigned *mask, struct errbuf *err)
{
	static const char *const names[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", "weekdays", "weekend",
					     NULL };
	static const unsigned masks[] = { 1, 2, 4, 8, 16, 32, 64, 0x1f, 0x60 };
	char path[600];
	ju_path(path, sizeof(path), item, "days");
	if (!json_is_array(list) || json_array_size(list) == 0)
		return errbuf_set(err, ERR_INPUT, "%s: must be a non-empty array of \"mon\" .. \"sun\", \"weekdays\" or \"weekend\"",
				  path);
	*mask = 0;
	for (size_t i = 0; i < json_array_size(list); i++) {
		const char *d = json_string_value(json_array_get(list, i));
		size_t k = 0;
		while (d && names[k] && strcmp(names[k], d) != 0)
			k++;
		if (!d || !names[k])
			return errbuf_set(err, ERR_INPUT, "%s[%zu]: must be \"mon\" .. \"sun\", \"weekdays\" or \"weekend\"",
					  path, i);
		*mask |= masks[k];
	}
	return 0;
}

static int parse_schedule(struct prov_cfg *c, const json_t *list, const char *where, struct errbuf *err)
{
	static const char *const keys[] = { "from_s", "to_s", "instances", "days", NULL };
	char item[512];
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > MAX_ENTRIES)
		return errbuf_set(err, ERR_INPUT, "%s: must be an array of 1 to %d windows", where, MAX_ENTRIES);
	c->n_windows = json_array_size(list);
	c->windows = calloc(c->n_windows, sizeof(*c->windows));
	if (!c->windows)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < c->n_windows; i++) {
		const json_t *w = json_array_get(list, i);
		struct window *x = &c->windows[i];
		uint64_t n = 0;
		int rc;
		ju_index_path(item, sizeof(item), where, i);
		if ((rc = ju_expect_object(w, item, err)) < 0 || (rc = ju_check_keys(w, item, keys, err)) < 0 ||
		    (rc = ju_number(w, "from_s", item, JU_REQUIRED, 0, DAY_S, &x->from_s, err)) < 0 ||
		    (rc = ju_number(w, "to_s", item, JU_REQUIRED, 0, DAY_S, &x->to_s, err)) < 0 ||
		    (rc = ju_uint(w, "instances", item, JU_REQUIRED, 0, 100000, &n, err)) < 0)
			return rc;
		x->days = ALL_DAYS;
		if (json_object_get(w, "days") && (rc = parse_days(json_object_get(w, "days"), item, &x->days, err)) < 0)
			return rc;
		if (x->to_s <= x->from_s)
			return errbuf_set(err, ERR_INPUT, "%s.to_s: must be greater than from_s (%g), got %g",
					  item, x->from_s, x->to_s);
		x->instances = (uint32_t)n;
	}
	qsort(c->windows, c->n_windows, sizeof(*c->windows), by_from);
	/* Windows overlap when their times do on a day both apply to. */
	for (size_t i = 0; i < c->n_windows; i++)
		for (size_t j = i + 1; j < c->n_windows && c->windows[j].from_s < c->windows[i].to_s; j++)
			if (c->windows[i].days & c->windows[j].days)
				return errbuf_set(err, ERR_INPUT, "%s: windows [%g, %g) and [%g, %g) overlap", where,
						  c->windows[i].from_s, c->windows[i].to_s, c->windows[j].from_s,
						  c->windows[j].to_s);
	return 0;
}

static int prov_parse(const json_t *cfg, const char *where, void **out, struct errbuf *err)
{
	static const char *const keys[] = { "policy", "instances", "schedule", "then", NULL };
	char path[512];
	const json_t *then = NULL, *schedule;
	const char *then_policy = "fixed";
	uint64_t n = 0;
	int rc;
	struct prov_cfg *c = calloc(1, sizeof(*c));
	if (!c)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*out = c;
	if (!cfg) {
		rc = errbuf_set(err, ERR_INPUT, "%s: provisioned needs instances or a schedule", where);
		goto fail;
	}
	/* instances is required unless a schedule is given. */
	if ((rc = ju_check_keys(cfg, where, keys, err)) < 0 ||
	    (rc = ju_uint(cfg, "instances", where, json_object_get(cfg, "schedule") ? JU_OPTIONAL : JU_REQUIRED,
			  0, 100000, &n, err)) < 0 ||
	    (rc = ju_object(cfg, "then", where, JU_OPTIONAL, &then, err)) < 0)
		goto fail;
	c->instances = (uint32_t)n;
	schedule = json_object_get(cfg, "schedule");
	if (schedule && (rc = parse_schedule(c, schedule, ju_path(path, sizeof(path), where, "schedule"), err)) < 0)
		goto fail;
	ju_path(path, sizeof(path), where, "then");
	if (then && (rc = ju_string(then, "policy", path, JU_OPTIONAL, &then_policy, err)) < 0)
		goto fail;
	c->then = keepalive_find(then_policy);
	if (!c->then || c->then->provisions) {
		rc = errbuf_set(err, ERR_INPUT, "%s.policy: \"%s\" cannot follow provisioned instances (known: %s; not provisioned)",
				path, then_policy, keepalive_names());
		c->then = NULL;
		goto fail;
	}
	if ((rc = c->then->parse(then, path, &c->then_cfg, err)) < 0)
		goto fail;
	/* FaasCache's rules are the platform's (keepalive_ops.faascache), which
	 * sees this policy only. */
	if (c->then->faascache && c->then->faascache(c->then_cfg)) {
		rc = errbuf_set(err, ERR_INPUT, "%s.variant: \"faascache\" is not available after provisioned instances",
				path);
		goto fail;
	}
	return 0;
fail:
	prov_free(c);
	*out = NULL;
	return rc;
}

static uint32_t level_at(const struct prov_cfg *c, double t_s)
{
	double tod = fmod(t_s, DAY_S);
	unsigned day = 1u << (unsigned)fmod(floor(t_s / DAY_S), 7);
	for (size_t i = 0; i < c->n_windows; i++)
		if ((c->windows[i].days & day) && c->windows[i].from_s <= tod && tod < c->windows[i].to_s)
			return c->windows[i].instances;
	return c->instances;
}

/* The first schedule boundary after t_s. */
static double next_change(const struct prov_cfg *c, double t_s)
{
	double day = floor(t_s / DAY_S) * DAY_S, best = INFINITY;
	for (int d = 0; d < 2; d++)
		for (size_t i = 0; i < c->n_windows; i++) {
			double a = day + d * DAY_S + c->windows[i].from_s;
			double b = day + d * DAY_S + c->windows[i].to_s;
			if (a > t_s && a < best)
				best = a;
			if (b > t_s && b < best)
				best = b;
		}
	return best;
}

static void prov_fire(void *ctx, uint64_t arg)
{
	struct prov_state *s = ctx;
	const struct keepalive_host *h = s->host;
	double now = engine_now(h->engine);
	(void)arg;
	uint32_t level = level_at(s->cfg, now);
	if (!s->started || level != s->level) {
		s->started = 1;
		s->level = level;
		if (h->set_provisioned(h->platform, h->fn, level) < 0)
			return;
	}
	double next = next_change(s->cfg, now);
	if (next <= h->horizon_s && !engine_at(h->engine, next, prov_fire, s, 0))
		engine_stop(h->engine);
}

static void prov_stop(void *state)
{
	struct prov_state *s = state;
	if (s->then_state && s->cfg->then->stop)
		s->cfg->then->stop(s->then_state);
	free(s);
}

static void *prov_start(const void *cfg, const struct keepalive_host *host)
{
	struct prov_state *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = cfg;
	s->host = host;
	if (s->cfg->then->start && !(s->then_state = s->cfg->then->start(s->cfg->then_cfg, host))) {
		free(s);
		return NULL;
	}
	/* Provisioning happens in an event, when the platform is complete. */
	if (!engine_at(host->engine, engine_now(host->engine), prov_fire, s, 0)) {
		prov_stop(s);
		return NULL;
	}
	return s;
}

static void prov_on_arrival(void *state, double now_s)
{
	struct prov_state *s = state;
	if (s->cfg->then->on_arrival)
		s->cfg->then->on_arrival(s->then_state, now_s);
}

static double prov_on_idle(const void *cfg, void *state, double now_s)
{
	const struct prov_cfg *c = cfg;
	struct prov_state *s = state;
	return c->then->on_idle(c->then_cfg, s->then_state, now_s);
}

static double prov_priority(const void *cfg, void *state, double now_s)
{
	const struct prov_cfg *c = cfg;
	struct prov_state *s = state;
	return c->then->priority ? c->then->priority(c->then_cfg, s->then_state, now_s) : now_s;
}

const struct keepalive_ops keepalive_provisioned = {
	.name = "provisioned",
	.parse = prov_parse,
	.free_cfg = prov_free,
	.start = prov_start,
	.stop = prov_stop,
	.on_arrival = prov_on_arrival,
	.on_idle = prov_on_idle,
	.priority = prov_priority,
	.provisions = 1,
};
