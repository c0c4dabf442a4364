// SPDX-License-Identifier: MIT
/*
 * POSIX shared memory between two processes: the parent creates an object
 * with shm_open() and maps it MAP_SHARED, a child maps the same name and
 * writes; the parent reads what the child wrote. Runs the same on Linux.
 *   pagelab run --initrd images/build/examples.cpio -- /bin/shm_pair
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define NAME "/pagelab-shm-pair"
#define SIZE 4096

static char *map_object(int flags)
{
	int fd = shm_open(NAME, flags, 0600);
	char *p;

	if (fd < 0 || (flags & O_CREAT && ftruncate(fd, SIZE) < 0)) {
		perror("shm_open");
		exit(1);
	}
	p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

int main(void)
{
	char *mine = map_object(O_RDWR | O_CREAT | O_EXCL);
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		char *theirs = map_object(O_RDWR);

		strcpy(theirs, "written by the child through its own mapping");
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("parent reads: %s\n", mine);
	shm_unlink(NAME);
	return strcmp(mine, "written by the child through its own mapping") != 0;
}
