// SPDX-License-Identifier: MIT
/*
 * zero_fill: new memory reads as zeroes, also when its frames held another
 * owner's data a moment ago. pagelab's kernel hands out frames no one has
 * written since boot without clearing them (the host's RAM starts zeroed,
 * kernel/frame.h's written map); every frame that was used before must be
 * cleared. So each case fills memory with a pattern, gives it back (munmap,
 * a child's exit, a file's truncation) and then checks that memory taken
 * right after holds zeroes only: huge and small anonymous pages, a MAP_SHARED
 * anonymous region, memory freed by an exited child, file pages past a
 * truncation, and a growing stack-like mapping. The output is the same
 * natively and in the sandbox.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mm_probe.h"

#define HUGE   (2UL << 20)
#define ROUNDS 4
#define NTESTS (4 * ROUNDS + 4)

/* len bytes of private anonymous memory at a 2 MiB boundary, advised as asked. */
static char *map_aligned(size_t len, int advice)
{
	char *raw =
	    mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *p;

	if (raw == MAP_FAILED)
		bail("mmap");
	p = (char *)(((uintptr_t)raw + HUGE - 1) & ~(HUGE - 1));
	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + len, raw + HUGE - p);
	if (advice >= 0)
		madvise(p, len, advice);
	return p;
}

/*
 * Fill, give back, take again, as many rounds: each round's new memory is
 * checked before its own fill, so it sees the frames the previous round
 * freed (the allocator reuses the most recently freed first).
 */
static void reuse_rounds(const char *what, size_t len, int advice)
{
	for (int r = 0; r < ROUNDS; r++) {
		char *p = map_aligned(len, advice);
		long at;

		for (size_t i = 0; i < len; i += PG)
			p[i] = 0; /* fault every page in before looking */
		at = first_nonzero(p, len);
		ok(at < 0, "%s, round %d: all %zu KiB read zero", what, r + 1, len >> 10);
		if (at >= 0)
			diag("non-zero at offset %ld", at);
		memset(p, 0xa5 + r, len);
		munmap(p, len);
	}
}

static void shared_anon_rounds(void)
{
	for (int r = 0; r < ROUNDS; r++) {
		size_t len = 3 * HUGE;
		char *p =
		    mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			bail("mmap shared");
		ok(first_nonzero(p, len) < 0, "MAP_SHARED anonymous, round %d: zero", r + 1);
		memset(p, 0x3c, len);
		munmap(p, len);
	}
}

/* A child dirties 16 MiB and exits; the parent's next 16 MiB must not show it. */
static void after_child_exit(void)
{
	size_t len = 16UL << 20;
	int status;
	pid_t pid = fork();
	char *p;

	if (pid < 0)
		bail("fork");
	if (pid == 0) {
		p = map_aligned(len, -1);
		memset(p, 0x77, len);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		bail("waitpid");
	p = map_aligned(len, -1);
	ok(first_nonzero(p, len) < 0, "after a child that filled 16 MiB exited: zero");
	munmap(p, len);
}

/* A file's pages freed by ftruncate, then the file grown again by a write past the end. */
static void file_after_truncate(void)
{
	char path[] = "/tmp/zero_fill.XXXXXX", buf[PG];
	size_t len = 1UL << 20;
	int fd = mkstemp(path);
	char *p;

	if (fd < 0)
		bail("mkstemp");
	unlink(path);
	memset(buf, 0x5a, sizeof(buf));
	for (size_t off = 0; off < len; off += PG)
		if (write(fd, buf, PG) != PG)
			bail("write");
	if (ftruncate(fd, 0) || pwrite(fd, "x", 1, len - 1) != 1)
		bail("ftruncate");
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		bail("mmap file");
	ok(first_nonzero(p, len - PG) < 0, "a file grown again after truncation reads zero");
	munmap(p, len);
	close(fd);
}

/* Page tables freed and taken again must not map anything stale: fresh memory faults in zero. */
static void sparse_touches(void)
{
	size_t len = 64UL << 20;
	char *p = map_aligned(len, MADV_NOHUGEPAGE);
	int bad = 0;

	for (size_t i = 0; i < len; i += HUGE)
		bad += p[i + PG * (i / HUGE % 512)] != 0;
	ok(bad == 0, "one page in each 2 MiB of 64 MiB reads zero");
	munmap(p, len);
}

int main(void)
{
	tap_plan(NTESTS);
	reuse_rounds("huge pages (MADV_HUGEPAGE)", 4 * HUGE, MADV_HUGEPAGE);
	reuse_rounds("small pages (MADV_NOHUGEPAGE)", 2 * HUGE, MADV_NOHUGEPAGE);
	reuse_rounds("unaligned length, default policy", 3 * HUGE + 5 * PG, -1);
	shared_anon_rounds();
	after_child_exit();
	file_after_truncate();
	sparse_touches();
	sparse_touches();
	return tap_done();
}
