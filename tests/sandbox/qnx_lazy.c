// SPDX-License-Identifier: MIT
/*
 * QNX's MAP_LAZY and MAP_NOINIT in the sandbox (tests/integration/test_physmem.c):
 *
 *   qnx_lazy lazy    in a small guest: 1 GiB MAP_LAZY is mapped (the same
 *                    without it is ENOMEM), touching it ends in SIGBUS with
 *                    BUS_ADRERR at the touched address, the kernel lives on,
 *                    and after munmap the memory is there again
 *   qnx_lazy noinit  a page filled and freed comes back in a MAP_NOINIT
 *                    mapping: prints how many of 256 pages kept the old data
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pagelab/mman.h>

#define PG     4096UL
#define GIB    (1UL << 30)
#define NPAGES 256

static sigjmp_buf env;
/* Globals: what a siglongjmp returns to must not live in registers. */
static volatile char *volatile last;
static volatile size_t touched;
static volatile void *bus_addr;
static volatile int bus_code;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	bus_addr = si->si_addr;
	bus_code = si->si_code;
	siglongjmp(env, 1);
}

static int lazy(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	volatile char *p;
	char *again;

	if (mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NOFD, 0) !=
	    MAP_FAILED) {
		puts("1 GiB without MAP_LAZY was mapped");
		return 1;
	}
	p = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LAZY, NOFD,
		 0);
	if (p == MAP_FAILED) {
		perror("MAP_LAZY");
		return 1;
	}
	puts("1 GiB MAP_LAZY: mapped");
	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(env, 1) == 0) {
		for (touched = 0; touched < GIB / PG; touched = touched + 1) {
			last = p + touched * PG + 123;
			*last = 1;
		}
		puts("every page was had: no SIGBUS");
		return 1;
	}
	printf("SIGBUS %s at the touched address: %s\n",
	       bus_code == BUS_ADRERR ? "BUS_ADRERR" : "with another code",
	       bus_addr == last ? "yes" : "no");
	printf("pages had before it: %s\n", touched > 1000 ? "many" : "few");
	munmap((void *)p, GIB);
	again = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, NOFD, 0);
	printf("after munmap, 16 MiB with MAP_POPULATE: %s\n", again == MAP_FAILED ? "no" : "yes");
	return 0;
}

static int noinit(void)
{
	char *p =
	    mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, NOFD, 0);
	int kept = 0;

	memset(p, 0xa5, NPAGES * PG);
	munmap(p, NPAGES * PG);
	p = mmap(NULL, NPAGES * PG, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NOINIT, NOFD, 0);
	if (p == MAP_FAILED) {
		perror("MAP_NOINIT");
		return 1;
	}
	for (int i = 0; i < NPAGES; i++)
		kept += (unsigned char)p[i * PG + 99] == 0xa5;
	printf("pages with old data: %s\n", kept == 0		? "none"
					    : kept > NPAGES / 2 ? "most"
								: "some");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "lazy"))
		return lazy();
	if (argc == 2 && !strcmp(argv[1], "noinit"))
		return noinit();
	fprintf(stderr, "usage: qnx_lazy lazy|noinit\n");
	return 2;
}
