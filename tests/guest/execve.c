// SPDX-License-Identifier: MIT
/*
 * execve replaces the process image: the program runs itself again
 * (through argv[0], which names it both natively and in the sandbox) with
 * new arguments and environment. Descriptors without FD_CLOEXEC survive,
 * those with it are closed, the pid stays, memory starts afresh.
 * Output is one TAP stream across both images.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#define PLAN 11

static int data_value = 1;

static int second_image(int argc, char **argv)
{
	int keep = atoi(argv[3]), gone = atoi(argv[4]);
	char buf[8] = { 0 };

	tap_resume(PLAN, 5);
	ok(argc == 6 && !strcmp(argv[2], "two words") && argv[argc] == NULL,
	   "the new image gets the new argv");
	ok(getenv("PAGELAB_STAGE") && !strcmp(getenv("PAGELAB_STAGE"), "2") && !getenv("HOME"),
	   "and exactly the new environment");
	ok(read(keep, buf, 5) == 5 && !strcmp(buf, "kept!"),
	   "a descriptor without FD_CLOEXEC survives with its data");
	ok(fcntl(gone, F_GETFD) == -1 && errno == EBADF, "a FD_CLOEXEC descriptor is closed");
	ok(getpid() == atoi(argv[5]), "the pid is unchanged");
	ok(data_value == 1, "static data starts afresh");
	return tap_done();
}

int main(int argc, char **argv)
{
	char keep_s[16], gone_s[16], pid_s[16];
	char *env[] = { "PAGELAB_STAGE=2", "PATH=/bin:/usr/bin", NULL };
	char *args[] = { argv[0], "stage2", "two words", keep_s, gone_s, pid_s, NULL };
	int p[2], gone;

	if (argc > 1 && !strcmp(argv[1], "stage2"))
		return second_image(argc, argv);
	tap_plan(PLAN);
	ok(pipe(p) == 0 && write(p[1], "kept!", 5) == 5, "a pipe holding \"kept!\"");
	gone = open(argv[0], O_RDONLY | O_CLOEXEC);
	ok(gone >= 0, "a descriptor opened with O_CLOEXEC");
	errno = 0;
	ok(execve("/nonexistent/program", args, env) == -1 && errno == ENOENT,
	   "execve of a missing file fails with ENOENT and returns");
	errno = 0;
	ok(execve("/", args, env) == -1 && errno == EACCES,
	   "execve of a directory fails with EACCES and returns");
	snprintf(keep_s, sizeof(keep_s), "%d", p[0]);
	snprintf(gone_s, sizeof(gone_s), "%d", gone);
	snprintf(pid_s, sizeof(pid_s), "%d", getpid());
	data_value = 99;
	ok(true, "exec'ing itself");
	execve(argv[0], args, env);
	printf("not ok - execve returned: %s\n", strerror(errno));
	return 1;
}
