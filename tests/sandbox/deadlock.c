/*
 * A program that waits for itself: it reads a pipe whose only writer is
 * its own other end. Natively it hangs forever; in the sandbox the kernel
 * sees that nothing can ever wake it and ends the run with a report.
 */
#include <unistd.h>

int main(void)
{
	int fd[2];
	char c;

	if (pipe(fd) != 0)
		return 1;
	return read(fd[0], &c, 1) == 1 ? 2 : 3;
}
