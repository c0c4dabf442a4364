/*
 * Process groups: a child starts in its parent's group and session,
 * setpgid gives it a group of its own, kill(-pgid) reaches that group,
 * kill(0) the caller's, and setsid refuses a group leader.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

/*
 * A child that waits in pause(). With own_group it makes itself a group
 * leader first, and the parent waits for its word that it has: a slow
 * child's setpgid(0, 0) would otherwise undo a later setpgid by the parent.
 */
static pid_t spawn_sleeper(int own_group)
{
	int ready[2];
	pid_t c;
	char x;

	if (pipe(ready))
		return -1;
	c = fork();
	if (c == 0) {
		if (own_group)
			setpgid(0, 0);
		close(ready[1]);
		pause();
		_exit(0);
	}
	close(ready[1]);
	/* EOF once the child closed its end (or died). */
	while (read(ready[0], &x, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	return c;
}

static int killed_by(pid_t c, int sig)
{
	int st;

	return waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

int main(void)
{
	pid_t c;

	tap_plan(9);
	c = spawn_sleeper(0);
	ok(getpgid(c) == getpgrp(), "a child starts in its parent's group");
	ok(getsid(c) == getsid(0), "and in its parent's session");
	kill(c, SIGKILL);
	ok(killed_by(c, SIGKILL), "reaped");

	c = spawn_sleeper(1);
	ok(getpgid(c) == c, "setpgid(0, 0) makes the child lead its own group");
	ok(kill(-c, SIGTERM) == 0 && killed_by(c, SIGTERM), "kill(-pgid) reaches the group");
	ok(kill(-99999, 0) == -1 && errno == ESRCH, "kill of an empty group: ESRCH");

	c = spawn_sleeper(1);
	kill(c, SIGKILL);
	ok(waitpid(0, NULL, WNOHANG) == -1 && errno == ECHILD,
	   "waitpid(0) waits only for children in the caller's group");
	ok(waitpid(-c, NULL, 0) == c, "waitpid(-pgid) reaps a child of that group");

	c = spawn_sleeper(1);
	ok(setpgid(c, getpgrp()) == 0 && getpgid(c) == getpgrp(),
	   "setpgid moves a child back into its parent's group");
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	return tap_done();
}
