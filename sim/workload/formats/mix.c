/*
 * trace_mix: a workload made of several sources whose requests are
 * superposed: "workload": [SOURCE, SOURCE, ...] (or {"format": "mix",
 * "sources": [...]} with the keys every format shares, applied to the
 * whole). Each source is anything "workload" accepts (a trace, a generator,
 * another mix) and keeps its own options: its time shift (each source starts
 * at 0 unless its keep_time), its traffic_scale and its sampling (a source's
 * arrivals of the functions its sampling drops are dropped). Functions are
 * the union of the sources' by name, in order of first appearance (a
 * function in several sources receives all their requests; their memory_mb,
 * when given, must agree; the first service-time distribution and trigger
 * found are kept). The span is the longest source's.
 *
 * A replay streams every source and merges them in time order with a binary
 * heap of one pending arrival per source (ties: the earlier source first), so
 * memory does not grow with the length of any trace. Source k draws from
 * streams seeded by rng_seed_for(seed, 0, k, RNG_MIX) (source 0 by the
 * scenario's seed itself): a one-source mix replays exactly that source, and
 * appending a source changes no other source's draws.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/heap.h"
#include "core/jsonutil.h"
#include "core/rng.h"
#include "workload/plugin.h"

#define MIX_MAX_SOURCES 256

struct mix_data {
	size_t n;
	struct trace **src;
	uint32_t **map;              /* per source: its function index -> the mix's, or UINT32_MAX */
};

struct mix_src {
	struct trace_reader *r;
	struct trace_arrival next;
};

struct mix_it {
	size_t n, n_heap;
	struct mix_src *s;
	uint32_t *heap;
};

static const char *const mix_keys[] = { "sources", NULL };

static void mix_free_data(void *p)
{
	struct mix_data *d = p;
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		trace_free(d->src ? d->src[i] : NULL);
		free(d->map ? d->map[i] : NULL);
	}
	free(d->src);
	free(d->map);
	free(d);
}

/* Source i's functions into the mix (item: its JSON path). */
static int add_functions(struct trace *t, struct mix_data *d, size_t i, const char *item, struct errbuf *err)
{
	const struct trace *s = d->src[i];
	size_t n = trace_n_functions(s);
	if (!(d->map[i] = malloc((n + 1) * sizeof(uint32_t))))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t j = 0; j < n; j++) {
		const struct trace_fn *sf = trace_function(s, j);
		size_t before = trace_n_functions(t);
		long id = trace_add_function(t, sf->name, item, err);
		if (id < 0)
			return (int)id;
		struct trace_fn *f = trace_function_mut(t, (size_t)id);
		int added = trace_n_functions(t) > before;
		f->included = added ? sf->included : f->included || sf->included;
		f->invocations += sf->invocations;
		if (!isnan(sf->memory_mb) && !isnan(f->memory_mb) && sf->memory_mb != f->memory_mb)
			return errbuf_set(err, ERR_INPUT, "%s: function \"%s\" has memory_mb %g here and %g in an earlier source",
					  item, sf->name, sf->memory_mb, f->memory_mb);
		if (!isnan(sf->memory_mb))
			f->memory_mb = sf->memory_mb;
		if (sf->has_service && !f->has_service) {
			if (dist_copy(&f->service, &sf->service) < 0)
				return errbuf_set(err, ERR_RUNTIME, "out of memory");
			f->has_service = 1;
		}
		if (sf->trigger && !f->trigger && !(f->trigger = strdup(sf->trigger)))
			return errbuf_set(err, ERR_RUNTIME, "out of memory");
		d->map[i][j] = sf->included ? (uint32_t)id : UINT32_MAX;
	}
	return 0;
}

/* Rows read and skipped by source s (its summary's counts). */
static void add_rows(struct trace *t, const struct trace *s)
{
	json_t *j = trace_summary_json(s);
	trace_add_rows(t, (uint64_t)json_integer_value(json_object_get(j, "rows")),
		       (uint64_t)json_integer_value(json_object_get(j, "rows_skipped_status")),
		       (uint64_t)json_integer_value(json_object_get(j, "rows_skipped_bad")));
	json_decref(j);
}

static int mix_prepare(struct trace *t, const json_t *spec, const char *where, const char *dir, void **data,
		       struct errbuf *err)
{
	const json_t *list = json_is_array(spec) ? spec : json_object_get(spec, "sources");
	char base[512], item[600];
	double span = 0;
	int durations = 1, rc;
	if (json_is_array(spec))
		snprintf(base, sizeof(base), "%s", where);
	else
		ju_path(base, sizeof(base), where, "sources");
	size_t n = json_array_size(list);
	if (!json_is_array(list) || n == 0 || n > MIX_MAX_SOURCES)
		return errbuf_set(err, ERR_INPUT, "%s: must be an array of 1 to %d workload sources", base, MIX_MAX_SOURCES);
	struct mix_data *d = calloc(1, sizeof(*d));
	if (!d || !(d->src = calloc(n, sizeof(*d->src))) || !(d->map = calloc(n, sizeof(*d->map)))) {
		mix_free_data(d);
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	}
	*data = d;
	d->n = n;
	for (size_t i = 0; i < n; i++) {
		ju_index_path(item, sizeof(item), base, i);
		if ((rc = trace_prepare(&d->src[i], json_array_get(list, i), item, dir, err)) < 0 ||
		    (rc = add_functions(t, d, i, item, err)) < 0)
			return rc;
		span = fmax(span, trace_span_s(d->src[i]));
		durations = durations && trace_has_durations(d->src[i]);
		add_rows(t, d->src[i]);
	}
	/* Sources are shifted already: the mix keeps their times. */
	trace_set_times(t, 0, span);
	trace_set_has_durations(t, durations);
	return 0;
}

static int mix_less(const struct mix_it *it, uint32_t a, uint32_t b)
{
	double x = it->s[a].next.t_s, y = it->s[b].next.t_s;
	return x < y || (x == y && a < b);
}

HEAP_DEFINE(mix_heap, uint32_t, 2, const struct mix_it *, mix_less, HEAP_PLACE_NONE)

static void mix_close(void *p)
{
	struct mix_it *it = p;
	if (!it)
		return;
	for (size_t k = 0; it->s && k < it->n; k++)
		trace_close(it->s[k].r);
	free(it->s);
	free(it->heap);
	free(it);
}

static int mix_open(const struct trace *t, const void *data, uint64_t seed, uint32_t replication,
		    const uint32_t *fn_map, void **out, struct errbuf *err)
{
	(void)t;
	(void)fn_map;
	const struct mix_data *d = data;
	struct mix_it *it = calloc(1, sizeof(*it));
	*out = it;
	if (!it || !(it->s = calloc(d->n, sizeof(*it->s))) || !(it->heap = malloc(d->n * sizeof(uint32_t))))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	it->n = d->n;
	for (size_t k = 0; k < d->n; k++) {
		uint64_t s = k == 0 ? seed : rng_seed_for(seed, 0, (uint32_t)k, RNG_MIX) >> 1;
		int rc = trace_open(d->src[k], s, replication, d->map[k], &it->s[k].r, err);
		if (rc == 0)
			rc = trace_next(it->s[k].r, &it->s[k].next, err);
		if (rc < 0)
			return rc;
		if (rc > 0)
			it->n_heap = mix_heap_push(it, it->heap, it->n_heap, (uint32_t)k);
	}
	return 0;
}

static int mix_next(void *p, struct trace_arrival *a, struct errbuf *err)
{
	struct mix_it *it = p;
	if (it->n_heap == 0)
		return 0;
	uint32_t k = it->heap[0];
	const struct trace_arrival *n = &it->s[k].next;
	a->t_s = n->t_s;
	a->trace_fn = n->fn;   /* the sub-reader mapped it to the mix's function */
	a->duration_s = n->duration_s;
	int rc = trace_next(it->s[k].r, &it->s[k].next, err);
	if (rc < 0)
		return rc;
	if (rc == 0)
		it->n_heap = mix_heap_remove(it, it->heap, it->n_heap, 0);
	else
		mix_heap_sift_down(it, it->heap, it->n_heap, 0, k);
	return 1;
}

const struct trace_custom_ops trace_mix_ops = {
	.name = "mix",
	.keys = mix_keys,
	.prepare = mix_prepare,
	.free_data = mix_free_data,
	.open = mix_open,
	.next = mix_next,
	.close = mix_close,
};
