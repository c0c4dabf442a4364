// SPDX-License-Identifier: MIT
/*
 * A known set of pages written between two checkpoints: all eight pages
 * of a buffer before checkpoint 1, then pages 1, 3, 4 and 7 before
 * checkpoint 2 (tests/integration/test_dirty_log.c reads the host's dirty
 * log in between). Natively the checkpoints do nothing.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <pagelab/guest.h>

#include "tap.h"

#define PAGES 8

int main(void)
{
	static const int written[] = { 1, 3, 4, 7 };
	char *buf =
	    mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned sum = 0;

	tap_plan(1);
	PAGELAB_ASSERT(buf != MAP_FAILED);
	memset(buf, 1, PAGES * 4096);
	pagelab_checkpoint(1, (uint64_t)(uintptr_t)buf);
	for (unsigned i = 0; i < sizeof(written) / sizeof(written[0]); i++)
		buf[written[i] * 4096 + 100] = 2;
	pagelab_checkpoint(2, (uint64_t)(uintptr_t)buf);
	for (int i = 0; i < PAGES * 4096; i++)
		sum += (unsigned char)buf[i];
	ok(sum == PAGES * 4096 + 4, "sum %u", sum);
	return tap_done();
}
