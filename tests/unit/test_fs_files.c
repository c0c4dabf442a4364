// SPDX-License-Identifier: MIT
/*
 * Files and directories through the syscalls, as tests/guest/files.c uses
 * them: offsets, O_APPEND and O_TRUNC, descriptors, directories, the *at()
 * calls, O_PATH, unlinked open files and rename's rules.
 */
#include "fs_harness.h"

static void test_read_write_seek(void **state)
{
	char buf[64] = { 0 };
	struct stat st;
	long fd;

	(void)state;
	fd = xopen("a.txt", O_RDWR | O_CREAT | O_EXCL, 0644);
	assert_int_equal(fd, 3);
	assert_int_equal(xwrite(fd, "hello, world\n", 13), 13);
	assert_int_equal(sys_lseek(fd, 0, SEEK_CUR), 13);
	assert_int_equal(sys_lseek(fd, 7, SEEK_SET), 7);
	assert_int_equal(xread(fd, buf, 5), 5);
	assert_memory_equal(buf, "world", 5);
	assert_int_equal(xread(fd, buf, sizeof(buf)), 1);
	assert_int_equal(xread(fd, buf, sizeof(buf)), 0);
	assert_int_equal(sys_pread64(fd, U(buf), 5, 0), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(sys_pwrite64(fd, U("HELLO"), 5, 0), 5);
	assert_int_equal(sys_lseek(fd, 0, SEEK_CUR), 13);
	assert_int_equal(sys_lseek(fd, -6, SEEK_END), 7);
	st = xfstat(fd);
	assert_int_equal(st.st_size, 13);
	assert_int_equal(st.st_mode, S_IFREG | 0644);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(sys_ftruncate(fd, 100), 0);
	assert_int_equal(xfstat(fd).st_size, 100);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(sys_pread64(fd, U(buf), 10, 20), 10);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0\0\0", 10);
	assert_int_equal(sys_ftruncate(fd, 5), 0);
	assert_int_equal(sys_lseek(fd, 0, SEEK_SET), 0);
	assert_int_equal(xread(fd, buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "HELLO", 5);
	assert_int_equal(sys_lseek(fd, -1, SEEK_SET), -EINVAL);
	assert_int_equal(sys_lseek(fd, 0, 99), -EINVAL);
	assert_int_equal(sys_pread64(fd, U(buf), 1, (u64)-1), -EINVAL);
	assert_int_equal(xread(fd, (void *)16, 1), 0); /* at the end: nothing to copy */
	assert_int_equal(sys_pread64(fd, 16, 1, 0), -EFAULT);
	assert_int_equal(sys_close(fd), 0);
}

static void test_append_trunc_big(void **state)
{
	static char big[70000], back[70000];
	long fd;

	(void)state;
	fd = xopen("a.txt", O_RDWR | O_CREAT, 0644);
	assert_int_equal(xwrite(fd, "HELLO", 5), 5);
	sys_close(fd);
	fd = xopen("a.txt", O_WRONLY | O_APPEND, 0);
	assert_int_equal(xwrite(fd, "++", 2), 2);
	assert_int_equal(xstat("a.txt").st_size, 7);
	assert_int_equal(sys_fcntl(fd, F_GETFL, 0) & (O_ACCMODE | O_APPEND), O_WRONLY | O_APPEND);
	/* Linux: pwrite on an O_APPEND file appends all the same. */
	assert_int_equal(sys_pwrite64(fd, U("!"), 1, 0), 1);
	assert_int_equal(xstat("a.txt").st_size, 8);
	sys_close(fd);
	fd = xopen("a.txt", O_RDWR | O_TRUNC, 0);
	assert_int_equal(xfstat(fd).st_size, 0);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	assert_int_equal(xwrite(fd, big, sizeof(big)), sizeof(big));
	assert_int_equal(sys_pread64(fd, U(back), sizeof(back), 0), sizeof(back));
	assert_memory_equal(big, back, sizeof(big));
	assert_int_equal(xfstat(fd).st_blocks, 18 * 8);
	sys_close(fd);
	assert_int_equal(xopen("a.txt", O_RDWR | O_CREAT | O_EXCL, 0644), -EEXIST);
	/* O_TRUNC on a read-only open truncates too (Linux, as root). */
	fd = xopen("a.txt", O_RDONLY | O_TRUNC, 0);
	assert_int_equal(xfstat(fd).st_size, 0);
	sys_close(fd);
}

static void test_descriptors(void **state)
{
	char buf[8];
	long fd, d, ro;

	(void)state;
	assert_int_equal(sys_umask(022), 022);
	fd = xopen("b.txt", O_RDWR | O_CREAT, 0666);
	assert_int_equal(xwrite(fd, "0123456789", 10), 10);
	assert_int_equal(xfstat(fd).st_mode & 0777, 0644);
	d = sys_dup(fd);
	assert_true(d > fd);
	assert_int_equal(sys_lseek(fd, 2, SEEK_SET), 2);
	assert_int_equal(xread(d, buf, 2), 2);
	assert_memory_equal(buf, "23", 2);
	assert_int_equal(sys_dup2(fd, 20), 20);
	assert_int_equal(sys_lseek(20, 0, SEEK_CUR), 4);
	assert_int_equal(sys_dup2(20, 20), 20);
	assert_int_equal(sys_fcntl(20, F_GETFD, 0), 0);
	assert_int_equal(sys_fcntl(20, F_SETFD, FD_CLOEXEC), 0);
	assert_int_equal(sys_fcntl(20, F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(sys_fcntl(fd, F_GETFL, 0) & O_ACCMODE, O_RDWR);
	assert_true(sys_fcntl(fd, F_DUPFD, 30) >= 30);
	assert_int_equal(sys_fcntl(fd, F_DUPFD, 1024), -EINVAL);
	assert_int_equal(sys_fcntl(fd, F_DUPFD_CLOEXEC, 40), 40);
	assert_int_equal(sys_fcntl(40, F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(sys_close(20), 0);
	assert_int_equal(sys_close(20), -EBADF);
	assert_int_equal(xread(99, buf, 1), -EBADF);
	assert_int_equal(xwrite(-1, buf, 1), -EBADF);
	assert_int_equal(sys_fcntl(98, F_GETFL, 0), -EBADF);
	assert_int_equal(sys_dup3(fd, fd, 0), -EINVAL);
	assert_int_equal(sys_dup3(fd, 50, O_CLOEXEC), 50);
	assert_int_equal(sys_fcntl(50, F_GETFD, 0), FD_CLOEXEC);
	assert_int_equal(sys_dup2(fd, 1024), -EBADF);
	/* execve closes the FD_CLOEXEC ones. */
	fdtable_exec(proc.files);
	assert_int_equal(sys_fcntl(40, F_GETFD, 0), -EBADF);
	assert_int_equal(sys_fcntl(50, F_GETFD, 0), -EBADF);
	assert_int_equal(sys_fcntl(fd, F_GETFD, 0), 0);
	ro = xopen("b.txt", O_RDONLY, 0);
	assert_int_equal(xwrite(ro, "x", 1), -EBADF);
	assert_int_equal(sys_ftruncate(ro, 0), -EINVAL);
	/* The lowest free number is reused. */
	sys_close(fd);
	assert_int_equal(xopen("b.txt", O_RDONLY, 0), fd);
}

static void test_fd_limit(void **state)
{
	long fd = 0;

	(void)state;
	for (int i = 3; i < NR_OPEN_MAX; i++) {
		fd = sys_dup(0);
		assert_int_equal(fd, i);
	}
	assert_int_equal(sys_dup(0), -EMFILE);
	assert_int_equal(xopen("/", O_RDONLY, 0), -EMFILE);
	assert_int_equal(sys_close(1023), 0);
	assert_int_equal(sys_dup(0), 1023);
}

static void test_directories(void **state)
{
	char list[256], cwd[256], want[256];
	struct stat st;
	long fd, n;

	(void)state;
	n = sys_getcwd(U(cwd), sizeof(cwd));
	assert_int_equal(n, (long)strlen(cwd) + 1);
	assert_memory_equal(cwd, "/tmp/t", 6);
	touch("a.txt");
	touch("b.txt");
	assert_int_equal(sys_mkdir(U("sub"), 0755), 0);
	assert_int_equal(sys_mkdir(U("sub"), 0755), -EEXIST);
	st = xstat("sub");
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0755);
	listing(".", list, sizeof(list));
	assert_string_equal(list, ".,..,a.txt,b.txt,sub");
	assert_int_equal(xopen("sub", O_WRONLY, 0), -EISDIR);
	assert_int_equal(xopen("sub", O_RDONLY | O_CREAT, 0644), -EISDIR);
	assert_int_equal(xopen("sub/", O_RDONLY | O_CREAT, 0644), -EISDIR);
	assert_int_equal(xopen("new/", O_RDONLY | O_CREAT, 0644), -EISDIR);
	assert_int_equal(xopen("a.txt", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
	assert_int_equal(xopen("a.txt/x", O_RDONLY, 0), -ENOTDIR);
	assert_int_equal(xopen("a.txt/", O_RDONLY, 0), -ENOTDIR);
	assert_int_equal(xopen("nothing", O_RDONLY, 0), -ENOENT);
	assert_int_equal(xopen("nothing/x", O_CREAT | O_WRONLY, 0644), -ENOENT);
	assert_int_equal(xopen("", O_RDONLY, 0), -ENOENT);
	assert_int_equal(sys_mkdir(U("a.txt/d"), 0755), -ENOTDIR);
	assert_int_equal(sys_access(U("a.txt"), 0), 0);
	assert_int_equal(sys_access(U("a.txt"), 4 | 2), 0);
	assert_int_equal(sys_access(U("a.txt"), 1), -EACCES);
	assert_int_equal(sys_access(U("sub"), 1), 0);
	assert_int_equal(sys_access(U("a.txt"), 8), -EINVAL);
	assert_int_equal(sys_access(U("nothing"), 0), -ENOENT);
	assert_int_equal(sys_readlink(U("a.txt"), U(cwd), sizeof(cwd)), -EINVAL);

	strcpy(want, cwd);
	strcat(want, "/sub");
	assert_int_equal(sys_chdir(U("sub")), 0);
	assert_int_equal(sys_getcwd(U(cwd), sizeof(cwd)), (long)strlen(want) + 1);
	assert_string_equal(cwd, want);
	assert_int_equal(sys_getcwd(U(cwd), 3), -ERANGE);
	fd = xopen("../a.txt", O_RDONLY, 0);
	assert_true(fd >= 0);
	sys_close(fd);
	fd = xopen("in-sub", O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	sys_close(fd);
	assert_int_equal(sys_chdir(U("..")), 0);
	assert_int_equal(sys_stat(U("sub/in-sub"), U(&st)), 0);
	assert_int_equal(sys_chdir(U("a.txt")), -ENOTDIR);
	assert_int_equal(sys_rmdir(U("sub")), -ENOTEMPTY);
	assert_int_equal(sys_unlink(U("sub")), -EISDIR);
	assert_int_equal(sys_unlink(U("a.txt/")), -ENOTDIR);
	assert_int_equal(sys_rmdir(U("a.txt")), -ENOTDIR);
	assert_int_equal(sys_rmdir(U(".")), -EINVAL);
	assert_int_equal(sys_rmdir(U("/")), -EBUSY);
	assert_int_equal(sys_unlink(U("sub/in-sub")), 0);
	assert_int_equal(sys_rmdir(U("sub/")), 0);
	assert_int_equal(sys_stat(U("sub"), U(&st)), -ENOENT);
}

static void test_at_calls(void **state)
{
	struct stat st;
	long dfd, fd;

	(void)state;
	assert_int_equal(sys_mkdirat(CWD, U("d"), 0700), 0);
	dfd = xopen("d", O_RDONLY | O_DIRECTORY, 0);
	fd = sys_openat(dfd, U("f"), O_CREAT | O_WRONLY, 0600);
	assert_true(fd >= 0);
	assert_int_equal(sys_newfstatat(dfd, U("f"), U(&st), 0), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	assert_int_equal(sys_newfstatat(fd, U(""), U(&st), AT_EMPTY_PATH), 0);
	assert_int_equal(st.st_mode, S_IFREG | 0600);
	assert_int_equal(sys_newfstatat(fd, U(""), U(&st), 0), -ENOENT);
	assert_int_equal(sys_newfstatat(fd, U("x"), U(&st), 0), -ENOTDIR);
	assert_int_equal(sys_newfstatat(77, U("x"), U(&st), 0), -EBADF);
	assert_int_equal(sys_newfstatat(77, U("/tmp"), U(&st), 0), 0); /* absolute: dirfd unused */
	assert_int_equal(sys_newfstatat(dfd, U("f"), U(&st), 0x8000000), -EINVAL);
	assert_int_equal(sys_renameat(dfd, U("f"), CWD, U("g")), 0);
	assert_int_equal(sys_faccessat(CWD, U("g"), 0), 0);
	assert_int_equal(sys_unlinkat(dfd, U("f"), 0), -ENOENT);
	assert_int_equal(sys_unlinkat(CWD, U("d"), 0), -EISDIR);
	assert_int_equal(sys_unlinkat(CWD, U("d"), AT_REMOVEDIR), 0);
	/* The removed directory is still open: listing it fails, creating in it too. */
	assert_int_equal(sys_getdents64(dfd, U(&st), sizeof(st)), -ENOENT);
	assert_int_equal(sys_openat(dfd, U("h"), O_CREAT | O_WRONLY, 0600), -ENOENT);
	assert_int_equal(sys_fchdir(dfd), 0);
	assert_int_equal(sys_getcwd(U(&st), sizeof(st)), -ENOENT);
	assert_int_equal(sys_chdir(U("/tmp")), 0);
	assert_int_equal(sys_fchdir(fd), -ENOTDIR);
	assert_int_equal(sys_getdents64(fd, U(&st), sizeof(st)), -ENOTDIR);
	sys_close(fd);
	sys_close(dfd);
}

static void test_o_path(void **state)
{
	struct stat st;
	char buf[64];
	long o, fd;

	(void)state;
	assert_int_equal(sys_mkdir(U("p"), 0755), 0);
	o = xopen("p", O_PATH | O_RDWR | O_TRUNC, 0);
	assert_true(o >= 0);
	assert_int_equal(sys_fcntl(o, F_GETFL, 0), O_PATH);
	assert_int_equal(xread(o, buf, 1), -EBADF);
	assert_int_equal(sys_lseek(o, 0, SEEK_SET), -EBADF);
	assert_int_equal(sys_ioctl(o, FIONREAD, U(buf)), -EBADF);
	assert_int_equal(sys_getdents64(o, U(buf), sizeof(buf)), -EBADF);
	assert_int_equal(sys_fchmod(o, 0700), -EBADF);
	assert_int_equal(sys_fsync(o), -EBADF);
	assert_int_equal(sys_fstat(o, U(&st)), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* A name held open still works as a directory for *at() and fchdir. */
	fd = sys_openat(o, U("f"), O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	sys_close(fd);
	assert_int_equal(sys_fchdir(o), 0);
	assert_int_equal(sys_access(U("f"), 0), 0);
	sys_close(o);
}

static void test_unlink_open_file(void **state)
{
	char buf[4];
	long fd;

	(void)state;
	fd = xopen("b.txt", O_RDWR | O_CREAT, 0644);
	xwrite(fd, "0123", 4);
	sys_lseek(fd, 0, SEEK_SET);
	assert_int_equal(sys_unlink(U("b.txt")), 0);
	assert_int_equal(sys_access(U("b.txt"), 0), -ENOENT);
	assert_int_equal(xread(fd, buf, 4), 4);
	assert_memory_equal(buf, "0123", 4);
	assert_int_equal(xfstat(fd).st_nlink, 0);
	sys_close(fd);
	assert_int_equal(sys_unlink(U("b.txt")), -ENOENT);
}

static void test_rename_rules(void **state)
{
	long fd;

	(void)state;
	assert_int_equal(sys_mkdir(U("d1"), 0755), 0);
	assert_int_equal(sys_mkdir(U("d2"), 0755), 0);
	fd = xopen("d2/x", O_CREAT | O_WRONLY, 0644);
	sys_close(fd);
	fd = xopen("f", O_CREAT | O_WRONLY, 0644);
	sys_close(fd);
	assert_int_equal(sys_rename(U("d1"), U("d2")), -ENOTEMPTY);
	assert_int_equal(sys_rename(U("d1"), U("f")), -ENOTDIR);
	assert_int_equal(sys_rename(U("f"), U("d1")), -EISDIR);
	assert_int_equal(sys_rename(U("f/"), U("g")), -ENOTDIR);
	assert_int_equal(sys_rename(U("d1"), U("d1/in")), -EINVAL);
	assert_int_equal(sys_rename(U("."), U("x")), -EBUSY);
	assert_int_equal(sys_renameat2(CWD, U("f"), CWD, U("d2/x"), RENAME_NOREPLACE), -EEXIST);
	assert_int_equal(sys_renameat2(CWD, U("f"), CWD, U("d2/x"), 2), -EINVAL);
	assert_int_equal(sys_rename(U("f"), U("d2/x")), 0);
	assert_int_equal(sys_rename(U("d1/"), U("d3")), 0);
	assert_int_equal(xstat("d2").st_nlink, 2);
	assert_int_equal(sys_link(U("d2/x"), U("y")), 0);
	assert_int_equal(xstat("y").st_nlink, 2);
	assert_int_equal(sys_link(U("d3"), U("z")), -EPERM);
	assert_int_equal(sys_link(U("d2/x"), U("y")), -EEXIST);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_read_write_seek), T(test_append_trunc_big), T(test_descriptors),
		T(test_fd_limit),	 T(test_directories),	   T(test_at_calls),
		T(test_o_path),		 T(test_unlink_open_file), T(test_rename_rules),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
