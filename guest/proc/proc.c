// SPDX-License-Identifier: MIT
/*
 * Process lifetime: the first program, fork and exit (wait.c reaps).
 */
#include <kernel/backing.h>
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/cpu.h>
#include <kernel/debug.h>
#include <kernel/errno.h>
#include <kernel/exec.h>
#include <kernel/fdtable.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/proc.h>
#include <kernel/procfs.h>
#include <kernel/procmm.h>
#include <kernel/pvm.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/thp.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>
#include <kernel/vfio.h>
#include <kernel/vfs.h>
#include <kernel/vmstat.h>

struct proc proc_table[MAX_PROCS];
static int next_pid = 1;
/*
 * The kernel option "init" (pagelab run --init): PID 1 is the kernel's own
 * process, which never runs: it adopts orphans, reaps them as soon as they
 * are zombies, and ignores signals. The program is then PID 2, its child.
 */
struct proc *init_proc;
static int program_pid = 1;
static const char init_never_woken;

extern void trap_return(void);
extern void fork_child_entry(void);

struct proc *proc_find(int pid)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (proc_table[i].state != PROC_UNUSED && proc_table[i].pid == pid)
			return &proc_table[i];
	return NULL;
}

static struct proc *proc_alloc(void)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &proc_table[i];

		if (p->state != PROC_UNUSED)
			continue;
		memset(p, 0, sizeof(*p));
		p->kstack = kmalloc(KSTACK_SIZE);
		if (!p->kstack)
			return NULL;
		p->pid = next_pid++;
		p->state = PROC_SLEEPING; /* not runnable until set up */
		p->frame = (struct trap_frame *)(p->kstack + KSTACK_SIZE) - 1;
		return p;
	}
	return NULL;
}

void proc_free(struct proc *p)
{
	sigqueue_discard(&p->sig, ~0ULL);
	if (p->mm)
		procmm_put(p->mm);
	kfree(p->kstack);
	p->state = PROC_UNUSED;
}

/* init_proc's wait() for the zombies it adopted (not one running its own exit). */
static void reap_init_zombies(void)
{
	struct proc **pp = init_proc ? &init_proc->children : NULL;

	while (pp && *pp) {
		struct proc *c = *pp;

		if (c->state == PROC_ZOMBIE && c != current) {
			*pp = c->sibling;
			proc_free(c);
		} else {
			pp = &c->sibling;
		}
	}
}

/* Arrange for the first switch to p to return to user mode through its frame. */
static void prepare_first_switch(struct proc *p)
{
	u64 *sp = (u64 *)p->frame;

	*--sp = (u64)fork_child_entry;
	sp -= 6; /* rbx rbp r12 r13 r14 r15, popped by switch_stack */
	memset(sp, 0, 6 * 8);
	p->ksp = (u64)sp;
}

/* Oldest first, as Linux keeps them: wait4(-1) reaps the zombies in that order. */
static void link_child(struct proc *parent, struct proc *child)
{
	struct proc **pp = &parent->children;

	while (*pp)
		pp = &(*pp)->sibling;
	child->parent = parent;
	child->sibling = NULL;
	*pp = child;
}

long sys_fork(void)
{
	struct proc *parent = current, *child = proc_alloc();

	if (!child)
		return -EAGAIN;
	child->mm = procmm_fork(parent->mm);
	if (!child->mm) {
		proc_free(child);
		return -ENOMEM;
	}
	child->files = fdtable_dup(parent->files);
	if (!child->files) {
		proc_free(child);
		return -ENOMEM;
	}
	*child->frame = *parent->frame;
	child->frame->rax = 0;
	child->cwd = parent->cwd;
	inode_get(child->cwd);
	memcpy(child->sig.action, parent->sig.action, sizeof(child->sig.action));
	child->sig.blocked = parent->sig.blocked;
	child->sig.altstack_sp = parent->sig.altstack_sp;
	child->sig.altstack_size = parent->sig.altstack_size;
	child->sig.altstack_flags = parent->sig.altstack_flags;
	arch_save_user_bases(&parent->fs_base, &parent->gs_base);
	child->fs_base = parent->fs_base;
	child->gs_base = parent->gs_base;
	child->cred = parent->cred;
	child->in_kernel = true; /* its first return to user mode is still to come */
	child->pgid = parent->pgid;
	child->sid = parent->sid;
	memcpy(child->rlim, parent->rlim, sizeof(child->rlim));
	asm volatile("fxsave64 %0" : "=m"(child->fpu));
	memcpy(child->comm, parent->comm, sizeof(child->comm));
	link_child(parent, child);
	prepare_first_switch(child);
	sched_make_runnable(child);
	return child->pid;
}

/* The first code a new process runs, on its own kernel stack (entry.S). */
void fork_child_return(struct trap_frame *f)
{
	proc_free_released();
	user_return_work(f, true);
}

/*
 * A child nobody will wait for (its parent ignores SIGCHLD or set
 * SA_NOCLDWAIT) is freed as soon as the CPU has left its kernel stack:
 * by whichever process runs next.
 */
static struct proc *released;

void proc_free_released(void)
{
	if (released && released != current) {
		proc_free(released);
		released = NULL;
	}
}

static void unlink_child(struct proc *parent, struct proc *child)
{
	struct proc **pp = &parent->children;

	while (*pp && *pp != child)
		pp = &(*pp)->sibling;
	if (*pp)
		*pp = child->sibling;
	child->parent = NULL;
}

/* A parent that ignores SIGCHLD or set SA_NOCLDWAIT never waits: the child goes at once. */
static void release_if_unwaited(struct proc *p)
{
	const struct k_sigaction *act;

	if (!p->parent)
		return;
	act = &p->parent->sig.action[SIGCHLD - 1];
	/* The kernel's init (--init) reaps its children at once too. */
	if (p->parent == init_proc || act->handler == SIG_IGN || (act->flags & SA_NOCLDWAIT)) {
		unlink_child(p->parent, p);
		released = p;
	}
}

static void reparent_children(struct proc *p)
{
	struct proc *init = proc_find(1);

	while (p->children) {
		struct proc *c = p->children;

		p->children = c->sibling;
		if (init && init != p) {
			link_child(init, c);
			if (c->state == PROC_ZOMBIE)
				wakeup(init);
		} else {
			c->parent = NULL;
		}
	}
	reap_init_zombies();
}

static void report_signal_death(struct proc *p, int sig, bool core)
{
	const struct fault_info *fi = &p->sig.fault[sig - 1];
	char line[200];
	int n;

	if (fi->code && fi->trapno)
		n = ksnprintf(
		    line, sizeof(line),
		    "pagelab: %s (pid %d) killed by signal %d (%s) at address 0x%lx, rip 0x%lx%s\n",
		    p->comm, p->pid, sig, signal_name(sig), (unsigned long)fi->addr,
		    (unsigned long)p->frame->rip, core ? " (core dumped)" : "");
	else
		n = ksnprintf(line, sizeof(line),
			      "pagelab: %s (pid %d) killed by signal %d (%s)%s\n", p->comm, p->pid,
			      sig, signal_name(sig), core ? " (core dumped)" : "");
	console_write(PL_STREAM_STDERR, line, MIN((size_t)n, sizeof(line) - 1));
}

/* Ends current; wait_status as wait4 reports it. Does not return. */
void do_exit(int wait_status)
{
	struct proc *p = current;
	int sig = wait_status & 0x7f;

	/* The run's own program only: a shell, too, reports just its foreground job. */
	if (sig && p->pid == program_pid)
		report_signal_death(p, sig, wait_status & 0x80);
	if (p->pid == program_pid) {
		syscall_report_unimplemented();
		kernel_exit(sig ? 128 + sig : (wait_status >> 8) & 0xff);
	}
	fdtable_put(p->files);
	p->files = NULL;
	inode_put(p->cwd);
	p->cwd = NULL;
	reparent_children(p);
	posix_timers_delete_all(p);
	memset(p->itimer, 0, sizeof(p->itimer));
	p->wait_status = wait_status;
	p->state = PROC_ZOMBIE;
	if (sig)
		jobctl_notify_parent(p, wait_status & 0x80 ? CLD_DUMPED : CLD_KILLED, sig);
	else
		jobctl_notify_parent(p, CLD_EXITED, (wait_status >> 8) & 0xff);
	release_if_unwaited(p);
	schedule();
	panic("a zombie was scheduled");
}

long sys_exit(u64 code)
{
	do_exit((code & 0xff) << 8);
	return 0;
}

static void unpack_args(struct exec_args *a)
{
	a->argv = boot_info.argv;
	a->argv_len = boot_info.argv_len;
	a->envp = boot_info.envp;
	a->envp_len = boot_info.envp_len;
	for (size_t i = 0; i < a->argv_len; i++)
		a->argc += !a->argv[i];
	for (size_t i = 0; i < a->envp_len; i++)
		a->envc += !a->envp[i];
}

/* As a shell reports it: 127 for a missing program, 126 for one that cannot run. */
static __noreturn void init_failed(const char *path, long err)
{
	char line[300];
	int n = ksnprintf(
	    line, sizeof(line), "pagelab: cannot run %s: %s\n", path,
	    err == -ENOENT    ? "no such file in the guest's file system"
	    : err == -ENOEXEC ? "not a static x86-64 executable (build it with musl-gcc -static)"
	    : err == -EACCES  ? "permission denied (not a regular file, or not executable)"
	    : err == -ENOMEM
		? "out of memory"
		: "its arguments and environment do not fit (E2BIG) or cannot be read");

	console_write(PL_STREAM_STDERR, line, MIN((size_t)n, sizeof(line) - 1));
	kernel_exit(err == -ENOENT ? 127 : 126);
}

/* PID 1 with --init: asleep for good, on a channel nobody wakes; session and group 1. */
static void start_init_proc(void)
{
	init_proc = proc_alloc();
	if (!init_proc)
		panic("cannot allocate the init process");
	init_proc->wait_chan = &init_never_woken;
	init_proc->pgid = init_proc->sid = init_proc->pid;
	memcpy(init_proc->comm, "init", 5);
}

void init_start(void)
{
	struct exec_args args = { 0 };
	char value[8];
	struct proc *p;
	long err;

	if (boot_option("init", value, sizeof(value)))
		start_init_proc();
	p = proc_alloc();

	syscall_init();
	vfs_init(phys_to_virt(boot_info.initrd_start),
		 boot_info.initrd_end - boot_info.initrd_start);
	procfs_init();
	thp_sysfs_init();
	physmap_init();
	vmstat_init();
	vfio_init();
	unpack_args(&args);
	if (!p)
		panic("cannot allocate the first process");
	rlimits_init(p->rlim);
	p->pgid = p->sid = p->pid; /* the program leads its session (1, or 2 under init) */
	program_pid = p->pid;
	if (init_proc)
		link_child(init_proc, p);
	p->files = fdtable_new_stdio();
	vfs_root_get(&p->cwd);
	current = p;
	arch_set_kernel_stack((u64)p->kstack + KSTACK_SIZE);
	err = exec_program(p, args.argv, &args);
	if (err)
		init_failed(args.argv, err);
	p->state = PROC_RUNNABLE;
	procmm_activate(p->mm);
	asm volatile("fxrstor64 %0" : : "m"(p->fpu));
	arch_load_user_bases(0, 0);
	timer_init();
	/* After timer_init, which starts the monotonic clock at 0. */
	p->charged_tsc = rdtsc();
	p->in_kernel = true;
	debug_first_instruction();
	/* The one way into user mode, for the first entry as for every other. */
	user_return_work(p->frame, false);
	enter_user(p->frame);
}

SYSCALL(fork, sys_fork, "");
SYSCALL(vfork, sys_fork, "");
SYSCALL(exit, sys_exit, "d");
