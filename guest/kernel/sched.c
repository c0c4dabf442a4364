// SPDX-License-Identifier: MIT
/*
 * The scheduler: a FIFO run queue, switches on sleep, exit and the timer
 * tick, and an idle loop that halts until an interrupt. The kernel itself
 * is never preempted; interrupts arrive only in user mode, while idle, or
 * in the last instruction before a return to user mode.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/format.h>
#include <kernel/debug.h>
#include <kernel/panic.h>
#include <kernel/posix_timer.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/sched.h>
#include <kernel/timer.h>

struct proc *current;
bool need_resched;
static struct proc *run_head, *run_tail;
/*
 * While the CPU idles, current is only the process whose stack the idle
 * loop borrows: it is asleep like the others, and when it wakes it must be
 * queued like them, or a wakeup of two processes in one tick loses it.
 */
static bool idling;
/*
 * When current got the CPU. The tick preempts a process only after it has
 * had half a tick of its own: a timer interrupt that waited while another
 * process was in the kernel (kvm_pvm delivers it at the next return to
 * user mode) must not take the CPU back from a process at its very first
 * instruction, or a process that faults in a loop keeps the others from
 * ever running a user instruction (tests/guest/sleepers.c).
 */
static u64 slice_start_ns;

#define MIN_SLICE_NS (1000000000ULL / TICK_HZ / 2)

void switch_stack(u64 *save_sp, u64 new_sp);

static bool on_run_queue(struct proc *p)
{
	return p->run_next || run_tail == p;
}

static void enqueue(struct proc *p)
{
	if (on_run_queue(p))
		return;
	p->run_next = NULL;
	if (run_tail)
		run_tail->run_next = p;
	else
		run_head = p;
	run_tail = p;
}

static struct proc *dequeue(void)
{
	struct proc *p = run_head;

	if (!p)
		return NULL;
	run_head = p->run_next;
	if (!run_head)
		run_tail = NULL;
	p->run_next = NULL;
	return p;
}

void sched_make_runnable(struct proc *p)
{
	p->state = PROC_RUNNABLE;
	p->wait_chan = NULL;
	p->wake_at_ns = 0;
	if (p != current || idling)
		enqueue(p);
}

/*
 * CPU time goes to the process that ran, not to one asleep in the idle
 * loop; to its system time while it was in the kernel. Linux samples at
 * the tick which mode it interrupted; here every entry from user mode and
 * every return reads the TSC (not a trapped instruction), so the split is
 * exact, except that the host's own cost of the transition shows as user
 * time: the guest first sees the clock after the entry.
 */
static void charge_cpu(struct proc *p, u64 now_tsc)
{
	u64 ran = now_tsc - p->charged_tsc;

	p->cpu_tsc += ran;
	if (p->in_kernel)
		p->sys_tsc += ran;
	p->charged_tsc = now_tsc;
}

void account_kernel_entry(void)
{
	charge_cpu(current, rdtsc());
	current->in_kernel = true;
}

void account_user_return(void)
{
	charge_cpu(current, rdtsc());
	current->in_kernel = false;
}

/* Cycles p has run since it was last charged: none unless it is running. */
static u64 uncharged_tsc(const struct proc *p)
{
	return p == current ? rdtsc() - p->charged_tsc : 0;
}

u64 proc_cpu_ns(const struct proc *p)
{
	return tsc_to_ns(p->cpu_tsc + uncharged_tsc(p));
}

void proc_cpu_split(const struct proc *p, u64 *user, u64 *sys)
{
	u64 running = uncharged_tsc(p), sys_tsc = p->sys_tsc + (p->in_kernel ? running : 0);

	*sys = tsc_to_ns(sys_tsc);
	*user = tsc_to_ns(p->cpu_tsc + running - sys_tsc);
}

/* "pid 1 (prog), pid 2 (child)": who is stuck, for the deadlock report. */
static void describe_blocked(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < MAX_PROCS && used + 1 < len; i++) {
		const struct proc *p = &proc_table[i];

		if (p->state != PROC_SLEEPING)
			continue;
		used += ksnprintf(buf + used, len - used, "%spid %d (%s)", used ? ", " : "", p->pid,
				  p->comm);
	}
}

static bool anyone_can_wake(void)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (proc_table[i].state == PROC_SLEEPING && proc_table[i].wake_at_ns)
			return true;
	return timers_armed() || console_has_pollers();
}

/* Nothing runnable: halt until an interrupt makes something runnable. */
static struct proc *idle_until_runnable(void)
{
	struct proc *next;

	charge_cpu(current, rdtsc());
	idling = true;
	while (!(next = dequeue())) {
		if (!anyone_can_wake()) {
			char blocked[128];

			describe_blocked(blocked, sizeof(blocked));
			kernel_deadlock(blocked);
		}
		arch_wait_for_interrupt();
	}
	idling = false;
	current->charged_tsc = rdtsc();
	slice_start_ns = clock_monotonic_ns();
	return next;
}

static void switch_to(struct proc *prev, struct proc *next)
{
	u64 now = rdtsc();

	charge_cpu(prev, now);
	next->charged_tsc = now;
	slice_start_ns = clock_monotonic_ns();
	asm volatile("fxsave64 %0" : "=m"(prev->fpu));
	asm volatile("fxrstor64 %0" : : "m"(next->fpu));
	if (prev->mm != next->mm)
		procmm_activate(next->mm);
	arch_set_kernel_stack((u64)next->kstack + KSTACK_SIZE);
	arch_save_user_bases(&prev->fs_base, &prev->gs_base);
	arch_load_user_bases(next->fs_base, next->gs_base);
	current = next;
	pagelab_note_running(next->pid);
	switch_stack(&prev->ksp, next->ksp);
	proc_free_released();
}

void schedule(void)
{
	struct proc *prev = current, *next;

	need_resched = false;
	if (prev->state == PROC_RUNNABLE)
		enqueue(prev);
	next = dequeue();
	if (!next)
		next = idle_until_runnable();
	if (next != prev)
		switch_to(prev, next);
	else
		slice_start_ns = clock_monotonic_ns(); /* no one else: a new slice */
}

int sleep_until(const void *chan, u64 deadline_ns)
{
	if (signal_pending(current))
		return -EINTR;
	current->state = PROC_SLEEPING;
	current->wait_chan = chan;
	current->wake_at_ns = deadline_ns;
	schedule();
	current->wait_chan = NULL;
	current->wake_at_ns = 0;
	return signal_pending(current) ? -EINTR : 0;
}

int sleep_on(const void *chan)
{
	return sleep_until(chan, 0);
}

void wakeup(const void *chan)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &proc_table[i];

		if (p->state == PROC_SLEEPING && p->wait_chan == chan)
			sched_make_runnable(p);
	}
}

void sched_tick(void)
{
	u64 now = clock_monotonic_ns();

	timers_tick(now);
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &proc_table[i];

		if (p->state == PROC_SLEEPING && p->wake_at_ns && p->wake_at_ns <= now)
			sched_make_runnable(p);
	}
	if (run_head && now - slice_start_ns >= MIN_SLICE_NS)
		need_resched = true;
}
