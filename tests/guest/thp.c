// SPDX-License-Identifier: MIT
/*
 * thp [--require]: transparent huge pages of private anonymous memory.
 *
 * Without arguments only what Linux guarantees under any policy is checked,
 * so the differential test compares the output natively (this project's
 * hosts run `madvise`) and in the sandbox (`always`): the sysfs files'
 * format, VmFlags hg/nh and THPeligible in /proc/self/smaps, AnonHugePages
 * a multiple of 2 MiB, and contents and Rss exact through every operation
 * that splits a huge page (partial munmap, mprotect, mremap,
 * MADV_DONTNEED, a store after fork), in a 2 MiB-aligned MADV_HUGEPAGE
 * range.
 *
 * --require (the sandbox: tests/integration/test_thp.c) also checks what
 * only a kernel that had 2 MiB pages to give must show: one fault per
 * 2 MiB (/proc/vmstat's pgfault and thp_fault_alloc), AnonHugePages exact
 * before and after each split (thp_split_pmd), contiguous frames in
 * pagemap, the policy files taking effect, and MADV_NOHUGEPAGE and
 * `never` keeping pages small.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include "mm_probe.h"

#define HUGE	  (2UL << 20)
#define LEN	  (4 * HUGE)
#define NPORTABLE 21
#define NREQUIRED 10

static const char *thp_file(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage/%s", name);
	return path;
}

/* "a [b] c\n": every choice in order, exactly one of them in brackets. */
static bool choices_shown(const char *text, const char *const *names, int n)
{
	char want[128];
	int bracketed = 0;

	for (int sel = 0; sel < n; sel++) {
		size_t at = 0;

		for (int i = 0; i < n; i++)
			at += snprintf(want + at, sizeof(want) - at, i == sel ? "%s[%s]" : "%s%s",
				       i ? " " : "", names[i]);
		snprintf(want + at, sizeof(want) - at, "\n");
		bracketed += !strcmp(text, want);
	}
	return bracketed == 1;
}

/* Sum of a smaps field (kB) over the VMAs that start in [lo, hi); -1 if none. */
static long smaps_sum(const void *lo, const void *hi, const char *field)
{
	const char *at = slurp("/proc/self/smaps");
	bool in = false, any = false;
	long sum = 0;

	for (; at && *at; at = strchr(at, '\n'), at = at ? at + 1 : NULL) {
		unsigned long s, e;

		if (sscanf(at, "%lx-%lx ", &s, &e) == 2 && strchr(at, '-') < strchr(at, ' ')) {
			in = s >= (uintptr_t)lo && s < (uintptr_t)hi;
			any |= in;
		} else if (in && !strncmp(at, field, strlen(field))) {
			sum += strtol(at + strlen(field), NULL, 10);
		}
	}
	return any ? sum : -1;
}

/* The VmFlags line of the VMA starting at p has this two-letter flag. */
static bool vm_flag(const void *p, const char *flag)
{
	char want[32];
	const char *at = slurp("/proc/self/smaps"), *end;

	snprintf(want, sizeof(want), "%lx-", (unsigned long)(uintptr_t)p);
	at = strstr(at, want);
	at = at ? strstr(at, "VmFlags:") : NULL;
	if (!at)
		return false;
	end = strchr(at, '\n');
	snprintf(want, sizeof(want), " %s ", flag);
	return memmem(at, end ? (size_t)(end - at) + 1 : strlen(at), want, strlen(want)) != NULL;
}

static long vmstat(const char *key)
{
	const char *at = strstr(slurp("/proc/vmstat"), key);

	return at ? strtol(at + strlen(key) + 1, NULL, 10) : -1;
}

static long meminfo_anon_huge(void)
{
	const char *at = strstr(slurp("/proc/meminfo"), "AnonHugePages:");

	return at ? strtol(at + 14, NULL, 10) : -1;
}

/* A 2 MiB-aligned private anonymous mapping of len bytes, advised as asked. */
static char *aligned_anon(size_t len, int advice)
{
	char *raw = map_anon(len + HUGE, PROT_READ | PROT_WRITE);
	char *p = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));

	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + len, raw + len + HUGE - (p + len));
	if (madvise(p, len, advice))
		bail("madvise");
	return p;
}

static unsigned char pattern(size_t off)
{
	return (unsigned char)(off * 7 + 3 + (off >> 12));
}

static void fill(char *p, size_t off, size_t len)
{
	for (size_t i = 0; i < len; i += PG)
		p[i] = (char)pattern(off + i);
}

/* Every page's first byte in [off, off + len) holds the pattern (or 0 where zeroed). */
static bool same(const char *p, size_t off, size_t len, bool zero)
{
	for (size_t i = 0; i < len; i += PG)
		if ((unsigned char)p[i] != (zero ? 0 : pattern(off + i)))
			return false;
	return true;
}

static bool huge_multiple(long kb, long most)
{
	return kb >= 0 && kb % 2048 == 0 && kb <= most;
}

static int child_writes(void *arg)
{
	char *p = arg;

	p[HUGE + PG] = 0x5a;
	if (p[HUGE + PG] != 0x5a || !same(p, 0, HUGE, false) ||
	    !same(p + 2 * HUGE, 2 * HUGE, HUGE, false))
		return 1;
	/* The store split the page in this process only; Rss stays the whole range. */
	return smaps_sum(p, p + 1, "Rss:") == (long)(3 * HUGE / 1024) ? 0 : 2;
}

static bool require;
static long faults0, allocs0, splits0;

static void counters_mark(void)
{
	faults0 = vmstat("pgfault");
	allocs0 = vmstat("thp_fault_alloc");
	splits0 = vmstat("thp_split_pmd");
}

static int child_writes_enabled(void *arg)
{
	int fd;

	(void)arg;
	if (setuid(65534) && getuid() == 0)
		return 2;
	fd = open(thp_file("enabled"), O_WRONLY);
	return fd < 0 && errno == EACCES ? 0 : 1;
}

static void portable(void)
{
	static const char *const modes[] = { "always", "madvise", "never" };
	static const char *const defrags[] = { "always", "defer", "defer+madvise", "madvise",
					       "never" };
	char *p, *q, *moved;
	long faults, allocs;

	ok(choices_shown(slurp(thp_file("enabled")), modes, 3),
	   "enabled lists always madvise never, one in brackets");
	ok(choices_shown(slurp(thp_file("defrag")), defrags, 5),
	   "defrag lists Linux's five choices, one in brackets");
	ok(!strcmp(slurp(thp_file("hpage_pmd_size")), "2097152\n"), "hpage_pmd_size is 2 MiB");
	ok(meminfo_anon_huge() >= 0, "/proc/meminfo has AnonHugePages");
	ok(exited(in_child(child_writes_enabled, NULL), 0),
	   "only root may open enabled for writing");

	p = aligned_anon(LEN, MADV_HUGEPAGE);
	ok(vm_flag(p, "hg") && !vm_flag(p, "nh"), "MADV_HUGEPAGE shows as VmFlags hg");
	ok(smaps_sum(p, p + 1, "THPeligible:") == 1,
	   "an aligned MADV_HUGEPAGE range is THPeligible");
	if (require)
		counters_mark();
	fill(p, 0, LEN);
	/* Read at once: nothing else may fault in between. */
	faults = require ? vmstat("pgfault") - faults0 : 0;
	allocs = require ? vmstat("thp_fault_alloc") - allocs0 : 0;
	ok(same(p, 0, LEN, false) && smaps_sum(p, p + 1, "Rss:") == (long)(LEN / 1024),
	   "first touch: contents and Rss exact");
	ok(huge_multiple(smaps_sum(p, p + 1, "AnonHugePages:"), LEN / 1024),
	   "AnonHugePages is a multiple of 2 MiB");
	if (require) {
		ok(faults == 4 && allocs == 4, "one fault per 2 MiB: 4 faults for 2048 pages");
		if (faults != 4 || allocs != 4)
			diag("%ld faults, %ld huge pages", faults, allocs);
		ok(smaps_sum(p, p + 1, "AnonHugePages:") == (long)(LEN / 1024) &&
		       meminfo_anon_huge() >= (long)(LEN / 1024),
		   "AnonHugePages: all 8 MiB huge, in smaps and meminfo");
		counters_mark();
	}

	/* munmap of one small page in the first huge page */
	munmap(p + HUGE / 2, PG);
	ok(same(p, 0, HUGE / 2, false) &&
	       same(p + HUGE / 2 + PG, HUGE / 2 + PG, LEN - HUGE / 2 - PG, false) &&
	       smaps_sum(p, p + LEN, "Rss:") == (long)((LEN - PG) / 1024),
	   "partial munmap: contents and Rss exact");
	/* mprotect of one small page in the second */
	q = p + HUGE + 8 * PG;
	mprotect(q, PG, PROT_READ);
	probe_install();
	ok(probe(q, 1) == SIGSEGV && probe(q, 0) == 0 && probe(q + PG, 1) == 0 &&
	       same(p + HUGE, HUGE, HUGE, false),
	   "partial mprotect: that page read-only, its neighbours writable, contents kept");
	/* MADV_DONTNEED of 16 pages in the third */
	madvise(p + 2 * HUGE + 16 * PG, 16 * PG, MADV_DONTNEED);
	ok(same(p + 2 * HUGE + 16 * PG, 0, 16 * PG, true) &&
	       same(p + 2 * HUGE, 2 * HUGE, 16 * PG, false) &&
	       same(p + 2 * HUGE + 32 * PG, 2 * HUGE + 32 * PG, HUGE - 32 * PG, false),
	   "partial MADV_DONTNEED: those pages zero, the rest kept");
	fill(p + 2 * HUGE + 16 * PG, 2 * HUGE + 16 * PG, 16 * PG);
	/* mremap of part of the fourth elsewhere */
	/* Growing it: the pages after it are mapped, so it moves. */
	moved = mremap(p + 3 * HUGE + 64 * PG, 64 * PG, 128 * PG, MREMAP_MAYMOVE);
	ok(moved != MAP_FAILED && same(moved, 3 * HUGE + 64 * PG, 64 * PG, false) &&
	       same(p + 3 * HUGE, 3 * HUGE, 64 * PG, false) &&
	       same(p + 3 * HUGE + 128 * PG, 3 * HUGE + 128 * PG, HUGE - 128 * PG, false),
	   "partial mremap: moved pages and the rest kept");
	if (require) {
		ok(vmstat("thp_split_pmd") - splits0 == 4 &&
		       smaps_sum(p, p + LEN, "AnonHugePages:") == 0,
		   "each cut split its huge page: 4 splits, no huge page left");
		ok(smaps_sum(p, p + LEN, "Rss:") == (long)((LEN - PG - 64 * PG) / 1024),
		   "Rss after the splits counts every small page left");
	}
	munmap(moved, 128 * PG);
	munmap(p, LEN);

	/* fork: a store in the child splits only the child's page */
	p = aligned_anon(3 * HUGE, MADV_HUGEPAGE);
	fill(p, 0, 3 * HUGE);
	if (require)
		counters_mark();
	ok(exited(in_child(child_writes, p), 0),
	   "fork: the child's store copies, its view and Rss exact");
	ok(same(p, 0, 3 * HUGE, false),
	   "fork: the parent's contents unchanged by the child's store");
	if (require) {
		ok(smaps_sum(p, p + 1, "AnonHugePages:") == (long)(3 * HUGE / 1024) &&
		       vmstat("thp_split_pmd") - splits0 == 1,
		   "fork: the parent keeps its 3 huge pages; the child split one");
		p[PG] = 1;
		p[HUGE + 2 * PG] = 1;
		ok(smaps_sum(p, p + 1, "AnonHugePages:") == (long)(3 * HUGE / 1024) &&
		       vmstat("thp_split_pmd") - splits0 == 1,
		   "fork: after the child exits the parent's store reuses its huge page");
	}
	munmap(p, 3 * HUGE);

	p = aligned_anon(2 * HUGE, MADV_NOHUGEPAGE);
	ok(vm_flag(p, "nh") && !vm_flag(p, "hg") && smaps_sum(p, p + 1, "THPeligible:") == 0,
	   "MADV_NOHUGEPAGE shows as VmFlags nh, not THPeligible");
	fill(p, 0, 2 * HUGE);
	ok(smaps_sum(p, p + 1, "AnonHugePages:") == 0 && smaps_sum(p, p + 1, "Rss:") == 4096,
	   "MADV_NOHUGEPAGE: no huge page, Rss exact");
	munmap(p, 2 * HUGE);
}

static int child_thp_disabled(void *arg)
{
	(void)arg;
	return prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
}

/* PR_SET_THP_DISABLE: no huge page anywhere in the process, and its children inherit it. */
static void thp_disable(void)
{
	char *p;

	ok(prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 0 &&
	       FAILS(prctl(PR_SET_THP_DISABLE, 1, 1, 0, 0), EINVAL),
	   "PR_GET_THP_DISABLE is 0 at first; PR_SET_THP_DISABLE checks its arguments");
	ok(prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0) == 0 && prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1,
	   "PR_SET_THP_DISABLE sets it");
	p = aligned_anon(2 * HUGE, MADV_HUGEPAGE);
	fill(p, 0, 2 * HUGE);
	ok(smaps_sum(p, p + 1, "THPeligible:") == 0 && smaps_sum(p, p + 1, "AnonHugePages:") == 0 &&
	       exited(in_child(child_thp_disabled, NULL), 1),
	   "disabled: not THPeligible, no huge page, a child inherits it");
	munmap(p, 2 * HUGE);
	p = aligned_anon(2 * HUGE, MADV_HUGEPAGE);
	ok(prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0) == 0 && smaps_sum(p, p + 1, "THPeligible:") == 1,
	   "PR_SET_THP_DISABLE 0 allows them again");
	munmap(p, 2 * HUGE);
}

static bool write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n = fd < 0 ? -1 : write(fd, text, strlen(text));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(text);
}

/* pagemap: the 512 frames of the huge page at p are one aligned run. */
static bool contiguous(const char *p)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e[512];
	bool good;

	if (fd < 0 || pread(fd, e, sizeof(e), (uintptr_t)p / PG * 8) != sizeof(e))
		return false;
	close(fd);
	good = (e[0] & (1ULL << 63)) && (e[0] & ((1ULL << 55) - 1)) % 512 == 0;
	for (int i = 1; i < 512; i++)
		good &= (e[i] & ((1ULL << 55) - 1)) == (e[0] & ((1ULL << 55) - 1)) + (uint64_t)i;
	return good;
}

static void required(void)
{
	char *p = aligned_anon(2 * HUGE, MADV_NORMAL);

	p[0] = 1;
	ok(contiguous(p) && resident(p, 256) == 256,
	   "one touch: 512 contiguous frames, all resident");
	ok(write_file(thp_file("enabled"), "never\n") &&
	       strstr(slurp(thp_file("enabled")), "[never]"),
	   "enabled takes never");
	p[HUGE] = 1;
	ok(smaps_sum(p, p + 1, "AnonHugePages:") == 2048 &&
	       !write_file(thp_file("enabled"), "sometimes") &&
	       write_file(thp_file("enabled"), "always") &&
	       write_file(thp_file("defrag"), "defer+madvise\n") &&
	       strstr(slurp(thp_file("defrag")), "[defer+madvise]"),
	   "never: the next touch is small; bad choices are refused, good ones taken");
	munmap(p, 2 * HUGE);
	p = map_anon(4 * HUGE, PROT_READ | PROT_WRITE);
	ok(((uintptr_t)p & (HUGE - 1)) == 0,
	   "mmap of 8 MiB anonymous starts on 2 MiB (as Linux 6.7+)");
	munmap(p, 4 * HUGE);
}

/*
 * --mode MODE KB: the kernel booted with transparent_hugepage=MODE; enabled
 * shows it, and a first touch in an aligned MADV_HUGEPAGE range maps KB of
 * huge pages (0 with never), MADV_NOHUGEPAGE none.
 */
static int booted_mode(const char *mode, long kb)
{
	char want[32];
	char *p = aligned_anon(HUGE, MADV_HUGEPAGE), *q = aligned_anon(HUGE, MADV_NOHUGEPAGE);

	tap_plan(3);
	snprintf(want, sizeof(want), "[%s]", mode);
	ok(strstr(slurp(thp_file("enabled")), want) != NULL, "enabled shows %s", want);
	p[0] = 1;
	q[0] = 1;
	ok(smaps_sum(p, p + 1, "AnonHugePages:") == kb, "MADV_HUGEPAGE: %ld kB huge", kb);
	ok(smaps_sum(q, q + 1, "AnonHugePages:") == 0, "MADV_NOHUGEPAGE: none huge");
	return tap_done();
}

static long meminfo(const char *key)
{
	const char *at = strstr(slurp("/proc/meminfo"), key);

	return at ? strtol(at + strlen(key), NULL, 10) : -1;
}

/*
 * --fallback: fill RAM with small pages until no 2 MiB block is free, then
 * free every other one (their neighbours stay, so no block forms again).
 * With defrag `never` an eligible first touch then maps a small page; with
 * `always` the kernel moves small pages out of a block first.
 */
static int fallback(void)
{
	long total = meminfo("MemTotal:") * 1024, chunks = 0, before;
	char *res =
	    mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *p, *q;
	bool kept = true;

	tap_plan(4);
	if (res == MAP_FAILED)
		bail("mmap");
	/*
	 * Page tables first, one per 2 MiB, while RAM is still in one piece:
	 * they cannot be moved, and pagelab does not group allocations by
	 * mobility as Linux does, so tables made during the fill below would
	 * land one in each block and leave compaction no block to empty.
	 */
	for (long c = 0; (c + 1) * (long)HUGE <= total; c++) {
		if (mmap(res + c * HUGE, PG, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_STACK, -1, 0) == MAP_FAILED)
			bail("mmap table");
		res[c * HUGE] = 1;
	}
	while (meminfo("HugePages_Free:") > 0 && (chunks + 1) * (long)HUGE <= total) {
		if (mmap(res + chunks * HUGE, HUGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE | MAP_STACK |
			     MAP_NORESERVE,
			 -1, 0) == MAP_FAILED)
			bail("mmap chunk");
		chunks++;
	}
	fill(res, 0, chunks * HUGE);
	for (long i = 1; i < chunks * 512; i += 2)
		madvise(res + i * PG, PG, MADV_DONTNEED);
	ok(meminfo("HugePages_Free:") == 0 && meminfo("MemFree:") > 64 * 1024,
	   "RAM fragmented: no 2 MiB block free, half the small pages free");
	write_file(thp_file("defrag"), "never");
	before = vmstat("thp_fault_fallback");
	p = aligned_anon(HUGE, MADV_HUGEPAGE);
	fill(p, 0, HUGE);
	ok(vmstat("thp_fault_fallback") == before + 1 &&
	       smaps_sum(p, p + 1, "AnonHugePages:") == 0 && same(p, 0, HUGE, false) &&
	       smaps_sum(p, p + 1, "Rss:") == 2048,
	   "defrag never: the first touch falls back to small pages, all 512 of them made");
	write_file(thp_file("defrag"), "always");
	before = vmstat("thp_fault_alloc");
	q = aligned_anon(HUGE, MADV_HUGEPAGE);
	fill(q, 0, HUGE);
	ok(vmstat("thp_fault_alloc") == before + 1 &&
	       smaps_sum(q, q + 1, "AnonHugePages:") == 2048 && same(q, 0, HUGE, false),
	   "defrag always: small pages move out of a block and the touch is huge");
	for (long i = 0; i < chunks * 512; i += 2)
		kept &= (unsigned char)res[i * PG] == pattern(i * PG);
	ok(kept, "the pages that moved kept their contents");
	return tap_done();
}

int main(int argc, char **argv)
{
	/* These modes rewrite the kernel's THP settings and fill its RAM: never the host's. */
	if (argc > 1 && access("/proc/pagelab", F_OK) != 0) {
		fprintf(stderr,
			"thp: %s changes the kernel's THP settings: run it in pagelab only\n",
			argv[1]);
		return 2;
	}
	if (argc == 2 && !strcmp(argv[1], "--fallback"))
		return fallback();
	if (argc == 4 && !strcmp(argv[1], "--mode"))
		return booted_mode(argv[2], strtol(argv[3], NULL, 10));
	require = argc > 1 && !strcmp(argv[1], "--require");
	tap_plan(require ? NPORTABLE + NREQUIRED : NPORTABLE);
	portable();
	thp_disable();
	if (require)
		required();
	return tap_done();
}
