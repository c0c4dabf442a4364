// SPDX-License-Identifier: MIT
/*
 * The physical-memory interface of include/pagelab/mman.h in the sandbox:
 * tests/sandbox/physmem.c checks every call from inside (TAP), and this
 * checks that it ran and passed, and what --trace-syscalls calls them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"

#define PROG "build/tests/sandbox/physmem"

static void test_physmem_program(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "120", PROG, NULL);
	if (r.status != 0 || strstr(r.out, "not ok"))
		fail_msg("physmem ended with %d:\n%s\n%s", r.status, r.out, r.err);
	has(r.out, "1..");
	run_free(&r);
}

static void test_traced_by_name(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "120", "--trace-syscalls", PROG, NULL);
	assert_int_equal(r.status, 0);
	has(r.err, "] mem_offset(0x1000, -1, 4096, 0x");
	has(r.err, ") = -1 EACCES\n");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_physmem_program, setup_kvm_kernel),
		cmocka_unit_test_setup(test_traced_by_name, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
