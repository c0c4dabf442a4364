// SPDX-License-Identifier: MIT
/*
 * The guest kernel under random system calls (tests/sandbox/sysfuzz): for
 * each seed the run must end with the fuzzer's own "ok" (its sanity phase
 * passed and no memory went missing), never a panic or a hang. make test
 * runs two short seeds; make stress (STRESS=1) six long ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"

#define FUZZER "build/tests/sandbox/sysfuzz"

static void fuzz_seed(int seed, const char *calls)
{
	struct run_opts o = { .limit_s = 900 };
	char s[16], want[64];
	struct run r;

	snprintf(s, sizeof(s), "%d", seed);
	snprintf(want, sizeof(want), "sysfuzz: seed %d: ok\n", seed);
	run_pagelab(&r, &o, "run", "-m", "256M", "--timeout", "800", FUZZER, "-s", s, "-n", calls,
		    NULL);
	if (r.status != 0 || !strstr(r.out, want))
		fail_msg("seed %d: status %d (reproduce: pagelab run %s -s %d -n %s)\n%s%s", seed,
			 r.status, FUZZER, seed, calls, r.out, r.err);
	run_free(&r);
}

static void test_random_syscalls(void **state)
{
	bool stress = getenv("STRESS") && getenv("STRESS")[0];

	(void)state;
	for (int seed = 1; seed <= (stress ? 6 : 2); seed++)
		fuzz_seed(seed, stress ? "50000" : "2000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_random_syscalls, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
