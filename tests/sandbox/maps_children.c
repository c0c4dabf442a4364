// SPDX-License-Identifier: MIT
/*
 * Forks three children that map different things, has each print its
 * /proc/self/maps, then stops at a checkpoint with all of them alive:
 * tests/integration/test_guest_stops.c compares pl_process_maps() for
 * every pid with what that process printed, and reads each child's
 * buffer through its own page tables (pl_gva_read). Each section of the
 * output is "== pid N buf 0xADDR\n", the maps text, "== end\n"; a
 * child's buffer holds "child N". The children print one after another
 * (the parent waits for each), so the sections never interleave.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagelab/guest.h>
#include <pagelab/mman.h>

#define PG	 4096
#define CHILDREN 3

/* One address, a different value in each process (tests/gdb/test-gdb.sh reads it per thread). */
char child_name[32] = "parent";

/* With write only: stdio's buffers could come from new mappings. */
static int print_maps(char *buf)
{
	char line[96], chunk[1024];
	int fd = open("/proc/self/maps", O_RDONLY);
	ssize_t n;

	snprintf(line, sizeof(line), "== pid %d buf %p\n", getpid(), (void *)buf);
	if (fd < 0 || write(1, line, strlen(line)) < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (write(1, chunk, (size_t)n) != n)
			return -1;
	close(fd);
	return n < 0 || write(1, "== end\n", 7) != 7 ? -1 : 0;
}

/* Child i's own mappings: split anonymous memory, a shared file, physical memory. */
static char *child_maps(int i)
{
	char path[32], *buf = mmap(NULL, (size_t)(2 + i) * PG, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd;

	if (buf == MAP_FAILED)
		return NULL;
	if (i == 0 && mprotect(buf + PG, PG, PROT_READ))
		return NULL;
	if (i == 1) {
		snprintf(path, sizeof(path), "/tmp/child%d", i);
		fd = open(path, O_RDWR | O_CREAT, 0644);
		if (fd < 0 || ftruncate(fd, 2 * PG) ||
		    mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED)
			return NULL;
	}
	if (i == 2 &&
	    mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON, NOFD, 0) == MAP_FAILED)
		return NULL;
	snprintf(buf, PG, "child %d", getpid());
	return buf;
}

/* Prints its maps, says so on ready, and waits until hold is closed. */
static void child(int i, int ready, int hold)
{
	char *buf = child_maps(i), c;

	snprintf(child_name, sizeof(child_name), "child %d", getpid());
	if (!buf || print_maps(buf) || write(ready, "r", 1) != 1)
		_exit(1);
	_exit(read(hold, &c, 1) == 0 ? 0 : 1);
}

int main(void)
{
	int ready[2], hold[2], status, failed = 0;
	char c;

	if (pipe(ready) || pipe(hold))
		return 1;
	for (int i = 0; i < CHILDREN; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0) {
			close(hold[1]);
			child(i, ready[1], hold[0]);
		}
		if (read(ready[0], &c, 1) != 1)
			return 1;
	}
	close(hold[0]);
	if (print_maps(NULL))
		return 1;
	pagelab_checkpoint(1, CHILDREN);
	close(hold[1]);
	for (int i = 0; i < CHILDREN; i++)
		if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
			failed = 1;
	return failed;
}
