// SPDX-License-Identifier: MIT
/*
 * tlb_probe: what memory operations cost in the kernel's own counters
 * (/proc/vmstat: pgfault, pgfault_spurious, nr_tlb_local_flush_one/all),
 * one line per operation, "NAME faults F spurious S one O all A", for
 * tests/integration/test_speed.c. Each operation is done once on memory
 * prepared beforehand, so the counts are the operation's alone.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG 4096UL

struct counts {
	unsigned long fault, spurious, one, all;
};

static unsigned long stat_of(const char *text, const char *key)
{
	const char *at = strstr(text, key);

	return at ? strtoul(at + strlen(key), NULL, 10) : ~0UL;
}

static struct counts now(void)
{
	char text[1024];
	int fd = open("/proc/vmstat", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);

	if (n <= 0) {
		perror("tlb_probe: /proc/vmstat");
		exit(1);
	}
	close(fd);
	text[n] = 0;
	return (struct counts){ stat_of(text, "pgfault "), stat_of(text, "pgfault_spurious "),
				stat_of(text, "nr_tlb_local_flush_one "),
				stat_of(text, "nr_tlb_local_flush_all ") };
}

static struct counts mark;

static void since(const char *name)
{
	struct counts c = now();

	printf("%s faults %lu spurious %lu one %lu all %lu\n", name, c.fault - mark.fault,
	       c.spurious - mark.spurious, c.one - mark.one, c.all - mark.all);
	fflush(stdout);
}

static char *touched(size_t pages)
{
	char *p =
	    mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("tlb_probe: mmap");
		exit(1);
	}
	for (size_t i = 0; i < pages; i++)
		p[i * PG] = 1;
	return p;
}

static void protect(char *p, size_t len, int prot)
{
	if (mprotect(p, len, prot)) {
		perror("tlb_probe: mprotect");
		exit(1);
	}
}

int main(void)
{
	char *p = touched(64), *f;
	volatile char sink;
	int status;
	pid_t pid;

	protect(p, PG, PROT_READ);
	mark = now();
	protect(p, PG, PROT_READ | PROT_WRITE);
	since("mprotect_upgrade");
	mark = now();
	p[0] = 2;
	since("store_after_upgrade");
	mark = now();
	protect(p, PG, PROT_READ);
	since("mprotect_downgrade_1");
	mark = now();
	protect(p, 4 * PG, PROT_READ); /* the first page is read-only already */
	since("mprotect_downgrade_4");
	mark = now();
	protect(p, 64 * PG, PROT_READ);
	since("mprotect_downgrade_64");
	protect(p, 64 * PG, PROT_READ | PROT_WRITE);
	mark = now();
	pid = fork();
	if (pid == 0) {
		mark = now();
		p[PG] = 3; /* a copy: the parent holds the frame too */
		since("cow_copy");
		_exit(0);
	}
	since("fork_64_pages");
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status)
		return 1;
	mark = now();
	p[2 * PG] = 3; /* the child is gone: the last reference, no copy */
	since("cow_last_reference");
	f = mmap(NULL, 32 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (f == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < 32; i++)
		f[i * PG] = 1;
	madvise(f, 32 * PG, MADV_DONTNEED);
	mark = now();
	for (size_t i = 0; i < 32; i++)
		sink = f[i * PG];
	(void)sink;
	since("read_32_cached_pages");
	return 0;
}
