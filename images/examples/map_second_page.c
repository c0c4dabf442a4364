// SPDX-License-Identifier: MIT
/*
 * Map only the second page of a file (offset 4096) and print its first
 * bytes: the offset selects which page of the file backs the mapping.
 *   map_second_page [FILE]
 * Without FILE it writes a two-page file under /tmp first: page 0 full of
 * 'A', page 1 beginning "this is page 1".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096

static int make_two_pages(char *path)
{
	static char buf[2 * PAGE];
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	memset(buf, 'A', PAGE);
	memset(buf + PAGE, '.', PAGE);
	memcpy(buf + PAGE, "this is page 1\n", 15);
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf)) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	char tmp[] = "/tmp/map_second_page-XXXXXX";
	const char *path = argc > 1 ? argv[1] : tmp;
	struct stat st;
	unsigned char *p;
	int fd, n;

	fd = argc > 1 ? open(path, O_RDONLY) : make_two_pages(tmp);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "map_second_page: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (argc == 1)
		unlink(tmp); /* the open descriptor and the mapping keep it */
	if (st.st_size <= PAGE) {
		fprintf(stderr, "map_second_page: %s has %lld bytes: no second page to map\n", path,
			(long long)st.st_size);
		return 1;
	}
	p = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, PAGE);
	if (p == MAP_FAILED) {
		fprintf(stderr, "map_second_page: mmap: %s\n", strerror(errno));
		return 1;
	}
	n = st.st_size - PAGE < 16 ? st.st_size - PAGE : 16;
	printf("second page of %s starts with:", argc > 1 ? path : "a two-page file");
	for (int i = 0; i < n; i++)
		printf(" %02x", p[i]);
	printf("  |");
	for (int i = 0; i < n; i++)
		putchar(p[i] >= 32 && p[i] < 127 ? p[i] : '.');
	printf("|\n");
	munmap(p, PAGE);
	close(fd);
	return 0;
}
