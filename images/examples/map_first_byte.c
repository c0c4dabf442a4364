// SPDX-License-Identifier: MIT
/*
 * Map a file and print its first byte: the page fault on that first read
 * is served from the file's page.
 *   map_first_byte /data/hello.txt
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct stat st;
	unsigned char *p;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "map_first_byte: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (st.st_size == 0) {
		fprintf(stderr, "map_first_byte: %s is empty: there is no first byte\n", argv[1]);
		return 1;
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "map_first_byte: mmap: %s\n", strerror(errno));
		return 1;
	}
	close(fd); /* the mapping keeps the file */
	printf("first byte of %s: 0x%02x '%c'\n", argv[1], p[0],
	       p[0] >= 32 && p[0] < 127 ? p[0] : '.');
	munmap(p, st.st_size);
	return 0;
}
