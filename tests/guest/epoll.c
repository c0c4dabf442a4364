// SPDX-License-Identifier: MIT
/*
 * epoll: the interest list (ADD, MOD, DEL and their errors), what
 * epoll_wait reports for pipes and eventfds level-triggered, with EPOLLET
 * and with EPOLLONESHOT, a wait that another process's write ends, a
 * signal and epoll_pwait's mask, an epoll file polled itself and nested,
 * and an item that leaves the list when its file is closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static volatile sig_atomic_t caught;

static void on_usr1(int sig)
{
	(void)sig;
	caught++;
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	errno = 0;
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) ? errno : 0;
}

static int mod(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	errno = 0;
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev) ? errno : 0;
}

/* One wait: the count, and the first event in *ev. */
static int wait1(int ep, struct epoll_event *ev, int timeout)
{
	struct epoll_event evs[8];
	int n = epoll_wait(ep, evs, 8, timeout);

	if (n > 0)
		*ev = evs[0];
	return n;
}

static void test_ctl(void)
{
	int ep = epoll_create1(0), p[2], file, null;
	struct epoll_event ev;

	pipe(p);
	ok(ep >= 3 && fcntl(ep, F_GETFD) == 0, "epoll_create1(0)");
	ok(add(ep, p[0], EPOLLIN, 1) == 0, "ADD the read end of a pipe");
	ok(add(ep, p[0], EPOLLIN, 1) == EEXIST, "ADD it again: EEXIST");
	ok(wait1(ep, &ev, 0) == 0, "an empty pipe: nothing to report");
	write(p[1], "x", 1);
	ok(wait1(ep, &ev, 0) == 1 && ev.events == EPOLLIN && ev.data.u64 == 1,
	   "a byte in it: EPOLLIN with the item's data");
	ok(wait1(ep, &ev, 0) == 1, "level-triggered: reported again while readable");
	ok(mod(ep, p[0], EPOLLOUT, 2) == 0 && wait1(ep, &ev, 0) == 0,
	   "MOD to EPOLLOUT on a read end: nothing");
	ok(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0, "DEL");
	errno = 0;
	ok(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == -1 && errno == ENOENT, "DEL again: ENOENT");
	ok(mod(ep, p[0], EPOLLIN, 0) == ENOENT, "MOD of an fd not there: ENOENT");

	file = open("/tmp/epoll.tmp", O_CREAT | O_RDWR | O_TRUNC, 0600);
	unlink("/tmp/epoll.tmp");
	ok(add(ep, file, EPOLLIN, 0) == EPERM, "a regular file: EPERM");
	null = open("/dev/null", O_RDONLY);
	ok(add(ep, null, EPOLLIN, 0) == EPERM, "/dev/null: EPERM");
	ok(add(ep, ep, EPOLLIN, 0) == EINVAL, "itself: EINVAL");
	ok(add(p[1], p[0], EPOLLIN, 0) == EINVAL, "an epfd that is not an epoll file: EINVAL");
	ok(add(ep, 99, EPOLLIN, 0) == EBADF && add(99, p[0], EPOLLIN, 0) == EBADF,
	   "a closed fd or epfd: EBADF");
	errno = 0;
	ok(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], (void *)8) == -1 && errno == EFAULT,
	   "a bad event address: EFAULT");
	ok(epoll_ctl(ep, 99, p[0], &ev) == -1 && errno == EINVAL, "an unknown op: EINVAL");
	errno = 0;
	ok(epoll_create1(1) == -1 && errno == EINVAL, "epoll_create1 with an unknown flag: EINVAL");
	errno = 0;
	ok(syscall(SYS_epoll_create, 0) == -1 && errno == EINVAL, "epoll_create(0): EINVAL");
	{
		int ep2 = syscall(SYS_epoll_create, 1);

		ok(ep2 >= 0, "epoll_create(1)");
		close(ep2);
	}
	errno = 0;
	ok(epoll_wait(ep, &ev, 0, 0) == -1 && errno == EINVAL, "maxevents 0: EINVAL");
	errno = 0;
	ok(epoll_wait(p[0], &ev, 1, 0) == -1 && errno == EINVAL, "waiting on a pipe: EINVAL");
	errno = 0;
	ok(epoll_wait(99, &ev, 1, 0) == -1 && errno == EBADF, "waiting on a closed fd: EBADF");
	add(ep, p[0], EPOLLIN, 3);
	errno = 0;
	ok(epoll_wait(ep, (void *)8, 1, 0) == -1 && errno == EFAULT,
	   "an event to report and a bad buffer: EFAULT");
	close(p[0]);
	ok(wait1(ep, &ev, 0) == 0, "closing the file takes it off the list");
	close(p[1]);
	close(file);
	close(null);
	close(ep);
}

static void test_triggers(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), efd = eventfd(0, EFD_NONBLOCK), p[2];
	struct epoll_event ev;
	eventfd_t v;

	ok(fcntl(ep, F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC");
	ok(add(ep, efd, EPOLLIN | EPOLLET, 7) == 0, "an eventfd, edge-triggered");
	ok(wait1(ep, &ev, 0) == 0, "at 0: nothing");
	eventfd_write(efd, 1);
	ok(wait1(ep, &ev, 0) == 1 && ev.data.u64 == 7, "a write: reported once");
	ok(wait1(ep, &ev, 0) == 0, "not again without a new write");
	eventfd_write(efd, 1);
	ok(wait1(ep, &ev, 0) == 1, "a new write: reported again");
	eventfd_read(efd, &v);
	ok(mod(ep, efd, EPOLLIN | EPOLLONESHOT, 8) == 0, "MOD to EPOLLONESHOT");
	eventfd_write(efd, 1);
	ok(wait1(ep, &ev, 0) == 1 && ev.data.u64 == 8, "reported once");
	eventfd_write(efd, 1);
	ok(wait1(ep, &ev, 0) == 0, "then disarmed, however ready");
	ok(mod(ep, efd, EPOLLIN, 9) == 0 && wait1(ep, &ev, 0) == 1 && ev.data.u64 == 9,
	   "MOD arms it again");

	pipe(p);
	add(ep, p[1], EPOLLOUT, 10);
	{
		struct epoll_event evs[4];
		int n = epoll_wait(ep, evs, 4, 0), seen = 0;

		for (int i = 0; i < n; i++)
			seen |= evs[i].data.u64 == 9 ? 1 : evs[i].data.u64 == 10 ? 2 : 4;
		ok(n == 2 && seen == 3, "two items ready: both reported");
		ok(epoll_wait(ep, evs, 1, 0) == 1 && epoll_wait(ep, evs + 1, 1, 0) == 1 &&
		       evs[0].data.u64 != evs[1].data.u64,
		   "one at a time: they take turns");
	}
	close(p[0]);
	ok(wait1(ep, &ev, 0) >= 1, "still reported");
	close(p[1]);
	close(efd);
	close(ep);
}

static void test_waits(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	int ep = epoll_create1(0), efd = eventfd(0, 0), status, outer, before;
	struct epoll_event ev;
	sigset_t block, empty;
	pid_t pid, parent = getpid();

	add(ep, efd, EPOLLIN, 5);
	pid = fork();
	if (pid == 0) {
		pause_ms(30);
		_exit(eventfd_write(efd, 1) ? 1 : 0);
	}
	ok(wait1(ep, &ev, -1) == 1 && ev.data.u64 == 5,
	   "an infinite wait ends with a child's write");
	waitpid(pid, &status, 0);
	ok(status == 0, "the child exited cleanly");

	outer = epoll_create1(0);
	ok(add(outer, ep, EPOLLIN, 6) == 0, "an epoll file in another");
	ok(add(ep, outer, EPOLLIN, 0) == ELOOP, "and that one in it: ELOOP");
	ok(wait1(outer, &ev, 0) == 1 && ev.data.u64 == 6,
	   "the outer one reports the inner's event");
	{
		struct pollfd pfd = { ep, POLLIN, 0 };

		ok(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN,
		   "poll says the epoll file is readable");
	}
	{
		eventfd_t v;

		eventfd_read(efd, &v);
	}
	ok(wait1(outer, &ev, 0) == 0, "nothing inside: nothing outside");
	pid = fork();
	if (pid == 0) {
		pause_ms(30);
		_exit(eventfd_write(efd, 1) ? 1 : 0);
	}
	ok(wait1(outer, &ev, 5000) == 1, "the outer wait ends with the inner file's change");
	waitpid(pid, NULL, 0);
	close(outer);
	{
		eventfd_t v;

		eventfd_read(efd, &v);
	}

	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	/*
	 * A signal every 30 ms while the parent lives: one that comes before
	 * the parent is in epoll_wait runs the handler then, and the wait ends
	 * with the next.
	 */
	pid = fork();
	if (pid == 0) {
		while (getppid() == parent) {
			pause_ms(30);
			kill(parent, SIGUSR1);
		}
		_exit(0);
	}
	errno = 0;
	ok(wait1(ep, &ev, 5000) == -1 && errno == EINTR && caught > 0,
	   "a caught signal ends epoll_wait: EINTR");
	/*
	 * Blocked from here: a last one from the child stays pending, and
	 * merges with the one sent below (a standard signal is queued once).
	 */
	sigprocmask(SIG_BLOCK, &block, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	kill(getpid(), SIGUSR1);
	before = caught;
	errno = 0;
	ok(epoll_pwait(ep, &ev, 1, 5000, &empty) == -1 && errno == EINTR && caught == before + 1,
	   "epoll_pwait with an empty mask takes the blocked signal: EINTR");
	ok(epoll_pwait(ep, &ev, 1, 10, &block) == 0, "with it blocked, a timeout: 0");
	errno = 0;
	ok(syscall(SYS_epoll_pwait, ep, &ev, 1, 0, &empty, 4) == -1 && errno == EINVAL,
	   "a sigset size of 4: EINVAL");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	close(efd);
	close(ep);
}

int main(void)
{
	tap_plan(50);
	test_ctl();
	test_triggers();
	test_waits();
	return tap_done();
}
