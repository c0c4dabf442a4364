// SPDX-License-Identifier: MIT
/*
 * The guest half of examples/cow_ptes: a two-page buffer, then fork, then
 * a write in the child. Each checkpoint's value is the buffer's address.
 *   1  parent, buffer written, before fork
 *   2  child, after fork, before it writes
 *   3  child, after writing page 0 (copy-on-write)
 *   4  parent, after the child exited
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagelab/guest.h>

int main(void)
{
	char *buf =
	    mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t va = (uint64_t)(uintptr_t)buf;
	int status;
	pid_t pid;

	PAGELAB_ASSERT(buf != MAP_FAILED);
	memset(buf, 'p', 2 * 4096);
	pagelab_checkpoint(1, va);
	pid = fork();
	PAGELAB_ASSERT(pid >= 0);
	if (pid == 0) {
		pagelab_checkpoint(2, va);
		buf[0] = 'c';
		pagelab_checkpoint(3, va);
		_exit(0);
	}
	PAGELAB_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	PAGELAB_ASSERT_EQ(buf[0], 'p');
	pagelab_checkpoint(4, va);
	return 0;
}
