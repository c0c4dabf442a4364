// SPDX-License-Identifier: MIT
/*
 * The page-table walker against tables built in a host buffer: fixed
 * cases for each leaf size and each way a walk fails, then random layouts
 * of 4 KiB, 2 MiB and 1 GiB mappings with random permission bits on every
 * level, compared with what the builder recorded.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pagewalk.h"

#define MEM_PAGES 2048 /* 8 MiB of "guest memory" for tables */
#define MEM_SIZE  (MEM_PAGES * 4096ULL)
#define KiB	  1024ULL
#define MiB	  (1024 * KiB)
#define GiB	  (1024 * MiB)

static uint64_t *mem;
static unsigned next_page;
static unsigned reads;

static int read_entry(void *ctx, uint64_t gpa, uint64_t *entry)
{
	(void)ctx;
	reads++;
	if (gpa >= MEM_SIZE || gpa % 8)
		return -EFAULT;
	*entry = mem[gpa / 8];
	return 0;
}

static uint64_t new_table(void)
{
	assert_true(next_page < MEM_PAGES);
	memset(&mem[next_page * 512ULL], 0, 4096);
	return next_page++ * 4096ULL;
}

static void reset(void)
{
	next_page = 1; /* page 0 stays unused: a zero entry never looks like a table */
}

/* Intermediate entries' own flags, as the builder chose or found them. */
struct path {
	uint64_t flags[5]; /* per level above the leaf, index = level (1..4) */
};

/*
 * Maps va -> pa with a leaf at level (1, 2 or 3) carrying leaf_flags; missing
 * tables get upper_flags. Records the flags of every entry on the way.
 */
static void map(uint64_t cr3, uint64_t va, uint64_t pa, unsigned level, uint64_t leaf_flags,
		uint64_t upper_flags, struct path *path)
{
	uint64_t table = cr3;

	for (unsigned l = 4; l > level; l--) {
		uint64_t *e = &mem[table / 8 + ((va >> (12 + 9 * (l - 1))) & 511)];

		if (!(*e & PL_PTE_P))
			*e = new_table() | upper_flags | PL_PTE_P;
		if (path)
			path->flags[l] = *e;
		table = *e & PL_PTE_ADDR;
	}
	mem[table / 8 + ((va >> (12 + 9 * (level - 1))) & 511)] =
	    pa | leaf_flags | PL_PTE_P | (level > 1 ? PL_PTE_PS : 0);
}

static int walk(uint64_t cr3, uint64_t va, struct pl_gva_info *info)
{
	return pl_walk(cr3, va, PL_PAT_DEFAULT, read_entry, NULL, info);
}

static void test_each_leaf_size(void **state)
{
	struct pl_gva_info info;
	uint64_t cr3;

	(void)state;
	reset();
	cr3 = new_table();
	map(cr3, 0x400000, 0x12345000, 1, PL_PTE_RW | PL_PTE_US | PL_PTE_A | PL_PTE_D,
	    PL_PTE_RW | PL_PTE_US, NULL);
	map(cr3, 0x40000000, 0x80000000, 3, PL_PTE_US | PL_PTE_PCD, PL_PTE_RW | PL_PTE_US, NULL);
	map(cr3, 0x7fffffe00000, 0x3400000, 2, PL_PTE_RW | PL_PTE_US | PL_PTE_NX | PL_PTE_A,
	    PL_PTE_RW | PL_PTE_US, NULL);
	map(cr3, 0xffff888000000000, 0, 3, PL_PTE_RW | PL_PTE_NX, PL_PTE_RW, NULL);

	assert_int_equal(walk(cr3, 0x400abc, &info), 0);
	assert_true(info.gpa == 0x12345abc && info.page_size == 4 * KiB && info.level == 1);
	assert_true(info.present && info.writable && info.user && !info.nx);
	assert_true(info.accessed && info.dirty);
	assert_int_equal(info.memtype, PL_MT_WB);

	assert_int_equal(walk(cr3, 0x40000000 + 0x1234567, &info), 0);
	assert_true(info.gpa == 0x81234567 && info.page_size == GiB && info.level == 3);
	assert_true(!info.writable && info.user && !info.accessed);
	assert_int_equal(info.memtype, PL_MT_UC_MINUS); /* PCD with the default PAT */

	assert_int_equal(walk(cr3, 0x7fffffffffff, &info), 0);
	assert_true(info.gpa == 0x35fffff && info.page_size == 2 * MiB && info.nx);

	assert_int_equal(walk(cr3, 0xffff888012345678, &info), 0);
	assert_true(info.gpa == 0x12345678 && !info.user);
}

static void test_failures(void **state)
{
	struct pl_gva_info info;
	uint64_t cr3;

	(void)state;
	reset();
	cr3 = new_table();
	map(cr3, 0x400000, 0x5000, 1, PL_PTE_RW | PL_PTE_US, PL_PTE_RW | PL_PTE_US, NULL);
	/* Not mapped: the PT entry next door, and a whole absent PML4 slot. */
	assert_int_equal(walk(cr3, 0x401000, &info), -ENOENT);
	assert_int_equal(info.level, 1);
	assert_false(info.present);
	assert_int_equal(walk(cr3, 0x100000000000, &info), -ENOENT);
	assert_int_equal(info.level, 4);
	/* Non-canonical. */
	assert_int_equal(walk(cr3, 0x0000800000000000, &info), -EINVAL);
	assert_int_equal(walk(cr3, 0xfff0000000000000, &info), -EINVAL);
	/* A PS bit in a PML4 entry is reserved. */
	mem[cr3 / 8 + 5] = 0x1000 | PL_PTE_P | PL_PTE_PS;
	assert_int_equal(walk(cr3, 5ULL << 39, &info), -EINVAL);
	/* Tables outside memory: at cr3, and one level down. */
	assert_int_equal(walk(MEM_SIZE + 4096, 0x400000, &info), -EFAULT);
	mem[cr3 / 8 + 6] = (1ULL << 40) | PL_PTE_P | PL_PTE_RW;
	assert_int_equal(walk(cr3, 6ULL << 39, &info), -EFAULT);
	assert_int_equal(info.level, 3);
}

/* The memory type is IA32_PAT's entry at index PAT:PCD:PWT of the leaf. */
static int count_runs(void *arg, const struct pl_mapping *m)
{
	(void)m;
	++*(unsigned *)arg;
	return 0;
}

/* A table that points at itself maps 512^3 pages from one page: the walk gives up. */
static void test_self_referencing_tables(void **state)
{
	struct pl_gva_info info;
	unsigned runs = 0;
	uint64_t cr3;

	(void)state;
	reset();
	cr3 = new_table();
	for (int i = 0; i < 256; i++)
		mem[cr3 / 8 + i] = cr3 | PL_PTE_P | PL_PTE_RW | PL_PTE_US;
	assert_int_equal(walk(cr3, 0x1000, &info), 0); /* the CPU would find a "page" */
	assert_true(info.gpa == cr3);
	assert_int_equal(
	    pl_walk_mappings(cr3, 0, UINT64_MAX, read_entry, NULL, 10000, count_runs, &runs),
	    -E2BIG);
}

static void test_memory_types(void **state)
{
	static const uint64_t pat = 0x0001040506070000ULL; /* index i -> distinct types */
	struct pl_gva_info info;
	uint64_t cr3;

	(void)state;
	reset();
	cr3 = new_table();
	for (unsigned i = 0; i < 8; i++) {
		uint64_t f = (i & 1 ? PL_PTE_PWT : 0) | (i & 2 ? PL_PTE_PCD : 0);

		map(cr3, 0x1000000 + i * 4096ULL, 0x100000, 1, f | (i & 4 ? PL_PTE_PAT : 0), 0,
		    NULL);
		map(cr3, 0x40000000 + i * 2 * MiB, 0x200000, 2, f | (i & 4 ? PL_PTE_PAT_LARGE : 0),
		    0, NULL);
		assert_int_equal(
		    pl_walk(cr3, 0x1000000 + i * 4096ULL, pat, read_entry, NULL, &info), 0);
		assert_int_equal(info.memtype, (pat >> (8 * i)) & 7);
		assert_int_equal(
		    pl_walk(cr3, 0x40000000 + i * 2 * MiB, pat, read_entry, NULL, &info), 0);
		assert_int_equal(info.memtype, (pat >> (8 * i)) & 7);
	}
	assert_string_equal(pl_memtype_name(PL_MT_UC_MINUS), "UC-");
	assert_string_equal(pl_memtype_name(PL_MT_WB), "WB");
}

struct mapping {
	uint64_t va, pa, size, leaf;
	unsigned level;
	struct path path;
};

static uint64_t rnd(void)
{
	return (uint64_t)random() << 33 ^ (uint64_t)random() << 11 ^ (uint64_t)random();
}

static uint64_t random_flags(void)
{
	static const uint64_t bits[] = { PL_PTE_RW, PL_PTE_US, PL_PTE_PWT, PL_PTE_PCD,
					 PL_PTE_A,  PL_PTE_D,  PL_PTE_NX };
	uint64_t f = 0;

	for (unsigned i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (random() & 1)
			f |= bits[i];
	return f;
}

static bool overlaps(const struct mapping *m, unsigned n, uint64_t va, uint64_t size)
{
	for (unsigned i = 0; i < n; i++)
		if (va < m[i].va + m[i].size && m[i].va < va + size)
			return true;
	return false;
}

/* A canonical address: the lower half mostly, the upper half sometimes. */
static uint64_t random_va(uint64_t align)
{
	uint64_t va = rnd() & ((1ULL << 47) - 1) & ~(align - 1);

	return random() % 4 ? va : va | 0xffff800000000000ULL;
}

static void check(uint64_t cr3, const struct mapping *m, uint64_t va)
{
	struct pl_gva_info info;
	bool writable = m->leaf & PL_PTE_RW, user = m->leaf & PL_PTE_US, nx = m->leaf & PL_PTE_NX;
	unsigned idx = (m->leaf & (m->level == 1 ? PL_PTE_PAT : PL_PTE_PAT_LARGE) ? 4 : 0) |
		       (m->leaf & PL_PTE_PCD ? 2 : 0) | (m->leaf & PL_PTE_PWT ? 1 : 0);

	for (unsigned l = 4; l > m->level; l--) {
		writable &= !!(m->path.flags[l] & PL_PTE_RW);
		user &= !!(m->path.flags[l] & PL_PTE_US);
		nx |= !!(m->path.flags[l] & PL_PTE_NX);
	}
	assert_int_equal(walk(cr3, va, &info), 0);
	assert_true(info.gpa == m->pa + (va - m->va));
	assert_true(info.page_size == m->size);
	assert_int_equal(info.level, m->level);
	assert_int_equal(info.writable, writable);
	assert_int_equal(info.user, user);
	assert_int_equal(info.nx, nx);
	assert_int_equal(info.accessed, !!(m->leaf & PL_PTE_A));
	assert_int_equal(info.dirty, !!(m->leaf & PL_PTE_D));
	assert_int_equal(info.memtype, (PL_PAT_DEFAULT >> (8 * idx)) & 7);
}

struct runs {
	struct pl_mapping r[400];
	unsigned n;
};

static int collect(void *arg, const struct pl_mapping *m)
{
	struct runs *rs = arg;

	assert_true(rs->n < 400);
	rs->r[rs->n++] = *m;
	return 0;
}

/* The enumeration covers exactly the mappings, in order, with their frames and permissions. */
static void check_runs(uint64_t cr3, const struct mapping *m, unsigned n)
{
	static struct runs rs;
	uint64_t total = 0, covered = 0;

	rs.n = 0;
	assert_int_equal(pl_walk_mappings(cr3, 0, UINT64_MAX, read_entry, NULL, 0, collect, &rs),
			 0);
	for (unsigned i = 0; i < rs.n; i++) {
		total += rs.r[i].size;
		assert_true(i == 0 || rs.r[i].va >= rs.r[i - 1].va + rs.r[i - 1].size ||
			    rs.r[i].va >= 0xffff800000000000ULL);
	}
	for (unsigned i = 0; i < n; i++) {
		struct pl_gva_info info;
		bool found = false;

		assert_int_equal(walk(cr3, m[i].va, &info), 0);
		for (unsigned j = 0; j < rs.n && !found; j++) {
			const struct pl_mapping *r = &rs.r[j];

			if (m[i].va < r->va || m[i].va + m[i].size > r->va + r->size)
				continue;
			found = true;
			assert_true(r->gpa + (m[i].va - r->va) == m[i].pa);
			assert_int_equal(r->writable, info.writable);
			assert_int_equal(r->user, info.user);
			assert_int_equal(r->nx, info.nx);
		}
		assert_true(found);
		covered += m[i].size;
	}
	assert_true(total == covered);
}

static void one_layout(unsigned seed)
{
	static struct mapping m[300];
	unsigned n = 0;
	uint64_t cr3;

	srandom(seed);
	reset();
	cr3 = new_table();
	while (n < 300) {
		unsigned level = 1 + random() % 3;
		uint64_t size = 1ULL << (12 + 9 * (level - 1));
		uint64_t va = random_va(size), pa = rnd() & PL_PTE_ADDR & ~(size - 1);

		if (overlaps(m, n, va, size))
			continue;
		m[n] = (struct mapping){ va, pa, size, random_flags(), level, { { 0 } } };
		if (level > 1 && (random() & 1))
			m[n].leaf |= PL_PTE_PAT_LARGE;
		else if (level == 1 && (random() & 1))
			m[n].leaf |= PL_PTE_PAT;
		map(cr3, va, pa, level, m[n].leaf, random_flags(), &m[n].path);
		n++;
	}
	for (unsigned i = 0; i < n; i++) {
		check(cr3, &m[i], m[i].va);
		check(cr3, &m[i], m[i].va + m[i].size - 1);
		check(cr3, &m[i], m[i].va + (rnd() & (m[i].size - 1)));
	}
	check_runs(cr3, m, n);
	/* Addresses outside every mapping: not present, at whatever level. */
	for (unsigned i = 0; i < 2000; i++) {
		uint64_t va = random_va(1);
		struct pl_gva_info info;

		if (overlaps(m, n, va, 1))
			continue;
		assert_int_equal(walk(cr3, va, &info), -ENOENT);
	}
}

static void test_random_layouts(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 40; seed++)
		one_layout(seed);
}

static int setup(void **state)
{
	(void)state;
	mem = calloc(MEM_PAGES, 4096);
	return mem ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(mem);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_leaf_size),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_memory_types),
		cmocka_unit_test(test_self_referencing_tables),
		cmocka_unit_test(test_random_layouts),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
