/*
 * CPU-time clocks: CLOCK_PROCESS_CPUTIME_ID stands still while the
 * process sleeps and runs while it spins; getrusage and times report a
 * reaped child's CPU time.
 */
#include <stdio.h>
#include <sys/resource.h>
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

static void spin(double s)
{
	double end = seconds(CLOCK_MONOTONIC) + s;

	while (seconds(CLOCK_MONOTONIC) < end)
		;
}

int main(void)
{
	double c0, c1, c2;
	struct rusage ru;
	struct tms t;
	pid_t child;

	tap_plan(4);
	c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	usleep(100000);
	c1 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	ok(c1 - c0 < 0.02, "sleeping 100 ms uses (almost) no CPU time");
	spin(0.1);
	c2 = seconds(CLOCK_PROCESS_CPUTIME_ID);
	ok(c2 - c1 > 0.05, "spinning 100 ms uses CPU time");
	child = fork();
	if (child == 0) {
		spin(0.1);
		_exit(0);
	}
	waitpid(child, NULL, 0);
	getrusage(RUSAGE_CHILDREN, &ru);
	ok(ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000 +
		   ru.ru_stime.tv_usec >
	       50000,
	   "getrusage(RUSAGE_CHILDREN) counts the reaped child");
	times(&t);
	ok(t.tms_cutime + t.tms_cstime >= 5, "times() counts it too");
	return tap_done();
}
