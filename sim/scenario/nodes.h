/*
 * nodes: a scenario's GPU servers and the models placed on them.
 *
 * Owns platform.nodes (one node group or a list of them: count, GPUs, GPU
 * type, DRAM and SSD capacities, tier bandwidths, defaults from
 * models/data/storage.json), platform.placement, and functions[i].model
 * (the weights an instance of an accelerated function loads: a name shared
 * by functions that load the same checkpoint, and a size), validated with
 * JSON paths. The platform's node.c simulates them; models/README.md,
 * "GPU nodes", describes the model.
 */
#ifndef SLSIM_SCENARIO_NODES_H
#define SLSIM_SCENARIO_NODES_H

#include <stdint.h>
#include <jansson.h>
#include "core/errbuf.h"
#include "models/storage.h"

#define NODES_MAX_GROUPS 64u
#define NODES_MAX 100000u

enum placement { PLACE_FIRST_FIT, PLACE_LOCALITY, PLACE_RANDOM };

struct node_group {
	uint32_t count, gpus;
	char *gpu_type;                    /* NULL: any accelerator type */
	double dram_gb, ssd_gb;            /* cache capacities (GB = 1,024 MB) */
	double gb_per_s[STORAGE_TIERS];    /* read bandwidth of each tier */
	uint32_t first;                    /* number of its first node */
};

struct nodes_cfg {
	struct node_group *groups;
	uint32_t n_groups, n_nodes;
	int listed;                        /* platform.nodes was an array (for messages) */
	enum placement placement;
	/* The distinct models of the placed functions, in order of first use. */
	char **models;
	double *model_size_gb;
	uint32_t n_models;
};

struct scenario;
struct function_cfg;

/* platform.nodes and platform.placement of obj (the platform object, may
 * be NULL; where its path) into s->platform.nodes (left NULL without
 * "nodes"). */
int nodes_parse_platform(struct scenario *s, const json_t *obj, const char *where, struct errbuf *err);
/* functions[i].model and the node groups that can hold f (obj its JSON,
 * where its path); after its accelerator and cold start are read. */
int nodes_parse_function(struct scenario *s, struct function_cfg *f, const json_t *obj, const char *where,
			 struct errbuf *err);
/* After every function is read: numbers the models (one size per name).
 * `path` names the functions for messages. */
int nodes_finish(struct scenario *s, const char *path, struct errbuf *err);
void nodes_free(struct nodes_cfg *n);

#endif
