// SPDX-License-Identifier: MIT
/*
 * --trace-syscalls for the waiting calls, as strace prints them: poll's
 * and select's descriptor lists with what came back after the result
 * ("= 1 ([{fd=3, revents=POLLIN}])", "= 0 (Timeout)"), epoll's operations
 * and events, and waitid's siginfo.
 */
#include <asm/unistd_64.h>
#include <kernel/string.h>
#include <kernel/trace_args.h>
#include <kernel/trace_names.h>
#include <kernel/uaccess.h>

#define MAX_SHOWN 16 /* entries of an array before "..." */

static const struct flag_name poll_events[] = {
	{ 0x001, "POLLIN" },
	{ 0x002, "POLLPRI" },
	{ 0x004, "POLLOUT" },
	{ 0x008, "POLLERR" },
	{ 0x010, "POLLHUP" },
	{ 0x020, "POLLNVAL" },
	{ 0x040, "POLLRDNORM" },
	{ 0x080, "POLLRDBAND" },
	{ 0x100, "POLLWRNORM" },
	{ 0x200, "POLLWRBAND" },
	{ 0x400, "POLLMSG" },
	{ 0x2000, "POLLRDHUP" },
	{ 0, NULL },
};

static const struct flag_name epoll_events[] = {
	{ 0x001, "EPOLLIN" },
	{ 0x002, "EPOLLPRI" },
	{ 0x004, "EPOLLOUT" },
	{ 0x008, "EPOLLERR" },
	{ 0x010, "EPOLLHUP" },
	{ 0x020, "EPOLLNVAL" },
	{ 0x040, "EPOLLRDNORM" },
	{ 0x080, "EPOLLRDBAND" },
	{ 0x100, "EPOLLWRNORM" },
	{ 0x200, "EPOLLWRBAND" },
	{ 0x400, "EPOLLMSG" },
	{ 0x2000, "EPOLLRDHUP" },
	{ 1U << 28, "EPOLLEXCLUSIVE" },
	{ 1U << 29, "EPOLLWAKEUP" },
	{ 1U << 30, "EPOLLONESHOT" },
	{ 1U << 31, "EPOLLET" },
	{ 0, NULL },
};

static const struct flag_name epoll_flags[] = {
	{ 02000000, "EPOLL_CLOEXEC" },
	{ 0, NULL },
};

static const char *const epoll_ops[] = { NULL, "EPOLL_CTL_ADD", "EPOLL_CTL_DEL", "EPOLL_CTL_MOD" };
static const char *const idtypes[] = { "P_ALL", "P_PID", "P_PGID", "P_PIDFD" };
static const char *const cld_codes[] = { NULL,		"CLD_EXITED",  "CLD_KILLED",   "CLD_DUMPED",
					 "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED" };

static void flags(struct tbuf *b, u64 v, const struct flag_name *names)
{
	bool any = false;

	for (const struct flag_name *f = names; f->name; f++) {
		if (v & f->bit) {
			tprintf(b, "%s%s", any ? "|" : "", f->name);
			v &= ~f->bit;
			any = true;
		}
	}
	if (v || !any)
		tprintf(b, "%s%#lx", any ? "|" : "", (unsigned long)v);
}

struct pollfd {
	s32 fd;
	u16 events, revents;
};

/* The array as poll is given it, or (revents) the entries that came back with events. */
static void pollfds(struct tbuf *b, u64 ufds, u64 n, bool revents)
{
	int shown = 0;

	tprintf(b, "[");
	for (u64 i = 0; i < n; i++) {
		struct pollfd p;

		if (copy_from_user(&p, ufds + i * sizeof(p), sizeof(p)))
			break;
		if (revents && !p.revents)
			continue;
		if (shown++ == MAX_SHOWN) {
			tprintf(b, ", ...");
			break;
		}
		tprintf(b, "%s{fd=%d, %s=", shown > 1 ? ", " : "", p.fd,
			revents ? "revents" : "events");
		flags(b, revents ? p.revents : p.events, poll_events);
		tprintf(b, "}");
	}
	tprintf(b, "]");
}

/* A select set: the descriptors in it, "[3 4]". */
static void fdset(struct tbuf *b, u64 uset, int n)
{
	bool first = true;

	if (!uset) {
		tprintf(b, "NULL");
		return;
	}
	tprintf(b, "[");
	for (int word = 0; word * 64 < n; word++) {
		u64 bits;

		if (copy_from_user(&bits, uset + word * 8, 8))
			break;
		for (int i = 0; i < 64 && word * 64 + i < n; i++) {
			if ((bits >> i) & 1) {
				tprintf(b, "%s%d", first ? "" : " ", word * 64 + i);
				first = false;
			}
		}
	}
	tprintf(b, "]");
}

static void timeval(struct tbuf *b, u64 utv)
{
	s64 tv[2];

	if (!utv || copy_from_user(tv, utv, sizeof(tv)))
		trace_pointer(b, utv);
	else
		tprintf(b, "{tv_sec=%ld, tv_usec=%ld}", (long)tv[0], (long)tv[1]);
}

struct epoll_event {
	u32 events;
	u64 data;
} __attribute__((packed));

static void epoll_event(struct tbuf *b, const struct epoll_event *ev)
{
	tprintf(b, "{events=");
	flags(b, ev->events, epoll_events);
	tprintf(b, ", data={u32=%u, u64=%lu}}", (u32)ev->data, (unsigned long)ev->data);
}

static void epoll_events_out(struct tbuf *b, u64 uevents, long n)
{
	tprintf(b, "[");
	for (long i = 0; i < n && i < MAX_SHOWN; i++) {
		struct epoll_event ev;

		if (copy_from_user(&ev, uevents + i * sizeof(ev), sizeof(ev)))
			break;
		tprintf(b, "%s", i ? ", " : "");
		epoll_event(b, &ev);
	}
	tprintf(b, "%s]", n > MAX_SHOWN ? ", ..." : "");
}

static void signal_or_number(struct tbuf *b, int sig)
{
	char buf[8];
	const char *n = signal_short_name(sig, buf, sizeof(buf));

	if (n)
		tprintf(b, "SIG%s", n);
	else
		tprintf(b, "%d", sig);
}

/* waitid's siginfo: "{}" when no child was ready (si_signo 0). */
static void waitid_info(struct tbuf *b, u64 uinfo)
{
	s32 head[7];
	s64 times[2];

	if (copy_from_user(head, uinfo, sizeof(head)) ||
	    copy_from_user(times, uinfo + 32, sizeof(times))) {
		trace_pointer(b, uinfo);
		return;
	}
	if (!head[0]) {
		tprintf(b, "{}");
		return;
	}
	tprintf(b, "{si_signo=");
	signal_or_number(b, head[0]);
	if (head[2] > 0 && head[2] < 7)
		tprintf(b, ", si_code=%s", cld_codes[head[2]]);
	else
		tprintf(b, ", si_code=%d", head[2]);
	tprintf(b, ", si_pid=%d, si_uid=%u, si_status=", head[4], (u32)head[5]);
	if (head[2] == 1)
		tprintf(b, "%d", head[6]);
	else
		signal_or_number(b, head[6]);
	tprintf(b, ", si_utime=%ld, si_stime=%ld}", (long)times[0], (long)times[1]);
}

bool trace_poll_is_result(char kind)
{
	return kind == 'U' || kind == '&';
}

bool trace_poll_arg(struct tbuf *b, char kind, const u64 *args, int i, long ret)
{
	u64 v = args[i], masks[2];
	struct epoll_event ev;

	switch (kind) {
	case 'q':
		pollfds(b, v, args[i + 1], false);
		return true;
	case 'z':
		fdset(b, v, (int)args[0]);
		return true;
	case '#':
		timeval(b, v);
		return true;
	case 'i':
		if (v < 4 && epoll_ops[v])
			tprintf(b, "%s", epoll_ops[v]);
		else
			tprintf(b, "%#lx /* EPOLL_CTL_??? */", (unsigned long)v);
		return true;
	case 'J':
		if (!v || copy_from_user(&ev, v, sizeof(ev)))
			trace_pointer(b, v);
		else
			epoll_event(b, &ev);
		return true;
	case 'U':
		if (ret < 0)
			trace_pointer(b, v);
		else
			epoll_events_out(b, v, ret);
		return true;
	case 'y':
		if (v)
			flags(b, v, epoll_flags);
		else
			tprintf(b, "0");
		return true;
	case '$': /* pselect6's mask argument */
		if (!v || copy_from_user(masks, v, sizeof(masks))) {
			trace_pointer(b, v);
		} else {
			u64 sig_args[1] = { masks[0] };

			tprintf(b, "{sigmask=");
			trace_render_arg(b, 'G', sig_args, 0, 0);
			tprintf(b, ", sigsetsize=%lu}", (unsigned long)masks[1]);
		}
		return true;
	case '%':
		if (v < 4)
			tprintf(b, "%s", idtypes[v]);
		else
			tprintf(b, "%lu /* P_??? */", (unsigned long)v);
		return true;
	case '&':
		if (ret < 0 || !v)
			trace_pointer(b, v);
		else
			waitid_info(b, v);
		return true;
	}
	return false;
}

/* The timeout left, as strace shows it after select's or ppoll's result. */
static void left(struct tbuf *b, u64 uts, bool usec)
{
	s64 ts[2];

	if (!uts || copy_from_user(ts, uts, sizeof(ts)))
		return;
	tprintf(b, ", left {tv_sec=%ld, %s=%ld}", (long)ts[0], usec ? "tv_usec" : "tv_nsec",
		(long)ts[1]);
}

static void select_sets(struct tbuf *b, const u64 *args, long ret, bool usec)
{
	static const char *const names[] = { "in", "out", "except" };
	bool first = true;

	tprintf(b, " (");
	for (int k = 0; k < 3; k++) {
		char text[8];
		struct tbuf probe = { text, sizeof(text), 0 };

		fdset(&probe, args[1 + k], (int)args[0]);
		if (!args[1 + k] || probe.len == 2) /* "[]" */
			continue;
		tprintf(b, "%s%s ", first ? "" : ", ", names[k]);
		fdset(b, args[1 + k], (int)args[0]);
		first = false;
	}
	if (ret > 0)
		left(b, args[4], usec);
	tprintf(b, ")");
}

void trace_poll_return(struct tbuf *b, u64 nr, const u64 *args, long ret)
{
	bool polls = nr == __NR_poll || nr == __NR_ppoll;

	if (!polls && nr != __NR_select && nr != __NR_pselect6)
		return;
	if (ret == 0) {
		tprintf(b, " (Timeout)");
	} else if (polls) {
		tprintf(b, " (");
		pollfds(b, args[0], args[1], true);
		if (nr == __NR_ppoll)
			left(b, args[2], false);
		tprintf(b, ")");
	} else {
		select_sets(b, args, ret, nr == __NR_select);
	}
}
