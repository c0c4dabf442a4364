// SPDX-License-Identifier: MIT
/*
 * Out of memory never crashes or hangs the guest kernel (issue 4): in a
 * 64 MiB guest an over-sized commit is refused, a process that touches
 * more than there is gets SIGKILL while its parent goes on, and a fork
 * storm ends in EAGAIN/ENOMEM; afterwards the kernel still works.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"

#define OOM "build/tests/sandbox/oom"

static void survives(const char *mode)
{
	char want[64];
	struct run r;

	run_pagelab(&r, NULL, "run", "-m", "64M", "--timeout", "120", OOM, mode, NULL);
	if (r.status != 0)
		fail_msg("oom %s ended with %d:\n%s\n%s", mode, r.status, r.out, r.err);
	snprintf(want, sizeof(want), "ok %s\nok still working\n", mode);
	assert_string_equal(r.out, want);
	run_free(&r);
}

static void test_commit_refused(void **state)
{
	(void)state;
	survives("commit");
}

static void test_toucher_killed(void **state)
{
	(void)state;
	survives("touch");
}

static void test_fork_refused(void **state)
{
	(void)state;
	survives("fork");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_commit_refused, setup_kvm_kernel),
		cmocka_unit_test_setup(test_toucher_killed, setup_kvm_kernel),
		cmocka_unit_test_setup(test_fork_refused, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
