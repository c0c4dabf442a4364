// SPDX-License-Identifier: MIT
/*
 * libpagelab called directly, with the VMM test kernels: a sandbox runs
 * once and says so when asked again; a run with a timeout gives the
 * calling thread its signal mask back.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>

#include "common.h"

static struct pl_sandbox *create(const char *fixture_name, uint64_t timeout_ms)
{
	struct pl_config cfg = {
		.memory = 16 << 20,
		.kernel = fixture(fixture_name),
		.timeout_ms = timeout_ms,
		.console = quiet,
		.out = quiet,
		.err = quiet,
		.report = quiet,
		.no_stdin = true,
		/*
		 * These tests go on in the thread after a run (cmocka writes to
		 * stdout, more sandboxes follow), which the filter forbids; it has
		 * its own tests in test_seccomp.c.
		 */
		.seccomp = PL_SECCOMP_OFF,
	};
	struct pl_sandbox *sb = pl_sandbox_create(&cfg);

	if (!sb)
		fail_msg("pl_sandbox_create: %s", pl_error());
	return sb;
}

static void test_runs_once(void **state)
{
	struct pl_sandbox *sb = create("hello", 0);
	struct pl_result res, again;
	int first, second;
	enum pl_err_kind kind;
	char err[256];

	(void)state;
	first = pl_sandbox_run(sb, &res);
	memset(&again, 0xa5, sizeof(again));
	second = pl_sandbox_run(sb, &again);
	kind = pl_error_kind();
	snprintf(err, sizeof(err), "%s", pl_error());
	pl_sandbox_destroy(sb);
	assert_int_equal(first, 42);
	assert_int_equal(res.end, PL_END_EXIT);
	assert_int_equal(second, -1);
	assert_int_equal(kind, PL_ERR_CONFIG);
	has(err, "this sandbox has run already");
	/* *res is left alone, so the first result cannot be mistaken for a second one. */
	for (size_t i = 0; i < sizeof(again); i++)
		assert_int_equal(((unsigned char *)&again)[i], 0xa5);
}

/* The timer's signal is unblocked for the run only; the caller's mask comes back. */
static void test_timeout_restores_the_mask(void **state)
{
	struct pl_sandbox *sb = create("spin", 50);
	sigset_t block, before, after;
	int status;

	(void)state;
	sigemptyset(&block);
	sigaddset(&block, SIGRTMIN + 2);
	sigaddset(&block, SIGUSR1);
	assert_int_equal(pthread_sigmask(SIG_BLOCK, &block, &before), 0);
	status = pl_sandbox_run(sb, NULL);
	pl_sandbox_destroy(sb);
	assert_int_equal(pthread_sigmask(SIG_SETMASK, &before, &after), 0);
	assert_int_equal(status, PL_EXIT_TIMEOUT);
	assert_true(sigismember(&after, SIGRTMIN + 2));
	assert_true(sigismember(&after, SIGUSR1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runs_once),
		cmocka_unit_test(test_timeout_restores_the_mask),
	};

	return cmocka_run_group_tests(tests, setup_quiet, teardown_quiet);
}
