/* SPDX-License-Identifier: MIT */
/*
 * Shared by the guest benchmark programs (guest_*.c). Each is an ordinary
 * static program that runs natively and under `pagelab run`, times a loop
 * with CLOCK_MONOTONIC (the TSC in both places) and prints one line per
 * measurement, "NAME VALUE", for scripts/run-bench.sh to read. Timing never
 * makes a program fail; a call that fails does (status 1), and a bad
 * argument gets one line and status 2.
 *
 * The machines this runs on are shared and noisy, so a loop is timed in
 * batches and the median batch is the figure: a burst of someone else's
 * work spoils one batch, not the result.
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

#define BENCH_BATCHES 10

static inline double bench_median(double *v, int n)
{
	for (int i = 1; i < n; i++) {
		double x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef void bench_op(void *arg, long i);

/*
 * op(arg, i) for i = 0..n-1, timed in min(batches, n) batches of nearly
 * equal size; returns the median batch's nanoseconds per operation.
 */
static inline double bench_run(long n, int batches, bench_op *op, void *arg)
{
	double per[BENCH_BATCHES];
	int k = n < batches ? (int)n : batches;
	long i = 0;

	if (k > BENCH_BATCHES)
		k = BENCH_BATCHES;
	for (int b = 0; b < k; b++) {
		long end = i + n / k + (b < n % k);
		double t0 = bench_now_ns();

		for (long j = i; j < end; j++)
			op(arg, j);
		per[b] = (bench_now_ns() - t0) / (end - i);
		i = end;
	}
	return bench_median(per, k);
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
