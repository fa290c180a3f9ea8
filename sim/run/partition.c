#include "run/partition.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "core/engine.h"
#include "platform/platform.h"
#include "run/drive.h"
#include "run/workload.h"

/* Functions per group: their records (platform, statistics, configuration,
 * instances) stay in the caches while a window's requests of the group run
 * (on the azure-day benchmark 16 and 32 are ~3% faster than 64, 128 ~2%
 * slower). */
#define PART_FUNCTIONS RUN_GROUP_FUNCTIONS
/* Arrivals per window (24 bytes each: 100 MB at most): each window fetches
 * the records of its groups' functions again, so larger windows are faster
 * (on the azure-day benchmark 2^20 is ~10% faster than 2^18, 2^22 another
 * ~4%), and they bound the memory a window holds. */
#define PART_WINDOW_ARRIVALS (1u << 22)
/* Arrivals read ahead of routing. */
#define PULL_AHEAD 4u

/* A window's arrivals of one group come in blocks (the last one partly
 * filled), so routing copies each arrival once and a window holds at most
 * PART_WINDOW_ARRIVALS arrivals plus one block per group. */
#define BLOCK_ARRIVALS 510u
/* What a window keeps of an arrival: all but an LLM request's tokens
 * (scenarios with LLM functions are not partitioned: partition_possible),
 * so that a window's arrivals take 24 bytes each. */
struct part_arrival {
	double t_s;
	uint32_t function;
	double duration_s;
};
struct arrival_block {
	struct arrival_block *next;
	size_t n;
	struct part_arrival a[BLOCK_ARRIVALS];
};

/* A group of functions simulated apart. */
struct part {
	uint32_t first_fn, end_fn;
	struct engine *engine;
	struct platform *platform;
	struct arrival_block *head, *tail;   /* this window's arrivals */
	/* The tail's free slots [fill, fill_end): appending touches neither
	 * the block's header nor its count (set when the block is read). */
	struct part_arrival *fill, *fill_end;
};

/* A change of the instances alive, waiting for the all-function peak. */
struct level_change {
	double t_s;
	int32_t delta;
	uint32_t order;
};

/* One partitioned replication. */
struct part_run {
	struct drive d;             /* first (see drive.h) */
	struct workload *workload;
	struct part *parts;
	size_t n_parts;
	struct arrival_block *free_blocks; /* blocks of arrivals for reuse */
	/* The window's changes of the instances alive, each group's in time
	 * order, group after group; run_ends: where each group's end. */
	struct level_change *changes;
	size_t n_changes, cap_changes;
	size_t *run_ends, n_runs;
};

/* The workload's arrivals, PULL_AHEAD of them read ahead: an arrival is
 * copied into its group's block a few reads after a source wrote it, when
 * those stores are complete (copying it at once stalls on store
 * forwarding). rc holds each read's result; after the last arrival, 0 or
 * the error. */
struct pull_ring {
	struct arrival a[PULL_AHEAD];
	int rc[PULL_AHEAD], last_rc;
	unsigned cur;
};

int partition_possible(const struct scenario *sc)
{
	for (size_t i = 0; i < sc->n_functions; i++)
		if (sc->functions[i].llm.prof)
			return 0;
	/* GPU nodes are shared by every placed function. */
	return sc->platform.pool_memory_mb == 0 && !sc->platform.nodes;
}

static void blocks_free(struct arrival_block *b)
{
	for (struct arrival_block *nb; b; b = nb) {
		nb = b->next;
		free(b);
	}
}

/* Everything but the measurements (pr->d.c). */
static void part_run_free(struct part_run *pr)
{
	workload_free(pr->workload);
	for (size_t i = 0; pr->parts && i < pr->n_parts; i++) {
		platform_free(pr->parts[i].platform);
		engine_free(pr->parts[i].engine);
		blocks_free(pr->parts[i].head);
	}
	free(pr->parts);
	blocks_free(pr->free_blocks);
	free(pr->changes);
	free(pr->run_ends);
}

static int changes_push(struct part_run *pr, double t_s, int32_t delta)
{
	if (pr->n_changes == pr->cap_changes) {
		size_t cap = pr->cap_changes ? 2 * pr->cap_changes : 4096;
		void *q = realloc(pr->changes, cap * sizeof(*pr->changes));
		if (!q)
			return -1;
		pr->changes = q;
		pr->cap_changes = cap;
	}
	pr->changes[pr->n_changes] = (struct level_change){ t_s, delta, (uint32_t)pr->n_changes };
	pr->n_changes++;
	return 0;
}

/* The groups' observer's alive_change (ctx: the struct part_run, whose
 * first member is the collector the other calls get): the all-function
 * level waits for the window's end (changes_apply). */
static void on_alive(void *ctx, uint32_t fn, double now_s, int delta, uint32_t alive_before)
{
	struct part_run *pr = ctx;
	collect_fn_alive(&pr->d.c, fn, now_s, delta, alive_before);
	if (changes_push(pr, now_s, delta) < 0)
		pr->d.c.failed = errbuf_set(pr->d.err, ERR_RUNTIME, "out of memory recording instance counts");
}

static void end_of_window(void *ctx, uint64_t arg)
{
	(void)ctx;
	(void)arg;
}

/* Makes group i: functions [i * PART_FUNCTIONS, ...) on their own engine
 * and platform, whose clock reaches duration_s as one platform's would. */
static int part_start(struct part_run *pr, size_t i, const struct platform_observer *obs)
{
	const struct scenario *sc = pr->d.sc;
	struct part *g = &pr->parts[i];
	g->first_fn = (uint32_t)(i * PART_FUNCTIONS);
	g->end_fn = (uint32_t)((i + 1) * PART_FUNCTIONS < sc->n_functions ? (i + 1) * PART_FUNCTIONS
									 : sc->n_functions);
	if (!(g->engine = engine_new(0)))
		return errbuf_set(pr->d.err, ERR_RUNTIME, "out of memory starting replication %u", pr->d.replication);
	g->platform = platform_new_range(sc, g->first_fn, g->end_fn, g->engine, pr->d.replication, obs, pr->d.err);
	if (!g->platform)
		return ERR_RUNTIME;
	if (!engine_at(g->engine, sc->duration_s, end_of_window, pr, 0))
		return errbuf_set(pr->d.err, ERR_RUNTIME, "out of memory starting replication %u", pr->d.replication);
	return 0;
}

/* The groups, and the workload in pull mode. */
static int part_run_start(struct part_run *pr, const struct run_options *opt)
{
	const struct scenario *sc = pr->d.sc;
	uint32_t rep = pr->d.replication;
	pr->n_parts = (sc->n_functions + PART_FUNCTIONS - 1) / PART_FUNCTIONS;
	pr->parts = calloc(pr->n_parts ? pr->n_parts : 1, sizeof(*pr->parts));
	pr->run_ends = calloc(pr->n_parts ? pr->n_parts : 1, sizeof(*pr->run_ends));
	if (!pr->parts || !pr->run_ends)
		return errbuf_set(pr->d.err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	struct platform_observer obs = collect_observer(&pr->d.c);
	obs.ctx = pr;
	obs.alive_change = on_alive;
	int rc;
	for (size_t i = 0; i < pr->n_parts; i++)
		if ((rc = part_start(pr, i, &obs)) < 0)
			return rc;
	if ((rc = workload_new(sc, NULL, rep, NULL, NULL, &pr->workload, pr->d.err)) < 0)
		return rc;
	if (opt && opt->add_sources && (rc = opt->add_sources(opt->sources_ctx, pr->workload, sc, rep, pr->d.err)) < 0)
		return rc;
	return 0;
}

/* The account pool was never full if the groups' own peaks, added up,
 * stay within what reserved concurrency leaves of it; otherwise a group
 * might have been refused a slot. */
static int pool_maybe_full(const struct part_run *pr)
{
	uint64_t in_flight = 0;
	for (size_t g = 0; g < pr->n_parts; g++)
		in_flight += platform_peak_shared_in_flight(pr->parts[g].platform);
	return in_flight + pr->d.sc->platform.reserved_total > pr->d.sc->platform.account_concurrency;
}

static int level_change_cmp(const void *pa, const void *pb)
{
	const struct level_change *a = pa, *b = pb;
	if (a->t_s != b->t_s)
		return a->t_s < b->t_s ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* The window's changes of the instances alive, from every group, in time
 * order (equal times: group order, then each group's own order). */
static void changes_apply(struct part_run *pr)
{
	struct collect *c = &pr->d.c;
	/* Each group's changes are in time order: whatever the merged order,
	 * the level never exceeds the current one plus the groups' highest
	 * partial sums. When that cannot pass the peak, only the level at the
	 * end and the time of the last change matter: no sort. */
	int64_t net = 0, bound = c->all_level;
	double last_s = c->all_last_s;
	for (size_t r = 0, i = 0; r < pr->n_runs; r++) {
		int64_t sum = 0, high = 0;
		for (; i < pr->run_ends[r]; i++) {
			sum += pr->changes[i].delta;
			if (sum > high)
				high = sum;
			if (pr->changes[i].t_s > last_s)
				last_s = pr->changes[i].t_s;
		}
		net += sum;
		bound += high;
	}
	pr->n_runs = 0;
	if (bound <= (int64_t)c->all_peak) {
		c->all_level = (uint32_t)((int64_t)c->all_level + net);
		c->all_last_s = last_s;
		pr->n_changes = 0;
		return;
	}
	qsort(pr->changes, pr->n_changes, sizeof(*pr->changes), level_change_cmp);
	for (size_t i = 0; i < pr->n_changes; i++)
		collect_all_change(c, pr->changes[i].t_s, pr->changes[i].delta);
	pr->n_changes = 0;
}

/* Appends arrival a to group p's arrivals of the window. */
static int part_append(struct part_run *pr, struct part *p, const struct arrival *a)
{
	if (p->fill == p->fill_end) {
		struct arrival_block *blk = pr->free_blocks;
		if (blk)
			pr->free_blocks = blk->next;
		else if (!(blk = malloc(sizeof(*blk))))
			return -1;
		blk->next = NULL;
		blk->n = BLOCK_ARRIVALS;
		if (p->tail)
			p->tail->next = blk;
		else
			p->head = blk;
		p->tail = blk;
		p->fill = blk->a;
		p->fill_end = blk->a + BLOCK_ARRIVALS;
	}
	*p->fill++ = (struct part_arrival){ a->t_s, a->function, a->duration_s };
	/* The group's next arrival goes here, probably hundreds of arrivals
	 * later: fetch the line for writing now. */
	if (p->fill < p->fill_end)
		__builtin_prefetch(p->fill, 1);
	return 0;
}

/* Group p's failure after running, if any: an observer's, the platform's,
 * then the engine's. */
static int part_status(struct part_run *pr, const struct part *p)
{
	if (pr->d.c.failed)
		return pr->d.c.failed;
	if (platform_status(p->platform) < 0)
		return ERR_RUNTIME;     /* its message is there */
	if (engine_failed(p->engine))
		return errbuf_set(pr->d.err, ERR_RUNTIME, "replication %u: %s", pr->d.replication,
				  engine_failed(p->engine));
	return 0;
}

/* Runs group p's arrivals of the window and its timers due before end_s
 * (all of them when end_s is INFINITY), and gives its blocks back. */
static int part_run_window(struct part_run *pr, struct part *p, double end_s)
{
	int rc;
	if (p->tail)
		p->tail->n = (size_t)(p->fill - p->tail->a);
	while (p->head) {
		struct arrival_block *blk = p->head;
		for (size_t a = 0; a < blk->n; a++) {
			const struct part_arrival *ar = &blk->a[a];
			engine_run_to(p->engine, ar->t_s);
			if ((rc = platform_arrive(p->platform, ar->function, ar->duration_s,
						  ar->t_s >= pr->d.sc->warmup_s, pr->d.err)) < 0)
				return rc;
			if (pr->d.c.failed)
				return pr->d.c.failed;
		}
		engine_count(p->engine, blk->n);
		p->head = blk->next;
		blk->next = pr->free_blocks;
		pr->free_blocks = blk;
	}
	p->tail = NULL;
	p->fill = p->fill_end = NULL;
	if (end_s == INFINITY)
		engine_run(p->engine);
	else
		engine_run_through(p->engine, nextafter(end_s, -INFINITY));
	if ((rc = part_status(pr, p)) < 0)
		return rc;
	pr->run_ends[pr->n_runs++] = pr->n_changes;
	return 0;
}

static void ring_fill(struct part_run *pr, struct pull_ring *r)
{
	r->last_rc = 1;
	r->cur = 0;
	for (unsigned k = 0; k < PULL_AHEAD; k++)
		r->rc[k] = r->last_rc > 0 ? (r->last_rc = workload_pull(pr->workload, &r->a[k])) : r->last_rc;
}

/* Reads up to `window` arrivals (more to finish a time) into their groups'
 * blocks. Returns what the next read gave: 1 (the next arrival is r's
 * current one), 0 (no more) or the workload's error; or ERR_RUNTIME. */
static int read_window(struct part_run *pr, struct pull_ring *r, uint32_t window)
{
	/* The ring's position and last result in registers while reading. */
	unsigned cur = r->cur;
	int last_rc = r->last_rc, have = r->rc[cur];
	const struct arrival *next = &r->a[cur];
	size_t n = 0;
	double last_t = -INFINITY;
	while (have > 0 && (n < window || next->t_s == last_t)) {
		if (part_append(pr, &pr->parts[next->function / PART_FUNCTIONS], next) < 0)
			return errbuf_set(pr->d.err, ERR_RUNTIME, "out of memory reading arrivals");
		last_t = next->t_s;
		n++;
		r->rc[cur] = last_rc > 0 ? (last_rc = workload_pull(pr->workload, &r->a[cur])) : last_rc;
		cur = (cur + 1) % PULL_AHEAD;
		next = &r->a[cur];
		have = r->rc[cur];
	}
	r->cur = cur;
	r->last_rc = last_rc;
	return have;
}

/* Runs the windows until the arrivals end, or until the account pool may
 * have been full (*outcome). */
static int run_windows(struct part_run *pr, uint32_t window, enum partition_outcome *outcome)
{
	struct pull_ring r;
	ring_fill(pr, &r);
	int rc;
	if ((rc = r.rc[0]) < 0)
		return rc;
	for (;;) {
		if (pr->d.stop && *pr->d.stop)
			return errbuf_set(pr->d.err, ERR_INTERRUPTED, "interrupted");
		int have = read_window(pr, &r, window);
		if (have < 0)
			return have;
		double end_s = have > 0 ? r.a[r.cur].t_s : INFINITY;
		for (size_t g = 0; g < pr->n_parts; g++)
			if ((rc = part_run_window(pr, &pr->parts[g], end_s)) < 0)
				return rc;
		collect_lat_flush(&pr->d.c);
		if (pool_maybe_full(pr)) {
			*outcome = PARTITION_SERIAL_NEEDED;   /* no use going on */
			return 0;
		}
		changes_apply(pr);
		drive_progress(&pr->d, end_s == INFINITY ? pr->d.sc->duration_s : end_s,
			       workload_arrivals(pr->workload));
		if (end_s == INFINITY)
			return 0;
	}
}

/* Every group ends when the whole run does, as one platform would. */
static int finish_groups(struct part_run *pr)
{
	const struct scenario *sc = pr->d.sc;
	double last_s = sc->duration_s;
	for (size_t g = 0; g < pr->n_parts; g++)
		if (engine_now(pr->parts[g].engine) > last_s)
			last_s = engine_now(pr->parts[g].engine);
	collect_close_provisioned(&pr->d.c, sc->duration_s);
	for (size_t g = 0; g < pr->n_parts; g++) {
		engine_advance(pr->parts[g].engine, last_s);
		platform_finish(pr->parts[g].platform);
		pr->d.c.events += engine_fired(pr->parts[g].engine);
		pr->run_ends[pr->n_runs++] = pr->n_changes;
	}
	changes_apply(pr);
	if (pr->d.c.failed)
		return pr->d.c.failed;
	for (size_t g = 0; g < pr->n_parts; g++)
		if (platform_status(pr->parts[g].platform) < 0)
			return ERR_RUNTIME;
	return 0;
}

/* The groups run side by side, window by window: the workload's arrivals
 * are read in order up to a window of them (PART_WINDOW_ARRIVALS; a window
 * never splits arrivals of the same time), then each group runs its own
 * arrivals and timers up to the window's end. A group's timers due at an
 * arrival's time fire before it. Each function sees the same events in the
 * same order as in one platform, so its figures are the same; only the
 * all-function peak needs the groups' changes merged, window by window. */
int partition_run(const struct scenario *sc, uint32_t rep, const struct run_options *opt,
		  struct collect *out, enum partition_outcome *outcome, struct errbuf *err)
{
	*outcome = PARTITION_DONE;
	struct part_run *pr = calloc(1, sizeof(*pr));
	if (!pr)
		return errbuf_set(err, ERR_RUNTIME, "out of memory starting replication %u", rep);
	uint32_t window = opt && opt->window_arrivals ? opt->window_arrivals : PART_WINDOW_ARRIVALS;
	int rc = drive_init(&pr->d, sc, rep, opt, err);
	if (rc == 0)
		rc = part_run_start(pr, opt);
	if (rc == 0)
		rc = run_windows(pr, window, outcome);
	/* Groups that may not have been independent are never finished. */
	if (rc == 0 && *outcome == PARTITION_DONE && pool_maybe_full(pr))
		*outcome = PARTITION_SERIAL_NEEDED;
	int done = rc == 0 && *outcome == PARTITION_DONE;
	if (done)
		rc = finish_groups(pr);
	part_run_free(pr);
	drive_end(&pr->d, done && rc == 0 ? out : NULL);
	free(pr);
	return rc;
}
