/*
 * sweep: parameter sweeps over a scenario.
 *
 * Owns the grid (axes of values for scenario paths, from --grid arguments or
 * the scenario's "sweep" section), the numbering of its points (the Cartesian
 * product, first axis varying slowest), each point's scenario (the base
 * document with the point's seed and grid values applied as --set
 * assignments), running points x replications on OpenMP threads with results
 * folded in replication order, shards (points with index mod N = K),
 * sweep.json, the rows of sweep.csv (its layout is sim/experiment/points.h's)
 * and merging shard outputs into the output of the unsharded sweep, byte for
 * byte.
 *
 * A point's seed is rng_seed_for(scenario seed, 0, point, RNG_SWEEP) >> 1
 * (63 bits, a valid "seed"), unless the sweep uses common random numbers
 * (every point keeps the scenario's seed) or the grid itself sweeps "seed".
 * Every number of a point is therefore the same whatever the thread count,
 * the shard split or the number of MPI ranks, and equal to `slsim run` of
 * that point's scenario.
 */
#ifndef SLSIM_SWEEP_H
#define SLSIM_SWEEP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "core/errbuf.h"
#include "run/stats.h"

/* Documented limits (README.md). */
#define SWEEP_MAX_POINTS 10000000u
#define SWEEP_MAX_AXES 32u
#define SWEEP_MAX_SHARDS 1000000u

struct sweep_axis {
	char *path;          /* as in --set: functions[0].keepalive.ttl_s */
	size_t n_values;
	json_t **values;     /* owned references */
	/* A variant axis ("variants" in the sweep section): values are the
	 * variants' names, path only names the column, and each variant sets
	 * several paths at once: variants = {NAME: {PATH: VALUE, ...}, ...}
	 * (owned; NULL for a plain axis). */
	json_t *variants;
};

/* A point whose status is not plain "ok" (points.h: sweep.csv's status). */
struct sweep_note {
	uint64_t point;
	char *status;               /* "infeasible: <why>" or "ok (memory_fit: ...)" (owned) */
};

struct sweep {
	char *scenario_path;
	char *name;                 /* the scenario's name */
	json_t *base;               /* the document after --set, without "sweep" */
	char scenario_hash[32];     /* of base (canonical JSON), to match shards */
	uint64_t seed;              /* the scenario's */
	int common_seed;            /* every point keeps `seed` */
	int grid_has_seed;          /* an axis sweeps "seed" itself */
	size_t n_axes;
	struct sweep_axis *axes;
	uint64_t n_points;
	uint32_t shard_index, shard_count;   /* 0/1 unless --shard K/N */
	/* Status notes from sweep_load, by point: points found invalid run
	 * nothing and their rows say `infeasible: <reason>`; points memory_fit
	 * changed say which sizes they run with. */
	size_t n_notes;
	struct sweep_note *notes;
};

/* Reads the scenario, applies the --set assignments, and builds the grid
 * from the --grid arguments ("PATH=V1,V2,..." or "PATH=START:STOP:STEP") or,
 * when there are none, from the document's "sweep" section. Every point is
 * validated before anything runs: one the scenario rejects is recorded as
 * infeasible (sweep_infeasible) and the others still run. Bad input is
 * ERR_INPUT with a message naming the argument, the JSON path or the point;
 * so is a grid whose every point is invalid. */
int sweep_load(struct sweep *sw, const char *scenario_path, const char *const *sets, size_t n_sets,
	       const char *const *grids, size_t n_grids, int common_seed, struct errbuf *err);
void sweep_free(struct sweep *sw);

/* Why the point is infeasible (its validation message), or NULL. */
const char *sweep_infeasible(const struct sweep *sw, uint64_t point);
/* The point's status text for sweep.csv; NULL for plain "ok". */
const char *sweep_status(const struct sweep *sw, uint64_t point);

/* Parses "K/N" (0 <= K < N <= SWEEP_MAX_SHARDS) into the sweep. */
int sweep_set_shard(struct sweep *sw, const char *spec, struct errbuf *err);

/* The point's seed and its scenario document (caller decrefs). */
uint64_t sweep_point_seed(const struct sweep *sw, uint64_t point);
int sweep_point_doc(const struct sweep *sw, uint64_t point, json_t **out, struct errbuf *err);
/* "PATH=VALUE" of axis a at point, as --set takes it, into buf (a variant
 * axis: "PATH=NAME", its label). */
void sweep_point_assignment(const struct sweep *sw, uint64_t point, size_t a, char *buf, size_t size);
/* The --set assignments axis a makes at point: 1 for a plain axis, one per
 * path its variant sets for a variant axis; the k-th into buf. */
size_t sweep_point_n_sets(const struct sweep *sw, uint64_t point, size_t a);
void sweep_point_set(const struct sweep *sw, uint64_t point, size_t a, size_t k, char *buf, size_t size);

/* One finished point: means and 95 % half-widths of every totals figure. */
struct sweep_row {
	uint64_t point;
	double mean[FIG_COUNT];
	double ci95[FIG_COUNT];
};

struct sweep_progress {
	uint64_t done, total;       /* points */
	double started_wall;
	double next_wall;
};

struct sweep_options {
	int threads;                       /* 0: OpenMP's default */
	struct sweep_progress *progress;   /* NULL: silent */
	/* Optional: a non-zero *stop (set by a signal handler) ends the sweep
	 * after the points already complete; sweep_write keeps their rows. */
	const volatile sig_atomic_t *stop;
	/* sweep_write: keep the rows of an earlier, interrupted run of the
	 * same sweep in the output folder and run only the points after them. */
	int resume;
};

/* Runs the points offset + k*stride for k in [k0, k0 + n) that exist (below
 * n_points), all their replications spread over OpenMP threads, and stores
 * their rows in point order in rows[0 .. *n_rows). Errors name the point. */
int sweep_run_points(const struct sweep *sw, uint64_t offset, uint64_t stride, uint64_t k0,
		     size_t n, const struct sweep_options *opt, struct sweep_row *rows,
		     size_t *n_rows, struct errbuf *err);
/* How many points offset + k*stride exist. */
uint64_t sweep_count_points(const struct sweep *sw, uint64_t offset, uint64_t stride);

/* sweep.csv (points_csv_header and points_csv_row): the header, and one
 * row; -1 when out of memory. */
void sweep_csv_header(FILE *fp, const struct sweep *sw);
int sweep_csv_row(FILE *fp, const struct sweep *sw, const struct sweep_row *row);
/* sweep.json: what identifies the sweep and the shard (caller decrefs). */
json_t *sweep_meta_json(const struct sweep *sw);
/* Writes doc as sweep.json into dir. */
int sweep_write_meta(const char *dir, const json_t *doc, struct errbuf *err);

/* Runs the sweep's shard and writes sweep.csv (streamed, renamed into place
 * when complete) and sweep.json into dir. When opt->stop interrupts it, the
 * rows of the points completed so far (a prefix in point order) are written,
 * sweep.json says "interrupted": true, and the result is ERR_INTERRUPTED;
 * with opt->resume a later call continues from there, and the finished
 * sweep.csv is byte-identical to an uninterrupted run's. */
int sweep_write(const char *dir, const struct sweep *sw, const struct sweep_options *opt,
		struct errbuf *err);

/* Joins the outputs of shards 0..N-1 of one sweep (one folder each, any
 * order) into out_dir, identical to the unsharded sweep's. Refuses folders
 * of different sweeps, missing or duplicate shards, and rows that are
 * missing, repeated or out of place, with ERR_INPUT. */
int sweep_merge(const char *const *dirs, size_t n_dirs, const char *out_dir, struct errbuf *err);

#endif
