// SPDX-License-Identifier: MIT
/*
 * Waiting for standard input: poll, select, epoll and a non-blocking read
 * say whether input is there without taking it. Under run-diff.sh stdin
 * is /dev/null, at its end: everything is ready at once. The integration
 * test (tests/integration/test_programs.c) gives it a pipe that stays
 * empty for a while, natively and in the sandbox, and compares the two.
 * The "#" lines say what happened; the checks hold either way. epoll is
 * tried only with the argument "pipe": Linux refuses to watch /dev/null
 * (EPERM), where the sandbox's console, a terminal to the guest, accepts.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <unistd.h>

#include "tap.h"

static void test_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN }, got;
	int r, ep = epoll_create1(0);

	ok(!epoll_ctl(ep, EPOLL_CTL_ADD, 0, &ev), "epoll may watch a pipe on stdin");
	r = epoll_wait(ep, &got, 1, 100);
	diag("epoll_wait: %s", r == 0 ? "timed out" : "ready");
	ok(r == 0 || (r == 1 && (got.events & (EPOLLIN | EPOLLHUP))),
	   "epoll: in time, or readable");
	close(ep);
}

static void test_before_input(bool pipe_input)
{
	struct pollfd p = { 0, POLLIN, 0 };
	struct timeval tv = { 0, 100000 };
	int r, flags = fcntl(0, F_GETFL);
	char c;
	fd_set in;

	r = poll(&p, 1, 100);
	diag("poll: %s", r == 0 ? "timed out" : "ready");
	ok(r == 0 || (r == 1 && (p.revents & (POLLIN | POLLHUP))), "poll: in time, or readable");
	FD_ZERO(&in);
	FD_SET(0, &in);
	r = select(1, &in, NULL, NULL, &tv);
	diag("select: %s", r == 0 ? "timed out" : "ready");
	ok(r == 0 || (r == 1 && FD_ISSET(0, &in)), "select: in time, or readable");
	if (pipe_input)
		test_epoll();
	fcntl(0, F_SETFL, flags | O_NONBLOCK);
	errno = 0;
	r = read(0, &c, 1);
	diag("non-blocking read: %s", r < 0 && errno == EAGAIN ? "EAGAIN" : "no wait");
	ok((r < 0 && errno == EAGAIN) || r == 0,
	   "a non-blocking read: EAGAIN, or the end of input");
	fcntl(0, F_SETFL, flags);
}

static void test_input_arrives(void)
{
	struct pollfd p = { 0, POLLIN, 0 };
	char buf[64];
	int r = poll(&p, 1, 30000);
	ssize_t n;

	ok(r == 1 && (p.revents & (POLLIN | POLLHUP)), "poll without a short timeout: readable");
	n = read(0, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	diag("read: \"%.*s\"", (int)(n > 0 ? n - (buf[n - 1] == '\n') : 0), buf);
	ok(n >= 0, "then read gives what came (or the end)");
}

int main(int argc, char **argv)
{
	bool pipe_input = argc > 1 && !strcmp(argv[1], "pipe");

	tap_plan(pipe_input ? 7 : 5);
	test_before_input(pipe_input);
	test_input_arrives();
	return tap_done();
}
