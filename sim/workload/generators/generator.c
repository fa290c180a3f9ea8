/*
 * trace_generator: the "generator" format, synthetic workloads made on the
 * fly by the generators (sim/workload/generators/) instead of read from a file.
 * {"format": "generator", "pattern": NAME, "duration_s": H (default 86400),
 * ...the pattern's parameters}. Arrivals run over [0, H]; H is the workload's
 * span (the scenario's default duration_s). Each replication draws its own
 * arrivals from streams seeded by (scenario seed, replication).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/jsonutil.h"
#include "core/rng.h"
#include "workload/plugin.h"

struct gen_data {
	const struct trace_generator_ops *ops;
	void *cfg;
	double horizon_s;
};

struct gen_it {
	const struct gen_data *d;
	gsl_rng *rng;                /* the replication's stream, lent to the pattern */
	void *it;
	int done;
};

static void gen_free_data(void *p)
{
	struct gen_data *d = p;
	if (d && d->cfg && d->ops->free_cfg)
		d->ops->free_cfg(d->cfg);
	if (d)
		free(d->cfg);
	free(d);
}

static int gen_prepare(struct trace *t, const json_t *spec, const char *where, const char *dir, void **data,
		       struct errbuf *err)
{
	static const char *const common[] = { "format", "keep_time", "skip_bad_rows", "max_rows_in_memory",
					      "top_n", "fraction", "sample_seed", "triggers", "traffic_scale", "pattern",
					      "duration_s", NULL };
	(void)dir;
	char path[512];
	const char *pattern;
	struct gen_data *d = calloc(1, sizeof(*d));
	int rc;
	if (!d)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*data = d;
	d->horizon_s = 86400;
	if ((rc = ju_string(spec, "pattern", where, JU_REQUIRED, &pattern, err)) < 0)
		return rc;
	if (!(d->ops = trace_generator_find(pattern))) {
		char known[256];
		trace_format_names(TRACE_NAMES_GENERATORS, known, sizeof(known));
		return errbuf_set(err, ERR_INPUT, "%s: unknown pattern \"%s\" (known: %s)",
				  ju_path(path, sizeof(path), where, "pattern"), pattern, known);
	}
	const char *keys[64];
	size_t n = 0;
	for (const char *const *k = common; *k; k++)
		keys[n++] = *k;
	for (const char *const *k = d->ops->keys; k && *k && n < 62; k++)
		keys[n++] = *k;
	keys[n] = NULL;
	if ((rc = ju_check_keys(spec, where, keys, err)) < 0 ||
	    (rc = ju_number(spec, "duration_s", where, JU_OPTIONAL, 1e-6, 1e10, &d->horizon_s, err)) < 0)
		return rc;
	if (!(d->cfg = calloc(1, d->ops->cfg_size)))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	if ((rc = d->ops->parse(t, spec, where, d->cfg, err)) < 0)
		return rc;
	if (trace_traffic_scale(t) != 1) {
		if (!d->ops->scale)
			return errbuf_set(err, ERR_INPUT, "%s: pattern \"%s\" cannot be scaled",
					  ju_path(path, sizeof(path), where, "traffic_scale"), pattern);
		d->ops->scale(d->cfg, trace_traffic_scale(t));
	}
	trace_set_times(t, 0, d->horizon_s);
	trace_set_has_durations(t, 0);
	return 0;
}

static int gen_open(const struct trace *t, const void *data, uint64_t seed, uint32_t replication,
		    const uint32_t *fn_map, void **out, struct errbuf *err)
{
	(void)t;
	(void)fn_map;
	const struct gen_data *d = data;
	struct gen_it *it = calloc(1, sizeof(*it));
	if (!it)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	*out = it;
	it->d = d;
	if (!(it->rng = rng_stream(seed, replication, 0, RNG_TRACE)) || !(it->it = calloc(1, d->ops->it_size)))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return d->ops->start(d->cfg, it->rng, it->it, err);
}

static int gen_next(void *p, struct trace_arrival *a, struct errbuf *err)
{
	struct gen_it *it = p;
	if (it->done)
		return 0;
	uint32_t fn;
	int rc = it->d->ops->next(it->it, &a->t_s, &fn, err);
	if (rc <= 0 || a->t_s > it->d->horizon_s) {
		it->done = 1;
		return rc < 0 ? rc : 0;
	}
	a->trace_fn = fn;
	a->duration_s = NAN;
	return 1;
}

static void gen_close(void *p)
{
	struct gen_it *it = p;
	if (!it)
		return;
	if (it->it && it->d->ops->release)
		it->d->ops->release(it->it);
	free(it->it);
	if (it->rng)
		gsl_rng_free(it->rng);
	free(it);
}

const struct trace_custom_ops trace_generator_ops = {
	.name = "generator",
	.generated = 1,
	.prepare = gen_prepare,
	.free_data = gen_free_data,
	.open = gen_open,
	.next = gen_next,
	.close = gen_close,
};

int trace_generator_add_function(struct trace *t, const json_t *spec, const char *key,
				 const char *def, const char *where, int receives, uint32_t *out,
				 struct errbuf *err)
{
	char path[512];
	const char *name = def;
	int rc = ju_string(spec, key, where, JU_OPTIONAL, &name, err);
	*out = UINT32_MAX;
	if (rc < 0 || !receives)
		return rc;
	if (trace_find_function(t, name) >= 0)
		return errbuf_set(err, ERR_INPUT, "%s: duplicate function \"%s\"", ju_path(path, sizeof(path), where, key), name);
	long id = trace_add_function(t, name, ju_path(path, sizeof(path), where, key), err);
	if (id < 0)
		return (int)id;
	*out = (uint32_t)id;
	return 0;
}
