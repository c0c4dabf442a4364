// SPDX-License-Identifier: MIT
/*
 * Input that used to hang or mislead: FIFOs named as files, unknown kernel
 * options, a timeout too small to be counted in milliseconds, and a reader
 * that goes away. Each ends at once with the status a person expects.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"

#define YES "build/tests/sandbox/yes"

/* Status 2, one line naming the problem, and no hang (the limit is 20 s). */
static void refused(const char *want, const char *a1, const char *a2, const char *a3,
		    const char *a4)
{
	struct run_opts o = { .limit_s = 20 };
	struct run r;

	run_pagelab(&r, &o, "run", a1, a2, a3, a4, NULL);
	assert_false(r.timed_out);
	if (r.status != 2 || !strstr(r.err, want) || count_lines(r.err) != 1)
		fail_msg("expected status 2 and one line with '%s'; got %d:\n%s", want, r.status,
			 r.err);
	run_free(&r);
}

static void test_fifos_are_refused(void **state)
{
	char dir[] = "/tmp/pagelab-fifo-XXXXXX", fifo[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	refused("not a regular file", fifo, NULL, NULL, NULL);
	refused("not a regular file", "--kernel", fifo, YES, NULL);
	refused("not a regular file", "--initrd", fifo, "--", "/bin/x");
	refused("not a regular file", "--file", fifo, YES, NULL);
	unlink(fifo);
	rmdir(dir);
}

static void test_unknown_kernel_options_are_refused(void **state)
{
	(void)state;
	refused("unknown kernel option 'selftest=bogus'", "--append", "selftest=bogus", YES, NULL);
	refused("unknown kernel option 'frobnicate'", "--append", "verbose frobnicate", YES, NULL);
	refused("fault_around_bytes=64k: the value must be a whole number from 0 to 2097152",
		"--append", "fault_around_bytes=64k", YES, NULL);
	refused("tlb_single_page_flush_ceiling=65: the value must be a whole number from 0 to 64",
		"--append", "verbose tlb_single_page_flush_ceiling=65", YES, NULL);
}

/* 1e-9 s is a limit too: it used to round to 0 ms, which meant none. */
static void test_tiny_timeout_is_a_timeout(void **state)
{
	struct run_opts o = { .limit_s = 20 };
	struct run r;

	(void)state;
	run_pagelab(&r, &o, "run", "--kernel", fixture("spin"), "--timeout", "1e-9", NULL);
	assert_false(r.timed_out);
	assert_int_equal(r.status, 124);
	run_free(&r);
}

/* pagelab run yes [ARG] with stdout on a pipe whose reader is gone. */
static int run_into_closed_pipe(const char *arg)
{
	int p[2], st;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	close(p[0]);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(p[1], 1);
		if (!freopen("/dev/null", "w", stderr))
			_exit(126);
		/* Ignored SIGPIPE is inherited: the case that used to run forever. */
		signal(SIGPIPE, SIG_IGN);
		execl(pagelab_path(), pagelab_path(), "run", "--timeout", "60", YES, arg,
		      (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* As natively: the program's write gets SIGPIPE, or EPIPE if it ignores that. */
static void test_closed_stdout_reaches_the_program(void **state)
{
	(void)state;
	assert_int_equal(run_into_closed_pipe(NULL), 128 + SIGPIPE);
	assert_int_equal(run_into_closed_pipe("ignore"), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifos_are_refused),
		cmocka_unit_test(test_unknown_kernel_options_are_refused),
		cmocka_unit_test_setup(test_tiny_timeout_is_a_timeout, setup_kvm),
		cmocka_unit_test_setup(test_closed_stdout_reaches_the_program, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
