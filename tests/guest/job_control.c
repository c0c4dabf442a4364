// SPDX-License-Identifier: MIT
/*
 * Job control: the stop signals stop a child (it stops running), SIGCONT
 * continues it even when it blocks or ignores SIGCONT, SIGKILL ends a
 * stopped child, a stop signal and SIGCONT discard each other when
 * pending; the parent sees stops and continues through waitpid
 * (WUNTRACED, WCONTINUED), waitid (WSTOPPED, WCONTINUED, WEXITED, WNOWAIT
 * and the siginfo fields) and SIGCHLD (CLD_STOPPED, CLD_CONTINUED, or
 * nothing with SA_NOCLDSTOP), and the errors Linux gives.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static volatile sig_atomic_t chld_count, chld_code, chld_status, chld_pid;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	chld_count++;
	chld_code = si->si_code;
	chld_status = si->si_status;
	chld_pid = si->si_pid;
}

static void pause_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static pid_t idle_child(void)
{
	pid_t pid = fork();

	if (pid == 0)
		for (;;)
			pause();
	return pid;
}

static int wait_status(pid_t pid, int options)
{
	int st = -1;

	while (waitpid(pid, &st, options) < 0 && errno == EINTR)
		;
	return st;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void test_stop_continue(void)
{
	volatile unsigned long *counter =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	unsigned long a, b;
	struct timespec t0;
	pid_t pid = fork();
	int st;

	if (pid == 0)
		for (;;)
			(*counter)++;
	pause_ms(20);
	kill(pid, SIGSTOP);
	st = wait_status(pid, WUNTRACED);
	ok(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
	   "SIGSTOP: waitpid(WUNTRACED) sees it stopped");
	a = *counter;
	pause_ms(50);
	b = *counter;
	ok(a == b, "a stopped process does not run");
	ok(waitpid(pid, &st, WNOHANG | WUNTRACED) == 0, "the stop is reported once");
	kill(pid, SIGCONT);
	st = wait_status(pid, WCONTINUED);
	ok(WIFCONTINUED(st), "SIGCONT: waitpid(WCONTINUED) sees it continued");
	ok(waitpid(pid, &st, WNOHANG | WCONTINUED) == 0, "the continue is reported once");
	/* When it gets the CPU again is up to a busy machine: give it up to 10 s. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (*counter == b && ms_since(&t0) < 10000)
		pause_ms(1);
	ok(*counter != b, "it runs again");
	kill(pid, SIGKILL);
	st = wait_status(pid, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "then dies of SIGKILL");
	munmap((void *)counter, 4096);
}

static void test_each_stop_signal(void)
{
	static const int sigs[] = { SIGTSTP, SIGTTIN, SIGTTOU };
	pid_t pid = idle_child();
	int st;

	for (int i = 0; i < 3; i++) {
		kill(pid, sigs[i]);
		st = wait_status(pid, WUNTRACED);
		ok(WIFSTOPPED(st) && WSTOPSIG(st) == sigs[i], "%s stops it by default",
		   strsignal(sigs[i]));
		kill(pid, SIGCONT);
		st = wait_status(pid, WCONTINUED);
		ok(WIFCONTINUED(st), "SIGCONT continues it");
	}
	kill(pid, SIGSTOP);
	wait_status(pid, WUNTRACED);
	kill(pid, SIGKILL);
	st = wait_status(pid, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL ends a stopped child");
	errno = 0;
	ok(waitpid(pid, &st, 0) == -1 && errno == ECHILD, "and it is gone: ECHILD");
}

static void test_blocked_ignored_cont(void)
{
	int p[2], st;
	char c = 0;
	pid_t pid;

	pipe(p);
	pid = fork();
	if (pid == 0) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGCONT);
		sigprocmask(SIG_BLOCK, &set, NULL);
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	read(p[0], &c, 1);
	kill(pid, SIGSTOP);
	wait_status(pid, WUNTRACED);
	kill(pid, SIGCONT);
	st = wait_status(pid, WCONTINUED);
	ok(WIFCONTINUED(st), "a blocked SIGCONT still continues");
	kill(pid, SIGKILL);
	wait_status(pid, 0);

	pid = fork();
	if (pid == 0) {
		signal(SIGCONT, SIG_IGN);
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	read(p[0], &c, 1);
	kill(pid, SIGSTOP);
	wait_status(pid, WUNTRACED);
	kill(pid, SIGCONT);
	st = wait_status(pid, WCONTINUED);
	ok(WIFCONTINUED(st), "an ignored SIGCONT still continues");
	kill(pid, SIGKILL);
	wait_status(pid, 0);
	close(p[0]);
	close(p[1]);
}

/* The child blocks both, the parent sends first then second; the child reports what is pending. */
static int pending_after(int first, int second)
{
	int ready[2], go[2], st;
	char c;
	pid_t pid;

	pipe(ready);
	pipe(go);
	pid = fork();
	if (pid == 0) {
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGCONT);
		sigaddset(&set, SIGTSTP);
		sigprocmask(SIG_BLOCK, &set, NULL);
		write(ready[1], "r", 1);
		read(go[0], &c, 1);
		sigpending(&set);
		_exit((sigismember(&set, SIGCONT) ? 1 : 0) | (sigismember(&set, SIGTSTP) ? 2 : 0));
	}
	read(ready[0], &c, 1);
	kill(pid, first);
	kill(pid, second);
	write(go[1], "g", 1);
	st = wait_status(pid, 0);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_discards(void)
{
	ok(pending_after(SIGCONT, SIGTSTP) == 2, "a stop signal discards a pending SIGCONT");
	ok(pending_after(SIGTSTP, SIGCONT) == 1, "SIGCONT discards a pending stop signal");
}

/*
 * waitpid may see a stop or a continue before the SIGCHLD for it comes:
 * Linux's child sends it on its way into the stop or out of it, after the
 * state waitpid looks at has changed. Wait (up to 10 s) for the n-th.
 */
static void wait_for_sigchld(int n)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (chld_count < n && ms_since(&t0) < 10000)
		pause_ms(1);
}

static void test_sigchld(void)
{
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART };
	pid_t pid;
	int st;

	sigaction(SIGCHLD, &sa, NULL);
	pid = idle_child();
	kill(pid, SIGSTOP);
	wait_status(pid, WUNTRACED);
	wait_for_sigchld(1);
	ok(chld_count == 1 && chld_code == CLD_STOPPED && chld_status == SIGSTOP && chld_pid == pid,
	   "SIGCHLD with CLD_STOPPED, the child's pid and SIGSTOP");
	kill(pid, SIGCONT);
	wait_status(pid, WCONTINUED);
	wait_for_sigchld(2);
	ok(chld_count == 2 && chld_code == CLD_CONTINUED && chld_status == SIGCONT,
	   "SIGCHLD with CLD_CONTINUED and SIGCONT");
	kill(pid, SIGTERM);
	st = wait_status(pid, 0);
	ok(WIFSIGNALED(st) && chld_count == 3 && chld_code == CLD_KILLED && chld_status == SIGTERM,
	   "SIGCHLD with CLD_KILLED and SIGTERM");

	sa.sa_flags |= SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	pid = idle_child();
	kill(pid, SIGSTOP);
	wait_status(pid, WUNTRACED);
	kill(pid, SIGCONT);
	wait_status(pid, WCONTINUED);
	ok(chld_count == 3, "SA_NOCLDSTOP: no SIGCHLD for a stop or a continue");
	kill(pid, SIGKILL);
	wait_status(pid, 0);
	ok(chld_count == 4 && chld_code == CLD_KILLED && chld_status == SIGKILL,
	   "but one for the death");
	pid = fork();
	if (pid == 0)
		_exit(3);
	wait_status(pid, 0);
	ok(chld_count == 5 && chld_code == CLD_EXITED && chld_status == 3 && chld_pid == pid,
	   "CLD_EXITED with the exit status");
	signal(SIGCHLD, SIG_DFL);
}

static void test_waitid(void)
{
	siginfo_t si;
	pid_t pid = idle_child();

	kill(pid, SIGTSTP);
	memset(&si, 0x55, sizeof(si));
	ok(waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT) == 0 && si.si_signo == SIGCHLD &&
	       si.si_code == CLD_STOPPED && si.si_status == SIGTSTP && si.si_pid == pid &&
	       si.si_uid == getuid() && si.si_errno == 0,
	   "waitid(WSTOPPED | WNOWAIT): SIGCHLD, CLD_STOPPED, SIGTSTP, pid, uid");
	ok(waitid(P_ALL, 0, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == pid,
	   "WNOWAIT left it to be waited for");
	ok(waitid(P_PID, pid, &si, WSTOPPED | WNOHANG) == 0 && si.si_pid == 0,
	   "then it is consumed: WNOHANG gives si_pid 0");
	kill(pid, SIGCONT);
	ok(waitid(P_PGID, 0, &si, WCONTINUED) == 0 && si.si_code == CLD_CONTINUED &&
	       si.si_status == SIGCONT && si.si_pid == pid,
	   "waitid(P_PGID 0, WCONTINUED): CLD_CONTINUED");
	ok(waitid(P_PID, pid, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0,
	   "a running child under WEXITED | WNOHANG: si_pid 0");
	kill(pid, SIGKILL);
	ok(waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0 && si.si_code == CLD_KILLED &&
	       si.si_status == SIGKILL,
	   "killed: CLD_KILLED with SIGKILL, still there (WNOWAIT)");
	ok(waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_pid == pid, "then reaped");
	pid = fork();
	if (pid == 0)
		_exit(42);
	ok(waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_code == CLD_EXITED && si.si_status == 42,
	   "exited: CLD_EXITED with the status");
	errno = 0;
	ok(waitid(P_ALL, 0, &si, 0) == -1 && errno == EINVAL, "waitid without WEXITED/WSTOPPED/"
							      "WCONTINUED: EINVAL");
	errno = 0;
	ok(waitid(7, 0, &si, WEXITED) == -1 && errno == EINVAL, "an unknown idtype: EINVAL");
	errno = 0;
	ok(waitid(P_PID, 0, &si, WEXITED) == -1 && errno == EINVAL, "P_PID 0: EINVAL");
	errno = 0;
	ok(waitid(P_ALL, 0, &si, WEXITED) == -1 && errno == ECHILD, "no children: ECHILD");
	errno = 0;
	ok(waitpid(-1, NULL, 0x100) == -1 && errno == EINVAL,
	   "waitpid with an unknown option: EINVAL");
}

static void test_self_stop(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		raise(SIGSTOP);
		_exit(7);
	}
	st = wait_status(pid, WUNTRACED);
	ok(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "a child that raises SIGSTOP stops");
	kill(pid, SIGCONT);
	st = wait_status(pid, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "continued, it carries on and exits");
}

static volatile sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen = 1;
}

/*
 * A stop and a continue end no wait: poll and pause go on as if nothing
 * happened. Each child says when it is about to wait, so the stop comes
 * after its setup; 20 ms later it is most likely in the wait.
 */
static void test_waits_survive_stop(void)
{
	int p[2], ready[2], st;
	pid_t pid, r;
	char c;

	pipe(p);
	pipe(ready);
	pid = fork();
	if (pid == 0) {
		struct pollfd pfd = { p[0], POLLIN, 0 };

		write(ready[1], "r", 1);
		_exit(poll(&pfd, 1, -1) == 1 ? 0 : 1);
	}
	read(ready[0], &c, 1);
	pause_ms(20);
	kill(pid, SIGSTOP);
	wait_status(pid, WUNTRACED);
	kill(pid, SIGCONT);
	wait_status(pid, WCONTINUED);
	pause_ms(20);
	write(p[1], "x", 1);
	st = wait_status(pid, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "a poll stopped and continued waits on for its data");
	close(p[0]);
	close(p[1]);

	pid = fork();
	if (pid == 0) {
		signal(SIGUSR1, on_usr1);
		write(ready[1], "r", 1);
		pause();
		_exit(usr1_seen ? 0 : 1);
	}
	read(ready[0], &c, 1);
	pause_ms(20);
	kill(pid, SIGSTOP);
	wait_status(pid, WUNTRACED);
	kill(pid, SIGCONT);
	wait_status(pid, WCONTINUED);
	pause_ms(20);
	/*
	 * A SIGUSR1 that comes before the child is in pause() is handled
	 * there, and pause() then waits for the next: send one every 20 ms
	 * until the child has exited.
	 */
	while ((r = waitpid(pid, &st, WNOHANG)) == 0) {
		kill(pid, SIGUSR1);
		pause_ms(20);
	}
	ok(r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "so does pause, until a caught signal");
	close(ready[0]);
	close(ready[1]);
}

static void on_cont(int sig)
{
	(void)sig;
}

/* The child's end of the pipe that tells the parent it is about to sleep. */
static int ready_fd = -1;

static void about_to_sleep(void)
{
	if (write(ready_fd, "s", 1) != 1)
		_exit(3);
}

/*
 * A child in a sleep, stopped and continued: its exit status says how the
 * sleep ended. The parent waits for the child's word that it is set up,
 * so a slow fork on a busy machine cannot move the stop before the sleep.
 * The child may still be slow to get from its word into the sleep, so the
 * parent stops and continues it every 70 ms until it has exited: a later
 * stop then finds it asleep.
 */
static int sleep_across_stop(int (*sleeper)(void))
{
	int ready[2], st;
	char c;
	pid_t pid;

	if (pipe(ready))
		return -1;
	pid = fork();
	if (pid == 0) {
		ready_fd = ready[1];
		_exit(sleeper());
	}
	close(ready[1]);
	/* EOF if the child died first: its exit status then says why. */
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	for (;;) {
		pause_ms(50);
		kill(pid, SIGSTOP);
		st = wait_status(pid, WUNTRACED);
		if (!WIFSTOPPED(st)) /* it has exited: a stop on a zombie stops nothing */
			return st;
		pause_ms(20);
		kill(pid, SIGCONT);
	}
}

/* 0: the whole sleep returned 0 and took at least its 300 ms (the stop counts). */
static int sleeps_on(void)
{
	struct timespec req = { 0, 300000000L }, t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	about_to_sleep();
	if (nanosleep(&req, NULL))
		return 1;
	return ms_since(&t0) >= 300 ? 0 : 2;
}

static int clock_sleeps_on(void)
{
	struct timespec req = { 0, 300000000L }, t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	about_to_sleep();
	if (clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL))
		return 1;
	return ms_since(&t0) >= 300 ? 0 : 2;
}

/*
 * 0: a SIGCONT handler ends the sleep with EINTR and a time left in (0,
 * 30 s). The sleep is long so that one of the parent's continues comes
 * while the child sleeps, however late the child gets into its sleep (a
 * continue before it runs the handler and leaves the sleep to the next).
 */
static int handler_ends_sleep(void)
{
	struct timespec req = { 30, 0 }, rem = { 0, 0 };
	struct sigaction sa = { .sa_handler = on_cont };

	sigaction(SIGCONT, &sa, NULL);
	about_to_sleep();
	if (nanosleep(&req, &rem) == 0 || errno != EINTR)
		return 1;
	return rem.tv_sec < 30 && (rem.tv_sec > 0 || rem.tv_nsec > 0) ? 0 : 2;
}

/* A stop and a continue are not a signal the sleeper handles: nanosleep sleeps on. */
static void test_sleep_survives_stop(void)
{
	int st = sleep_across_stop(sleeps_on);

	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "nanosleep stopped and continued sleeps to its end and returns 0");
	st = sleep_across_stop(clock_sleeps_on);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "so does a relative clock_nanosleep");
	st = sleep_across_stop(handler_ends_sleep);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "with a SIGCONT handler, nanosleep ends with EINTR and the time left");
}

int main(void)
{
	tap_plan(45);
	test_stop_continue();
	test_each_stop_signal();
	test_blocked_ignored_cont();
	test_discards();
	test_sigchld();
	test_waitid();
	test_self_stop();
	test_waits_survive_stop();
	test_sleep_survives_stop();
	return tap_done();
}
