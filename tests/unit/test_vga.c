// SPDX-License-Identifier: MIT
/* pl_vga_text: the 80x25 text screen at 0xB8000 as text, whatever the cells hold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_sandbox.h"

static void put(struct fake *f, int row, int col, const char *s)
{
	uint8_t *cell = fake_ptr(f, PL_VGA_TEXT + (row * PL_VGA_COLS + col) * 2, 2 * strlen(s));

	for (; *s; s++, cell += 2) {
		cell[0] = (uint8_t)*s;
		cell[1] = 0x1f; /* attributes never show */
	}
}

static void test_screen_as_text(void **state)
{
	struct fake *f = fake_new(16 << 20, -1);
	char text[PL_VGA_TEXT_MAX], want[PL_VGA_TEXT_MAX];
	int n;

	(void)state;
	put(f, 0, 0, "hello");
	put(f, 24, 79, "\xdb"); /* a CP437 block in the last cell */
	put(f, 3, 2, "a  b   ");
	n = pl_vga_text(&f->sb, text, sizeof(text));
	snprintf(want, sizeof(want), "hello\n\n\n  a  b\n%.*s%79s.\n", 20,
		 "\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n", "");
	assert_string_equal(text, want);
	assert_int_equal(n, (int)strlen(want));
	/* The widest screen fits PL_VGA_TEXT_MAX; a smaller buffer is refused. */
	for (int r = 0; r < PL_VGA_ROWS; r++)
		put(f, r, 0,
		    "##############################################################################"
		    "##");
	assert_int_equal(pl_vga_text(&f->sb, text, sizeof(text)), PL_VGA_TEXT_MAX - 1);
	assert_int_equal(pl_vga_text(&f->sb, text, PL_VGA_TEXT_MAX - 1), -1);
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_screen_as_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
