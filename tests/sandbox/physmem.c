// SPDX-License-Identifier: MIT
/*
 * The QNX/BSD physical-memory interface of include/pagelab/mman.h, checked
 * from inside the sandbox (natively these calls are ENOSYS, so this is no
 * differential test): TAP on stdout, status 0 when every case passed.
 * tests/integration/test_physmem.c runs it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagelab/mman.h>

#include "../guest/mm_probe.h"

#define NTESTS 16

/* The physical address /proc/self/pagemap gives for va (present pages only). */
static uint64_t pagemap_pa(const void *va)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e = 0;

	if (fd < 0 || pread(fd, &e, 8, (uintptr_t)va / PG * 8) != 8)
		bail("pagemap");
	close(fd);
	if (!(e & (1ULL << 63)))
		return 0;
	return (e & ((1ULL << 55) - 1)) * PG + (uintptr_t)va % PG;
}

static void mem_offset_basics(void)
{
	char *p = map_anon(16 * PG, PROT_READ | PROT_WRITE);
	off_t off = -1, again = -2;
	size_t contig = 0;

	ok(resident(p, 1) == 0, "a fresh anonymous page is not present");
	ok(mem_offset(p + 5, NOFD, PG - 5, &off, &contig) == 0, "mem_offset of an untouched page");
	ok(resident(p, 1) == 1 && (uint64_t)off == pagemap_pa(p + 5),
	   "it faulted the page in; the address is pagemap's, byte offset kept");
	ok(contig == PG - 5, "contig_len: len bytes from addr, to the end of the page");
	strcpy(p, "data");
	ok(mem_offset(p + 5, NOFD, PG, &again, NULL) == 0 && again == off,
	   "the same after a store (NULL contig_len allowed)");
	ok(mem_offset(p, NOFD, 1, NULL, &contig) == 0 && contig == 1,
	   "contig_len is at most len (NULL offset allowed)");
	ok(mem_offset(p, NOFD, 16 * PG, &off, &contig) == 0 && contig >= PG && contig <= 16 * PG &&
	       contig % PG == 0,
	   "a 16-page range: contig_len whole pages, at least one");
	munmap(p, 16 * PG);
}

static void mem_offset_errors(void)
{
	char *p = map_anon(PG, PROT_READ | PROT_WRITE), *none = map_anon(PG, PROT_NONE);
	off_t off;

	ok(FAILS(mem_offset(p, 3, PG, &off, NULL), EINVAL), "fd other than NOFD: EINVAL");
	ok(FAILS(mem_offset((void *)0x1000, NOFD, PG, &off, NULL), EACCES),
	   "nothing mapped there: EACCES");
	ok(FAILS(mem_offset(none, NOFD, PG, &off, NULL), EACCES),
	   "PROT_NONE, never touched: EACCES");
	ok(FAILS(mem_offset(p, NOFD, PG, (off_t *)8, NULL), EFAULT),
	   "a bad result pointer: EFAULT");
	munmap(p, PG);
	ok(FAILS(mem_offset(p, NOFD, PG, &off, NULL), EACCES), "after munmap: EACCES");
	munmap(none, PG);
}

/* A private page shared copy-on-write after fork: mem_offset gives the child its own copy. */
static int child_offset(void *arg)
{
	char *p = arg;
	off_t off;

	if (mem_offset(p, NOFD, PG, &off, NULL) || (uint64_t)off != pagemap_pa(p))
		return 1;
	return p[0] == 'P' ? (int)(off != *(off_t *)(p + 8)) + 2 : 1;
}

static void mem_offset_cow(void)
{
	char *p = map_anon(PG, PROT_READ | PROT_WRITE);
	char *s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, NOFD, 0);
	off_t off, soff;

	p[0] = 'P';
	mem_offset(p, NOFD, PG, &off, NULL);
	memcpy(p + 8, &off, sizeof(off));
	ok(exited(in_child(child_offset, p), 3),
	   "after fork the child's private page has its own frame");
	ok(mem_offset(p, NOFD, PG, &soff, NULL) == 0 && soff == off,
	   "and the parent keeps its own");
	ok(mem_offset(s, NOFD, PG, &soff, NULL) == 0 && (uint64_t)soff == pagemap_pa(s),
	   "shared anonymous memory: the shared frame");
	munmap(p, PG);
	munmap(s, PG);
}

static void mem_offset_huge(void)
{
	char *h = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, NOFD, 0);
	off_t off;
	size_t contig;

	if (h == MAP_FAILED) {
		ok(0, "MAP_HUGETLB: %s", strerror(errno));
		return;
	}
	ok(mem_offset(h + 4096, NOFD, 2 << 20, &off, &contig) == 0 && contig == (2 << 20) - 4096 &&
	       off % (2 << 20) == 4096,
	   "a 2 MiB page is contiguous to its end");
	munmap(h, 2 << 20);
}

int main(void)
{
	tap_plan(NTESTS);
	probe_install();
	mem_offset_basics();
	mem_offset_errors();
	mem_offset_cow();
	mem_offset_huge();
	return tap_done();
}
