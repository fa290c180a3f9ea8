#include "testutil.h"

#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

TCase *tu_tcase(Suite *s, const char *name, double timeout_s)
{
	TCase *tc = tcase_create(name);
	if (timeout_s > 0)
		tcase_set_timeout(tc, timeout_s);
	suite_add_tcase(s, tc);
	return tc;
}

void tu_add_tests(TCase *tc, const TTest *const *tests, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tcase_add_test(tc, tests[i]);
}

Suite *tu_suite(const char *name, const char *tcase, double timeout_s, const TTest *const *tests, size_t n)
{
	Suite *s = suite_create(name);
	tu_add_tests(tu_tcase(s, tcase, timeout_s), tests, n);
	return s;
}

const char *tu_root(void)
{
	const char *r = getenv("SLSIM_ROOT");
	return r && *r ? r : ".";
}

const char *tu_bin(void)
{
	static char buf[4096];
	const char *b = getenv("SLSIM_BIN");
	if (b && *b)
		return b;
	snprintf(buf, sizeof(buf), "%s/bin/slsim", tu_root());
	return buf;
}

const char *tu_shared(const char *rel)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf), "%s/../shared/%s", tu_root(), rel);
	return buf;
}

const char *tu_tmpdir(void)
{
	/* A ring of buffers: callers hold several folders at once. */
	static char ring[64][32];
	static unsigned next;
	char *buf = ring[next++ % 64];
	snprintf(buf, sizeof(ring[0]), "/tmp/slsim-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(buf));
	return buf;
}

const char *tu_write(const char *dir, const char *name, const char *text)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	FILE *fp = fopen(buf, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	return buf;
}

char *tu_slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	size_t cap = 4096, n = 0;
	char *s = malloc(cap);
	size_t k;
	while (s && (k = fread(s + n, 1, cap - n - 1, fp)) > 0) {
		n += k;
		if (cap - n - 1 == 0) {
			char *t = realloc(s, cap *= 2);
			if (!t) {
				free(s);
				s = NULL;
			}
			s = t;
		}
	}
	fclose(fp);
	if (s)
		s[n] = '\0';
	return s;
}

json_t *tu_load_json(const char *dir, const char *name)
{
	char path[4096];
	json_error_t jerr;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	json_t *doc = json_load_file(path, 0, &jerr);
	ck_assert_msg(doc != NULL, "%s: %s", path, jerr.text);
	return doc;
}

char *tu_read(const char *dir, const char *name)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	char *text = tu_slurp(path);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	return text;
}

int tu_slsim(char **out, char **err, const char *fmt, ...)
{
	char args[8192], cmd[16384];
	const char *dir = tu_tmpdir();
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "'%s' %s >'%s/stdout' 2>'%s/stderr' </dev/null", tu_bin(), args, dir, dir);
	int status = system(cmd);
	char path[512];
	if (out) {
		snprintf(path, sizeof(path), "%s/stdout", dir);
		*out = tu_slurp(path);
	}
	if (err) {
		snprintf(path, sizeof(path), "%s/stderr", dir);
		*err = tu_slurp(path);
	}
	ck_assert_msg(WIFEXITED(status), "slsim %s did not exit normally", args);
	return WEXITSTATUS(status);
}

void tu_slsim_says(int status, const char *needle, const char *fmt, ...)
{
	char args[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	char *err = NULL;
	int rc = tu_slsim(NULL, &err, "%s", args);
	ck_assert_msg(rc == status, "slsim %s: exit %d, expected %d; stderr: %s", args, rc, status, err ? err : "");
	ck_assert_msg(err && strstr(err, needle), "slsim %s: stderr lacks \"%s\": %s", args, needle, err ? err : "");
	free(err);
}

void tu_load(const char *json_text, const char *name, struct scenario *sc)
{
	json_error_t jerr;
	struct errbuf err = { "" };
	json_t *doc = json_loads(json_text, JSON_REJECT_DUPLICATES, &jerr);
	ck_assert_msg(doc != NULL, "bad test scenario: %d:%d: %s", jerr.line, jerr.column, jerr.text);
	int rc = scenario_from_json(sc, doc, name, &err);
	json_decref(doc);
	ck_assert_msg(rc == 0, "scenario rejected: %s", err.msg);
}

void tu_simulate(const char *json_text, struct scenario *sc, struct run_result *res)
{
	struct errbuf err = { "" };
	tu_load(json_text, "test.json", sc);
	struct run_options opt = { .threads = 1 };
	int rc = run_scenario(sc, &opt, res, &err);
	ck_assert_msg(rc == 0, "run failed: %s", err.msg);
}

void tu_simulatef(struct scenario *sc, struct run_result *res, const char *fmt, ...)
{
	char text[16384];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ck_assert_msg(n >= 0 && (size_t)n < sizeof(text), "test scenario longer than %zu bytes", sizeof(text));
	tu_simulate(text, sc, res);
}

const char *tu_scenario_path(const char *name)
{
	static char buf[4096];
	snprintf(buf, sizeof(buf), "%s/tests/scenarios/%s", tu_root(), name);
	return buf;
}

char *tu_scenario_text(const char *name)
{
	const char *path = tu_scenario_path(name);
	char *text = tu_slurp(path);
	ck_assert_msg(text != NULL, "cannot read %s", path);
	return text;
}

void tu_simulate_file(const char *name, struct scenario *sc, struct run_result *res)
{
	char *text = tu_scenario_text(name);
	tu_simulate(text, sc, res);
	free(text);
}

void tu_done(struct scenario *sc, struct run_result *res)
{
	run_result_free(res);
	scenario_free(sc);
}

double tu_fig(const struct stats_fold *f, enum stats_figure i)
{
	return f->n_valid[i] ? f->mean[i] : NAN;
}

void tu_assert_figs(const char *what, const struct stats_fold *f, const struct tu_want *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct tu_want *w = &want[i];
		double got = tu_fig(f, w->fig);
		int ok = isnan(w->value) ? isnan(got)
			 : w->tol == 0 ? got == w->value
			 : fabsl(w->value - got) < w->tol;
		ck_assert_msg(ok, "%s: %s = %.17g, expected %.17g (tolerance %g)", what,
			      stats_figure_names[w->fig], got, w->value, w->tol);
	}
}
