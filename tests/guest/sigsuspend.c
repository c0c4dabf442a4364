/*
 * sigsuspend: a signal blocked by the caller is delivered while it waits
 * with a temporary mask, the handler runs with that mask, and the
 * caller's mask is back when sigsuspend returns EINTR.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

static volatile sig_atomic_t handled, usr2_blocked_in_handler;

static void on_usr1(int sig)
{
	sigset_t now;

	(void)sig;
	sigprocmask(SIG_BLOCK, NULL, &now);
	usr2_blocked_in_handler = sigismember(&now, SIGUSR2);
	handled = 1;
}

int main(void)
{
	sigset_t block, wait_mask, after;
	struct sigaction sa = { .sa_handler = on_usr1 };
	pid_t child;
	int r, st;

	tap_plan(5);
	sigaction(SIGUSR1, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	child = fork();
	if (child == 0) {
		usleep(20000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigemptyset(&wait_mask);
	sigaddset(&wait_mask, SIGUSR2);
	r = sigsuspend(&wait_mask);
	ok(r == -1 && errno == EINTR, "sigsuspend returns -1 with EINTR");
	ok(handled, "the signal the caller blocked was delivered while waiting");
	ok(usr2_blocked_in_handler, "the handler ran with the temporary mask");
	sigprocmask(SIG_BLOCK, NULL, &after);
	ok(sigismember(&after, SIGUSR1) && !sigismember(&after, SIGUSR2),
	   "the caller's mask is back afterwards");
	ok(waitpid(child, &st, 0) == child && WIFEXITED(st), "the child exited");
	return tap_done();
}
