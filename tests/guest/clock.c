// SPDX-License-Identifier: MIT
/*
 * Time: CLOCK_MONOTONIC never goes back, sleeps last at least as long as
 * asked, and the wall clock is a plausible present that gettimeofday and
 * time() agree with.
 */
#include <errno.h>
#include <sys/time.h>
#include <time.h>

#include "tap.h"

static double ts_sec(const struct timespec *t)
{
	return t->tv_sec + t->tv_nsec / 1e9;
}

static double mono(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_sec(&t);
}

int main(void)
{
	struct timespec a, b, res, twenty_ms = { 0, 20 * 1000 * 1000 };
	struct timespec bad = { 0, 1000000000 };
	struct timeval tv;
	bool monotonic = true, ns_ok = true;
	double t0, t;
	time_t now;

	tap_plan(10);
	ok(clock_gettime(CLOCK_MONOTONIC, &a) == 0, "clock_gettime(CLOCK_MONOTONIC)");
	for (int i = 0; i < 100; i++) {
		clock_gettime(CLOCK_MONOTONIC, &b);
		if (b.tv_nsec < 0 || b.tv_nsec >= 1000000000)
			ns_ok = false;
		if (b.tv_sec < a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec < a.tv_nsec))
			monotonic = false;
		a = b;
	}
	ok(monotonic, "100 readings never go back");
	ok(ns_ok, "tv_nsec stays in [0, 1e9)");
	ok(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
	       res.tv_nsec <= 10000000,
	   "clock_getres: a resolution of at most 10 ms");

	t0 = mono();
	ok(nanosleep(&twenty_ms, NULL) == 0, "nanosleep 20 ms");
	t = mono() - t0;
	ok(t >= 0.020 && t < 5.0, "took at least 20 ms (and not seconds)");
	t0 = mono();
	ok(clock_nanosleep(CLOCK_MONOTONIC, 0, &twenty_ms, NULL) == 0 && mono() - t0 >= 0.020,
	   "clock_nanosleep 20 ms, relative");
	errno = 0;
	ok(nanosleep(&bad, NULL) == -1 && errno == EINVAL, "nanosleep of 1e9 ns: EINVAL");

	clock_gettime(CLOCK_REALTIME, &a);
	ok(a.tv_sec > 1700000000, "CLOCK_REALTIME is after November 2023");
	gettimeofday(&tv, NULL);
	now = time(NULL);
	clock_gettime(CLOCK_REALTIME, &b);
	/* Between two readings of it, however long a busy machine took over them. */
	ok(tv.tv_sec >= a.tv_sec && tv.tv_sec <= b.tv_sec && now >= a.tv_sec && now <= b.tv_sec,
	   "gettimeofday and time() agree with it");
	return tap_done();
}
