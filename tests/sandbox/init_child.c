// SPDX-License-Identifier: MIT
/*
 * Run by tests/integration/test_programs.c with and without --init: who is
 * PID 1, who is the program's parent, and what becomes of an orphan.
 *
 *   init_child init    under --init: PID 2, child of the kernel's PID 1
 *   init_child plain   without: the program is PID 1 and adopts orphans
 *
 * Prints one line per fact; the status is 0 when all hold.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failed;

static void check(int cond, const char *what)
{
	printf("%s: %s\n", cond ? "yes" : "NO", what);
	failed |= !cond;
}

static void nap(void)
{
	struct timespec ts = { 0, 5 * 1000000 };

	nanosleep(&ts, NULL);
}

/* A child that leaves an orphan behind, which reports its pid once adopted. */
static pid_t make_orphan(pid_t adopter)
{
	int fds[2];
	pid_t child, orphan = 0;

	if (pipe(fds))
		return -1;
	child = fork();
	if (child == 0) {
		if (fork() == 0) {
			pid_t me = getpid();

			while (getppid() != adopter)
				nap();
			if (write(fds[1], &me, sizeof(me)) != sizeof(me))
				_exit(1);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(child, NULL, 0);
	if (read(fds[0], &orphan, sizeof(orphan)) != sizeof(orphan))
		orphan = -1;
	close(fds[0]);
	close(fds[1]);
	return orphan;
}

static void under_init(void)
{
	pid_t orphan;
	int gone = 0;

	check(getpid() == 2 && getppid() == 1, "the program is PID 2, a child of PID 1");
	check(kill(1, 0) == 0, "PID 1 exists");
	check(kill(1, SIGKILL) == 0 && kill(1, SIGTERM) == 0 && kill(1, 0) == 0,
	      "PID 1 ignores SIGKILL and SIGTERM");
	orphan = make_orphan(1);
	check(orphan > 2, "an orphan is adopted by PID 1");
	for (int i = 0; i < 200 && !gone; i++) {
		gone = kill(orphan, 0) == -1 && errno == ESRCH;
		nap();
	}
	check(gone, "PID 1 reaps it when it exits");
	check(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	      "the program has no children left");
}

static void plain(void)
{
	pid_t orphan;
	int status;

	check(getpid() == 1 && getppid() == 0, "the program is PID 1, with no parent");
	orphan = make_orphan(1);
	check(orphan > 1, "an orphan is adopted by the program");
	check(waitpid(orphan, &status, 0) == orphan && WIFEXITED(status),
	      "which reaps it with waitpid");
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "init"))
		under_init();
	else if (argc == 2 && !strcmp(argv[1], "plain"))
		plain();
	else
		check(0, "usage: init_child init|plain");
	return failed;
}
