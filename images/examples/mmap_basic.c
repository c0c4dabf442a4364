// SPDX-License-Identifier: MIT
/*
 * A shared file mapping writes through to the file: map a file
 * MAP_SHARED, print it, write "HELLO" over its start, msync, then read()
 * the file and check that the change is there.
 *   mmap_basic [FILE]
 * The experiment works on a copy under /tmp, so FILE (default: a short
 * text) is never changed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static char text[4096] = "hello, mmap\n";

static int fail(const char *what)
{
	fprintf(stderr, "mmap_basic: %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	char path[] = "/tmp/mmap_basic-XXXXXX", back[sizeof(text)];
	ssize_t len = strlen(text);
	char *p;
	int fd;

	if (argc > 1) {
		fd = open(argv[1], O_RDONLY);
		if (fd < 0)
			return fail(argv[1]);
		len = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (len < 5) {
			fprintf(stderr, "mmap_basic: %s: need at least 5 bytes\n", argv[1]);
			return 1;
		}
	}
	fd = mkstemp(path);
	if (fd < 0)
		return fail("mkstemp");
	unlink(path);
	if (write(fd, text, len) != len)
		return fail("write");
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return fail("mmap");
	printf("mapped: %.*s", (int)len, p);
	memcpy(p, "HELLO", 5);
	if (msync(p, len, MS_SYNC))
		return fail("msync");
	if (lseek(fd, 0, SEEK_SET) != 0 || read(fd, back, len) != len)
		return fail("read");
	printf("file:   %.*s", (int)len, back);
	if (memcmp(back, "HELLO", 5) || memcmp(back + 5, text + 5, len - 5)) {
		printf(
		    "mmap_basic: FAILED: the file does not show the write through the mapping\n");
		return 1;
	}
	munmap(p, len);
	close(fd);
	printf("mmap_basic: ok\n");
	return 0;
}
