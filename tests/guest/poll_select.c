// SPDX-License-Identifier: MIT
/*
 * poll, ppoll, select and pselect6 on pipes, a regular file, /dev/null,
 * stdin and an eventfd: what each is ready for, a wait that another
 * process's write or close ends, timeouts (0, elapsed, the time left that
 * select writes back), signals (EINTR, and the mask that ppoll and
 * pselect6 put in force for the call only), and Linux's errors.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/stat.h>
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

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static short revents_of(int fd, short events)
{
	struct pollfd p = { fd, events, 0 };

	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

/* A child that sleeps ms, then writes a byte to fd (or closes it) and exits. */
static pid_t later(int fd, long ms, int close_instead)
{
	pid_t pid = fork();

	if (pid == 0) {
		pause_ms(ms);
		if (close_instead)
			close(fd);
		else if (write(fd, "x", 1) != 1)
			_exit(1);
		_exit(0);
	}
	return pid;
}

static void test_poll_kinds(void)
{
	int p[2], efd, file, null;
	char c;

	pipe(p);
	ok(revents_of(p[0], POLLIN) == 0, "an empty pipe is not readable");
	ok(revents_of(p[1], POLLOUT) == POLLOUT, "its write end is writable");
	write(p[1], "a", 1);
	ok(revents_of(p[0], POLLIN | POLLRDNORM) == (POLLIN | POLLRDNORM),
	   "with a byte in it: POLLIN | POLLRDNORM");
	read(p[0], &c, 1);
	close(p[1]);
	ok(revents_of(p[0], POLLIN) == POLLHUP, "its writers gone: POLLHUP, asked or not");
	close(p[0]);
	pipe(p);
	close(p[0]);
	ok(revents_of(p[1], POLLOUT) == (POLLOUT | POLLERR), "its readers gone: POLLOUT | POLLERR");
	close(p[1]);

	unlink("/tmp/poll_select.fifo");
	mkfifo("/tmp/poll_select.fifo", 0600);
	p[0] = open("/tmp/poll_select.fifo", O_RDONLY | O_NONBLOCK);
	ok(p[0] >= 0 && revents_of(p[0], POLLIN) == 0,
	   "a FIFO opened for reading before any writer: no POLLHUP");
	p[1] = open("/tmp/poll_select.fifo", O_WRONLY);
	close(p[1]);
	ok(revents_of(p[0], POLLIN) == POLLHUP, "once a writer came and went: POLLHUP");
	close(p[0]);
	unlink("/tmp/poll_select.fifo");

	file = open("/tmp", O_TMPFILE | O_RDWR, 0600);
	if (file < 0)
		file = open("/tmp/poll_select.tmp", O_CREAT | O_RDWR | O_TRUNC, 0600);
	unlink("/tmp/poll_select.tmp");
	ok(revents_of(file, POLLIN | POLLOUT | POLLPRI) == (POLLIN | POLLOUT),
	   "a regular file: always readable and writable, never POLLPRI");
	close(file);
	null = open("/dev/null", O_RDWR);
	ok(revents_of(null, POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM) ==
	       (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM),
	   "/dev/null: readable and writable");
	close(null);
	ok(revents_of(0, POLLIN) == POLLIN, "stdin (at its end): readable");

	efd = eventfd(0, EFD_NONBLOCK);
	ok(revents_of(efd, POLLIN | POLLOUT) == POLLOUT, "an eventfd at 0: writable only");
	eventfd_write(efd, 0xfffffffffffffffeULL);
	ok(revents_of(efd, POLLIN | POLLOUT) == POLLIN, "at its limit: readable only");
	close(efd);
}

static void test_poll_errors(void)
{
	struct pollfd p[3] = { { -1, POLLIN, 77 }, { 999, POLLIN, 0 }, { 1, POLLOUT, 0 } };

	ok(poll(p, 3, 0) == 2 && p[0].revents == 0 && p[1].revents == POLLNVAL &&
	       p[2].revents == POLLOUT,
	   "a negative fd is skipped, a closed one is POLLNVAL (and counts)");
	errno = 0;
	ok(poll((struct pollfd *)8, 1, 0) == -1 && errno == EFAULT, "a bad array: EFAULT");
	errno = 0;
	ok(poll(p, 100000, 0) == -1 && errno == EINVAL, "more entries than RLIMIT_NOFILE: EINVAL");
	ok(poll(NULL, 0, 0) == 0, "nothing to poll, no time: 0");
}

static void test_poll_waits(void)
{
	int p[2], status;
	struct pollfd pfd;
	long t0;
	pid_t pid;

	pipe(p);
	pfd = (struct pollfd){ p[0], POLLIN, 0 };
	t0 = now_ms();
	ok(poll(&pfd, 1, 60) == 0 && pfd.revents == 0 && now_ms() - t0 >= 55,
	   "a timeout passes: 0 after the time asked");
	pid = later(p[1], 30, 0);
	ok(poll(&pfd, 1, -1) == 1 && pfd.revents == POLLIN,
	   "an infinite wait ends with another process's write");
	waitpid(pid, &status, 0);
	ok(status == 0, "the writer exited cleanly");
	close(p[0]);
	close(p[1]);

	pipe(p);
	pid = later(p[1], 30, 1);
	close(p[1]);
	pfd = (struct pollfd){ p[0], POLLIN, 0 };
	ok(poll(&pfd, 1, 5000) == 1 && pfd.revents == POLLHUP, "the last writer's close wakes it");
	waitpid(pid, NULL, 0);
	close(p[0]);
}

static pid_t signal_me_later(long ms)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		pause_ms(ms);
		kill(parent, SIGUSR1);
		_exit(0);
	}
	return pid;
}

/*
 * A child that sends SIGUSR1 every ms milliseconds while the parent
 * lives: one that comes before the parent is in its wait runs the handler
 * then, and the wait ends with the next.
 */
static pid_t signal_me_until_killed(long ms)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		while (getppid() == parent) {
			pause_ms(ms);
			kill(parent, SIGUSR1);
		}
		_exit(0);
	}
	return pid;
}

static void test_signals(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t block, empty, old;
	struct timespec ts = { 5, 0 };
	int p[2], before;
	struct pollfd pfd;
	pid_t pid;

	sigaction(SIGUSR1, &sa, NULL);
	pipe(p);
	pfd = (struct pollfd){ p[0], POLLIN, 0 };
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	pid = signal_me_until_killed(30);
	errno = 0;
	ok(poll(&pfd, 1, 5000) == -1 && errno == EINTR && caught > 0,
	   "a caught signal ends poll: EINTR after the handler");
	/*
	 * Blocked from here: a last one from the child stays pending, and
	 * merges with the one sent below (a standard signal is queued once).
	 */
	sigprocmask(SIG_BLOCK, &block, &old);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	before = caught;
	kill(getpid(), SIGUSR1);
	ok(caught == before, "blocked, the signal waits");
	errno = 0;
	ok(ppoll(&pfd, 1, &ts, &empty) == -1 && errno == EINTR && caught == before + 1,
	   "ppoll with an empty mask takes it at once: EINTR");
	sigprocmask(SIG_SETMASK, NULL, &old);
	ok(sigismember(&old, SIGUSR1), "after the handler the caller's mask is back");
	ts = (struct timespec){ 0, 20000000 };
	pid = signal_me_later(5);
	ok(ppoll(&pfd, 1, &ts, &block) == 0, "ppoll with SIGUSR1 blocked sleeps through it");
	waitpid(pid, NULL, 0);
	ok(caught == before + 1, "the signal is still pending after it");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	ok(caught == before + 2, "and arrives when unblocked");

	ts = (struct timespec){ 0, 1000000000 };
	errno = 0;
	ok(ppoll(&pfd, 1, &ts, NULL) == -1 && errno == EINVAL, "ppoll with tv_nsec 1e9: EINVAL");
	ts = (struct timespec){ 0, 0 };
	errno = 0;
	ok(syscall(SYS_ppoll, &pfd, 1, &ts, &empty, 4) == -1 && errno == EINVAL,
	   "ppoll with a sigset size of 4: EINVAL");
	ok(ppoll(&pfd, 1, &ts, NULL) == 0, "ppoll with a zero timeout: 0");
	close(p[0]);
	close(p[1]);
}

static void test_select(void)
{
	int p[2], efd;
	fd_set rd, wr;
	struct timeval tv = { 0, 0 };
	long t0;

	pipe(p);
	efd = eventfd(1, 0);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(efd, &rd);
	FD_SET(p[1], &wr);
	ok(select(efd + 1, &rd, &wr, NULL, &tv) == 2 && !FD_ISSET(p[0], &rd) &&
	       FD_ISSET(efd, &rd) && FD_ISSET(p[1], &wr),
	   "select: the eventfd readable, the pipe writable, the empty pipe not");
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	t0 = now_ms();
	tv = (struct timeval){ 0, 50000 };
	ok(syscall(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv) == 0 && !FD_ISSET(p[0], &rd) &&
	       now_ms() - t0 >= 45,
	   "a timeout passes: 0, the set cleared");
	ok(tv.tv_sec == 0 && tv.tv_usec == 0, "select writes back the time left: none");
	write(p[1], "x", 1);
	FD_SET(p[0], &rd);
	tv = (struct timeval){ 10, 0 };
	t0 = now_ms();
	/* Most of it: at least 9 s, less what a busy machine took to run the call. */
	ok(syscall(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv) == 1 && tv.tv_sec <= 10 &&
	       tv.tv_usec >= 0 && tv.tv_usec < 1000000 &&
	       tv.tv_sec * 1000 + tv.tv_usec / 1000 >= 9000 - (now_ms() - t0),
	   "ready at once: most of 10 s is left");
	tv = (struct timeval){ 0, 1500000 };
	FD_SET(p[0], &rd);
	ok(select(p[0] + 1, &rd, NULL, NULL, &tv) == 1, "tv_usec of 1.5 s is taken as such");
	tv = (struct timeval){ 0, -1 };
	errno = 0;
	ok(select(p[0] + 1, &rd, NULL, NULL, &tv) == -1 && errno == EINVAL,
	   "a negative tv_usec: EINVAL");
	tv = (struct timeval){ 0, 0 };
	errno = 0;
	ok(select(-1, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL, "a negative nfds: EINVAL");
	FD_ZERO(&rd);
	FD_SET(40, &rd);
	errno = 0;
	ok(select(41, &rd, NULL, NULL, &tv) == -1 && errno == EBADF,
	   "a closed descriptor in a set: EBADF");
	errno = 0;
	ok(select(1, (fd_set *)8, NULL, NULL, &tv) == -1 && errno == EFAULT, "a bad set: EFAULT");
	t0 = now_ms();
	tv = (struct timeval){ 0, 30000 };
	ok(select(0, NULL, NULL, NULL, &tv) == 0 && now_ms() - t0 >= 25,
	   "select with no sets sleeps the timeout");
	close(p[0]);
	close(p[1]);
	close(efd);
}

static void test_pselect(void)
{
	sigset_t block, empty;
	struct timespec ts = { 5, 0 };
	fd_set rd;
	int p[2];
	int before = caught;

	pipe(p);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigemptyset(&empty);
	sigprocmask(SIG_BLOCK, &block, NULL);
	kill(getpid(), SIGUSR1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	errno = 0;
	ok(pselect(p[0] + 1, &rd, NULL, NULL, &ts, &empty) == -1 && errno == EINTR &&
	       caught == before + 1,
	   "pselect with an empty mask takes the blocked signal: EINTR");
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	write(p[1], "x", 1);
	FD_SET(p[0], &rd);
	ts = (struct timespec){ 0, 0 };
	ok(pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL) == 1 && FD_ISSET(p[0], &rd),
	   "pselect without a mask: the readable pipe");
	ts = (struct timespec){ -1, 0 };
	errno = 0;
	ok(pselect(p[0] + 1, &rd, NULL, NULL, &ts, NULL) == -1 && errno == EINVAL,
	   "a negative timeout: EINVAL");
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	tap_plan(43);
	test_poll_kinds();
	test_poll_errors();
	test_poll_waits();
	test_signals();
	test_select();
	test_pselect();
	return tap_done();
}
