// SPDX-License-Identifier: MIT
/*
 * Dies of SIGSEGV for tests/integration/test_core.c, which reads the core
 * file with gdb: the backtrace must name crash_in_here, KEPT must be in the
 * core, and the MAP_NOCORE and MADV_DONTDUMP regions must not.
 *
 *   core_crash crash   the program itself crashes
 *   core_crash child   children crash: wait status with and without a core
 *                      (RLIMIT_CORE 0), then the program exits 0
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pagelab/mman.h>

char *kept, *nocore, *dontdump;
volatile int *null_target;

__attribute__((noinline)) void crash_in_here(int depth)
{
	if (depth > 0) {
		crash_in_here(depth - 1);
		return;
	}
	*null_target = depth;
}

static char *region(int flags, const char *text)
{
	char *p =
	    mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags, NOFD, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		_exit(1);
	}
	strcpy(p, text);
	return p;
}

static void child_crash(const char *what)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0)
		crash_in_here(2);
	waitpid(pid, &status, 0);
	printf("%s: signal %d core %d\n", what, WIFSIGNALED(status) ? WTERMSIG(status) : 0,
	       WIFSIGNALED(status) && WCOREDUMP(status) ? 1 : 0);
}

int main(int argc, char **argv)
{
	struct rlimit rl;

	kept = region(0, "KEPT-IN-CORE");
	nocore = region(MAP_NOCORE, "NOCORE-SECRET");
	dontdump = region(0, "DONTDUMP-SECRET");
	if (madvise(dontdump, 8192, MADV_DONTDUMP))
		perror("madvise");
	if (argc > 1 && !strcmp(argv[1], "child")) {
		getrlimit(RLIMIT_CORE, &rl);
		printf("RLIMIT_CORE %s\n", rl.rlim_cur == RLIM_INFINITY ? "unlimited" : "0");
		child_crash("child");
		rl.rlim_cur = 0;
		setrlimit(RLIMIT_CORE, &rl);
		child_crash("child with RLIMIT_CORE 0");
		return 0;
	}
	crash_in_here(3);
	return 0;
}
