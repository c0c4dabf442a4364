// SPDX-License-Identifier: MIT
/*
 * Checkpoints and assertions that hold (include/pagelab/guest.h): in the
 * sandbox the host stops at each checkpoint (tests/integration/
 * test_guest_stops.c looks at the buffer through its page tables there,
 * and writes byte 1 as 'Z'); natively they do nothing. Without a host
 * that writes, the output is the same in both places.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <pagelab/guest.h>

#include "tap.h"

#define PAGES 4

int main(void)
{
	char *buf =
	    mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	tap_plan(4);
	PAGELAB_ASSERT(buf != MAP_FAILED);
	/* 1: the buffer is mapped but untouched; value = its address. */
	ok(pagelab_checkpoint(1, (uint64_t)(uintptr_t)buf) == 0 || errno == ENOSYS, "checkpoint 1");
	for (int i = 0; i < PAGES; i++)
		memset(buf + i * 4096, 'a' + i, 4096);
	/* 2: every page written; the host may read them, and change byte 1. */
	ok(pagelab_checkpoint(2, (uint64_t)(uintptr_t)buf) == 0 || errno == ENOSYS, "checkpoint 2");
	PAGELAB_ASSERT_EQ(buf[4096], 'b');
	ok(buf[1] == 'a' || buf[1] == 'Z', "byte 1 is %c, last byte %c", buf[1],
	   buf[PAGES * 4096 - 1]);
	ok(pagelab_checkpoint(3, 0) == 0 || errno == ENOSYS, "checkpoint 3");
	return tap_done();
}
