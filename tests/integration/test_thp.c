// SPDX-License-Identifier: MIT
/*
 * Transparent huge pages in the sandbox. The differential test runs
 * build/tests/guest/thp without arguments (what holds under any policy);
 * here it runs with --require, which needs the kernel's default `always`
 * and free 2 MiB blocks: one fault per 2 MiB by the kernel's own counters
 * (/proc/vmstat), AnonHugePages exact before and after each split, fork's
 * copy-on-write splitting only the writer's page, the sysfs files taking
 * effect. The kernel option transparent_hugepage= selects the mode at boot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"

#define THP "build/tests/guest/thp"

/* Every planned TAP line is "ok". */
static void all_ok(const struct run *r, int planned)
{
	char plan[16];
	int oks = 0;

	snprintf(plan, sizeof(plan), "1..%d\n", planned);
	if (strncmp(r->out, plan, strlen(plan)) || strstr(r->out, "not ok"))
		fail_msg("expected %d passing tests, got:\n%s\n%s", planned, r->out, r->err);
	for (const char *s = r->out; (s = strstr(s, "\nok ")); s++)
		oks++;
	assert_int_equal(oks, planned);
}

static void test_one_fault_per_huge_page(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", THP, "--require", NULL);
	assert_int_equal(r.status, 0);
	all_ok(&r, 31);
	run_free(&r);
}

/* The boot option: the sysfs file shows the mode, and a first touch follows it. */
static void boots_in(const char *mode, const char *huge_kb)
{
	char opt[64];
	struct run r;

	snprintf(opt, sizeof(opt), "transparent_hugepage=%s", mode);
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--append", opt, THP, "--mode", mode,
		    huge_kb, NULL);
	assert_int_equal(r.status, 0);
	all_ok(&r, 3);
	run_free(&r);
}

static void test_boot_option_selects_the_mode(void **state)
{
	(void)state;
	boots_in("never", "0");
	boots_in("madvise", "2048");
	boots_in("always", "2048");
}

/* No 2 MiB block free: small pages, or with defrag always small pages moved out of the way. */
static void test_fallback_and_defrag(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "120", THP, "--fallback", NULL);
	assert_int_equal(r.status, 0);
	all_ok(&r, 4);
	run_free(&r);
}

/* White-box: page-table entries, references and counters through every split path. */
static void test_kernel_selftest(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--append", "selftest=thp", NULL);
	if (r.status != 0 || !strstr(r.out, " checks passed"))
		fail_msg("selftest=thp ended with %d:\n%s\n%s", r.status, r.out, r.err);
	run_free(&r);
}

static void test_bad_mode_is_refused_before_boot(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--append", "transparent_hugepage=sometimes", THP, NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "unknown kernel option 'transparent_hugepage=sometimes'");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_one_fault_per_huge_page, setup_kvm_kernel),
		cmocka_unit_test_setup(test_boot_option_selects_the_mode, setup_kvm_kernel),
		cmocka_unit_test_setup(test_fallback_and_defrag, setup_kvm_kernel),
		cmocka_unit_test_setup(test_kernel_selftest, setup_kvm_kernel),
		cmocka_unit_test_setup(test_bad_mode_is_refused_before_boot, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
