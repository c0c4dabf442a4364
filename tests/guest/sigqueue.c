/*
 * Queued signals: sigqueue() queues every real-time signal with its value
 * and delivers them in order (lowest signal first, then oldest first),
 * while a standard signal sent twice is delivered once; sigwaitinfo and
 * sigtimedwait take them without a handler, time out with EAGAIN and end
 * with EINTR when a handled signal interrupts them.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

#define MAX_SEEN 16

static volatile sig_atomic_t seen_count;
static int seen_sig[MAX_SEEN], seen_value[MAX_SEEN], seen_code[MAX_SEEN], seen_pid[MAX_SEEN];

static void record(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (seen_count >= MAX_SEEN)
		return;
	seen_sig[seen_count] = sig;
	seen_value[seen_count] = si->si_value.sival_int;
	seen_code[seen_count] = si->si_code;
	seen_pid[seen_count] = si->si_pid;
	seen_count++;
}

static void handle(int sig)
{
	struct sigaction sa = { .sa_sigaction = record, .sa_flags = SA_SIGINFO };

	sigaction(sig, &sa, NULL);
}

static void block(int sig, int how)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(how, &set, NULL);
}

static int queue(int sig, int value)
{
	return sigqueue(getpid(), sig, (union sigval){ .sival_int = value });
}

static long elapsed_ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static void realtime_order(void)
{
	bool ordered;

	handle(SIGRTMIN);
	handle(SIGRTMIN + 1);
	block(SIGRTMIN, SIG_BLOCK);
	block(SIGRTMIN + 1, SIG_BLOCK);
	queue(SIGRTMIN + 1, 10);
	queue(SIGRTMIN, 1);
	queue(SIGRTMIN, 2);
	queue(SIGRTMIN, 3);
	ok(seen_count == 0, "blocked real-time signals stay queued");
	seen_count = 0;
	block(SIGRTMIN, SIG_UNBLOCK);
	block(SIGRTMIN + 1, SIG_UNBLOCK);
	ok(seen_count == 4, "every sigqueue() of a real-time signal is delivered (%d of 4)",
	   seen_count);
	ordered = seen_sig[0] == SIGRTMIN && seen_value[0] == 1 && seen_sig[1] == SIGRTMIN &&
		  seen_value[1] == 2 && seen_sig[2] == SIGRTMIN && seen_value[2] == 3 &&
		  seen_sig[3] == SIGRTMIN + 1 && seen_value[3] == 10;
	ok(ordered, "lowest signal first, each in the order sent, with its si_value");
	ok(seen_code[0] == SI_QUEUE && seen_pid[0] == getpid(),
	   "si_code is SI_QUEUE and si_pid the sender");
}

static void standard_coalesces(void)
{
	seen_count = 0;
	handle(SIGUSR1);
	block(SIGUSR1, SIG_BLOCK);
	queue(SIGUSR1, 5);
	queue(SIGUSR1, 6);
	block(SIGUSR1, SIG_UNBLOCK);
	ok(seen_count == 1 && seen_value[0] == 5,
	   "a standard signal queued twice is delivered once, with the first value");
	seen_count = 0;
	kill(getpid(), SIGUSR1);
	ok(seen_count == 1 && seen_code[0] == SI_USER && seen_pid[0] == getpid(),
	   "kill() delivers SI_USER with the sender's pid");
	seen_count = 0;
	raise(SIGUSR1);
	ok(seen_count == 1 && seen_code[0] == SI_TKILL, "raise() delivers SI_TKILL");
}

static void waiting(void)
{
	int sig = SIGRTMIN + 2;
	struct timespec zero = { 0, 0 }, bad = { 0, 2000000000 }, t0;
	struct timespec short_wait = { 0, 50 * 1000000 };
	siginfo_t si;
	sigset_t set, pending;
	int r;

	block(sig, SIG_BLOCK);
	sigemptyset(&set);
	sigaddset(&set, sig);
	queue(sig, 7);
	queue(sig, 8);
	sigpending(&pending);
	ok(sigismember(&pending, sig), "sigpending shows the queued signal");
	r = sigwaitinfo(&set, &si);
	ok(r == sig && si.si_signo == sig && si.si_value.sival_int == 7 && si.si_code == SI_QUEUE,
	   "sigwaitinfo takes the oldest instance with its siginfo");
	r = sigtimedwait(&set, &si, &zero);
	ok(r == sig && si.si_value.sival_int == 8, "sigtimedwait takes the next one");
	sigpending(&pending);
	ok(!sigismember(&pending, sig), "nothing is pending once both are taken");
	errno = 0;
	r = sigtimedwait(&set, &si, &zero);
	ok(r == -1 && errno == EAGAIN, "a zero timeout with nothing pending is EAGAIN");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	errno = 0;
	r = sigtimedwait(&set, &si, &short_wait);
	ok(r == -1 && errno == EAGAIN && elapsed_ms(&t0) >= 50,
	   "a 50 ms timeout is EAGAIN after at least 50 ms");
	errno = 0;
	r = sigtimedwait(&set, &si, &bad);
	ok(r == -1 && errno == EINVAL, "a timeout with tv_nsec out of range is EINVAL");
}

static void waiting_for_others(void)
{
	int sig = SIGRTMIN + 3;
	struct timespec five = { 5, 0 };
	pid_t child, parent = getpid();
	siginfo_t si;
	sigset_t set;
	int r, got = 0;

	block(sig, SIG_BLOCK);
	sigemptyset(&set);
	sigaddset(&set, sig);
	child = fork();
	if (child == 0) {
		usleep(20000);
		kill(getppid(), sig);
		_exit(0);
	}
	r = sigtimedwait(&set, &si, &five);
	ok(r == sig && si.si_pid == child && si.si_code == SI_USER,
	   "sigtimedwait wakes for a signal another process sends");
	waitpid(child, NULL, 0);
	queue(sig, 1);
	ok(sigwait(&set, &got) == 0 && got == sig, "sigwait returns the signal number");

	seen_count = 0;
	handle(SIGUSR2);
	/*
	 * SIGUSR2 every 20 ms while the parent lives: one that comes before
	 * the parent is in rt_sigtimedwait runs the handler then, and the wait
	 * ends with the next.
	 */
	child = fork();
	if (child == 0) {
		while (getppid() == parent) {
			usleep(20000);
			kill(parent, SIGUSR2);
		}
		_exit(0);
	}
	/* musl's sigtimedwait retries on EINTR: the system call itself shows it. */
	errno = 0;
	r = syscall(SYS_rt_sigtimedwait, &set, &si, &five, _NSIG / 8);
	ok(r == -1 && errno == EINTR && seen_count > 0,
	   "a handled signal outside the set ends rt_sigtimedwait with EINTR");
	block(SIGUSR2, SIG_BLOCK);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	block(SIGUSR2, SIG_UNBLOCK);
}

static void errors(void)
{
	siginfo_t si;
	pid_t child;
	int st, fds[2];
	char c;

	errno = 0;
	ok(sigqueue(getpid(), 65, (union sigval){ 0 }) == -1 && errno == EINVAL,
	   "sigqueue of signal 65 is EINVAL");
	ok(sigqueue(getpid(), 0, (union sigval){ 0 }) == 0, "sigqueue of signal 0 checks the pid");
	child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, &st, 0);
	errno = 0;
	ok(sigqueue(child, SIGUSR1, (union sigval){ 0 }) == -1 && errno == ESRCH,
	   "sigqueue to a pid that is gone is ESRCH");

	/* A child that lives until the pipe closes: no signal ends it. */
	pipe(fds);
	child = fork();
	if (child == 0) {
		close(fds[1]);
		read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
	memset(&si, 0, sizeof(si));
	si.si_code = SI_USER;
	errno = 0;
	ok(syscall(SYS_rt_sigqueueinfo, child, SIGTERM, &si) == -1 && errno == EPERM,
	   "rt_sigqueueinfo claiming SI_USER for another process is EPERM");
	close(fds[1]);
	waitpid(child, &st, 0);

	signal(SIGRTMIN + 4, SIG_IGN);
	queue(SIGRTMIN + 4, 1);
	sigset_t pending;
	sigpending(&pending);
	ok(!sigismember(&pending, SIGRTMIN + 4), "an ignored real-time signal is discarded");
}

int main(void)
{
	tap_plan(22);
	realtime_order();
	standard_coalesces();
	waiting();
	waiting_for_others();
	errors();
	return tap_done();
}
