/*
 * timerfd: a read returns the expirations since the last read as 8 bytes
 * and blocks until there is one; TFD_NONBLOCK makes it EAGAIN instead;
 * timerfd_gettime shows what is left; absolute times on CLOCK_REALTIME;
 * TFD_CLOEXEC; the error cases timerfd_create/settime list.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

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

static void blocking(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec its = ms_timer(40, 0), cur;
	struct timespec t0, ts = { 0, 100 * 1000000 };
	uint64_t n = 0;
	bool set;

	ok(fd >= 0, "timerfd_create(CLOCK_MONOTONIC, 0)");
	timerfd_gettime(fd, &cur);
	ok(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0, "a new timerfd is disarmed");
	/*
	 * A busy machine may let all 40 ms pass before timerfd_gettime, which
	 * then shows the expired timer with nothing left: read the expiry and
	 * arm it again (up to 10 times). A timer that does not count fails
	 * each time.
	 */
	for (int try = 1;; try++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		set = timerfd_settime(fd, 0, &its, NULL) == 0;
		timerfd_gettime(fd, &cur);
		if (!set || cur.it_value.tv_sec || cur.it_value.tv_nsec || try == 10)
			break;
		if (read(fd, &n, sizeof(n)) != sizeof(n))
			break;
	}
	ok(set, "timerfd_settime of 40 ms");
	ok(cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec > 0 && cur.it_value.tv_nsec <= 40000000,
	   "timerfd_gettime shows what is left");
	ok(read(fd, &n, sizeof(n)) == 8 && n == 1,
	   "a read blocks until it expires, then returns 1");
	ok(elapsed_ms(&t0) >= 40, "after at least 40 ms");
	errno = 0;
	ok(read(fd, &n, 4) == -1 && errno == EINVAL, "a read of fewer than 8 bytes is EINVAL");

	its = ms_timer(10, 10);
	timerfd_settime(fd, 0, &its, NULL);
	nanosleep(&ts, NULL);
	ok(read(fd, &n, sizeof(n)) == 8 && n >= 5,
	   "a periodic timer's read counts every expiry since the last (at least 5 in 100 ms)");
	its = ms_timer(0, 0);
	timerfd_settime(fd, 0, &its, &cur);
	ok(cur.it_interval.tv_nsec == 10000000, "settime returns the old setting");
	close(fd);
}

static void nonblocking(void)
{
	int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
	struct itimerspec its;
	struct timespec now;
	uint64_t n;

	ok(fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK) && fcntl(fd, F_GETFD) == FD_CLOEXEC,
	   "TFD_NONBLOCK and TFD_CLOEXEC set O_NONBLOCK and FD_CLOEXEC");
	errno = 0;
	ok(read(fd, &n, sizeof(n)) == -1 && errno == EAGAIN,
	   "a nonblocking read with none is EAGAIN");
	clock_gettime(CLOCK_REALTIME, &now);
	now.tv_sec -= 1;
	its = (struct itimerspec){ { 0, 0 }, now };
	timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
	ok(read(fd, &n, sizeof(n)) == 8 && n == 1, "an absolute time already past expires at once");
	close(fd);
}

static void polled(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	struct itimerspec its = ms_timer(30, 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec t0;
	uint64_t n;

	ok(poll(&pfd, 1, 0) == 0, "poll: an armed timerfd that has not expired is not readable");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	timerfd_settime(fd, 0, &its, NULL);
	ok(poll(&pfd, 1, 5000) == 1 && (pfd.revents & POLLIN) && elapsed_ms(&t0) >= 30,
	   "poll wakes when it expires (after at least 30 ms)");
	ok(read(fd, &n, sizeof(n)) == 8 && n == 1 && poll(&pfd, 1, 0) == 0,
	   "and the read makes it unreadable again");
	close(fd);
}

static void errors(void)
{
	struct itimerspec its = ms_timer(10, 0), bad = { { 0, 0 }, { 0, 1000000000 } };
	int fd;

	errno = 0;
	ok(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0) == -1 && errno == EINVAL,
	   "timerfd_create on a CPU clock is EINVAL");
	errno = 0;
	ok(timerfd_create(CLOCK_MONOTONIC, 0x10) == -1 && errno == EINVAL,
	   "timerfd_create with an unknown flag is EINVAL");
	errno = 0;
	ok(timerfd_settime(0, 0, &its, NULL) == -1 && errno == EINVAL,
	   "timerfd_settime on another kind of file is EINVAL");
	errno = 0;
	ok(timerfd_settime(99, 0, &its, NULL) == -1 && errno == EBADF,
	   "timerfd_settime on a closed descriptor is EBADF");
	fd = timerfd_create(CLOCK_MONOTONIC, 0);
	errno = 0;
	ok(timerfd_settime(fd, 0, &bad, NULL) == -1 && errno == EINVAL,
	   "timerfd_settime with tv_nsec of 1e9 is EINVAL");
	errno = 0;
	ok(timerfd_settime(fd, 0x10, &its, NULL) == -1 && errno == EINVAL,
	   "timerfd_settime with an unknown flag is EINVAL");
	close(fd);
}

int main(void)
{
	tap_plan(21);
	blocking();
	nonblocking();
	polled();
	errors();
	return tap_done();
}
