// SPDX-License-Identifier: MIT
/*
 * 4.4BSD's MAP_INHERIT: a region survives execve (tests/integration/test_physmem.c).
 *   map_inherit          maps a MAP_INHERIT region (private and shared) and an
 *                        ordinary one, writes to them and execs itself with
 *                        their addresses
 *   map_inherit check A S O   the new program: A and S hold the data, O is gone
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pagelab/mman.h>

#include "../guest/mm_probe.h"

static int check(char **argv)
{
	char *a = (char *)strtoul(argv[2], NULL, 16), *s = (char *)strtoul(argv[3], NULL, 16);
	char *o = (char *)strtoul(argv[4], NULL, 16);

	probe_install();
	printf("private MAP_INHERIT region: %s\n",
	       probe(a, 0) == 0 && !strcmp(a, "private data") ? "kept" : "lost");
	printf("shared MAP_INHERIT region: %s\n",
	       probe(s, 0) == 0 && !strcmp(s, "shared data") ? "kept" : "lost");
	printf("ordinary region: %s\n", probe(o, 0) == SIGSEGV ? "gone" : "still there");
	printf("maps lists the kept one: %s\n",
	       strstr(slurp("/proc/self/maps"), argv[2]) ? "yes" : "no");
	return 0;
}

int main(int argc, char **argv)
{
	char *a, *s, *o, aa[32], sa[32], oa[32];

	if (argc == 5 && !strcmp(argv[1], "check"))
		return check(argv);
	a = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_INHERIT, NOFD,
		 0);
	s = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_INHERIT, NOFD,
		 0);
	o = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NOFD, 0);
	if (a == MAP_FAILED || s == MAP_FAILED || o == MAP_FAILED)
		bail("mmap");
	strcpy(a, "private data");
	strcpy(s, "shared data");
	strcpy(o, "ordinary data");
	snprintf(aa, sizeof(aa), "%lx", (unsigned long)a);
	snprintf(sa, sizeof(sa), "%lx", (unsigned long)s);
	snprintf(oa, sizeof(oa), "%lx", (unsigned long)o);
	fflush(stdout);
	execl("/proc/self/exe", argv[0], "check", aa, sa, oa, (char *)NULL);
	execl(argv[0], argv[0], "check", aa, sa, oa, (char *)NULL);
	bail("execl");
}
