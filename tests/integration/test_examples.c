// SPDX-License-Identifier: MIT
/*
 * The examples (make examples) run as a user would run them, with the real
 * kernel, and say what they are meant to show.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common.h"

#define EXAMPLES "build/examples/"

/* The frame and state of PID's page PAGE in the section of checkpoint CP. */
static void frame_at(const char *out, int cp, int pid, int page, unsigned long long *frame,
		     char *state, size_t len)
{
	char head[32], want[32];
	const char *s, *line;

	snprintf(head, sizeof(head), "checkpoint %d (", cp);
	snprintf(want, sizeof(want), "  pid %d page %d: frame ", pid, page);
	s = strstr(out, head);
	if (!s)
		fail_msg("no checkpoint %d in:\n%s", cp, out);
	line = strstr(s, want);
	if (!line || sscanf(line + strlen(want), "0x%llx %31[a-z- ]", frame, state) != 2)
		fail_msg("no line for pid %d page %d at checkpoint %d in:\n%s", pid, page, cp, out);
	state[len - 1] = '\0';
}

static void test_cow_ptes(void **state)
{
	struct run_opts o = { .binary = EXAMPLES "cow_ptes/host" };
	unsigned long long parent, child, copied, before;
	char st[32];
	struct run r;

	(void)state;
	run_pagelab(&r, &o, guest_kernel(), EXAMPLES "cow_ptes/guest", NULL);
	assert_int_equal(r.status, 0);
	frame_at(r.out, 1, 1, 0, &before, st, sizeof(st));
	assert_string_equal(st, "writable dirty");
	/* After fork: one frame, read-only in both. */
	frame_at(r.out, 2, 1, 0, &parent, st, sizeof(st));
	assert_string_equal(st, "read-only clean");
	frame_at(r.out, 2, 2, 0, &child, st, sizeof(st));
	assert_string_equal(st, "read-only clean");
	assert_true(parent == before && child == before);
	/* The child's write: a frame of its own; page 1 still shared. */
	frame_at(r.out, 3, 2, 0, &copied, st, sizeof(st));
	assert_string_equal(st, "writable dirty");
	assert_true(copied != before);
	frame_at(r.out, 3, 2, 1, &child, st, sizeof(st));
	frame_at(r.out, 3, 1, 1, &parent, st, sizeof(st));
	assert_true(child == parent);
	has(r.out, "exit status 0\n");
	run_free(&r);
}

static void test_dirty_tracker(void **state)
{
	struct run_opts o = { .binary = EXAMPLES "dirty_tracker/host" };
	struct run r;

	(void)state;
	run_pagelab(&r, &o, guest_kernel(), EXAMPLES "dirty_tracker/guest", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "phase 1: the program meant to write 64 pages; 64 of its buffer's 64 pages");
	has(r.out, "phase 2: the program meant to write 16 pages; 16 of its buffer's 64 pages");
	has(r.out, "phase 3: the program meant to write 0 pages; 0 of its buffer's 64 pages");
	run_free(&r);
}

/* A host program's MMIO device, driven by a user-space driver in the guest. */
static void test_mmio_counter(void **state)
{
	struct run_opts o = { .binary = EXAMPLES "mmio_counter/host" };
	struct run r;

	(void)state;
	run_pagelab(&r, &o, guest_kernel(), EXAMPLES "mmio_counter/guest", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "guest: counter value 121 after 3 ticks of 7 from 100\n");
	has(r.out, "guest: the device counted 1 reads of its value\n");
	/* Every access was the device's: VALUE and READS read, VALUE, STEP and 3 TICKs written. */
	has(r.out, "host: the counter device saw 2 reads and 5 writes; its value is 121\n");
	run_free(&r);
}

/* A VFIO user-space driver of the DMA engine; every fault it provokes is in the host's log. */
static void test_vfio_dma(void **state)
{
	struct run_opts o = { .binary = EXAMPLES "vfio_dma/host" };
	struct run r;

	(void)state;
	run_pagelab(&r, &o, guest_kernel(), EXAMPLES "vfio_dma/guest", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "guest: group /dev/vfio/0 in the container\n");
	has(r.out, "guest: copied 16 KiB, filled 100 bytes, compare found the byte changed at "
		   "5000\n");
	has(r.out, "host: fault 1: endpoint 1 ");
	has(r.out, " IOVA 0x201000 write, reason ");
	has(r.out, "host: fault 2: endpoint 1 ");
	has(r.out, " IOVA 0x900000 read, reason ");
	has(r.out, "host: fault 3: endpoint 1 ");
	has(r.out, " IOVA 0x302000 write, reason ");
	has(r.out, "guest: 3 faults, each seen as SIGBUS and by the engine\n");
	/* copy, fill, compare, then the fill that failed: 3 complete, 16384 * 2 + 100 bytes */
	has(r.out, "host: the engine completed 3 descriptors (32868 bytes); the IOMMU logged 3 "
		   "faults\n");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_mmio_counter, setup_kvm_kernel),
		cmocka_unit_test_setup(test_cow_ptes, setup_kvm_kernel),
		cmocka_unit_test_setup(test_dirty_tracker, setup_kvm_kernel),
		cmocka_unit_test_setup(test_vfio_dma, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
