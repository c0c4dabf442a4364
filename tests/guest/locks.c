// SPDX-License-Identifier: MIT
/*
 * Advisory locks on a file in /tmp: fcntl record locks (byte ranges,
 * split and merge as another process sees them through F_GETLK, SEEK_CUR
 * and SEEK_END starts, negative lengths, release on any close and at
 * exit, F_SETLKW waiting, EDEADLK, EINTR), OFD locks, and flock.
 */
#define _GNU_SOURCE /* F_OFD_* */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"

static char path[64];
static int fd; /* the parent's, read-write */
static pid_t parent;

static bool fails_with(long rc, int err)
{
	return rc == -1 && errno == err;
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int lk(int f, int cmd, short type, short whence, off_t start, off_t len)
{
	struct flock fl = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len };

	return fcntl(f, cmd, &fl);
}

/* F_GETLK for a write lock on [start, start+len): what blocks it. */
static struct flock probe(int f, int cmd, off_t start, off_t len)
{
	struct flock fl = {
		.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = len
	};

	if (fcntl(f, cmd, &fl))
		fl.l_type = -1;
	return fl;
}

static bool blocked_by(struct flock fl, short type, off_t start, off_t len, pid_t pid)
{
	return fl.l_type == type && fl.l_whence == SEEK_SET && fl.l_start == start &&
	       fl.l_len == len && fl.l_pid == pid;
}

/* fn in a child process, its TAP lines numbered on from the parent's. */
static void in_child(void (*fn)(void))
{
	pid_t pid = tap_fork();
	int status;

	if (pid == 0) {
		fn();
		tap_child_exit();
	}
	waitpid(pid, &status, 0);
	tap_child_reaped(status);
}

static void child_sees_ranges(void)
{
	int f = open(path, O_RDWR);

	ok(blocked_by(probe(f, F_GETLK, 0, 100), F_WRLCK, 0, 20, parent),
	   "another process sees [0,10) and [10,20) merged into one lock, and its owner");
	ok(fails_with(lk(f, F_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN),
	   "a conflicting F_SETLK fails with EAGAIN");
	ok(!lk(f, F_SETLK, F_WRLCK, SEEK_SET, 20, 5), "a range next to it is free");
	close(f);
}

static void child_sees_split(void)
{
	int f = open(path, O_RDWR);

	ok(blocked_by(probe(f, F_GETLK, 0, 5), F_WRLCK, 0, 5, parent) &&
	       probe(f, F_GETLK, 5, 10).l_type == F_UNLCK &&
	       blocked_by(probe(f, F_GETLK, 5, 100), F_WRLCK, 15, 5, parent),
	   "unlocking the middle splits the lock in two");
	ok(blocked_by(probe(f, F_GETLK, 30, 10), F_WRLCK, 30, 5, parent),
	   "SEEK_CUR: the start is relative to the offset");
	ok(blocked_by(probe(f, F_GETLK, 80, 20), F_WRLCK, 90, 10, parent),
	   "SEEK_END: the start is relative to the size");
	ok(blocked_by(probe(f, F_GETLK, 41, 2), F_WRLCK, 40, 10, parent),
	   "a negative length locks the bytes before the start");
	ok(blocked_by(probe(f, F_GETLK, 1000, 1), F_WRLCK, 200, 0, parent),
	   "a zero length locks to the end of the file, however far it grows");
	ok(!lk(f, F_SETLK, F_RDLCK, SEEK_SET, 100, 10) &&
	       fails_with(lk(f, F_SETLK, F_WRLCK, SEEK_SET, 100, 10), EAGAIN),
	   "read locks are shared, a write lock over one is not");
	close(f);
}

static void child_sees_nothing(void)
{
	int f = open(path, O_RDWR);

	ok(probe(f, F_GETLK, 0, 0).l_type == F_UNLCK,
	   "closing any descriptor of the file released all the process's locks on it");
	close(f);
}

static void test_ranges(void)
{
	struct flock fl;

	ok(!lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10) &&
	       !lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10),
	   "F_SETLK write-locks [0,10) and [10,20)");
	ok(probe(fd, F_GETLK, 0, 100).l_type == F_UNLCK, "one's own locks never conflict");
	in_child(child_sees_ranges);
	ok(!lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 5, 10), "unlock [5,15)");
	lseek(fd, 30, SEEK_SET);
	ok(!lk(fd, F_SETLK, F_WRLCK, SEEK_CUR, 0, 5) &&
	       !lk(fd, F_SETLK, F_WRLCK, SEEK_END, -10, 10) &&
	       !lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 50, -10) &&
	       !lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 200, 0) &&
	       !lk(fd, F_SETLK, F_RDLCK, SEEK_SET, 100, 10),
	   "locks from SEEK_CUR, SEEK_END, with a negative length, to the end, and a read lock");
	in_child(child_sees_split);
	ok(fails_with(lk(fd, F_SETLK, F_WRLCK, 7, 0, 1), EINVAL) &&
	       fails_with(lk(fd, F_SETLK, 9, SEEK_SET, 0, 1), EINVAL) &&
	       fails_with(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1), EINVAL) &&
	       fails_with(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 5, -6), EINVAL),
	   "a bad whence, type, or a range before 0: EINVAL");
	fl = (struct flock){ .l_type = F_UNLCK, .l_whence = SEEK_SET };
	ok(fails_with(fcntl(fd, F_GETLK, &fl), EINVAL), "F_GETLK of F_UNLCK: EINVAL");
	ok(fails_with(lk(-1, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF), "a bad descriptor: EBADF");
	int rd = open(path, O_RDONLY), wr = open(path, O_WRONLY);

	ok(fails_with(lk(rd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF) &&
	       fails_with(lk(wr, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF),
	   "a write lock needs a descriptor open for writing, a read lock one for reading: EBADF");
	close(wr);
	in_child(child_sees_nothing);
	close(rd);
}

static void child_locks_and_exits(void)
{
	int f = open(path, O_RDWR);

	ok(!lk(f, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), "a child takes a lock and exits");
}

/* The child holds [0,1), says so on done[], and lets go after a while. */
static void child_holds_then_releases(int ready, int done)
{
	int f = open(path, O_RDWR);

	lk(f, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	nap_ms(100);
	if (write(done, "d", 1) != 1)
		_exit(1);
	_exit(0); /* and the lock goes */
}

static void test_wait(void)
{
	int ready[2], done[2], status;
	char c;
	pid_t pid;

	in_child(child_locks_and_exits);
	ok(!lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), "a process's locks go when it exits");
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	if (pipe(ready) || pipe2(done, O_NONBLOCK))
		return;
	pid = fork();
	if (pid == 0)
		child_holds_then_releases(ready[1], done[1]);
	ok(read(ready[0], &c, 1) == 1 &&
	       fails_with(lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN),
	   "the child holds the lock");
	ok(!lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1) && read(done[0], &c, 1) == 1,
	   "F_SETLKW waits until the holder lets go");
	waitpid(pid, &status, 0);
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
	close(ready[0]), close(ready[1]), close(done[0]), close(done[1]);
}

/* child_deadlocks' exit status when the parent asked first: no TAP line, try again. */
#define PARENT_ASKED_FIRST 4

static void child_deadlocks(void)
{
	int f = open(path, O_RDWR), r;

	lk(f, F_SETLK, F_WRLCK, SEEK_SET, 1, 1);
	kill(parent, SIGUSR2);
	/* Waits for the parent's [0,1); the parent then asks for our [1,2). */
	r = lk(f, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1);
	/*
	 * Too slow to get here on a busy machine: the parent already waits
	 * for our [1,2), so ours is the request that would deadlock.
	 */
	if (fails_with(r, EDEADLK))
		_exit(PARENT_ASKED_FIRST);
	ok(!r, "the child gets [0,1) once the parent gives up");
	close(f);
}

static volatile sig_atomic_t got_usr2, got_usr1;

static void on_usr2(int sig)
{
	(void)sig;
	got_usr2 = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void child_interrupted(void)
{
	int f = open(path, O_RDWR);

	kill(parent, SIGUSR2);
	ok(fails_with(lk(f, F_SETLKW, F_WRLCK, SEEK_SET, 0, 1), EINTR) && got_usr1,
	   "a signal interrupts F_SETLKW: EINTR");
	close(f);
}

/*
 * Run fn in a child the parent signals until it exits; fn's TAP lines
 * count. Without a signal to poke with, the parent asks for the child's
 * [1,2) while the child waits for its [0,1), and tries again (up to 10
 * times) if the child was not waiting yet.
 */
static void in_child_poked(void (*fn)(void), int poke)
{
	bool deadlock = false;
	pid_t pid;
	int status;

	for (int try = 1;; try++) {
		got_usr2 = 0;
		pid = tap_fork();
		if (pid == 0) {
			fn();
			tap_child_exit();
		}
		while (!got_usr2)
			nap_ms(1);
		nap_ms(100); /* most likely long enough for the child to be asleep in F_SETLKW */
		if (poke) {
			while (waitpid(pid, &status, WNOHANG) == 0) {
				kill(pid, poke);
				nap_ms(20);
			}
			break;
		}
		deadlock = fails_with(lk(fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1), EDEADLK);
		lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 1);
		waitpid(pid, &status, 0);
		if (deadlock || !WIFEXITED(status) || WEXITSTATUS(status) != PARENT_ASKED_FIRST ||
		    try == 10)
			break;
		/* We got [1,2) when the child exited: back to holding [0,1) only. */
		lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
		lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
	}
	tap_child_reaped(status);
	if (!poke) /* after the child's line, which it printed on getting the lock */
		ok(deadlock, "F_SETLKW that would wait for its own waiter: EDEADLK");
}

static void test_deadlock_and_eintr(void)
{
	struct sigaction sa = { .sa_handler = on_usr2 };

	sigaction(SIGUSR2, &sa, NULL);
	sa.sa_handler = on_usr1; /* no SA_RESTART: the wait ends with EINTR */
	sigaction(SIGUSR1, &sa, NULL);
	lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
	in_child_poked(child_deadlocks, 0);
	lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
	in_child_poked(child_interrupted, SIGUSR1);
	lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
}

static void test_ofd(void)
{
	int a = open(path, O_RDWR), b = open(path, O_RDWR), c;
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_len = 10, .l_pid = 1 };

	ok(!lk(a, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10), "F_OFD_SETLK on one open file");
	ok(fails_with(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1), EAGAIN) &&
	       fails_with(lk(b, F_SETLK, F_RDLCK, SEEK_SET, 5, 1), EAGAIN),
	   "another open file of the same process conflicts with it, OFD or POSIX: EAGAIN");
	ok(blocked_by(probe(b, F_OFD_GETLK, 0, 100), F_WRLCK, 0, 10, -1),
	   "F_OFD_GETLK reports it with l_pid -1");
	ok(fails_with(fcntl(b, F_OFD_SETLK, &fl), EINVAL), "F_OFD_SETLK with l_pid set: EINVAL");
	c = dup(a);
	close(a);
	ok(fails_with(lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN),
	   "closing one of two descriptors of the open file keeps its lock");
	close(c);
	ok(!lk(b, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1), "closing the last one releases it");
	close(b);
}

static void test_flock(void)
{
	int a = open(path, O_RDONLY), b = open(path, O_RDONLY), c;

	ok(!flock(a, LOCK_EX), "flock LOCK_EX, even on a read-only descriptor");
	ok(fails_with(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK) &&
	       fails_with(flock(b, LOCK_SH | LOCK_NB), EWOULDBLOCK),
	   "another open file cannot lock it too: EWOULDBLOCK");
	ok(!lk(fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 0) && !lk(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0),
	   "flock and fcntl locks do not conflict");
	ok(!flock(a, LOCK_SH) && !flock(b, LOCK_SH | LOCK_NB),
	   "LOCK_SH converts it; shared locks mix");
	ok(!flock(a, LOCK_UN) && !flock(b, LOCK_UN) && !flock(a, LOCK_EX | LOCK_NB),
	   "LOCK_UN releases");
	c = dup(a);
	close(a);
	ok(fails_with(flock(b, LOCK_EX | LOCK_NB), EWOULDBLOCK),
	   "a dup'ed descriptor shares the lock, which outlives the first close");
	close(c);
	ok(!flock(b, LOCK_EX | LOCK_NB), "the last close releases it");
	ok(fails_with(flock(b, 0), EINVAL) && fails_with(flock(b, LOCK_NB), EINVAL) &&
	       fails_with(flock(-1, LOCK_SH), EBADF),
	   "a bad operation: EINVAL; a bad descriptor: EBADF");
	close(b);
}

int main(void)
{
	tap_plan(39);
	parent = getpid();
	strcpy(path, "/tmp/pagelab-lock-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 100)) {
		printf("Bail out! cannot make %s\n", path);
		return 1;
	}
	test_ranges();
	test_wait();
	test_deadlock_and_eintr();
	test_ofd();
	test_flock();
	close(fd);
	unlink(path);
	return tap_done();
}
