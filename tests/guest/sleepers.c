/*
 * Processes whose sleeps end close together, and a loop of faults that
 * must not starve the others.
 *
 * Two sleepers whose deadlines fall in one timer tick used to lose one of
 * them: the tick made both runnable while the CPU idled on the first one's
 * stack, ran the second and never queued the first again, so the kernel
 * reported a deadlock. A process that faults and returns from its handler
 * to the faulting instruction over and over spends nearly all its time in
 * the kernel; the timer must still preempt it, or its parent never wakes.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static pid_t sleeper(long ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		sleep_ms(ms);
		_exit(0);
	}
	return pid;
}

static bool exited_zero(pid_t pid)
{
	int st;

	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Pairs of sleepers a few milliseconds apart, the parent waiting on both. */
static bool close_deadlines(void)
{
	bool all = true;

	for (long gap = 0; gap < 12; gap++) {
		pid_t a = sleeper(3), b = sleeper(3 + gap);

		all &= exited_zero(a) & exited_zero(b);
	}
	return all;
}

/* The parent sleeps too, with a deadline between its children's. */
static bool parent_sleeps_between(void)
{
	bool all = true;

	for (long gap = 1; gap < 8; gap++) {
		pid_t a = sleeper(2), b = sleeper(2 + 2 * gap);

		sleep_ms(2 + gap);
		all &= exited_zero(a) & exited_zero(b);
	}
	return all;
}

static volatile int *fault_page;

static void skip_nothing(int sig)
{
	(void)sig; /* return to the faulting store: it faults again */
}

/* Faults forever, returning from its handler each time. */
static void fault_loop(void)
{
	struct sigaction sa = { .sa_handler = skip_nothing };

	sigaction(SIGSEGV, &sa, NULL);
	fault_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	for (;;)
		*fault_page = 1;
}

static bool faulter_does_not_starve_parent(void)
{
	struct timespec t0, t1;
	pid_t pid = fork();
	int st;

	if (pid == 0)
		fault_loop();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sleep_ms(200);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	kill(pid, SIGKILL);
	return waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL &&
	       t1.tv_sec - t0.tv_sec < 30;
}

int main(void)
{
	tap_plan(3);
	ok(close_deadlines(), "twelve pairs of sleepers 0-11 ms apart all wake and exit");
	ok(parent_sleeps_between(), "a sleeping parent and two sleeping children all wake");
	ok(faulter_does_not_starve_parent(),
	   "a child looping through a fault handler does not keep its parent asleep");
	return tap_done();
}
