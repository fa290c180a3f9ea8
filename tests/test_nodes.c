/*
 * GPU nodes (platform.nodes, sim/platform/node.c, sim/scenario/nodes.c):
 * hand-computed cold starts. Every case has a constant 1-s start before the
 * load (cold_start "add"), 2-s requests, 8-GB models and the bandwidths
 * remote 1, SSD 2, DRAM 8 GB/s, so a load alone takes 8, 4 or 1 s and a
 * cold request's init is 9, 5 or 2 s. Requests arrive at chosen times on a
 * platform of their own and their results are read one by one.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "suites.h"
#include "testutil.h"
#include "core/engine.h"
#include "platform/platform.h"

#define MAX_REQ 16

static double erlang_b(int c, double a)
{
	double b = 1;
	for (int k = 1; k <= c; k++)
		b = a * b / (k + a * b);
	return b;
}

struct node_log {
	uint32_t n;
	struct request_result r[MAX_REQ];
	struct platform_model_loads loads;
};

static void log_result(void *ctx, const struct request_result *res)
{
	struct node_log *l = ctx;
	ck_assert_uint_lt(res->tag, MAX_REQ);
	l->r[res->tag] = *res;
	l->n++;
}

/* A function of model `model` (8 GB) with a keep-alive of ttl_s. */
#define FN(name, model, ttl) \
	"{\"name\": \"" name "\", \"memory_mb\": 16384, \"accelerator\": {\"type\": \"nvidia-a100-80gb\"}," \
	" \"model\": {\"name\": \"" model "\", \"size_gb\": 8}," \
	" \"service\": {\"dist\": \"constant\", \"value_s\": 2}," \
	" \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 1}}," \
	" \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": " #ttl "}," \
	" \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}"
/* The same with its model's size in GB. */
#define FNS(name, model, size) \
	"{\"name\": \"" name "\", \"memory_mb\": 16384, \"accelerator\": {\"type\": \"nvidia-a100-80gb\"}," \
	" \"model\": {\"name\": \"" model "\", \"size_gb\": " #size "}," \
	" \"service\": {\"dist\": \"constant\", \"value_s\": 2}," \
	" \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 1}}," \
	" \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 1}," \
	" \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}"
#define BW "\"bandwidth\": {\"remote_gb_per_s\": 1, \"ssd_gb_per_s\": 2, \"dram_gb_per_s\": 8}"

/* Runs the scenario (nodes: platform.nodes; placement; the functions) on
 * its own platform: request k of function fn[k] arrives at t_s[k]. */
static void run_nodes(const char *nodes, const char *placement, const char *functions, uint64_t seed,
		      const double *t_s, const uint32_t *fn, uint32_t n, struct node_log *log)
{
	char text[8192];
	snprintf(text, sizeof(text), "{\"seed\": %llu, \"duration_s\": 1e6, \"timeseries_interval_s\": 1e5,"
		 " \"provider\": \"runpod-flex\", \"platform\": {\"nodes\": %s, \"placement\": \"%s\"},"
		 " \"functions\": [%s]}", (unsigned long long)seed, nodes, placement, functions);
	struct scenario sc;
	tu_load(text, "nodes.json", &sc);
	struct errbuf err = { "" };
	struct engine *e = engine_new(0);
	struct platform_observer obs = { .ctx = log, .request_done = log_result };
	struct platform *p = platform_new(&sc, e, 0, &obs, &err);
	ck_assert_ptr_nonnull(p);
	log->n = 0;
	for (uint32_t k = 0; k < n; k++) {
		engine_run_to(e, t_s[k]);
		ck_assert_int_eq(platform_arrive(p, fn[k], NAN, k, &err), 0);
	}
	engine_run(e);
	ck_assert_int_eq(platform_status(p), 0);
	platform_finish(p);
	platform_model_loads(p, &log->loads);
	platform_free(p);
	engine_free(e);
	scenario_free(&sc);
	ck_assert_uint_eq(log->n, n);
}

/* Request k was cold, completed, and waited init_s before its 2-s run. */
static void assert_cold(const struct node_log *l, uint32_t k, double init_s)
{
	const struct request_result *r = &l->r[k];
	ck_assert_msg(r->outcome == REQ_COMPLETED && r->cold, "request %u: outcome %d, cold %d", k, r->outcome, r->cold);
	ck_assert_msg(fabs(r->init_s - init_s) < 1e-9, "request %u: init %.17g s, want %g", k, r->init_s, init_s);
	ck_assert_double_eq_tol(r->end_s, r->arrival_s + init_s + 2, 1e-9);
}

static void assert_loads(const struct node_log *l, uint64_t remote, uint64_t ssd, uint64_t dram, double seconds_remote,
			 double seconds_ssd, double seconds_dram)
{
	ck_assert_uint_eq(l->loads.count[STORAGE_REMOTE], remote);
	ck_assert_uint_eq(l->loads.count[STORAGE_SSD], ssd);
	ck_assert_uint_eq(l->loads.count[STORAGE_DRAM], dram);
	ck_assert_double_eq_tol(l->loads.seconds[STORAGE_REMOTE], seconds_remote, 1e-9);
	ck_assert_double_eq_tol(l->loads.seconds[STORAGE_SSD], seconds_ssd, 1e-9);
	ck_assert_double_eq_tol(l->loads.seconds[STORAGE_DRAM], seconds_dram, 1e-9);
}

/* First load from the remote store (8 GB / 1 GB/s), the second from DRAM
 * (8 / 8): 1 + 8 and 1 + 1 s of init; the instance expired in between. */
START_TEST(load_from_remote_then_dram)
{
	static const double t[] = { 0, 100 };
	static const uint32_t fn[] = { 0, 0 };
	struct node_log l;
	run_nodes("{\"gpus\": 1, \"dram_gb\": 100, \"ssd_gb\": 100, " BW "}", "first-fit", FN("f", "m", 1), 1, t, fn, 2, &l);
	assert_cold(&l, 0, 9);
	assert_cold(&l, 1, 2);
	assert_loads(&l, 1, 0, 1, 8, 0, 1);
}
END_TEST

/* DRAM too small for the model (not cached there): the second load reads
 * the SSD, 8 / 2 = 4 s. */
START_TEST(load_from_ssd_when_dram_too_small)
{
	static const double t[] = { 0, 100 };
	static const uint32_t fn[] = { 0, 0 };
	struct node_log l;
	run_nodes("{\"gpus\": 1, \"dram_gb\": 7, \"ssd_gb\": 100, " BW "}", "first-fit", FN("f", "m", 1), 1, t, fn, 2, &l);
	assert_cold(&l, 0, 9);
	assert_cold(&l, 1, 5);
	assert_loads(&l, 1, 1, 0, 8, 4, 0);
}
END_TEST

/* Two loads from the remote store at once on one node (two GPUs): each
 * reads at 1/2 GB/s and takes 16 s instead of 8. */
START_TEST(two_concurrent_loads_take_twice_as_long)
{
	static const double t[] = { 0, 0 };
	static const uint32_t fn[] = { 0, 1 };
	struct node_log l;
	run_nodes("{\"gpus\": 2, \"dram_gb\": 100, \"ssd_gb\": 100, " BW "}", "first-fit",
		  FN("f", "a", 1) "," FN("g", "b", 1), 1, t, fn, 2, &l);
	assert_cold(&l, 0, 17);
	assert_cold(&l, 1, 17);
	assert_loads(&l, 2, 0, 0, 32, 0, 0);
}
END_TEST

/* Staggered: load A starts at 1 s, B at 5 s (arrived at 4). A reads 4 GB
 * alone, then both read at 1/2 GB/s: A's last 4 GB take 8 s (ends at 13,
 * init 13); B has 4 GB left then and reads them alone (ends at 17, init
 * 13). The same model twice: a load in flight is not a copy on the node. */
START_TEST(staggered_loads_share_while_they_overlap)
{
	static const double t[] = { 0, 4 };
	static const uint32_t fn[] = { 0, 0 };
	struct node_log l;
	run_nodes("{\"gpus\": 2, \"dram_gb\": 100, \"ssd_gb\": 100, " BW "}", "first-fit", FN("f", "m", 1), 1, t, fn, 2, &l);
	assert_cold(&l, 0, 13);
	assert_cold(&l, 1, 13);
	assert_loads(&l, 2, 0, 0, 12 + 12, 0, 0);
}
END_TEST

/* Three loads of 2, 4 and 6 GB start together from the remote store
 * (1 GB/s, three GPUs): each reads at 1/3 GB/s until the 2-GB one ends
 * (6 s), the other two at 1/2 GB/s for their next 2 GB (the 4-GB one ends
 * 4 s later, at 10 s), the last alone for its last 2 GB (12 s): inits 1 +
 * 6, 1 + 10, 1 + 12. */
START_TEST(unequal_loads_processor_sharing)
{
	static const double t[] = { 0, 0, 0 };
	static const uint32_t fn[] = { 2, 1, 0 };
	struct node_log l;
	run_nodes("{\"gpus\": 3, \"dram_gb\": 100, \"ssd_gb\": 100, " BW "}", "first-fit",
		  FNS("f", "a", 6) "," FNS("g", "b", 4) "," FNS("h", "c", 2), 1, t, fn, 3, &l);
	assert_cold(&l, 0, 7);
	assert_cold(&l, 1, 11);
	assert_cold(&l, 2, 13);
	assert_loads(&l, 3, 0, 0, 6 + 10 + 12, 0, 0);
}
END_TEST

/* Two functions naming one model (adapters on one base checkpoint): the
 * second's cold start finds it in DRAM. */
START_TEST(shared_model_cached_once)
{
	static const double t[] = { 0, 100 };
	static const uint32_t fn[] = { 0, 1 };
	struct node_log l;
	run_nodes("{\"gpus\": 1, \"dram_gb\": 100, \"ssd_gb\": 100, " BW "}", "first-fit",
		  FN("f", "base", 1) "," FN("g", "base", 1), 1, t, fn, 2, &l);
	assert_cold(&l, 0, 9);
	assert_cold(&l, 1, 2);
}
END_TEST

/* Loads from different tiers do not share: a DRAM load (1 s) beside a
 * remote one (8 s) on the same node. g's model b is put in DRAM first. */
START_TEST(tiers_do_not_share)
{
	static const double t[] = { 0, 100, 100 };
	static const uint32_t fn[] = { 1, 0, 1 };
	struct node_log l;
	run_nodes("{\"gpus\": 2, \"dram_gb\": 100, \"ssd_gb\": 0, " BW "}", "first-fit",
		  FN("f", "a", 1) "," FN("g", "b", 1), 1, t, fn, 3, &l);
	assert_cold(&l, 0, 9);
	assert_cold(&l, 1, 9);
	assert_cold(&l, 2, 2);
}
END_TEST

/* DRAM of 16 GB holds two 8-GB models, least recently used evicted first:
 * a, b (remote; DRAM {a, b}), b again (DRAM: b now newer than a), c
 * (remote; evicts a), a (remote; evicts b), c (DRAM). */
START_TEST(dram_evicts_least_recently_used)
{
	static const double t[] = { 0, 100, 200, 300, 400, 500 };
	static const uint32_t fn[] = { 0, 1, 1, 2, 0, 2 };
	struct node_log l;
	run_nodes("{\"gpus\": 1, \"dram_gb\": 16, \"ssd_gb\": 0, " BW "}", "first-fit",
		  FN("a", "a", 1) "," FN("b", "b", 1) "," FN("c", "c", 1), 1, t, fn, 6, &l);
	static const double init[] = { 9, 9, 2, 9, 9, 2 };
	for (uint32_t k = 0; k < 6; k++)
		assert_cold(&l, k, init[k]);
	assert_loads(&l, 4, 0, 2, 32, 0, 2);
}
END_TEST

/* Two nodes of one GPU. f loads on node 0, g (arriving while f's instance
 * is busy) on node 1; both expire. g again at 100: first-fit puts it on
 * node 0 (a remote load), locality on node 1, where its model is in DRAM.
 * Then f at 101: node 0 under locality (DRAM); first-fit has g on node 0,
 * so node 1 (remote). */
START_TEST(first_fit_and_locality)
{
	static const double t[] = { 0, 1, 100, 101 };
	static const uint32_t fn[] = { 0, 1, 1, 0 };
	const char *nodes = "{\"count\": 2, \"gpus\": 1, \"dram_gb\": 100, \"ssd_gb\": 0, " BW "}";
	struct node_log l;
	run_nodes(nodes, "first-fit", FN("f", "a", 1) "," FN("g", "b", 1), 1, t, fn, 4, &l);
	assert_cold(&l, 0, 9);
	assert_cold(&l, 1, 9);
	assert_cold(&l, 2, 9);
	assert_cold(&l, 3, 9);
	run_nodes(nodes, "locality", FN("f", "a", 1) "," FN("g", "b", 1), 1, t, fn, 4, &l);
	assert_cold(&l, 0, 9);
	assert_cold(&l, 1, 9);
	assert_cold(&l, 2, 2);
	assert_cold(&l, 3, 2);
}
END_TEST

/* No node with a free GPU: an idle instance of another function gives its
 * GPU back (f's, kept 1000 s), and the request after it, arriving while g
 * is busy on the only GPU, is rejected. */
START_TEST(full_cluster_releases_idle_then_rejects)
{
	static const double t[] = { 0, 100, 101 };
	static const uint32_t fn[] = { 0, 1, 0 };
	struct node_log l;
	run_nodes("{\"gpus\": 1, \"dram_gb\": 100, \"ssd_gb\": 0, " BW "}", "first-fit",
		  FN("f", "a", 1000) "," FN("g", "b", 1000), 1, t, fn, 3, &l);
	assert_cold(&l, 0, 9);
	assert_cold(&l, 1, 9);
	ck_assert_int_eq(l.r[2].outcome, REQ_REJECTED);
}
END_TEST

/* With on_limit "queue" a request that finds no room waits for a GPU: one
 * GPU; f at 0 runs until 11 (init 9) and is then idle (kept 1,000 s); g at
 * 1 waits, and at 11 f's idle instance gives its GPU to it: g starts at 11
 * with init 9 (remote load), ends at 22. With queue_timeout_s 5, g gives
 * up at 6 (timed out, no instance). */
START_TEST(full_cluster_queues_with_on_limit_queue)
{
	static const double t[] = { 0, 1 };
	static const uint32_t fn[] = { 0, 1 };
	const char *nodes = "{\"gpus\": 1, \"dram_gb\": 100, \"ssd_gb\": 0, " BW "}, \"on_limit\": \"queue\"";
	struct node_log l;
	run_nodes(nodes, "first-fit", FN("f", "a", 1000) "," FN("g", "b", 1000), 1, t, fn, 2, &l);
	assert_cold(&l, 0, 9);
	ck_assert_double_eq(l.r[1].start_s, 11);
	ck_assert_double_eq_tol(l.r[1].init_s, 9, 1e-9);
	ck_assert_double_eq_tol(l.r[1].end_s, 22, 1e-9);
	ck_assert(l.r[1].cold && l.r[1].outcome == REQ_COMPLETED);
	run_nodes("{\"gpus\": 1, \"dram_gb\": 100, \"ssd_gb\": 0, " BW "}, \"on_limit\": \"queue\", \"queue_timeout_s\": 5",
		  "first-fit", FN("f", "a", 1000) "," FN("g", "b", 1000), 1, t, fn, 2, &l);
	ck_assert_int_eq(l.r[1].outcome, REQ_QUEUE_TIMEOUT);
	ck_assert_double_eq(l.r[1].end_s, 6);
	ck_assert(!l.r[1].cold);
}
END_TEST

/* A waiting request of a function whose instance becomes free takes it
 * warm: f at 0 (one GPU, instance idle from 11), f again at 1 waits and
 * starts warm at 11, ending at 13. */
START_TEST(waiting_request_takes_a_freed_instance)
{
	static const double t[] = { 0, 1 };
	static const uint32_t fn[] = { 0, 0 };
	struct node_log l;
	run_nodes("{\"gpus\": 1, \"dram_gb\": 100, \"ssd_gb\": 0, " BW "}, \"on_limit\": \"queue\"", "first-fit",
		  FN("f", "a", 1000), 1, t, fn, 2, &l);
	assert_cold(&l, 0, 9);
	ck_assert(!l.r[1].cold && l.r[1].outcome == REQ_COMPLETED);
	ck_assert_double_eq(l.r[1].start_s, 11);
	ck_assert_double_eq(l.r[1].end_s, 13);
}
END_TEST

/* The cluster as a loss system: 2 nodes of 2 GPUs, two functions of one
 * GPU each (Poisson 1 and 0.5 per s), instances released when their
 * request ends (keep-alive "none"), each holding its GPU for a 1-s start,
 * a load of a 0-GB model and an exponential 1-s run: a request that finds
 * the 4 GPUs busy is rejected, so the rejected fraction is Erlang's
 * B(4, 1.5 x 2) = 0.2061 whatever the holding-time distribution
 * (insensitivity; one class or two of equal demand alike). E[rejected] =
 * 1.5 x T x B by PASTA, checked to 4 standard errors over 20 replications
 * (P(|t_19| > 4) = 8e-4). */
START_TEST(full_cluster_is_erlang_b)
{
	struct scenario sc;
	struct run_result r;
	static const char *const placement[] = { "first-fit", "random" };
	for (int k = 0; k < 2; k++) {
		tu_simulatef(&sc, &r, "{\"seed\": 5, \"duration_s\": 20000, \"replications\": 20, \"provider\": \"runpod-flex\","
			     " \"platform\": {\"nodes\": {\"count\": 2, \"gpus\": 2, \"dram_gb\": 1, \"ssd_gb\": 1},"
			     " \"placement\": \"%s\"}, \"functions\": [%s, %s]}", placement[k],
			     "{\"name\": \"f\", \"memory_mb\": 16384, \"accelerator\": {\"type\": \"nvidia-a100-80gb\"},"
			     " \"model\": {\"size_gb\": 0}, \"service\": {\"dist\": \"exponential\", \"mean_s\": 1},"
			     " \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 1}},"
			     " \"keepalive\": {\"policy\": \"none\"}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}",
			     "{\"name\": \"g\", \"memory_mb\": 16384, \"accelerator\": {\"type\": \"nvidia-a100-80gb\"},"
			     " \"model\": {\"size_gb\": 0}, \"service\": {\"dist\": \"exponential\", \"mean_s\": 1},"
			     " \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 1}},"
			     " \"keepalive\": {\"policy\": \"none\"}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0.5}}");
		uint32_t n = r.totals.n_valid[FIG_REJECTED];
		double se = stats_fold_ci95(&r.totals, FIG_REJECTED) / gsl_cdf_tdist_Pinv(0.975, n - 1);
		double est = tu_fig(&r.totals, FIG_REJECTED), exact = 1.5 * 20000 * erlang_b(4, 3);
		ck_assert_msg(fabs(est - exact) <= 4 * se, "%s: rejected %.7g, exact %.7g, 4 SE %.3g", placement[k], est,
			      exact, 4 * se);
		ck_assert_double_le(tu_fig(&r.totals, FIG_INSTANCES_PEAK), 4);
		tu_done(&sc, &r);
	}
}
END_TEST

/* With on_limit "queue" the cluster is an M/M/c queue: 4 GPUs on 2 nodes,
 * Poisson 3 per s (two functions, 2 and 1 per s), no init and a 0-GB model,
 * exponential 1-s runs, instances released at once: a request waits for a
 * GPU with Erlang's C(4, 3) = 4B / (4 - 3(1 - B)) = 0.5094 (B = B(4, 3)),
 * the mean wait is C / (4 - 3) s and the mean latency 1 + C, to 4 standard
 * errors over 20 replications. */
START_TEST(queued_cluster_is_erlang_c)
{
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r, "{\"seed\": 11, \"duration_s\": 20000, \"replications\": 20, \"provider\": \"runpod-flex\","
		     " \"platform\": {\"nodes\": {\"count\": 2, \"gpus\": 2, \"dram_gb\": 1, \"ssd_gb\": 1},"
		     " \"on_limit\": \"queue\", \"queue_timeout_s\": 1e9}, \"functions\": [%s, %s]}",
		     "{\"name\": \"f\", \"memory_mb\": 16384, \"accelerator\": {\"type\": \"nvidia-a100-80gb\"},"
		     " \"model\": {\"size_gb\": 0}, \"service\": {\"dist\": \"exponential\", \"mean_s\": 1},"
		     " \"keepalive\": {\"policy\": \"none\"}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 2}}",
		     "{\"name\": \"g\", \"memory_mb\": 16384, \"accelerator\": {\"type\": \"nvidia-a100-80gb\"},"
		     " \"model\": {\"size_gb\": 0}, \"service\": {\"dist\": \"exponential\", \"mean_s\": 1},"
		     " \"keepalive\": {\"policy\": \"none\"}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}");
	double b = erlang_b(4, 3), c = 4 * b / (4 - 3 * (1 - b));
	uint32_t n = r.totals.n_valid[FIG_LATENCY_MEAN];
	double se = stats_fold_ci95(&r.totals, FIG_LATENCY_MEAN) / gsl_cdf_tdist_Pinv(0.975, n - 1);
	double est = tu_fig(&r.totals, FIG_LATENCY_MEAN);
	ck_assert_msg(fabs(est - (1 + c)) <= 4 * se, "mean latency %.7g, exact %.7g, 4 SE %.3g", est, 1 + c, 4 * se);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_REJECTED), 0);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_TIMED_OUT), 0);
	ck_assert_double_le(tu_fig(&r.totals, FIG_INSTANCES_PEAK), 4);
	tu_done(&sc, &r);
}
END_TEST

/* Contention under load: Poisson 0.5 per s cold starts (keep-alive
 * "none"), each loading a 1-GB model from the remote store at 1 GB/s (no
 * cache can hold it, so every load reads the remote tier of the one node,
 * with GPUs to spare). The loads form an M/D/1 processor-sharing queue
 * (arrivals shifted by the constant 1-s start stay Poisson), whose mean
 * sojourn is S / (1 - rho) = 1 / (1 - 0.5) = 2 s whatever the size
 * distribution; with the 1-s start and 1-s run the mean latency is 4 s, to
 * 4 standard errors over 20 replications. */
START_TEST(loads_under_poisson_are_processor_sharing)
{
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r, "{\"seed\": 9, \"duration_s\": 20000, \"replications\": 20, \"provider\": \"runpod-flex\","
		     " \"platform\": {\"nodes\": {\"gpus\": 1024, \"dram_gb\": 0.5, \"ssd_gb\": 0.5, %s}},"
		     " \"functions\": [{\"name\": \"f\", \"memory_mb\": 16384, \"accelerator\": {\"type\": \"nvidia-a100-80gb\"},"
		     " \"model\": {\"size_gb\": 1}, \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		     " \"cold_start\": {\"mode\": \"add\", \"init\": {\"dist\": \"constant\", \"value_s\": 1}},"
		     " \"keepalive\": {\"policy\": \"none\"}, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0.5}}]}",
		     BW);
	uint32_t n = r.totals.n_valid[FIG_LATENCY_MEAN];
	double se = stats_fold_ci95(&r.totals, FIG_LATENCY_MEAN) / gsl_cdf_tdist_Pinv(0.975, n - 1);
	double est = tu_fig(&r.totals, FIG_LATENCY_MEAN);
	ck_assert_msg(fabs(est - 4) <= 4 * se, "mean latency %.7g, exact 4, 4 SE %.3g", est, 4 * se);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_REJECTED), 0);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_START_RATIO), 1);
	ck_assert_uint_eq(r.loads.count[STORAGE_SSD] + r.loads.count[STORAGE_DRAM], 0);
	ck_assert_uint_gt(r.loads.count[STORAGE_REMOTE], 0);
	tu_done(&sc, &r);
}
END_TEST

/* Random placement over 4 nodes: f's model is on the nodes it was placed
 * on before, so the init times tell the placements. Same seed, same
 * times; some seed of 1..20 places differently from seed 1. */
START_TEST(random_placement_reproducible_by_seed)
{
	static const double t[] = { 0, 100, 200, 300, 400, 500, 600, 700 };
	static const uint32_t fn[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	const char *nodes = "{\"count\": 4, \"gpus\": 1, \"dram_gb\": 100, \"ssd_gb\": 0, " BW "}";
	struct node_log a, b;
	run_nodes(nodes, "random", FN("f", "a", 1), 1, t, fn, 8, &a);
	run_nodes(nodes, "random", FN("f", "a", 1), 1, t, fn, 8, &b);
	int differs = 0;
	for (uint32_t k = 0; k < 8; k++) {
		ck_assert_double_eq(a.r[k].init_s, b.r[k].init_s);
		ck_assert(a.r[k].init_s == 9 || fabs(a.r[k].init_s - 2) < 1e-12);
	}
	ck_assert(a.loads.count[STORAGE_REMOTE] >= 1 && a.loads.count[STORAGE_REMOTE] <= 4);
	for (uint64_t seed = 2; seed <= 20 && !differs; seed++) {
		run_nodes(nodes, "random", FN("f", "a", 1), seed, t, fn, 8, &b);
		for (uint32_t k = 0; k < 8; k++)
			differs |= a.r[k].init_s != b.r[k].init_s;
	}
	ck_assert_msg(differs, "random placement did not depend on the seed");
}
END_TEST

/* Cold-start mode "model": its fixed-rate model read (8,192 MB at 100
 * MB/s) is replaced by the node's load (8 GB at 1 GB/s); the rest (start
 * 1 s, framework init 0.5 s) stays: init 1.5 + 8. The size comes from
 * cold_start.model.size_mb. */
START_TEST(model_mode_load_replaced_by_tier)
{
	static const double t[] = { 0 };
	static const uint32_t fn[] = { 0 };
	struct node_log l;
	run_nodes("{\"gpus\": 1, \"dram_gb\": 100, \"ssd_gb\": 100, " BW "}", "first-fit",
		  "{\"name\": \"f\", \"memory_mb\": 16384, \"accelerator\": {\"type\": \"nvidia-a100-80gb\"},"
		  " \"service\": {\"dist\": \"constant\", \"value_s\": 2},"
		  " \"cold_start\": {\"mode\": \"model\", \"start_median_s\": 1, \"start_sigma\": 0,"
		  " \"model\": {\"size_mb\": 8192, \"load_mb_per_s\": 100, \"framework_init_s\": 0.5}},"
		  " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}", 1, t, fn, 1, &l);
	assert_cold(&l, 0, 9.5);
}
END_TEST

/* summary.json has model_loads only with nodes: tests/scenarios/gpu-nodes.json
 * (its description gives the hand computation). */
START_TEST(summary_reports_loads_per_tier)
{
	const char *dir = tu_tmpdir();
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s/a'", tu_scenario_path("gpu-nodes.json"), dir), 0);
	char sub[600];
	snprintf(sub, sizeof(sub), "%s/a", dir);
	json_t *doc = tu_load_json(sub, "summary.json");
	json_t *loads = json_object_get(doc, "model_loads");
	ck_assert_ptr_nonnull(loads);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(loads, "remote"), "count")), 2);
	ck_assert_double_eq_tol(json_number_value(json_object_get(json_object_get(loads, "remote"), "seconds")), 32, 1e-9);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(loads, "dram"), "count")), 1);
	ck_assert_double_eq_tol(json_number_value(json_object_get(json_object_get(loads, "dram"), "mean_s")), 1, 1e-9);
	ck_assert_double_eq(json_number_value(json_object_get(json_object_get(loads, "ssd"), "count")), 0);
	ck_assert(json_is_null(json_object_get(json_object_get(loads, "ssd"), "mean_s")));
	json_decref(doc);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "report '%s/a'", dir), 0);
	char *md = tu_read(sub, "report.md");
	ck_assert_msg(strstr(md, "2 from the remote store (16 s), 0 from SSD (-), 1 from DRAM (1 s)."), "report.md lacks the loads");
	free(md);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s/b'", tu_scenario_path("gpu-instance.json"), dir), 0);
	snprintf(sub, sizeof(sub), "%s/b", dir);
	doc = tu_load_json(sub, "summary.json");
	ck_assert_ptr_null(json_object_get(doc, "model_loads"));
	json_decref(doc);
}
END_TEST

/* Bad node keys, each in a scenario that is valid without it: exit 2 and
 * the JSON path. */
static const struct {
	const char *platform, *model, *want;
} bad[] = {
	{ "\"nodes\": {\"gpus\": 1, \"dram_gb\": 1, \"ssd_gb\": 1, \"bandwidth\": {\"ssd_gb_per_s\": -2}}", "",
	  "platform.nodes.bandwidth.ssd_gb_per_s" },
	{ "\"nodes\": {\"gpus\": 1, \"dram_gb\": 1, \"ssd_gb\": 1}, \"placement\": \"best\"", "",
	  "platform.placement: unknown value \"best\"" },
	{ "\"nodes\": {\"gpus\": 0, \"dram_gb\": 1, \"ssd_gb\": 1}", "", "platform.nodes.gpus" },
	{ "\"nodes\": {\"dram_gb\": 1, \"ssd_gb\": 1}", "", "platform.nodes.gpus" },
	{ "\"nodes\": {\"gpus\": 1, \"dram_gb\": 1, \"ssd_gb\": 1, \"gpu\": \"x\"}", "", "platform.nodes.gpu" },
	{ "\"nodes\": {\"gpus\": 1, \"ssd_gb\": 1}", "", "platform.nodes.dram_gb" },
	{ "\"nodes\": [{\"gpus\": 1, \"dram_gb\": 1, \"ssd_gb\": 1}, {\"gpus\": 1, \"dram_gb\": -1, \"ssd_gb\": 1}]", "",
	  "platform.nodes[1].dram_gb" },
	{ "\"nodes\": []", "", "platform.nodes: must be" },
	{ "\"nodes\": {\"gpus\": 1, \"dram_gb\": 1, \"ssd_gb\": 1, \"bandwidth\": {\"nvme_gb_per_s\": 2}}", "",
	  "platform.nodes.bandwidth.nvme_gb_per_s" },
	{ "\"placement\": \"random\"", "", "platform.placement: only with platform.nodes" },
	{ "\"nodes\": {\"gpus\": 1, \"gpu_type\": \"nvidia-l4\", \"dram_gb\": 1, \"ssd_gb\": 1}", "\"model\": {\"size_gb\": 1},",
	  "functions[0].accelerator: no group of platform.nodes holds 1 GPU of type nvidia-a100-80gb" },
	{ "\"nodes\": {\"gpus\": 1, \"dram_gb\": 1, \"ssd_gb\": 1}", "\"model\": {\"size_gb\": -1},",
	  "functions[0].model.size_gb" },
	{ "\"nodes\": {\"gpus\": 1, \"dram_gb\": 1, \"ssd_gb\": 1}", "\"model\": {\"name\": \"m\", \"gb\": 1},",
	  "functions[0].model.gb" },
	{ "\"nodes\": {\"gpus\": 1, \"dram_gb\": 1, \"ssd_gb\": 1}", "\"model\": {\"name\": \"m\"},",
	  "functions[0].model.size_gb: required" },
	{ "", "\"model\": {\"size_gb\": 1},", "functions[0].model: only for a function with an accelerator on platform.nodes" },
	{ "\"nodes\": [{\"gpus\": 1, \"dram_gb\": 1, \"ssd_gb\": 1}, {\"gpus\": 1, \"gpu_type\": \"nvidia-a100\", \"dram_gb\": 1, \"ssd_gb\": 1}]",
	  "\"model\": {\"size_gb\": 1},", "platform.nodes[1].gpu_type: no function has an accelerator of type \"nvidia-a100\"" },
};

START_TEST(bad_node_keys_are_named)
{
	char text[2048];
	snprintf(text, sizeof(text), "{\"duration_s\": 10, \"provider\": \"runpod-flex\", \"platform\": {%s},"
		 " \"functions\": [{\"name\": \"f\", \"memory_mb\": 16384, %s"
		 " \"accelerator\": {\"type\": \"nvidia-a100-80gb\"},"
		 " \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}", bad[_i].platform, bad[_i].model);
	const char *dir = tu_tmpdir();
	const char *path = tu_write(dir, "n.json", text);
	char scen[600];
	snprintf(scen, sizeof(scen), "%s", path);
	char want[300];
	snprintf(want, sizeof(want), "n.json: %s", bad[_i].want);
	tu_slsim_says(2, want, "run '%s' -q -o '%s/out'", scen, dir);
}
END_TEST

/* Two functions naming one model with different sizes. */
START_TEST(one_size_per_model)
{
	json_error_t jerr;
	json_t *doc = json_loads("{\"duration_s\": 10, \"provider\": \"runpod-flex\","
				 " \"platform\": {\"nodes\": {\"gpus\": 1, \"dram_gb\": 1, \"ssd_gb\": 1}},"
				 " \"functions\": [" FN("f", "m", 1) ", {\"name\": \"g\", \"memory_mb\": 16384,"
				 " \"accelerator\": {\"type\": \"nvidia-a100-80gb\"}, \"model\": {\"name\": \"m\", \"size_gb\": 4},"
				 " \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
				 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}", 0, &jerr);
	ck_assert_ptr_nonnull(doc);
	struct scenario sc;
	struct errbuf err = { "" };
	int rc = scenario_from_json(&sc, doc, "m.json", &err);
	json_decref(doc);
	ck_assert_int_eq(rc, ERR_INPUT);
	ck_assert_msg(strstr(err.msg, "functions[1].model: model \"m\" of 4 GB, but function \"f\" gives it 8 GB"),
		      "%s", err.msg);
	scenario_free(&sc);
}
END_TEST

Suite *nodes_suite(void)
{
	Suite *s = suite_create("nodes");
	TCase *tc = tu_tcase(s, "nodes", 120);
	TU_ADD_TESTS(tc, load_from_remote_then_dram, load_from_ssd_when_dram_too_small,
		     two_concurrent_loads_take_twice_as_long, staggered_loads_share_while_they_overlap,
		     unequal_loads_processor_sharing, shared_model_cached_once, tiers_do_not_share,
		     dram_evicts_least_recently_used, first_fit_and_locality, full_cluster_releases_idle_then_rejects, full_cluster_is_erlang_b,
		     full_cluster_queues_with_on_limit_queue, waiting_request_takes_a_freed_instance,
		     loads_under_poisson_are_processor_sharing, queued_cluster_is_erlang_c,
		     random_placement_reproducible_by_seed, model_mode_load_replaced_by_tier, summary_reports_loads_per_tier,
		     one_size_per_model);
	tcase_add_loop_test(tc, bad_node_keys_are_named, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	return s;
}
