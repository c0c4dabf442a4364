// SPDX-License-Identifier: MIT
/*
 * MAP_HUGETLB in the sandbox. The differential test runs the guest program
 * build/tests/guest/hugetlb without arguments, which checks only what holds
 * on any Linux (a host without reserved huge pages cannot do more); here it
 * runs with --require, which needs real 2 MiB pages: one store maps all
 * 512 small pages, their frames are contiguous from a 2 MiB boundary
 * (/proc/self/pagemap), fork copies on write, PROT_NONE keeps them, munmap
 * gives them back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"

#define HUGETLB "build/tests/guest/hugetlb"

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

static void test_huge_pages_are_2mib(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", HUGETLB, "--require", NULL);
	assert_int_equal(r.status, 0);
	all_ok(&r, 23);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_huge_pages_are_2mib, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
