// SPDX-License-Identifier: MIT
/*
 * Guest-physical bounds checks: the one gate between guest-controlled
 * addresses and host memory. Edges, wrap-around, slot crossings, ROM.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_sandbox.h"

#define M (1ULL << 20)
#define G (1ULL << 30)

static bool ok(struct fake *f, uint64_t gpa, uint64_t len)
{
	return pl_guestmem_check(&f->sb.mem, gpa, len, PL_ACC_READ) != NULL;
}

static void test_edges(void **state)
{
	struct fake *f = fake_new(256 * M, -1);

	(void)state;
	assert_true(ok(f, 0, 1));
	assert_true(ok(f, 0, 0xa0000));
	assert_true(ok(f, 0x9ffff, 1));
	assert_false(ok(f, 0x9ffff, 2)); /* low RAM into VGA: two slots */
	assert_true(ok(f, PL_VGA_TEXT, 80 * 25 * 2));
	assert_false(ok(f, 0xbffff, 2)); /* VGA into the option-ROM hole */
	assert_false(ok(f, 0xc0000, 1)); /* nothing there */
	assert_true(ok(f, PL_ROM_BASE, PL_ROM_SIZE));
	assert_false(ok(f, 0xfffff, 2)); /* ROM into RAM: two slots */
	assert_true(ok(f, PL_RAM_BASE, 256 * M - PL_RAM_BASE));
	assert_true(ok(f, 256 * M - 1, 1));
	assert_false(ok(f, 256 * M - 1, 2));
	assert_false(ok(f, 256 * M, 1));
	assert_false(ok(f, PL_MMIO_BASE, 4));
	fake_free(f);
}

static void test_zero_length(void **state)
{
	struct fake *f = fake_new(256 * M, -1);

	(void)state;
	assert_true(ok(f, PL_RAM_BASE, 0));
	assert_true(ok(f, 256 * M - 1, 0));
	assert_false(ok(f, 256 * M, 0)); /* the address itself must be memory */
	assert_false(ok(f, 0xc0000, 0));
	fake_free(f);
}

static void test_wrap(void **state)
{
	struct fake *f = fake_new(256 * M, -1);

	(void)state;
	assert_false(ok(f, UINT64_MAX, 1));
	assert_false(ok(f, UINT64_MAX, 2));
	assert_false(ok(f, UINT64_MAX - 4, 16));
	assert_false(ok(f, PL_RAM_BASE, UINT64_MAX));
	assert_false(ok(f, PL_RAM_BASE, UINT64_MAX - PL_RAM_BASE + 1)); /* ends at 2^64 == 0 */
	assert_false(ok(f, 16, UINT64_MAX - 8));
	fake_free(f);
}

static void test_high_ram(void **state)
{
	struct fake *f = fake_new(5 * G, -1); /* MAP_NORESERVE: costs nothing */

	(void)state;
	assert_true(ok(f, PL_LOWRAM_TOP - 1, 1));
	assert_false(ok(f, PL_LOWRAM_TOP, 1));
	assert_false(ok(f, PL_HIGHRAM_BASE - 1, 1));
	assert_false(ok(f, PL_HIGHRAM_BASE - 1, 2));
	assert_true(ok(f, PL_HIGHRAM_BASE, 1));
	assert_true(ok(f, PL_HIGHRAM_BASE + 2 * G - 1, 1));
	assert_false(ok(f, PL_HIGHRAM_BASE + 2 * G - 1, 2));
	assert_false(ok(f, PL_HIGHRAM_BASE + 2 * G, 1));
	fake_free(f);
}

/* The public calls: data lands where it should, refusals touch nothing. */
static void test_public_calls(void **state)
{
	struct fake *f = fake_new(256 * M, -1);
	struct pl_sandbox *sb = &f->sb;
	char in[] = "pagelab", out[8] = "XXXXXXX";
	char *p;

	(void)state;
	assert_int_equal(pl_gpa_write(sb, 0x200000, in, sizeof(in)), 0);
	assert_int_equal(pl_gpa_read(sb, 0x200000, out, sizeof(out)), 0);
	assert_string_equal(out, "pagelab");
	p = pl_gpa_ptr(sb, 0x200000, 8);
	assert_non_null(p);
	assert_string_equal(p, "pagelab");
	p[0] = 'P';
	assert_int_equal(pl_gpa_read(sb, 0x200000, out, 1), 0);
	assert_int_equal(out[0], 'P');

	memcpy(out, "XXXXXXX", 8);
	assert_int_equal(pl_gpa_read(sb, 256 * M - 4, out, 8), -EFAULT);
	assert_string_equal(out, "XXXXXXX");
	assert_int_equal(pl_error_kind(), PL_ERR_FAULT);
	assert_non_null(strstr(pl_error(), "0xffffffc"));
	assert_int_equal(pl_gpa_write(sb, UINT64_MAX - 2, in, 8), -EFAULT);
	assert_null(pl_gpa_ptr(sb, 0x9fff0, 32));
	fake_free(f);
}

static void test_rom_is_read_only(void **state)
{
	struct fake *f = fake_new(256 * M, -1);
	uint8_t b = 0x55;

	(void)state;
	assert_int_equal(pl_gpa_read(&f->sb, PL_ROM_BASE, &b, 1), 0);
	assert_int_equal(pl_gpa_write(&f->sb, PL_ROM_BASE, &b, 1), -EACCES);
	assert_non_null(strstr(pl_error(), "read-only"));
	assert_null(pl_gpa_ptr(&f->sb, PL_ROM_BASE, 1));
	assert_null(pl_guestmem_check(&f->sb.mem, PL_ROM_BASE, 1, PL_ACC_WRITE));
	fake_free(f);
}

static void test_slots_do_not_overlap(void **state)
{
	struct pl_guestmem m = { 0 };
	static uint8_t a[8192], b[8192];

	(void)state;
	assert_int_equal(pl_guestmem_add(&m, 0x1000, 0x2000, a, 0, PL_REGION_RAM), 0);
	assert_int_equal(pl_guestmem_add(&m, 0x2000, 0x2000, b, 0, PL_REGION_RAM), -EINVAL);
	assert_int_equal(pl_guestmem_add(&m, 0x0, 0x1001, b, 0, PL_REGION_RAM), -EINVAL);
	assert_int_equal(pl_guestmem_add(&m, 0x3000, 0, b, 0, PL_REGION_RAM), -EINVAL);
	assert_int_equal(pl_guestmem_add(&m, UINT64_MAX - 0xfff, 0x2000, b, 0, PL_REGION_RAM),
			 -EINVAL);
	assert_int_equal(pl_guestmem_add(&m, 0x3000, 0x2000, b, 0, PL_REGION_RAM), 0);
	/* Adjacent slots: a range across the seam is still refused. */
	assert_ptr_equal(pl_guestmem_check(&m, 0x2fff, 1, PL_ACC_READ), a + 0x1fff);
	assert_ptr_equal(pl_guestmem_check(&m, 0x3000, 1, PL_ACC_READ), b);
	assert_null(pl_guestmem_check(&m, 0x2fff, 2, PL_ACC_READ));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_high_ram),
		cmocka_unit_test(test_public_calls),
		cmocka_unit_test(test_rom_is_read_only),
		cmocka_unit_test(test_slots_do_not_overlap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
