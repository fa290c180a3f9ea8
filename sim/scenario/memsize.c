#include "scenario/memsize.h"

#include <math.h>
#include <string.h>
#include "core/jsonutil.h"
#include "scenario/scenario.h"

/* Memory alone decides here: vCPUs are checked by the caller's own
 * resources call with the scenario's vcpus. */
static int valid(const struct pricing_ops *ops, const void *cfg, uint32_t mb)
{
	double v;
	return mb >= 1 && mb <= MEMSIZE_MAX_MB && ops->resources(cfg, mb, NAN, &v, "", NULL) == 0;
}

int memsize_fit(const struct pricing_ops *ops, const void *cfg, uint32_t request_mb, uint32_t *out)
{
	for (uint32_t mb = request_mb ? request_mb : 1; mb <= MEMSIZE_SCAN_MB; mb++)
		if (valid(ops, cfg, mb)) {
			*out = mb;
			return 0;
		}
	return -1;
}

/* Appends ", LO" or ", LO-HI" for one run of valid sizes. */
static void add_run(char *buf, size_t size, uint32_t lo, uint32_t hi, int first)
{
	size_t n = strlen(buf);
	if (n + 1 >= size)
		return;
	if (lo == hi)
		snprintf(buf + n, size - n, "%s%u", first ? "" : ", ", lo);
	else
		snprintf(buf + n, size - n, "%s%u-%u", first ? "" : ", ", lo, hi);
}

void memsize_describe(const struct pricing_ops *ops, const void *cfg, char *buf, size_t size)
{
	char runs[256] = "";
	uint32_t lo = 0, first_lo = 0, last_hi = 0;
	int n_runs = 0;
	/* Only on the way to an error message: a scan of every size is cheap
	 * next to a person reading it, and needs no engine to describe itself. */
	for (uint32_t mb = 1; mb <= MEMSIZE_SCAN_MB + 1; mb++) {
		int ok = mb <= MEMSIZE_SCAN_MB && valid(ops, cfg, mb);
		if (ok && !lo)
			lo = mb;
		if (!ok && lo) {
			if (!n_runs)
				first_lo = lo;
			add_run(runs, sizeof(runs), lo, mb - 1, n_runs == 0);
			last_hi = mb - 1;
			n_runs++;
			lo = 0;
		}
	}
	if (n_runs == 0)
		snprintf(buf, size, "a size it offers (none found)");
	else if (n_runs == 1 && first_lo != last_hi)
		snprintf(buf, size, "an integer in [%u, %u]", first_lo, last_hi);
	else
		snprintf(buf, size, "one of %s MB", runs);
}

/* " (memory_mb is in MB: did you mean 1536?)" for a size that reads as GB. */
static void unit_hint(const struct pricing_ops *ops, const void *cfg, double x, char *buf, size_t size)
{
	uint32_t mb;
	buf[0] = '\0';
	if (x > 0 && x < 64 && memsize_fit(ops, cfg, (uint32_t)ceil(x * 1024), &mb) == 0)
		snprintf(buf, size, " (memory_mb is in MB: did you mean %u?)", mb);
}

int memsize_read(const struct pricing_ops *ops, const void *cfg, const json_t *obj, const char *where,
		 uint32_t *memory_mb, struct errbuf *err)
{
	char path[512], sizes[320], hint[96];
	int fit = 0, rc = ju_bool(obj, "memory_fit", where, JU_OPTIONAL, &fit, err);
	if (rc < 0)
		return rc;
	const json_t *v = json_object_get(obj, "memory_mb");
	ju_path(path, sizeof(path), where, "memory_mb");
	if (v && json_is_string(v))
		return errbuf_set(err, ERR_INPUT,
				  "%s: must be an integer number of MB, got a string%s", path,
				  strncmp(json_string_value(v), "fit", 3) == 0
					  ? " (to get the provider's smallest size at or above a request, give the request as memory_mb and set \"memory_fit\": true)"
					  : "");
	if (v && !json_is_null(v) && !json_is_number(v))
		return errbuf_set(err, ERR_INPUT, "%s: must be an integer number of MB, got %s", path, ju_type_name(v));
	double x = v && json_is_number(v) ? json_number_value(v) : *memory_mb;
	if (fit) {
		uint32_t mb;
		if (!(x > 0) || x > MEMSIZE_MAX_MB || memsize_fit(ops, cfg, (uint32_t)ceil(x), &mb) < 0) {
			memsize_describe(ops, cfg, sizes, sizeof(sizes));
			return errbuf_set(err, ERR_INPUT, "%s: %s offers no size at or above %g MB (memory_fit; it offers %s)",
					  path, ops->name, x, sizes);
		}
		*memory_mb = mb;
		return 0;
	}
	if (x == floor(x) && x >= 1 && x <= MEMSIZE_MAX_MB && valid(ops, cfg, (uint32_t)x)) {
		*memory_mb = (uint32_t)x;
		return 0;
	}
	memsize_describe(ops, cfg, sizes, sizeof(sizes));
	unit_hint(ops, cfg, x, hint, sizeof(hint));
	return errbuf_set(err, ERR_INPUT, "%s: must be %s on %s, got %g%s%s", path, sizes, ops->name, x,
			  v ? "" : " (the default)", hint);
}

void memsize_fit_note(const struct scenario *s, char *buf, size_t size)
{
	const json_t *fns = json_object_get(s->json, "functions");
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->n_listed && i < json_array_size(fns) && n + 1 < size; i++) {
		const json_t *fn = json_array_get(fns, i), *req = json_object_get(fn, "memory_mb");
		if (!json_is_true(json_object_get(fn, "memory_fit")) || !json_is_number(req) ||
		    json_number_value(req) == s->functions[i].memory_mb)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%sfunctions[%zu].memory_mb=%u", n ? ", " : "", i,
				      s->functions[i].memory_mb);
	}
	if (n >= size)
		buf[size - 1] = '\0';
}
