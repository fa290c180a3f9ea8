/*
 * testutil: what the suites share — locating the binary, the sources and
 * ../shared; running slsim as a subprocess; simulating a scenario given as
 * JSON text in-process; reading figures out of results.
 */
#ifndef SLSIM_TESTUTIL_H
#define SLSIM_TESTUTIL_H

#include <jansson.h>
#include "run/run.h"
#include "scenario/scenario.h"
#include "run/stats.h"

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

/* Validates json_text as a scenario named name into *sc; aborts the test
 * (ck_abort) with the message on failure. */
void tu_load(const char *json_text, const char *name, struct scenario *sc);
/* Validates json_text as a scenario named path and runs it with one thread;
 * aborts the test (ck_abort) with the message on failure. */
void tu_simulate(const char *json_text, struct scenario *sc, struct run_result *res);
/* tu_simulate on printf-formatted scenario text. */
void tu_simulatef(struct scenario *sc, struct run_result *res, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Releases what tu_simulate filled. */
void tu_done(struct scenario *sc, struct run_result *res);
/* The mean of a figure over replications (NAN if undefined). */
double tu_fig(const struct stats_fold *f, enum stats_figure i);

/* Reads a file into a malloc'd string (NULL if unreadable). */
char *tu_slurp(const char *path);

#endif
