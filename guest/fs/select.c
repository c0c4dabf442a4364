// SPDX-License-Identifier: MIT
/*
 * select and pselect6 on top of poll's waiting (poll.c): Linux's bit sets
 * in longs, its mapping from poll events to the three sets, and the time
 * left written back into the caller's timeout.
 */
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

#include "poll.h"

/* Linux's POLLIN_SET, POLLOUT_SET and POLLEX_SET. */
#define IN_SET	(POLLRDNORM | POLLRDBAND | POLLIN | POLLHUP | POLLERR)
#define OUT_SET (POLLWRBAND | POLLWRNORM | POLLOUT | POLLERR)
#define EX_SET	POLLPRI

enum { SET_IN, SET_OUT, SET_EX, NSETS };

struct fd_sets {
	u64 *in[NSETS], *out[NSETS];
	struct file **files;
	int n;
};

static bool bit(const u64 *set, int fd)
{
	return set && (set[fd / 64] >> (fd % 64)) & 1;
}

static long sets_load(struct fd_sets *s, const u64 *uset, size_t bytes)
{
	for (int k = 0; k < NSETS; k++) {
		s->out[k] = kzalloc(bytes + 8);
		if (!s->out[k])
			return -ENOMEM;
		if (!uset[k])
			continue;
		s->in[k] = kmalloc(bytes + 8);
		if (!s->in[k])
			return -ENOMEM;
		if (copy_from_user(s->in[k], uset[k], bytes))
			return -EFAULT;
	}
	return 0;
}

/* Every descriptor named in any set must be open: -EBADF otherwise. */
static long sets_get_files(struct fd_sets *s)
{
	s->files = kzalloc(s->n * sizeof(*s->files) + 1);
	if (!s->files)
		return -ENOMEM;
	for (int fd = 0; fd < s->n; fd++) {
		if (!bit(s->in[SET_IN], fd) && !bit(s->in[SET_OUT], fd) && !bit(s->in[SET_EX], fd))
			continue;
		s->files[fd] = fd_get(fd);
		if (!s->files[fd])
			return -EBADF;
	}
	return 0;
}

static void sets_free(struct fd_sets *s)
{
	for (int k = 0; k < NSETS; k++) {
		kfree(s->in[k]);
		kfree(s->out[k]);
	}
	if (s->files)
		for (int fd = 0; fd < s->n; fd++)
			if (s->files[fd])
				file_put(s->files[fd]);
	kfree(s->files);
}

static long scan(struct fd_sets *s, struct poll_table *pt)
{
	static const unsigned wanted[NSETS] = { IN_SET, OUT_SET, EX_SET };
	long count = 0;

	for (int fd = 0; fd < s->n; fd++) {
		unsigned mask;

		if (!s->files[fd])
			continue;
		mask = file_poll(s->files[fd], pt);
		for (int k = 0; k < NSETS; k++) {
			if (bit(s->in[k], fd) && (mask & wanted[k])) {
				s->out[k][fd / 64] |= 1ULL << (fd % 64);
				count++;
			}
		}
	}
	return count;
}

static long do_select(struct fd_sets *s, bool no_wait, u64 deadline)
{
	struct poll_waiters pw;
	long count, err = 0;

	poll_waiters_init(&pw);
	for (;;) {
		count = scan(s, no_wait ? NULL : &pw.pt);
		if (count || no_wait || err)
			break;
		if (deadline && clock_monotonic_ns() >= deadline)
			break;
		err = poll_waiters_sleep(&pw, deadline);
	}
	poll_waiters_free(&pw);
	return count ? count : err ? -ERESTARTNOHAND : 0;
}

static long core_select(int n, const u64 *uset, bool no_wait, u64 deadline)
{
	struct fd_sets s = { .n = n };
	size_t bytes;
	long ret;

	if (n < 0)
		return -EINVAL;
	s.n = n = MIN(n, NR_OPEN_MAX);
	bytes = (size_t)(n + 63) / 64 * 8;
	ret = sets_load(&s, uset, bytes);
	if (!ret)
		ret = sets_get_files(&s);
	if (!ret)
		ret = do_select(&s, no_wait, deadline);
	for (int k = 0; ret >= 0 && k < NSETS; k++)
		if (uset[k] && copy_to_user(uset[k], s.out[k], bytes))
			ret = -EFAULT;
	sets_free(&s);
	return ret;
}

struct timeval {
	s64 sec, usec;
};

/* Linux's poll_select_finish: the time left, unless the timeout was 0. */
static void write_back(u64 utime, u64 deadline, bool timeval)
{
	u64 now = clock_monotonic_ns(), left = deadline > now ? deadline - now : 0;
	struct poll_timespec ts = { left / NSEC_PER_SEC, left % NSEC_PER_SEC };

	if (timeval)
		ts.nsec /= 1000;
	copy_to_user(utime, &ts, sizeof(ts)); /* a read-only timeout is not an error */
}

static long sys_select(u64 n, u64 uin, u64 uout, u64 uex, u64 utv)
{
	const u64 uset[NSETS] = { uin, uout, uex };
	u64 ns = 0, deadline = 0;
	struct timeval tv;
	long ret;

	if (utv) {
		if (copy_from_user(&tv, utv, sizeof(tv)))
			return -EFAULT;
		/* Microseconds past a second carry over; negative values do not. */
		if (tv.sec < 0 || tv.usec < 0)
			return -EINVAL;
		tv.sec += tv.usec / 1000000;
		tv.usec %= 1000000;
		ns = (u64)tv.sec > ~0ULL / NSEC_PER_SEC - 1
			 ? ~0ULL
			 : tv.sec * NSEC_PER_SEC + tv.usec * 1000;
		deadline = ns ? poll_deadline(ns) : 0;
	}
	ret = core_select((int)n, uset, utv && !ns, deadline);
	if (deadline)
		write_back(utv, deadline, true);
	return ret;
}

/* pselect6's sixth argument: the mask's address and size. */
struct sigset_arg {
	u64 set, size;
};

static long sys_pselect6(u64 n, u64 uin, u64 uout, u64 uex, u64 uts, u64 usig)
{
	const u64 uset[NSETS] = { uin, uout, uex };
	u64 ns = 0, deadline = 0;
	struct sigset_arg sig = { 0, 0 };
	long ret;

	if (uts) {
		ret = poll_read_timespec(uts, &ns);
		if (ret)
			return ret;
		deadline = ns ? poll_deadline(ns) : 0;
	}
	if (usig && copy_from_user(&sig, usig, sizeof(sig)))
		return -EFAULT;
	if (sig.set) {
		ret = set_temporary_mask(sig.set, sig.size);
		if (ret)
			return ret;
	}
	ret = core_select((int)n, uset, uts && !ns, deadline);
	if (deadline)
		write_back(uts, deadline, false);
	if (sig.set)
		restore_temporary_mask(ret);
	return ret;
}

SYSCALL(select, sys_select, "dzzz#");
SYSCALL(pselect6, sys_pselect6, "dzzzt$");
