// SPDX-License-Identifier: MIT
/*
 * pagelab's own system calls for stops the host sees (include/pagelab/
 * guest.h): a checkpoint, and a failed assertion. Each is one hypercall,
 * PL_HC_STOP, carrying what the host needs to look at the process from
 * outside: its pid, its page tables and where its registers are saved.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/debug.h>
#include <kernel/errno.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/procmaps.h>
#include <kernel/procmm.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/uaccess.h>

#define __NR_pagelab_checkpoint PL_SYS_CHECKPOINT
#define __NR_pagelab_assert	PL_SYS_ASSERT

/* The host reads the saved frame as its struct pl_user_regs. */
_Static_assert(sizeof(struct trap_frame) == sizeof(struct pl_user_regs), "frame layout");
_Static_assert(__builtin_offsetof(struct trap_frame, rip) ==
		   __builtin_offsetof(struct pl_user_regs, rip),
	       "frame layout");
_Static_assert(__builtin_offsetof(struct trap_frame, rax) ==
		   __builtin_offsetof(struct pl_user_regs, rax),
	       "frame layout");

/* In the kernel image: physically contiguous, below 4 GiB. One process runs at a time. */
static struct pl_stop_block stop_block;
static struct pl_proctab proctab;
static struct pl_maps maps_pool;

/* p's memory map into the pool's free entries. */
static void publish_maps(const struct proc *p, struct pl_proctab_entry *e)
{
	bool complete;

	e->maps_first = maps_pool.count;
	e->maps_count = proc_maps_publish(p->mm, &maps_pool.entry[maps_pool.count],
					  PL_MAPS_MAX - maps_pool.count, &complete);
	e->maps_complete = complete;
	maps_pool.count += e->maps_count;
}

/* The registers the CPU holds for the running process, into its proc for the host. */
static void save_current_state(void)
{
	arch_save_user_bases(&current->fs_base, &current->gs_base);
	asm volatile("fxsave64 %0" : "=m"(current->fpu));
}

/* What the host may have changed; values the CPU would refuse are ignored. */
static void load_back_state(bool kernel_stop)
{
	for (u32 i = 0; i < proctab.count; i++) {
		const struct pl_proctab_entry *e = &proctab.entry[i];
		struct proc *p = proc_find((int)e->pid);

		if (!p || !e->fpu_gpa || e->fs_base >= USER_TOP || e->gs_base >= USER_TOP)
			continue;
		p->fs_base = e->fs_base;
		p->gs_base = e->gs_base;
		/* A reserved MXCSR bit would make fxrstor fault in the kernel. */
		*(u32 *)(p->fpu + 24) &= 0xffbf;
	}
	if (kernel_stop)
		return;
	asm volatile("fxrstor64 %0" : : "m"(current->fpu));
	arch_load_user_bases(current->fs_base, current->gs_base);
}

/* Every process with an address space, as the host will see it at this stop. */
static void proctab_refresh(bool kernel_stop)
{
	u32 n = 0;

	proctab.magic = PL_PROCTAB_MAGIC;
	proctab.version = PL_PROCTAB_VERSION;
	proctab.maps_gpa = kernel_stop ? 0 : kernel_virt_to_phys(&maps_pool);
	maps_pool.magic = PL_MAPS_MAGIC;
	maps_pool.version = PL_MAPS_VERSION;
	maps_pool.count = 0;
	for (int i = 0; i < MAX_PROCS && n < PL_PROCTAB_MAX; i++) {
		const struct proc *p = &proc_table[i];
		struct pl_proctab_entry *e = &proctab.entry[n];

		if (p->state == PROC_UNUSED || !p->mm)
			continue;
		e->pid = (u32)p->pid;
		e->cr3 = p->mm->pml4_pa;
		e->frame_gpa = p->frame ? virt_to_phys(p->frame) : 0;
		memset(e->comm, 0, sizeof(e->comm));
		memcpy(e->comm, p->comm, strnlen(p->comm, sizeof(p->comm)));
		e->maps_first = e->maps_count = e->maps_complete = 0;
		if (!kernel_stop)
			publish_maps(p, e);
		e->fpu_gpa = kernel_stop && p == current ? 0 : kernel_virt_to_phys(p->fpu);
		e->fs_base = p->fs_base;
		e->gs_base = p->gs_base;
		n++;
	}
	proctab.count = n;
	proctab.running = (u32)current->pid;
}

static bool in_stop;

/* One store per context switch: a host that pauses the guest learns who ran. */
void pagelab_note_running(int pid)
{
	proctab.running = (u32)pid;
}

bool pagelab_in_stop(void)
{
	return in_stop;
}

/*
 * A stop at frame f: the process's saved user frame, or at a debug stop
 * inside the kernel the kernel's (whose process's FPU the CPU holds, and
 * whose VMA trees may be mid-change: not published).
 */
static long pagelab_stop_at(const struct trap_frame *f)
{
	bool kernel_stop = f && !(f->cs & 3);
	long ret;

	in_stop = true;
	if (!kernel_stop)
		save_current_state();
	proctab_refresh(kernel_stop);
	stop_block.proctab_gpa = kernel_virt_to_phys(&proctab);
	stop_block.pid = (u32)current->pid;
	stop_block.cr3 = current->mm ? current->mm->pml4_pa : 0;
	if (!f)
		f = current->frame;
	stop_block.frame_gpa = f ? virt_to_phys(f) : 0;
	/* What the program printed before the stop reaches the host first. */
	console_flush();
	ret = hypercall(PL_HC_STOP, kernel_virt_to_phys(&stop_block), 0, 0, 0);
	load_back_state(kernel_stop);
	in_stop = false;
	return ret;
}

static long pagelab_stop(void)
{
	return pagelab_stop_at(NULL);
}

static long sys_pagelab_checkpoint(u64 id, u64 value)
{
	memset(&stop_block, 0, sizeof(stop_block));
	stop_block.kind = PL_STOP_BLOCK_CHECKPOINT;
	stop_block.id = id;
	stop_block.value = value;
	return pagelab_stop() < 0 ? -EINVAL : 0;
}

void pagelab_debug_stop(u64 vector, const struct trap_frame *f)
{
	memset(&stop_block, 0, sizeof(stop_block));
	stop_block.kind = PL_STOP_BLOCK_DEBUG;
	stop_block.id = vector;
	pagelab_stop_at(f);
}

/*
 * The host asked to see user faults (PL_HOST_F_WATCH_FAULTS): one stop
 * before the signal, which is forced after it as without watching.
 */
void pagelab_fault_stop(int sig, const struct fault_info *fi, const struct trap_frame *f)
{
	if (!(boot_info.host_flags & PL_HOST_F_WATCH_FAULTS))
		return;
	memset(&stop_block, 0, sizeof(stop_block));
	stop_block.kind = PL_STOP_BLOCK_FAULT;
	stop_block.fault_signo = sig;
	stop_block.fault_code = fi->code;
	stop_block.fault_addr = fi->addr;
	stop_block.fault_rip = f->rip;
	stop_block.fault_trapno = (u32)f->vector;
	stop_block.fault_error = (u32)f->error;
	pagelab_stop();
}

/* A string the program may have got wrong: a bad pointer is shown as such, not refused. */
static void user_string(char *dst, size_t max, u64 uaddr)
{
	static const char bad[] = "(bad address)";

	if (strncpy_from_user(dst, uaddr, max) < 0)
		memcpy(dst, bad, sizeof(bad) < max ? sizeof(bad) : max);
}

static long sys_pagelab_assert(u64 uinfo)
{
	struct pl_assert_info info;

	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	memset(&stop_block, 0, sizeof(stop_block));
	stop_block.kind = PL_STOP_BLOCK_ASSERT;
	stop_block.line = info.line;
	stop_block.nvalues = info.nvalues;
	stop_block.a = info.a;
	stop_block.b = info.b;
	user_string(stop_block.file, sizeof(stop_block.file), info.file);
	user_string(stop_block.expr, sizeof(stop_block.expr), info.expr);
	/* The host ends the run here; if it ever resumes, the program learns it failed. */
	pagelab_stop();
	return -EINVAL;
}

SYSCALL(pagelab_checkpoint, sys_pagelab_checkpoint, "xx");
SYSCALL(pagelab_assert, sys_pagelab_assert, "p");
