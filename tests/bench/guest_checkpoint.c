// SPDX-License-Identifier: MIT
/*
 * guest_checkpoint [COUNT [CHILDREN]]: a pagelab_checkpoint() round trip
 * as the program sees it (system call, one exit, the host's step returning
 * the stop and resuming), and its floor: a 1-byte write(2) to stderr, which
 * is a system call and one exit with almost nothing done on the host.
 * Prints "checkpoint_ns N" and "write_ns N" (median batch of COUNT calls
 * each, default 1000). With CHILDREN, that many forked children wait
 * meanwhile: each stop publishes every process's memory map, so this is
 * what more processes cost a stop. Natively a checkpoint is ENOSYS and no
 * exit at all.
 */
#include <sys/wait.h>
#include <unistd.h>

#include <pagelab/guest.h>

#include "bench.h"

static const char *prog;

static void checkpoint(void *arg, long i)
{
	(void)arg;
	if (pagelab_checkpoint((uint64_t)i, 0) && errno != ENOSYS)
		bench_fail(prog, "pagelab_checkpoint");
}

static void write_byte(void *arg, long i)
{
	(void)arg;
	(void)i;
	/* A newline, so that --stats lines after it start a line of their own. */
	if (write(STDERR_FILENO, "\n", 1) != 1)
		bench_fail(prog, "write");
}

/* Children that wait until hold's write end closes; returns that end. */
static int fork_waiters(long children)
{
	int hold[2];
	char c;

	if (pipe(hold))
		bench_fail(prog, "pipe");
	for (long i = 0; i < children; i++) {
		pid_t pid = fork();

		if (pid < 0)
			bench_fail(prog, "fork");
		if (pid == 0) {
			close(hold[1]);
			_exit(read(hold[0], &c, 1) == 0 ? 0 : 1);
		}
	}
	close(hold[0]);
	return hold[1];
}

int main(int argc, char **argv)
{
	long n, children;
	int hold;

	prog = argv[0];
	bench_usage_max(argc, argv, 2, "[COUNT [CHILDREN]]");
	n = bench_arg(argc, argv, 1, "COUNT", 1000, 100000000);
	children = bench_arg(argc, argv, 2, "CHILDREN", 0, 200);
	hold = fork_waiters(children);
	bench_run(16, 1, checkpoint, NULL);
	printf("checkpoint_ns %.1f\n", bench_run(n, BENCH_BATCHES, checkpoint, NULL));
	printf("write_ns %.1f\n", bench_run(n, BENCH_BATCHES, write_byte, NULL));
	close(hold);
	while (children-- > 0)
		if (wait(NULL) < 0)
			bench_fail(prog, "wait");
	return 0;
}
