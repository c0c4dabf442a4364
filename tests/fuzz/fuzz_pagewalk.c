// SPDX-License-Identifier: MIT
/*
 * The page-table walker (hostlib/pagewalk.c) over page tables a guest
 * wrote: any bytes as 8 pages of guest memory, any CR3, PAT and
 * addresses. Beyond "no crash and no read outside memory": a translation
 * keeps the page offset and names a real leaf size, and the enumeration
 * of mappings agrees with a walk of the first address of each run.
 *
 * Input: cr3 page (u8), PAT (u64), probe count (u8) and that many u64
 * addresses, then the memory (the rest, zero-filled to 32 KiB).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "pagewalk.h"

#define PAGES	 8
#define MEM_SIZE (PAGES * 4096)
#define RUNS_MAX 16

static uint64_t mem[MEM_SIZE / 8];

static int read_entry(void *ctx, uint64_t gpa, uint64_t *entry)
{
	(void)ctx;
	if (gpa >= MEM_SIZE || gpa % 8)
		return -EFAULT;
	*entry = mem[gpa / 8];
	return 0;
}

struct check {
	uint64_t cr3, pat, last_end;
	unsigned runs;
};

static int check_run(void *arg, const struct pl_mapping *m)
{
	struct check *c = arg;
	struct pl_gva_info info;

	CHECK(m->size && m->size % 4096 == 0 && m->va % 4096 == 0);
	CHECK(m->va >= c->last_end);
	c->last_end = m->va + m->size;
	if (c->runs++ < RUNS_MAX) {
		CHECK(pl_walk(c->cr3, m->va, c->pat, read_entry, NULL, &info) == 0);
		CHECK(info.gpa == m->gpa);
		CHECK(info.writable == m->writable && info.user == m->user && info.nx == m->nx);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct check c = { 0 };
	uint64_t probes[32];
	unsigned nprobes;
	int rc;

	c.cr3 = (in_u8(&in) % PAGES) * 4096ULL;
	c.pat = in_u64(&in);
	nprobes = in_u8(&in) % 32;
	for (unsigned i = 0; i < nprobes; i++)
		probes[i] = in_u64(&in);
	memset(mem, 0, sizeof(mem));
	memcpy(mem, in.p, in.left < MEM_SIZE ? in.left : MEM_SIZE);
	for (unsigned i = 0; i < nprobes; i++) {
		struct pl_gva_info info;

		rc = pl_walk(c.cr3, probes[i], c.pat, read_entry, NULL, &info);
		CHECK(rc == 0 || rc == -ENOENT || rc == -EINVAL || rc == -EFAULT);
		if (rc)
			continue;
		CHECK(info.page_size == 4096ULL << (9 * (info.level - 1)));
		CHECK(info.level >= 1 && info.level <= 3 && info.present);
		CHECK((info.gpa & (info.page_size - 1)) == (probes[i] & (info.page_size - 1)));
	}
	/* Upper-half runs come after the lower half's: the order is of canonical addresses. */
	rc = pl_walk_mappings(c.cr3, 0, UINT64_MAX, read_entry, NULL, 1024, check_run, &c);
	CHECK(rc == 0 || rc == -E2BIG);
	return 0;
}
