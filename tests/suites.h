/*
 * suites: one Check suite per module; tests/check_main.c runs them all.
 * Helpers shared by the suites (paths of the binary, of ../shared, running
 * slsim as a subprocess, building a suite) are in tests/lib/testutil.h.
 */
#ifndef SLSIM_TEST_SUITES_H
#define SLSIM_TEST_SUITES_H

#include <check.h>

Suite *engine_suite(void);
Suite *rng_suite(void);
Suite *dist_suite(void);
Suite *histo_suite(void);
Suite *scenario_suite(void);
Suite *sim_suite(void);
Suite *partition_suite(void);
Suite *validation_suite(void);
Suite *cli_suite(void);
Suite *trace_suite(void);
Suite *badinput_suite(void);
Suite *interrupt_suite(void);
Suite *pricing_suite(void);
Suite *sizing_suite(void);
Suite *keepalive_suite(void);
Suite *baseline_suite(void);
Suite *optimize_suite(void);
Suite *plot_suite(void);
Suite *report_suite(void);
Suite *sweep_suite(void);
Suite *layers_suite(void);
Suite *loo_suite(void);
Suite *lambda_suite(void);
Suite *batch_suite(void);
Suite *llmprofile_suite(void);
Suite *measured_suite(void);
Suite *mix_suite(void);
Suite *nodes_suite(void);
Suite *llm_suite(void);

#endif
