// SPDX-License-Identifier: MIT
/*
 * Signals: queueing, default actions, and delivery to user handlers with
 * Linux's x86-64 rt_sigframe, so musl's sigaction, siglongjmp and
 * ucontext-reading handlers work unmodified.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/coredump.h>
#include <kernel/debug.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/pvm.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>

extern bool need_resched;

#define UNBLOCKABLE (SIGBIT(SIGKILL) | SIGBIT(SIGSTOP))
#define CORE_SIGNALS                                                                             \
	(SIGBIT(SIGQUIT) | SIGBIT(SIGILL) | SIGBIT(SIGTRAP) | SIGBIT(SIGABRT) | SIGBIT(SIGBUS) | \
	 SIGBIT(SIGFPE) | SIGBIT(SIGSEGV) | SIGBIT(SIGXCPU) | SIGBIT(SIGXFSZ) | SIGBIT(SIGSYS))
#define IGNORED_BY_DEFAULT (SIGBIT(SIGCHLD) | SIGBIT(SIGURG) | SIGBIT(SIGWINCH) | SIGBIT(SIGCONT))
#define STOP_BY_DEFAULT	   (SIGBIT(SIGSTOP) | SIGBIT(SIGTSTP) | SIGBIT(SIGTTIN) | SIGBIT(SIGTTOU))
/* RFLAGS bits a handler's context may change (CF PF AF ZF SF TF DF OF AC). */
#define USER_RFLAGS_MASK 0x40dd5ULL

struct sigcontext {
	u64 r8, r9, r10, r11, r12, r13, r14, r15, rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
	u64 rflags;
	u16 cs, gs, fs, ss;
	u64 err, trapno, oldmask, cr2, fpstate;
	u64 reserved[8];
};

struct ucontext {
	u64 flags, link;
	u64 ss_sp;
	s32 ss_flags;
	u32 pad;
	u64 ss_size;
	struct sigcontext mc;
	u64 sigmask;
};
/* --trace-syscalls reads the mask at this offset (kernel/trace_timers.c). */
_Static_assert(offsetof(struct ucontext, sigmask) == 296, "Linux's ucontext layout");

struct rt_sigframe {
	u64 pretcode;
	struct ucontext uc;
	struct siginfo info;
};

static const char *const names[32] = {
	NULL,	     "SIGHUP",	"SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
	"SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
	"SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
	"SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
};

const char *signal_name(int sig)
{
	return sig > 0 && sig < 32 ? names[sig] : "SIGRT";
}

bool signal_pending(struct proc *p)
{
	return p->sig.pending & ~(p->sig.blocked & ~UNBLOCKABLE);
}

/*
 * Linux discards a signal that is ignored and not blocked as it is sent:
 * it is never pending, so it wakes nobody and interrupts no call (a
 * child's SIGCHLD does not cut a parent's sleep short). A blocked one
 * stays pending: the handler may change before it is unblocked.
 */
bool signal_ignored(const struct proc *p, int sig)
{
	const struct k_sigaction *act = &p->sig.action[sig - 1];

	if ((p->sig.blocked | p->sig.real_blocked) & SIGBIT(sig))
		return false;
	return act->handler == SIG_IGN ||
	       (act->handler == SIG_DFL && (IGNORED_BY_DEFAULT & SIGBIT(sig)));
}

int signal_send_info(struct proc *p, const struct siginfo *info)
{
	int sig = info->signo, err;

	/* The kernel's init has no handlers: every signal is ignored, as Linux's init's. */
	if (sig < 1 || sig > NSIG || p->state == PROC_ZOMBIE || p == init_proc)
		return 0;
	jobctl_on_send(p, sig); /* SIGCONT continues p even if it is then discarded */
	if (signal_ignored(p, sig))
		return 0;
	if (sig < SIGRTMIN && (p->sig.pending & SIGBIT(sig)))
		return 0; /* standard signals do not queue: this one merges with the pending one */
	err = sigqueue_add(&p->sig, info);
	if (err)
		return err;
	if (p->state == PROC_SLEEPING && signal_pending(p))
		sched_make_runnable(p);
	return 1;
}

void signal_send(struct proc *p, int sig, int sender_pid)
{
	struct siginfo info = { .signo = sig, .code = SI_USER };

	info.rt.pid = sender_pid;
	info.rt.uid = current ? current->cred.uid : 0;
	signal_send_info(p, &info);
}

/* A fault cannot be blocked or ignored: Linux forces the default then. */
void signal_force_fault(int sig, const struct fault_info *info)
{
	struct sigstate *s = &current->sig;

	if ((s->blocked & SIGBIT(sig)) || s->action[sig - 1].handler == SIG_IGN) {
		s->blocked &= ~SIGBIT(sig);
		s->action[sig - 1].handler = SIG_DFL;
	}
	s->fault[sig - 1] = *info;
	s->pending |= SIGBIT(sig);
}

static int next_signal(struct sigstate *s)
{
	u64 ready = s->pending & ~(s->blocked & ~UNBLOCKABLE);

	return ready ? __builtin_ctzll(ready) + 1 : 0;
}

/* A fault's signal carries its address; any other what it was sent with. */
static void take_signal(struct sigstate *s, int sig, struct siginfo *si)
{
	const struct fault_info *fi = &s->fault[sig - 1];

	if (!fi->code) {
		sigqueue_take(s, sig, si);
		return;
	}
	memset(si, 0, sizeof(*si));
	si->signo = sig;
	si->code = fi->code;
	si->addr = fi->addr;
	sigqueue_discard(s, SIGBIT(sig));
}

static void save_context(struct sigcontext *mc, const struct trap_frame *f,
			 const struct fault_info *fi, u64 fpstate)
{
	*mc = (struct sigcontext){
		.r8 = f->r8,
		.r9 = f->r9,
		.r10 = f->r10,
		.r11 = f->r11,
		.r12 = f->r12,
		.r13 = f->r13,
		.r14 = f->r14,
		.r15 = f->r15,
		.rdi = f->rdi,
		.rsi = f->rsi,
		.rbp = f->rbp,
		.rbx = f->rbx,
		.rdx = f->rdx,
		.rax = f->rax,
		.rcx = f->rcx,
		.rsp = f->rsp,
		.rip = f->rip,
		.rflags = f->rflags,
		.cs = f->cs,
		.ss = f->ss,
		.err = fi->error,
		.trapno = fi->trapno,
		.cr2 = fi->addr,
		.fpstate = fpstate,
	};
}

static bool on_altstack(const struct sigstate *s, u64 sp)
{
	return s->altstack_size && sp - s->altstack_sp < s->altstack_size;
}

static int setup_frame(struct trap_frame *f, int sig, const struct k_sigaction *act,
		       const struct siginfo *info)
{
	struct sigstate *s = &current->sig;
	struct rt_sigframe frame;
	u8 fpu[512] __aligned(16);
	u64 sp = f->rsp - 128, fp_user, frame_user;
	bool nested = on_altstack(s, f->rsp);

	if ((act->flags & SA_ONSTACK) && s->altstack_size && !nested)
		sp = s->altstack_sp + s->altstack_size;
	fp_user = ALIGN_DOWN(sp - sizeof(fpu), 64);
	frame_user = ALIGN_DOWN(fp_user - sizeof(frame), 16) - 8;
	/*
	 * A handler already on the alternate stack whose next frame would fall
	 * off its bottom: Linux kills rather than start again at the top, which
	 * would overwrite the frames in use (and loop forever).
	 */
	if (nested && !on_altstack(s, frame_user))
		return -EFAULT;
	asm volatile("fxsave64 %0" : "=m"(fpu));
	memset(&frame, 0, sizeof(frame));
	frame.pretcode = act->restorer;
	frame.uc.ss_sp = s->altstack_sp;
	frame.uc.ss_size = s->altstack_size;
	frame.uc.ss_flags = s->altstack_size ? (on_altstack(s, f->rsp) ? 1 : 0) : 2;
	save_context(&frame.uc.mc, f, &s->fault[sig - 1], fp_user);
	frame.uc.sigmask = s->restore_blocked ? s->saved_blocked : s->blocked;
	frame.info = *info;
	if (copy_to_user(fp_user, fpu, sizeof(fpu)) ||
	    copy_to_user(frame_user, &frame, sizeof(frame)))
		return -EFAULT;
	f->rsp = frame_user;
	f->rip = act->handler;
	f->rdi = sig;
	f->rsi = frame_user + offsetof(struct rt_sigframe, info);
	f->rdx = frame_user + offsetof(struct rt_sigframe, uc);
	f->rax = 0;
	f->rflags &= ~(1ULL << 10 | 1ULL << 8); /* DF and TF clear in the handler */
	return 0;
}

/* As Linux: the 0x80 "core dumped" bit only when a core file was written. */
static int default_wait_status(int sig, const struct trap_frame *f)
{
	return sig | ((CORE_SIGNALS & SIGBIT(sig)) && coredump(sig, f) ? 0x80 : 0);
}

/* Linux's restart rules for a syscall a signal interrupted. */
static void fix_interrupted_syscall(struct trap_frame *f, const struct k_sigaction *act)
{
	bool nohand = (s64)f->rax == -ERESTARTNOHAND;
	bool block = (s64)f->rax == -ERESTART_RESTARTBLOCK;

	if (f->vector != VEC_SYSCALL || ((s64)f->rax != -ERESTARTSYS && !nohand && !block))
		return;
	if (act && act->handler > SIG_IGN && (nohand || block || !(act->flags & SA_RESTART))) {
		f->rax = -EINTR;
		return;
	}
	f->rax = block ? __NR_restart_syscall : current->syscall_nr;
	f->rip -= 2;
	f->rcx = f->rip;
}

/* No handler ran: sigsuspend's caller mask is back at once. */
static void end_sigsuspend(struct sigstate *s)
{
	if (s->restore_blocked) {
		s->blocked = s->saved_blocked;
		s->restore_blocked = false;
	}
}

static void deliver_signals(struct trap_frame *f)
{
	struct sigstate *s = &current->sig;
	int sig;

	while ((sig = next_signal(s))) {
		struct k_sigaction *act = &s->action[sig - 1];
		struct siginfo info;

		take_signal(s, sig, &info);
		if (act->handler == SIG_IGN ||
		    (act->handler == SIG_DFL && (IGNORED_BY_DEFAULT & SIGBIT(sig))))
			continue;
		if (act->handler == SIG_DFL && (STOP_BY_DEFAULT & SIGBIT(sig))) {
			jobctl_stop(sig);
			continue;
		}
		if (act->handler == SIG_DFL)
			do_exit(default_wait_status(sig, f));
		fix_interrupted_syscall(f, act);
		if (setup_frame(f, sig, act, &info))
			do_exit(default_wait_status(SIGSEGV, f));
		s->blocked |= act->mask;
		if (!(act->flags & SA_NODEFER))
			s->blocked |= SIGBIT(sig);
		s->blocked &= ~UNBLOCKABLE;
		if (act->flags & SA_RESETHAND)
			*act = (struct k_sigaction){ 0 };
		memset(&s->fault[sig - 1], 0, sizeof(s->fault[0]));
		s->restore_blocked = false; /* the frame holds the caller's mask */
		return;
	}
	fix_interrupted_syscall(f, NULL);
	end_sigsuspend(s);
}

void user_return_work(struct trap_frame *f, bool can_schedule)
{
	if (can_schedule && timer_tick_overdue())
		timer_tick();
	if (need_resched && can_schedule)
		schedule();
	if (current->sig.pending) {
		deliver_signals(f);
	} else {
		fix_interrupted_syscall(f, NULL);
		end_sigsuspend(&current->sig);
	}
	debug_user_return(f);
	if (arch_mode == ARCH_KVM_PVM && !pvm_prepare_user_return(f))
		do_exit(default_wait_status(SIGSEGV, f));
	pvm_user_gs_return();
	account_user_return();
}

/* As Linux: a frame that cannot be read is a SIGSEGV the process may catch. */
static long bad_sigreturn_frame(void)
{
	struct fault_info info = { .code = SI_KERNEL };

	signal_force_fault(SIGSEGV, &info);
	return 0;
}

static long sys_rt_sigreturn(void)
{
	struct trap_frame *f = current->frame;
	struct ucontext uc;
	u8 fpu[512] __aligned(16);
	const struct sigcontext *mc = &uc.mc;

	if (copy_from_user(&uc, f->rsp, sizeof(uc)))
		return bad_sigreturn_frame();
	f->r8 = mc->r8, f->r9 = mc->r9, f->r10 = mc->r10, f->r11 = mc->r11;
	f->r12 = mc->r12, f->r13 = mc->r13, f->r14 = mc->r14, f->r15 = mc->r15;
	f->rdi = mc->rdi, f->rsi = mc->rsi, f->rbp = mc->rbp, f->rbx = mc->rbx;
	f->rdx = mc->rdx, f->rax = mc->rax, f->rcx = mc->rcx, f->rsp = mc->rsp;
	f->rip = mc->rip;
	f->rflags = (f->rflags & ~USER_RFLAGS_MASK) | (mc->rflags & USER_RFLAGS_MASK) | 0x202;
	f->cs = PL_SEL_UCODE;
	f->ss = PL_SEL_UDATA;
	f->vector = 0; /* not a syscall any more: no restart logic */
	current->sig.blocked = uc.sigmask & ~UNBLOCKABLE;
	if (mc->fpstate) {
		if (copy_from_user(fpu, mc->fpstate, sizeof(fpu)))
			return bad_sigreturn_frame();
		/* A reserved MXCSR bit would make fxrstor fault in the kernel. */
		*(u32 *)(fpu + 24) &= 0xffbf;
		asm volatile("fxrstor64 %0" : : "m"(fpu));
	}
	return f->rax;
}

static long sys_rt_sigaction(u64 sig, u64 uact, u64 uold, u64 size)
{
	struct k_sigaction act, *cur;

	if (sig < 1 || sig > NSIG || size != 8)
		return -EINVAL;
	cur = &current->sig.action[sig - 1];
	if (uact && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	if (uold && copy_to_user(uold, cur, sizeof(*cur)))
		return -EFAULT;
	if (uact) {
		*cur = act;
		cur->mask &= ~UNBLOCKABLE;
		/* Ignoring a signal discards its pending instances (POSIX). */
		if (act.handler == SIG_IGN ||
		    (act.handler == SIG_DFL && (IGNORED_BY_DEFAULT & SIGBIT(sig))))
			sigqueue_discard(&current->sig, SIGBIT(sig));
	}
	return 0;
}

static long sys_rt_sigprocmask(u64 how, u64 uset, u64 uold, u64 size)
{
	u64 set, *blocked = &current->sig.blocked;

	if (size != 8)
		return -EINVAL;
	if (uold && copy_to_user(uold, blocked, 8))
		return -EFAULT;
	if (!uset)
		return 0;
	if (copy_from_user(&set, uset, 8))
		return -EFAULT;
	if (how == 0)
		*blocked |= set;
	else if (how == 1)
		*blocked &= ~set;
	else if (how == 2)
		*blocked = set;
	else
		return -EINVAL;
	*blocked &= ~UNBLOCKABLE;
	return 0;
}

static long sys_rt_sigpending(u64 uset, u64 size)
{
	u64 set = current->sig.pending & current->sig.blocked;

	if (size != 8)
		return -EINVAL;
	return copy_to_user(uset, &set, 8) ? -EFAULT : 0;
}

static long sys_rt_sigsuspend(u64 uset, u64 size)
{
	struct sigstate *s = &current->sig;
	u64 set;

	if (size != 8)
		return -EINVAL;
	if (copy_from_user(&set, uset, 8))
		return -EFAULT;
	s->saved_blocked = s->blocked;
	s->restore_blocked = true; /* undone by deliver_signals */
	s->blocked = set & ~UNBLOCKABLE;
	while (!sleep_on(s))
		;
	return -ERESTARTNOHAND; /* a stop and SIGCONT do not end it, as in Linux */
}

static long sys_pause(void)
{
	while (!sleep_on(&current->sig))
		;
	return -ERESTARTNOHAND;
}

struct stack_t {
	u64 sp;
	s32 flags;
	u32 pad;
	u64 size;
};

static long sys_sigaltstack(u64 uss, u64 uold)
{
	struct sigstate *s = &current->sig;
	struct stack_t ss, old = { s->altstack_sp, 0, 0, s->altstack_size };

	old.flags = s->altstack_size ? (on_altstack(s, current->frame->rsp) ? 1 : 0) : 2;
	if (uss) {
		if (copy_from_user(&ss, uss, sizeof(ss)))
			return -EFAULT;
		if (on_altstack(s, current->frame->rsp))
			return -EPERM;
		if (ss.flags & ~(2 | (1U << 31)))
			return -EINVAL;
		if (ss.flags & 2) {
			s->altstack_sp = s->altstack_size = 0;
		} else {
			if (ss.size < 2048) /* MINSIGSTKSZ */
				return -ENOMEM;
			s->altstack_sp = ss.sp;
			s->altstack_size = ss.size;
		}
	}
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

bool signal_permitted(const struct proc *p, int sig)
{
	const struct cred *c = &current->cred, *t = &p->cred;

	if (p == current || c->euid == 0)
		return true;
	if (c->euid == t->suid || c->euid == t->uid || c->uid == t->suid || c->uid == t->uid)
		return true;
	return sig == SIGCONT && p->sid == current->sid;
}

static long kill_one(struct proc *p, int sig)
{
	if (!signal_permitted(p, sig))
		return -EPERM;
	if (sig)
		signal_send(p, sig, current->pid);
	return 0;
}

/*
 * kill(2) of many processes, with Linux's answers: a process group
 * succeeds if any member could be signalled (else the last error, ESRCH
 * for an empty group); -1 succeeds if it found anyone but init and the
 * caller, even if every one of them was refused.
 */
static long kill_many(int pid, int sig)
{
	int pgid = pid == 0 ? current->pgid : -pid, found = 0, sent = 0;
	long err = -ESRCH;

	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &proc_table[i];

		if (p->state == PROC_UNUSED)
			continue;
		if (pid == -1 ? (p->pid == 1 || p == current) : p->pgid != pgid)
			continue;
		err = kill_one(p, sig);
		found++;
		sent += !err;
	}
	if (pid == -1)
		return found ? 0 : -ESRCH;
	return sent ? 0 : err;
}

static long sys_kill(u64 upid, u64 usig)
{
	int pid = (int)upid, sig = (int)usig;

	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	if (pid > 0) {
		struct proc *p = proc_find(pid);

		return p ? kill_one(p, sig) : -ESRCH;
	}
	if ((u32)pid == 0x80000000u) /* -INT_MIN would overflow; Linux refuses it */
		return -ESRCH;
	return kill_many(pid, sig);
}

/* One thread per process: the thread is the process, but the code is SI_TKILL. */
static long tkill_one(int tgid, int tid, int sig)
{
	struct siginfo info = { .signo = sig, .code = SI_TKILL };
	struct proc *p;

	if (tid <= 0 || (tgid != -1 && tgid <= 0))
		return -EINVAL;
	if (sig < 0 || sig > NSIG)
		return -EINVAL;
	p = proc_find(tid);
	if (!p || (tgid != -1 && p->pid != tgid))
		return -ESRCH;
	if (!signal_permitted(p, sig))
		return -EPERM;
	info.rt.pid = current->pid;
	info.rt.uid = current->cred.uid;
	return sig ? MIN(signal_send_info(p, &info), 0) : 0;
}

static long sys_tkill(u64 tid, u64 sig)
{
	return tkill_one(-1, (int)tid, (int)sig);
}

static long sys_tgkill(u64 tgid, u64 tid, u64 sig)
{
	return tkill_one((int)tgid, (int)tid, (int)sig);
}

SYSCALL(rt_sigaction, sys_rt_sigaction, "SHhu");
SYSCALL(rt_sigprocmask, sys_rt_sigprocmask, "kGgu");
SYSCALL(rt_sigreturn, sys_rt_sigreturn, "!");
SYSCALL(rt_sigpending, sys_rt_sigpending, "gu");
SYSCALL(rt_sigsuspend, sys_rt_sigsuspend, "Gu");
SYSCALL(pause, sys_pause, "");
SYSCALL(sigaltstack, sys_sigaltstack, "pp");
SYSCALL(kill, sys_kill, "dS");
SYSCALL(tkill, sys_tkill, "dS");
SYSCALL(tgkill, sys_tgkill, "ddS");
