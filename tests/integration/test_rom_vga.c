// SPDX-License-Identifier: MIT
/*
 * The ROM and VGA regions seen from the host: --rom FILE puts a user's
 * image at 0xF0000 (and refuses one that does not fit), --vga FILE writes
 * the 80x25 text screen as text when the run ends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"

#define RUN_FIXTURE(r, opts, name, ...) \
	run_pagelab((r), (opts), "run", "--kernel", fixture(name), ##__VA_ARGS__, NULL)

/* --vga FILE: the text screen as text when the run ends. */
static void test_vga_screen(void **state)
{
	char path[] = "/tmp/pagelab-vga.XXXXXX", text[4096] = "";
	struct run r;
	int fd = mkstemp(path);
	ssize_t n;

	(void)state;
	assert_true(fd >= 0);
	RUN_FIXTURE(&r, NULL, "vgawrite", "--vga", path);
	assert_int_equal(r.status, 0);
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	text[n] = '\0';
	assert_int_equal(count_lines(text), 25);
	/* Blank cells end no line; the non-ASCII cell shows as '.'. */
	assert_memory_equal(text, "pagelab VGA\n\n    row two.\n\n", 27);
	run_free(&r);
	RUN_FIXTURE(&r, NULL, "vgawrite", "--vga", "/nonexistent/screen.txt");
	assert_int_equal(r.status, 2);
	has(r.err, "--vga /nonexistent/screen.txt");
	run_free(&r);
}

/* --rom FILE: the image instead of the identification string; over 64 KiB is refused. */
static void test_rom_image(void **state)
{
	char path[] = "/tmp/pagelab-rom.XXXXXX";
	static char big[65537];
	struct run r;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "MY-ROM 1.0", 11), 11);
	run_pagelab(&r, NULL, "run", "--rom", path, NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "BIOS ROM at 0xf0000 says: \"MY-ROM 1.0\"");
	run_free(&r);
	assert_int_equal(pwrite(fd, big, sizeof(big), 0), (ssize_t)sizeof(big));
	close(fd);
	run_pagelab(&r, NULL, "run", "--rom", path, NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "65537 bytes: the ROM at 0xf0000 holds 1 to 65536 bytes");
	assert_int_equal(count_lines(r.err), 1);
	run_free(&r);
	unlink(path);
	run_pagelab(&r, NULL, "run", "--rom", "/nonexistent.rom", NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "ROM image /nonexistent.rom");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vga_screen, setup_kvm),
		cmocka_unit_test_setup(test_rom_image, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
