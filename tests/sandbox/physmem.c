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
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagelab/mman.h>

#include "../guest/mm_probe.h"

#define NTESTS 52

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

/* MemFree of /proc/meminfo, in KiB. */
static long mem_free_kib(void)
{
	const char *m = strstr(slurp("/proc/meminfo"), "MemFree:");

	return m ? strtol(m + 8, NULL, 10) : -1;
}

static void map_phys_regions(void)
{
	char *rom = mmap(NULL, 4096, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, 0xf0000);
	char *vga = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_SHARED, NOFD, 0xb8000);
	char *again;

	ok(rom != MAP_FAILED && memmem(rom, 240, "pagelab", 7),
	   "MAP_PHYS of the ROM at 0xF0000: it names pagelab in its first 240 bytes");
	ok(vga != MAP_FAILED, "MAP_PHYS of the VGA text buffer at 0xB8000");
	if (vga == MAP_FAILED)
		return;
	vga[0] = 'Q';
	vga[1] = 0x07;
	again = mmap(NULL, 4096, PROT_READ, MAP_PHYS | MAP_PRIVATE, NOFD, 0xb8000);
	ok(again != MAP_FAILED && again[0] == 'Q',
	   "a second mapping of the same address aliases the first (MAP_PRIVATE too)");
	ok(strstr(slurp("/proc/self/maps"), " 000b8000 00:00 0 ") &&
	       strstr(slurp("/proc/self/maps"), "[phys]"),
	   "/proc/self/maps: [phys], the physical address as the offset");
	munmap(again, 4096);
	munmap(vga, 4096);
	munmap(rom, 4096);
}

/* RAM through MAP_PHYS: the frame behind an ordinary page, in this process and a child. */
static int child_writes_alias(void *arg)
{
	off_t pa = *(off_t *)arg;
	char *alias = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_SHARED, NOFD, pa);

	if (alias == MAP_FAILED)
		return 1;
	strcpy(alias + 100, "from the child");
	return 0;
}

static void map_phys_ram(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, NOFD, 0);
	char *alias;
	off_t pa;

	strcpy(p, "ordinary page");
	mem_offset(p, NOFD, 4096, &pa, NULL);
	alias = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_SHARED, NOFD, pa);
	ok(alias != MAP_FAILED && !strcmp(alias, "ordinary page"),
	   "MAP_PHYS of a RAM page's address shows that page");
	ok(exited(in_child(child_writes_alias, &pa), 0) && !strcmp(p + 100, "from the child"),
	   "a child's MAP_PHYS mapping of it aliases it too");
	munmap(alias, 4096);
	munmap(p, 4096);
}

static int as_nobody(void *arg)
{
	(void)arg;
	if (setuid(65534))
		return 9;
	return mmap(NULL, 4096, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, 0xf0000) == MAP_FAILED &&
		       errno == EPERM
		   ? 0
		   : 1;
}

static int open_mem_as_nobody(void *arg)
{
	(void)arg;
	if (setuid(65534))
		return 9;
	return open("/dev/mem", O_RDONLY) < 0 && errno == EPERM ? 0 : 1;
}

/* Linux's way to the same memory: mmap of /dev/mem at the physical address. */
static void dev_mem(void)
{
	int fd = open("/dev/mem", O_RDWR);
	char *rom, *vga, *phys;

	ok(fd >= 0, "root opens /dev/mem");
	rom = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0xf0000);
	ok(rom != MAP_FAILED && memmem(rom, 240, "pagelab", 7),
	   "mmap of /dev/mem at 0xF0000: the ROM");
	vga = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0xb8000);
	phys = mmap(NULL, 4096, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, 0xb8000);
	if (vga != MAP_FAILED)
		vga[160] = 'M';
	ok(vga != MAP_FAILED && phys != MAP_FAILED && phys[160] == 'M',
	   "it aliases a MAP_PHYS mapping of the same address");
	ok(FAILS(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0xc0000), ENXIO) &&
	       FAILS(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0xb8000), EACCES),
	   "a hole: ENXIO; a private writable copy of physical memory: EACCES");
	ok(exited(in_child(open_mem_as_nobody, NULL), 0), "not root: open gives EPERM");
	munmap(rom, 4096);
	munmap(vga, 4096);
	munmap(phys, 4096);
	close(fd);
}

static void map_phys_errors(void)
{
	long before = mem_free_kib();

	ok(FAILS(mmap(NULL, 4096, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, 0xf0001), EINVAL),
	   "an unaligned physical address: EINVAL");
	ok(FAILS(mmap(NULL, 4096, PROT_READ, MAP_PHYS | MAP_SHARED, 0, 0xf0000), EINVAL),
	   "an fd other than NOFD: EINVAL");
	ok(FAILS(mmap(NULL, 4096, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, 0xc0000), ENXIO),
	   "the hole at 0xC0000: ENXIO");
	ok(FAILS(mmap(NULL, 0x20000, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, 0xa0000 + 0x10000),
		 ENXIO),
	   "a range that runs from VGA memory into the hole: ENXIO");
	ok(FAILS(mmap(NULL, 4096, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, 0x40000000), ENXIO),
	   "past the top of RAM: ENXIO");
	ok(FAILS(mmap(NULL, 4096, PROT_READ, MAP_PHYS | MAP_SHARED, NOFD, -4096), ENXIO),
	   "a range that wraps: ENXIO");
	ok(FAILS(mmap(NULL, 4096, PROT_READ, MAP_PHYS | (MAP_SHARED_VALIDATE + 4), NOFD, 0xf0000),
		 EINVAL),
	   "an unknown mapping type: EINVAL");
	ok(FAILS(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_BELOW16M, NOFD, 0),
		 EINVAL),
	   "MAP_BELOW16M without MAP_PHYS: EINVAL");
	ok(FAILS(mmap(NULL, 4096, PROT_READ, MAP_PHYS | MAP_SHARED | MAP_NOX64K, NOFD, 0xf0000),
		 EINVAL),
	   "MAP_NOX64K without MAP_ANON: EINVAL");
	ok(FAILS(mmap(NULL, 1UL << 40, PROT_READ, MAP_PHYS | MAP_ANONYMOUS, NOFD, 0), ENOMEM),
	   "a contiguous block larger than RAM: ENOMEM");
	ok(exited(in_child(as_nobody, NULL), 0), "not root: EPERM");
	ok(mem_free_kib() == before, "nothing above changed free memory");
}

static void map_phys_anon(void)
{
	long before = mem_free_kib();
	size_t len = 256 << 10, contig = 0;
	char *buf =
	    mmap(NULL, len, PROT_READ | PROT_WRITE | PROT_NOCACHE, MAP_PHYS | MAP_ANON, NOFD, 0);
	char *low, *small, *big;
	off_t pa = -1, pa2 = -2;
	char line[80];
	int zero = 1;

	ok(buf != MAP_FAILED, "MAP_PHYS|MAP_ANON, 256 KiB, PROT_NOCACHE (QNX's DMA example)");
	if (buf == MAP_FAILED)
		return;
	for (size_t i = 0; i < len; i++)
		zero &= buf[i] == 0;
	ok(zero, "zero-filled");
	ok(mem_offset(buf, NOFD, len, &pa, &contig) == 0 && contig == len,
	   "physically contiguous: mem_offset's contig_len is all of it");
	memset(buf, 0x5a, len);
	ok(mem_offset(buf + len - 1, NOFD, 1, &pa2, NULL) == 0 && pa2 == pa + (off_t)len - 1,
	   "the same frames after stores to every page");
	ok(mprotect(buf, len, PROT_READ) == 0 && buf[7] == 0x5a,
	   "mprotect keeps it (and PROT_NOCACHE)");
	ok(strstr(slurp("/proc/self/maps"), "[phys contiguous]") != NULL,
	   "/proc/self/maps: [phys contiguous]");
	mem_offset(buf, NOFD, len, &pa, NULL);
	snprintf(line, sizeof(line), "contiguous 0x%016llx-0x%016llx 256 KiB\n",
		 (unsigned long long)pa, (unsigned long long)pa + len - 1);
	ok(strstr(slurp("/proc/pagelab/physmap"), line) != NULL,
	   "/proc/pagelab/physmap lists the block at its physical address");
	ok(strstr(slurp("/proc/pagelab/physmap"), "0x00000000000f0000 0x00000000000fffff rom") !=
	       NULL,
	   "and the map: the ROM at 0xF0000");
	low = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON | MAP_BELOW16M, NOFD, 0);
	ok(low != MAP_FAILED && mem_offset(low, NOFD, len, &pa, &contig) == 0 &&
	       pa + (off_t)len <= (16 << 20) && contig == len,
	   "MAP_BELOW16M: contiguous below 16 MiB");
	small =
	    mmap(NULL, 40 << 10, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON | MAP_NOX64K, NOFD, 0);
	ok(small != MAP_FAILED && mem_offset(small, NOFD, 40 << 10, &pa, NULL) == 0 &&
	       pa / 65536 == (pa + (40 << 10) - 1) / 65536,
	   "MAP_NOX64K, 40 KiB: does not cross a 64 KiB boundary");
	big =
	    mmap(NULL, 96 << 10, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON | MAP_NOX64K, NOFD, 0);
	ok(big != MAP_FAILED && mem_offset(big, NOFD, 4096, &pa, NULL) == 0 && pa % 65536 == 0,
	   "MAP_NOX64K, 96 KiB: starts on a 64 KiB boundary");
	munmap(big, 96 << 10);
	munmap(small, 40 << 10);
	munmap(low, len);
	munmap(buf, len);
	ok(mem_free_kib() == before, "munmap gives every block back");
	ok(strstr(slurp("/proc/pagelab/physmap"), line) == NULL, "and physmap no longer lists it");
}

int main(void)
{
	tap_plan(NTESTS);
	probe_install();
	mem_offset_basics();
	mem_offset_errors();
	mem_offset_cow();
	mem_offset_huge();
	map_phys_regions();
	map_phys_ram();
	dev_mem();
	map_phys_errors();
	map_phys_anon();
	return tap_done();
}
