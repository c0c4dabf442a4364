// SPDX-License-Identifier: MIT
/*
 * File times and mmap, as POSIX asks and Linux (relatime) does: mapping a
 * file and reading it marks atime; stores through MAP_SHARED mark mtime
 * and ctime by the next msync, again after each msync; reading only, or
 * storing into a MAP_PRIVATE copy, leaves them. read() marks atime when
 * it is not newer than mtime. Only the order of times is compared, with
 * naps long enough for a coarse file-system clock (Linux's is a tick).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static char path[64];

static void nap(void)
{
	struct timespec ts = { 0, 30 * 1000000 };

	nanosleep(&ts, NULL);
}

static bool after(struct timespec a, struct timespec b)
{
	return a.tv_sec > b.tv_sec || (a.tv_sec == b.tv_sec && a.tv_nsec > b.tv_nsec);
}

static bool same(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static struct stat now_stat(int fd)
{
	struct stat st;

	fstat(fd, &st);
	return st;
}

int main(void)
{
	char page[4096], c;
	struct stat s0, s1;
	volatile char *m;
	int fd;

	tap_plan(9);
	strcpy(path, "/tmp/pagelab-times-XXXXXX");
	fd = mkstemp(path);
	memset(page, 'a', sizeof(page));
	if (fd < 0 || write(fd, page, sizeof(page)) != sizeof(page) ||
	    write(fd, page, sizeof(page)) != sizeof(page)) {
		printf("Bail out! cannot make %s\n", path);
		return 1;
	}
	s0 = now_stat(fd);
	nap();
	m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	c = m[4096];
	s1 = now_stat(fd);
	ok(c == 'a' && after(s1.st_atim, s0.st_atim),
	   "mapping a file and reading through it marks atime");
	ok(same(s1.st_mtim, s0.st_mtim) && same(s1.st_ctim, s0.st_ctim),
	   "and leaves mtime and ctime");
	munmap((void *)m, 8192);

	nap();
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	c = m[0];
	msync((void *)m, 8192, MS_SYNC);
	s1 = now_stat(fd);
	ok(same(s1.st_mtim, s0.st_mtim), "reading a writable shared mapping leaves mtime");
	nap();
	m[1] = 'b';
	msync((void *)m, 8192, MS_SYNC);
	s1 = now_stat(fd);
	ok(after(s1.st_mtim, s0.st_mtim) && after(s1.st_ctim, s0.st_ctim),
	   "a store through MAP_SHARED marks mtime and ctime by msync");
	s0 = s1;
	nap();
	m[4097] = 'c';
	msync((void *)m, 8192, MS_ASYNC);
	s1 = now_stat(fd);
	ok(after(s1.st_mtim, s0.st_mtim) && after(s1.st_ctim, s0.st_ctim),
	   "a store after that msync marks them again by the next one");
	s0 = s1;
	nap();
	msync((void *)m, 8192, MS_SYNC);
	s1 = now_stat(fd);
	ok(same(s1.st_mtim, s0.st_mtim), "msync without stores since the last one changes nothing");
	munmap((void *)m, 8192);

	nap();
	m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	m[2] = 'd';
	msync((void *)m, 8192, MS_SYNC);
	s1 = now_stat(fd);
	ok(same(s1.st_mtim, s0.st_mtim) && same(s1.st_ctim, s0.st_ctim),
	   "a store into a MAP_PRIVATE copy leaves mtime and ctime");
	munmap((void *)m, 8192);

	s0 = now_stat(fd);
	nap();
	ok(pread(fd, &c, 1, 1) == 1 && c == 'b' && same(now_stat(fd).st_atim, s0.st_atim),
	   "read() leaves an atime newer than mtime (relatime)");
	nap();
	ok(pwrite(fd, "x", 1, 0) == 1 && pread(fd, &c, 1, 1) == 1 &&
	       after(now_stat(fd).st_atim, s0.st_atim),
	   "but marks it once the file was modified after it");
	close(fd);
	unlink(path);
	return tap_done();
}
