#include "scenario/nodes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/jsonutil.h"
#include "scenario/scenario.h"

/* platform.nodes.bandwidth: overrides of the tiers' default bandwidths. */
static int parse_bandwidth(const json_t *obj, const char *where, double gb_per_s[STORAGE_TIERS],
			   struct errbuf *err)
{
	static const char *const keys[] = { "remote_gb_per_s", "ssd_gb_per_s", "dram_gb_per_s", NULL };
	const json_t *bw = NULL;
	char path[512];
	int rc;
	if ((rc = ju_object(obj, "bandwidth", where, JU_OPTIONAL, &bw, err)) < 0 || !bw)
		return rc;
	ju_path(path, sizeof(path), where, "bandwidth");
	if ((rc = ju_check_keys(bw, path, keys, err)) < 0)
		return rc;
	for (int t = 0; t < STORAGE_TIERS; t++)
		if ((rc = ju_number(bw, keys[t], path, JU_OPTIONAL, 1e-6, 1e6, &gb_per_s[t], err)) < 0)
			return rc;
	return 0;
}

/* One node group {count, gpus, gpu_type, dram_gb, ssd_gb, bandwidth}. */
static int parse_group(const json_t *obj, const char *where, const double def[STORAGE_TIERS],
		       struct node_group *g, struct errbuf *err)
{
	static const char *const keys[] = { "count", "gpus", "gpu_type", "dram_gb", "ssd_gb", "bandwidth", NULL };
	uint64_t count = 1, gpus = 0;
	const char *type = NULL;
	int rc;
	memcpy(g->gb_per_s, def, sizeof(g->gb_per_s));
	if ((rc = ju_expect_object(obj, where, err)) < 0 || (rc = ju_check_keys(obj, where, keys, err)) < 0 ||
	    (rc = ju_uint(obj, "count", where, JU_OPTIONAL, 1, NODES_MAX, &count, err)) < 0 ||
	    (rc = ju_uint(obj, "gpus", where, JU_REQUIRED, 1, 1024, &gpus, err)) < 0 ||
	    (rc = ju_string(obj, "gpu_type", where, JU_OPTIONAL, &type, err)) < 0 ||
	    (rc = ju_number(obj, "dram_gb", where, JU_REQUIRED, 0, 1e9, &g->dram_gb, err)) < 0 ||
	    (rc = ju_number(obj, "ssd_gb", where, JU_REQUIRED, 0, 1e9, &g->ssd_gb, err)) < 0 ||
	    (rc = parse_bandwidth(obj, where, g->gb_per_s, err)) < 0)
		return rc;
	g->count = (uint32_t)count;
	g->gpus = (uint32_t)gpus;
	if (type && !(g->gpu_type = strdup(type)))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return 0;
}

/* platform.nodes: an object (one group) or a non-empty array of them. */
static int parse_groups(struct nodes_cfg *n, const json_t *v, const char *where, struct errbuf *err)
{
	double def[STORAGE_TIERS];
	char item[512];
	int rc = storage_default_gb_per_s(def, err);
	if (rc < 0)
		return rc;
	size_t k = json_is_array(v) ? json_array_size(v) : 1;
	if ((!json_is_array(v) && !json_is_object(v)) || k == 0 || k > NODES_MAX_GROUPS)
		return errbuf_set(err, ERR_INPUT, "%s: must be a node group object or an array of 1 to %u of them, got %s",
				  where, NODES_MAX_GROUPS, json_is_array(v) ? "an array of that length" : ju_type_name(v));
	n->listed = json_is_array(v);
	n->groups = calloc(k, sizeof(*n->groups));
	if (!n->groups)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; i < k; i++) {
		const json_t *g = json_is_array(v) ? json_array_get(v, i) : v;
		if (json_is_array(v))
			ju_index_path(item, sizeof(item), where, i);
		else
			snprintf(item, sizeof(item), "%s", where);
		n->n_groups++;
		if ((rc = parse_group(g, item, def, &n->groups[i], err)) < 0)
			return rc;
		n->groups[i].first = n->n_nodes;
		n->n_nodes += n->groups[i].count;
		if (n->n_nodes > NODES_MAX)
			return errbuf_set(err, ERR_INPUT, "%s: more than %u nodes in all", where, NODES_MAX);
	}
	return 0;
}

int nodes_parse_platform(struct scenario *s, const json_t *obj, const char *where, struct errbuf *err)
{
	static const char *const placement[] = { "first-fit", "locality", "random", NULL };
	const json_t *v = obj ? json_object_get(obj, "nodes") : NULL;
	char path[512];
	int place = PLACE_FIRST_FIT, rc;
	if (!v) {
		if (obj && json_object_get(obj, "placement"))
			return errbuf_set(err, ERR_INPUT, "%s: only with platform.nodes",
					  ju_path(path, sizeof(path), where, "placement"));
		return 0;
	}
	struct nodes_cfg *n = calloc(1, sizeof(*n));
	if (!n)
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	s->platform.nodes = n;
	if ((rc = ju_enum(obj, "placement", where, JU_OPTIONAL, placement, &place, err)) < 0)
		return rc;
	n->placement = (enum placement)place;
	return parse_groups(n, v, ju_path(path, sizeof(path), where, "nodes"), err);
}

/* The accelerator type of f's JSON (NULL without one). */
static const char *accel_type(const json_t *obj)
{
	return json_string_value(json_object_get(json_object_get(obj, "accelerator"), "type"));
}

/* The node groups that can hold an instance of f: type and GPU count. */
static int fit_groups(const struct nodes_cfg *n, struct function_cfg *f, const json_t *obj, const char *where,
		      struct errbuf *err)
{
	const char *type = accel_type(obj);
	char path[512];
	for (uint32_t g = 0; g < n->n_groups; g++) {
		const struct node_group *ng = &n->groups[g];
		if ((!ng->gpu_type || strcmp(ng->gpu_type, type) == 0) && ng->gpus >= f->accel.count)
			f->node_groups |= UINT64_C(1) << g;
	}
	if (!f->node_groups)
		return errbuf_set(err, ERR_INPUT, "%s: no group of platform.nodes holds %u GPU%s of type %s",
				  ju_path(path, sizeof(path), where, "accelerator"), f->accel.count,
				  f->accel.count == 1 ? "" : "s", type);
	return 0;
}

int nodes_parse_function(struct scenario *s, struct function_cfg *f, const json_t *obj, const char *where,
			 struct errbuf *err)
{
	static const char *const keys[] = { "name", "size_gb", NULL };
	const struct nodes_cfg *n = s->platform.nodes;
	const json_t *m = NULL;
	const char *name = f->name;
	char path[512];
	int rc;
	if ((rc = ju_object(obj, "model", where, JU_OPTIONAL, &m, err)) < 0)
		return rc;
	ju_path(path, sizeof(path), where, "model");
	if (m && (!n || !f->accel.count))
		return errbuf_set(err, ERR_INPUT, "%s: only for a function with an accelerator on platform.nodes", path);
	if (!n || !f->accel.count)
		return 0;
	f->model_size_gb = f->cold_start->model_size_mb ? f->cold_start->model_size_mb(f->cold_start_cfg) / 1024 : 0;
	if (m && ((rc = ju_check_keys(m, path, keys, err)) < 0 ||
		  (rc = ju_string(m, "name", path, JU_OPTIONAL, &name, err)) < 0 ||
		  (rc = ju_number(m, "size_gb", path, JU_OPTIONAL, 0, 1e6, &f->model_size_gb, err)) < 0))
		return rc;
	if (!(m && json_object_get(m, "size_gb")) && !(f->model_size_gb > 0))
		return errbuf_set(err, ERR_INPUT,
				  "%s.size_gb: required on platform.nodes (or cold_start.model.size_mb with mode \"model\")",
				  path);
	f->placed = 1;
	if (!(f->model_name = strdup(name)))
		return errbuf_set(err, ERR_RUNTIME, "out of memory");
	return fit_groups(n, f, obj, where, err);
}

/* The number of f's model (function i), added when new; -1 when the name
 * has another size (*other: the function that gave it). Linear in the
 * models, which are few. */
static long model_number(struct nodes_cfg *n, const struct function_cfg *f, size_t i, uint32_t *first, size_t *other)
{
	for (uint32_t k = 0; k < n->n_models; k++) {
		if (strcmp(n->models[k], f->model_name) == 0) {
			*other = first[k];
			return n->model_size_gb[k] == f->model_size_gb ? (long)k : -1;
		}
	}
	n->models[n->n_models] = f->model_name;
	n->model_size_gb[n->n_models] = f->model_size_gb;
	first[n->n_models] = (uint32_t)i;
	return n->n_models++;
}

/* A group of one GPU type that no function uses is most likely a typo of
 * the type's name. */
static int check_types_used(const struct scenario *s, struct errbuf *err)
{
	const struct nodes_cfg *n = s->platform.nodes;
	uint64_t used = 0;
	char at[32] = "";
	for (size_t i = 0; i < s->n_functions; i++)
		used |= s->functions[i].node_groups;
	for (uint32_t g = 0; g < n->n_groups; g++) {
		if (!n->groups[g].gpu_type || (used >> g & 1))
			continue;
		if (n->listed)
			snprintf(at, sizeof(at), "[%u]", g);
		return errbuf_set(err, ERR_INPUT, "%s: platform.nodes%s.gpu_type: no function has an accelerator of type \"%s\"",
				  s->path, at, n->groups[g].gpu_type);
	}
	return 0;
}

int nodes_finish(struct scenario *s, const char *path, struct errbuf *err)
{
	struct nodes_cfg *n = s->platform.nodes;
	if (!n)
		return 0;
	n->models = calloc(s->n_functions + 1, sizeof(*n->models));
	n->model_size_gb = calloc(s->n_functions + 1, sizeof(*n->model_size_gb));
	uint32_t *first = calloc(s->n_functions + 1, sizeof(*first));
	int rc = n->models && n->model_size_gb && first ? 0 : errbuf_set(err, ERR_RUNTIME, "out of memory");
	for (size_t i = 0; rc == 0 && i < s->n_functions; i++) {
		struct function_cfg *f = &s->functions[i];
		size_t other = 0;
		if (!f->placed)
			continue;
		long k = model_number(n, f, i, first, &other);
		if (k < 0)
			rc = errbuf_set(err, ERR_INPUT, "%s[%zu].model: model \"%s\" of %g GB, but function \"%s\" gives it %g GB",
					path, i, f->model_name, f->model_size_gb, s->functions[other].name,
					s->functions[other].model_size_gb);
		f->model = (uint32_t)k;
	}
	free(first);
	return rc < 0 ? rc : check_types_used(s, err);
}

void nodes_free(struct nodes_cfg *n)
{
	if (!n)
		return;
	for (uint32_t g = 0; g < n->n_groups; g++)
		free(n->groups[g].gpu_type);
	free(n->groups);
	free(n->models);   /* the names belong to the functions */
	free(n->model_size_gb);
	free(n);
}
