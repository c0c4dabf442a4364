/*
 * The scheduler under a crowd: many processes sleeping with random
 * deadlines, signalling their parent, yielding, writing to a pipe and
 * exiting at random moments, while the parent sleeps too. Every child must
 * finish with its own status and every message must arrive: a lost wakeup
 * shows up as a hang, a deadlock report or a missing child.
 *
 *   sched_stress [ROUNDS]   (make test: 40; make stress: 2000)
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define CHILDREN 16

static volatile sig_atomic_t signals;

static void count(int sig)
{
	(void)sig;
	signals++;
}

static uint32_t next(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

static void sleep_us(long us)
{
	struct timespec ts = { 0, us * 1000 };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static void child_work(int id, int rounds, int out)
{
	uint32_t s = 77u * (uint32_t)id + 1;

	for (int r = 0; r < rounds; r++) {
		switch (next(&s) % 4) {
		case 0:
			sleep_us(next(&s) % 3000);
			break;
		case 1:
			kill(getppid(), SIGUSR1);
			break;
		case 2:
			sched_yield();
			break;
		default:
			if (write(out, "m", 1) != 1)
				_exit(100);
		}
	}
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 40, p[2], bad = 0, messages = 0;
	struct sigaction sa = { .sa_handler = count, .sa_flags = SA_RESTART };
	pid_t pid[CHILDREN];
	uint32_t s = 4242;
	char buf[512];
	ssize_t n;

	tap_plan(2);
	sigaction(SIGUSR1, &sa, NULL);
	if (pipe(p))
		return 1;
	for (int i = 0; i < CHILDREN; i++) {
		pid[i] = fork();
		if (pid[i] == 0) {
			close(p[0]);
			child_work(i, rounds, p[1]);
			_exit(i % 7);
		}
	}
	close(p[1]);
	for (int i = 0; i < CHILDREN / 2; i++)
		sleep_us(next(&s) % 2000);
	while ((n = read(p[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
		messages += n > 0 ? (int)n : 0;
	for (int i = 0; i < CHILDREN; i++) {
		int st;

		if (waitpid(pid[i], &st, 0) != pid[i] || !WIFEXITED(st) || WEXITSTATUS(st) != i % 7)
			bad++;
	}
	ok(bad == 0, "all %d children finished with their own status", CHILDREN);
	ok(messages > 0 || rounds == 0, "their pipe messages arrived until every writer was gone");
	return tap_done();
}
