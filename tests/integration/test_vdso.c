// SPDX-License-Identifier: MIT
/*
 * The vDSO saves the transition: a program reading CLOCK_MONOTONIC 1000
 * times through libc makes no clock_gettime system call, while a CPU-time
 * clock, which the vDSO cannot answer, still reaches the kernel. (What the
 * clocks return is the differential test tests/guest/vdso_clock.c's.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"

#define GUEST "build/tests/guest/"

static int count_of(const char *text, const char *what)
{
	int n = 0;

	for (const char *p = text; (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

static void test_clocks_make_no_syscall(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--trace-syscalls=clock_gettime",
		    GUEST "vdso_clock", "loop", "1000", NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "1001 readings, 0 failed\n");
	assert_int_equal(count_of(r.err, "clock_gettime(CLOCK_MONOTONIC"), 0);
	assert_int_equal(count_of(r.err, "] clock_gettime("), 1);
	has(r.err, "[pid 1] clock_gettime(CLOCK_PROCESS_CPUTIME_ID, {tv_sec=");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_clocks_make_no_syscall, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
