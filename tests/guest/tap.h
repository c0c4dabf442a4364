/* SPDX-License-Identifier: MIT */
/*
 * A few lines of TAP for the guest test programs. Each program runs
 * natively and in the sandbox, and the two stdout streams must match line
 * for line, so everything printed here is deterministic: descriptions and
 * facts, never pids, addresses or times.
 *
 * stdout is line-buffered so that nothing sits in a buffer that fork()
 * would duplicate or execve()/a fatal signal would lose.
 */
#ifndef PAGELAB_TAP_H
#define PAGELAB_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int tap_planned, tap_run, tap_failed;

static inline void tap_plan(int n)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_planned = n;
	printf("1..%d\n", n);
}

/* Continue a plan begun by an earlier image of this process (execve). */
static inline void tap_resume(int planned, int already_run)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_planned = planned;
	tap_run = already_run;
}

static inline bool __attribute__((format(printf, 2, 3))) ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	tap_run++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	return cond;
}

/* A comment line: extra facts that are the same natively and in the sandbox. */
static inline void __attribute__((format(printf, 1, 2))) diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/*
 * TAP lines a forked child prints count in the parent's plan: the child
 * leaves its counts in a shared page and the parent adds them when it
 * reaps the child.
 */
static struct {
	int run, failed;
} * tap_shared;
static int tap_child_started;

static inline pid_t tap_fork(void)
{
	pid_t pid;

	if (!tap_shared) {
		tap_shared = mmap(NULL, sizeof(*tap_shared), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (tap_shared == MAP_FAILED) {
			printf("Bail out! mmap for the child's counts failed\n");
			exit(1);
		}
	}
	/* Before the fork: a quick child may be done before the parent runs on. */
	tap_shared->run = tap_shared->failed = 0;
	pid = fork();
	if (pid == 0) {
		tap_child_started = tap_run;
		tap_failed = 0;
	}
	return pid;
}

/* In the child from tap_fork: hand the counts over and exit. */
static inline void __attribute__((noreturn)) tap_child_exit(void)
{
	tap_shared->run = tap_run - tap_child_started;
	tap_shared->failed = tap_failed;
	_exit(0);
}

/* In the parent: the child's counts, and a failure if it did not exit 0. */
static inline void tap_child_reaped(int status)
{
	tap_run += tap_shared->run;
	tap_failed += tap_shared->failed + !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* The exit status: 0 only when every planned test ran and passed. */
static inline int tap_done(void)
{
	if (tap_run != tap_planned) {
		printf("not ok %d - planned %d tests, ran %d\n", tap_run + 1, tap_planned, tap_run);
		return 1;
	}
	return tap_failed ? 1 : 0;
}

#endif
