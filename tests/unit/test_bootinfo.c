// SPDX-License-Identifier: MIT
/*
 * The kernel's device-tree parser (guest/kernel/bootinfo.c, a pure module)
 * on the tree the host builds, and on broken trees: those it cannot use
 * must end in a panic with a message, never in a read outside the tree.
 * (The fuzzer, tests/fuzz/fuzz_bootinfo.c, found the broken ones.)
 */
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/boot.h>

#include "fdtgen.h"

#define M (1ULL << 20)

static jmp_buf panicked;
static char panic_msg[256];
static void *copy; /* the tree being parsed: boot_info points into it */

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(panic_msg, sizeof(panic_msg), fmt, ap);
	va_end(ap);
	longjmp(panicked, 1);
}

/* Parses fdt (copied to a buffer of exactly its size): 0, or 1 if it panicked. */
static int parse(const void *fdt)
{
	free(copy);
	copy = malloc(fdt_totalsize(fdt));
	assert_non_null(copy);
	memcpy(copy, fdt, fdt_totalsize(fdt));
	memset(&boot_info, 0, sizeof(boot_info));
	panic_msg[0] = '\0';
	if (setjmp(panicked))
		return 1;
	boot_info_parse(copy, 0x200000);
	return 0;
}

static const char *const test_argv[] = { "/bin/prog", "-v", NULL };

/* The memory-mapped built-in devices, as the host's tree lists them. */
static struct pl_device vga = { .name = "vga",
				.compatible = "pagelab,vga",
				.window = { { PL_SPACE_MMIO, PL_VGA_BASE, PL_VGA_SIZE } },
				.nwindows = 1 },
			rom = { .name = "rom",
				.compatible = "pagelab,rom",
				.window = { { PL_SPACE_MMIO, PL_ROM_BASE, PL_ROM_SIZE } },
				.nwindows = 1 };
static struct pl_device *const devices[] = { &vga, &rom };

static void test_host_tree(void **state)
{
	static char fdt[16384];
	static struct boot_map_entry e[BOOT_MAP_MAX];
	struct pl_memmap map;
	struct pl_fdt_params p;
	char opt[32];
	int n;

	(void)state;
	assert_int_equal(pl_memmap(256 * M, &map), 0);
	p = (struct pl_fdt_params){ .map = &map,
				    .bootargs = "verbose selftest=native",
				    .argv = test_argv,
				    .initrd_start = 0x400000,
				    .initrd_end = 0x412345,
				    .tsc_khz = 2600000,
				    .written_map = { 0x380000, 0x1000 },
				    .reserved = { { 0x1000, 0x6000 } },
				    .nreserved = 1,
				    .devices = devices,
				    .ndevices = 2 };
	assert_int_equal(pl_fdt_build(fdt, sizeof(fdt), &p), 0);
	assert_int_equal(parse(fdt), 0);
	assert_int_equal(boot_info.nr_ram, 2);
	assert_true(boot_info.ram[0].start == 0 && boot_info.ram[0].end == 0xa0000);
	assert_true(boot_info.ram[1].start == 0x100000 && boot_info.ram[1].end == 256 * M);
	assert_true(boot_info.max_phys == 256 * M);
	/* The host's reservation, the tree itself, the initramfs. */
	assert_int_equal(boot_info.nr_reserved, 3);
	assert_true(boot_info.reserved[2].start == 0x400000 &&
		    boot_info.reserved[2].end == 0x412345);
	assert_int_equal(boot_info.argv_len, sizeof("/bin/prog") + sizeof("-v"));
	assert_string_equal(boot_info.argv, "/bin/prog");
	assert_int_equal(boot_info.tsc_khz, 2600000);
	assert_true(boot_info.written_map.start == 0x380000 &&
		    boot_info.written_map.end == 0x381000);
	assert_string_equal(boot_option("selftest", opt, sizeof(opt)), "native");
	assert_string_equal(boot_option("verbose", opt, sizeof(opt)), "");
	assert_null(boot_option("trace", opt, sizeof(opt)));
	n = boot_map(e);
	assert_int_equal(n, 2 + 3 + 3); /* RAM, vga/rom/mmio, reservations */
	for (int i = 1; i < n; i++)
		assert_true(e[i - 1].start <= e[i].start);
	assert_string_equal(e[n - 1].what, "mmio");
}

/* A root node with the given cell counts and one memory node. */
static void *tree_with_cells(uint32_t ac, uint32_t sc)
{
	static char fdt[4096];
	fdt32_t reg[4] = { 0, cpu_to_fdt32(0x100000), 0, cpu_to_fdt32(0x100000) };

	assert_int_equal(fdt_create(fdt, sizeof(fdt)), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", ac), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", sc), 0);
	assert_int_equal(fdt_begin_node(fdt, "memory@100000"), 0);
	assert_int_equal(fdt_property_string(fdt, "device_type", "memory"), 0);
	assert_int_equal(fdt_property(fdt, "reg", reg, sizeof(reg)), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	return fdt;
}

/*
 * Cell counts libfdt refuses come back as negative errors, which made the
 * reg loop read before the property; the kernel must refuse them (and
 * counts its 64-bit reads cannot hold). Regression input
 * tests/fuzz/corpus/bootinfo/crash-bad-cells.
 */
static void test_bad_cells_panic(void **state)
{
	(void)state;
	assert_int_equal(parse(tree_with_cells(2, 2)), 0);
	assert_true(boot_info.ram[0].start == 0x100000 && boot_info.ram[0].end == 0x200000);
	assert_int_equal(parse(tree_with_cells(2, 0xffffffff)), 1);
	assert_non_null(strstr(panic_msg, "#size-cells"));
	assert_int_equal(parse(tree_with_cells(0, 2)), 1);
	assert_int_equal(parse(tree_with_cells(3, 1)), 1);
}

/* A valid tree whose /chosen has one property with the given raw bytes. */
static void *tree_with_chosen(const char *name, const void *val, int len)
{
	static char fdt[4096];
	fdt64_t reg[2] = { cpu_to_fdt64(0x100000), cpu_to_fdt64(0x100000) };

	assert_int_equal(fdt_create(fdt, sizeof(fdt)), 0);
	assert_int_equal(fdt_finish_reservemap(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, ""), 0);
	assert_int_equal(fdt_property_u32(fdt, "#address-cells", 2), 0);
	assert_int_equal(fdt_property_u32(fdt, "#size-cells", 2), 0);
	assert_int_equal(fdt_begin_node(fdt, "memory@100000"), 0);
	assert_int_equal(fdt_property_string(fdt, "device_type", "memory"), 0);
	assert_int_equal(fdt_property(fdt, "reg", reg, sizeof(reg)), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_begin_node(fdt, "chosen"), 0);
	assert_int_equal(fdt_property(fdt, name, val, len), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_end_node(fdt), 0);
	assert_int_equal(fdt_finish(fdt), 0);
	return fdt;
}

/*
 * bootargs and the argument and environment lists are used as C strings:
 * without their final NUL, boot_option and exec read past the property.
 * Regression input tests/fuzz/corpus/bootinfo/crash-unterminated-list.
 */
static void test_chosen_strings_end_in_nul(void **state)
{
	char opt[32];

	(void)state;
	assert_int_equal(parse(tree_with_chosen("bootargs", "verbose", 8)), 0);
	assert_string_equal(boot_option("verbose", opt, sizeof(opt)), "");
	assert_int_equal(parse(tree_with_chosen("bootargs", "verbose", 7)), 1);
	assert_non_null(strstr(panic_msg, "bootargs"));
	assert_int_equal(parse(tree_with_chosen(PL_FDT_PROP_ARGV, "/bin/a\0-v", 9)), 1);
	assert_non_null(strstr(panic_msg, PL_FDT_PROP_ARGV));
	assert_int_equal(parse(tree_with_chosen(PL_FDT_PROP_ENVP, "A=1\0B", 5)), 1);
	assert_int_equal(parse(tree_with_chosen(PL_FDT_PROP_ARGV, "/bin/a\0-v", 10)), 0);
	assert_int_equal(boot_info.argv_len, 10);
	/* An empty property is no list at all, as an absent one. */
	assert_int_equal(parse(tree_with_chosen(PL_FDT_PROP_ARGV, "", 0)), 0);
	assert_int_equal(boot_info.argv_len, 0);
	assert_null(boot_option("verbose", opt, sizeof(opt)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_tree),
		cmocka_unit_test(test_bad_cells_panic),
		cmocka_unit_test(test_chosen_strings_end_in_nul),
	};

	int failed = cmocka_run_group_tests(tests, NULL, NULL);

	free(copy);
	return failed;
}
