// SPDX-License-Identifier: MIT
/*
 * Preemption: a child spins forever without making a system call, and the
 * parent still wakes from a 50 ms sleep, kills it and reaps it. On a
 * single vCPU this passes only if the timer interrupt takes the CPU away
 * from user code that never yields.
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static volatile unsigned long spins;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(void)
{
	struct timespec fifty_ms = { 0, 50 * 1000 * 1000 };
	int status = 0, spinners = 2;
	pid_t pids[2];
	double t0, slept;

	tap_plan(5);
	for (int i = 0; i < spinners; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			for (;;)
				spins++;
	}
	ok(pids[0] > 0 && pids[1] > 0, "two children that spin forever");
	t0 = now();
	ok(nanosleep(&fifty_ms, NULL) == 0, "the parent's 50 ms sleep ends");
	slept = now() - t0;
	ok(slept >= 0.050, "after at least 50 ms");
	ok(kill(pids[0], SIGKILL) == 0 && kill(pids[1], SIGKILL) == 0, "SIGKILL both");
	for (int i = 0; i < spinners; i++) {
		waitpid(pids[i], &status, 0);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
			break;
	}
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	   "both were reaped, killed by SIGKILL");
	return tap_done();
}
