/*
 * Hostile register values on every way back to user mode: a signal
 * handler in the kernel's half or at a non-canonical address, and a
 * sigreturn whose saved %rip points there. Each kills the process with
 * SIGSEGV, natively and in the sandbox; none may run anything with kernel
 * privilege.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>

#include "tap.h"

#define KERNEL_TEXT  0xffffffff80100000ULL
#define NONCANONICAL 0x8000000000000000ULL

static uint64_t new_rip;

static void rewrite_rip(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	(void)si;
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)new_rip;
}

/* Runs body in a child and returns its wait status. */
static int in_child(void (*body)(uint64_t), uint64_t arg)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		body(arg);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return st;
}

static void handler_at(uint64_t addr)
{
	struct sigaction sa = { .sa_handler = (void (*)(int))addr };

	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
}

static void sigreturn_to(uint64_t addr)
{
	struct sigaction sa = { .sa_sigaction = rewrite_rip, .sa_flags = SA_SIGINFO };

	new_rip = addr;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
}

static void exit_42(int sig)
{
	(void)sig;
	_exit(42);
}

/* rt_sigreturn with %rsp at an unmapped page: a SIGSEGV the process catches. */
static void sigreturn_bad_frame(uint64_t unused)
{
	static char alt[64 * 1024];
	stack_t ss = { .ss_sp = alt, .ss_size = sizeof(alt) };
	struct sigaction sa = { .sa_handler = exit_42, .sa_flags = SA_ONSTACK };
	void *bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)unused;
	sigaltstack(&ss, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	asm volatile("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall" : : "r"(bad) : "memory");
}

static bool segv(int st)
{
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

int main(void)
{
	int st;

	tap_plan(5);
	ok(segv(in_child(handler_at, KERNEL_TEXT)), "a handler in kernel text: SIGSEGV");
	ok(segv(in_child(handler_at, NONCANONICAL)), "a non-canonical handler: SIGSEGV");
	ok(segv(in_child(sigreturn_to, KERNEL_TEXT)), "sigreturn to kernel text: SIGSEGV");
	ok(segv(in_child(sigreturn_to, NONCANONICAL)), "sigreturn to a non-canonical rip: SIGSEGV");
	st = in_child(sigreturn_bad_frame, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 42,
	   "rt_sigreturn from an unreadable frame: a SIGSEGV its handler catches");
	return tap_done();
}
