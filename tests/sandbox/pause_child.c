// SPDX-License-Identifier: MIT
/*
 * For tests/integration/test_guest_stops.c: the parent stops at a
 * checkpoint with a child alive, then waits for it; only after that stop
 * does the child write one line, and then it spins. The host pauses the
 * guest when the line arrives, so the pause comes while the child runs
 * and the parent sleeps: pl_stop.pid must name the child.
 */
#include <sys/wait.h>
#include <unistd.h>

#include <pagelab/guest.h>

static volatile int spin = 1;

int main(void)
{
	int go[2];
	pid_t child;
	char c;

	if (pipe(go))
		return 1;
	child = fork();
	if (child < 0)
		return 1;
	if (child == 0) {
		if (read(go[0], &c, 1) != 1 || write(1, "spinning\n", 9) != 9)
			_exit(1);
		while (spin)
			;
		_exit(0);
	}
	pagelab_checkpoint(1, (uint64_t)child);
	if (write(go[1], "g", 1) != 1)
		return 1;
	return waitpid(child, NULL, 0) == child ? 0 : 1;
}
