/*
 * CPU-time clocks: CLOCK_PROCESS_CPUTIME_ID stands still while the
 * process sleeps and runs while it spins; getrusage and times report a
 * reaped child's CPU time, and so does wait4; time spent in the kernel is system time, in
 * user mode user time, and ITIMER_VIRTUAL counts only the latter.
 *
 * Only what holds on a busy machine is asserted: spinning is measured by
 * the CPU clock itself (spin until it has advanced), never by how much
 * CPU a stretch of wall time happened to get.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static double seconds(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Spins until this process has used s seconds of CPU (or 30 s have passed). */
static double spin_cpu(double s)
{
	double start = seconds(CLOCK_PROCESS_CPUTIME_ID);
	double give_up = seconds(CLOCK_MONOTONIC) + 30;

	while (seconds(CLOCK_PROCESS_CPUTIME_ID) - start < s && seconds(CLOCK_MONOTONIC) < give_up)
		;
	return seconds(CLOCK_PROCESS_CPUTIME_ID) - start;
}

static double tv_seconds(struct timeval tv)
{
	return tv.tv_sec + tv.tv_usec / 1e6;
}

static void user_sys(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = tv_seconds(ru.ru_utime);
	*sys = tv_seconds(ru.ru_stime);
}

/*
 * Kernel work: 64 MiB populated (the kernel zeroes every page) and
 * unmapped, until the system time has grown by s seconds (or 30 s passed).
 */
static void kernel_work(double s)
{
	double user, sys0, sys, give_up = seconds(CLOCK_MONOTONIC) + 30;

	user_sys(&user, &sys0);
	do {
		size_t len = 64 << 20;
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

		if (p != MAP_FAILED)
			munmap(p, len);
		user_sys(&user, &sys);
	} while (sys - sys0 < s && seconds(CLOCK_MONOTONIC) < give_up);
}

static double itimer_left(int which)
{
	struct itimerval v;

	getitimer(which, &v);
	return tv_seconds(v.it_value);
}

/* Like spin_cpu, but a million additions between two looks at the clock (a syscall). */
static void spin_user(double s)
{
	double start = seconds(CLOCK_PROCESS_CPUTIME_ID);
	double give_up = seconds(CLOCK_MONOTONIC) + 30;
	volatile unsigned long sum = 0;

	do {
		for (int i = 0; i < 1000000; i++)
			sum += i;
	} while (seconds(CLOCK_PROCESS_CPUTIME_ID) - start < s &&
		 seconds(CLOCK_MONOTONIC) < give_up);
}

/* User time and system time, each counted where it was spent. */
static void test_user_and_system(void)
{
	struct itimerval ten = { { 0, 0 }, { 10, 0 } };
	double u0, s0, u1, s1, virt, prof;

	user_sys(&u0, &s0);
	spin_user(0.2);
	user_sys(&u1, &s1);
	ok(u1 - u0 >= 0.1 && u1 - u0 > s1 - s0, "spinning in user mode is user time");
	setitimer(ITIMER_VIRTUAL, &ten, NULL);
	setitimer(ITIMER_PROF, &ten, NULL);
	user_sys(&u0, &s0);
	kernel_work(0.2);
	user_sys(&u1, &s1);
	virt = 10 - itimer_left(ITIMER_VIRTUAL);
	prof = 10 - itimer_left(ITIMER_PROF);
	ok(s1 - s0 >= 0.2 && s1 - s0 > u1 - u0,
	   "zeroing pages for MAP_POPULATE is system time (getrusage's ru_stime)");
	ok(prof - virt >= 0.1, "ITIMER_PROF counts it, ITIMER_VIRTUAL does not");
	setitimer(ITIMER_VIRTUAL, &(struct itimerval){ 0 }, NULL);
	setitimer(ITIMER_PROF, &(struct itimerval){ 0 }, NULL);
}

int main(void)
{
	double c0, c1, w0, used, w1;
	struct rusage ru, wru;
	struct tms t;
	pid_t child;

	tap_plan(8);
	/*
	 * The little CPU time the process uses around its sleep can look long
	 * when a busy host takes the CPU from the sandbox while the process
	 * runs: measure again (up to 10 times). A kernel that counts the sleep
	 * counts it each time.
	 */
	for (int try = 1;; try++) {
		c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
		usleep(100000);
		c1 = seconds(CLOCK_PROCESS_CPUTIME_ID);
		if (c1 - c0 < 0.02 || try == 10)
			break;
	}
	ok(c1 - c0 < 0.02, "sleeping 100 ms uses (almost) no CPU time");
	w0 = seconds(CLOCK_MONOTONIC);
	used = spin_cpu(0.1);
	w1 = seconds(CLOCK_MONOTONIC);
	ok(used >= 0.1 && used <= w1 - w0 + 0.01,
	   "spinning uses CPU time, never more than the time that passed");
	child = fork();
	if (child == 0) {
		spin_user(0.1);
		_exit(0);
	}
	wait4(child, NULL, 0, &wru);
	ok(tv_seconds(wru.ru_utime) >= 0.05 && tv_seconds(wru.ru_utime) > tv_seconds(wru.ru_stime),
	   "wait4 reports the child's user time in its rusage");
	getrusage(RUSAGE_CHILDREN, &ru);
	ok(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000 +
		   ru.ru_stime.tv_usec >
	       50000,
	   "getrusage(RUSAGE_CHILDREN) counts the reaped child");
	times(&t);
	ok(t.tms_cutime + t.tms_cstime >= 5, "times() counts it too");
	test_user_and_system();
	return tap_done();
}
