// SPDX-License-Identifier: MIT
/*
 * QNX's VGA example: map the text-mode display memory at physical 0xB8000
 * with MAP_PHYS and write a line to the screen (character, attribute).
 * The host shows the screen with --vga:
 *   pagelab run --vga screen.txt --initrd images/build/examples.cpio -- /bin/vga_text
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <pagelab/mman.h>

int main(void)
{
	static const char msg[] = "Hello from the VGA text buffer, written through MAP_PHYS";
	unsigned short *screen;
	size_t i;

	screen = mmap(0, 80 * 25 * 2, PROT_READ | PROT_WRITE | PROT_NOCACHE, MAP_PHYS | MAP_SHARED,
		      NOFD, 0xb8000);
	if (screen == MAP_FAILED) {
		fprintf(stderr, "mmap of VGA memory failed: %s\n", strerror(errno));
		return EXIT_FAILURE;
	}
	for (i = 0; i < 80 * 25; i++)
		screen[i] = 0x0700 | ' '; /* clear: grey on black */
	for (i = 0; msg[i]; i++)
		screen[80 * 12 + 12 + i] = 0x1f00 | (unsigned char)msg[i]; /* row 12, column 12 */
	printf("wrote %zu characters to the screen\n", strlen(msg));
	return EXIT_SUCCESS;
}
