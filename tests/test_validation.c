/*
 * Published measurements: 20 real AWS Lambda experiments (SimFaaS, see
 * ../shared/validation/SOURCE.txt). Each row is simulated as SimFaaS models
 * it — Poisson arrivals, exponential warm and whole-cold response times
 * ("replace"), the newest idle instance first, a fixed idle expiry — and the
 * measured cold-start probability and average instance count must be
 * reproduced with mean absolute percentage errors of at most 15 % and 5 %.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "core/csvreader.h"
#include "suites.h"
#include "testutil.h"

START_TEST(aws_lambda_cold_start_measurements)
{
	struct csvr *rd;
	struct errbuf err = { "" };
	const char *path = tu_shared("validation/aws-lambda-coldstart-measurements.csv");
	ck_assert_msg(csvr_open(&rd, path, &err) == 0, "%s", err.msg);
	struct csvr_row row;
	ck_assert_int_eq(csvr_next(rd, &row, &err), 1);
	long c_rate = csvr_find_column(&row, "ArrivalRate");
	long c_warm = csvr_find_column(&row, "ServiceTimeWarm");
	long c_cold = csvr_find_column(&row, "ServiceTimeCold");
	long c_idle = csvr_find_column(&row, "IdleMinutesBeforeKill");
	long c_inst = csvr_find_column(&row, "AverageInstanceCount");
	long c_prob = csvr_find_column(&row, "ColdStartProbability");
	ck_assert(c_rate >= 0 && c_warm >= 0 && c_cold >= 0 && c_idle >= 0 && c_inst >= 0 && c_prob >= 0);

	int rows = 0;
	double ape_prob = 0, ape_inst = 0;
	while (csvr_next(rd, &row, &err) == 1) {
		double rate, warm_ms, cold_ms, idle_min, inst, prob;
		ck_assert(csvr_double(rd, &row, c_rate, "rate", &rate, &err) == 0);
		ck_assert(csvr_double(rd, &row, c_warm, "warm", &warm_ms, &err) == 0);
		ck_assert(csvr_double(rd, &row, c_cold, "cold", &cold_ms, &err) == 0);
		ck_assert(csvr_double(rd, &row, c_idle, "idle", &idle_min, &err) == 0);
		ck_assert(csvr_double(rd, &row, c_inst, "inst", &inst, &err) == 0);
		ck_assert(csvr_double(rd, &row, c_prob, "prob", &prob, &err) == 0);
		/* 2e5 requests per row: the simulated probabilities then carry well
		 * under 1 % relative error, against measurement errors of 5-10 %. */
		double duration = 2e5 / rate;
		char text[2048];
		snprintf(text, sizeof(text),
			 "{\"seed\": %d, \"duration_s\": %.17g, \"timeseries_interval_s\": %.17g,"
			 " \"platform\": {\"idle_selection\": \"newest\"},"
			 " \"functions\": [{\"name\": \"fn\", \"memory_mb\": 128,"
			 " \"service\": {\"dist\": \"exponential\", \"mean_s\": %.17g},"
			 " \"cold_start\": {\"mode\": \"replace\", \"service\": {\"dist\": \"exponential\", \"mean_s\": %.17g}},"
			 " \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": %.17g},"
			 " \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": %.17g}}]}",
			 rows + 1, duration, duration / 10, warm_ms / 1000, cold_ms / 1000, idle_min * 60, rate);
		struct scenario sc;
		struct run_result r;
		tu_simulate(text, &sc, &r);
		double sim_prob = tu_fig(&r.totals, FIG_COLD_START_RATIO);
		double sim_inst = tu_fig(&r.totals, FIG_INSTANCES_MEAN);
		ape_prob += fabs(sim_prob - prob) / prob;
		ape_inst += fabs(sim_inst - inst) / inst;
		run_result_free(&r);
		scenario_free(&sc);
		rows++;
	}
	csvr_close(rd);
	ck_assert_int_eq(rows, 20);
	double mape_prob = 100 * ape_prob / rows, mape_inst = 100 * ape_inst / rows;
	printf("validation: cold-start probability MAPE %.2f %%, average instance count MAPE %.2f %%\n",
	       mape_prob, mape_inst);
	ck_assert_msg(mape_prob <= 15, "cold-start probability MAPE %.2f %% > 15 %%", mape_prob);
	ck_assert_msg(mape_inst <= 5, "instance count MAPE %.2f %% > 5 %%", mape_inst);
}
END_TEST

Suite *validation_suite(void)
{
	return TU_SUITE("validation", "aws-lambda", 600, aws_lambda_cold_start_measurements);
}
