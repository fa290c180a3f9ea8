/*
 * SIGINT and SIGTERM: a run or sweep stops, writes what is complete, marks it
 * "interrupted": true and exits 130 or 143; a sweep resumed with --resume
 * ends byte-identical to one that was never interrupted.
 *
 * The signal is sent a fixed time after start, but nothing asserted depends
 * on how much got done by then: whatever the count k, the interrupted results
 * must equal those of a complete run of the first k replications (or points).
 */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "suites.h"
#include "testutil.h"

static const char scenario[] =
	"{\"name\": \"long\", \"seed\": 5, \"duration_s\": 200000, \"replications\": 400,"
	" \"functions\": [{\"name\": \"fn\", \"service\": {\"dist\": \"exponential\", \"mean_s\": 2},"
	" \"keepalive\": {\"policy\": \"fixed\", \"ttl_s\": 600},"
	" \"arrivals\": {\"process\": \"poisson\", \"rate_per_s\": 0.9}}]}";

/* Runs slsim with argv (NULL-terminated, argv[0] unused), sends sig after
 * delay_s, and returns the exit status (-1 if it did not exit by itself). */
static int run_and_signal(char **argv, const char *dir, int sig, double delay_s)
{
	char out[600];
	snprintf(out, sizeof(out), "%s/stderr", dir);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 2);
		dup2(fd, 1);
		argv[0] = (char *)tu_bin();
		execv(tu_bin(), argv);
		_exit(127);
	}
	struct timespec ts = { (time_t)delay_s, (long)((delay_s - (time_t)delay_s) * 1e9) };
	nanosleep(&ts, NULL);
	kill(pid, sig);
	/* A stop must be prompt: give it 60 s (sanitizer builds are slow). */
	int status;
	for (int i = 0; i < 600; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		struct timespec tick = { 0, 100000000 };
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ck_abort_msg("slsim did not stop within 60 s of the signal");
	return -1;
}

static void check_run_interrupted(int sig, int want_status)
{
	const char *dir = tu_tmpdir();
	char scen[600], out[700], ref[700];
	snprintf(scen, sizeof(scen), "%s", tu_write(dir, "long.json", scenario));
	snprintf(out, sizeof(out), "%s/out", dir);
	char *argv[] = { NULL, "run", scen, "-q", "--threads", "1", "-o", out, NULL };
	ck_assert_int_eq(run_and_signal(argv, dir, sig, 1.5), want_status);

	json_t *s = tu_load_json(out, "summary.json");
	ck_assert(json_is_true(json_object_get(s, "interrupted")));
	json_int_t k = json_integer_value(json_object_get(s, "replications"));
	ck_assert_int_lt(k, 400);
	if (k > 0) {
		/* The first k replications, run to completion, give the same figures. */
		snprintf(ref, sizeof(ref), "%s/ref", dir);
		ck_assert_int_eq(tu_slsim(NULL, NULL, "run '%s' -q -o '%s' --set replications=%lld", scen, ref,
					  (long long)k), 0);
		json_t *r = tu_load_json(ref, "summary.json");
		ck_assert(json_is_false(json_object_get(r, "interrupted")));
		const char *keys[] = { "totals", "functions", "ci95", "replications" };
		for (int i = 0; i < 4; i++)
			ck_assert_msg(json_equal(json_object_get(s, keys[i]), json_object_get(r, keys[i])),
				      "%s differs from a complete run of %lld replications", keys[i], (long long)k);
		json_decref(r);
	}
	json_decref(s);
}

START_TEST(run_stops_on_sigint)
{
	check_run_interrupted(SIGINT, 130);
}
END_TEST

START_TEST(run_stops_on_sigterm)
{
	check_run_interrupted(SIGTERM, 143);
}
END_TEST

START_TEST(sweep_interrupted_then_resumed)
{
	const char *dir = tu_tmpdir();
	char scen[600], part[700], ref[700];
	snprintf(scen, sizeof(scen), "%s", tu_write(dir, "long.json", scenario));
	snprintf(part, sizeof(part), "%s/part", dir);
	snprintf(ref, sizeof(ref), "%s/ref", dir);
	const char *grid = "functions[0].keepalive.ttl_s=60:2400:60";
	char *argv[] = { NULL, "sweep", scen, "-q", "--threads", "1", "--set", "replications=2",
			 "--grid", (char *)grid, "-o", part, NULL };
	ck_assert_int_eq(run_and_signal(argv, dir, SIGINT, 1.5), 130);
	json_t *meta = tu_load_json(part, "sweep.json");
	ck_assert(json_is_true(json_object_get(meta, "interrupted")));
	json_int_t done = json_integer_value(json_object_get(meta, "points_done"));
	ck_assert_int_lt(done, 40);
	json_decref(meta);
	/* The rows written are exactly the points done, in order. */
	char path[800];
	snprintf(path, sizeof(path), "%s/sweep.csv", part);
	char *csv = tu_slurp(path);
	int lines = 0;
	for (const char *p = csv; *p; p++)
		lines += *p == '\n';
	ck_assert_int_eq(lines, 1 + done);
	free(csv);

	/* Resuming with other settings is refused; with the same ones it finishes. */
	tu_slsim_says(2, "cannot resume", "sweep '%s' -q --set replications=3 --grid '%s' -o '%s' --resume",
		      scen, grid, part);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "sweep '%s' -q --threads 2 --set replications=2 --grid '%s' -o '%s' --resume",
				  scen, grid, part), 0);
	ck_assert_int_eq(tu_slsim(NULL, NULL, "sweep '%s' -q --set replications=2 --grid '%s' -o '%s'",
				  scen, grid, ref), 0);
	const char *files[] = { "sweep.csv", "sweep.json" };
	for (int i = 0; i < 2; i++) {
		char a[800], b[800];
		snprintf(a, sizeof(a), "%s/%s", part, files[i]);
		snprintf(b, sizeof(b), "%s/%s", ref, files[i]);
		char *x = tu_slurp(a), *y = tu_slurp(b);
		ck_assert_ptr_nonnull(x);
		ck_assert_ptr_nonnull(y);
		ck_assert_str_eq(x, y);
		free(x);
		free(y);
	}
}
END_TEST

Suite *interrupt_suite(void)
{
	return TU_SUITE("interrupt", "signals", 300, run_stops_on_sigint, run_stops_on_sigterm,
			sweep_interrupted_then_resumed);
}
