/*
 * FS and GS bases that user code sets itself with wrfsbase/wrgsbase (Linux
 * allows it where the CPU has FSGSBASE and says so in AT_HWCAP2) belong to
 * the process: they survive context switches, do not leak into another
 * process, and arch_prctl reads the values the instructions wrote.
 */
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define HWCAP2_FSGSBASE (1 << 1)
#define ARCH_GET_GS	0x1004 /* asm/prctl.h, which musl does not ship */

static inline uint64_t rdgsbase(void)
{
	uint64_t v;

	asm volatile("rdgsbase %0" : "=r"(v));
	return v;
}

static inline void wrgsbase(uint64_t v)
{
	asm volatile("wrgsbase %0" : : "r"(v));
}

/* A raw sched_yield: libc must not run while FS points elsewhere. */
static inline void raw_yield(void)
{
	long nr = SYS_sched_yield;

	asm volatile("syscall" : "+a"(nr) : : "rcx", "r11", "memory");
}

/*
 * Sets FS to a value of its own around raw yields, with no libc call in
 * between, and reports whether it was kept.
 */
static bool fs_kept_across_yields(uint64_t mine)
{
	uint64_t saved, seen = 0;
	bool kept = true;

	asm volatile("rdfsbase %0" : "=r"(saved));
	asm volatile("wrfsbase %0" : : "r"(mine));
	for (int i = 0; i < 200 && kept; i++) {
		raw_yield();
		asm volatile("rdfsbase %0" : "=r"(seen));
		kept = seen == mine;
	}
	asm volatile("wrfsbase %0" : : "r"(saved));
	return kept;
}

static bool gs_kept_across_yields(uint64_t mine)
{
	bool kept = true;

	wrgsbase(mine);
	for (int i = 0; i < 200 && kept; i++) {
		raw_yield();
		kept = rdgsbase() == mine;
	}
	return kept;
}

/* Plain system calls and timer interrupts leave the GS base alone. */
static bool gs_kept_across_syscalls_and_ticks(void)
{
	struct timespec t0, t;
	bool kept = true;

	wrgsbase(0x7777000);
	for (int i = 0; i < 100 && kept; i++)
		kept = getppid() >= 0 && rdgsbase() == 0x7777000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		kept &= rdgsbase() == 0x7777000;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (kept && (t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec < 50000000L);
	return kept;
}

/* Two processes, each with its own bases, yielding to each other. */
static bool bases_are_per_process(void)
{
	pid_t child = fork();
	bool mine;
	int st;

	if (child == 0)
		_exit(gs_kept_across_yields(0x2222000) && fs_kept_across_yields(0x3333000) ? 0 : 1);
	mine = gs_kept_across_yields(0x1111000) && fs_kept_across_yields(0x4444000);
	return waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0 && mine;
}

static bool arch_prctl_sees_wrgsbase(void)
{
	uint64_t got = 0;

	wrgsbase(0x5555000);
	return syscall(SYS_arch_prctl, ARCH_GET_GS, &got) == 0 && got == 0x5555000;
}

static bool child_inherits_gs(void)
{
	pid_t child;
	int st;

	wrgsbase(0x6666000);
	child = fork();
	if (child == 0)
		_exit(rdgsbase() == 0x6666000 ? 0 : 1);
	return waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(void)
{
	bool usable = getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE;

	tap_plan(5);
	ok(usable, "AT_HWCAP2 says FSGSBASE is usable");
	if (!usable) {
		/* No FSGSBASE on this CPU: natively too, so both sides print this. */
		for (int i = 0; i < 4; i++)
			ok(true, "# SKIP no FSGSBASE");
		return tap_done();
	}
	ok(gs_kept_across_syscalls_and_ticks(),
	   "the GS base survives system calls and 50 ms of timer interrupts");
	ok(bases_are_per_process(), "each process keeps its own FS and GS base across switches");
	ok(arch_prctl_sees_wrgsbase(), "arch_prctl(ARCH_GET_GS) reads what wrgsbase wrote");
	ok(child_inherits_gs(), "fork copies the GS base wrgsbase set");
	return tap_done();
}
