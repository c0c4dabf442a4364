/* SPDX-License-Identifier: MIT */
/*
 * Shared by the guest benchmark programs (guest_*.c). Each is an ordinary
 * static program that runs natively and under `pagelab run`, times a loop
 * with CLOCK_MONOTONIC (the TSC in both places) and prints one line per
 * measurement, "NAME VALUE", for scripts/run-bench.sh to read. Timing never
 * makes a program fail; a call that fails does (status 1), and a bad
 * argument gets one line and status 2.
 */
#ifndef PAGELAB_BENCH_H
#define PAGELAB_BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* argv[i] as a count in [1, max], or def when absent. */
static inline long bench_arg(int argc, char **argv, int i, const char *what, long def, long max)
{
	char *end;
	long v;

	if (i >= argc)
		return def;
	errno = 0;
	v = strtol(argv[i], &end, 10);
	if (errno || *end || end == argv[i] || v < 1 || v > max) {
		fprintf(stderr, "%s: %s must be a whole number from 1 to %ld, not '%s'\n", argv[0],
			what, max, argv[i]);
		exit(2);
	}
	return v;
}

static inline void bench_usage_max(int argc, char **argv, int max_args, const char *usage)
{
	if (argc - 1 > max_args) {
		fprintf(stderr, "usage: %s %s\n", argv[0], usage);
		exit(2);
	}
}

/* A call the benchmark depends on failed: say which, and stop. */
static inline void bench_fail(const char *prog, const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(errno));
	exit(1);
}

#endif
