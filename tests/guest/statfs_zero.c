// SPDX-License-Identifier: MIT
/*
 * statfs/fstatfs per file system (tmpfs for /dev/shm and /dev, procfs for
 * /proc, Linux's magic numbers) and mappings of /dev/zero: private ones
 * are anonymous memory, shared ones shared anonymous memory.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define TMPFS_MAGIC	 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0

static bool fails_with(long rc, int err)
{
	return rc == -1 && errno == err;
}

static bool is_tmpfs(const struct statfs *s)
{
	return s->f_type == TMPFS_MAGIC && s->f_bsize == 4096 && s->f_frsize == 4096 &&
	       s->f_namelen == 255 && s->f_blocks > 0 && s->f_bfree <= s->f_blocks &&
	       s->f_bavail == s->f_bfree && s->f_files > 0 && s->f_ffree > 0 &&
	       s->f_ffree < s->f_files && !(s->f_flags & ST_RDONLY);
}

static void test_statfs(void)
{
	struct statfs s;
	struct statvfs v;
	int fd;

	ok(!statfs("/proc", &s) && s.f_type == PROC_SUPER_MAGIC && s.f_blocks == 0 &&
	       s.f_files == 0 && s.f_bsize == 4096 && s.f_namelen == 255,
	   "statfs /proc: procfs, nothing to count");
	fd = open("/proc/meminfo", O_RDONLY);
	ok(!fstatfs(fd, &s) && s.f_type == PROC_SUPER_MAGIC, "fstatfs of a /proc file: procfs");
	close(fd);
	ok(!statfs("/dev/shm", &s) && is_tmpfs(&s), "statfs /dev/shm: a writable tmpfs");
	fd = open("/dev/zero", O_RDONLY);
	ok(!fstatfs(fd, &s) && s.f_type == TMPFS_MAGIC, "fstatfs of /dev/zero: tmpfs (devtmpfs)");
	close(fd);
	ok(!statfs("/tmp", &s) && s.f_bsize == 4096 && s.f_namelen == 255 && s.f_blocks > 0,
	   "statfs /tmp: 4 KiB blocks, 255-byte names");
	ok(!statvfs("/dev/shm", &v) && v.f_bsize == 4096 && v.f_namemax == 255 && v.f_blocks > 0,
	   "statvfs, through fstatfs's numbers");
	ok(fails_with(statfs("/nothing/here", &s), ENOENT) && fails_with(statfs("", &s), ENOENT),
	   "statfs of a missing path: ENOENT");
	ok(fails_with(fstatfs(-1, &s), EBADF), "fstatfs of a bad descriptor: EBADF");
	/* Straight to the kernel: musl clears the buffer before the call. */
	ok(fails_with(syscall(SYS_statfs, "/proc", 8L), EFAULT),
	   "statfs into a bad buffer: EFAULT");
}

static void test_dev_zero(void)
{
	int fd = open("/dev/zero", O_RDWR), ro = open("/dev/zero", O_RDONLY), status;
	volatile char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	volatile char *q = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	bool zeros = true;

	for (int i = 0; p != MAP_FAILED && q != MAP_FAILED && i < 8192; i++)
		zeros &= p[i] == 0 && q[i] == 0;
	ok(p != MAP_FAILED && q != MAP_FAILED && zeros,
	   "private and shared mappings of /dev/zero read as zeros");
	if (p == MAP_FAILED || q == MAP_FAILED)
		return;
	p[0] = 1;
	q[0] = 1;
	if (fork() == 0) {
		p[0] = 2;
		q[0] = 2;
		_exit(0);
	}
	wait(&status);
	ok(p[0] == 1, "a private mapping is the process's own (copy on write after fork)");
	ok(q[0] == 2, "a shared mapping is shared with the child");
	ok(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0) != MAP_FAILED,
	   "a private writable mapping of a read-only /dev/zero");
	ok(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
	       errno == EACCES,
	   "a shared writable one needs it open for writing: EACCES");
	ok(mmap(NULL, 4096, PROT_READ, MAP_SHARED, open("/dev/null", O_RDONLY), 0) == MAP_FAILED &&
	       errno == ENODEV,
	   "/dev/null cannot be mapped: ENODEV");
}

int main(void)
{
	tap_plan(15);
	test_statfs();
	test_dev_zero();
	return tap_done();
}
