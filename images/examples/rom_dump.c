// SPDX-License-Identifier: MIT
/*
 * QNX's BIOS ROM example: map the ROM at physical 0xF0000 with MAP_PHYS and
 * print its first 3 x 80 bytes, unprintable ones as '.'. Root only.
 *   pagelab run --initrd images/build/examples.cpio -- /bin/rom_dump
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pagelab/mman.h>

int main(void)
{
	unsigned char *rom;
	int i;

	rom = mmap(0, 0x10000, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, 0xf0000);
	if (rom == MAP_FAILED) {
		fprintf(stderr, "mmap of the ROM failed: %s\n", strerror(errno));
		return EXIT_FAILURE;
	}
	for (i = 0; i < 3 * 80; i++) {
		putchar(rom[i] >= ' ' && rom[i] < 0x7f ? rom[i] : '.');
		if (i % 80 == 79)
			putchar('\n');
	}
	return EXIT_SUCCESS;
}
