// SPDX-License-Identifier: MIT
/*
 * Random mmap/munmap/mprotect/madvise against a model of the expected
 * memory, then a fork storm.
 *
 *   mmap_stress [-n OPS] [-s SEED] [-f CHILDREN] [-m MIB]
 *
 * Defaults: 2000 operations (make test; make stress passes -n 100000),
 * seed 1, 20 children copying 8 MiB each (-f 0 skips the storm).
 *
 * The model covers a 256-page window the program reserves for itself: each
 * page is unmapped or mapped with a protection and a stamp (0 = zero page)
 * written into its first and last 8 bytes. After every operation the pages
 * it touched and a few random ones are read back through a fault-catching
 * probe: contents must match the stamp, a PROT_NONE page must fault
 * SEGV_ACCERR and an unmapped one SEGV_MAPERR. Placed (non-MAP_FIXED)
 * mappings go wherever the kernel puts them, inside the window or not. The
 * output is the same whatever the kernel's placement: only ok lines.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mm_probe.h"

#define W      256 /* window pages */
#define NFLOAT 16  /* placed mappings alive at once */

struct page {
	int mapped, prot;
	uint32_t stamp;
};

struct floating {
	char *p;
	int n, prot;
	uint32_t stamp;
};

static struct page model[W];
static struct floating fl[NFLOAT];
static char *win;
static uint64_t rng;
static unsigned long op_no;
static int failures;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

static void fail(const char *what, int page)
{
	if (failures++ < 10)
		diag("operation %lu: %s (window page %d)", op_no, what, page);
}

static void stamp_write(char *p, uint32_t stamp)
{
	uint64_t v = (uint64_t)stamp * 0x9e3779b97f4a7c15ULL;

	memcpy(p, &v, 8);
	v = ~v;
	memcpy(p + PG - 8, &v, 8);
}

static bool stamp_ok(const char *p, uint32_t stamp)
{
	uint64_t a, b, v = (uint64_t)stamp * 0x9e3779b97f4a7c15ULL;

	memcpy(&a, p, 8);
	memcpy(&b, p + PG - 8, 8);
	return stamp ? a == v && b == ~v : a == 0 && b == 0;
}

static bool in_window(const char *p)
{
	return p >= win && p < win + W * PG;
}

/* Check one window page against the model through probes. */
static void verify(int i)
{
	char *p = win + (size_t)i * PG;
	struct page *m = &model[i];
	int sig = probe(p, 0);

	if (!m->mapped) {
		if (!sig || !faulted(SIGSEGV, SEGV_MAPERR, p))
			fail("an unmapped page did not fault SEGV_MAPERR", i);
		return;
	}
	if (!(m->prot & PROT_READ)) {
		if (!sig || !faulted(SIGSEGV, SEGV_ACCERR, p))
			fail("a PROT_NONE page did not fault SEGV_ACCERR", i);
		return;
	}
	if (sig)
		fail("a readable page faulted", i);
	else if (!stamp_ok(p, m->stamp))
		fail("contents differ from the model", i);
	sig = probe(p + 8, 1);
	if ((m->prot & PROT_WRITE) ? sig != 0 : !faulted(SIGSEGV, SEGV_ACCERR, p + 8))
		fail("writability differs from the model", i);
}

static void random_range(int *s, int *n)
{
	*s = (int)rnd(W);
	*n = 1 + (int)rnd(24);
	if (*s + *n > W)
		*n = W - *s;
}

static int random_prot(void)
{
	static const int prots[] = { PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE };

	return prots[rnd(3)];
}

/* Give writable pages of [s, s+n) new stamps. */
static void scribble(int s, int n)
{
	for (int i = s; i < s + n; i++)
		if (model[i].mapped && (model[i].prot & PROT_WRITE)) {
			model[i].stamp = (uint32_t)rnd(0xffffffff) + 1;
			stamp_write(win + (size_t)i * PG, model[i].stamp);
		}
}

static void op_map_fixed(int s, int n)
{
	int prot = random_prot();
	char *p = mmap(win + (size_t)s * PG, (size_t)n * PG, prot,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p != win + (size_t)s * PG) {
		fail("MAP_FIXED failed", s);
		return;
	}
	for (int i = s; i < s + n; i++)
		model[i] = (struct page){ 1, prot, 0 };
	scribble(s, n);
}

static void op_unmap(int s, int n)
{
	if (munmap(win + (size_t)s * PG, (size_t)n * PG))
		fail("munmap failed", s);
	for (int i = s; i < s + n; i++)
		model[i] = (struct page){ 0, 0, 0 };
}

/* Linux applies mprotect up to the first hole and then says ENOMEM. */
static void op_protect(int s, int n)
{
	int prot = random_prot(), want = 0, got;

	for (int i = s; i < s + n; i++) {
		if (!model[i].mapped) {
			want = ENOMEM;
			break;
		}
		model[i].prot = prot;
	}
	errno = 0;
	got = mprotect(win + (size_t)s * PG, (size_t)n * PG, prot) ? errno : 0;
	if (got != want)
		fail("mprotect result differs from the model", s);
}

/* MADV_DONTNEED zeroes private anonymous pages; a hole means ENOMEM. */
static void op_dontneed(int s, int n)
{
	int want = 0, got;

	for (int i = s; i < s + n; i++) {
		if (!model[i].mapped)
			want = ENOMEM;
		else
			model[i].stamp = 0;
	}
	errno = 0;
	got = madvise(win + (size_t)s * PG, (size_t)n * PG, MADV_DONTNEED) ? errno : 0;
	if (got != want)
		fail("madvise result differs from the model", s);
}

static void op_float_map(void)
{
	struct floating *f = &fl[rnd(NFLOAT)];
	int n = 1 + (int)rnd(8), prot = rnd(2) ? PROT_READ | PROT_WRITE : PROT_READ;
	char *p;

	if (f->p)
		return;
	p = mmap(NULL, (size_t)n * PG, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		fail("a placed mmap failed", -1);
		return;
	}
	if (in_window(p) || in_window(p + (size_t)n * PG - 1)) {
		/* The kernel filled a hole of the window: the model owns it now. */
		for (int i = 0; i < n; i++) {
			int k = (int)((p - win) / (long)PG) + i;

			if (k >= 0 && k < W && model[k].mapped)
				fail("a placed mapping overlaps a mapped page", k);
			if (k >= 0 && k < W)
				model[k] = (struct page){ 1, prot, 0 };
		}
		return;
	}
	*f = (struct floating){ p, n, prot, (uint32_t)rnd(0xffffffff) + 1 };
	if (prot & PROT_WRITE)
		for (int i = 0; i < n; i++)
			stamp_write(p + (size_t)i * PG, f->stamp + (uint32_t)i);
}

static void op_float_unmap(void)
{
	struct floating *f = &fl[rnd(NFLOAT)];

	if (!f->p)
		return;
	for (int i = 0; i < f->n; i++)
		if (probe(f->p + (size_t)i * PG, 0) ||
		    !stamp_ok(f->p + (size_t)i * PG,
			      (f->prot & PROT_WRITE) ? f->stamp + (uint32_t)i : 0))
			fail("a placed mapping lost its contents", -1);
	if (munmap(f->p, (size_t)f->n * PG))
		fail("munmap of a placed mapping failed", -1);
	f->p = NULL;
}

static void random_ops(unsigned long ops)
{
	for (op_no = 0; op_no < ops; op_no++) {
		uint64_t r = rnd(100);
		int s, n;

		random_range(&s, &n);
		if (r < 20)
			op_map_fixed(s, n);
		else if (r < 35)
			op_unmap(s, n);
		else if (r < 55)
			op_protect(s, n);
		else if (r < 65)
			op_dontneed(s, n);
		else if (r < 75)
			op_float_map();
		else if (r < 85)
			op_float_unmap();
		else
			scribble(s, n);
		for (int i = s; i < s + n; i++)
			verify(i);
		verify((int)rnd(W));
		if (op_no % 512 == 511)
			for (int i = 0; i < W; i++)
				verify(i);
	}
}

static bool fill_ok(const char *p, size_t len, unsigned salt)
{
	for (size_t off = 0; off < len; off += PG)
		if (*(const uint32_t *)(p + off) != (uint32_t)(off / PG * 2654435761U + salt))
			return false;
	return true;
}

static void fill(char *p, size_t len, unsigned salt)
{
	for (size_t off = 0; off < len; off += PG)
		*(uint32_t *)(p + off) = (uint32_t)(off / PG * 2654435761U + salt);
}

/* Every child checks the parent's memory, copies all of it by writing, checks again. */
static void fork_storm(int children, size_t mib)
{
	size_t len = mib << 20;
	char *p = map_anon(len, PROT_READ | PROT_WRITE);
	int good = 0;

	fill(p, len, 0);
	fflush(stdout);
	for (int k = 0; k < children; k++) {
		pid_t pid = fork();

		if (pid < 0)
			bail("fork");
		if (pid == 0) {
			if (!fill_ok(p, len, 0))
				_exit(1);
			fill(p, len, (unsigned)k + 1);
			_exit(fill_ok(p, len, (unsigned)k + 1) ? 0 : 2);
		}
	}
	for (int k = 0; k < children; k++) {
		int st;

		if (wait(&st) < 0)
			bail("wait");
		good += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	ok(good == children, "fork storm: %d children each wrote their own copy of %zu MiB",
	   children, mib);
	ok(fill_ok(p, len, 0), "fork storm: the parent's %zu MiB are unchanged", mib);
	munmap(p, len);
}

static unsigned long arg(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (!*s || *end) {
		printf("Bail out! not a number: %s\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long ops = 2000, seed = 1, children = 20, mib = 8;
	int c;

	while ((c = getopt(argc, argv, "n:s:f:m:")) != -1) {
		if (c == 'n')
			ops = arg(optarg);
		else if (c == 's')
			seed = arg(optarg);
		else if (c == 'f')
			children = arg(optarg);
		else if (c == 'm')
			mib = arg(optarg);
		else {
			puts("Bail out! usage: mmap_stress [-n OPS] [-s SEED] [-f CHILDREN] [-m "
			     "MIB]");
			return 2;
		}
	}
	if (children > 1000 || mib > 4096) {
		puts("Bail out! at most 1000 children and 4096 MiB");
		return 2;
	}
	tap_plan(children ? 3 : 1);
	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	probe_install();
	win = map_anon(W * PG, PROT_NONE);
	for (int i = 0; i < W; i++)
		model[i] = (struct page){ 1, PROT_NONE, 0 };
	random_ops(ops);
	for (int i = 0; i < W; i++)
		verify(i);
	ok(!failures, "%lu random mmap/munmap/mprotect/madvise operations match the model", ops);
	if (children)
		fork_storm((int)children, mib);
	return tap_done();
}
