/*
 * POSIX timers: timer_create with SIGEV_SIGNAL (its si_value, SI_TIMER and
 * the timer's id in the siginfo), with the default sigevent (SIGALRM) and
 * with SIGEV_NONE (no signal, the time still runs down); relative and
 * TIMER_ABSTIME expiries on the realtime, monotonic and CPU clocks;
 * overruns counted while the signal is pending; timer_delete; timers not
 * inherited by fork and deleted by execve; CPU clocks' resolution.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static volatile sig_atomic_t got, got_code, got_value, got_overrun;

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	got++;
	got_code = si->si_code;
	got_value = si->si_value.sival_int;
	got_overrun = si->si_overrun;
}

static long elapsed_ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static struct itimerspec ms_timer(long value_ms, long interval_ms)
{
	return (struct itimerspec){ { interval_ms / 1000, interval_ms % 1000 * 1000000 },
				    { value_ms / 1000, value_ms % 1000 * 1000000 } };
}

/*
 * Waits until the handler has run. sig stays blocked between the check
 * and the wait: a signal that came just before pause() would leave it
 * waiting for one that never comes.
 */
static void wait_for_signal(int sig)
{
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, sig);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!got)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static bool armed(const struct itimerspec *cur)
{
	return cur->it_value.tv_sec || cur->it_value.tv_nsec;
}

static void signal_timer(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN };
	struct itimerspec its = ms_timer(40, 0), cur;
	struct timespec t0;
	timer_t t;

	ev.sigev_value.sival_int = 42;
	ok(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0,
	   "timer_create(CLOCK_MONOTONIC, SIGEV_SIGNAL)");
	timer_gettime(t, &cur);
	ok(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "a new timer is disarmed");
	/*
	 * A busy machine may let all 40 ms pass before timer_gettime, which
	 * then shows the fired timer with nothing left: let it fire and arm it
	 * again (up to 10 times). A timer that does not count fails each time.
	 */
	for (int try = 1;; try++) {
		got = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		timer_settime(t, 0, &its, NULL);
		timer_gettime(t, &cur);
		if (armed(&cur) || try == 10)
			break;
		wait_for_signal(SIGRTMIN);
	}
	ok(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 40000000,
	   "timer_gettime shows what is left");
	wait_for_signal(SIGRTMIN);
	ok(elapsed_ms(&t0) >= 40, "its signal arrives after at least 40 ms");
	ok(got_code == SI_TIMER && got_value == 42, "with si_code SI_TIMER and the sigev_value");
	ok(timer_delete(t) == 0, "timer_delete");
	errno = 0;
	ok(timer_gettime(t, &cur) == -1 && errno == EINVAL, "a deleted timer is EINVAL");
}

static void default_sigevent(void)
{
	struct itimerspec its;
	struct timespec now;
	timer_t t;

	got = 0;
	ok(timer_create(CLOCK_REALTIME, NULL, &t) == 0, "timer_create with no sigevent");
	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_nsec += 30000000;
	if (now.tv_nsec >= 1000000000) {
		now.tv_sec++;
		now.tv_nsec -= 1000000000;
	}
	its = (struct itimerspec){ { 0, 0 }, now };
	ok(timer_settime(t, TIMER_ABSTIME, &its, NULL) == 0, "TIMER_ABSTIME on CLOCK_REALTIME");
	wait_for_signal(SIGALRM);
	ok(got_code == SI_TIMER && got_value == (int)(long)t,
	   "the default is SIGALRM with the timer's id as its value");
	timer_delete(t);
}

static void overruns(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 1 };
	struct itimerspec its = ms_timer(10, 10);
	struct timespec ts = { 0, 100 * 1000000 };
	sigset_t set;
	siginfo_t si;
	timer_t t;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	timer_create(CLOCK_MONOTONIC, &ev, &t);
	timer_settime(t, 0, &its, NULL);
	nanosleep(&ts, NULL);
	r = sigwaitinfo(&set, &si);
	ok(r == SIGRTMIN + 1 && si.si_code == SI_TIMER,
	   "a periodic timer's signal waits, queued once");
	ok(si.si_overrun >= 3, "expiries while it was pending count as overruns (at least 3)");
	ok(timer_getoverrun(t) == si.si_overrun, "timer_getoverrun agrees with si_overrun");
	timer_delete(t);
	ok(sigtimedwait(&set, &si, &(struct timespec){ 0, 0 }) == -1,
	   "timer_delete drops its pending signal");
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void sigev_none(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	struct itimerspec its = ms_timer(20, 0), cur;
	struct timespec ts = { 0, 50 * 1000000 };
	timer_t t;

	got = 0;
	ok(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0, "timer_create with SIGEV_NONE");
	/* A busy machine may let all 20 ms pass before timer_gettime: arm it again. */
	for (int try = 1;; try++) {
		timer_settime(t, 0, &its, NULL);
		timer_gettime(t, &cur);
		if (armed(&cur) || try == 10)
			break;
	}
	ok(cur.it_value.tv_nsec > 0, "its time runs down");
	nanosleep(&ts, NULL);
	timer_gettime(t, &cur);
	ok(!got && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
	   "and it expires without a signal");
	timer_delete(t);
}

static void cpu_clock_timer(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN };
	struct itimerspec its = ms_timer(30, 0);
	struct timespec ts = { 0, 60 * 1000000 }, res;
	clockid_t cid;
	timer_t t;
	int n = 0;

	ok(timer_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &t) == 0, "timer_create on the CPU clock");
	/*
	 * The little CPU time the process uses around its sleep can look long
	 * when a busy host takes the CPU from the sandbox while the process
	 * runs, and run the timer down: arm it again (up to 10 times). A
	 * kernel that counts the sleep runs it down each time.
	 */
	for (int try = 1;; try++) {
		got = 0;
		timer_settime(t, 0, &its, NULL);
		nanosleep(&ts, NULL);
		if (!got || try == 10)
			break;
	}
	ok(!got, "sleeping does not run a CPU-time timer down");
	while (!got && n++ < 1000000000)
		;
	ok(got == 1, "running does");
	timer_delete(t);
	ok(clock_getcpuclockid(0, &cid) == 0 && clock_getres(cid, &res) == 0 && res.tv_sec == 0 &&
	       res.tv_nsec == 1,
	   "clock_getres of the process's CPU clock (clock_getcpuclockid) is 1 ns");
	errno = 0;
	ok(clock_getcpuclockid(999999, &cid) != 0, "clock_getcpuclockid of no process fails");
}

static void inheritance(const char *self)
{
	struct itimerspec its = ms_timer(10000, 0);
	timer_t t;
	pid_t pid;
	int st;

	timer_create(CLOCK_MONOTONIC, NULL, &t);
	timer_settime(t, 0, &its, NULL);
	pid = fork();
	if (pid == 0) {
		struct itimerspec cur;

		_exit(timer_gettime(t, &cur) == -1 && errno == EINVAL ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a forked child has no timers");
	pid = fork();
	if (pid == 0) {
		char id[32];

		/* The child's own timer, armed, then the same program again. */
		if (timer_create(CLOCK_MONOTONIC, NULL, &t) || timer_settime(t, 0, &its, NULL))
			_exit(3);
		snprintf(id, sizeof(id), "%ld", (long)t);
		execl(self, self, "after-exec", id, (char *)NULL);
		_exit(2);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "execve deletes the timers");
	timer_delete(t);
}

static void errors(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = 0 };
	struct itimerspec bad = { { 0, 0 }, { 0, 1000000000 } };
	timer_t t;

	errno = 0;
	ok(timer_create(CLOCK_MONOTONIC, &ev, &t) == -1 && errno == EINVAL,
	   "timer_create with signal 0 is EINVAL");
	errno = 0;
	ok(timer_create(99, NULL, &t) == -1 && errno == EINVAL,
	   "timer_create on clock 99 is EINVAL");
	errno = 0;
	ok(timer_create(CLOCK_MONOTONIC_COARSE, NULL, &t) == -1 && errno == EOPNOTSUPP,
	   "timer_create on CLOCK_MONOTONIC_COARSE is EOPNOTSUPP");
	timer_create(CLOCK_MONOTONIC, NULL, &t);
	errno = 0;
	ok(timer_settime(t, 0, &bad, NULL) == -1 && errno == EINVAL,
	   "timer_settime with tv_nsec of 1e9 is EINVAL");
	timer_delete(t);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_sigaction = on_signal, .sa_flags = SA_SIGINFO };

	if (argc > 2 && !strcmp(argv[1], "after-exec")) {
		struct itimerspec cur;

		return timer_gettime((timer_t)atol(argv[2]), &cur) == -1 && errno == EINVAL ? 0 : 1;
	}
	tap_plan(28);
	sigaction(SIGRTMIN, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	signal_timer();
	default_sigevent();
	overruns();
	sigev_none();
	cpu_clock_timer();
	inheritance(argv[0]);
	errors();
	return tap_done();
}
