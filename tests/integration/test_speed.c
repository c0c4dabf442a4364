// SPDX-License-Identifier: MIT
/*
 * The transitions pagelab's kernel saves, counted by the kernel itself
 * (/proc/vmstat, read by tests/sandbox/tlb_probe): an mprotect that only
 * adds rights flushes nothing and the next store does not fault; a
 * copy-on-write fault flushes nothing; fork write-protects its pages with
 * one flush in all; a change to one page is one invlpg, to more one CR3
 * reload; a read of 32 cached pages of a shared mapping faults once per
 * 64 KiB window (fault-around). Each would fail without its technique
 * (the kernel options that turn two of them off show it). And --stats says
 * where a run's time goes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"

#define PROBE "build/tests/sandbox/tlb_probe"

struct counts {
	unsigned long faults, spurious, one, all;
};

/* The line of operation `name` in the probe's output. */
static struct counts counts_of(const char *out, const char *name)
{
	char key[64];
	const char *at;
	struct counts c;

	snprintf(key, sizeof(key), "%s faults ", name);
	at = strstr(out, key);
	if (!at || sscanf(at + strlen(key), "%lu spurious %lu one %lu all %lu", &c.faults,
			  &c.spurious, &c.one, &c.all) != 4)
		fail_msg("no line for %s in:\n%s", name, out);
	return c;
}

static void probe(struct run *r, const char *append)
{
	if (append)
		run_pagelab(r, NULL, "run", "--append", append, PROBE, NULL);
	else
		run_pagelab(r, NULL, "run", PROBE, NULL);
	if (r->status)
		fail_msg("tlb_probe exited %d:\n%s%s", r->status, r->out, r->err);
}

static void test_upgrades_and_cow_flush_nothing(void **state)
{
	struct run r;
	struct counts c;

	(void)state;
	probe(&r, NULL);
	c = counts_of(r.out, "mprotect_upgrade");
	assert_int_equal(c.one + c.all, 0);
	c = counts_of(r.out, "store_after_upgrade");
	assert_int_equal(c.one + c.all, 0);
	c = counts_of(r.out, "cow_copy");
	assert_int_equal(c.faults, 1);
	assert_int_equal(c.one + c.all, 0);
	c = counts_of(r.out, "cow_last_reference");
	assert_int_equal(c.faults, 1);
	assert_int_equal(c.one + c.all, 0);
	run_free(&r);
}

static void test_flushes_are_batched(void **state)
{
	struct run r;
	struct counts c;

	(void)state;
	probe(&r, NULL);
	c = counts_of(r.out, "mprotect_downgrade_1");
	assert_int_equal(c.one, 1);
	assert_int_equal(c.all, 0);
	c = counts_of(r.out, "mprotect_downgrade_4");
	assert_int_equal(c.one, 0);
	assert_int_equal(c.all, 1);
	c = counts_of(r.out, "mprotect_downgrade_64");
	assert_int_equal(c.one, 0);
	assert_int_equal(c.all, 1);
	/* 64 pages write-protected for copy-on-write: one CR3 reload for all. */
	c = counts_of(r.out, "fork_64_pages");
	assert_int_equal(c.one, 0);
	assert_int_equal(c.all, 1);
	run_free(&r);
	/*
	 * With a ceiling of 4 pages, the same change is an invlpg per page:
	 * three, since the first page was read-only already and is left alone.
	 */
	probe(&r, "tlb_single_page_flush_ceiling=4");
	c = counts_of(r.out, "mprotect_downgrade_4");
	assert_int_equal(c.one, 3);
	assert_int_equal(c.all, 0);
	run_free(&r);
}

static void test_fault_around_saves_faults(void **state)
{
	struct run r;
	struct counts c;

	(void)state;
	probe(&r, NULL);
	/* 32 pages at any page alignment span at most three 64 KiB windows. */
	c = counts_of(r.out, "read_32_cached_pages");
	assert_in_range(c.faults, 2, 3);
	run_free(&r);
	probe(&r, "fault_around_bytes=4096");
	c = counts_of(r.out, "read_32_cached_pages");
	assert_int_equal(c.faults, 32);
	run_free(&r);
}

static void test_stats_show_the_phases(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--stats", PROBE, NULL);
	assert_int_equal(r.status, 0);
	has(r.err, "pagelab: event exec-mode ");
	has(r.err, "pagelab: event boot-ns ");
	has(r.err, "pagelab: stats: phases: vmm set-up ");
	has(r.err, " ms, kernel boot ");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_upgrades_and_cow_flush_nothing, setup_kvm_kernel),
		cmocka_unit_test_setup(test_flushes_are_batched, setup_kvm_kernel),
		cmocka_unit_test_setup(test_fault_around_saves_faults, setup_kvm_kernel),
		cmocka_unit_test_setup(test_stats_show_the_phases, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
