// SPDX-License-Identifier: MIT
/*
 * Memory types: every sandbox asks KVM to honour guest PAT where it offers
 * to, and pl_memtype_probe / `pagelab info` report what this host really
 * does, from the kernel's timing of cached against uncached loads.
 */
#include <fcntl.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>

#include "common.h"

/* What KVM says, asked here directly. */
static bool host_offers_quirk(void)
{
	int sys = open("/dev/kvm", O_RDWR), vm, quirks;

	assert_true(sys >= 0);
	vm = ioctl(sys, KVM_CREATE_VM, 0);
	assert_true(vm >= 0);
	quirks = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_DISABLE_QUIRKS2);
	close(vm);
	close(sys);
	return quirks > 0 && (quirks & (1 << 9));
}

static void test_probe(void **state)
{
	struct pl_memtype_report m;

	(void)state;
	if (pl_memtype_probe(guest_kernel(), &m))
		fail_msg("pl_memtype_probe: %s", pl_error());
	assert_true(m.cached_ps > 0 && m.uncached_ps > 0);
	assert_int_equal(m.pat_quirk_offered, host_offers_quirk());
	/* Without the quirk KVM maps guest RAM write-back: the types cannot take effect. */
	if (!m.pat_quirk_offered && m.uncached_ps > 3 * m.cached_ps)
		fail_msg("uncached loads %llu ps, cached %llu ps, yet KVM ignores guest PAT",
			 (unsigned long long)m.uncached_ps, (unsigned long long)m.cached_ps);
	/* The caller's thread is not confined: a sandbox can still be made here. */
	if (pl_memtype_probe(guest_kernel(), &m))
		fail_msg("a second probe: %s", pl_error());
	assert_int_equal(pl_memtype_probe("/nonexistent/kernel.elf", &m), -1);
	assert_non_null(strstr(pl_error(), "memory type probe"));
}

static void test_info_reports_it(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "info", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "Guest memory types (PAT, PCD/PWT):");
	has(r.out, host_offers_quirk() ? "KVM_X86_QUIRK_IGNORE_GUEST_PAT offered"
				       : "KVM_X86_QUIRK_IGNORE_GUEST_PAT not offered");
	has(r.out, "uncached/cached ");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_probe, setup_kvm_kernel),
		cmocka_unit_test_setup(test_info_reports_it, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
