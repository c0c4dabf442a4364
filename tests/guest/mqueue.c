/*
 * POSIX message queues: mq_open's O_CREAT/O_EXCL and attribute checks,
 * messages received highest priority first and in order within a
 * priority, O_NONBLOCK's EAGAIN, absolute timeouts' ETIMEDOUT, a blocked
 * receiver woken by another process, mq_notify (one registrant; EBUSY for
 * another; SI_MESGQ with the sigev_value), mq_getattr/mq_setattr,
 * mq_unlink, poll, a queue's owner and mode as a file's (checked by
 * mq_open and mq_unlink for a process that is not root), and the errors
 * the specifications list.
 */
#define _GNU_SOURCE /* setresuid */
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static char name[64];
static volatile sig_atomic_t notified, notified_code, notified_value;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	notified++;
	notified_code = si->si_code;
	notified_value = si->si_value.sival_int;
}

static struct timespec in_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms % 1000 * 1000000;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

static long elapsed_ms(const struct timespec *a)
{
	struct timespec b;

	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

static mqd_t open_new(long maxmsg, long msgsize)
{
	struct mq_attr attr = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };

	return mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
}

static void opening(void)
{
	struct mq_attr attr = { .mq_maxmsg = 0, .mq_msgsize = 64 }, got;
	mqd_t q;

	errno = 0;
	ok(mq_open(name, O_RDWR) == (mqd_t)-1 && errno == ENOENT,
	   "mq_open of a queue that does not exist, without O_CREAT, is ENOENT");
	errno = 0;
	ok(mq_open(name, O_RDWR | O_CREAT, 0600, &attr) == (mqd_t)-1 && errno == EINVAL,
	   "mq_maxmsg of 0 is EINVAL");
	attr = (struct mq_attr){ .mq_maxmsg = 4, .mq_msgsize = -1 };
	errno = 0;
	ok(mq_open(name, O_RDWR | O_CREAT, 0600, &attr) == (mqd_t)-1 && errno == EINVAL,
	   "a negative mq_msgsize is EINVAL");
	q = open_new(4, 64);
	ok(q != (mqd_t)-1, "mq_open with O_CREAT|O_EXCL and attributes creates it");
	ok(mq_getattr(q, &got) == 0 && got.mq_maxmsg == 4 && got.mq_msgsize == 64 &&
	       got.mq_curmsgs == 0 && got.mq_flags == 0,
	   "mq_getattr shows them");
	errno = 0;
	ok(open_new(4, 64) == (mqd_t)-1 && errno == EEXIST, "O_CREAT|O_EXCL again is EEXIST");
	errno = 0;
	ok(mq_open("/a/b", O_RDWR | O_CREAT, 0600, NULL) == (mqd_t)-1 && errno == EACCES,
	   "a name with a '/' after the first is EACCES");
	mq_close(q);
}

static void priorities(mqd_t q)
{
	char buf[64], order[8] = { 0 };
	unsigned prio, prios[4];

	mq_send(q, "a", 1, 1);
	mq_send(q, "b", 1, 5);
	mq_send(q, "c", 1, 1);
	mq_send(q, "d", 1, 5);
	for (int i = 0; i < 4; i++) {
		ok(mq_receive(q, buf, sizeof(buf), &prio) == 1, "mq_receive %d returns 1 byte",
		   i + 1);
		order[i] = buf[0];
		prios[i] = prio;
	}
	ok(!strcmp(order, "bdac") && prios[0] == 5 && prios[1] == 5 && prios[2] == 1 &&
	       prios[3] == 1,
	   "highest priority first, in the order sent within a priority");
}

static void limits(mqd_t q)
{
	struct mq_attr nb = { .mq_flags = O_NONBLOCK }, old, got;
	struct timespec t0, ts;
	char buf[65] = { 0 };

	errno = 0;
	ok(mq_send(q, buf, 65, 0) == -1 && errno == EMSGSIZE,
	   "a message over mq_msgsize is EMSGSIZE");
	errno = 0;
	ok(mq_receive(q, buf, 63, NULL) == -1 && errno == EMSGSIZE,
	   "a receive buffer under mq_msgsize is EMSGSIZE");
	errno = 0;
	ok(mq_send(q, "x", 1, 32768) == -1 && errno == EINVAL, "priority MQ_PRIO_MAX is EINVAL");
	ok(mq_setattr(q, &nb, &old) == 0 && old.mq_flags == 0, "mq_setattr sets O_NONBLOCK");
	mq_getattr(q, &got);
	ok(got.mq_flags == O_NONBLOCK, "and mq_getattr shows it");
	errno = 0;
	ok(mq_receive(q, buf, sizeof(buf), NULL) == -1 && errno == EAGAIN,
	   "O_NONBLOCK: receiving from an empty queue is EAGAIN");
	for (int i = 0; i < 4; i++)
		mq_send(q, "m", 1, 0);
	errno = 0;
	ok(mq_send(q, "m", 1, 0) == -1 && errno == EAGAIN,
	   "O_NONBLOCK: sending to a full queue is EAGAIN");
	nb.mq_flags = 0;
	mq_setattr(q, &nb, NULL);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ts = in_ms(50);
	errno = 0;
	ok(mq_timedsend(q, "m", 1, 0, &ts) == -1 && errno == ETIMEDOUT && elapsed_ms(&t0) >= 50,
	   "a blocked send times out with ETIMEDOUT after at least 50 ms");
	for (int i = 0; i < 4; i++)
		mq_receive(q, buf, 64, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ts = in_ms(50);
	errno = 0;
	ok(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts) == -1 && errno == ETIMEDOUT &&
	       elapsed_ms(&t0) >= 50,
	   "a blocked receive times out with ETIMEDOUT after at least 50 ms");
	ts.tv_nsec = 1000000000;
	errno = 0;
	ok(mq_timedreceive(q, buf, sizeof(buf), NULL, &ts) == -1 && errno == EINVAL,
	   "a timeout with tv_nsec of 1e9 is EINVAL");
}

/*
 * The child sends only after the parent has polled the empty queue
 * (go[]), and then 20 ms later, when the parent is most likely waiting in
 * mq_receive.
 */
static void across_processes(mqd_t q)
{
	char buf[64] = { 0 }, c = 0;
	struct pollfd pfd = { .fd = q, .events = POLLIN };
	int st, go[2];
	pid_t pid;

	if (pipe(go))
		return;
	pid = fork();
	if (pid == 0) {
		mqd_t w = mq_open(name, O_WRONLY);

		if (read(go[0], &c, 1) != 1)
			_exit(2);
		usleep(20000);
		_exit(w != (mqd_t)-1 && mq_send(w, "hi", 2, 3) == 0 ? 0 : 1);
	}
	ok(poll(&pfd, 1, 0) == 0, "poll: an empty queue is not readable");
	write(go[1], "g", 1);
	close(go[0]);
	close(go[1]);
	ok(mq_receive(q, buf, sizeof(buf), NULL) == 2 && !strcmp(buf, "hi"),
	   "a blocked receiver gets another process's message");
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the sender opened the queue by name");
	mq_send(q, "p", 1, 0);
	ok(poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN), "poll: a queue with a message is");
	mq_receive(q, buf, sizeof(buf), NULL);
}

static void notification(mqd_t q)
{
	struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	char buf[64];
	pid_t pid;
	int st;

	sigaction(SIGUSR1, &sa, NULL);
	ev.sigev_value.sival_int = 7;
	ok(mq_notify(q, &ev) == 0, "mq_notify registers for SIGUSR1");
	errno = 0;
	ok(mq_notify(q, &ev) == -1 && errno == EBUSY, "a second registration is EBUSY");
	pid = fork();
	if (pid == 0)
		_exit(mq_notify(q, &ev) == -1 && errno == EBUSY ? 0 : 1);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "so is another process's");
	mq_send(q, "n", 1, 0);
	ok(notified == 1 && notified_code == SI_MESGQ && notified_value == 7,
	   "a message on the empty queue signals SI_MESGQ with the sigev_value");
	mq_receive(q, buf, sizeof(buf), NULL);
	mq_send(q, "n", 1, 0);
	ok(notified == 1, "the registration is used up by one notification");
	mq_receive(q, buf, sizeof(buf), NULL);
	ok(mq_notify(q, &ev) == 0 && mq_notify(q, NULL) == 0, "mq_notify(NULL) unregisters");
	mq_send(q, "n", 1, 0);
	ok(notified == 1, "and no signal comes then");
	mq_receive(q, buf, sizeof(buf), NULL);
	ev.sigev_signo = 65;
	errno = 0;
	ok(mq_notify(q, &ev) == -1 && errno == EINVAL, "SIGEV_SIGNAL with signal 65 is EINVAL");
}

static void unlinking(mqd_t q)
{
	char buf[64];
	int fds[2];

	ok(mq_unlink(name) == 0, "mq_unlink");
	errno = 0;
	ok(mq_open(name, O_RDWR) == (mqd_t)-1 && errno == ENOENT, "the name is gone");
	ok(mq_send(q, "u", 1, 0) == 0 && mq_receive(q, buf, sizeof(buf), NULL) == 1,
	   "an open descriptor still works");
	errno = 0;
	ok(mq_unlink(name) == -1 && errno == ENOENT, "mq_unlink again is ENOENT");
	pipe(fds);
	errno = 0;
	ok(mq_send(fds[1], "x", 1, 0) == -1 && errno == EBADF, "mq_send on a pipe is EBADF");
	close(fds[0]);
	close(fds[1]);
}

static void access_modes(void)
{
	mqd_t r = open_new(2, 16);
	char buf[16];

	errno = 0;
	ok(mq_send(mq_open(name, O_RDONLY), "x", 1, 0) == -1 && errno == EBADF,
	   "mq_send on a read-only descriptor is EBADF");
	errno = 0;
	ok(mq_receive(mq_open(name, O_WRONLY), buf, sizeof(buf), NULL) == -1 && errno == EBADF,
	   "mq_receive on a write-only descriptor is EBADF");
	mq_close(r);
	mq_unlink(name);
}

#define NOBODY 65534

/* In a child that became nobody: root's queue (mode 0604) and one of its own. */
static void as_nobody(const char *roots)
{
	char own[96];
	struct stat st;
	mqd_t q;

	if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
		printf("# cannot become nobody\n");
	q = mq_open(roots, O_RDONLY);
	ok(q != (mqd_t)-1, "nobody may open root's queue for reading: its mode lets others read");
	mq_close(q);
	errno = 0;
	ok(mq_open(roots, O_WRONLY) == (mqd_t)-1 && errno == EACCES, "but not for writing: EACCES");
	/* The kernel says EPERM (the queues' directory is sticky); musl reports POSIX's EACCES. */
	errno = 0;
	ok(mq_unlink(roots) == -1 && errno == EACCES, "nor remove it: EACCES");
	snprintf(own, sizeof(own), "%s-own", roots);
	q = mq_open(own, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	ok(q != (mqd_t)-1 && !fstat(q, &st) && st.st_uid == NOBODY && st.st_gid == NOBODY &&
	       (st.st_mode & 0777) == 0600 && !mq_unlink(own),
	   "a queue nobody creates is nobody's, with its mode, and nobody may remove it");
	mq_close(q);
}

static void ownership(void)
{
	char roots[80];
	mqd_t q;
	pid_t pid;
	int status;

	snprintf(roots, sizeof(roots), "%s-root", name);
	mq_unlink(roots);
	q = mq_open(roots, O_RDWR | O_CREAT | O_EXCL, 0604, NULL);
	pid = tap_fork();
	if (pid == 0) {
		as_nobody(roots);
		tap_child_exit();
	}
	waitpid(pid, &status, 0);
	tap_child_reaped(status);
	ok(q != (mqd_t)-1 && !mq_unlink(roots), "root removes its queue");
	mq_close(q);
}

int main(void)
{
	mqd_t q;

	tap_plan(46);
	snprintf(name, sizeof(name), "/pagelab-mq-%d", (int)getpid());
	opening();
	q = mq_open(name, O_RDWR);
	priorities(q);
	limits(q);
	across_processes(q);
	notification(q);
	unlinking(q);
	mq_close(q);
	access_modes();
	ownership();
	return tap_done();
}
