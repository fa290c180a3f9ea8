/*
 * lambda (models/keepalive/lambda.c): the keep-alive policy of the
 * validation variants. Hand-computed cases for the maximum lifetime, the
 * closed form P(cold) = E[exp(-lambda T)] for a jittered keep-alive T under
 * Poisson arrivals with negligible service (uniform, normal and reaper
 * jitter), and the policy without jitter
 * or lifetime equal to "fixed" bit for bit.
 */
#include <check.h>
#include <math.h>
#include <string.h>
#include "suites.h"
#include "testutil.h"

/* One request every second (0.5, 1.5, ..., 1099.5), 0.1 s each, TTL 600 s, lifetime
 * 10.5 s: the instance born at 0.5 serves 0.5..10.5, its idle time after 10.6 is
 * cut to 11 - 10.6 = 0.4 s, so 11.5 is cold again: 1100 / 11 = 100 cold
 * starts, and an instance alive 10.5 of every 11 s. */
START_TEST(lifetime_recycles_idle_instance)
{
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r,
		     "{\"seed\": 1, \"duration_s\": 1100, \"functions\": [{\"name\": \"f\", \"memory_mb\": 128,"
		     " \"service\": {\"dist\": \"constant\", \"value_s\": 0.1},"
		     " \"cold_start\": {\"mode\": \"replace\", \"service\": {\"dist\": \"constant\", \"value_s\": 0.1}},"
		     " \"keepalive\": {\"policy\": \"lambda\", \"ttl_s\": 600, \"jitter\": \"none\", \"max_lifetime_s\": 10.5},"
		     " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 1, \"phase_s\": 0.5}}]}");
	ck_assert_double_eq(tu_fig(&r.totals, FIG_INVOCATIONS), 1100);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 100);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_INSTANCES_MEAN), 10.5 / 11, 1e-9);
	tu_done(&sc, &r);
}
END_TEST

/* Busy past its lifetime: a 5 s request on an instance recycled at 3 s
 * ends the instance with the request; one request every 10 s is always cold
 * and an instance lives 5 of every 10 s. */
START_TEST(lifetime_recycles_busy_instance)
{
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r,
		     "{\"seed\": 1, \"duration_s\": 1000, \"functions\": [{\"name\": \"f\", \"memory_mb\": 128,"
		     " \"service\": {\"dist\": \"constant\", \"value_s\": 5},"
		     " \"cold_start\": {\"mode\": \"replace\", \"service\": {\"dist\": \"constant\", \"value_s\": 5}},"
		     " \"keepalive\": {\"policy\": \"lambda\", \"ttl_s\": 600, \"jitter\": \"none\", \"max_lifetime_s\": 3},"
		     " \"arrivals\": {\"process\": \"periodic\", \"period_s\": 10, \"phase_s\": 0.5}}]}");
	ck_assert_double_eq(tu_fig(&r.totals, FIG_INVOCATIONS), 100);
	ck_assert_double_eq(tu_fig(&r.totals, FIG_COLD_STARTS), 100);
	ck_assert_double_eq_tol(tu_fig(&r.totals, FIG_INSTANCES_MEAN), 0.5, 1e-9);
	tu_done(&sc, &r);
}
END_TEST

static const char poisson_fmt[] =
	"{\"seed\": 7, \"duration_s\": %.17g, \"functions\": [{\"name\": \"f\", \"memory_mb\": 128,"
	" \"service\": {\"dist\": \"constant\", \"value_s\": 1e-6},"
	" \"cold_start\": {\"mode\": \"replace\", \"service\": {\"dist\": \"constant\", \"value_s\": 1e-6}},"
	" \"keepalive\": %s, \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": %.17g}}]}";

/* Without jitter and lifetime "lambda" is "fixed": same draws, same figures. */
START_TEST(no_jitter_is_fixed)
{
	struct scenario sa, sb;
	struct run_result ra, rb;
	tu_simulatef(&sa, &ra, poisson_fmt, 2e6, "{\"policy\": \"fixed\", \"ttl_s\": 600}", 1 / 300.0);
	tu_simulatef(&sb, &rb, poisson_fmt, 2e6,
		     "{\"policy\": \"lambda\", \"ttl_s\": 600, \"jitter\": \"uniform\", \"jitter_s\": 0,"
		     " \"max_lifetime_s\": 0}",
		     1 / 300.0);
	for (int i = 0; i < FIG_COUNT; i++)
		if (!isnan(tu_fig(&ra.totals, i)))
			ck_assert_double_eq(tu_fig(&ra.totals, i), tu_fig(&rb.totals, i));
	tu_done(&sa, &ra);
	tu_done(&sb, &rb);
}
END_TEST

/* The defaults are the validated variant: a reaper every 60 s and a 4-hour
 * lifetime (README "Validation"). */
START_TEST(defaults_are_the_validated_variant)
{
	struct scenario sa, sb;
	struct run_result ra, rb;
	tu_simulatef(&sa, &ra, poisson_fmt, 1e6, "{\"policy\": \"lambda\"}", 0.5);
	tu_simulatef(&sb, &rb, poisson_fmt, 1e6, "{\"policy\": \"lambda\", \"ttl_s\": 600, \"jitter\": \"reaper\","
		     " \"jitter_s\": 60, \"max_lifetime_s\": 14400}", 0.5);
	ck_assert_double_eq(tu_fig(&ra.totals, FIG_COLD_STARTS), tu_fig(&rb.totals, FIG_COLD_STARTS));
	ck_assert_double_eq(tu_fig(&ra.totals, FIG_INSTANCES_MEAN), tu_fig(&rb.totals, FIG_INSTANCES_MEAN));
	tu_done(&sa, &ra);
	tu_done(&sb, &rb);
}
END_TEST

/* Poisson rate lambda, service ~0: a request is cold when the gap since the
 * previous one exceeds that idle period's keep-alive T, independently per
 * request, so P(cold) = E[exp(-lambda T)]: exp(-lambda ttl) sinh(lambda w) /
 * (lambda w) for T uniform on ttl +- w, exp(-lambda ttl + (lambda sd)^2 / 2)
 * for T normal (cut at 0: P(T < 0) = 3e-5 here, below the tolerance). Checked
 * to 4 binomial standard errors over 2e5 requests (SE 0.0011); exact TTL,
 * exp(-1) = 0.3679, lies 14 SE from the uniform case's 0.3834. */
static void check_jitter(const char *keepalive, double want)
{
	const double rate = 1 / 600.0, n = 2e5;
	struct scenario sc;
	struct run_result r;
	tu_simulatef(&sc, &r, poisson_fmt, n / rate, keepalive, rate);
	double calls = tu_fig(&r.totals, FIG_INVOCATIONS);
	double p = tu_fig(&r.totals, FIG_COLD_STARTS) / calls;
	double se = sqrt(want * (1 - want) / calls);
	ck_assert_msg(fabs(p - want) <= 4 * se, "%s: P(cold) %.5f, closed form %.5f (SE %.5f)", keepalive, p,
		      want, se);
	ck_assert_msg(fabs(exp(-1) - want) > 8 * se, "the case cannot tell jitter from none");
	tu_done(&sc, &r);
}

START_TEST(uniform_jitter_closed_form)
{
	check_jitter("{\"policy\": \"lambda\", \"ttl_s\": 600, \"jitter\": \"uniform\", \"jitter_s\": 300,"
		     " \"max_lifetime_s\": 0}",
		     exp(-1) * sinh(0.5) / 0.5);
}
END_TEST

START_TEST(normal_jitter_closed_form)
{
	check_jitter("{\"policy\": \"lambda\", \"ttl_s\": 600, \"jitter\": \"normal\", \"jitter_s\": 240,"
		     " \"max_lifetime_s\": 0}",
		     exp(-1 + 0.4 * 0.4 / 2));
}
END_TEST

/* A reaper sweeping at multiples of w: the idle period ends at the first
 * sweep after ttl, ttl + U with U uniform on [0, w) for Poisson arrivals, so
 * P(cold) = exp(-lambda ttl) (1 - exp(-lambda w)) / (lambda w); w = 600 s:
 * exp(-1) (1 - exp(-1)) = 0.2325. */
START_TEST(reaper_closed_form)
{
	check_jitter("{\"policy\": \"lambda\", \"ttl_s\": 600, \"jitter\": \"reaper\", \"jitter_s\": 600,"
		     " \"max_lifetime_s\": 0}",
		     exp(-1) * (1 - exp(-1)));
}
END_TEST

START_TEST(bad_jitter_named)
{
	json_t *doc = json_loads("{\"duration_s\": 10, \"functions\": [{\"name\": \"f\", \"memory_mb\": 128,"
				 " \"service\": {\"dist\": \"constant\", \"value_s\": 1},"
				 " \"keepalive\": {\"policy\": \"lambda\", \"jitter\": \"triangle\"},"
				 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 1}}]}", 0, NULL);
	ck_assert_ptr_nonnull(doc);
	struct scenario sc;
	struct errbuf err = { "" };
	ck_assert_int_lt(scenario_from_json(&sc, doc, "x.json", &err), 0);
	ck_assert_msg(strstr(err.msg, "functions[0].keepalive.jitter") != NULL, "%s", err.msg);
	json_decref(doc);
}
END_TEST

Suite *lambda_suite(void)
{
	return TU_SUITE("lambda", "lambda", 60, lifetime_recycles_idle_instance, lifetime_recycles_busy_instance,
			no_jitter_is_fixed, defaults_are_the_validated_variant, uniform_jitter_closed_form,
			normal_jitter_closed_form, reaper_closed_form, bad_jitter_named);
}
