// SPDX-License-Identifier: MIT
/* The device tree the host builds, read back with libfdt as the kernel reads it. */
#include <libfdt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "devices.h"
#include "fdtgen.h"

#define G (1ULL << 30)
#define M (1ULL << 20)

static char fdt[64 << 10];

static const char *const test_argv[] = { "/bin/hello", "-v", "", "last arg", NULL };
static const char *const test_envp[] = { "HOME=/", "TERM=dumb", NULL };

/* The built-in devices, as a sandbox registers them. */
static struct pl_sandbox sb;

static int setup(void **state)
{
	struct pl_config cfg = { 0 };

	(void)state;
	return pl_sandbox_init(&sb, &cfg);
}

static int teardown(void **state)
{
	(void)state;
	pl_devices_release(&sb);
	return 0;
}

static void params(struct pl_fdt_params *p, struct pl_memmap *map, uint64_t memory)
{
	assert_int_equal(pl_memmap(memory, map), 0);
	*p = (struct pl_fdt_params){
		.map = map,
		.bootargs = "verbose selftest=native",
		.argv = test_argv,
		.envp = test_envp,
		.initrd_start = 0x400000,
		.initrd_end = 0x412345,
		.tsc_khz = 2600000,
		.boot_epoch_ns = 1763780000123456789ULL,
		.written_map = { 0x380000, 0x1000 },
		.reserved = { { 0x1000, 0x6000 }, { 0x300000, 0x1000 }, { 0x400000, 0x13000 } },
		.nreserved = 3,
		.devices = sb.dev,
		.ndevices = sb.ndev,
	};
}

static uint64_t prop_u64(int node, const char *name)
{
	int len;
	const fdt64_t *v = fdt_getprop(fdt, node, name, &len);

	assert_non_null(v);
	assert_int_equal(len, 8);
	return fdt64_ld(v); /* properties are only 4-byte aligned */
}

static uint32_t prop_u32(int node, const char *name)
{
	int len;
	const fdt32_t *v = fdt_getprop(fdt, node, name, &len);

	assert_non_null(v);
	assert_int_equal(len, 4);
	return fdt32_ld(v);
}

static void test_root_and_reservations(void **state)
{
	struct pl_memmap map;
	struct pl_fdt_params p;
	uint64_t addr, size;

	(void)state;
	params(&p, &map, 256 * M);
	assert_int_equal(pl_fdt_build(fdt, sizeof(fdt), &p), 0);
	assert_int_equal(fdt_check_header(fdt), 0);
	assert_true(fdt_totalsize(fdt) <= sizeof(fdt));
	assert_int_equal(fdt_node_check_compatible(fdt, 0, PL_FDT_COMPAT_ROOT), 0);
	assert_int_equal(prop_u32(0, "#address-cells"), 2);
	assert_int_equal(prop_u32(0, "#size-cells"), 2);
	assert_int_equal(fdt_num_mem_rsv(fdt), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fdt_get_mem_rsv(fdt, i, &addr, &size), 0);
		assert_true(addr == p.reserved[i].base && size == p.reserved[i].size);
	}
}

/*
 * A zero-sized entry ends the reservation map in the FDT format, so it
 * must not be written: the ranges after it would be lost to the kernel.
 * Found by fuzz_fdt_build (tests/fuzz/corpus/fdt_build/crash-empty-reservation).
 */
static void test_empty_reservation_skipped(void **state)
{
	struct pl_memmap map;
	struct pl_fdt_params p;
	uint64_t addr, size;

	(void)state;
	params(&p, &map, 256 * M);
	p.reserved[0].size = 0;
	assert_int_equal(pl_fdt_build(fdt, sizeof(fdt), &p), 0);
	assert_int_equal(fdt_num_mem_rsv(fdt), 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(fdt_get_mem_rsv(fdt, i, &addr, &size), 0);
		assert_true(addr == p.reserved[i + 1].base && size == p.reserved[i + 1].size);
	}
}

/* One memory node per RAM region, with the region's exact reg. */
static void check_memory_nodes(uint64_t memory)
{
	struct pl_memmap map;
	struct pl_fdt_params p;
	unsigned ram = 0, seen = 0;
	int node;

	params(&p, &map, memory);
	assert_int_equal(pl_fdt_build(fdt, sizeof(fdt), &p), 0);
	for (unsigned i = 0; i < map.n; i++)
		ram += map.region[i].kind == PL_REGION_RAM;
	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const fdt64_t *reg;
		bool found = false;
		int len;

		if (!type || strcmp(type, "memory"))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		assert_non_null(reg);
		assert_int_equal(len, 16);
		for (unsigned i = 0; i < map.n; i++)
			found |= map.region[i].kind == PL_REGION_RAM &&
				 map.region[i].base == fdt64_ld(&reg[0]) &&
				 map.region[i].size == fdt64_ld(&reg[1]);
		assert_true(found);
		seen++;
	}
	assert_int_equal(seen, ram);
}

static void test_memory_nodes(void **state)
{
	(void)state;
	check_memory_nodes(4 * M);
	check_memory_nodes(256 * M);
	check_memory_nodes(3 * G);
	check_memory_nodes(5 * G);
	assert_true(fdt_path_offset(fdt, "/memory@100000000") >= 0);
}

static void test_devices(void **state)
{
	struct pl_memmap map;
	struct pl_fdt_params p;
	const fdt32_t *pio;
	int node, len;

	(void)state;
	params(&p, &map, 256 * M);
	assert_int_equal(pl_fdt_build(fdt, sizeof(fdt), &p), 0);
	node = fdt_node_offset_by_compatible(fdt, -1, "ns16550a");
	assert_true(node >= 0);
	pio = fdt_getprop(fdt, node, PL_FDT_PROP_PIO, &len);
	assert_non_null(pio);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_ld(&pio[0]), PL_PORT_UART0);
	assert_int_equal(fdt32_ld(&pio[1]), 8);
	node = fdt_node_offset_by_compatible(fdt, -1, "pagelab,hypercall");
	assert_true(node >= 0);
	pio = fdt_getprop(fdt, node, PL_FDT_PROP_PIO, &len);
	assert_int_equal(fdt32_ld(&pio[0]), PL_PORT_HYPERCALL);
	node = fdt_node_offset_by_compatible(fdt, -1, "pagelab,exit");
	assert_true(node >= 0);
	pio = fdt_getprop(fdt, node, PL_FDT_PROP_PIO, &len);
	assert_int_equal(fdt32_ld(&pio[0]), PL_PORT_EXIT);
	node = fdt_path_offset(fdt, "/rom@f0000");
	assert_true(node >= 0);
	assert_int_equal(prop_u32(node, PL_FDT_PROP_ROM_IDENT_LEN), 22);
	assert_true(fdt_path_offset(fdt, "/vga@a0000") >= 0);
	node = fdt_path_offset(fdt, "/mmio@d0000000");
	assert_true(node >= 0);
	pio = fdt_getprop(fdt, node, "reg", &len);
	assert_int_equal(len, 16);
	assert_true(fdt64_ld((const fdt64_t *)pio + 1) == PL_MMIO_SIZE);
}

/* A host program's device added to a finished tree: its windows and properties, in place. */
static void test_add_device(void **state)
{
	fdt32_t freq = cpu_to_fdt32(1000);
	struct pl_device dev = {
		.name = "timer",
		.compatible = "acme,timer",
		.window = { { PL_SPACE_MMIO, 0xd0001000, 0x100 },
			    { PL_SPACE_PIO, 0x600, 4 },
			    { PL_SPACE_MMIO, 0xd0002000, 0x1000 } },
		.nwindows = 3,
		.prop = { { "clock-frequency", &freq, sizeof(freq) } },
		.nprops = 1,
	};
	struct pl_memmap map;
	struct pl_fdt_params p;
	const fdt64_t *reg;
	const fdt32_t *pio;
	uint32_t size;
	int node, len;

	(void)state;
	params(&p, &map, 256 * M);
	assert_int_equal(pl_fdt_build(fdt, sizeof(fdt), &p), 0);
	size = fdt_totalsize(fdt);
	/* No room: refused, and the tree is what it was. */
	assert_true(pl_fdt_add_device(fdt, size + 16, &dev) < 0);
	assert_int_equal(fdt_check_full(fdt, sizeof(fdt)), 0);
	assert_true(fdt_path_offset(fdt, "/timer@d0001000") < 0);
	assert_int_equal(pl_fdt_add_device(fdt, sizeof(fdt), &dev), 0);
	assert_int_equal(fdt_check_full(fdt, sizeof(fdt)), 0);
	node = fdt_path_offset(fdt, "/timer@d0001000");
	assert_true(node >= 0);
	assert_int_equal(fdt_node_check_compatible(fdt, node, "acme,timer"), 0);
	reg = fdt_getprop(fdt, node, "reg", &len);
	assert_int_equal(len, 32);
	assert_true(fdt64_ld(&reg[0]) == 0xd0001000 && fdt64_ld(&reg[1]) == 0x100);
	assert_true(fdt64_ld(&reg[2]) == 0xd0002000 && fdt64_ld(&reg[3]) == 0x1000);
	pio = fdt_getprop(fdt, node, PL_FDT_PROP_PIO, &len);
	assert_int_equal(len, 8);
	assert_int_equal(fdt32_ld(&pio[0]), 0x600);
	assert_int_equal(prop_u32(node, "clock-frequency"), 1000);
	/* The rest is still there. */
	assert_true(fdt_path_offset(fdt, "/chosen") >= 0);
	assert_true(fdt_node_offset_by_compatible(fdt, -1, "ns16550a") >= 0);
}

/* The written map's place: two 64-bit values, start and size (pagelab/abi.h). */
static void written_map_is(int chosen, uint64_t start, uint64_t size)
{
	int len;
	const fdt64_t *v = fdt_getprop(fdt, chosen, PL_FDT_PROP_WRITTEN_MAP, &len);

	assert_non_null(v);
	assert_int_equal(len, 16);
	assert_true(fdt64_ld(&v[0]) == start && fdt64_ld(&v[1]) == size);
}

static void test_chosen(void **state)
{
	struct pl_memmap map;
	struct pl_fdt_params p;
	int chosen;

	(void)state;
	params(&p, &map, 256 * M);
	assert_int_equal(pl_fdt_build(fdt, sizeof(fdt), &p), 0);
	chosen = fdt_path_offset(fdt, "/chosen");
	assert_true(chosen >= 0);
	assert_string_equal(fdt_getprop(fdt, chosen, "bootargs", NULL), "verbose selftest=native");
	assert_int_equal(prop_u32(chosen, PL_FDT_PROP_TSC_KHZ), 2600000);
	assert_true(prop_u64(chosen, PL_FDT_PROP_BOOT_EPOCH) == 1763780000123456789ULL);
	assert_true(prop_u64(chosen, "linux,initrd-start") == 0x400000);
	assert_true(prop_u64(chosen, "linux,initrd-end") == 0x412345);
	written_map_is(chosen, 0x380000, 0x1000);
	assert_int_equal(fdt_stringlist_count(fdt, chosen, PL_FDT_PROP_ARGV), 4);
	for (int i = 0; test_argv[i]; i++)
		assert_string_equal(fdt_stringlist_get(fdt, chosen, PL_FDT_PROP_ARGV, i, NULL),
				    test_argv[i]);
	assert_int_equal(fdt_stringlist_count(fdt, chosen, PL_FDT_PROP_ENVP), 2);
	assert_string_equal(fdt_stringlist_get(fdt, chosen, PL_FDT_PROP_ENVP, 1, NULL),
			    "TERM=dumb");
}

/* What is not given is not there, rather than present and empty. */
static void test_optional_properties(void **state)
{
	struct pl_memmap map;
	struct pl_fdt_params p;
	int chosen;

	(void)state;
	params(&p, &map, 256 * M);
	p.bootargs = NULL;
	p.argv = NULL;
	p.envp = (const char *const[]){ NULL };
	p.initrd_start = p.initrd_end = 0;
	p.tsc_khz = 0;
	p.written_map.size = 0;
	assert_int_equal(pl_fdt_build(fdt, sizeof(fdt), &p), 0);
	chosen = fdt_path_offset(fdt, "/chosen");
	assert_string_equal(fdt_getprop(fdt, chosen, "bootargs", NULL), "");
	assert_null(fdt_getprop(fdt, chosen, PL_FDT_PROP_ARGV, NULL));
	assert_null(fdt_getprop(fdt, chosen, PL_FDT_PROP_ENVP, NULL));
	assert_null(fdt_getprop(fdt, chosen, "linux,initrd-start", NULL));
	assert_null(fdt_getprop(fdt, chosen, PL_FDT_PROP_TSC_KHZ, NULL));
	assert_null(fdt_getprop(fdt, chosen, PL_FDT_PROP_WRITTEN_MAP, NULL));
}

static void test_too_small(void **state)
{
	struct pl_memmap map;
	struct pl_fdt_params p;

	(void)state;
	params(&p, &map, 256 * M);
	assert_int_equal(pl_fdt_build(fdt, 256, &p), -FDT_ERR_NOSPACE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_and_reservations),
		cmocka_unit_test(test_empty_reservation_skipped),
		cmocka_unit_test(test_memory_nodes),
		cmocka_unit_test(test_devices),
		cmocka_unit_test(test_add_device),
		cmocka_unit_test(test_chosen),
		cmocka_unit_test(test_optional_properties),
		cmocka_unit_test(test_too_small),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
