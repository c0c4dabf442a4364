// SPDX-License-Identifier: MIT
/*
 * --trace-syscalls' renderings of what signals' and timers' calls pass,
 * as strace prints them: siginfo (sigqueue's, sigtimedwait's), itimerval,
 * itimerspec, sigevent, and the id timer_create writes ("[0]"). Kinds
 * (kernel/syscall.h): '1' siginfo and '2' the one filled in, '3'/'4'
 * itimerval, '5'/'6' itimerspec, '7' sigevent, '8' an int filled in, '!'
 * the mask rt_sigreturn restores from the signal frame, '(' / ')' a
 * message queue's mq_attr.
 */
#include <kernel/arch.h>
#include <kernel/proc.h>
#include <kernel/signo.h>
#include <kernel/string.h>
#include <kernel/trace_args.h>
#include <kernel/trace_names.h>
#include <kernel/uaccess.h>

#define SIGEV_SIGNAL	0
#define SIGEV_NONE	1
#define SIGEV_THREAD	2
#define SIGEV_THREAD_ID 4

static void signal_named(struct tbuf *b, int sig)
{
	char buf[8];
	const char *n = signal_short_name(sig, buf, sizeof(buf));

	if (n)
		tprintf(b, "SIG%s", n);
	else
		tprintf(b, "%d", sig);
}

static const char *si_code_name(const struct siginfo *si)
{
	static const struct name_value codes[] = {
		{ SI_USER, "SI_USER" },
		{ SI_KERNEL, "SI_KERNEL" },
		{ (u32)SI_QUEUE, "SI_QUEUE" },
		{ (u32)SI_TIMER, "SI_TIMER" },
		{ (u32)SI_MESGQ, "SI_MESGQ" },
		{ (u32)SI_TKILL, "SI_TKILL" },
		{ 0, NULL },
	};
	static const char *const cld[] = { NULL,	   "CLD_EXITED",  "CLD_KILLED",
					   "CLD_DUMPED",   "CLD_TRAPPED", "CLD_STOPPED",
					   "CLD_CONTINUED" };

	if (si->signo == SIGCHLD && si->code > 0 && si->code <= 6)
		return cld[si->code];
	return name_of(codes, (u32)si->code);
}

static void render_siginfo(struct tbuf *b, u64 uaddr)
{
	struct siginfo si;
	const char *code;

	if (copy_from_user(&si, uaddr, sizeof(si))) {
		trace_pointer(b, uaddr);
		return;
	}
	if (!si.signo) {
		tprintf(b, "{}");
		return;
	}
	tprintf(b, "{si_signo=");
	signal_named(b, si.signo);
	code = si_code_name(&si);
	if (code)
		tprintf(b, ", si_code=%s", code);
	else
		tprintf(b, ", si_code=%d", si.code);
	if (si.signo == SIGCHLD && si.code > 0 && si.code <= 6) {
		tprintf(b, ", si_pid=%d, si_uid=%u, si_status=", si.chld.pid, si.chld.uid);
		if (si.code == 1)
			tprintf(b, "%d", si.chld.status);
		else
			signal_named(b, si.chld.status);
		tprintf(b, ", si_utime=%ld, si_stime=%ld", (long)si.chld.utime,
			(long)si.chld.stime);
	} else if (si.code == SI_TIMER) {
		tprintf(b, ", si_timerid=");
		trace_pointer(b, (u32)si.timer.tid);
		tprintf(b, ", si_overrun=%d, si_int=%d, si_ptr=", si.timer.overrun,
			(int)si.timer.value);
		trace_pointer(b, si.timer.value);
	} else if (si.code == SI_USER || si.code == SI_TKILL || si.code == SI_QUEUE ||
		   si.code == SI_MESGQ) {
		tprintf(b, ", si_pid=%d, si_uid=%u", si.rt.pid, si.rt.uid);
		/* strace leaves out a value of 0 (NULL) of these, not a timer's. */
		if ((si.code == SI_QUEUE || si.code == SI_MESGQ) && si.rt.value) {
			tprintf(b, ", si_int=%d, si_ptr=", (int)si.rt.value);
			trace_pointer(b, si.rt.value);
		}
	}
	tprintf(b, "}");
}

/* An itimerval (usec) or an itimerspec (nsec): the same two pairs of numbers. */
static void render_interval_value(struct tbuf *b, u64 uaddr, const char *unit)
{
	struct {
		s64 isec, ifrac, vsec, vfrac;
	} t;

	if (copy_from_user(&t, uaddr, sizeof(t))) {
		trace_pointer(b, uaddr);
		return;
	}
	tprintf(b, "{it_interval={tv_sec=%ld, tv_%s=%ld}, it_value={tv_sec=%ld, tv_%s=%ld}}",
		(long)t.isec, unit, (long)t.ifrac, (long)t.vsec, unit, (long)t.vfrac);
}

static void render_sigevent(struct tbuf *b, u64 uaddr)
{
	static const char *const notify[] = { "SIGEV_SIGNAL", "SIGEV_NONE", "SIGEV_THREAD", NULL,
					      "SIGEV_THREAD_ID" };
	struct {
		u64 value;
		s32 signo, notify, tid;
	} ev;

	if (copy_from_user(&ev, uaddr, sizeof(ev))) {
		trace_pointer(b, uaddr);
		return;
	}
	tprintf(b, "{");
	if (ev.value)
		tprintf(b, "sigev_value={sival_int=%d, sival_ptr=%#lx}, ", (int)ev.value,
			(unsigned long)ev.value);
	tprintf(b, "sigev_signo=");
	if (ev.signo)
		signal_named(b, ev.signo);
	else
		tprintf(b, "0");
	if (ev.notify >= 0 && ev.notify <= SIGEV_THREAD_ID && notify[ev.notify])
		tprintf(b, ", sigev_notify=%s", notify[ev.notify]);
	else
		tprintf(b, ", sigev_notify=%#x", ev.notify);
	if (ev.notify == SIGEV_THREAD_ID)
		tprintf(b, ", sigev_notify_thread_id=%d", ev.tid);
	tprintf(b, "}");
}

static void render_mq_attr(struct tbuf *b, u64 uaddr)
{
	struct {
		s64 flags, maxmsg, msgsize, curmsgs;
	} a;

	if (copy_from_user(&a, uaddr, sizeof(a))) {
		trace_pointer(b, uaddr);
		return;
	}
	tprintf(b, "{mq_flags=%s, mq_maxmsg=%ld, mq_msgsize=%ld, mq_curmsgs=%ld}",
		a.flags == 04000 ? "O_NONBLOCK"
		: a.flags	 ? "?"
				 : "0",
		(long)a.maxmsg, (long)a.msgsize, (long)a.curmsgs);
}

static void render_int(struct tbuf *b, u64 uaddr)
{
	s32 v;

	if (copy_from_user(&v, uaddr, sizeof(v)))
		trace_pointer(b, uaddr);
	else
		tprintf(b, "[%d]", v);
}

bool trace_timer_kind_is_result(char kind)
{
	return kind == '2' || kind == '4' || kind == '6' || kind == '8' || kind == ')';
}

/* The ucontext's uc_sigmask, at the user stack pointer rt_sigreturn is called with. */
#define UC_SIGMASK_OFFSET 296

static void render_sigreturn_mask(struct tbuf *b)
{
	u64 uaddr = current->frame->rsp + UC_SIGMASK_OFFSET;

	tprintf(b, "{mask=");
	trace_render_arg(b, 'G', &uaddr, 0, 0);
	tprintf(b, "}");
}

bool trace_render_timer_arg(struct tbuf *b, char kind, u64 v, long ret)
{
	if (kind == '!') {
		render_sigreturn_mask(b);
		return true;
	}
	if (!kind || !strchr("12345678()", kind))
		return false;
	/* NULL, or what a failed call did not fill in: the address. */
	if (!v || (trace_timer_kind_is_result(kind) && ret < 0)) {
		trace_pointer(b, v);
		return true;
	}
	if (kind == '1' || kind == '2')
		render_siginfo(b, v);
	else if (kind == '3' || kind == '4')
		render_interval_value(b, v, "usec");
	else if (kind == '5' || kind == '6')
		render_interval_value(b, v, "nsec");
	else if (kind == '7')
		render_sigevent(b, v);
	else if (kind == '(' || kind == ')')
		render_mq_attr(b, v);
	else
		render_int(b, v);
	return true;
}
