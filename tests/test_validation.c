/*
 * Published measurements: 20 real AWS Lambda experiments (SimFaaS, see
 * ../shared/validation/SOURCE.txt), through experiment/validate.c.
 *
 * 1. The plain model, as SimFaaS models it (Poisson arrivals, exponential
 *    warm and whole-cold response times, newest idle instance first, a fixed
 *    idle expiry), 2e5 requests per row: MAPE 12.96 % on the cold-start
 *    probability and 3.13 % on the average instance count, 16 of 20 rows
 *    within 2 of the data's standard errors (z = (simulated - measured) / SE).
 * 2. Every variant of validate.c, leave-one-out, on a cheap configuration
 *    (2e4 requests per row): its LOO MAPEs and 2-SE count pinned to the
 *    printed digits (README "Validation" gives the 1e6-request figures from
 *    `slsim validate`); and the grid points that switch a mechanism off
 *    reproduce the plain model's predictions bit for bit.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "experiment/loo.h"
#include "experiment/validate.h"
#include "suites.h"
#include "testutil.h"

static size_t load(struct validate_row **rows)
{
	size_t n;
	struct errbuf err = { "" };
	ck_assert_msg(validate_read(tu_shared("validation/aws-lambda-coldstart-measurements.csv"), rows, &n,
				    &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(n, 20);
	return n;
}

START_TEST(aws_lambda_cold_start_measurements)
{
	struct validate_row *rows;
	size_t n = load(&rows);
	const struct validate_variant *plain = validate_variant_find("plain");
	double sim[2][20], meas[2][20];
	size_t within = 0;
	for (size_t k = 0; k < n; k++) {
		double fig[VALIDATE_METRICS];
		struct errbuf err = { "" };
		/* 2e5 requests per row: seeds 1..20 */
		ck_assert_msg(validate_simulate(plain, 0, &rows[k], k + 1, 2e5, fig, &err) == 0, "%s", err.msg);
		sim[0][k] = fig[0];
		sim[1][k] = fig[1];
		meas[0][k] = rows[k].prob;
		meas[1][k] = rows[k].instances;
		double z = (fig[0] - rows[k].prob) / rows[k].prob_se;
		within += fabs(z) <= 2;
		printf("validation: %-14s rate %.5f/s  p measured %.5f simulated %.5f  z %+.2f\n", rows[k].name,
		       rows[k].rate_per_s, rows[k].prob, fig[0], z);
	}
	double mape_prob = loo_mape(sim[0], meas[0], n), mape_inst = loo_mape(sim[1], meas[1], n);
	printf("validation: cold-start probability MAPE %.2f %%, average instance count MAPE %.2f %%,"
	       " %zu of %zu within 2 SE\n", mape_prob, mape_inst, within, n);
	ck_assert_double_eq_tol(mape_prob, 12.96, 0.005);
	ck_assert_double_eq_tol(mape_inst, 3.13, 0.005);
	ck_assert_uint_eq(within, 16);
	free(rows);
}
END_TEST

/* LOO MAPE cold-start probability, instance count, rows within 2 SE, at
 * 2e4 requests per row. */
static const struct pin {
	const char *variant;
	double prob, inst;
	size_t within;
} pins[] = {
	{ "plain", 17.95, 2.76, 11 },
	{ "add", 18.46, 2.80, 11 },
	{ "dispatch", 17.95, 2.78, 11 },
	{ "jitter-uniform", 17.81, 2.85, 12 },
	{ "jitter-normal", 18.30, 2.76, 11 },
	{ "reaper", 16.88, 2.83, 12 },
	{ "lifetime", 18.44, 2.76, 11 },
	{ "service", 15.36, 3.00, 14 },
	{ "horizon", 15.02, 3.00, 14 },
	{ "horizon-lambda", 15.92, 2.69, 12 },
	{ "reaper-lifetime", 14.00, 2.57, 13 },
};

START_TEST(variants_leave_one_out_pinned)
{
	struct validate_row *rows;
	size_t n = load(&rows);
	double plain[VALIDATE_METRICS * 20];
	struct pin got[32];
	for (size_t i = 0; i < validate_variant_count(); i++) {
		const struct validate_variant *v = validate_variant_at(i);
		struct validate_result r;
		struct errbuf err = { "" };
		ck_assert_msg(validate_run(v, rows, n, 1, 2e4, &r, &err) == 0, "%s", err.msg);
		printf("validation LOO (2e4 requests): { \"%s\", %.2f, %.2f, %zu },\n", v->name, r.mape[0],
		       r.mape[1], r.within_2se);
		fflush(stdout);
		if (i == 0)
			memcpy(plain, r.pred, sizeof(plain));
		/* Grid point 0 switches the mechanism off (dispatch: newest, as
		 * plain), except for add (another cold-start model) and
		 * horizon-lambda (the lambda policy's defaults). */
		if (strcmp(v->name, "add") != 0 && strcmp(v->name, "horizon-lambda") != 0)
			for (size_t j = 0; j < VALIDATE_METRICS * n; j++)
				ck_assert_double_eq(r.pred[j], plain[j]);
		got[i] = (struct pin){ v->name, r.mape[0], r.mape[1], r.within_2se };
		validate_result_free(&r);
	}
	ck_assert_uint_eq(sizeof(pins) / sizeof(pins[0]), validate_variant_count());
	for (size_t i = 0; i < validate_variant_count(); i++) {
		ck_assert_str_eq(pins[i].variant, got[i].variant);
		ck_assert_double_eq_tol(got[i].prob, pins[i].prob, 0.005);
		ck_assert_double_eq_tol(got[i].inst, pins[i].inst, 0.005);
		ck_assert_uint_eq(got[i].within, pins[i].within);
	}
	free(rows);
}
END_TEST

/* slsim validate: bad data files and options are named; a small run prints
 * the table row of what it ran. */
START_TEST(validate_command)
{
	const char *dir = tu_tmpdir();
	const char *bad = tu_write(dir, "bad.csv", "ArrivalRate,ServiceTimeWarm\n1,2\n");
	tu_slsim_says(2, "no column 'ServiceTimeCold'", "validate %s", bad);
	const char *neg = tu_write(dir, "neg.csv", "name,ArrivalRate,ServiceTimeWarm,ServiceTimeCold,IdleMinutesBeforeKill,"
				   "AverageInstanceCount,ColdStartProbability,ColdStartProbabilitySE\n"
				   "a,1,2,3,10,1,0.1,0.01\nb,1,2,3,10,-1,0.1,0.01\n");
	tu_slsim_says(2, "neg.csv:3: column 'AverageInstanceCount'", "validate %s", neg);
	tu_slsim_says(2, "unknown variant 'nope'", "validate %s -v nope", neg);
	const char *ok = tu_write(dir, "ok.csv", "name,ArrivalRate,ServiceTimeWarm,ServiceTimeCold,IdleMinutesBeforeKill,"
				  "AverageInstanceCount,ColdStartProbability,ColdStartProbabilitySE\n"
				  "a,0.01,100,200,10,1,0.1,0.01\nb,0.02,100,200,10,1,0.05,0.01\n");
	char *out = NULL;
	ck_assert_int_eq(tu_slsim(&out, NULL, "validate %s -v plain -v reaper -n 1000", ok), 0);
	ck_assert_msg(strstr(out, "| plain | - |") && strstr(out, "| reaper | jitter_s (sweep period) = "), "%s", out);
	free(out);
}
END_TEST

Suite *validation_suite(void)
{
	return TU_SUITE("validation", "aws-lambda", 600, aws_lambda_cold_start_measurements,
			variants_leave_one_out_pinned, validate_command);
}
