// SPDX-License-Identifier: MIT
/*
 * thp_random [OPS [SEED]]: random mmap, stores, munmap, mprotect, mremap,
 * MADV_DONTNEED, MADV_HUGEPAGE/NOHUGEPAGE and fork over a 16 MiB arena of
 * 2 MiB-aligned private anonymous memory, with ranges drawn to cut huge
 * pages (boundaries at and around 2 MiB multiples), checked after every
 * operation against a reference model of each page: mapped or not, its
 * protection, and its contents. A forked child checks the model too, then
 * stores to its copy; the parent's pages must not change.
 *
 * Natively (THP `madvise` here) and in the sandbox (`always`) the pages
 * behind the arena differ, huge or small; what a program can observe must
 * not, so both print the same lines. Where the arena is "unmapped" it holds
 * a PROT_NONE reservation, so nothing else the program maps lands there.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm_probe.h"

#define HUGE   (2UL << 20)
#define NPAGES 4096 /* 16 MiB */
#define HOLE   (-1)

struct page_model {
	int prot; /* HOLE, or PROT_NONE / PROT_READ / PROT_READ|PROT_WRITE */
	unsigned char byte;
};

static struct page_model model[NPAGES];
static char *arena;
static uint64_t rng;
static long checked, forks_ok;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void *at(long page)
{
	return arena + page * PG;
}

/* A page index drawn to land on and around 2 MiB boundaries half the time. */
static long pick_page(void)
{
	static const long near[] = { 0, 1, 255, 256, 511 };
	long huge = (long)(next() % (NPAGES / 512));

	if (next() & 1)
		return huge * 512 + near[next() % 5];
	return (long)(next() % NPAGES);
}

static long pick_len(long start)
{
	static const long lens[] = { 1, 2, 16, 511, 512, 513, 1024 };
	long len = (next() & 1) ? lens[next() % 7] : 1 + (long)(next() % 1536);

	return start + len > NPAGES ? NPAGES - start : len;
}

static bool all(long s, long n, bool (*pred)(const struct page_model *))
{
	for (long i = s; i < s + n; i++)
		if (!pred(&model[i]))
			return false;
	return true;
}

static bool is_hole(const struct page_model *m)
{
	return m->prot == HOLE;
}

static bool is_mapped(const struct page_model *m)
{
	return m->prot != HOLE;
}

static void reserve(long s, long n)
{
	if (mmap(at(s), n * PG, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		 -1, 0) == MAP_FAILED)
		bail("mmap reservation");
	for (long i = s; i < s + n; i++)
		model[i].prot = HOLE;
}

/* The page as the program sees it agrees with the model (access probed on a sample). */
static bool page_ok(long i, bool probe_access)
{
	const struct page_model *m = &model[i];
	volatile char *p = at(i);

	if (m->prot != HOLE && (m->prot & PROT_READ) && (unsigned char)*p != m->byte)
		return false;
	if (!probe_access)
		return true;
	if (m->prot == HOLE || m->prot == PROT_NONE)
		return probe(p, 0) == SIGSEGV;
	if (m->prot == PROT_READ)
		return probe(p, 1) == SIGSEGV;
	return probe(p, 1) == 0;
}

static bool verify(void)
{
	for (long i = 0; i < NPAGES; i++)
		if (!page_ok(i, false)) {
			diag("page %ld: model prot %d byte %u", i, model[i].prot, model[i].byte);
			return false;
		}
	for (int k = 0; k < 12; k++) {
		long i = (long)(next() % NPAGES);

		if (!page_ok(i, true)) {
			diag("page %ld: access differs from prot %d", i, model[i].prot);
			return false;
		}
	}
	checked++;
	return true;
}

static void op_map(long s, long n)
{
	int advice = (next() & 1) ? MADV_HUGEPAGE : MADV_NORMAL;

	if (mmap(at(s), n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
		 0) == MAP_FAILED)
		bail("mmap");
	madvise(at(s), n * PG, advice);
	for (long i = s; i < s + n; i++)
		model[i] = (struct page_model){ PROT_READ | PROT_WRITE, 0 };
}

static void op_store(long s, long n)
{
	unsigned char v = (unsigned char)(1 + next() % 255);

	for (long i = s; i < s + n; i++) {
		if (model[i].prot != (PROT_READ | PROT_WRITE))
			continue;
		*(volatile char *)at(i) = (char)v;
		model[i].byte = v;
	}
}

static void op_protect(long s, long n)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };
	int prot = prots[next() % 3];

	if (!all(s, n, is_mapped))
		return;
	if (mprotect(at(s), n * PG, prot))
		bail("mprotect");
	for (long i = s; i < s + n; i++)
		model[i].prot = prot;
}

/* DONTNEED zeroes private anonymous pages, whatever their protection; NOHUGEPAGE changes nothing seen. */
static void op_advise(long s, long n)
{
	bool dontneed = next() & 1;

	if (!all(s, n, is_mapped))
		return;
	if (madvise(at(s), n * PG, dontneed ? MADV_DONTNEED : MADV_NOHUGEPAGE))
		bail("madvise");
	for (long i = s; dontneed && i < s + n; i++)
		model[i].byte = 0;
}

/* A mapped range moves onto a hole; the old place becomes a hole. */
static void op_remap(long s, long n)
{
	long d = pick_page();
	void *to;

	if (d + n > NPAGES || !all(s, n, is_mapped) || !all(d, n, is_hole) ||
	    (d < s + n && s < d + n))
		return;
	to = mremap(at(s), n * PG, n * PG, MREMAP_MAYMOVE | MREMAP_FIXED, at(d));
	if (to == MAP_FAILED)
		return; /* the range spans VMAs: EFAULT, nothing moved (the target was a hole) */
	memmove(&model[d], &model[s], n * sizeof(model[0]));
	reserve(s, n);
}

static int child_check(void *arg)
{
	(void)arg;
	if (!verify())
		return 1;
	long s = pick_page();

	op_store(s, pick_len(s));
	op_store(0, NPAGES);
	return verify() ? 0 : 2;
}

static bool op_fork(void)
{
	struct page_model saved[NPAGES];
	bool good;

	memcpy(saved, model, sizeof(saved));
	good = exited(in_child(child_check, NULL), 0);
	memcpy(model, saved, sizeof(saved)); /* the child's stores were its own */
	forks_ok += good;
	return good;
}

static bool step(void)
{
	long s = pick_page(), n = pick_len(s);

	switch (next() % 10) {
	case 0:
	case 1:
		op_map(s, n);
		break;
	case 2:
	case 3:
	case 4:
		op_store(s, n);
		break;
	case 5:
		if (all(s, n, is_mapped) && munmap(at(s), n * PG) == 0)
			reserve(s, n);
		break;
	case 6:
		op_protect(s, n);
		break;
	case 7:
		op_advise(s, n);
		break;
	case 8:
		op_remap(s, n);
		break;
	default:
		if (next() % 4 == 0 && !op_fork())
			return false;
	}
	return verify();
}

int main(int argc, char **argv)
{
	long ops = argc > 1 ? strtol(argv[1], NULL, 10) : 200, done = 0;
	char *raw;

	rng = argc > 2 ? strtoull(argv[2], NULL, 10) : 0x9e3779b97f4a7c15ULL;
	tap_plan(3);
	probe_install();
	raw = mmap(NULL, NPAGES * PG + HUGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		   -1, 0);
	if (raw == MAP_FAILED)
		bail("mmap arena");
	arena = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	reserve(0, NPAGES);
	op_map(0, NPAGES);
	op_store(0, NPAGES);
	if (!verify())
		bail("the first check");
	while (done < ops && step())
		done++;
	ok(done == ops, "%ld random operations agree with the model", ops);
	ok(checked == done + 1 && forks_ok > 0, "every operation was checked, forks among them");
	ok(munmap(raw, NPAGES * PG + HUGE) == 0, "the arena goes");
	return tap_done();
}
