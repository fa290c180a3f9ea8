/*
 * testutil: what the suites share — building a suite from lists of tests;
 * locating the binary, the sources, tests/scenarios and ../shared; running
 * slsim as a subprocess (and checking how it fails); simulating a scenario
 * given as JSON text or as a file of tests/scenarios in-process; reading the
 * files a run writes; reading and checking figures out of results.
 */
#ifndef SLSIM_TESTUTIL_H
#define SLSIM_TESTUTIL_H

#include <check.h>
#include <jansson.h>
#include "run/run.h"
#include "scenario/scenario.h"
#include "run/stats.h"

/* A new test case of s called name, with a timeout of timeout_s seconds
 * (0: Check's default). */
TCase *tu_tcase(Suite *s, const char *name, double timeout_s);
/* Adds the n tests to tc, in order. */
void tu_add_tests(TCase *tc, const TTest *const *tests, size_t n);
/* tu_add_tests on a list: TU_ADD_TESTS(tc, test_a, test_b, ...). */
#define TU_ADD_TESTS(tc, ...)                                                      \
	tu_add_tests(tc, (const TTest *const[]){ __VA_ARGS__ },                    \
		     sizeof((const TTest *const[]){ __VA_ARGS__ }) / sizeof(const TTest *))

/* A suite called name of one test case (tcase and timeout_s as tu_tcase)
 * holding the tests, in order. */
Suite *tu_suite(const char *name, const char *tcase, double timeout_s, const TTest *const *tests, size_t n);
/* tu_suite on a list: TU_SUITE("name", "tcase", 60, test_a, test_b, ...). */
#define TU_SUITE(name, tcase, timeout_s, ...)                                      \
	tu_suite(name, tcase, timeout_s, (const TTest *const[]){ __VA_ARGS__ },    \
		 sizeof((const TTest *const[]){ __VA_ARGS__ }) / sizeof(const TTest *))

/* The source tree (SLSIM_ROOT, default "."). */
const char *tu_root(void);
/* bin/slsim (SLSIM_BIN, default <root>/bin/slsim). */
const char *tu_bin(void);
/* <root>/../shared/<rel>, in a static buffer reused by the next call. */
const char *tu_shared(const char *rel);
/* A fresh temporary folder under /tmp (valid for the next 63 calls). */
const char *tu_tmpdir(void);
/* Writes text to <tmpdir>/<name> and returns the path (static buffer). */
const char *tu_write(const char *dir, const char *name, const char *text);

/* Runs `slsim ARGS` through the shell; returns its exit status and, when
 * out/err are non-NULL, its stdout/stderr (malloc'd, caller frees). */
int tu_slsim(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Runs `slsim ARGS`, which must exit with status `status` and say needle on
 * stderr; a failure names the arguments and shows stderr. */
void tu_slsim_says(int status, const char *needle, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Validates json_text as a scenario named name into *sc; aborts the test
 * (ck_abort) with the message on failure. */
void tu_load(const char *json_text, const char *name, struct scenario *sc);
/* Validates json_text as a scenario named path and runs it with one thread;
 * aborts the test (ck_abort) with the message on failure. */
void tu_simulate(const char *json_text, struct scenario *sc, struct run_result *res);
/* tu_simulate on printf-formatted scenario text. */
void tu_simulatef(struct scenario *sc, struct run_result *res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* <root>/tests/scenarios/<name>, in a static buffer reused by the next call. */
const char *tu_scenario_path(const char *name);
/* The text of tests/scenarios/<name> (malloc'd, caller frees); aborts the
 * test when it cannot be read. */
char *tu_scenario_text(const char *name);
/* tu_simulate on the text of tests/scenarios/<name>. */
void tu_simulate_file(const char *name, struct scenario *sc, struct run_result *res);
/* Releases what tu_simulate filled. */
void tu_done(struct scenario *sc, struct run_result *res);
/* The mean of a figure over replications (NAN if undefined). */
double tu_fig(const struct stats_fold *f, enum stats_figure i);

/* An expected figure: value NAN asks for NaN; tol 0 for exact equality (as
 * ck_assert_double_eq); otherwise |got - value| < tol (as
 * ck_assert_double_eq_tol). */
struct tu_want {
	enum stats_figure fig;
	double value, tol;
};
/* Asserts every want on f; a failure names `what` and the figure. */
void tu_assert_figs(const char *what, const struct stats_fold *f, const struct tu_want *want, size_t n);
/* tu_assert_figs on a list: TU_ASSERT_FIGS(what, f, { FIG_X, 1 }, ...). */
#define TU_ASSERT_FIGS(what, f, ...)                                               \
	tu_assert_figs(what, f, (const struct tu_want[]){ __VA_ARGS__ },           \
		       sizeof((const struct tu_want[]){ __VA_ARGS__ }) / sizeof(struct tu_want))

/* The JSON document <dir>/<name>; aborts the test when it cannot be read. */
json_t *tu_load_json(const char *dir, const char *name);
/* The text of <dir>/<name> (malloc'd, caller frees); aborts the test when it
 * cannot be read. */
char *tu_read(const char *dir, const char *name);

/* Reads a file into a malloc'd string (NULL if unreadable). */
char *tu_slurp(const char *path);

#endif
