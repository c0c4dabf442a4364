/*
 * Sparse files: a write far past the end costs the pages that hold data
 * (st_blocks says so), a write whose buffer faults fails with EFAULT, and
 * truncation to zero gives everything back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#define FAR (64LL << 30)
#define MID (3300LL << 20)

static struct stat stat_of(int fd)
{
	struct stat st = { 0 };

	fstat(fd, &st);
	return st;
}

static bool store_through_mapping(int fd)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, FAR);

	if (p == MAP_FAILED)
		return false;
	p[0] = 'm';
	return munmap(p, 4096) == 0;
}

int main(void)
{
	char path[] = "/tmp/pagelab-sparse-XXXXXX", c = 0;
	int fd = mkstemp(path);
	char *unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct stat st;
	bool all_failed = true;

	tap_plan(8);
	ok(fd >= 0 && pwrite(fd, "x", 1, FAR) == 1, "a byte written at 64 GiB");
	st = stat_of(fd);
	ok(st.st_size == FAR + 1, "the size is 64 GiB + 1");
	ok(st.st_blocks > 0 && st.st_blocks <= 16, "and it occupies one page, not 64 GiB");
	ok(pread(fd, &c, 1, FAR) == 1 && c == 'x' && pread(fd, &c, 1, MID) == 1 && c == 0,
	   "the byte reads back; the hole reads as zero");
	for (int i = 0; i < 30; i++) {
		errno = 0;
		all_failed &=
		    pwrite(fd, unmapped, 16, FAR + 4096 * (i + 1)) == -1 && errno == EFAULT;
	}
	/*
	 * What a failed write leaves is the file system's business (ext4 keeps
	 * blocks and size; pagelab keeps nothing, tests/unit/test_page_tree.c).
	 */
	ok(all_failed, "30 writes from an unmapped buffer past the end: EFAULT each");
	ok(ftruncate(fd, FAR + 4096) == 0 && store_through_mapping(fd) &&
	       pread(fd, &c, 1, FAR) == 1 && c == 'm',
	   "a store through a MAP_SHARED mapping at 64 GiB reaches the file");
	ok(ftruncate(fd, 0) == 0 && stat_of(fd).st_size == 0, "ftruncate to 0");
	ok(stat_of(fd).st_blocks == 0, "and nothing is left allocated");
	unlink(path);
	return tap_done();
}
