// SPDX-License-Identifier: MIT
/*
 * The boot page tables and GDT, walked as the CPU walks them: both
 * windows map the first GiB, every level carries U=1 (kvm_pvm needs it),
 * and the selectors are the ones abi.h promises.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "boot.h"
#include "fake_sandbox.h"

#define P	  1ULL
#define RW	  2ULL
#define US	  4ULL
#define PS	  0x80ULL
#define ADDR_MASK 0x000ffffffffff000ULL

/* Returns the physical address for va, or ~0 if unmapped or any level lacks P|RW|US. */
static uint64_t walk(struct fake *f, uint64_t va)
{
	uint64_t table = PL_BOOT_PML4;
	static const int shifts[] = { 39, 30, 21 };

	for (int level = 0; level < 3; level++) {
		uint64_t *t = pl_guestmem_check(&f->sb.mem, table, 4096, PL_ACC_READ);
		uint64_t e = t[(va >> shifts[level]) & 511];

		if ((e & (P | RW | US)) != (P | RW | US))
			return ~0ULL;
		if (level == 2)
			return (e & PS) ? (e & ADDR_MASK & ~0x1fffffULL) + (va & 0x1fffff) : ~0ULL;
		if (e & PS)
			return ~0ULL; /* no 1 GiB pages at boot */
		table = e & ADDR_MASK;
	}
	return ~0ULL;
}

static void test_windows(void **state)
{
	struct fake *f = fake_new(16ULL << 20, -1);

	(void)state;
	assert_int_equal(pl_boot_write_tables(&f->sb.mem), 0);
	assert_true(walk(f, 0) == 0);
	assert_true(walk(f, 0x1234567) == 0x1234567);
	assert_true(walk(f, PL_BOOT_MAP_SIZE - 1) == PL_BOOT_MAP_SIZE - 1);
	assert_true(walk(f, PL_KERNEL_VBASE) == 0);
	assert_true(walk(f, PL_KERNEL_VBASE + 0x200123) == 0x200123);
	assert_true(walk(f, PL_KERNEL_VBASE + PL_BOOT_MAP_SIZE - 1) == PL_BOOT_MAP_SIZE - 1);
	/* Nothing else is mapped. */
	assert_true(walk(f, PL_BOOT_MAP_SIZE) == ~0ULL);
	assert_true(walk(f, PL_KERNEL_VBASE + PL_BOOT_MAP_SIZE) == ~0ULL);
	assert_true(walk(f, PL_DIRECT_MAP_BASE) == ~0ULL);
	assert_true(walk(f, 1ULL << 39) == ~0ULL);
	fake_free(f);
}

static void test_gdt(void **state)
{
	struct fake *f = fake_new(16ULL << 20, -1);
	uint64_t *gdt;

	(void)state;
	assert_int_equal(pl_boot_write_tables(&f->sb.mem), 0);
	gdt = fake_ptr(f, PL_BOOT_GDT, PL_BOOT_GDT_ENTRIES * 8);
	assert_true(gdt[0] == 0);
	/* access byte: present, DPL, code/data type; L (bit 53) on 64-bit code only */
	assert_true(gdt[PL_SEL_KCODE >> 3] == 0x00af9a000000ffffULL);
	assert_true(gdt[PL_SEL_KDATA >> 3] == 0x00cf92000000ffffULL);
	assert_true(gdt[PL_SEL_UCODE32 >> 3] == 0x00cffa000000ffffULL);
	assert_true(gdt[PL_SEL_UDATA >> 3] == 0x00cff2000000ffffULL);
	assert_true(gdt[PL_SEL_UCODE >> 3] == 0x00affa000000ffffULL);
	/* syscall/sysret need user data right below user code64 */
	assert_int_equal(PL_SEL_UCODE - 8, PL_SEL_UDATA);
	/* the TSS descriptor: base PL_BOOT_TSS, limit 0x67, busy 64-bit TSS */
	assert_true((gdt[PL_SEL_TSS >> 3] & 0xffff) == 0x67);
	assert_true(((gdt[PL_SEL_TSS >> 3] >> 16) & 0xffffff) == PL_BOOT_TSS);
	assert_true(((gdt[PL_SEL_TSS >> 3] >> 40) & 0xff) == 0x8b);
	assert_true(gdt[(PL_SEL_TSS >> 3) + 1] == 0);
	fake_free(f);
}

/* The tables live below the VGA hole and above page 0, where the FDT reserves them. */
static void test_placement(void **state)
{
	(void)state;
	assert_true(PL_BOOT_GDT >= 0x1000 && PL_BOOT_END <= PL_LOWRAM_END);
	assert_true(PL_BOOT_GDT + PL_BOOT_GDT_ENTRIES * 8 <= PL_BOOT_TSS);
	assert_true(PL_BOOT_PD + 4096 <= PL_BOOT_END);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_gdt),
		cmocka_unit_test(test_placement),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
