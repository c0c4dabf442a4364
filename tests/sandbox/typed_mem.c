// SPDX-License-Identifier: MIT
/*
 * POSIX typed memory in the sandbox (TAP; Linux has none): the pools, the
 * three modes, get_info, and the errors; and QNX's shm_ctl(). tests/integration/test_physmem.c
 * runs it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pagelab/mman.h>

#include "../guest/mm_probe.h"

#define NTESTS 21

static long mem_free_kib(void)
{
	const char *m = strstr(slurp("/proc/meminfo"), "MemFree:");

	return m ? strtol(m + 8, NULL, 10) : -1;
}

static int open_as_nobody(void *arg)
{
	(void)arg;
	if (setuid(65534))
		return 9;
	return posix_typed_mem_open("/sysram", O_RDWR, 0) < 0 && errno == EACCES ? 0 : 1;
}

static void errors(void)
{
	struct posix_typed_mem_info info;

	ok(FAILS(posix_typed_mem_open("/nowhere", O_RDWR, 0), ENOENT), "an unknown pool: ENOENT");
	ok(FAILS(posix_typed_mem_open("/sysram", O_RDWR,
				      POSIX_TYPED_MEM_ALLOCATE | POSIX_TYPED_MEM_ALLOCATE_CONTIG),
		 EINVAL),
	   "both allocation flags: EINVAL");
	ok(FAILS(posix_typed_mem_open("/rom", O_RDWR, POSIX_TYPED_MEM_ALLOCATE), EINVAL),
	   "allocating from the ROM: EINVAL");
	ok(exited(in_child(open_as_nobody, NULL), 0), "not root: EACCES");
	ok(FAILS(posix_typed_mem_get_info(1, &info), ENODEV) &&
	       FAILS(posix_typed_mem_get_info(99, &info), EBADF),
	   "get_info of another file: ENODEV; of no file: EBADF");
}

static void modes(void)
{
	long before = mem_free_kib();
	struct posix_typed_mem_info info = { 0 };
	int rom = posix_typed_mem_open("/rom", O_RDONLY, POSIX_TYPED_MEM_MAP_ALLOCATABLE);
	int low = posix_typed_mem_open("/sysram/below16m", O_RDWR, POSIX_TYPED_MEM_ALLOCATE_CONTIG);
	int any = posix_typed_mem_open("/sysram", O_RDWR, POSIX_TYPED_MEM_ALLOCATE);
	char *r, *c, *a;
	size_t contig = 0;
	off_t pa = -1;
	int zero = 1;

	r = mmap(NULL, PG, PROT_READ, MAP_SHARED, rom, 0);
	ok(rom >= 0 && r != MAP_FAILED && memmem(r, 240, "pagelab", 7),
	   "/rom mapped at offset 0: the ROM");
	ok(posix_typed_mem_get_info(rom, &info) == 0 && info.posix_tmi_length == 65536,
	   "get_info of /rom: its 64 KiB");
	ok(posix_typed_mem_get_info(low, &info) == 0 && info.posix_tmi_length >= (64 << 10) &&
	       info.posix_tmi_length <= (16 << 20),
	   "get_info of /sysram/below16m, contiguous: the largest block, at most 16 MiB");
	c = mmap(NULL, 64 << 10, PROT_READ | PROT_WRITE, MAP_SHARED, low, 0);
	ok(c != MAP_FAILED && mem_offset(c, NOFD, 64 << 10, &pa, &contig) == 0 &&
	       contig == (64 << 10) && pa + (64 << 10) <= (16 << 20),
	   "ALLOCATE_CONTIG below 16 MiB: one block there");
	/* Within 1 MiB: reading /proc/meminfo takes a little memory itself. */
	{
		off_t off = -1;
		size_t len = 0;
		int fd = -2;

		ok(posix_mem_offset(c + 5, 64 << 10, &off, &len, &fd) == 0 && off == pa + 5 &&
		       len == (64 << 10) - 5 && fd == low,
		   "posix_mem_offset: the pool offset (physical in /sysram's), contiguity, the fd");
		ok(posix_mem_offset(r + 16, 1, &off, &len, &fd) == 0 && off == 16 && len == 1 &&
		       fd == rom,
		   "posix_mem_offset in /rom: offsets from the ROM's start");
		ok(FAILS(posix_mem_offset(&info, 1, &off, &len, &fd), EACCES),
		   "posix_mem_offset of memory that is not typed: EACCES");
	}
	ok(posix_typed_mem_get_info(any, &info) == 0 &&
	       labs((long)(info.posix_tmi_length / 1024) - mem_free_kib()) <= 1024,
	   "get_info of /sysram, ALLOCATE: what is free");
	a = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, any, 0);
	for (size_t i = 0; a != MAP_FAILED && i < 3 * PG; i++)
		zero &= a[i] == 0;
	ok(a != MAP_FAILED && zero, "ALLOCATE: zeroed pages");
	ok(strstr(slurp("/proc/self/maps"), "[typed memory]") != NULL,
	   "/proc/self/maps: [typed memory]");
	close(rom);
	{
		off_t off;
		size_t len;
		int fd = 5;

		ok(posix_mem_offset(r, 1, &off, &len, &fd) == 0 && fd == -1,
		   "posix_mem_offset after the descriptor was closed: fildes -1");
	}
	munmap(r, PG);
	munmap(c, 64 << 10);
	munmap(a, 3 * PG);
	close(low);
	close(any);
	ok(mem_free_kib() >= before - 8, "munmap and close give everything back");
}

static int shm_object(const char *name)
{
	int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);

	if (fd < 0)
		bail("shm_open");
	shm_unlink(name);
	return fd;
}

static void shm_ctl_calls(void)
{
	int lazy = shm_object("/lazy"), now = shm_object("/now"), bad = shm_object("/bad"), p[2];
	long before = mem_free_kib();

	ok(shm_ctl(lazy, SHMCTL_ANON | SHMCTL_LAZY, 0, 1 << 20) == 0 &&
	       mem_free_kib() >= before - 8,
	   "SHMCTL_ANON|SHMCTL_LAZY, 1 MiB: nothing allocated yet");
	ok(shm_ctl(now, SHMCTL_ANON, 0, 1 << 20) == 0 && mem_free_kib() <= before - 1024,
	   "SHMCTL_ANON, 1 MiB: allocated now");
	ok(FAILS(shm_ctl(now, SHMCTL_ANON, 0, 4096), EINVAL) &&
	       FAILS(shm_ctl(bad, SHMCTL_ANON | SHMCTL_PHYS | SHMCTL_LAZY, 0, 4096), EINVAL) &&
	       FAILS(shm_ctl(bad, SHMCTL_ANON, 0, 0), EINVAL) &&
	       FAILS(shm_ctl(bad, SHMCTL_ANON | SHMCTL_PHYS, 0x100000, 4096), EINVAL) &&
	       FAILS(shm_ctl(bad, SHMCTL_PHYS, 0, 4096), EINVAL),
	   "EINVAL: memory already, PHYS with LAZY, size 0, a paddr, no SHMCTL_ANON");
	ok(pipe(p) == 0 && FAILS(shm_ctl(p[0], SHMCTL_ANON, 0, 4096), EINVAL) &&
	       FAILS(shm_ctl(99, SHMCTL_ANON, 0, 4096), EBADF),
	   "a pipe: EINVAL; no file: EBADF");
	close(lazy);
	close(now);
	close(bad);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	tap_plan(NTESTS);
	probe_install();
	errors();
	modes();
	shm_ctl_calls();
	return tap_done();
}
