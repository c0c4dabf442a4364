// SPDX-License-Identifier: MIT
/*
 * Fault-around (Linux's fault_around_bytes, 64 KiB by default): one read
 * fault on a page-cache-backed mapping maps the neighbours that are in the
 * page cache too, in a 64 KiB window aligned in the address space, moved
 * up to the mapping's start and cut at its end, at the end of the file and
 * at holes. /proc/self/pagemap and RssFile show what got mapped; mincore
 * shows page-cache residency, unchanged by the fault. A store to a page
 * mapped that way still copies it (MAP_PRIVATE). Natively this is what
 * Linux does; in the sandbox, pagelab's kernel must do the same.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "mm_probe.h"

#define NTESTS	   14
#define WINDOW	   16 /* pages: 64 KiB */
#define PM_PRESENT (1ULL << 63)
#define PM_FILE	   (1ULL << 61)

static char file[64];

static uint64_t pagemap(const void *p)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e = 0;

	if (fd < 0 || pread(fd, &e, 8, (off_t)((uintptr_t)p / PG * 8)) != 8)
		bail("/proc/self/pagemap");
	close(fd);
	return e;
}

/* One character per page: 'P' mapped (present), '.' not. */
static const char *present(const char *p, size_t n)
{
	static char s[64];

	for (size_t i = 0; i < n; i++)
		s[i] = pagemap(p + i * PG) & PM_PRESENT ? 'P' : '.';
	s[n] = 0;
	return s;
}

/* One character per page: 'C' in the page cache (mincore), '.' not. */
static const char *cached(char *p, size_t n)
{
	static char s[64];
	unsigned char vec[64];

	if (mincore(p, n * PG, vec))
		bail("mincore");
	for (size_t i = 0; i < n; i++)
		s[i] = vec[i] & 1 ? 'C' : '.';
	s[n] = 0;
	return s;
}

static long rss_file_kb(void)
{
	const char *at = strstr(slurp("/proc/self/status"), "RssFile:");

	return at ? strtol(at + 8, NULL, 10) : -1;
}

/* A file of `pages` pages, page i filled with 'a' + i % 26, plus `tail` bytes. */
static int make_file(size_t pages, size_t tail)
{
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char page[PG];

	if (fd < 0)
		bail("open");
	for (size_t i = 0; i < pages; i++) {
		memset(page, 'a' + i % 26, PG);
		if (write(fd, page, PG) != PG)
			bail("write");
	}
	if (tail && write(fd, page, tail) != (ssize_t)tail)
		bail("write");
	return fd;
}

/* A free, 2 MiB-aligned address with room for `pages` pages after `skip`. */
static char *aligned_spot(void)
{
	char *r = mmap(NULL, 4 << 20, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (r == MAP_FAILED)
		bail("mmap");
	a = (char *)(((uintptr_t)r + (2 << 20) - 1) & ~((uintptr_t)(2 << 20) - 1));
	munmap(r, 4 << 20);
	return a;
}

static char *map_file(char *at, size_t pages, int prot, int flags, int fd)
{
	char *p = mmap(at, pages * PG, prot, flags | MAP_FIXED, fd, 0);

	if (p == MAP_FAILED)
		bail("mmap of the file");
	return p;
}

static void window(void)
{
	int fd = make_file(32, 0);
	char *p = map_file(aligned_spot(), 32, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd), c;
	long rss = rss_file_kb();

	ok(!strcmp(present(p, 32), "................................"),
	   "nothing is mapped before the first touch");
	ok(!strcmp(cached(p, 32), "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
	   "mincore: every page is in the page cache before any fault");
	c = p[5 * PG];
	ok(c == 'f' && !strcmp(present(p, 32), "PPPPPPPPPPPPPPPP................"),
	   "a read of page 5 maps pages 0-15, the aligned 64 KiB window: %s", present(p, 32));
	ok(rss_file_kb() - rss == WINDOW * PG / 1024, "RssFile grew by the window, 64 kB");
	ok(!strcmp(cached(p, 32), "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"),
	   "mincore is unchanged by the fault (page-cache residency)");
	p[3 * PG] = 'X';
	c = 0;
	ok(pread(fd, &c, 1, 3 * PG) == 1 && c == 'd' && p[3 * PG] == 'X',
	   "a store to a page mapped around the fault copies it: the file keeps its data");
	ok(!(pagemap(p + 3 * PG) & PM_FILE) && (pagemap(p + 4 * PG) & PM_FILE),
	   "pagemap: the stored page is anonymous now, its neighbour still the file's");
	munmap(p, 32 * PG);
	close(fd);
}

/* A mapping that starts mid-window: the window moves up to its start. */
static void window_moves(void)
{
	int fd = make_file(32, 0);
	char *p = map_file(aligned_spot() + 4 * PG, 24, PROT_READ, MAP_PRIVATE, fd);

	ok(p[0] == 'a' && !strcmp(present(p, 24), "PPPPPPPPPPPPPPPP........"),
	   "a mapping 16 KiB into a window: a read of its first page maps its first 16 pages: %s",
	   present(p, 24));
	munmap(p, 24 * PG);
	close(fd);
}

/* The end of the file and of the mapping cut the window. */
static void window_cut(void)
{
	int fd = make_file(5, 512);
	char *p = map_file(aligned_spot(), 16, PROT_READ, MAP_PRIVATE, fd);

	ok(p[PG] == 'b' && !strcmp(present(p, 16), "PPPPPP.........."),
	   "a file of 5.125 pages: pages 0-5 are mapped, none past its end: %s", present(p, 16));
	munmap(p, 16 * PG);
	p = map_file(aligned_spot(), 3, PROT_READ, MAP_PRIVATE, fd);
	ok(p[0] == 'a' && !strcmp(present(p, 3), "PPP"), "a 3-page mapping: its 3 pages only");
	munmap(p, 3 * PG);
	close(fd);
}

/* Holes are not read in: only pages already in the cache are mapped. */
static void holes(void)
{
	int fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	char page[PG], *p;

	if (fd < 0 || ftruncate(fd, 16 * PG))
		bail("ftruncate");
	memset(page, 'z', PG);
	if (pwrite(fd, page, PG, 0) != PG || pwrite(fd, page, PG, 9 * PG) != PG)
		bail("pwrite");
	p = map_file(aligned_spot(), 16, PROT_READ, MAP_PRIVATE, fd);
	ok(!strcmp(cached(p, 16), "C........C......"), "mincore: pages 0 and 9 are cached");
	ok(p[0] == 'z' && !strcmp(present(p, 16), "P........P......"),
	   "a read of page 0 maps page 9 too, and no hole: %s", present(p, 16));
	munmap(p, 16 * PG);
	close(fd);
}

/* Shared anonymous memory is shmem on Linux: a page-cache mapping too. */
static void shared_anon(void)
{
	char *p = mmap(aligned_spot(), 32 * PG, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p == MAP_FAILED)
		bail("mmap shared anonymous");
	p[0] = 1;
	p[9 * PG] = 1;
	ok(!strcmp(present(p, 16), "P........P......"), "stores map just the pages stored to");
	if (madvise(p, 32 * PG, MADV_DONTNEED))
		bail("madvise");
	ok(p[2 * PG] == 0 && !strcmp(present(p, 16), "P.P......P......"),
	   "after MADV_DONTNEED a read of page 2 maps it and the pages the object holds: %s",
	   present(p, 16));
	munmap(p, 32 * PG);
}

int main(void)
{
	snprintf(file, sizeof(file), "/tmp/fault_around.%d", getpid());
	tap_plan(NTESTS);
	window();
	window_moves();
	window_cut();
	holes();
	shared_anon();
	unlink(file);
	return tap_done();
}
