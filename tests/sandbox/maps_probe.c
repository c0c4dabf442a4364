// SPDX-License-Identifier: MIT
/*
 * Prints its own /proc/self/maps, then stops at a checkpoint, three times: the
 * host (tests/integration/test_guest_stops.c) compares pl_process_maps()
 * at each stop with what was printed. It maps anonymous memory, a file in
 * a directory, and a MAP_PHYS page; between the stops the directory is
 * renamed, so the file's path the kernel remembered is stale; at a third
 * stop nothing has changed and the remembered path is right.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pagelab/guest.h>
#include <pagelab/mman.h>

#define PG 4096

/* With read and write only: stdio's buffers could come from new mappings. */
static int print_maps(void)
{
	char buf[1024];
	int fd = open("/proc/self/maps", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(1, buf, (size_t)n) != n)
			return -1;
	close(fd);
	return n < 0 ? -1 : 0;
}

static int fail(const char *what)
{
	perror(what);
	return 1;
}

int main(void)
{
	static const char text[PG] = "mapped file\n";
	char *anon = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *phys = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON, NOFD, 0);
	char *file;
	int fd;

	if (mkdir("/tmp/before", 0755) ||
	    (fd = open("/tmp/before/data", O_RDWR | O_CREAT, 0644)) < 0)
		return fail("create");
	if (write(fd, text, sizeof(text)) != sizeof(text))
		return fail("write");
	file = mmap(NULL, PG, PROT_READ, MAP_SHARED, fd, 0);
	if (anon == MAP_FAILED || phys == MAP_FAILED || file == MAP_FAILED)
		return fail("mmap");
	anon[0] = phys[0] = 1;
	if (print_maps())
		return fail("maps");
	pagelab_checkpoint(1, 0);
	if (rename("/tmp/before", "/tmp/after"))
		return fail("rename");
	if (write(1, "--\n", 3) != 3 || print_maps())
		return fail("maps");
	pagelab_checkpoint(2, 0);
	/* Nothing changed: the remembered path is still right. */
	if (write(1, "--\n", 3) != 3 || print_maps())
		return fail("maps");
	pagelab_checkpoint(3, 0);
	return 0;
}
