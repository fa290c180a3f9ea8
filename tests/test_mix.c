/* Tests of workload mixes (sim/workload/formats/mix.c), the diurnal generator
 * (sim/workload/generators/diurnal.c) and provisioned-concurrency schedules
 * per weekday (models/keepalive/provisioned.c).
 *
 * - A mix's arrivals are its sources' arrivals, exactly: source 0 draws as it
 *   would alone, source k from its own seed, so per function the counts equal
 *   those of the sources replayed on their own (same seeds) and the total is
 *   their sum; times come out sorted.
 * - Diurnal counts: a Poisson count N of mean m = integral of the rate has
 *   standard deviation sqrt(m), so |N - m| <= 4 sqrt(m). The integrals are
 *   closed forms (the smooth shape has mean 1 per day, the hourly profile
 *   sums its multipliers times 3600 s) or GSL quadrature of
 *   exp(kappa cos) / I0(kappa) over one hour, with kappa solved here
 *   independently of the generator (e^kappa / I0(kappa) = 10).
 * - A weekday schedule holds its instances exactly in its windows:
 *   provisioned cost and mean instances by hand.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_bessel.h>
#include "run/stats.h"
#include "suites.h"
#include "testutil.h"
#include "workload/trace.h"

#define MAX_FN 8

struct counts {
	uint64_t total, fn[MAX_FN];
	double last_s;
	uint64_t in_window;         /* arrivals in [win_a, win_b) */
	double win_a, win_b;
};

/* Replays spec (JSON text) once with seed, counting arrivals per trace
 * function (names[i] gets fn[i]). */
static void replay(const char *spec_text, const char *dir, uint64_t seed, const char *const *names, size_t n_names,
		   struct counts *c)
{
	json_error_t jerr;
	json_t *spec = json_loads(spec_text, 0, &jerr);
	ck_assert_msg(spec != NULL, "bad test JSON: %s", jerr.text);
	struct trace *t;
	struct trace_reader *r;
	struct errbuf err = { "" };
	ck_assert_msg(trace_prepare(&t, spec, "s.json: workload", dir, &err) == 0, "%s", err.msg);
	ck_assert_msg(trace_open(t, seed, 0, NULL, &r, &err) == 0, "%s", err.msg);
	struct trace_arrival a;
	double a_s = c->win_a, b_s = c->win_b;
	memset(c, 0, sizeof(*c));
	c->win_a = a_s;
	c->win_b = b_s;
	int rc;
	while ((rc = trace_next(r, &a, &err)) == 1) {
		ck_assert_msg(a.t_s >= c->last_s, "time %g after %g", a.t_s, c->last_s);
		c->last_s = a.t_s;
		c->total++;
		c->in_window += a.t_s >= c->win_a && a.t_s < c->win_b;
		const char *name = trace_function(t, a.fn)->name;
		for (size_t i = 0; i < n_names; i++)
			if (strcmp(name, names[i]) == 0)
				c->fn[i]++;
	}
	ck_assert_msg(rc == 0, "%s", err.msg);
	trace_close(r);
	trace_free(t);
	json_decref(spec);
}

#define DIURNAL_A "{\"format\": \"generator\", \"pattern\": \"diurnal\", \"duration_s\": 86400, \"rate_per_s\": 0.5, " \
		  "\"peak_to_mean\": 10, \"function\": \"api\"}"
#define DIURNAL_B "{\"format\": \"generator\", \"pattern\": \"diurnal\", \"duration_s\": 86400, \"rate_per_s\": 0.2, " \
		  "\"function\": \"web\", \"spikes\": [{\"start_s\": 3600, \"duration_s\": 600, \"multiplier\": 10}]}"
#define DIURNAL_X "{\"format\": \"generator\", \"pattern\": \"diurnal\", \"duration_s\": 86400, \"rate_per_s\": 0.1, " \
		  "\"function\": \"other\"}"

START_TEST(mix_count_is_sum_of_sources)
{
	const char *dir = tu_tmpdir();
	tu_write(dir, "t.csv", "timestamp_s,function,duration_s\n5,api,0.1\n7,csvfn,0.2\n50000,csvfn,0.3\n");
	const char *names[] = { "api", "web", "csvfn", "other" };
	struct counts mix = { 0 }, a = { 0 }, b = { 0 }, csv = { 0 }, xb = { 0 };
	char spec[2048];
	snprintf(spec, sizeof(spec), "[%s, %s, {\"format\": \"csv\", \"path\": \"t.csv\"}]", DIURNAL_A, DIURNAL_B);
	replay(spec, dir, 42, names, 4, &mix);
	/* Source 0 alone, with the scenario's seed: the same draws. */
	replay(DIURNAL_A, dir, 42, names, 4, &a);
	/* Source 1 behind another first source: its draws do not depend on it. */
	snprintf(spec, sizeof(spec), "[%s, %s]", DIURNAL_X, DIURNAL_B);
	replay(spec, dir, 42, names, 4, &xb);
	replay("{\"format\": \"csv\", \"path\": \"t.csv\"}", dir, 42, names, 4, &csv);
	snprintf(spec, sizeof(spec), "[%s, %s]", DIURNAL_A, DIURNAL_B);
	replay(spec, dir, 42, names, 4, &b);
	ck_assert_uint_gt(a.total, 1000);
	ck_assert_uint_gt(xb.fn[1], 1000);
	ck_assert_uint_eq(mix.fn[0], a.fn[0] + csv.fn[0]);      /* api: the generator's and the trace's row */
	ck_assert_uint_eq(mix.fn[1], xb.fn[1]);
	ck_assert_uint_eq(mix.fn[2], 2);
	ck_assert_uint_eq(mix.total, a.total + xb.fn[1] + csv.total);
	ck_assert_uint_eq(b.total + csv.total, mix.total);
	/* A mix of one source is that source. */
	struct counts one = { 0 };
	snprintf(spec, sizeof(spec), "[%s]", DIURNAL_A);
	replay(spec, dir, 42, names, 4, &one);
	ck_assert_uint_eq(one.total, a.total);
	ck_assert_double_eq(one.last_s, a.last_s);
}
END_TEST

/* The object form {"format": "mix", "sources": [...]} with a shared key. */
START_TEST(mix_object_form_scales)
{
	const char *names[] = { "api" };
	struct counts c = { 0 };
	char spec[1024];
	snprintf(spec, sizeof(spec),
		 "{\"format\": \"mix\", \"traffic_scale\": 0.5, \"sources\": [{\"format\": \"generator\", \"pattern\": \"diurnal\","
		 " \"duration_s\": 100000, \"rate_per_s\": 2, \"function\": \"api\"}]}");
	replay(spec, "", 9, names, 1, &c);
	/* Thinned to half: Binomial(N, 1/2) of a Poisson(2e5) count is Poisson(1e5). */
	ck_assert_msg(fabs((double)c.total - 1e5) <= 4 * sqrt(1e5), "%llu", (unsigned long long)c.total);
}
END_TEST

/* kappa with e^kappa / I0(kappa) = ratio, by bisection on GSL's I0. */
static double kappa_for(double ratio)
{
	double lo = 0, hi = 50;
	for (int i = 0; i < 200; i++) {
		double mid = 0.5 * (lo + hi);
		if (exp(mid) / gsl_sf_bessel_I0(mid) < ratio)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

static double shape(double t, void *p)
{
	double k = *(double *)p;
	return exp(k * cos(2 * M_PI * (t - 14 * 3600.0) / 86400)) / gsl_sf_bessel_I0(k);
}

static void assert_poisson(uint64_t n, double mean, const char *what)
{
	ck_assert_msg(fabs((double)n - mean) <= 4 * sqrt(mean), "%s: %llu arrivals, expected %g (4 SE = %g)", what,
		      (unsigned long long)n, mean, 4 * sqrt(mean));
}

START_TEST(diurnal_counts)
{
	const char *names[] = { "diurnal" };
	struct counts c = { .win_a = 13.5 * 3600, .win_b = 14.5 * 3600 };
	/* A week, peak-to-mean 10 at 14:00, weekends at 0.3: mean count
	 * r 86400 (5 + 2 x 0.3); the peak hour's integral by quadrature. */
	replay("{\"format\": \"generator\", \"pattern\": \"diurnal\", \"duration_s\": 604800, \"rate_per_s\": 2,"
	       " \"peak_to_mean\": 10, \"peak_hour\": 14, \"weekend_factor\": 0.3}", "", 3, names, 1, &c);
	assert_poisson(c.total, 2 * 86400 * 5.6, "smooth week");
	double k = kappa_for(10), hour, abserr;
	size_t neval;
	gsl_function F = { shape, &k };
	gsl_integration_qng(&F, 13.5 * 3600, 14.5 * 3600, 1e-10, 1e-10, &hour, &abserr, &neval);
	ck_assert_double_eq_tol(shape(14 * 3600, &k), 10, 1e-6);   /* peak / mean = 10 */
	assert_poisson(c.in_window, 2 * hour, "Monday's peak hour");
	/* Hourly profiles: weekday h gets 1 + h, weekend 0.5 at night and 3 in
	 * the day; a week's mean count is r 3600 (5 x 300 + 2 x 45). */
	char spec[2048], wd[512] = "", we[512] = "";
	for (int h = 0; h < 24; h++) {
		snprintf(wd + strlen(wd), sizeof(wd) - strlen(wd), "%s%d", h ? "," : "", 1 + h);
		snprintf(we + strlen(we), sizeof(we) - strlen(we), "%s%g", h ? "," : "", h >= 8 && h < 20 ? 3 : 0.5);
	}
	snprintf(spec, sizeof(spec), "{\"format\": \"generator\", \"pattern\": \"diurnal\", \"duration_s\": 604800,"
		 " \"rate_per_s\": 0.25, \"hourly_weekday\": [%s], \"hourly_weekend\": [%s]}", wd, we);
	c.win_a = 5 * 86400 + 8 * 3600;   /* Saturday 08:00-20:00: 12 h at 3 */
	c.win_b = 5 * 86400 + 20 * 3600;
	replay(spec, "", 4, names, 1, &c);
	assert_poisson(c.total, 0.25 * 3600 * (5 * 300 + 2 * 45), "hourly week");
	assert_poisson(c.in_window, 0.25 * 3 * 12 * 3600, "Saturday daytime");
}
END_TEST

/* Spikes multiply the rate inside their windows only. */
START_TEST(diurnal_spikes)
{
	const char *names[] = { "diurnal" };
	const char *spec = "{\"format\": \"generator\", \"pattern\": \"diurnal\", \"duration_s\": 20000, \"rate_per_s\": 1,"
			   " \"spikes\": [{\"start_s\": 1000, \"duration_s\": 500, \"multiplier\": 20},"
			   " {\"start_s\": 5000, \"duration_s\": 100, \"multiplier\": 50},"
			   " {\"start_s\": 5050, \"duration_s\": 100, \"multiplier\": 2}]}";
	struct counts c = { .win_a = 1000, .win_b = 1500 };
	replay(spec, "", 5, names, 1, &c);
	assert_poisson(c.in_window, 20 * 500, "first spike");
	/* [5000, 5050) x50, [5050, 5100) x100 (overlap multiplies), [5100, 5150) x2. */
	uint64_t first = c.in_window;
	c.win_a = 5000;
	c.win_b = 5150;
	replay(spec, "", 5, names, 1, &c);
	assert_poisson(c.in_window, 50 * 50 + 100 * 50 + 2 * 50, "overlapping spikes");
	assert_poisson(c.total - first - c.in_window, 20000 - 500 - 150, "outside the spikes");
}
END_TEST

/* Provisioned instances per weekday over one week (t = 0 Monday 00:00):
 * 2 instances in [0, 3600) on weekdays, 1 in [0, 7200) on Saturdays, none
 * otherwise. 1024 MB = 1 GB; the windows are whole 5-minute blocks, so
 * the bill is (5 x 2 x 3600 + 7200) GB-s at the provisioned rate, and the
 * mean instance count that many instance-seconds over the week. */
START_TEST(provisioned_weekday_schedule)
{
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r,
		     "{\"duration_s\": 604800, \"functions\": [{\"name\": \"f\", \"memory_mb\": 1024,"
		     " \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
		     " \"keepalive\": {\"policy\": \"provisioned\", \"instances\": 0, \"schedule\": ["
		     " {\"from_s\": 0, \"to_s\": 3600, \"instances\": 2, \"days\": [\"weekdays\"]},"
		     " {\"from_s\": 0, \"to_s\": 7200, \"instances\": 1, \"days\": [\"sat\"]}]},"
		     " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0}}]}");
	double held = 5 * 2 * 3600.0 + 7200;
	TU_ASSERT_FIGS("weekday schedule", &r.totals, { FIG_INVOCATIONS, 0, 0 },
		       { FIG_COST_PROVISIONED, held * 0.0000041667, 1e-13 },
		       { FIG_INSTANCES_MEAN, held / 604800, 1e-12 }, { FIG_INSTANCES_PEAK, 2, 0 });
	tu_done(&sc, &r);
}
END_TEST

/* Bad mixes and generators name their JSON path. */
START_TEST(mix_bad_input)
{
	const struct {
		const char *spec, *expect;
	} cases[] = {
		{ "[]", "s.json: workload: must be an array of 1 to 256 workload sources" },
		{ "[" DIURNAL_A ", {\"format\": \"cvs\", \"path\": \"x\"}]", "s.json: workload[1].format: unknown format \"cvs\"" },
		{ "{\"format\": \"mix\", \"sources\": [{\"format\": \"generator\", \"pattern\": \"diurnal\", \"rate\": 1}]}",
		  "s.json: workload.sources[0].rate: unknown key" },
		{ "[{\"format\": \"generator\", \"pattern\": \"diurnal\", \"hourly_weekday\": [1, 2]}]",
		  "s.json: workload[0].hourly_weekday: must be an array of 24 hourly multipliers" },
		{ "[{\"format\": \"generator\", \"pattern\": \"diurnal\", \"spikes\": [{\"start_s\": 1, \"duration_s\": 2, \"multiplier\": -1}]}]",
		  "s.json: workload[0].spikes[0].multiplier: must be a number in [0, 10000]" },
		{ "[{\"format\": \"generator\", \"pattern\": \"diurnal\", \"peak_to_mean\": 0.5}]",
		  "s.json: workload[0].peak_to_mean: must be a number in [1, 1000]" },
		{ "[{\"format\": \"generator\", \"pattern\": \"diurnal\", \"peak_to_mean\": 3, \"hourly_weekday\": []}]",
		  "s.json: workload[0].peak_to_mean: give hourly profiles" },
		{ "{\"format\": \"mix\", \"sources\": {}}", "s.json: workload.sources: must be an array" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_error_t jerr;
		json_t *spec = json_loads(cases[i].spec, 0, &jerr);
		ck_assert_msg(spec != NULL, "bad test JSON %s", cases[i].spec);
		struct trace *t = NULL;
		struct errbuf err = { "" };
		int rc = trace_prepare(&t, spec, "s.json: workload", "", &err);
		ck_assert_msg(rc == ERR_INPUT, "case %zu accepted", i);
		ck_assert_msg(strstr(err.msg, cases[i].expect), "case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].expect);
		json_decref(spec);
	}
	/* A schedule's days, by JSON path. */
	struct scenario sc;
	struct errbuf err = { "" };
	json_t *doc = json_loads("{\"duration_s\": 10, \"functions\": [{\"name\": \"f\", \"service\": {\"dist\": \"constant\","
				 " \"value_s\": 1}, \"keepalive\": {\"policy\": \"provisioned\", \"schedule\": [{\"from_s\": 0,"
				 " \"to_s\": 10, \"instances\": 1, \"days\": [\"monday\"]}]}, \"arrivals\": {\"process\": \"poisson\","
				 " \"rate_per_s\": 1}}]}", 0, NULL);
	ck_assert_int_eq(scenario_from_json(&sc, doc, "s.json", &err), ERR_INPUT);
	ck_assert_msg(strstr(err.msg, "functions[0].keepalive.schedule[0].days[0]: must be"), "%s", err.msg);
	json_decref(doc);
}
END_TEST

/* A scenario whose workload is a mix: every source's function, and the
 * simulated invocations are the replay's count. */
START_TEST(mix_in_scenario)
{
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r, "{\"seed\": 42, \"function_defaults\": {\"service\": {\"dist\": \"constant\", \"value_s\": 0.01}},"
		     " \"workload\": [%s, %s]}", DIURNAL_A, DIURNAL_B);
	ck_assert_uint_eq(sc.n_functions, 2);
	ck_assert_str_eq(sc.functions[0].name, "api");
	ck_assert_str_eq(sc.functions[1].name, "web");
	ck_assert_double_eq(sc.duration_s, 86400);
	const char *names[] = { "api", "web" };
	struct counts c = { 0 };
	char spec[2048];
	snprintf(spec, sizeof(spec), "[%s, %s]", DIURNAL_A, DIURNAL_B);
	replay(spec, "", 42, names, 2, &c);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_INVOCATIONS), (double)c.total);
	tu_done(&sc, &r);
}
END_TEST

Suite *mix_suite(void)
{
	return TU_SUITE("mix", "mix", 120, mix_count_is_sum_of_sources, mix_object_form_scales, diurnal_counts,
			diurnal_spikes, provisioned_weekday_schedule, mix_bad_input, mix_in_scenario);
}
