// SPDX-License-Identifier: MIT
/*
 * Death by signal: the run must end as the shell reports it, 128 + the
 * signal number. signal_death KIND where KIND is
 *   segv   raise(SIGSEGV)                        -> 139
 *   abort  abort()                               -> 134
 *   fault  a store through a null pointer        -> 139 (a real page fault)
 *   ud2    an invalid instruction                -> 132 (SIGILL)
 *   div    integer division by zero              -> 136 (SIGFPE)
 *   term   kill(getpid(), SIGTERM)               -> 143
 *   kill   kill(getpid(), SIGKILL)               -> 137
 *   caught a load from 0x1008 that its SIGSEGV handler survives, then a
 *          store to 0x2010 with the default action -> 139
 */
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

static volatile int zero;
static int *volatile null_ptr;

/* In assembly: the compiler would turn a C division by a constant 1 into a test. */
static void divide_by_zero(void)
{
	int q;

	__asm__ volatile("cltd; idivl %1" : "=a"(q) : "r"(zero), "a"(1) : "rdx");
	printf("# quotient %d\n", q);
}

static sigjmp_buf caught_env;

static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	printf("# caught signal %d code %d at %p\n", sig, si->si_code, si->si_addr);
	siglongjmp(caught_env, 1);
}

/* Below any mapping (vm.mmap_min_addr): unmapped here and in the sandbox. */
static void fault_caught_then_fatal(void)
{
	struct sigaction sa = { .sa_sigaction = on_segv, .sa_flags = SA_SIGINFO };

	sigaction(SIGSEGV, &sa, NULL);
	if (!sigsetjmp(caught_env, 1))
		printf("# read %d\n", *(volatile int *)0x1008);
	signal(SIGSEGV, SIG_DFL);
	fflush(stdout);
	*(volatile int *)0x2010 = 1;
}

static void die(const char *kind)
{
	if (!strcmp(kind, "segv"))
		raise(SIGSEGV);
	else if (!strcmp(kind, "abort"))
		abort();
	else if (!strcmp(kind, "fault"))
		*null_ptr = 1;
	else if (!strcmp(kind, "ud2"))
		__asm__ volatile("ud2");
	else if (!strcmp(kind, "div"))
		divide_by_zero();
	else if (!strcmp(kind, "term"))
		kill(getpid(), SIGTERM);
	else if (!strcmp(kind, "kill"))
		kill(getpid(), SIGKILL);
	else if (!strcmp(kind, "caught"))
		fault_caught_then_fatal();
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "";

	tap_plan(1);
	ok(argc > 1, "about to die by %s", kind);
	fflush(stdout);
	die(kind);
	/* Still here: the signal did not kill us. */
	printf("# still alive after %s\n", kind);
	return 1;
}
