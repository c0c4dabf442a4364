// SPDX-License-Identifier: MIT
/*
 * Checkpoints and assertions that hold (include/pagelab/guest.h): in the
 * sandbox the host stops at each checkpoint (tests/integration/
 * test_guest_stops.c looks at the buffer through its page tables there);
 * natively they do nothing. The output is the same in both places.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <pagelab/guest.h>

#define PAGES 4

int main(void)
{
	char *buf =
	    mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	PAGELAB_ASSERT(buf != MAP_FAILED);
	/* 1: the buffer is mapped but untouched; value = its address. */
	pagelab_checkpoint(1, (uint64_t)(uintptr_t)buf);
	for (int i = 0; i < PAGES; i++)
		memset(buf + i * 4096, 'a' + i, 4096);
	/* 2: every page written; the host may read them, and change the first byte. */
	pagelab_checkpoint(2, (uint64_t)(uintptr_t)buf);
	PAGELAB_ASSERT_EQ(buf[4096], 'b');
	printf("pages %d, first byte %c, last byte %c\n", PAGES, buf[1] == 'a' ? 'a' : '?',
	       buf[PAGES * 4096 - 1]);
	pagelab_checkpoint(3, 0);
	printf("done\n");
	return 0;
}
