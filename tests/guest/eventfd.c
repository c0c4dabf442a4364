// SPDX-License-Identifier: MIT
/*
 * eventfd: the counter's read and write semantics (all of it, or one with
 * EFD_SEMAPHORE), the flags, the limit at 0xfffffffffffffffe (EAGAIN, or a
 * writer that waits for a reader), a reader that waits for a writer in
 * another process, a signal that interrupts a waiting reader, and the
 * errors Linux gives.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define EFD_MAX 0xfffffffffffffffeULL

static uint64_t rd(int fd, int *err)
{
	uint64_t v = 0;

	errno = 0;
	*err = read(fd, &v, sizeof(v)) == sizeof(v) ? 0 : errno;
	return v;
}

static int wr(int fd, uint64_t v)
{
	errno = 0;
	return write(fd, &v, sizeof(v)) == sizeof(v) ? 0 : errno;
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	nanosleep(&ts, NULL);
}

static void test_counter(void)
{
	int fd = eventfd(5, 0), err;
	uint64_t v;

	ok(fd >= 3, "eventfd(5, 0) gives a descriptor");
	ok((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR && !(fcntl(fd, F_GETFL) & O_NONBLOCK),
	   "it is O_RDWR and blocking");
	ok(fcntl(fd, F_GETFD) == 0, "no FD_CLOEXEC without EFD_CLOEXEC");
	v = rd(fd, &err);
	ok(!err && v == 5, "a read takes the initial value");
	ok(wr(fd, 3) == 0 && wr(fd, 4) == 0, "two writes add");
	v = rd(fd, &err);
	ok(!err && v == 7, "a read takes the sum and resets the count");
	ok(wr(fd, 0) == 0, "writing 0 succeeds");
	ok(wr(fd, ~0ULL) == EINVAL, "writing 0xffffffffffffffff: EINVAL");
	{
		char small[4];
		uint32_t four = 1;

		errno = 0;
		ok(read(fd, small, sizeof(small)) == -1 && errno == EINVAL,
		   "a read of fewer than 8 bytes: EINVAL");
		errno = 0;
		ok(write(fd, &four, sizeof(four)) == -1 && errno == EINVAL,
		   "a write of fewer than 8 bytes: EINVAL");
	}
	{
		uint64_t big[2] = { 2, 99 };

		errno = 0;
		ok(write(fd, big, sizeof(big)) == -1 && errno == EINVAL,
		   "a write of 16 bytes: EINVAL (exactly 8)");
		ok(wr(fd, 2) == 0 && read(fd, big, sizeof(big)) == 8 && big[0] == 2,
		   "a read of 16 bytes gives 8");
	}
	errno = 0;
	ok(write(fd, (void *)8, 8) == -1 && errno == EFAULT, "a write from a bad address: EFAULT");
	ok(wr(fd, 9) == 0, "write 9 again");
	errno = 0;
	ok(read(fd, (void *)8, 8) == -1 && errno == EFAULT, "a read to a bad address: EFAULT");
	close(fd);
	errno = 0;
	ok(write(fd, &v, 8) == -1 && errno == EBADF, "the closed descriptor: EBADF");
}

static void test_flags(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), err;
	uint64_t v;

	ok(fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK) && fcntl(fd, F_GETFD) == FD_CLOEXEC,
	   "EFD_NONBLOCK | EFD_CLOEXEC: O_NONBLOCK and FD_CLOEXEC");
	rd(fd, &err);
	ok(err == EAGAIN, "reading a zero count without blocking: EAGAIN");
	ok(wr(fd, EFD_MAX) == 0, "the count can reach 0xfffffffffffffffe");
	ok(wr(fd, 1) == EAGAIN, "one more without blocking: EAGAIN");
	v = rd(fd, &err);
	ok(!err && v == EFD_MAX, "the read gives 0xfffffffffffffffe");
	close(fd);

	fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	v = rd(fd, &err);
	ok(!err && v == 1, "EFD_SEMAPHORE: a read gives 1");
	rd(fd, &err);
	rd(fd, &err);
	ok(!err, "three reads take a count of 3");
	rd(fd, &err);
	ok(err == EAGAIN, "the fourth: EAGAIN");
	close(fd);

	errno = 0;
	ok(eventfd(0, 0x100) == -1 && errno == EINVAL, "an unknown flag: EINVAL");
	errno = 0;
	ok(syscall(SYS_eventfd2, 0, O_RDONLY | 2) == -1 && errno == EINVAL,
	   "O_RDWR among the flags: EINVAL");
	fd = syscall(SYS_eventfd, 7);
	v = rd(fd, &err);
	ok(fd >= 0 && !err && v == 7, "the old eventfd(7) call");
	close(fd);
	fd = syscall(SYS_eventfd2, 0x100000002ULL, 0);
	v = rd(fd, &err);
	ok(fd >= 0 && !err && v == 2, "the initial value is an unsigned int");
	close(fd);
}

/* 0: lseek succeeds and returns 0 without moving anything, as Linux's noop_llseek. */
static int seeks_nowhere(int fd)
{
	int r = lseek(fd, 100, SEEK_SET) == 0 && lseek(fd, 0, SEEK_CUR) == 0 &&
		lseek(fd, -5, SEEK_END) == 0;

	close(fd);
	return r;
}

/* eventfd, timerfd and epoll files have no position: lseek is a no-op, not ESPIPE. */
static void test_lseek(void)
{
	int p[2];

	ok(seeks_nowhere(eventfd(0, 0)), "lseek on an eventfd succeeds at 0 and moves nothing");
	ok(seeks_nowhere(timerfd_create(CLOCK_MONOTONIC, 0)), "so does lseek on a timerfd");
	ok(seeks_nowhere(epoll_create1(0)), "and on an epoll file");
	errno = 0;
	ok(!pipe(p) && lseek(p[0], 0, SEEK_CUR) == -1 && errno == ESPIPE,
	   "a pipe, unlike them, cannot seek: ESPIPE");
	close(p[0]);
	close(p[1]);
}

/* A child that waits a moment, then writes; the parent's read waits for it. */
static void test_blocking(void)
{
	int fd = eventfd(0, 0), err, status;
	uint64_t v;
	pid_t pid = fork();

	if (pid == 0) {
		pause_ms(50);
		_exit(wr(fd, 42) ? 1 : 0);
	}
	v = rd(fd, &err);
	ok(!err && v == 42, "a read waits for another process's write");
	ok(waitpid(pid, &status, 0) == pid && status == 0, "the writer exited cleanly");

	ok(wr(fd, EFD_MAX - 1) == 0, "the count is near its limit");
	pid = fork();
	if (pid == 0) {
		pause_ms(50);
		_exit(rd(fd, &err) == EFD_MAX - 1 && !err ? 0 : 1);
	}
	ok(wr(fd, 5) == 0, "a write past the limit waits for a reader, then adds");
	ok(waitpid(pid, &status, 0) == pid && status == 0, "the reader took the old count");
	v = rd(fd, &err);
	ok(!err && v == 5, "the count is the waiting write's");
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_interrupted(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int fd = eventfd(0, 0), err;
	pid_t pid, parent = getpid();

	sigaction(SIGUSR1, &sa, NULL);
	/*
	 * A signal every 50 ms while the parent lives: one that comes before
	 * the parent is in read() runs the handler then, and the read waits
	 * for the next.
	 */
	pid = fork();
	if (pid == 0) {
		while (getppid() == parent) {
			pause_ms(50);
			kill(parent, SIGUSR1);
		}
		_exit(0);
	}
	rd(fd, &err);
	ok(err == EINTR, "a caught signal interrupts a waiting read: EINTR");
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	close(fd);
}

/* The counter is shared by the descriptors of a fork, as the file is. */
static void test_shared(void)
{
	int fd = eventfd(0, 0), err, status;
	uint64_t v;
	pid_t pid = fork();

	if (pid == 0)
		_exit(wr(fd, 11) ? 1 : 0);
	waitpid(pid, &status, 0);
	v = rd(fd, &err);
	ok(status == 0 && !err && v == 11, "a child's write reaches the parent's counter");
	close(fd);
}

int main(void)
{
	tap_plan(40);
	test_counter();
	test_flags();
	test_lseek();
	test_blocking();
	test_interrupted();
	test_shared();
	return tap_done();
}
