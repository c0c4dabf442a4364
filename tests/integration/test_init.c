// SPDX-License-Identifier: MIT
/*
 * Who is PID 1: by default the program itself (it adopts orphans and
 * reaps them with waitpid); with --init the kernel's init, which adopts
 * and reaps orphans and ignores signals, and the program is its child,
 * PID 2, whose status and signal death are still the run's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"

#define PROG "build/tests/sandbox/init_child"

static void test_program_is_pid_1_by_default(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", PROG, "plain", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "yes: the program is PID 1, with no parent\n");
	has(r.out, "yes: which reaps it with waitpid\n");
	assert_null(strstr(r.out, "NO:"));
	run_free(&r);
}

static void test_init_adopts_and_reaps(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--init", PROG, "init", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "yes: the program is PID 2, a child of PID 1\n");
	has(r.out, "yes: PID 1 ignores SIGKILL and SIGTERM\n");
	has(r.out, "yes: PID 1 reaps it when it exits\n");
	assert_null(strstr(r.out, "NO:"));
	run_free(&r);
}

static void test_init_keeps_the_programs_status(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--init", "build/tests/guest/exit_code",
		    "7", NULL);
	assert_int_equal(r.status, 7);
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--append", "init",
		    "build/tests/guest/signal_death", "segv", NULL);
	assert_int_equal(r.status, 128 + 11);
	has(r.err, "(pid 2) killed by signal 11 (SIGSEGV)");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_program_is_pid_1_by_default, setup_kvm_kernel),
		cmocka_unit_test_setup(test_init_adopts_and_reaps, setup_kvm_kernel),
		cmocka_unit_test_setup(test_init_keeps_the_programs_status, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
