// SPDX-License-Identifier: MIT
/*
 * Pipes: data in order, end of file once every write end is closed, EPIPE
 * (and SIGPIPE) once every read end is, pipe2 flags, and a transfer larger
 * than any pipe buffer between two processes, so the writer must block
 * until the reader drains it.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define BIG 200000

static void test_basic(void)
{
	char buf[16];
	int p[2];

	ok(pipe(p) == 0 && p[0] >= 3 && p[1] == p[0] + 1, "pipe gives two new descriptors");
	ok(write(p[1], "hello", 5) == 5 && write(p[1], "world", 5) == 5, "write twice");
	ok(read(p[0], buf, 3) == 3 && !memcmp(buf, "hel", 3), "a short read takes the start");
	ok(read(p[0], buf, sizeof(buf)) == 7 && !memcmp(buf, "loworld", 7),
	   "the next read takes the rest, in order");
	ok((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY &&
	       (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY,
	   "read end O_RDONLY, write end O_WRONLY");
	ok(fcntl(p[0], F_GETFD) == 0, "pipe() does not set FD_CLOEXEC");
	close(p[1]);
	ok(read(p[0], buf, sizeof(buf)) == 0, "read after the write end closed: EOF (0)");
	close(p[0]);

	ok(pipe(p) == 0, "another pipe");
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	ok(write(p[1], "x", 1) == -1 && errno == EPIPE,
	   "write with no reader: EPIPE (SIGPIPE ignored)");
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
	ok(read(p[0], buf, 1) == -1 && errno == EBADF, "the closed read end is gone: EBADF");
}

static void test_pipe2(void)
{
	char c;
	int p[2];

	ok(pipe2(p, O_CLOEXEC) == 0, "pipe2(O_CLOEXEC)");
	ok(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC,
	   "both ends have FD_CLOEXEC");
	close(p[0]);
	close(p[1]);
	ok(pipe2(p, O_NONBLOCK) == 0, "pipe2(O_NONBLOCK)");
	ok((fcntl(p[0], F_GETFL) & O_NONBLOCK) && (fcntl(p[1], F_GETFL) & O_NONBLOCK),
	   "both ends are O_NONBLOCK");
	errno = 0;
	ok(read(p[0], &c, 1) == -1 && errno == EAGAIN, "an empty non-blocking pipe: EAGAIN");
	close(p[0]);
	close(p[1]);
	errno = 0;
	ok(pipe2(p, 0x4) == -1 && errno == EINVAL, "pipe2 with an unknown flag: EINVAL");
}

static int child_writes(int fd)
{
	static unsigned char buf[BIG];

	for (int i = 0; i < BIG; i++)
		buf[i] = (unsigned char)(i % 251);
	for (int off = 0; off < BIG;) {
		ssize_t n = write(fd, buf + off, BIG - off);

		if (n <= 0)
			return 1;
		off += n;
	}
	return 0;
}

static void test_between_processes(void)
{
	static unsigned char buf[8192];
	long total = 0, bad = 0;
	ssize_t n;
	int p[2], status;
	pid_t pid;

	ok(pipe(p) == 0, "a pipe for a child");
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(child_writes(p[1]));
	}
	close(p[1]);
	while ((n = read(p[0], buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			bad += buf[i] != (unsigned char)((total + i) % 251);
		total += n;
	}
	close(p[0]);
	ok(total == BIG && bad == 0, "%d bytes from the child arrive intact and in order", BIG);
	ok(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "the writer blocked when the pipe was full and finished cleanly");
}

int main(void)
{
	tap_plan(19);
	test_basic();
	test_pipe2();
	test_between_processes();
	return tap_done();
}
