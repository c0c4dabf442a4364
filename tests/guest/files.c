// SPDX-License-Identifier: MIT
/*
 * Files and directories, all under a fresh /tmp/pagelab-test-XXXXXX:
 * open/create/read/write, offsets (lseek, pread/pwrite, O_APPEND),
 * ftruncate and fstat sizes, directories and their listing, descriptors
 * (dup, dup2, fcntl, record locks), the working directory, and the errno values that
 * programs test for.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

static char top[64];

static bool fails_with(long rc, int err)
{
	return rc == -1 && errno == err;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir, sorted and joined by commas. */
static void listing(const char *dir, char *out, size_t len)
{
	char *names[32];
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	out[0] = '\0';
	if (!d)
		return;
	while ((e = readdir(d)) && n < 32)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (int i = 0; i < n; i++) {
		if (i)
			strncat(out, ",", len - strlen(out) - 1);
		strncat(out, names[i], len - strlen(out) - 1);
		free(names[i]);
	}
}

static void test_read_write(void)
{
	char buf[64] = { 0 };
	struct stat st;
	int fd;

	fd = open("a.txt", O_RDWR | O_CREAT | O_EXCL, 0644);
	ok(fd >= 3, "open O_CREAT|O_EXCL gives the lowest free descriptor above 2");
	ok(write(fd, "hello, world\n", 13) == 13, "write 13 bytes");
	ok(lseek(fd, 0, SEEK_CUR) == 13, "the offset follows the write");
	ok(lseek(fd, 7, SEEK_SET) == 7 && read(fd, buf, 5) == 5 && !memcmp(buf, "world", 5),
	   "lseek SEEK_SET then read");
	ok(read(fd, buf, sizeof(buf)) == 1 && read(fd, buf, sizeof(buf)) == 0,
	   "read stops at the end of the file, then returns 0");
	ok(pread(fd, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5) && lseek(fd, 0, SEEK_CUR) == 13,
	   "pread reads at an offset without moving the file offset");
	ok(pwrite(fd, "HELLO", 5, 0) == 5 && lseek(fd, 0, SEEK_CUR) == 13,
	   "pwrite writes at an offset without moving the file offset");
	ok(lseek(fd, -6, SEEK_END) == 7, "lseek SEEK_END");
	ok(fstat(fd, &st) == 0 && st.st_size == 13 && S_ISREG(st.st_mode) &&
	       (st.st_mode & 0777) == 0644,
	   "fstat: a 13-byte regular file, mode 0644");
	ok(ftruncate(fd, 100) == 0 && fstat(fd, &st) == 0 && st.st_size == 100,
	   "ftruncate grows the file");
	memset(buf, 'x', sizeof(buf));
	ok(pread(fd, buf, 10, 20) == 10 && !memcmp(buf, "\0\0\0\0\0\0\0\0\0\0", 10),
	   "the grown part reads as zeros");
	ok(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5,
	   "ftruncate shrinks the file");
	ok(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, sizeof(buf)) == 5 &&
	       !memcmp(buf, "HELLO", 5),
	   "the file now holds what pwrite put there");
	ok(fails_with(lseek(fd, -1, SEEK_SET), EINVAL), "lseek to a negative offset: EINVAL");
	close(fd);
}

static void test_append_trunc_big(void)
{
	static char big[70000], back[70000];
	struct stat st;
	int fd;

	fd = open("a.txt", O_WRONLY | O_APPEND);
	ok(fd >= 0 && write(fd, "++", 2) == 2 && stat("a.txt", &st) == 0 && st.st_size == 7,
	   "O_APPEND writes at the end");
	ok((fcntl(fd, F_GETFL) & (O_ACCMODE | O_APPEND)) == (O_WRONLY | O_APPEND),
	   "fcntl F_GETFL shows O_WRONLY|O_APPEND");
	close(fd);
	fd = open("a.txt", O_RDWR | O_TRUNC);
	ok(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC empties the file");
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	ok(write(fd, big, sizeof(big)) == sizeof(big), "one 70000-byte write");
	ok(pread(fd, back, sizeof(back), 0) == sizeof(back) && !memcmp(big, back, sizeof(big)),
	   "reads back the same 70000 bytes");
	close(fd);
	ok(fails_with(open("a.txt", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST),
	   "O_CREAT|O_EXCL on an existing file: EEXIST");
}

static void test_descriptors(void)
{
	char buf[8];
	struct stat st;
	int fd, d, flags;

	fd = open("b.txt", O_RDWR | O_CREAT, 0666);
	ok(fd >= 0 && write(fd, "0123456789", 10) == 10, "create b.txt");
	ok(fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0644, "the umask (022) applies");
	d = dup(fd);
	ok(d > fd, "dup gives a new descriptor");
	ok(lseek(fd, 2, SEEK_SET) == 2 && read(d, buf, 2) == 2 && !memcmp(buf, "23", 2),
	   "dup shares the file offset");
	ok(dup2(fd, 20) == 20 && lseek(20, 0, SEEK_CUR) == 4, "dup2 to a chosen number");
	ok(dup2(20, 20) == 20, "dup2 onto itself returns it");
	ok(fcntl(20, F_GETFD) == 0, "dup2 clears FD_CLOEXEC");
	ok(fcntl(20, F_SETFD, FD_CLOEXEC) == 0 && fcntl(20, F_GETFD) == FD_CLOEXEC,
	   "fcntl F_SETFD FD_CLOEXEC");
	flags = fcntl(fd, F_GETFL);
	ok((flags & O_ACCMODE) == O_RDWR, "fcntl F_GETFL shows O_RDWR");
	ok(fcntl(fd, F_DUPFD, 30) >= 30, "fcntl F_DUPFD picks a number >= 30");
	ok(close(20) == 0 && fails_with(close(20), EBADF), "closing twice: EBADF");
	ok(fails_with(read(99, buf, 1), EBADF) && fails_with(write(-1, buf, 1), EBADF),
	   "read/write on a bad descriptor: EBADF");
	ok(fails_with(fcntl(98, F_GETFL), EBADF), "fcntl on a bad descriptor: EBADF");
	close(fd);
	close(d);
	fd = open("b.txt", O_RDONLY);
	ok(fails_with(write(fd, "x", 1), EBADF), "write to a read-only descriptor: EBADF");
	close(fd);
}

/*
 * Record locks as one process sees its own: no conflict with itself, so
 * F_GETLK answers F_UNLCK. (tests/guest/locks.c has the contention; this
 * one is traced against strace, which shows each struct flock.)
 */
static void test_own_locks(void)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 4 };
	struct flock probe = { .l_type = F_RDLCK, .l_whence = SEEK_CUR, .l_start = 0, .l_len = 0 };
	int fd = open("b.txt", O_RDWR);

	ok(!fcntl(fd, F_SETLK, &fl), "F_SETLK takes a write lock on bytes 2..5");
	ok(!fcntl(fd, F_GETLK, &probe) && probe.l_type == F_UNLCK,
	   "F_GETLK: a process's own lock is no conflict (F_UNLCK)");
	fl.l_type = F_UNLCK;
	ok(!fcntl(fd, F_SETLKW, &fl), "F_SETLKW with F_UNLCK releases it");
	fl.l_type = F_RDLCK;
	fl.l_pid = 0;
	ok(!fcntl(fd, F_OFD_SETLK, &fl), "F_OFD_SETLK takes a read lock owned by the open file");
	fl.l_type = 7;
	ok(fails_with(fcntl(fd, F_SETLK, &fl), EINVAL), "an unknown lock type: EINVAL");
	close(fd);
}

static void test_directories(void)
{
	char list[256], cwd[256], want[256];
	struct stat st;
	int fd;

	ok(mkdir("sub", 0755) == 0, "mkdir");
	ok(fails_with(mkdir("sub", 0755), EEXIST), "mkdir of an existing name: EEXIST");
	ok(stat("sub", &st) == 0 && S_ISDIR(st.st_mode), "stat: a directory");
	listing(".", list, sizeof(list));
	ok(!strcmp(list, ".,..,a.txt,b.txt,sub"), "listing: [%s]", list);
	ok(fails_with(open("sub", O_WRONLY), EISDIR), "open a directory for writing: EISDIR");
	ok(fails_with(open("a.txt/x", O_RDONLY), ENOTDIR), "a file as a directory: ENOTDIR");
	ok(fails_with(open("nothing", O_RDONLY), ENOENT), "open a missing file: ENOENT");
	ok(fails_with(open("nothing/x", O_CREAT | O_WRONLY, 0644), ENOENT),
	   "create in a missing directory: ENOENT");
	ok(fails_with(mkdir("a.txt/d", 0755), ENOTDIR), "mkdir under a file: ENOTDIR");
	ok(access("a.txt", F_OK) == 0 && access("a.txt", R_OK | W_OK) == 0,
	   "access F_OK, R_OK|W_OK");
	ok(fails_with(access("nothing", F_OK), ENOENT), "access of a missing file: ENOENT");
	ok(chdir("sub") == 0 && getcwd(cwd, sizeof(cwd)) != NULL, "chdir, getcwd");
	snprintf(want, sizeof(want), "%s/sub", top);
	ok(!strcmp(cwd, want), "getcwd names the new directory");
	fd = open("../a.txt", O_RDONLY);
	ok(fd >= 0, "a relative path through ..");
	close(fd);
	fd = open("in-sub", O_CREAT | O_WRONLY, 0644);
	ok(fd >= 0 && close(fd) == 0, "create a file in the new working directory");
	ok(chdir("..") == 0 && stat("sub/in-sub", &st) == 0, "it is in sub");
	ok(fails_with(chdir("a.txt"), ENOTDIR), "chdir to a file: ENOTDIR");
	ok(fails_with(rmdir("sub"), ENOTEMPTY), "rmdir of a non-empty directory: ENOTEMPTY");
	ok(fails_with(unlink("sub"), EISDIR), "unlink of a directory: EISDIR");
	ok(unlink("sub/in-sub") == 0 && rmdir("sub") == 0, "unlink, then rmdir");
	ok(fails_with(stat("sub", &st), ENOENT), "gone: ENOENT");
}

static void test_unlink_open_file(void)
{
	char buf[4];
	int fd = open("b.txt", O_RDONLY);

	ok(unlink("b.txt") == 0 && fails_with(access("b.txt", F_OK), ENOENT),
	   "unlink removes the name");
	ok(fd >= 0 && read(fd, buf, 4) == 4 && !memcmp(buf, "0123", 4),
	   "an open descriptor still reads the unlinked file");
	close(fd);
	ok(fails_with(unlink("b.txt"), ENOENT), "unlink of a missing file: ENOENT");
}

int main(void)
{
	tap_plan(65);
	umask(022);
	snprintf(top, sizeof(top), "/tmp/pagelab-test-XXXXXX");
	if (!ok(mkdtemp(top) != NULL && chdir(top) == 0, "a fresh directory under /tmp"))
		return tap_done();
	test_read_write();
	test_append_trunc_big();
	test_descriptors();
	test_own_locks();
	test_directories();
	test_unlink_open_file();
	ok(unlink("a.txt") == 0 && chdir("/") == 0 && rmdir(top) == 0, "clean up");
	return tap_done();
}
