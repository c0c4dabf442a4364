// SPDX-License-Identifier: MIT
/*
 * The VGA text screen (80x25 cells of character and attribute at 0xB8000)
 * as text, for people: pl_vga_text, and cfg->vga_out, to which a run
 * writes the screen when it ends (pagelab run --vga FILE).
 */
#include <string.h>

#include "sandbox.h"
#include "vga.h"

/* Code page 437's printable ASCII as itself, NUL as a blank, the rest as '.'. */
static char cell_char(unsigned char c)
{
	if (c == 0)
		return ' ';
	return c >= 0x20 && c < 0x7f ? (char)c : '.';
}

int pl_vga_text(struct pl_sandbox *sb, char *buf, size_t size)
{
	const unsigned char *cells;
	size_t n = 0;

	if (size < PL_VGA_TEXT_MAX)
		return -1;
	cells =
	    pl_guestmem_check(&sb->mem, PL_VGA_TEXT, PL_VGA_COLS * PL_VGA_ROWS * 2, PL_ACC_READ);
	if (!cells)
		return -1;
	for (int row = 0; row < PL_VGA_ROWS; row++) {
		size_t start = n;

		for (int col = 0; col < PL_VGA_COLS; col++)
			buf[n++] = cell_char(cells[(row * PL_VGA_COLS + col) * 2]);
		while (n > start && buf[n - 1] == ' ')
			n--;
		buf[n++] = '\n';
	}
	buf[n] = '\0';
	return (int)n;
}

void pl_vga_dump(struct pl_sandbox *sb)
{
	char text[PL_VGA_TEXT_MAX];
	int n;

	if (!sb->vga_out)
		return;
	n = pl_vga_text(sb, text, sizeof(text));
	if (n > 0) {
		fwrite(text, 1, (size_t)n, sb->vga_out);
		fflush(sb->vga_out);
	}
}
