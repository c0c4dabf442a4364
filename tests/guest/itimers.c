/*
 * setitimer/getitimer and alarm: ITIMER_REAL sends SIGALRM once its time
 * has passed and again every interval; ITIMER_VIRTUAL and ITIMER_PROF
 * count the process's CPU time (a busy loop gets their signal, a sleep
 * does not move them); alarm returns the seconds left of the previous
 * one; a forked child starts with no timer armed.
 */
#include <errno.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static volatile sig_atomic_t alrm, vtalrm, prof;

static void on_signal(int sig)
{
	if (sig == SIGALRM)
		alrm++;
	else if (sig == SIGVTALRM)
		vtalrm++;
	else if (sig == SIGPROF)
		prof++;
}

static long elapsed_ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static long cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until the handler has set *flag. sig stays blocked between the
 * check and the wait: a signal that came just before pause() would leave
 * it waiting for one that never comes.
 */
static void wait_for(volatile sig_atomic_t *flag, int sig)
{
	sigset_t block, old;

	sigemptyset(&block);
	sigaddset(&block, sig);
	sigprocmask(SIG_BLOCK, &block, &old);
	while (!*flag)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

static void real_timer(void)
{
	struct itimerval v = { { 0, 0 }, { 0, 50000 } }, cur, old;
	struct timespec t0;

	/*
	 * A busy machine may let all 50 ms pass before getitimer, which then
	 * shows the fired timer with nothing left: let it fire and arm it
	 * again (up to 10 times). A timer that does not count fails each time.
	 */
	for (int try = 1;; try++) {
		alrm = 0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		setitimer(ITIMER_REAL, &v, NULL);
		getitimer(ITIMER_REAL, &cur);
		if (cur.it_value.tv_sec || cur.it_value.tv_usec || try == 10)
			break;
		wait_for(&alrm, SIGALRM);
	}
	ok(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec > 0 && cur.it_value.tv_usec <= 50000 &&
	       cur.it_interval.tv_usec == 0,
	   "getitimer shows what is left of a 50 ms one-shot timer");
	wait_for(&alrm, SIGALRM);
	ok(alrm == 1 && elapsed_ms(&t0) >= 50, "SIGALRM arrives after at least 50 ms");
	getitimer(ITIMER_REAL, &cur);
	ok(cur.it_value.tv_sec == 0 && cur.it_value.tv_usec == 0,
	   "a fired one-shot timer is disarmed");

	alrm = 0;
	v = (struct itimerval){ { 0, 20000 }, { 0, 20000 } };
	setitimer(ITIMER_REAL, &v, NULL);
	while (alrm < 3)
		pause();
	v = (struct itimerval){ { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &v, &old);
	ok(old.it_interval.tv_usec == 20000,
	   "a periodic timer fires again and again (3 times seen)");
	ok(old.it_value.tv_usec > 0 || old.it_value.tv_sec > 0,
	   "setitimer returns the old timer, still armed");
}

static void cpu_timers(void)
{
	struct itimerval v = { { 0, 0 }, { 0, 30000 } }, cur;
	struct timespec ts = { 0, 100 * 1000000 };
	bool slept_through;
	long start;

	/*
	 * The little CPU time the process uses around its sleep can look long
	 * when a busy host takes the CPU from the sandbox while the process
	 * runs, and use the timers up: arm them again (up to 10 times). A
	 * kernel that counts the sleep uses them up each time.
	 */
	for (int try = 1;; try++) {
		vtalrm = prof = 0;
		start = cpu_ms();
		setitimer(ITIMER_VIRTUAL, &v, NULL);
		setitimer(ITIMER_PROF, &v, NULL);
		nanosleep(&ts, NULL);
		getitimer(ITIMER_VIRTUAL, &cur);
		slept_through =
		    !vtalrm && !prof && (cur.it_value.tv_usec > 0 || cur.it_value.tv_sec > 0);
		if (slept_through || try == 10)
			break;
	}
	ok(slept_through, "sleeping 100 ms does not use up a 30 ms CPU-time timer");
	while ((!vtalrm || !prof) && cpu_ms() - start < 5000)
		;
	ok(vtalrm == 1, "ITIMER_VIRTUAL sends SIGVTALRM once the process has run 30 ms");
	ok(prof == 1, "ITIMER_PROF sends SIGPROF once the process has run 30 ms");
	/* start is from before the timers were armed: what the process used since. */
	ok(cpu_ms() - start >= 20, "and not before it has used (most of) the CPU time");
}

static void alarms(void)
{
	struct timespec t10, t5;
	unsigned left;
	pid_t pid;
	int st;

	/*
	 * alarm() returns the time left, rounded to seconds: what was set less
	 * the time since, and a busy machine may take whole seconds between
	 * two calls. Allow for those.
	 */
	clock_gettime(CLOCK_MONOTONIC, &t10);
	ok(alarm(10) == 0, "alarm() with none set returns 0");
	clock_gettime(CLOCK_MONOTONIC, &t5);
	left = alarm(5);
	ok(left <= 10 && left + elapsed_ms(&t10) / 1000 >= 9,
	   "alarm() returns the seconds left of the previous alarm");
	pid = fork();
	if (pid == 0)
		_exit(alarm(0) == 0 ? 0 : 1);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a forked child does not inherit the alarm");
	left = alarm(0);
	ok(left <= 5 && left + elapsed_ms(&t5) / 1000 >= 4,
	   "alarm(0) cancels it and returns what was left");
	alrm = 0;
	alarm(1);
	pause();
	ok(alrm == 1, "alarm(1) interrupts pause() with SIGALRM");
}

static void errors(void)
{
	struct itimerval v = { { 0, 0 }, { 0, 1000000 } }, cur;

	errno = 0;
	ok(setitimer(ITIMER_REAL, &v, NULL) == -1 && errno == EINVAL,
	   "setitimer with tv_usec of 1000000 is EINVAL");
	errno = 0;
	ok(getitimer(5, &cur) == -1 && errno == EINVAL, "getitimer of timer 5 is EINVAL");
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	tap_plan(16);
	sigaction(SIGALRM, &sa, NULL);
	sigaction(SIGVTALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);
	real_timer();
	cpu_timers();
	alarms();
	errors();
	return tap_done();
}
