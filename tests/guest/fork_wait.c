// SPDX-License-Identifier: MIT
/*
 * Processes: fork gives the child a copy of memory (copy-on-write: a
 * write on either side is not seen by the other), the parent learns how
 * each child ended through wait4/waitpid, and pids relate as they should.
 * No pid is printed: natively they differ from run to run.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static int global = 1;
static int *volatile null_ptr;

static int wait_status(pid_t pid)
{
	int status = -1;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static void test_exit_status(void)
{
	pid_t parent = getpid(), pid;
	int status = -1;
	struct rusage ru;

	pid = fork();
	if (pid == 0)
		_exit(getppid() == parent && getpid() != parent ? 42 : 1);
	ok(pid > 0 && pid != parent, "fork returns the child's pid in the parent");
	ok(wait4(pid, &status, 0, &ru) == pid, "wait4 reaps that child");
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 42,
	   "WIFEXITED, WEXITSTATUS 42 (the child saw getppid() == the parent's getpid())");
	ok(waitpid(pid, &status, 0) == -1 && errno == ECHILD, "a reaped child is gone: ECHILD");
}

static void test_signaled(void)
{
	pid_t pid;
	int status;

	pid = fork();
	if (pid == 0) {
		*null_ptr = 1;
		_exit(0);
	}
	status = wait_status(pid);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	   "a child that stores through NULL dies of SIGSEGV");
	pid = fork();
	if (pid == 0) {
		abort();
	}
	status = wait_status(pid);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT, "abort(): SIGABRT");
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	ok(kill(pid, SIGTERM) == 0, "kill a waiting child with SIGTERM");
	status = wait_status(pid);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "it died of SIGTERM");
}

static void test_copy_on_write(void)
{
	char *heap = malloc(1 << 20);
	int fds[2], status;
	char c = 0;
	pid_t pid;

	memset(heap, 'p', 1 << 20);
	ok(pipe(fds) == 0, "a pipe to hold the parent until the child has looked");
	pid = fork();
	if (pid == 0) {
		bool saw_parent = global == 1 && heap[12345] == 'p';

		global = 2;
		memset(heap, 'c', 1 << 20);
		read(fds[0], &c, 1); /* the parent has written its own values */
		_exit(saw_parent && global == 2 && heap[54321] == 'c' && c == 'x' ? 0 : 1);
	}
	global = 3;
	heap[54321] = 'P';
	write(fds[1], "x", 1);
	status = wait_status(pid);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	   "the child starts with the parent's memory and keeps its own writes");
	ok(global == 3 && heap[54321] == 'P' && heap[0] == 'p',
	   "the child's writes do not reach the parent");
	close(fds[0]);
	close(fds[1]);
	free(heap);
}

static void test_many_children(void)
{
	int seen = 0, status, fds[2];
	pid_t pids[5];
	char c;

	for (int i = 0; i < 5; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(10 + i);
	}
	for (int i = 0; i < 5; i++) {
		pid_t got = waitpid(-1, &status, 0);

		for (int j = 0; j < 5; j++)
			if (got == pids[j] && WIFEXITED(status) && WEXITSTATUS(status) == 10 + j)
				seen |= 1 << j;
	}
	ok(seen == 0x1f, "waitpid(-1) reaps five children, each with its own status");
	ok(waitpid(-1, &status, 0) == -1 && errno == ECHILD, "then: ECHILD");

	pipe(fds);
	pids[0] = fork();
	if (pids[0] == 0) {
		read(fds[0], &c, 1);
		_exit(7);
	}
	ok(waitpid(pids[0], &status, WNOHANG) == 0, "WNOHANG on a running child returns 0");
	write(fds[1], "go", 1);
	status = wait_status(pids[0]);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 7, "after it is released it exits 7");
	close(fds[0]);
	close(fds[1]);
}

static void test_output_order(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		printf("# the child prints first\n");
		exit(0);
	}
	wait_status(pid);
	printf("# the parent prints after the child exited\n");
}

int main(void)
{
	tap_plan(16);
	test_exit_status();
	test_signaled();
	test_copy_on_write();
	test_many_children();
	test_output_order();
	ok(getpid() != getppid(), "getpid() != getppid()");
	return tap_done();
}
