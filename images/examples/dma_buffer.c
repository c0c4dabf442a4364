// SPDX-License-Identifier: MIT
/*
 * QNX's DMA buffer example: allocate 256 KiB of physically contiguous,
 * uncached memory for a bus-mastering card (MAP_PHYS | MAP_ANON) and ask
 * where it is with mem_offset(): the address to program into the card.
 *   pagelab run --initrd images/build/examples.cpio -- /bin/dma_buffer
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pagelab/mman.h>

int main(void)
{
	size_t len = 262144, contig;
	void *buf;
	off_t phys;

	buf = mmap(0, len, PROT_READ | PROT_WRITE | PROT_NOCACHE, MAP_PHYS | MAP_ANON, NOFD, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "mmap of the DMA buffer failed: %s\n", strerror(errno));
		return EXIT_FAILURE;
	}
	if (mem_offset(buf, NOFD, len, &phys, &contig) == -1) {
		fprintf(stderr, "mem_offset failed: %s\n", strerror(errno));
		return EXIT_FAILURE;
	}
	printf("DMA buffer: %zu bytes at physical 0x%llx, %zu contiguous\n", len,
	       (unsigned long long)phys, contig);
	return contig == len ? EXIT_SUCCESS : EXIT_FAILURE;
}
