// SPDX-License-Identifier: MIT
/*
 * guest_poll [COUNT]: what asking whether a descriptor is ready costs,
 * the answer being yes: poll(), select() and epoll_wait() on one readable
 * eventfd, and an eventfd write + read pair (the wakeup path: the write
 * wakes the eventfd's pollers). Prints "poll_ns N", "select_ns N",
 * "epoll_ns N", "eventfd_ns N" (median batch of COUNT calls, default 2000),
 * and "getpid_ns N" of the same run: the syscall floor they stand on.
 */
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

static const char *prog;
static int efd, ep;

static void op_getpid(void *arg, long i)
{
	(void)arg, (void)i;
	if (syscall(SYS_getpid) <= 0)
		bench_fail(prog, "getpid failed");
}

static void op_poll(void *arg, long i)
{
	struct pollfd p = { efd, POLLIN, 0 };

	(void)arg, (void)i;
	if (poll(&p, 1, 0) != 1)
		bench_fail(prog, "poll: the eventfd is not readable");
}

static void op_select(void *arg, long i)
{
	struct timeval tv = { 0, 0 };
	fd_set rd;

	(void)arg, (void)i;
	FD_ZERO(&rd);
	FD_SET(efd, &rd);
	if (select(efd + 1, &rd, NULL, NULL, &tv) != 1)
		bench_fail(prog, "select: the eventfd is not readable");
}

static void op_epoll(void *arg, long i)
{
	struct epoll_event ev;

	(void)arg, (void)i;
	if (epoll_wait(ep, &ev, 1, 0) != 1)
		bench_fail(prog, "epoll_wait: the eventfd is not reported");
}

static void op_eventfd(void *arg, long i)
{
	eventfd_t v;

	(void)arg, (void)i;
	if (eventfd_write(efd, 1) || eventfd_read(efd, &v))
		bench_fail(prog, "eventfd write + read failed");
}

int main(int argc, char **argv)
{
	struct epoll_event ev = { .events = EPOLLIN };
	long n;

	prog = argv[0];
	bench_usage_max(argc, argv, 1, "[COUNT]");
	n = bench_arg(argc, argv, 1, "COUNT", 2000, 100000000);
	efd = eventfd(1, EFD_NONBLOCK);
	ep = epoll_create1(0);
	if (efd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev))
		bench_fail(prog, "eventfd/epoll setup");
	bench_run(16, 1, op_poll, NULL);
	printf("getpid_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_getpid, NULL));
	printf("poll_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_poll, NULL));
	printf("select_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_select, NULL));
	printf("epoll_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_epoll, NULL));
	/* The count stays at 1 between pairs: the reads leave 0, the writes add 1. */
	{
		eventfd_t v;

		eventfd_read(efd, &v);
	}
	printf("eventfd_ns %.1f\n", bench_run(n, BENCH_BATCHES, op_eventfd, NULL));
	return 0;
}
