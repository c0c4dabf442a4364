// SPDX-License-Identifier: MIT
/*
 * The host's reading of a guest process's memory map (hostlib/procmaps.c):
 * a good table gives /proc/PID/maps lines byte for byte; a table the guest
 * got wrong (or made up: random bytes, truncated, bad counts, unordered or
 * unaligned ranges, names without their NUL) is an error, never a crash
 * or a read outside it (ASan watches).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>

#include "procmaps.h"

#define PID 7

static struct pl_maps *table;
/* The process's entry in the process table: its entries in the pool. */
static struct pl_proctab_entry proc;

static void add(uint64_t start, uint64_t end, uint32_t flags, uint64_t offset, uint16_t minor,
		uint64_t inode, const char *name)
{
	struct pl_maps_entry *e = &table->entry[table->count++];

	*e = (struct pl_maps_entry){ start, end, offset, inode, flags, 0, minor, { 0 } };
	strcpy(e->name, name);
}

/*
 * A process as the guest shows it (code, data, a file, anonymous memory,
 * the stack) after another process's two entries in the pool.
 */
static int setup(void **state)
{
	(void)state;
	table = calloc(1, sizeof(*table));
	table->magic = PL_MAPS_MAGIC;
	table->version = PL_MAPS_VERSION;
	add(0x10000, 0x11000, PL_MAPS_READ, 0, 0, 0, "[other]");
	add(0x20000, 0x21000, PL_MAPS_READ, 0, 0, 0, "");
	proc = (struct pl_proctab_entry){ .pid = PID, .maps_first = 2, .maps_complete = 1 };
	add(0x400000, 0x401000, PL_MAPS_READ | PL_MAPS_EXEC, 0, 0, 0, "");
	add(0x7ffff77fa000, 0x7ffff77fb000, PL_MAPS_READ | PL_MAPS_SHARED, 0x2000, 1, 21,
	    "/tmp/before/data");
	add(0x7ffff77fb000, 0x7ffff77fc000, PL_MAPS_READ | PL_MAPS_WRITE | PL_MAPS_SHARED,
	    0x107e000, 0, 0, "[phys contiguous]");
	add(0x7fffff7ff000, 0x7ffffffff000, PL_MAPS_READ | PL_MAPS_WRITE, 0, 0, 0, "[stack]");
	proc.maps_count = table->count - proc.maps_first;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(table);
	return 0;
}

static int format(char *buf, size_t len)
{
	return pl_maps_format(table, sizeof(*table), &proc, buf, len);
}

static const char expected[] =
    "00400000-00401000 r-xp 00000000 00:00 0 \n"
    "7ffff77fa000-7ffff77fb000 r--s 00002000 00:01 21                         "
    "/tmp/before/data\n"
    "7ffff77fb000-7ffff77fc000 rw-s 0107e000 00:00 0                          "
    "[phys contiguous]\n"
    "7fffff7ff000-7ffffffff000 rw-p 00000000 00:00 0                          [stack]\n";

static void test_lines_as_proc_maps(void **state)
{
	char buf[4096];

	(void)state;
	assert_int_equal(format(buf, sizeof(buf)), strlen(expected));
	assert_string_equal(buf, expected);
	/* Names start at column 73, as Linux pads them. */
	assert_true(strchr(buf, '/') - strchr(buf, '\n') - 1 == 73);
}

/* Every column at its widest and the longest name fit the line. */
static void test_widest_line(void **state)
{
	struct pl_maps_entry *e = &table->entry[5];
	char buf[4096];
	int n;

	(void)state;
	e->offset = e->inode = UINT64_MAX;
	e->major = e->minor = UINT16_MAX;
	memset(e->name, 'n', sizeof(e->name) - 1);
	n = format(buf, sizeof(buf));
	assert_true(n > 0 && (size_t)n == strlen(buf));
	/* Past column 73 the name is still set apart by one more space, as in the guest. */
	assert_non_null(strstr(buf, " ffffffffffffffff ffff:ffff 18446744073709551615  nnnn"));
	assert_int_equal(strlen(strrchr(buf, ' ') + 1), PL_MAPS_NAME_MAX - 1 + 1);
}

static void test_short_buffer_like_snprintf(void **state)
{
	char buf[10];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(format(buf, sizeof(buf)), strlen(expected));
	assert_string_equal(buf, "00400000-");
	assert_int_equal(format(NULL, 0), strlen(expected));
	proc.maps_count = 0;
	assert_int_equal(format(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void expect_error(int want, const char *why)
{
	char buf[4096];

	assert_int_equal(format(buf, sizeof(buf)), want);
	if (!strstr(pl_error(), why))
		fail_msg("error \"%s\" does not say \"%s\"", pl_error(), why);
}

static void test_corrupt_header(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(pl_maps_format(table, 8, &proc, buf, sizeof(buf)), -EPROTO);
	/* The size must hold the entries the count claims. */
	assert_int_equal(
	    pl_maps_format(table, offsetof(struct pl_maps, entry[5]), &proc, buf, sizeof(buf)),
	    -EPROTO);
	table->magic ^= 1;
	expect_error(-EPROTO, "another version");
	table->magic ^= 1;
	table->version++;
	expect_error(-EPROTO, "another version");
	table->version--;
	table->count = PL_MAPS_MAX + 1;
	expect_error(-EPROTO, "more entries than");
	table->count = 0xffffffff;
	expect_error(-EPROTO, "more entries than");
	table->count = 6;
	proc.maps_first = 3;
	expect_error(-EPROTO, "outside the pool");
	proc.maps_first = 0xffffffff;
	expect_error(-EPROTO, "outside the pool");
	proc.maps_first = 2;
	proc.maps_count = 0xffffffff;
	expect_error(-EPROTO, "outside the pool");
	proc.maps_count = 4;
	proc.maps_complete = 2;
	expect_error(-EPROTO, "complete");
	proc.maps_complete = 0;
	expect_error(-E2BIG, "more mappings than the 1024");
}

static void test_corrupt_entries(void **state)
{
	struct pl_maps_entry *e = &table->entry[3], good = *e;

	(void)state;
	e->end = e->start;
	expect_error(-EPROTO, "a bad range (entry 3)");
	*e = good;
	e->start += 1;
	expect_error(-EPROTO, "a bad range");
	*e = good;
	e->end = (1ULL << 47) + 4096;
	expect_error(-EPROTO, "a bad range");
	*e = good;
	e->start = 0x400000; /* overlaps entry 0 */
	expect_error(-EPROTO, "out of order or overlapping");
	*e = good;
	e->flags |= 1u << 31;
	expect_error(-EPROTO, "unknown flags");
	*e = good;
	memset(e->name, 'a', sizeof(e->name));
	expect_error(-EPROTO, "a name without its NUL");
	*e = good;
	e->flags |= PL_MAPS_NAME_TRUNCATED;
	expect_error(-E2BIG, "longer than");
}

/* Whatever the bytes, an answer: text, or an error. ASan finds any read outside the table. */
static void check_any(const void *t, size_t size)
{
	static char buf[PL_MAPS_MAX * (PL_MAPS_NAME_MAX + 128)];
	int n = pl_maps_format(t, size, &proc, buf, sizeof(buf));

	if (n >= 0)
		assert_true((size_t)n == strlen(buf));
	else
		assert_true(n == -EPROTO || n == -E2BIG);
}

static void test_random_tables(void **state)
{
	unsigned char *bytes = (unsigned char *)table;

	(void)state;
	srand(11);
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(*table); i++)
			bytes[i] = (unsigned char)rand();
		check_any(table, sizeof(*table));
		/* A believable header over random entries. */
		table->magic = PL_MAPS_MAGIC;
		table->version = PL_MAPS_VERSION;
		table->count = (uint32_t)rand() % (PL_MAPS_MAX + 2);
		proc.maps_first = (uint32_t)rand() % (PL_MAPS_MAX + 2);
		proc.maps_count = (uint32_t)rand() % (PL_MAPS_MAX + 2);
		proc.maps_complete = 1;
		check_any(table, sizeof(*table));
		check_any(table, (size_t)rand() % sizeof(*table));
	}
}

/* A good table with one byte changed at a time. */
static void test_mutated_tables(void **state)
{
	unsigned char *bytes = (unsigned char *)table;
	size_t used = offsetof(struct pl_maps, entry) + 6 * sizeof(struct pl_maps_entry);

	(void)state;
	srand(12);
	for (int round = 0; round < 5000; round++) {
		size_t at = (size_t)rand() % used;
		unsigned char was = bytes[at];

		bytes[at] = (unsigned char)rand();
		check_any(table, sizeof(*table));
		bytes[at] = was;
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lines_as_proc_maps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_widest_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_buffer_like_snprintf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mutated_tables, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
