// SPDX-License-Identifier: MIT
/*
 * pagelab run --isolate: a program that reads or writes kernel memory (the
 * direct map, the kernel's text) dies with SIGSEGV, as it does natively,
 * and ordinary programs still run. On kvm_pvm the option keeps the kernel
 * out of the user page tables (guest/arch/pvm/isolate.c); on VMX/SVM kernel
 * pages are supervisor-only anyway. Without it, on kvm_pvm the kernel's
 * pages are mapped U=1 in the (mirrored) user tables and it is the host
 * that refuses user access to the upper half (measured, undocumented:
 * docs/kvm-pvm.md). Users rely on the kernel being out of reach in both
 * modes, so both are checked: a host that stops refusing fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"

#define PROG "build/tests/guest/kernel_access"

static const char *const targets[] = {
	"0xffff888000100000", /* the direct map: all of guest RAM */
	"0xffffffff80100000", /* the kernel's text */
};
static const char *const ops[] = { "read", "write" };

/* Natively the same program dies the same way: the reference. */
static int run_native(const char *op, const char *addr)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl(PROG, PROG, op, addr, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

static void test_native_reference(void **state)
{
	(void)state;
	for (size_t t = 0; t < 2; t++)
		for (size_t o = 0; o < 2; o++)
			assert_int_equal(run_native(ops[o], targets[t]), 139);
}

/* mode: the option under test (run_pagelab's list cannot hold a NULL). */
static void check_unreachable(const char *mode)
{
	char want[96];
	struct run r;

	for (size_t t = 0; t < 2; t++) {
		for (size_t o = 0; o < 2; o++) {
			run_pagelab(&r, NULL, "run", mode, "--timeout", "60", PROG, ops[o],
				    targets[t], NULL);
			assert_int_equal(r.status, 139);
			snprintf(want, sizeof(want), "(SIGSEGV) at address %s,", targets[t]);
			has(r.err, want);
			assert_null(strstr(r.out, "the kernel is"));
			run_free(&r);
		}
	}
}

static void test_kernel_unreachable_when_isolated(void **state)
{
	(void)state;
	check_unreachable("--isolate");
}

static void test_kernel_unreachable_by_default(void **state)
{
	(void)state;
	check_unreachable("--timeout=60"); /* no mode option: a harmless stand-in */
}

/* The option reaches the kernel, which says what it did, and programs run. */
static void test_isolated_program_runs(void **state)
{
	struct run_opts o = { .input = "one\n" };
	struct run r;

	(void)state;
	run_pagelab(&r, &o, "run", "--isolate", "-v", "--timeout", "60",
		    "build/tests/guest/streams", "5", NULL);
	assert_int_equal(r.status, 5);
	/* The kernel's verbose lines come first on the same console. */
	has(r.out, "\nto stdout\nstdin: one\n");
	if (strstr(r.out, "kvm_pvm opt-in"))
		has(r.out, "isolate: user page tables map the user half and the entry area");
	else
		has(r.out, "isolate: kernel pages are supervisor-only here already");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_native_reference, setup_kvm_kernel),
		cmocka_unit_test_setup(test_kernel_unreachable_when_isolated, setup_kvm_kernel),
		cmocka_unit_test_setup(test_kernel_unreachable_by_default, setup_kvm_kernel),
		cmocka_unit_test_setup(test_isolated_program_runs, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
