#include "scenario/scenario.h"

#include <ctype.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "scenario/baseline.h"
#include "models/batchprofile.h"
#include "models/llmprofile.h"
#include "models/runtimes.h"
#include "models/pricing/catalog.h"
#include "scenario/measured.h"
#include "scenario/memsize.h"

/* ---- --set ------------------------------------------------------------- */

struct path_token {
	char key[256];   /* empty for an index */
	size_t index;
};

/* Splits "a.b[2].c" into tokens; returns the count or ERR_INPUT. */
static int split_path(const char *path, const char *assignment, struct path_token *tok,
		      int max_tok, struct errbuf *err)
{
	int n = 0;
	const char *p = path;
	if (!*p)
		return errbuf_set(err, ERR_INPUT, "--set %s: empty path", assignment);
	while (*p) {
		if (n == max_tok)
			return errbuf_set(err, ERR_INPUT, "--set %s: path too deep", assignment);
		if (*p == '[') {
			char *end;
			p++;
			if (!isdigit((unsigned char)*p))
				return errbuf_set(err, ERR_INPUT, "--set %s: expected an index after '['",
						  assignment);
			unsigned long long i = strtoull(p, &end, 10);
			if (*end != ']')
				return errbuf_set(err, ERR_INPUT, "--set %s: missing ']'", assignment);
			tok[n].key[0] = '\0';
			tok[n].index = (size_t)i;
			n++;
			p = end + 1;
			if (*p == '.')
				p++;
			continue;
		}
		size_t len = strcspn(p, ".[");
		if (len == 0 || len >= sizeof(tok[n].key))
			return errbuf_set(err, ERR_INPUT, "--set %s: bad key in path", assignment);
		memcpy(tok[n].key, p, len);
		tok[n].key[len] = '\0';
		n++;
		p += len;
		if (*p == '.') {
			p++;
			if (!*p)
				return errbuf_set(err, ERR_INPUT, "--set %s: path ends with '.'", assignment);
		}
	}
	return n;
}

/* Sets the last token's place under doc (objects and arrays on the way are
 * created as the next token asks); takes value's reference in every case. */
static int set_at_path(json_t *doc, const struct path_token *tok, int n, json_t *value, const char *assignment,
		       struct errbuf *err)
{
	json_t *cur = doc;
	for (int i = 0; i < n; i++) {
		int last = i == n - 1;
		if (tok[i].key[0]) {
			if (!json_is_object(cur)) {
				json_decref(value);
				return errbuf_set(err, ERR_INPUT, "--set %s: '%s' is not inside an object",
						  assignment, tok[i].key);
			}
			/* jansson refuses keys that are not UTF-8; its _new setters
			 * release the value even then. */
			if (last)
				return json_object_set_new(cur, tok[i].key, value) == 0 ? 0
					: errbuf_set(err, ERR_INPUT, "--set %s: key is not valid UTF-8", assignment);
			json_t *next = json_object_get(cur, tok[i].key);
			if (!next) {
				next = tok[i + 1].key[0] ? json_object() : json_array();
				if (json_object_set_new(cur, tok[i].key, next) != 0) {
					json_decref(value);
					return errbuf_set(err, ERR_INPUT, "--set %s: key is not valid UTF-8", assignment);
				}
			}
			cur = next;
			continue;
		}
		if (!json_is_array(cur)) {
			json_decref(value);
			return errbuf_set(err, ERR_INPUT, "--set %s: [%zu] is not inside an array",
					  assignment, tok[i].index);
		}
		size_t size = json_array_size(cur);
		if (tok[i].index > size || (!last && tok[i].index == size)) {
			json_decref(value);
			return errbuf_set(err, ERR_INPUT,
					  "--set %s: index %zu is out of range (the array has %zu elements)",
					  assignment, tok[i].index, size);
		}
		if (last) {
			int rc = tok[i].index == size ? json_array_append_new(cur, value)
						      : json_array_set_new(cur, tok[i].index, value);
			return rc == 0 ? 0 : errbuf_set(err, ERR_RUNTIME, "--set %s: cannot set", assignment);
		}
		cur = json_array_get(cur, tok[i].index);
	}
	json_decref(value);
	return 0;
}

int scenario_apply_set(json_t *doc, const char *assignment, struct errbuf *err)
{
	const char *eq = strchr(assignment, '=');
	if (!eq)
		return errbuf_set(err, ERR_INPUT, "--set %s: expected PATH=VALUE", assignment);
	char path[1024];
	size_t plen = (size_t)(eq - assignment);
	if (plen >= sizeof(path))
		return errbuf_set(err, ERR_INPUT, "--set: path too long");
	memcpy(path, assignment, plen);
	path[plen] = '\0';

	struct path_token tok[32];
	int n = split_path(path, assignment, tok, 32, err);
	if (n < 0)
		return n;

	json_error_t jerr;
	json_t *value = json_loads(eq + 1, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &jerr);
	if (!value)
		value = json_string(eq + 1);
	if (!value)
		return errbuf_set(err, ERR_INPUT, "--set %s: value is not valid UTF-8", assignment);
	return set_at_path(doc, tok, n, value, assignment, err);
}

/* ---- validation -------------------------------------------------------- */

static long index_name(struct scenario *s, size_t i);

static char *xstrdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* A name becomes a folder under results/: keep it a plain file name. */
static int check_name(const char *name, const char *where, struct errbuf *err)
{
	if (!*name || name[0] == '.' || strlen(name) > 200)
		goto bad;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			goto bad;
	return 0;
bad:
	return errbuf_set(err, ERR_INPUT,
			  "%s: \"%s\" must be 1-200 characters of letters, digits, '.', '_' or '-', not starting with '.'",
			  where, name);
}

static char *resolve_path(const char *dir, const char *p)
{
	if (p[0] == '/' || !dir || !*dir)
		return strdup(p);
	size_t n = strlen(dir) + strlen(p) + 2;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%s/%s", dir, p);
	return out;
}

static int parse_platform(struct scenario *s, const json_t *obj, const char *where,
			  struct errbuf *err)
{
	static const char *const keys[] = { "account_concurrency", "on_limit", "queue_timeout_s",
					    "idle_selection", "pool_memory_mb", "pool_eviction", "nodes", "placement",
					    NULL };
	static const char *const on_limit[] = { "reject", "queue", NULL };
	static const char *const eviction[] = { "shortfall", "whole-size", NULL };
	static const char *const idle[] = { "mru", "newest", "lru", "random", NULL };
	struct platform_cfg *p = &s->platform;
	uint64_t conc = p->account_concurrency;
	int lim = p->on_limit, sel = p->idle_selection, ev = p->pool_eviction, rc;
	if (!obj)
		return 0;
	if ((rc = ju_check_keys(obj, where, keys, err)) < 0 ||
	    (rc = ju_uint(obj, "account_concurrency", where, JU_OPTIONAL, 1, UINT32_MAX, &conc, err)) < 0 ||
	    (rc = ju_enum(obj, "on_limit", where, JU_OPTIONAL, on_limit, &lim, err)) < 0 ||
	    (rc = ju_number(obj, "queue_timeout_s", where, JU_OPTIONAL, 0, 1e9, &p->queue_timeout_s, err)) < 0 ||
	    (rc = ju_enum(obj, "idle_selection", where, JU_OPTIONAL, idle, &sel, err)) < 0 ||
	    (rc = ju_uint(obj, "pool_memory_mb", where, JU_OPTIONAL, 0, UINT64_C(1) << 50,
			  &p->pool_memory_mb, err)) < 0 ||
	    (rc = ju_enum(obj, "pool_eviction", where, JU_OPTIONAL, eviction, &ev, err)) < 0 ||
	    (rc = nodes_parse_platform(s, obj, where, err)) < 0)
		return rc;
	p->pool_eviction = ev;
	p->account_concurrency = (uint32_t)conc;
	p->on_limit = lim;
	p->idle_selection = sel;
	return 0;
}

static int parse_pricing(struct scenario *s, const json_t *obj, const char *where, struct errbuf *err)
{
	static const char *const keys[] = { "free_tier", NULL };
	int rc;
	if (obj && ((rc = ju_check_keys(obj, where, keys, err)) < 0 ||
		    (rc = ju_bool(obj, "free_tier", where, JU_OPTIONAL, &s->pricing_opts.free_tier, err)) < 0))
		return rc;
	return 0;
}

/* The shape only; each policy is validated when its variant is built
 * (compare_variant), before any run. */
static int parse_compare(struct scenario *s, const json_t *v, const char *where, struct errbuf *err)
{
	static const char *const keys[] = { "keepalive", NULL };
	char path[512], item[512];
	const json_t *list;
	int rc;
	if (!v)
		return 0;
	if ((rc = ju_expect_object(v, where, err)) < 0 || (rc = ju_check_keys(v, where, keys, err)) < 0)
		return rc;
	list = json_object_get(v, "keepalive");
	ju_path(path, sizeof(path), where, "keepalive");
	if (!json_is_array(list) || json_array_size(list) == 0)
		return errbuf_set(err, ERR_INPUT, "%s: %s", path,
				  list ? "must be a non-empty array of keep-alive policy objects" : "required key is missing");
	for (size_t i = 0; i < json_array_size(list); i++) {
		const json_t *pol = json_array_get(list, i);
		const char *policy;
		ju_index_path(item, sizeof(item), path, i);
		if ((rc = ju_expect_object(pol, item, err)) < 0 ||
		    (rc = ju_string(pol, "policy", item, JU_REQUIRED, &policy, err)) < 0)
			return rc;
	}
	s->compare_keepalive = list;
	return 0;
}

static int parse_provider(struct scenario *s, const json_t *v, const char *file, struct errbuf *err)
{
	char where[512];
	const char *name = "aws-lambda-x86";
	const json_t *obj = NULL;
	char cap[300];
	snprintf(where, sizeof(where), "%s: provider", errbuf_cap(file, cap, sizeof(cap)));
	if (v && json_is_string(v)) {
		name = json_string_value(v);
	} else if (v && json_is_object(v)) {
		int rc = ju_string(v, "name", where, JU_REQUIRED, &name, err);
		if (rc < 0)
			return rc;
		obj = v;
	} else if (v && !json_is_null(v)) {
		return errbuf_set(err, ERR_INPUT, "%s: must be a provider name or an object with \"name\"",
				  where);
	}
	s->pricing = pricing_find(name);
	if (!s->pricing)
		return errbuf_set(err, ERR_INPUT, "%s: unknown provider \"%s\" (known: %s)", where, name,
				  pricing_names());
	struct pricing_limits lim;
	int rc = pricing_catalog_limits(s->pricing->name, &lim, err);
	if (rc < 0)
		return rc;
	s->timeout_max_s = rc == 0 && !isnan(lim.timeout_max_s) ? lim.timeout_max_s : INFINITY;
	struct pricing_keepalive ka;
	if ((rc = pricing_catalog_keepalive(s->pricing->name, &ka, err)) < 0)
		return rc;
	s->default_ttl_s = ka.default_ttl_s;   /* NAN when rc is 1 */
	return s->pricing->parse(s->pricing, obj, &s->pricing_opts, where, &s->pricing_cfg, err);
}

double scenario_work_service_s(const struct work_cfg *w, double vcpus)
{
	double p = w->parallel_fraction;
	double cpu = vcpus >= 1 ? w->cpu_s * ((1 - p) + p / vcpus) : w->cpu_s / vcpus;
	return w->io_s + cpu;
}

double scenario_work_vcpus_used(const struct work_cfg *w, double vcpus)
{
	double p = w->parallel_fraction;
	return vcpus >= 1 ? 1 / ((1 - p) + p / vcpus) : vcpus;
}

/* cpu_fraction and cpu_width of f (struct function_cfg): from `work`, or
 * the given fraction of a service time on one vCPU-thread. */
static void set_cpu_share(struct function_cfg *f, double given_fraction)
{
	double v = f->vcpus, used = f->has_work ? scenario_work_vcpus_used(&f->work, v) : (v < 1 ? v : 1);
	f->cpu_width = v > 0 && used > 0 && v / used > 1 ? v / used : 1;
	if (!f->has_work) {
		f->cpu_fraction = given_fraction;
		return;
	}
	struct work_cfg cpu_only = f->work;
	cpu_only.io_s = 0;
	double cpu_s = scenario_work_service_s(&cpu_only, v);
	f->cpu_fraction = cpu_s > 0 ? cpu_s / (cpu_s + f->work.io_s) : 0;
}

/* functions[i].work: the service-time distribution it implies on f->vcpus
 * of the provider's processors: cpu_s is given at x86_64 speed and divided by
 * arch_speed (default: the speed of the plan's architecture, models/runtimes.h). */
static int parse_work(struct function_cfg *f, const json_t *obj, const char *provider, const char *where,
		      struct errbuf *err)
{
	static const char *const keys[] = { "cpu_s", "io_s", "parallel_fraction", "min_memory_mb", "cv",
					    "arch_speed", NULL };
	struct work_cfg *w = &f->work;
	uint64_t min_mb = 0;
	int rc;
	if ((rc = ju_check_keys(obj, where, keys, err)) < 0 ||
	    (rc = ju_number(obj, "cpu_s", where, JU_OPTIONAL, 0, 1e9, &w->cpu_s, err)) < 0 ||
	    (rc = ju_number(obj, "io_s", where, JU_OPTIONAL, 0, 1e9, &w->io_s, err)) < 0 ||
	    (rc = ju_number(obj, "parallel_fraction", where, JU_OPTIONAL, 0, 1, &w->parallel_fraction, err)) < 0 ||
	    (rc = ju_uint(obj, "min_memory_mb", where, JU_OPTIONAL, 0, 1u << 24, &min_mb, err)) < 0 ||
	    (rc = ju_number(obj, "cv", where, JU_OPTIONAL, 0, 100, &w->cv, err)) < 0)
		return rc;
	w->arch_speed = NAN;
	if ((rc = ju_number(obj, "arch_speed", where, JU_OPTIONAL, 1e-3, 1e3, &w->arch_speed, err)) < 0 ||
	    (isnan(w->arch_speed) && (rc = runtimes_plan_speed(provider, &w->arch_speed, err)) < 0))
		return rc;
	w->cpu_s /= w->arch_speed;
	w->min_memory_mb = (uint32_t)min_mb;
	f->has_work = 1;
	double mean = scenario_work_service_s(w, f->vcpus);
	if (w->cv == 0 || mean == 0) {
		dist_constant(&f->service, mean);
		return 0;
	}
	json_t *d = json_pack("{s:s, s:f, s:f}", "dist", "lognormal", "mean_s", mean, "cv", w->cv);
	rc = d ? dist_from_json(&f->service, d, where, err) : errbuf_set(err, ERR_RUNTIME, "out of memory");
	json_decref(d);
	return rc;
}

static int parse_arrivals(struct scenario *s, struct arrivals_cfg *a, const json_t *obj,
			  const char *where, struct errbuf *err)
{
	static const char *const processes[] = { "poisson", "periodic", "trace", NULL };
	static const char *const poisson_keys[] = { "process", "rate_per_s", NULL };
	static const char *const periodic_keys[] = { "process", "period_s", "jitter_s", "phase_s", NULL };
	static const char *const trace_keys[] = { "process", "path", "format", "traffic_scale", NULL };
	static const char *const formats[] = { "csv", NULL };
	int process = 0, format = 0, rc;
	char path[512];
	if ((rc = ju_enum(obj, "process", where, JU_REQUIRED, processes, &process, err)) < 0)
		return rc;
	a->process = process;
	switch (a->process) {
	case ARRIVALS_POISSON:
		if ((rc = ju_check_keys(obj, where, poisson_keys, err)) < 0 ||
		    (rc = ju_number(obj, "rate_per_s", where, JU_REQUIRED, 0, 1e9, &a->rate_per_s, err)) < 0)
			return rc;
		break;
	case ARRIVALS_PERIODIC:
		if ((rc = ju_check_keys(obj, where, periodic_keys, err)) < 0 ||
		    (rc = ju_number(obj, "period_s", where, JU_REQUIRED, 1e-9, 1e12, &a->period_s, err)) < 0 ||
		    (rc = ju_number(obj, "jitter_s", where, JU_OPTIONAL, 0, 1e12, &a->jitter_s, err)) < 0 ||
		    (rc = ju_number(obj, "phase_s", where, JU_OPTIONAL, 0, 1e12, &a->phase_s, err)) < 0)
			return rc;
		/* Jitter below one period keeps arrivals in order. */
		if (a->jitter_s >= a->period_s)
			return errbuf_set(err, ERR_INPUT, "%s: must be smaller than period_s (%g), got %g",
					  ju_path(path, sizeof(path), where, "jitter_s"), a->period_s,
					  a->jitter_s);
		break;
	case ARRIVALS_TRACE: {
		const char *p = NULL;
		a->traffic_scale = 1;
		if ((rc = ju_check_keys(obj, where, trace_keys, err)) < 0 ||
		    (rc = ju_string(obj, "path", where, JU_REQUIRED, &p, err)) < 0 ||
		    (rc = ju_enum(obj, "format", where, JU_OPTIONAL, formats, &format, err)) < 0 ||
		    (rc = ju_number(obj, "traffic_scale", where, JU_OPTIONAL, 1e-6, 1e4, &a->traffic_scale, err)) < 0)
			return rc;
		if (!*p)
			return errbuf_set(err, ERR_INPUT, "%s: must not be empty",
					  ju_path(path, sizeof(path), where, "path"));
		a->trace_path = resolve_path(s->dir, p);
		a->trace_format = strdup(formats[format]);
		if (!a->trace_path || !a->trace_format)
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		break;
	}
	case ARRIVALS_WORKLOAD:
		break;
	}
	return 0;
}

/* functions[i]'s own keys (name, memory, concurrency, timeout), and the
 * objects the rest of parse_function reads. */
struct function_objs {
	const json_t *service, *work, *cold, *ka, *arrivals, *batch, *llm;
};

/* functions[i].timeout_s within the provider's maximum (its data's
 * limits.timeout_max_s); without the key, the default capped at it. */
static int check_timeout(const struct scenario *s, struct function_cfg *f, const json_t *obj, const char *where,
			 struct errbuf *err)
{
	char path[512];
	if (!json_object_get(obj, "timeout_s")) {
		f->timeout_s = fmin(f->timeout_s, s->timeout_max_s);
		return 0;
	}
	if (f->timeout_s > s->timeout_max_s)
		return errbuf_set(err, ERR_INPUT, "%s: %g s is above the maximum timeout of %s, %g s",
				  ju_path(path, sizeof(path), where, "timeout_s"), f->timeout_s, s->pricing->name,
				  s->timeout_max_s);
	return 0;
}

/* rc of a provider's check: a sweep across providers reports an input error
 * per point, so the message says whose rule it is when it does not yet. */
static int name_provider(const struct scenario *s, int rc, struct errbuf *err)
{
	if (rc == ERR_INPUT && err && !strstr(err->msg, s->pricing->name))
		errbuf_set(err, rc, "%s (provider %s)", err->msg, s->pricing->name);
	return rc;
}

/* functions[i].accelerator: {"type", "count" (default 1)}, checked by the
 * plan's engine (GPU types and the instance size they need are its data). */
static int parse_accelerator(const struct scenario *s, struct function_cfg *f, const json_t *obj, const char *where,
			     struct errbuf *err)
{
	static const char *const keys[] = { "type", "count", NULL };
	const json_t *acc = NULL;
	const char *type = NULL;
	uint64_t count = 1;
	char path[512];
	int rc;
	if ((rc = ju_object(obj, "accelerator", where, JU_OPTIONAL, &acc, err)) < 0)
		return rc;
	ju_path(path, sizeof(path), where, "accelerator");
	if (acc && ((rc = ju_check_keys(acc, path, keys, err)) < 0 ||
		    (rc = ju_string(acc, "type", path, JU_REQUIRED, &type, err)) < 0 ||
		    (rc = ju_uint(acc, "count", path, JU_OPTIONAL, 1, 1024, &count, err)) < 0))
		return rc;
	rc = s->pricing->accelerator(s->pricing_cfg, type, (uint32_t)count, f->memory_mb, f->vcpus, &f->accel, where,
				     err);
	if (rc == 1) {
		char plans[256];
		pricing_catalog_plans_of("gpu", plans, sizeof(plans));
		return errbuf_set(err, ERR_INPUT, "%s: provider %s has no GPUs; GPU plans are %s", path,
				  s->pricing->name, plans);
	}
	return name_provider(s, rc, err);
}

static int parse_function_keys(struct scenario *s, struct function_cfg *f, const json_t *obj, const char *where,
			       struct function_objs *o, struct errbuf *err)
{
	/* With a workload, a function may take its arrivals from it alone. */
	int need_arrivals = s->workload ? JU_OPTIONAL : JU_REQUIRED;
	static const char *const keys[] = { "name", "memory_mb", "concurrency_per_instance",
					    "reserved_concurrency", "timeout_s", "service", "work", "vcpus",
					    "cold_start", "keepalive", "arrivals", "memory_fit", "cpu_fraction", "batch",
					    "accelerator", "model", "llm", NULL };
	char path[512];
	const char *name = NULL;
	double vcpus = NAN;
	uint64_t conc = 0, reserved = 0;   /* conc 0: not set */
	uint32_t memory_mb = 128;
	int rc;

	if ((rc = ju_expect_object(obj, where, err)) < 0 ||
	    (rc = ju_check_keys(obj, where, keys, err)) < 0 ||
	    (rc = ju_string(obj, "name", where, JU_REQUIRED, &name, err)) < 0 ||
	    (rc = check_name(name, ju_path(path, sizeof(path), where, "name"), err)) < 0 ||
	    (rc = memsize_read(s->pricing, s->pricing_cfg, obj, where, &memory_mb, err)) < 0 ||
	    (rc = ju_number(obj, "vcpus", where, JU_OPTIONAL, 0, 1024, &vcpus, err)) < 0 ||
	    (rc = ju_uint(obj, "concurrency_per_instance", where, JU_OPTIONAL, 1, 100000, &conc, err)) < 0 ||
	    (rc = ju_uint(obj, "reserved_concurrency", where, JU_OPTIONAL, 0, UINT32_MAX, &reserved, err)) < 0 ||
	    (rc = ju_number(obj, "timeout_s", where, JU_OPTIONAL, 1e-3, 1e9, &f->timeout_s, err)) < 0 ||
	    (rc = ju_object(obj, "service", where, JU_OPTIONAL, &o->service, err)) < 0 ||
	    (rc = ju_object(obj, "work", where, JU_OPTIONAL, &o->work, err)) < 0 ||
	    (rc = ju_object(obj, "cold_start", where, JU_OPTIONAL, &o->cold, err)) < 0 ||
	    (rc = ju_object(obj, "keepalive", where, JU_OPTIONAL, &o->ka, err)) < 0 ||
	    (rc = ju_object(obj, "arrivals", where, need_arrivals, &o->arrivals, err)) < 0 ||
	    (rc = ju_object(obj, "batch", where, JU_OPTIONAL, &o->batch, err)) < 0 ||
	    (rc = ju_object(obj, "llm", where, JU_OPTIONAL, &o->llm, err)) < 0)
		return rc;
	f->name = strdup(name);
	if (!f->name)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	f->memory_mb = memory_mb;
	if ((rc = check_timeout(s, f, obj, where, err)) < 0 ||
	    (rc = s->pricing->resources(s->pricing_cfg, f->memory_mb, vcpus, &f->vcpus, where, err)) < 0)
		return name_provider(s, rc, err);
	if ((rc = parse_accelerator(s, f, obj, where, err)) < 0)
		return rc;
	/* Not set: the provider's default for the instance size. */
	f->concurrency_per_instance = conc ? (uint32_t)conc
				    : s->pricing->default_concurrency(s->pricing_cfg, f->memory_mb, f->vcpus);
	f->reserved_concurrency = (uint32_t)reserved;
	if (f->reserved_concurrency > s->platform.account_concurrency)
		return errbuf_set(err, ERR_INPUT, "%s: %u exceeds platform.account_concurrency (%u)",
				  ju_path(path, sizeof(path), where, "reserved_concurrency"),
				  f->reserved_concurrency, s->platform.account_concurrency);
	/* Such an instance could never start: every request would be dropped. */
	if (s->platform.pool_memory_mb && f->memory_mb > s->platform.pool_memory_mb)
		return errbuf_set(err, ERR_INPUT, "%s: %u MB exceeds platform.pool_memory_mb (%llu MB)",
				  ju_path(path, sizeof(path), where, "memory_mb"), f->memory_mb,
				  (unsigned long long)s->platform.pool_memory_mb);
	return 0;
}

/* functions[i].cold_start (default: mode "add" with no init time), and the
 * memory the function needs. */
static int parse_function_cold_start(struct scenario *s, struct function_cfg *f, const json_t *cold,
				     const char *where, struct errbuf *err)
{
	char path[512];
	const char *mode = "add";
	int rc;
	ju_path(path, sizeof(path), where, "cold_start");
	if (cold && (rc = ju_string(cold, "mode", path, JU_OPTIONAL, &mode, err)) < 0)
		return rc;
	f->cold_start = coldstart_find(mode);
	if (!f->cold_start)
		return errbuf_set(err, ERR_INPUT, "%s.mode: unknown cold-start mode \"%s\" (known: %s)",
				  path, mode, coldstart_names());
	struct coldstart_ctx ctx = { .provider = s->pricing->name, .memory_mb = f->memory_mb, .vcpus = f->vcpus };
	if (cold) {
		rc = f->cold_start->parse(cold, &ctx, path, &f->cold_start_cfg, err);
	} else {
		/* Documented default: no initialisation time, cold starts still counted. */
		json_t *def = json_pack("{s:s, s:{s:s, s:f}}", "mode", "add", "init", "dist",
					"constant", "value_s", 0.0);
		rc = def ? f->cold_start->parse(def, &ctx, path, &f->cold_start_cfg, err)
			 : errbuf_set(err, ERR_RUNTIME, "out of memory");
		json_decref(def);
	}
	if (rc < 0)
		return rc;
	uint32_t footprint = f->cold_start->footprint_mb ? f->cold_start->footprint_mb(f->cold_start_cfg) : 0;
	f->needed_memory_mb = footprint > f->work.min_memory_mb ? footprint : f->work.min_memory_mb;
	f->oom = footprint > f->memory_mb ? OOM_INIT : f->work.min_memory_mb > f->memory_mb ? OOM_RUN : OOM_NONE;
	return 0;
}

/* A function without "keepalive": policy fixed with the provider's default
 * idle time (its data's keepalive.default_ttl_s: RunPod's idle timeout,
 * Modal's scaledown window...), else fixed's own default (600 s). */
static int parse_default_keepalive(const struct scenario *s, struct function_cfg *f, const char *path,
				   struct errbuf *err)
{
	if (isnan(s->default_ttl_s))
		return f->keepalive->parse(NULL, path, &f->keepalive_cfg, err);
	json_t *def = json_pack("{s:s, s:f}", "policy", "fixed", "ttl_s", s->default_ttl_s);
	int rc = def ? f->keepalive->parse(def, path, &f->keepalive_cfg, err)
		     : errbuf_set(err, ERR_RUNTIME, "out of memory");
	json_decref(def);
	return rc;
}

/* functions[i].keepalive (default: policy "fixed", with the provider's
 * default idle time when its data has one). */
static int parse_function_keepalive(struct scenario *s, struct function_cfg *f, const json_t *ka,
				    const char *where, struct errbuf *err)
{
	char path[512];
	const char *policy = "fixed";
	int rc;
	ju_path(path, sizeof(path), where, "keepalive");
	if (ka && (rc = ju_string(ka, "policy", path, JU_OPTIONAL, &policy, err)) < 0)
		return rc;
	f->keepalive = keepalive_find(policy);
	if (!f->keepalive)
		return errbuf_set(err, ERR_INPUT, "%s.policy: unknown keep-alive policy \"%s\" (known: %s)",
				  path, policy, keepalive_names());
	if (!ka)
		rc = parse_default_keepalive(s, f, path, err);
	else
		rc = f->keepalive->parse(ka, path, &f->keepalive_cfg, err);
	if (rc < 0)
		return rc;
	if (f->keepalive->provisions && !s->pricing->has_provisioned(s->pricing_cfg))
		return errbuf_set(err, ERR_INPUT, "%s.policy: provider \"%s\" has no provisioned-concurrency price",
				  path, s->pricing->name);
	return 0;
}

/* functions[i].batch.service: {"base_s", "per_item_s"} (a formula) or
 * {"profile": FILE} (a measured CSV, models/batchprofile.h; relative to the
 * scenario's folder). */
static int parse_batch_service(const struct scenario *s, struct batch_cfg *b, const json_t *service,
			       const char *spath, struct errbuf *err)
{
	static const char *const formula_keys[] = { "base_s", "per_item_s", NULL };
	static const char *const profile_keys[] = { "profile", NULL };
	char ppath[700], msg[sizeof(err->msg)];
	const char *file;
	int rc;
	if (!json_object_get(service, "profile"))
		return (rc = ju_check_keys(service, spath, formula_keys, err)) < 0 ||
		       (rc = ju_number(service, "base_s", spath, JU_REQUIRED, 0, 1e9, &b->base_s, err)) < 0 ||
		       (rc = ju_number(service, "per_item_s", spath, JU_REQUIRED, 0, 1e9, &b->per_item_s, err)) < 0
		       ? rc : 0;
	if ((rc = ju_check_keys(service, spath, profile_keys, err)) < 0 ||
	    (rc = ju_string(service, "profile", spath, JU_REQUIRED, &file, err)) < 0)
		return rc;
	ju_path(ppath, sizeof(ppath), spath, "profile");
	if (!*file)
		return errbuf_set(err, ERR_INPUT, "%s: must not be empty", ppath);
	if (!(b->profile_path = resolve_path(s->dir, file)))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if ((rc = batchprof_load(&b->profile, b->profile_path, err)) < 0 && err) {
		snprintf(msg, sizeof(msg), "%s", err->msg);
		errbuf_set(err, rc, "%s: %s", ppath, msg);
	}
	return rc;
}

/* functions[i].batch (struct batch_cfg; models/README.md, "Batching"): an
 * instance serves one batch at a time, so concurrency_per_instance is 1. */
static int parse_function_batch(const struct scenario *s, struct function_cfg *f, const json_t *obj,
				const json_t *batch, const char *where, struct errbuf *err)
{
	static const char *const keys[] = { "max_size", "max_wait_s", "service", NULL };
	char path[512], spath[600];
	const json_t *service, *wait = json_object_get(batch, "max_wait_s");
	uint64_t size = 0;
	struct batch_cfg *b = &f->batch;
	int rc;
	ju_path(path, sizeof(path), where, "batch");
	if ((rc = ju_check_keys(batch, path, keys, err)) < 0 ||
	    (rc = ju_uint(batch, "max_size", path, JU_REQUIRED, 1, 1000000, &size, err)) < 0 ||
	    (!json_is_null(wait) &&
	     (rc = ju_number(batch, "max_wait_s", path, JU_REQUIRED, 0, 1e10, &b->max_wait_s, err)) < 0) ||
	    (rc = ju_object(batch, "service", path, JU_REQUIRED, &service, err)) < 0)
		return rc;
	if (json_is_null(wait))
		b->max_wait_s = INFINITY;
	ju_path(spath, sizeof(spath), path, "service");
	if ((rc = parse_batch_service(s, b, service, spath, err)) < 0)
		return rc;
	b->max_size = (uint32_t)size;
	/* Requests hold their slots while a batch forms: one that can never
	 * fill would wait until duration_s. */
	uint32_t limit = f->reserved_concurrency ? f->reserved_concurrency : s->platform.account_concurrency;
	if (isinf(b->max_wait_s) && b->max_size > limit)
		return errbuf_set(err, ERR_INPUT,
				  "%s.max_size: %u requests can never be in flight at once (concurrency limit %u)"
				  " and max_wait_s is unbounded", path, b->max_size, limit);
	if (json_object_get(obj, "concurrency_per_instance") && f->concurrency_per_instance != 1)
		return errbuf_set(err, ERR_INPUT, "%s: must be 1 with batch (an instance serves one batch at a time)",
				  ju_path(path, sizeof(path), where, "concurrency_per_instance"));
	f->concurrency_per_instance = 1;
	return 0;
}

/* functions[i].llm.profile: SplitwiseSim's perf_model.csv for one
 * configuration, its file relative to the scenario's folder. */
static int parse_llm_profile(const struct scenario *s, struct llm_fn_cfg *l, const json_t *prof, const char *at,
			     struct errbuf *err)
{
	static const char *const keys[] = { "file", "model", "hardware", "tensor_parallel", NULL };
	const char *file = NULL, *model = NULL, *hw = NULL;
	uint64_t tp = 0;
	char path[1024];
	int rc;
	if ((rc = ju_check_keys(prof, at, keys, err)) < 0 ||
	    (rc = ju_string(prof, "file", at, JU_REQUIRED, &file, err)) < 0 ||
	    (rc = ju_string(prof, "model", at, JU_REQUIRED, &model, err)) < 0 ||
	    (rc = ju_string(prof, "hardware", at, JU_REQUIRED, &hw, err)) < 0 ||
	    (rc = ju_uint(prof, "tensor_parallel", at, JU_OPTIONAL, 1, 1024, &tp, err)) < 0)
		return rc;
	if (file[0] == '/' || !s->dir || !*s->dir)
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", s->dir, file);
	struct errbuf e = { "" };
	if ((rc = llmprof_load(&l->prof, path, model, hw, (int)tp, &e)) < 0)
		return errbuf_set(err, rc, "%s: %s", at, e.msg);
	return 0;
}

/* functions[i].llm (struct llm_fn_cfg; models/README.md, "LLM serving"). */
static int parse_function_llm(const struct scenario *s, struct function_cfg *f, const json_t *llm,
			      const json_t *batch, const char *where, struct errbuf *err)
{
	static const char *const keys[] = { "profile", "kv_cache_gb", "kv_bytes_per_token", "max_batch",
					    "first_token", NULL };
	static const char *const firsts[] = { "prefill", "decode", NULL };
	char path[512], ppath[600];
	const json_t *prof;
	uint64_t max_batch = 256;
	int first = LLM_FIRST_PREFILL, rc;
	struct llm_fn_cfg *l = &f->llm;
	ju_path(path, sizeof(path), where, "llm");
	if (batch)
		return errbuf_set(err, ERR_INPUT, "%s: not with batch (continuous batching replaces it)", path);
	if ((rc = ju_check_keys(llm, path, keys, err)) < 0 ||
	    (rc = ju_number(llm, "kv_cache_gb", path, JU_REQUIRED, 1e-9, 1e6, &l->kv_cache_gb, err)) < 0 ||
	    (rc = ju_number(llm, "kv_bytes_per_token", path, JU_REQUIRED, 1, 1e12, &l->kv_bytes_per_token, err)) < 0 ||
	    (rc = ju_uint(llm, "max_batch", path, JU_OPTIONAL, 1, 1000000, &max_batch, err)) < 0 ||
	    (rc = ju_enum(llm, "first_token", path, JU_OPTIONAL, firsts, &first, err)) < 0 ||
	    (rc = ju_object(llm, "profile", path, JU_REQUIRED, &prof, err)) < 0)
		return rc;
	l->max_batch = (uint32_t)max_batch;
	l->first_token = (enum llm_first_token)first;
	l->kv_tokens = (uint64_t)floor(l->kv_cache_gb * 1073741824.0 / l->kv_bytes_per_token);
	if (l->kv_tokens == 0)
		return errbuf_set(err, ERR_INPUT, "%s: %g GiB hold no token of %g bytes", path, l->kv_cache_gb,
				  l->kv_bytes_per_token);
	return parse_llm_profile(s, l, prof, ju_path(ppath, sizeof(ppath), path, "profile"), err);
}

static int parse_function(struct scenario *s, struct function_cfg *f, const json_t *obj,
			  const char *where, struct errbuf *err)
{
	struct function_objs o;
	char path[512];
	int rc;
	if ((rc = parse_function_keys(s, f, obj, where, &o, err)) < 0)
		return rc;
	if (!o.service == !o.work)
		return errbuf_set(err, ERR_INPUT, "%s: give exactly one of service and work", where);
	if (o.service &&
	    (rc = measured_service(o.service, s->dir, f->memory_mb, ju_path(path, sizeof(path), where, "service"),
				   &f->service, err)) < 0)
		return rc;
	if (o.work && (rc = parse_work(f, o.work, s->pricing->name, ju_path(path, sizeof(path), where, "work"),
				       err)) < 0)
		return rc;
	double cpu_fraction = 0;
	if ((rc = ju_number(obj, "cpu_fraction", where, JU_OPTIONAL, 0, 1, &cpu_fraction, err)) < 0)
		return rc;
	if (o.work && json_object_get(obj, "cpu_fraction"))
		return errbuf_set(err, ERR_INPUT, "%s: only with service (with work it follows from cpu_s and io_s)",
				  ju_path(path, sizeof(path), where, "cpu_fraction"));
	set_cpu_share(f, cpu_fraction);
	if (o.batch && (rc = parse_function_batch(s, f, obj, o.batch, where, err)) < 0)
		return rc;
	if (o.llm && (rc = parse_function_llm(s, f, o.llm, o.batch, where, err)) < 0)
		return rc;
	if ((rc = parse_function_cold_start(s, f, o.cold, where, err)) < 0 ||
	    (rc = nodes_parse_function(s, f, obj, where, err)) < 0 ||
	    (rc = parse_function_keepalive(s, f, o.ka, where, err)) < 0)
		return rc;
	if (!o.arrivals) {
		f->arrivals.process = ARRIVALS_WORKLOAD;
		return 0;
	}
	return parse_arrivals(s, &f->arrivals, o.arrivals, ju_path(path, sizeof(path), where, "arrivals"), err);
}

/* A function found in the workload: function_defaults plus its name, then
 * what the trace knows about it (service-time distribution, memory). */
static int workload_function(struct scenario *s, struct function_cfg *f, const json_t *defaults,
			     const struct trace_fn *tf, const char *file, struct errbuf *err)
{
	char where[512];
	json_t *obj = defaults ? json_deep_copy(defaults) : json_object();
	if (!obj)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	json_object_set_new(obj, "name", json_string(tf->name));
	if (tf->has_service) {
		/* The trace's percentiles, as an "empirical" distribution. */
		json_t *pct = json_object();
		for (size_t i = 0; i < tf->service.n_points; i++) {
			char key[32];
			snprintf(key, sizeof(key), "%g", 100 * tf->service.pct[i]);
			json_object_set_new(pct, key, json_real(tf->service.val_s[i]));
		}
		json_object_set_new(obj, "service", json_pack("{s:s, s:o}", "dist", "empirical", "percentiles", pct));
	}
	if (!json_object_get(obj, "service")) {
		if (!tf->has_service && !trace_has_durations(s->workload)) {
			json_decref(obj);
			return errbuf_set(err, ERR_INPUT,
					  "%s: function_defaults.service: required key is missing (function \"%s\" of the workload has no service times in the trace)",
					  file, tf->name);
		}
		/* Never drawn: the trace gives every duration. */
		json_object_set_new(obj, "service", json_pack("{s:s, s:f}", "dist", "constant", "value_s", 0.0));
	}
	if (!isnan(tf->memory_mb)) {
		/* Memory as the provider configures it: the smallest size it
		 * accepts at or above the trace's (whole MB, then steps of 64 MB). */
		double v;
		uint32_t mb = (uint32_t)ceil(tf->memory_mb);
		while (mb <= 65536 && s->pricing->resources(s->pricing_cfg, mb, NAN, &v, "", NULL) < 0)
			mb = (mb / 64 + 1) * 64;
		if (mb > 65536) {
			json_decref(obj);
			return errbuf_set(err, ERR_INPUT, "%s: workload: function \"%s\" needs %g MB, more than provider %s offers",
					  file, tf->name, tf->memory_mb, s->pricing->name);
		}
		json_object_set_new(obj, "memory_mb", json_integer(mb));
	}
	char cap[300];
	snprintf(where, sizeof(where), "%s: function_defaults (function \"%.100s\" of the workload)",
		 errbuf_cap(file, cap, sizeof(cap)), tf->name);
	int rc = parse_function(s, f, obj, where, err);
	json_decref(obj);
	return rc;
}

/* The top-level objects that later phases of parse_document read. */
struct document_objs {
	const json_t *workload, *defaults;
	const char *name;
};

/* Top-level keys, name and seed; the workload (prepared here, as
 * duration_s defaults to its span) and function_defaults. */
static int parse_top_level(struct scenario *s, const char *where, struct document_objs *o, struct errbuf *err)
{
	static const char *const keys[] = { "name", "description", "seed", "duration_s", "warmup_s",
					    "replications", "provider", "platform", "functions",
					    "timeseries_interval_s", "compare", "baseline", "pricing", "workload",
					    "function_defaults",
					    "sweep",   /* read by sweep.c; `run` ignores it */
					    NULL };
	const json_t *doc = s->json;
	char path[512];
	uint64_t seed = 1;
	int rc;
	if ((rc = ju_check_keys(doc, where, keys, err)) < 0 ||
	    (rc = ju_string(doc, "name", where, JU_OPTIONAL, &o->name, err)) < 0 ||
	    (rc = ju_uint(doc, "seed", where, JU_OPTIONAL, 0, UINT64_MAX >> 1, &seed, err)) < 0 ||
	    (rc = ju_object(doc, "function_defaults", where, JU_OPTIONAL, &o->defaults, err)) < 0)
		return rc;
	/* An object, or an array of sources whose requests are superposed (a mix). */
	o->workload = json_object_get(doc, "workload");
	if (!json_is_array(o->workload) &&
	    (rc = ju_object(doc, "workload", where, JU_OPTIONAL, &o->workload, err)) < 0)
		return rc;
	s->seed = seed;
	if (o->defaults && !o->workload)
		return errbuf_set(err, ERR_INPUT, "%s: function_defaults: only meaningful with a \"workload\"", s->path);
	if (o->defaults && (json_object_get(o->defaults, "name") || json_object_get(o->defaults, "arrivals")))
		return errbuf_set(err, ERR_INPUT, "%s: function_defaults.%s: not allowed (names and arrivals come from the workload)",
				  s->path, json_object_get(o->defaults, "name") ? "name" : "arrivals");
	if (o->workload && (rc = trace_prepare(&s->workload, o->workload,
					       ju_path(path, sizeof(path), where, "workload"), s->dir, err)) < 0)
		return rc;
	if (s->workload) {
		/* duration_s defaults to the workload's span. */
		s->duration_s = trace_span_s(s->workload);
		if (!(s->duration_s > 0))
			s->duration_s = 1;
	}
	return 0;
}

/* duration_s, warmup_s, replications, timeseries_interval_s (and the
 * platform and pricing objects, read in this order). */
static int parse_timing(struct scenario *s, const char *where, const json_t **platform, const json_t **pricing,
			struct errbuf *err)
{
	const json_t *doc = s->json;
	uint64_t reps = 1;
	int rc;
	if ((rc = ju_number(doc, "duration_s", where, s->workload ? JU_OPTIONAL : JU_REQUIRED, 1e-9,
			    SCENARIO_MAX_DURATION_S, &s->duration_s, err)) < 0 ||
	    (rc = ju_number(doc, "warmup_s", where, JU_OPTIONAL, 0, SCENARIO_MAX_DURATION_S,
			    &s->warmup_s, err)) < 0 ||
	    (rc = ju_uint(doc, "replications", where, JU_OPTIONAL, 1, SCENARIO_MAX_REPLICATIONS,
			  &reps, err)) < 0 ||
	    (rc = ju_number(doc, "timeseries_interval_s", where, JU_OPTIONAL, 1e-6,
			    SCENARIO_MAX_DURATION_S, &s->timeseries_interval_s, err)) < 0 ||
	    (rc = ju_object(doc, "platform", where, JU_OPTIONAL, platform, err)) < 0 ||
	    (rc = ju_object(doc, "pricing", where, JU_OPTIONAL, pricing, err)) < 0)
		return rc;
	s->replications = (uint32_t)reps;
	if (s->warmup_s >= s->duration_s)
		return errbuf_set(err, ERR_INPUT, "%s: warmup_s: must be smaller than duration_s (%g), got %g",
				  s->path, s->duration_s, s->warmup_s);
	if (s->duration_s / s->timeseries_interval_s > SCENARIO_MAX_TIMESERIES_BINS)
		return errbuf_set(err, ERR_INPUT,
				  "%s: timeseries_interval_s: %g gives more than %u intervals over duration_s; use a larger interval",
				  s->path, s->timeseries_interval_s, SCENARIO_MAX_TIMESERIES_BINS);
	return 0;
}

/* The scenario's name: "name", or the file's base name without its extension. */
static int parse_name(struct scenario *s, const char *name, const char *where, struct errbuf *err)
{
	char path[512];
	int rc;
	if (name) {
		if ((rc = check_name(name, ju_path(path, sizeof(path), where, "name"), err)) < 0)
			return rc;
		s->name = strdup(name);
	} else {
		char *copy = strdup(s->path), *base = copy ? basename(copy) : NULL;
		char *dot = base ? strrchr(base, '.') : NULL;
		if (dot && dot != base)
			*dot = '\0';
		s->name = base && check_name(base, "name", NULL) == 0 ? strdup(base) : strdup("scenario");
		free(copy);
	}
	if (!s->name)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return 0;
}

/* What the functions add up to, checked once all are read. */
struct function_totals {
	uint64_t reserved;
	double expected_arrivals;
};

static int alloc_functions(struct scenario *s, const json_t *functions, const char *path, const char *where,
			   struct errbuf *err);
static int parse_listed_functions(struct scenario *s, const json_t *functions, const char *path,
				  struct function_totals *t, struct errbuf *err);
static int add_workload_functions(struct scenario *s, const json_t *defaults, struct function_totals *t,
				  struct errbuf *err);
static int check_totals(struct scenario *s, const struct function_totals *t, const char *path,
			struct errbuf *err);

/* The document section by section, in the order its errors are reported. */
static int parse_document(struct scenario *s, struct errbuf *err)
{
	const json_t *doc = s->json, *platform, *pricing, *functions;
	struct document_objs o = { 0 };
	char where[512], path[512];
	int rc;

	char cap[300];
	/* The file's name capped, so a long path leaves room for the JSON path. */
	snprintf(where, sizeof(where), "%s: ", errbuf_cap(s->path, cap, sizeof(cap)));
	if (!json_is_object(doc))
		return errbuf_set(err, ERR_INPUT, "%s: the scenario must be a JSON object", s->path);
	if ((rc = parse_top_level(s, where, &o, err)) < 0 ||
	    (rc = parse_timing(s, where, &platform, &pricing, err)) < 0 ||
	    (rc = parse_name(s, o.name, where, err)) < 0)
		return rc;

	/* The always-on comparison is run by sim/experiment/baseline.c; checked here so a
	 * bad baseline fails at load time like every other key. */
	if ((rc = baseline_parse(doc, s->path, NULL, err)) < 0)
		return rc;
	if ((rc = parse_compare(s, json_object_get(doc, "compare"), ju_path(path, sizeof(path), where, "compare"), err)) < 0 ||
	    (rc = parse_platform(s, platform, ju_path(path, sizeof(path), where, "platform"), err)) < 0 ||
	    (rc = parse_pricing(s, pricing, ju_path(path, sizeof(path), where, "pricing"), err)) < 0 ||
	    (rc = parse_provider(s, json_object_get(doc, "provider"), s->path, err)) < 0)
		return rc;

	struct function_totals t = { 0, s->workload ? (double)trace_invocations(s->workload) : 0 };
	functions = json_object_get(doc, "functions");
	ju_path(path, sizeof(path), where, "functions");
	if ((rc = alloc_functions(s, functions, path, where, err)) < 0 ||
	    (rc = parse_listed_functions(s, functions, path, &t, err)) < 0 ||
	    (rc = add_workload_functions(s, o.defaults, &t, err)) < 0)
		return rc;
	if ((rc = check_totals(s, &t, path, err)) < 0)
		return rc;
	return nodes_finish(s, path, err);
}

/* "functions" (`path`): its shape, and room for every function, listed or
 * from the workload (listed ones are not repeated), with the name index. */
static int alloc_functions(struct scenario *s, const json_t *functions, const char *path, const char *where,
			   struct errbuf *err)
{
	char wpath[512];
	if (!(json_is_array(functions) || (!functions && s->workload)))
		return errbuf_set(err, ERR_INPUT, "%s: %s", path,
				  functions ? "must be an array of functions" : "required key is missing");
	s->n_listed = json_array_size(functions);
	if (s->n_listed == 0 && !s->workload)
		return errbuf_set(err, ERR_INPUT, "%s: must list at least one function", path);
	s->n_functions = s->n_listed;
	for (size_t i = 0; s->workload && i < trace_n_functions(s->workload); i++)
		s->n_functions += trace_function(s->workload, i)->included != 0;
	if (s->n_functions == 0)
		return errbuf_set(err, ERR_INPUT, "%s: %s", ju_path(wpath, sizeof(wpath), where, "workload"),
				  trace_n_functions(s->workload) ? "the sampling options keep no function of the workload"
								 : "the workload sends no request (its rates or probabilities are all 0)");
	if (s->n_functions > SCENARIO_MAX_FUNCTIONS)
		return errbuf_set(err, ERR_INPUT, "%s: %zu functions exceed the limit of %u", path,
				  s->n_functions, SCENARIO_MAX_FUNCTIONS);
	s->functions = calloc(s->n_functions, sizeof(*s->functions));
	/* At most half full, so probes stay short. */
	s->n_name_slots = 16;
	while (s->n_name_slots < 2 * s->n_functions)
		s->n_name_slots *= 2;
	s->name_slots = malloc(s->n_name_slots * sizeof(*s->name_slots));
	if (!s->functions || !s->name_slots)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	memset(s->name_slots, 0xff, s->n_name_slots * sizeof(*s->name_slots));
	s->n_functions = s->n_listed;
	return 0;
}

/* The listed functions (`path` = "file: functions"). */
static int parse_listed_functions(struct scenario *s, const json_t *functions, const char *path,
				  struct function_totals *t, struct errbuf *err)
{
	int rc;
	for (size_t i = 0; i < s->n_listed; i++) {
		char fwhere[512];
		struct function_cfg *f = &s->functions[i];
		f->timeout_s = 900;
		ju_index_path(fwhere, sizeof(fwhere), path, i);
		if ((rc = parse_function(s, f, json_array_get(functions, i), fwhere, err)) < 0)
			return rc;
		long dup = index_name(s, i);
		if (dup >= 0)
			return errbuf_set(err, ERR_INPUT, "%s.name: duplicate function name \"%s\" (also %s[%ld])",
					  fwhere, f->name, path, dup);
		t->reserved += f->reserved_concurrency;
		if (f->arrivals.process == ARRIVALS_POISSON)
			t->expected_arrivals += f->arrivals.rate_per_s * s->duration_s;
		else if (f->arrivals.process == ARRIVALS_PERIODIC)
			t->expected_arrivals += s->duration_s / f->arrivals.period_s;
		if (f->arrivals.process == ARRIVALS_WORKLOAD && trace_find_function(s->workload, f->name) < 0)
			return errbuf_set(err, ERR_INPUT,
					  "%s.name: \"%s\" is not a function of the workload and has no \"arrivals\" of its own",
					  fwhere, f->name);
	}
	return 0;
}

/* The workload's functions that the list does not name. */
static int add_workload_functions(struct scenario *s, const json_t *defaults, struct function_totals *t,
				  struct errbuf *err)
{
	int rc;
	for (size_t i = 0; s->workload && i < trace_n_functions(s->workload); i++) {
		const struct trace_fn *tf = trace_function(s->workload, i);
		if (!tf->included || scenario_function_index(s, tf->name) >= 0)
			continue;
		struct function_cfg *f = &s->functions[s->n_functions];
		f->timeout_s = 900;
		s->n_functions++;   /* counted before parsing, so scenario_free frees a half-made one */
		if ((rc = workload_function(s, f, defaults, tf, s->path, err)) < 0)
			return rc;
		index_name(s, s->n_functions - 1);
		t->reserved += f->reserved_concurrency;
	}
	return 0;
}

static int check_totals(struct scenario *s, const struct function_totals *t, const char *path,
			struct errbuf *err)
{
	if (t->reserved > s->platform.account_concurrency)
		return errbuf_set(err, ERR_INPUT,
				  "%s: the reserved_concurrency of all functions (%llu) exceeds platform.account_concurrency (%u)",
				  path, (unsigned long long)t->reserved, s->platform.account_concurrency);
	s->platform.reserved_total = (uint32_t)t->reserved;
	if (t->expected_arrivals * s->replications > SCENARIO_MAX_EXPECTED_ARRIVALS)
		return errbuf_set(err, ERR_INPUT,
				  "%s: the arrival rates and duration_s give about %.3g invocations, above the limit of %.0e; shorten duration_s or lower the rates",
				  path, t->expected_arrivals * s->replications, SCENARIO_MAX_EXPECTED_ARRIVALS);
	return 0;
}

static void init_defaults(struct scenario *s)
{
	memset(s, 0, sizeof(*s));
	s->timeseries_interval_s = 60;
	s->platform.account_concurrency = 1000;
	s->platform.on_limit = ON_LIMIT_REJECT;
	s->platform.queue_timeout_s = 900;
	s->platform.idle_selection = IDLE_MRU;
}

int scenario_from_json(struct scenario *s, json_t *doc, const char *path, struct errbuf *err)
{
	init_defaults(s);
	s->path = xstrdup(path);
	char *copy = xstrdup(path);
	s->dir = copy ? xstrdup(dirname(copy)) : NULL;
	free(copy);
	s->json = json_incref(doc);
	if (!s->path || !s->dir)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	int rc = parse_document(s, err);
	if (rc < 0) {
		scenario_free(s);
		init_defaults(s);
	}
	return rc;
}

int scenario_load(struct scenario *s, const char *path, const char *const *sets, size_t n_sets,
		  struct errbuf *err)
{
	json_error_t jerr;
	init_defaults(s);
	json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!doc) {
		if (jerr.line <= 0)
			return errbuf_set(err, ERR_INPUT, "%s: %s", path, jerr.text);
		return errbuf_set(err, ERR_INPUT, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
	}
	for (size_t i = 0; i < n_sets; i++) {
		int rc = scenario_apply_set(doc, sets[i], err);
		if (rc < 0) {
			json_decref(doc);
			return rc;
		}
	}
	int rc = scenario_from_json(s, doc, path, err);
	json_decref(doc);
	return rc;
}

static uint64_t name_hash(const char *name)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return h;
}

/* Adds function i to the name index; returns the index of an earlier
 * function with the same name, or -1. */
static long index_name(struct scenario *s, size_t i)
{
	size_t mask = s->n_name_slots - 1;
	for (size_t k = name_hash(s->functions[i].name) & mask;; k = (k + 1) & mask) {
		uint32_t v = s->name_slots[k];
		if (v == UINT32_MAX) {
			s->name_slots[k] = (uint32_t)i;
			return -1;
		}
		if (strcmp(s->functions[v].name, s->functions[i].name) == 0)
			return (long)v;
	}
}

long scenario_function_index(const struct scenario *s, const char *name)
{
	if (!s->n_name_slots)
		return -1;
	size_t mask = s->n_name_slots - 1;
	for (size_t k = name_hash(name) & mask;; k = (k + 1) & mask) {
		uint32_t v = s->name_slots[k];
		if (v == UINT32_MAX)
			return -1;
		if (strcmp(s->functions[v].name, name) == 0)
			return (long)v;
	}
}

void scenario_free(struct scenario *s)
{
	for (size_t i = 0; s->functions && i < s->n_functions; i++) {
		struct function_cfg *f = &s->functions[i];
		free(f->name);
		dist_free(&f->service);
		if (f->cold_start && f->cold_start_cfg)
			f->cold_start->free_cfg(f->cold_start_cfg);
		if (f->keepalive && f->keepalive_cfg)
			f->keepalive->free_cfg(f->keepalive_cfg);
		free(f->arrivals.trace_path);
		free(f->arrivals.trace_format);
		batchprof_free(f->batch.profile);
		free(f->batch.profile_path);
		free(f->model_name);
		llmprof_free(f->llm.prof);
	}
	nodes_free(s->platform.nodes);
	trace_free(s->workload);
	free(s->functions);
	free(s->name_slots);
	if (s->pricing && s->pricing_cfg)
		s->pricing->free_cfg(s->pricing_cfg);
	free(s->name);
	free(s->path);
	free(s->dir);
	json_decref(s->json);
	memset(s, 0, sizeof(*s));
}
