// SPDX-License-Identifier: MIT
/*
 * vm.max_map_count: /proc/sys/vm/max_map_count says how many mappings a
 * process may have; mapping pages that cannot merge until mmap fails must
 * end with ENOMEM near that count, and at the limit munmap and mprotect
 * that would split a mapping fail with ENOMEM too. Root may write the
 * file (the value it read, so the host keeps its setting; garbage is
 * EINVAL), nobody may not open it for writing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define PATH "/proc/sys/vm/max_map_count"

static bool fails_with(long rc, int err)
{
	return rc == -1 && errno == err;
}

static void test_limit(long limit)
{
	size_t room = (size_t)limit + 64, n = 0;
	char **maps = mmap(NULL, room * sizeof(*maps), PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* A protection none of the others has: it merges with no neighbour. */
	char *big = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int err = 0;

	if (maps == MAP_FAILED || big == MAP_FAILED) {
		printf("Bail out! no memory for the test\n");
		exit(1);
	}
	for (; n < room; n++) {
		/* Alternating protections: neighbours never merge into one VMA. */
		maps[n] = mmap(NULL, 4096, n % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (maps[n] == MAP_FAILED) {
			err = errno;
			break;
		}
	}
	ok(err == ENOMEM && (long)n > limit - 64 && (long)n <= limit,
	   "mmap fails with ENOMEM once the process has max_map_count mappings");
	ok(fails_with(munmap(big + 4096, 4096), ENOMEM),
	   "at the limit, munmap that would split a mapping: ENOMEM");
	ok(fails_with(mprotect(big + 4096, 4096, PROT_READ | PROT_WRITE), ENOMEM),
	   "and so does mprotect of part of one");
	ok(!munmap(big, 3 * 4096) && !mprotect(maps[0], 4096, PROT_READ | PROT_WRITE),
	   "but a whole mapping can go, or change protection");
	for (size_t i = 0; i < n; i++)
		munmap(maps[i], 4096);
	big = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ok(big != MAP_FAILED, "after unmapping them, mmap works again");
	munmap(big, 4096);
	munmap(maps, room * sizeof(*maps));
}

static void test_writes(const char *text)
{
	int fd = open(PATH, O_WRONLY), status;
	pid_t pid;

	ok(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text),
	   "root may write it (the same value back)");
	ok(fails_with(pwrite(fd, "abc\n", 4, 0), EINVAL) &&
	       fails_with(pwrite(fd, "-1\n", 3, 0), EINVAL),
	   "what is not a count in range: EINVAL");
	close(fd);
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(2);
		fd = open(PATH, O_RDONLY);
		_exit(fails_with(open(PATH, O_WRONLY), EACCES) && fd >= 0 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "another user may read it, not open it for writing: EACCES");
}

int main(void)
{
	char text[32] = "";
	int fd = open(PATH, O_RDONLY);
	ssize_t len = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	long limit = strtol(text, NULL, 10);

	tap_plan(9);
	ok(len > 1 && text[len - 1] == '\n' && limit >= 1000,
	   "/proc/sys/vm/max_map_count holds one count and a newline");
	close(fd);
	if (limit < 1000 || limit > 1000000) {
		printf("Bail out! max_map_count %ld: out of this test's range\n", limit);
		return 1;
	}
	test_limit(limit);
	test_writes(text);
	return tap_done();
}
