/*
 * Children nobody waits for, and signals nobody wants: with SIGCHLD
 * ignored or SA_NOCLDWAIT set, exited children are reaped at once and
 * wait() fails with ECHILD once they are all gone; SIGCHLD reports how a
 * child ended (CLD_EXITED, si_status). A signal whose disposition is to
 * be ignored (a child's SIGCHLD by default, one set to SIG_IGN) does not
 * cut nanosleep, pause or a blocking read short.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static volatile sig_atomic_t chld_count, chld_code, chld_status, alarms_seen;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	chld_count++;
	chld_code = si->si_code;
	chld_status = si->si_status;
}

static void on_alarm(int sig)
{
	(void)sig;
	alarms_seen++;
}

static pid_t child_exiting(int code, int delay_ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (delay_ms)
			usleep(delay_ms * 1000);
		_exit(code);
	}
	return pid;
}

static long elapsed_ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

/* kill(pid, 0) until the pid is gone (ESRCH), for up to 10 s. */
static bool pid_goes(pid_t pid)
{
	struct timespec t0, ms = { 0, 1000000 };

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		errno = 0;
		if (kill(pid, 0) == -1 && errno == ESRCH)
			return true;
		if (elapsed_ms(&t0) >= 10000)
			return false;
		nanosleep(&ms, NULL);
	}
}

static void ignored_sigchld(void)
{
	pid_t a, b;

	signal(SIGCHLD, SIG_IGN);
	a = child_exiting(1, 0);
	b = child_exiting(2, 30);
	errno = 0;
	ok(wait(NULL) == -1 && errno == ECHILD,
	   "SIGCHLD ignored: wait() gives ECHILD once the children are gone");
	errno = 0;
	ok(waitpid(a, NULL, 0) == -1 && errno == ECHILD, "waitpid for a reaped child is ECHILD");
	/*
	 * Linux's wait() skips a child that is already dead but not yet
	 * released, and that child's pid goes a moment later, when the exiting
	 * child releases itself. A zombie would keep it for ever.
	 */
	ok(pid_goes(b), "the reaped child is no zombie: its pid is gone");
	signal(SIGCHLD, SIG_DFL);
}

static void nocldwait(void)
{
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_NOCLDWAIT };
	struct sigaction dfl = { .sa_handler = SIG_DFL, .sa_flags = SA_NOCLDWAIT };
	pid_t pid;
	int st;

	sigaction(SIGCHLD, &dfl, NULL);
	child_exiting(3, 10);
	errno = 0;
	ok(wait(NULL) == -1 && errno == ECHILD, "SA_NOCLDWAIT: wait() gives ECHILD");

	sigaction(SIGCHLD, &sa, NULL);
	child_exiting(4, 10);
	errno = 0;
	ok(wait(NULL) == -1 && errno == ECHILD, "SA_NOCLDWAIT with a handler: ECHILD too");
	ok(chld_count == 1 && chld_code == CLD_EXITED && chld_status == 4,
	   "and the handler still gets SIGCHLD with CLD_EXITED and the status");

	signal(SIGCHLD, SIG_DFL);
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	chld_count = 0;
	pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	kill(pid, SIGTERM);
	while (waitpid(pid, &st, 0) != pid)
		;
	ok(WIFSIGNALED(st) && chld_count == 1 && chld_code == CLD_KILLED && chld_status == SIGTERM,
	   "a child killed by a signal is CLD_KILLED with the signal number");
	signal(SIGCHLD, SIG_DFL);
}

static void sleeps_not_cut_short(void)
{
	struct timespec t0, ts = { 0, 150 * 1000000 };
	int fds[2], r, before;
	pid_t pid, parent;
	char c = 0;

	child_exiting(0, 10);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = nanosleep(&ts, NULL);
	ok(r == 0 && elapsed_ms(&t0) >= 150,
	   "a child's exit (SIGCHLD, ignored by default) does not end nanosleep early");
	wait(NULL);

	signal(SIGUSR1, SIG_IGN);
	pid = fork();
	if (pid == 0) {
		usleep(10000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = nanosleep(&ts, NULL);
	ok(r == 0 && elapsed_ms(&t0) >= 150, "nor does a signal set to SIG_IGN");
	waitpid(pid, NULL, 0);

	pipe(fds);
	pid = fork();
	if (pid == 0) {
		child_exiting(0, 0);
		kill(getppid(), SIGUSR1);
		usleep(50000);
		write(fds[1], "x", 1);
		wait(NULL);
		_exit(0);
	}
	r = read(fds[0], &c, 1);
	ok(r == 1 && c == 'x', "a blocking read waits through ignored signals for its data");
	waitpid(pid, NULL, 0);

	/*
	 * The child sends an ignored SIGUSR1, then a handled SIGALRM, again
	 * and again until killed: a SIGALRM that comes before the parent is in
	 * pause() runs the handler then, and the next one ends the pause.
	 */
	signal(SIGALRM, on_alarm);
	parent = getpid();
	pid = fork();
	if (pid == 0) {
		while (getppid() == parent) {
			usleep(10000);
			kill(parent, SIGUSR1);
			usleep(20000);
			kill(parent, SIGALRM);
		}
		_exit(0);
	}
	before = alarms_seen;
	errno = 0;
	r = pause();
	ok(r == -1 && errno == EINTR && alarms_seen != before,
	   "pause() returns for the handled signal only");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	signal(SIGUSR1, SIG_DFL);
}

int main(void)
{
	tap_plan(11);
	ignored_sigchld();
	nocldwait();
	sleeps_not_cut_short();
	return tap_done();
}
