// SPDX-License-Identifier: MIT
/*
 * Pipes, devices and the standard streams through the syscalls, as
 * tests/guest/pipes.c uses them, plus vectored I/O and the synthetic-file
 * hook that /proc will use.
 */
#include "fs_harness.h"

static void test_devices_and_stdio(void **state)
{
	char buf[16];
	long fd;

	(void)state;
	assert_int_equal(xwrite(1, "to stdout\n", 10), 10);
	assert_int_equal(xwrite(2, "to stderr\n", 10), 10);
	assert_int_equal(out_len, 20);
	assert_memory_equal(out, "to stdout\nto stderr\n", 20);
	assert_int_equal(xwrite(1, (void *)8, 10), -EFAULT);
	assert_int_equal(xwrite(0, "x", 1), -EBADF);
	assert_int_equal(xread(1, buf, 1), -EBADF);
	stdin_data = "typed";
	assert_int_equal(xread(0, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "typed", 5);
	assert_int_equal(xread(0, buf, sizeof(buf)), 0); /* end of input */
	assert_int_equal(sys_ioctl(1, TIOCGWINSZ, U(buf)), -ENOTTY);
	assert_int_equal(sys_lseek(1, 0, SEEK_CUR), -ESPIPE);
	assert_true(S_ISCHR(xfstat(1).st_mode));

	fd = xopen("/dev/null", O_RDWR, 0);
	assert_int_equal(xwrite(fd, "gone", 4), 4);
	assert_int_equal(xread(fd, buf, sizeof(buf)), 0);
	assert_int_equal(sys_lseek(fd, 100, SEEK_SET), 0);
	assert_int_equal(xfstat(fd).st_rdev, 0x103);
	sys_close(fd);
	fd = xopen("/dev/zero", O_RDONLY, 0);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(xread(fd, buf, sizeof(buf)), sizeof(buf));
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	sys_close(fd);
	fd = xopen("/dev/console", O_WRONLY, 0);
	out_len = 0;
	assert_int_equal(xwrite(fd, "console", 7), 7);
	assert_int_equal(out_len, 7);
	sys_close(fd);
	/* A device number with no driver. */
	assert_int_equal(sys_mknod(U("nodev"), S_IFCHR | 0600, 0x0a0b), 0);
	assert_int_equal(xstat("nodev").st_rdev, 0x0a0b);
	assert_int_equal(xopen("nodev", O_RDONLY, 0), -ENXIO);
	assert_int_equal(xstat("/tmp").st_mode, S_IFDIR | 01777);
	assert_int_equal(xstat("/dev/shm").st_mode, S_IFDIR | 01777);
}

static void test_pipe_basic(void **state)
{
	char buf[16];
	int p[2];
	int avail;

	(void)state;
	assert_int_equal(sys_pipe(U(p)), 0);
	assert_int_equal(p[0], 3);
	assert_int_equal(p[1], 4);
	assert_int_equal(xwrite(p[1], "hello", 5), 5);
	assert_int_equal(xwrite(p[1], "world", 5), 5);
	assert_int_equal(sys_ioctl(p[0], FIONREAD, U(&avail)), 0);
	assert_int_equal(avail, 10);
	assert_int_equal(xread(p[0], buf, 3), 3);
	assert_memory_equal(buf, "hel", 3);
	assert_int_equal(xread(p[0], buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "loworld", 7);
	assert_int_equal(sys_fcntl(p[0], F_GETFL, 0) & O_ACCMODE, O_RDONLY);
	assert_int_equal(sys_fcntl(p[1], F_GETFL, 0) & O_ACCMODE, O_WRONLY);
	assert_int_equal(sys_fcntl(p[0], F_GETFD, 0), 0);
	assert_int_equal(sys_lseek(p[0], 0, SEEK_CUR), -ESPIPE);
	assert_int_equal(sys_fcntl(p[0], F_GETPIPE_SZ, 0), 65536);
	assert_int_equal(sys_fsync(p[0]), -EINVAL);
	assert_int_equal(sys_pread64(p[0], U(buf), 1, 0), -ESPIPE);
	assert_true(S_ISFIFO(xfstat(p[0]).st_mode));
	/* Empty with a writer: the reader sleeps, and a signal ends the sleep. */
	assert_int_equal(xread(p[0], buf, 1), -ERESTARTSYS);
	assert_int_equal(sleeps, 1);
	sys_close(p[1]);
	assert_int_equal(xread(p[0], buf, sizeof(buf)), 0);
	sys_close(p[0]);

	assert_int_equal(sys_pipe(U(p)), 0);
	sys_close(p[0]);
	assert_int_equal(xwrite(p[1], "x", 1), -EPIPE);
	assert_int_equal(last_signal, SIGPIPE);
	sys_close(p[1]);
	assert_int_equal(xread(p[0], buf, 1), -EBADF);
	assert_int_equal(sys_pipe(8), -EFAULT);
	assert_int_equal(sys_fcntl(3, F_GETFD, 0), -EBADF); /* nothing left behind */
}

static void test_pipe2_flags_and_full(void **state)
{
	static char big[70000];
	char c;
	int p[2];

	(void)state;
	assert_int_equal(sys_pipe2(U(p), O_CLOEXEC), 0);
	assert_int_equal(sys_fcntl(p[0], F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(sys_fcntl(p[1], F_GETFD, 0), FD_CLOEXEC);
	sys_close(p[0]);
	sys_close(p[1]);
	assert_int_equal(sys_pipe2(U(p), O_NONBLOCK), 0);
	assert_true(sys_fcntl(p[0], F_GETFL, 0) & O_NONBLOCK);
	assert_true(sys_fcntl(p[1], F_GETFL, 0) & O_NONBLOCK);
	assert_int_equal(xread(p[0], &c, 1), -EAGAIN);
	/* A full pipe takes what fits, then EAGAIN; a small write waits to fit whole. */
	assert_int_equal(xwrite(p[1], big, sizeof(big)), 65536);
	assert_int_equal(xwrite(p[1], big, 1), -EAGAIN);
	assert_int_equal(xread(p[0], big, 10), 10);
	assert_int_equal(xwrite(p[1], big, 100), -EAGAIN);
	assert_int_equal(xwrite(p[1], big, 10), 10);
	/* Blocking again: a big write fills, then sleeps and returns what it wrote. */
	assert_int_equal(sys_fcntl(p[1], F_SETFL, 0), 0);
	assert_int_equal(xread(p[0], big, 5000), 5000);
	assert_int_equal(xwrite(p[1], big, sizeof(big)), 5000);
	assert_int_equal(sleeps, 1);
	assert_int_equal(xwrite(p[1], big, 10), -ERESTARTSYS);
	sys_close(p[0]);
	sys_close(p[1]);
	assert_int_equal(sys_pipe2(U(p), 0x4), -EINVAL);
}

static void test_fork_shares_files(void **state)
{
	struct fdtable *parent = proc.files, *child;
	char buf[8];
	int p[2];

	(void)state;
	assert_int_equal(sys_pipe(U(p)), 0);
	child = fdtable_dup(parent);
	/* The child closes its write end: the parent's keeps the pipe open. */
	proc.files = child;
	sys_close(p[1]);
	proc.files = parent;
	assert_int_equal(xwrite(p[1], "ab", 2), 2);
	/* The child exits: its read end goes, the parent still reads. */
	fdtable_put(child);
	assert_int_equal(xread(p[0], buf, 8), 2);
	sys_close(p[1]);
	assert_int_equal(xread(p[0], buf, 8), 0);
	sys_close(p[0]);
}

static void test_fifo(void **state)
{
	char buf[8];
	long r, w, rw;

	(void)state;
	assert_int_equal(sys_mknod(U("fifo"), S_IFIFO | 0644, 0), 0);
	assert_true(S_ISFIFO(xstat("fifo").st_mode));
	/* No reader: a non-blocking writer is refused, a blocking one waits. */
	assert_int_equal(xopen("fifo", O_WRONLY | O_NONBLOCK, 0), -ENXIO);
	assert_int_equal(xopen("fifo", O_WRONLY, 0), -ERESTARTSYS);
	assert_int_equal(sleeps, 1);
	/* A non-blocking reader opens at once; then a writer finds it. */
	r = xopen("fifo", O_RDONLY | O_NONBLOCK, 0);
	assert_true(r >= 0);
	assert_int_equal(xread(r, buf, sizeof(buf)), 0); /* no writer yet: end of file */
	w = xopen("fifo", O_WRONLY, 0);
	assert_true(w >= 0);
	assert_int_equal(sleeps, 1);
	assert_int_equal(xwrite(w, "fifo!", 5), 5);
	assert_int_equal(xread(r, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "fifo!", 5);
	assert_int_equal(xread(r, buf, sizeof(buf)), -EAGAIN);
	sys_close(w);
	sys_close(r);
	/* O_RDWR is both ends and never waits. */
	rw = xopen("fifo", O_RDWR, 0);
	assert_true(rw >= 0);
	assert_int_equal(xwrite(rw, "x", 1), 1);
	assert_int_equal(xread(rw, buf, 1), 1);
	sys_close(rw);
	/* A blocking reader with no writer waits (and a signal ends the wait). */
	assert_int_equal(xopen("fifo", O_RDONLY, 0), -ERESTARTSYS);
	assert_int_equal(sleeps, 2);
}

static void test_vectors(void **state)
{
	char a[4], b[8], back[16] = { 0 };
	struct iovec iov[3] = { { (void *)"abc", 3 }, { NULL, 0 }, { (void *)"defgh", 5 } };
	int p[2];
	long fd;

	(void)state;
	fd = xopen("v", O_RDWR | O_CREAT, 0644);
	assert_int_equal(sys_writev(fd, U(iov), 3), 8);
	assert_int_equal(sys_pread64(fd, U(back), sizeof(back), 0), 8);
	assert_string_equal(back, "abcdefgh");
	iov[0] = (struct iovec){ a, sizeof(a) };
	iov[1] = (struct iovec){ b, sizeof(b) };
	assert_int_equal(sys_preadv(fd, U(iov), 2, 1), 7);
	assert_memory_equal(a, "bcde", 4);
	assert_memory_equal(b, "fgh", 3);
	assert_int_equal(sys_readv(fd, U(iov), -1), -EINVAL);
	assert_int_equal(sys_readv(fd, U(iov), 1025), -EINVAL);
	assert_int_equal(sys_readv(fd, 8, 1), -EFAULT);
	sys_close(fd);
	/* A pipe: readv returns what is there instead of waiting to fill b. */
	assert_int_equal(sys_pipe(U(p)), 0);
	assert_int_equal(xwrite(p[1], "12345", 5), 5);
	assert_int_equal(sys_readv(p[0], U(iov), 2), 5);
	assert_int_equal(sleeps, 0);
	sys_close(p[0]);
	sys_close(p[1]);
}

/* ---- the /proc hook ---- */

static int generated;

static long gen_text(void *arg, char *buf, size_t size)
{
	generated++;
	/* Longer than the first buffer, so that it is generated again. */
	return snprintf(buf, size, "%s %*d\n", (const char *)arg, 5000, generated);
}

static void test_synthetic_file(void **state)
{
	static char buf[6000];
	struct stat st;
	long fd;

	(void)state;
	assert_int_equal(vfs_synth_file("/proc/self/status", 0444, gen_text, "state:"), 0);
	assert_int_equal(vfs_synth_file("/proc/self/status", 0444, gen_text, "x"), -EEXIST);
	generated = 0;
	fd = xopen("/proc/self/status", O_RDONLY, 0);
	assert_true(fd >= 0);
	assert_int_equal(generated, 2);
	/* Reads in pieces see one snapshot. */
	assert_int_equal(xread(fd, buf, 6), 6);
	assert_memory_equal(buf, "state:", 6);
	assert_int_equal(xread(fd, buf, sizeof(buf)), 5000 + 2);
	assert_int_equal(buf[5000], '2');
	assert_int_equal(xread(fd, buf, sizeof(buf)), 0);
	assert_int_equal(sys_lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(xread(fd, buf, 6), 6);
	assert_int_equal(xfstat(fd).st_size, 0);
	sys_close(fd);
	assert_int_equal(generated, 2);
	assert_int_equal(xopen("/proc/self/status", O_WRONLY, 0) >= 0, 1);
	assert_int_equal(sys_stat(U("/proc/self"), U(&st)), 0);
	assert_true(S_ISDIR(st.st_mode));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_devices_and_stdio), T(test_pipe_basic), T(test_pipe2_flags_and_full),
		T(test_fork_shares_files), T(test_fifo),       T(test_vectors),
		T(test_synthetic_file),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
