/* The one test runner: every module's suite, in dependency order. */
#include <stdlib.h>
#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(engine_suite());
	srunner_add_suite(sr, rng_suite());
	srunner_add_suite(sr, dist_suite());
	srunner_add_suite(sr, histo_suite());
	srunner_add_suite(sr, scenario_suite());
	srunner_add_suite(sr, measured_suite());
	srunner_add_suite(sr, pricing_suite());
	srunner_add_suite(sr, llmprofile_suite());
	srunner_add_suite(sr, llm_suite());
	srunner_add_suite(sr, sizing_suite());
	srunner_add_suite(sr, sim_suite());
	srunner_add_suite(sr, batch_suite());
	srunner_add_suite(sr, nodes_suite());
	srunner_add_suite(sr, partition_suite());
	srunner_add_suite(sr, validation_suite());
	srunner_add_suite(sr, keepalive_suite());
	srunner_add_suite(sr, cli_suite());
	srunner_add_suite(sr, trace_suite());
	srunner_add_suite(sr, mix_suite());
	srunner_add_suite(sr, badinput_suite());
	srunner_add_suite(sr, interrupt_suite());
	srunner_add_suite(sr, baseline_suite());
	srunner_add_suite(sr, optimize_suite());
	srunner_add_suite(sr, plot_suite());
	srunner_add_suite(sr, report_suite());
	srunner_add_suite(sr, sweep_suite());
	srunner_add_suite(sr, layers_suite());
	srunner_add_suite(sr, loo_suite());
	srunner_add_suite(sr, lambda_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
