// SPDX-License-Identifier: MIT
/*
 * Maps what tests/integration/test_gva.c checks from the host after the
 * run, through libpagelab's walk of this process's page tables, and prints
 * the addresses: an ordinary page, PROT_NOCACHE pages (as mapped, after
 * mprotect, after a copy-on-write fault) and a MAP_PHYS|MAP_ANON buffer
 * with the physical address mem_offset() gives for it.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagelab/mman.h>

#define PG 4096

static char *map(int prot, int flags)
{
	char *p = mmap(NULL, PG, PROT_READ | PROT_WRITE | prot, flags, NOFD, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		_exit(1);
	}
	p[0] = 1;
	return p;
}

int main(void)
{
	char *normal = map(0, MAP_PRIVATE | MAP_ANONYMOUS);
	char *nocache = map(PROT_NOCACHE, MAP_PRIVATE | MAP_ANONYMOUS);
	char *reprotected = map(PROT_NOCACHE, MAP_PRIVATE | MAP_ANONYMOUS);
	char *cow = map(PROT_NOCACHE, MAP_PRIVATE | MAP_ANONYMOUS);
	char *contig = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON, NOFD, 0);
	off_t pa;
	pid_t pid;

	mprotect(reprotected, PG, PROT_READ);
	pid = fork(); /* cow is now copy-on-write in both */
	if (pid == 0) {
		cow[0] = 2;
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	cow[0] = 3; /* the parent's own copy: a new frame, a new PTE */
	if (contig == MAP_FAILED || mem_offset(contig, NOFD, 16 * PG, &pa, NULL)) {
		perror("contiguous");
		return 1;
	}
	for (int i = 0; i < 16; i++)
		contig[i * PG] = (char)i;
	printf("normal %p\nnocache %p\nreprotected %p\ncow %p\ncontig %p %#llx\n", (void *)normal,
	       (void *)nocache, (void *)reprotected, (void *)cow, (void *)contig,
	       (unsigned long long)pa);
	return 0;
}
