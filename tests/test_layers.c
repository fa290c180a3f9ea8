/* The layering rule (tests/layering.sh, README "Architecture"): the tree
 * follows it, and the check fails, naming the place, when a forbidden
 * include is added. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "suites.h"
#include "testutil.h"

/* Runs tests/layering.sh on root; returns its exit status, its output in *out. */
static int layering(const char *root, char **out)
{
	const char *dir = tu_tmpdir();
	char cmd[8192], log[4096];
	snprintf(log, sizeof(log), "%s/layering.log", dir);
	snprintf(cmd, sizeof(cmd), "'%s/tests/layering.sh' '%s' > '%s' 2>&1", tu_root(), root, log);
	int status = system(cmd);
	*out = tu_slurp(log);
	ck_assert_ptr_nonnull(*out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

START_TEST(tree_follows_the_layers)
{
	char *out;
	int rc = layering(tu_root(), &out);
	ck_assert_msg(rc == 0, "forbidden includes:\n%s", out);
	free(out);
}
END_TEST

/* A small tree with one allowed and one forbidden include per rule. */
static const struct {
	const char *file, *include;
	int forbidden;
} cases[] = {
	{ "sim/core/bad.c", "platform/platform.h", 1 },   /* the core knows no serverless words */
	{ "sim/core/good.c", "core/errbuf.h", 0 },
	{ "models/keepalive/bad.c", "run/run.h", 1 },     /* models know only the core */
	{ "models/keepalive/good.c", "core/engine.h", 0 },
	{ "sim/platform/bad.c", "models/pricing.h", 1 },  /* the platform never sees prices */
	{ "sim/platform/bad2.c", "models/models.h", 1 },
	{ "sim/platform/good.c", "models/keepalive.h", 0 },
	{ "sim/run/bad.c", "cli/cli.h", 1 },              /* nothing includes the command line */
	{ "sim/scenario/bad.c", "experiment/baseline.h", 1 },
	{ "sim/output/bad.c", "experiment/sweep.h", 1 },
	{ "sim/experiment/good.c", "run/run.h", 0 },
	{ "sim/run/bad2.c", "platform/internal.h", 1 },   /* private to sim/platform */
	{ "sim/platform/good2.c", "platform/internal.h", 0 },
	{ "sim/run/bad3.c", "workload/plugin.h", 1 },      /* private to sim/workload */
	{ "sim/workload/formats/good.c", "workload/plugin.h", 0 },
};

START_TEST(forbidden_include_fails)
{
	const char *root = tu_tmpdir();
	char path[4096], text[256];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(path, sizeof(path), "mkdir -p \"$(dirname '%s/%s')\"", root, cases[i].file);
		ck_assert_int_eq(system(path), 0);
		snprintf(text, sizeof(text), "#include <stdio.h>\n#include \"%s\"\n", cases[i].include);
		tu_write(root, cases[i].file, text);
	}
	char *out;
	ck_assert_int_eq(layering(root, &out), 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[512];
		snprintf(want, sizeof(want), "%s:2: includes \"%s\"", cases[i].file, cases[i].include);
		if (cases[i].forbidden)
			ck_assert_msg(strstr(out, want) != NULL, "not reported: %s\n%s", want, out);
		else
			ck_assert_msg(strstr(out, cases[i].file) == NULL, "reported though allowed: %s\n%s",
				      cases[i].file, out);
	}
	free(out);

	/* Without the forbidden files the same tree passes. */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (cases[i].forbidden) {
			snprintf(path, sizeof(path), "%s/%s", root, cases[i].file);
			ck_assert_int_eq(remove(path), 0);
		}
	ck_assert_int_eq(layering(root, &out), 0);
	free(out);
}
END_TEST

Suite *layers_suite(void)
{
	return TU_SUITE("layers", "includes", 0, tree_follows_the_layers, forbidden_include_fails);
}
