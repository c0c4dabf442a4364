// SPDX-License-Identifier: MIT
/*
 * host_timeit RUNS COMMAND [ARGS...]: runs the command RUNS times (output
 * to /dev/null) and prints "median M ms, min N ms" from process start to
 * exit. Exits 1 if any run did not exit 0, so a broken benchmark is not
 * reported as a fast one.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int run_once(char **argv, double *ms)
{
	double start = now_ms();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	*ms = now_ms() - start;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	int runs = argc > 2 ? atoi(argv[1]) : 0;
	double *t;

	if (runs <= 0) {
		fprintf(stderr, "usage: host_timeit RUNS COMMAND [ARGS...]\n");
		return 2;
	}
	t = calloc(runs, sizeof(*t));
	if (!t)
		return 1;
	for (int i = 0; i < runs; i++) {
		int st = run_once(argv + 2, &t[i]);

		if (st != 0) {
			fprintf(stderr, "host_timeit: %s exited with %d\n", argv[2], st);
			return 1;
		}
	}
	qsort(t, runs, sizeof(*t), cmp);
	printf("median %.3f ms, min %.3f ms\n",
	       runs % 2 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2, t[0]);
	free(t);
	return 0;
}
