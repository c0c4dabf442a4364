// SPDX-License-Identifier: MIT
/*
 * The device tree of a PVH boot (guest/kernel/pvh_fdt.c, pure), parsed
 * back by the kernel's own parser: what QEMU's start info and the command
 * line say arrives as the host's tree would say it, with the hypercalls
 * over COM2; the host's tree keeps the hypercall port.
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
#include <kernel/pvh.h>

#include "fdtgen.h"

#define M (1ULL << 20)

static char fdt[96 * 1024];

/* QEMU's map for -m 256M: low RAM, the BIOS's corner, RAM from 1 MiB. */
static const struct pvh_memmap_entry qemu_map[] = {
	{ 0, 0x9fc00, PVH_MEMMAP_RAM, 0 },
	{ 0x9fc00, 0x400, 2, 0 },
	{ 0xf0000, 0x10000, 2, 0 },
	{ 0x100000, 256 * M - 0x100000 - 0x20000, PVH_MEMMAP_RAM, 0 },
	{ 0xfffc0000, 0x40000, 2, 0 },
};

static void build_and_parse(const char *cmdline)
{
	struct pvh_boot b = { .cmdline = cmdline,
			      .memmap = qemu_map,
			      .nr_memmap = sizeof(qemu_map) / sizeof(qemu_map[0]),
			      .has_initrd = true,
			      .initrd_start = 0xf000000,
			      .initrd_end = 0xf012345 };

	assert_int_equal(pvh_fdt_build(&b, fdt, sizeof(fdt)), 0);
	memset(&boot_info, 0, sizeof(boot_info));
	boot_info_parse(fdt, 0x150000);
}

static void test_start_info_becomes_the_tree(void **state)
{
	char opt[32];

	(void)state;
	build_and_parse("verbose pl.tsc_khz=2100000 pl.epoch_ns=1700000000123456789 "
			"pl.argv=/bin/prog pl.env=PATH=/bin pl.env=HOME=/ trace");
	assert_int_equal(boot_info.nr_ram, 2);
	assert_true(boot_info.ram[0].start == 0 && boot_info.ram[0].end == 0x9fc00);
	assert_true(boot_info.ram[1].start == 0x100000 &&
		    boot_info.ram[1].end == 256 * M - 0x20000);
	/* The first MiB, the tree itself, the initramfs (module 0). */
	assert_int_equal(boot_info.nr_reserved, 3);
	assert_true(boot_info.reserved[0].start == 0 && boot_info.reserved[0].end == M);
	assert_true(boot_info.reserved[2].start == 0xf000000 &&
		    boot_info.reserved[2].end == 0xf012345);
	assert_true(boot_info.initrd_start == 0xf000000 && boot_info.initrd_end == 0xf012345);
	/* The pl.* words are /chosen's values, the rest the kernel options. */
	assert_string_equal(boot_info.bootargs, "verbose trace");
	assert_string_equal(boot_option("verbose", opt, sizeof(opt)), "");
	assert_int_equal(boot_info.tsc_khz, 2100000);
	assert_true(boot_info.boot_epoch_ns == 1700000000123456789ULL);
	assert_int_equal(boot_info.argv_len, sizeof("/bin/prog"));
	assert_string_equal(boot_info.argv, "/bin/prog");
	assert_int_equal(boot_info.envp_len, sizeof("PATH=/bin") + sizeof("HOME=/"));
	assert_memory_equal(boot_info.envp, "PATH=/bin\0HOME=/", sizeof("PATH=/bin\0HOME=/"));
	assert_true(boot_info.hcall_serial);
}

/* Percent-encoding: spaces, '%', empty arguments; a broken escape stays as written. */
static void test_arguments_are_decoded(void **state)
{
	static const char want[] = "/bin/p\0"
				   "a b\0"
				   "\0"
				   "100%\0"
				   "tab\there\0"
				   "%zz\0"
				   "%4";

	(void)state;
	build_and_parse("pl.argv=/bin/p pl.argv=a%20b pl.argv= pl.argv=100%25 pl.argv=tab%09here "
			"pl.argv=%zz pl.argv=%4");
	assert_int_equal(boot_info.argv_len, sizeof(want));
	assert_memory_equal(boot_info.argv, want, sizeof(want));
	assert_null(boot_info.envp);
	assert_string_equal(boot_info.bootargs, "");
}

/* No command line at all: a boot without a program, as `pagelab run` alone. */
static void test_no_command_line(void **state)
{
	(void)state;
	build_and_parse(NULL);
	assert_int_equal(boot_info.argv_len, 0);
	assert_string_equal(boot_info.bootargs, "");
	assert_int_equal(boot_info.tsc_khz, 0);
}

/* Arguments beyond the kernel's buffers, and a tree beyond its buffer, are refused. */
static void test_overflow_is_an_error(void **state)
{
	static char cmd[48 * 1024];
	struct pvh_boot b = { .memmap = qemu_map, .nr_memmap = 1 };
	size_t n = 0;

	(void)state;
	/* 48 KiB of words that decode to more than the 32 KiB the kernel keeps. */
	while (n + 120 < sizeof(cmd))
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "pl.argv=%0100d ", 7);
	b.cmdline = cmd;
	assert_int_equal(pvh_fdt_build(&b, fdt, sizeof(fdt)), -FDT_ERR_NOSPACE);
	b.cmdline = "pl.argv=/bin/p";
	assert_true(pvh_fdt_build(&b, fdt, 200) < 0);
	assert_int_equal(pvh_fdt_build(&b, fdt, sizeof(fdt)), 0);
}

/* The host's own tree keeps the hypercall port: the serial path is PVH's only. */
static void test_host_tree_keeps_the_port(void **state)
{
	struct pl_memmap map;
	struct pl_fdt_params p;

	(void)state;
	assert_int_equal(pl_memmap(256 * M, &map), 0);
	p = (struct pl_fdt_params){ .map = &map };
	assert_int_equal(pl_fdt_build(fdt, sizeof(fdt), &p), 0);
	memset(&boot_info, 0, sizeof(boot_info));
	boot_info_parse(fdt, 0x200000);
	assert_false(boot_info.hcall_serial);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_info_becomes_the_tree),
		cmocka_unit_test(test_arguments_are_decoded),
		cmocka_unit_test(test_no_command_line),
		cmocka_unit_test(test_overflow_is_an_error),
		cmocka_unit_test(test_host_tree_keeps_the_port),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
