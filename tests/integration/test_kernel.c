// SPDX-License-Identifier: MIT
/*
 * The real guest kernel under KVM: a plain boot prints the memory map the
 * host built and exits 0; the kernel's self-tests (bootargs selftest=NAME)
 * prove native execution, a fatal fault's report and --timeout.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>

#include "common.h"

/* Every RAM region of the host's map appears as a "mem 0x...-0x... ram" line. */
static void check_map_lines(const char *out, uint64_t memory)
{
	struct pl_memmap map;
	char line[96];

	assert_int_equal(pl_memmap(memory, &map), 0);
	for (unsigned i = 0; i < map.n; i++) {
		const struct pl_region *r = &map.region[i];

		if (r->kind != PL_REGION_RAM)
			continue;
		snprintf(line, sizeof(line), "mem 0x%016" PRIx64 "-0x%016" PRIx64 " ram", r->base,
			 r->base + r->size - 1);
		has(out, line);
	}
}

static void boots(uint64_t memory, const char *size)
{
	struct run r;

	run_pagelab(&r, NULL, "run", "--kernel", guest_kernel(), "-m", size, "--timeout", "60",
		    NULL);
	if (r.status != 0)
		fail_msg("a plain boot with -m %s ended with %d:\n%s\n%s", size, r.status, r.out,
			 r.err);
	has(r.out, "pagelab kernel");
	check_map_lines(r.out, memory);
	run_free(&r);
}

static void test_boot(void **state)
{
	(void)state;
	boots(256ULL << 20, "256M");
}

static void test_boot_high_memory(void **state)
{
	(void)state;
	boots(5ULL << 30, "5G");
}

/* After boot the kernel runs natively: a tight loop costs well under 100 ns. */
static void test_native(void **state)
{
	struct run r;
	const char *p;
	double ns;

	(void)state;
	run_pagelab(&r, NULL, "run", "--kernel", guest_kernel(), "--append", "selftest=native",
		    "--timeout", "60", NULL);
	p = strstr(r.out, "native: ");
	if (!p || sscanf(p, "native: %lf ns per iteration", &ns) != 1)
		fail_msg("no 'native: N ns per iteration' line (status %d):\n%s\n%s", r.status,
			 r.out, r.err);
	if (!(ns < 100))
		fail_msg("%.3f ns per iteration: the kernel is emulated, not native", ns);
	run_free(&r);
}

/*
 * The benchmarks' floor: the self-test borrows LSTAR and the exception
 * vectors, must give them back, and its every pass must take the faults
 * it planned (it panics otherwise). Numbers are printed, not judged.
 */
static void test_floor(void **state)
{
	struct run r;
	double sys_ns, fault_ns;
	const char *p, *q;

	(void)state;
	run_pagelab(&r, NULL, "run", "--kernel", guest_kernel(), "--append", "selftest=floor",
		    "--timeout", "60", NULL);
	assert_int_equal(r.status, 0);
	p = strstr(r.out, "floor_syscall_ns ");
	q = strstr(r.out, "floor_fault_ns ");
	if (!p || !q || sscanf(p, "floor_syscall_ns %lf", &sys_ns) != 1 ||
	    sscanf(q, "floor_fault_ns %lf", &fault_ns) != 1)
		fail_msg("no floor figures:\n%s\n%s", r.out, r.err);
	assert_true(sys_ns > 0 && fault_ns > 0);
	has(r.out, "floor_syscalls 2000");
	has(r.out, "floor_faults 4096");
	run_free(&r);
}

static void test_fault_report(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--kernel", guest_kernel(), "--append", "selftest=fault",
		    "--timeout", "60", NULL);
	if (r.status != PL_EXIT_GUEST_PANIC)
		fail_msg("status %d, expected %d:\n%s", r.status, PL_EXIT_GUEST_PANIC, r.err);
	has(r.err, "panicked");
	has(r.err, "RIP 0x");
	has(r.err, "CR2 0x");
	run_free(&r);
}

static void test_timeout(void **state)
{
	struct run_opts o = { .limit_s = 60 };
	struct run r;

	(void)state;
	run_pagelab(&r, &o, "run", "--kernel", guest_kernel(), "--append", "selftest=spin",
		    "--timeout", "1", NULL);
	if (r.status != PL_EXIT_TIMEOUT)
		fail_msg("status %d, expected %d:\n%s", r.status, PL_EXIT_TIMEOUT, r.err);
	has(r.err, "timeout");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_boot, setup_kvm_kernel),
		cmocka_unit_test_setup(test_boot_high_memory, setup_kvm_kernel),
		cmocka_unit_test_setup(test_native, setup_kvm_kernel),
		cmocka_unit_test_setup(test_floor, setup_kvm_kernel),
		cmocka_unit_test_setup(test_fault_report, setup_kvm_kernel),
		cmocka_unit_test_setup(test_timeout, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
