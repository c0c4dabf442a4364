// SPDX-License-Identifier: MIT
/*
 * The guest half of examples/dirty_tracker: three phases over a 64-page
 * buffer, each ended by a checkpoint whose value is the pages it wrote:
 * every page, then every 4th, then none (it only reads).
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include <pagelab/guest.h>

#define PAGES 64

int main(void)
{
	char *buf =
	    mmap(NULL, PAGES * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned sum = 0;

	PAGELAB_ASSERT(buf != MAP_FAILED);
	memset(buf, 1, PAGES * 4096);
	pagelab_checkpoint((uint64_t)(uintptr_t)buf, PAGES);
	for (int i = 0; i < PAGES; i += 4)
		buf[i * 4096] = 2;
	pagelab_checkpoint((uint64_t)(uintptr_t)buf, PAGES / 4);
	for (int i = 0; i < PAGES * 4096; i += 64)
		sum += (unsigned char)buf[i];
	pagelab_checkpoint((uint64_t)(uintptr_t)buf, 0);
	return sum ? 0 : 1;
}
