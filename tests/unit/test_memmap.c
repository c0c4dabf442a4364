// SPDX-License-Identifier: MIT
/* pl_memmap: the guest-physical layout for several memory sizes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>

#define K	(1ULL << 10)
#define M	(1ULL << 20)
#define G	(1ULL << 30)
#define PC_HOLE (0x100000ULL - 0xa0000ULL) /* VGA, option ROMs, BIOS ROM */

static const struct pl_region *find(const struct pl_memmap *map, const char *name)
{
	for (unsigned i = 0; i < map->n; i++)
		if (!strcmp(map->region[i].name, name))
			return &map->region[i];
	return NULL;
}

/* Invariants that hold for every size. */
static void check_map(uint64_t memory)
{
	struct pl_memmap map;
	uint64_t ram = 0;

	assert_int_equal(pl_memmap(memory, &map), 0);
	assert_true(map.memory == memory);
	assert_true(map.n > 0 && map.n <= PL_MEMMAP_MAX);
	for (unsigned i = 0; i < map.n; i++) {
		const struct pl_region *r = &map.region[i];

		assert_true(r->size > 0);
		assert_true(r->base % 4096 == 0 && r->size % 4096 == 0);
		assert_true(r->base + r->size > r->base);
		if (i)
			assert_true(map.region[i - 1].base + map.region[i - 1].size <= r->base);
		if (r->kind == PL_REGION_RAM)
			ram += r->size;
		assert_non_null(r->name);
	}
	/* All of the memory is RAM except the PC hole below 1 MiB. */
	assert_true(ram == memory - PC_HOLE);
	assert_true(map.ram == ram);
}

static void test_invariants(void **state)
{
	static const uint64_t sizes[] = { 4 * M,	 8 * M,	 256 * M,	1 * G,
					  3 * G - 4 * K, 3 * G,	 3 * G + 4 * K, 4 * G,
					  5 * G,	 64 * G, 1ULL << 40 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		check_map(sizes[i]);
}

static void test_pc_regions(void **state)
{
	struct pl_memmap map;
	const struct pl_region *r;

	(void)state;
	assert_int_equal(pl_memmap(256 * M, &map), 0);
	r = find(&map, "lowram");
	assert_non_null(r);
	assert_true(r->base == 0 && r->size == 0xa0000 && r->kind == PL_REGION_RAM);
	r = find(&map, "vga");
	assert_non_null(r);
	assert_true(r->base == PL_VGA_BASE && r->size == PL_VGA_SIZE && r->kind == PL_REGION_VGA);
	assert_true(PL_VGA_TEXT >= r->base && PL_VGA_TEXT < r->base + r->size);
	r = find(&map, "rom");
	assert_non_null(r);
	assert_true(r->base == PL_ROM_BASE && r->size == PL_ROM_SIZE && r->kind == PL_REGION_ROM);
	r = find(&map, "ram");
	assert_non_null(r);
	assert_true(r->base == PL_RAM_BASE && r->base + r->size == 256 * M);
	r = find(&map, "mmio");
	assert_non_null(r);
	assert_true(r->base == PL_MMIO_BASE && r->size == PL_MMIO_SIZE &&
		    r->kind == PL_REGION_MMIO);
	assert_null(find(&map, "highram"));
}

static void test_high_ram(void **state)
{
	struct pl_memmap map;
	const struct pl_region *lo, *hi;

	(void)state;
	/* Exactly 3 GiB fits below the MMIO hole. */
	assert_int_equal(pl_memmap(3 * G, &map), 0);
	assert_null(find(&map, "highram"));
	assert_true(find(&map, "ram")->base + find(&map, "ram")->size == PL_LOWRAM_TOP);

	/* One page more goes above 4 GiB. */
	assert_int_equal(pl_memmap(3 * G + 4 * K, &map), 0);
	hi = find(&map, "highram");
	assert_non_null(hi);
	assert_true(hi->base == PL_HIGHRAM_BASE && hi->size == 4 * K);

	assert_int_equal(pl_memmap(5 * G, &map), 0);
	lo = find(&map, "ram");
	hi = find(&map, "highram");
	assert_non_null(hi);
	assert_true(lo->base + lo->size == PL_LOWRAM_TOP);
	assert_true(hi->base == PL_HIGHRAM_BASE && hi->size == 2 * G);
	assert_true(hi->kind == PL_REGION_RAM);
	/* RAM never reaches into the MMIO window. */
	assert_true(lo->base + lo->size <= PL_MMIO_BASE);
	assert_true(map.region[map.n - 1].base == PL_HIGHRAM_BASE);
}

static void test_bad_sizes(void **state)
{
	struct pl_memmap map;

	(void)state;
	assert_int_equal(pl_memmap(0, &map), -EINVAL);
	assert_non_null(strstr(pl_error(), "too small"));
	assert_int_equal(pl_memmap(PL_MIN_MEMORY - 4 * K, &map), -EINVAL);
	assert_int_equal(pl_memmap(256 * M + 1, &map), -EINVAL);
	assert_non_null(strstr(pl_error(), "multiple of 4K"));
	assert_int_equal(pl_memmap((1ULL << 40) + 4 * K, &map), -EINVAL);
	assert_non_null(strstr(pl_error(), "too large"));
	assert_int_equal(pl_error_kind(), PL_ERR_CONFIG);
}

static void test_host_memory(void **state)
{
	uint64_t host = (uint64_t)sysconf(_SC_PHYS_PAGES) * (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t over = (host / G + 1) * G;

	(void)state;
	assert_int_equal(pl_memory_check(256 * M), 0);
	assert_int_equal(pl_memory_check(0), -EINVAL);
	if (over <= (1ULL << 40)) {
		assert_int_equal(pl_memory_check(over), -EINVAL);
		assert_non_null(strstr(pl_error(), "more than this host"));
	}
}

static void test_print(void **state)
{
	struct pl_memmap map;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_int_equal(pl_memmap(5 * G, &map), 0);
	pl_memmap_print(&map, f);
	fclose(f);
	assert_non_null(strstr(text, "0x0000000000100000-0x00000000bfffffff  ram"));
	assert_non_null(strstr(text, "0x0000000100000000-0x000000017fffffff  ram"));
	assert_non_null(strstr(text, "0x00000000000f0000-0x00000000000fffff  rom"));
	assert_non_null(strstr(text, "0x00000000d0000000-0x00000000dfffffff  mmio"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_invariants),  cmocka_unit_test(test_pc_regions),
		cmocka_unit_test(test_high_ram),    cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_host_memory), cmocka_unit_test(test_print),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
