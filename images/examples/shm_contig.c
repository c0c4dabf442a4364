// SPDX-License-Identifier: MIT
/*
 * QNX's shm_ctl(): a shared memory object backed by one physically
 * contiguous block (a DMA buffer two processes share). The parent makes it
 * with SHMCTL_ANON | SHMCTL_PHYS, a child maps it by name and finds the
 * same physical address with mem_offset(), and writes; the parent reads.
 *   pagelab run --initrd images/build/examples.cpio -- /bin/shm_contig
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pagelab/mman.h>

#define NAME "/pagelab-dma"
#define SIZE (64 * 1024)

static char *map_it(int fd, off_t *phys, size_t *contig)
{
	char *p = mmap(0, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED || mem_offset(p, NOFD, SIZE, phys, contig) == -1) {
		fprintf(stderr, "mapping the object: %s\n", strerror(errno));
		exit(EXIT_FAILURE);
	}
	return p;
}

int main(void)
{
	int fd = shm_open(NAME, O_RDWR | O_CREAT | O_EXCL, 0600), status;
	size_t contig, child_contig;
	off_t phys, child_phys;
	char *buf;
	pid_t pid;

	if (fd == -1 || shm_ctl(fd, SHMCTL_ANON | SHMCTL_PHYS, 0, SIZE) == -1) {
		fprintf(stderr, "shm_ctl: %s\n", strerror(errno));
		return EXIT_FAILURE;
	}
	buf = map_it(fd, &phys, &contig);
	printf("%d bytes at physical 0x%llx, %zu contiguous\n", SIZE, (unsigned long long)phys,
	       contig);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int cfd = shm_open(NAME, O_RDWR, 0);
		char *mine = map_it(cfd, &child_phys, &child_contig);

		sprintf(mine, "the child's mapping is at the same physical address: %s",
			child_phys == phys ? "yes" : "no");
		_exit(0);
	}
	waitpid(pid, &status, 0);
	printf("%s\n", buf);
	shm_unlink(NAME);
	return contig == SIZE ? EXIT_SUCCESS : EXIT_FAILURE;
}
