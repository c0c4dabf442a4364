/*
 * The alternate signal stack: handlers run on it, and a handler that keeps
 * faulting on it (SA_NODEFER) runs out of it. Linux then kills the process
 * with SIGSEGV instead of starting again at the stack's top, where the
 * frames in use are.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define ALT_SIZE (64 * 1024)

static char *alt;
static volatile int *no_access;
static volatile bool ran_on_alt;

static bool on_alt(const void *p)
{
	return (const char *)p >= alt && (const char *)p < alt + ALT_SIZE;
}

static void note_stack(int sig)
{
	int here;

	(void)sig;
	ran_on_alt = on_alt(&here);
}

static void fault_again(int sig)
{
	(void)sig;
	*no_access = 1;
}

static void use_alt_stack(void (*handler)(int), int flags)
{
	stack_t ss = { .ss_sp = alt, .ss_size = ALT_SIZE };
	struct sigaction sa = { .sa_handler = handler, .sa_flags = SA_ONSTACK | flags };

	sigaltstack(&ss, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
}

static int child_status(void (*body)(void))
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		body();
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return st;
}

static void faulting_handler(void)
{
	use_alt_stack(fault_again, SA_NODEFER);
	*no_access = 1;
	_exit(1);
}

int main(void)
{
	int st;

	tap_plan(2);
	alt = malloc(ALT_SIZE);
	no_access = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	use_alt_stack(note_stack, 0);
	raise(SIGUSR1);
	ok(ran_on_alt, "a SA_ONSTACK handler runs on the alternate stack");
	st = child_status(faulting_handler);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
	   "a handler that faults on the alternate stack until it is full: killed by SIGSEGV");
	return tap_done();
}
