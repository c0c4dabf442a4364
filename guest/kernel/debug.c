// SPDX-License-Identifier: MIT
/*
 * The kernel option "gdb" (pagelab run --gdb): a program's breakpoints
 * (int3, #BP) and single steps (TF, #DB) become stops the host's gdb stub
 * sees (PL_HC_STOP, PL_STOP_BLOCK_DEBUG) instead of a SIGTRAP, and the first
 * program stops before its first instruction. The host steps a process by
 * setting TF in its saved rflags; the kernel clears it at the trap that
 * ends the step, so that a continue after it runs free.
 */
#include <kernel/boot.h>
#include <kernel/debug.h>
#include <kernel/panic.h>

bool debug_stub_attached;

void debug_init(void)
{
	char opt[8];

	debug_stub_attached = boot_option("gdb", opt, sizeof(opt)) != NULL;
}

bool debug_user_trap(struct trap_frame *f)
{
	if (!debug_stub_attached || (f->vector != 1 && f->vector != 3))
		return false;
	f->rflags &= ~RFLAGS_TF;
	pagelab_debug_stop(f->vector, NULL);
	return true;
}

/*
 * The kernel debugged with its own symbols: a breakpoint gdb wrote into
 * kernel text, or a step of kernel code (TF in a kernel frame, set by the
 * host). The code that makes a stop cannot stop itself: a step through it
 * is not seen, and a breakpoint in it has no way out.
 */
bool debug_kernel_trap(struct trap_frame *f)
{
	if (!debug_stub_attached || (f->vector != 1 && f->vector != 3))
		return false;
	f->rflags &= ~RFLAGS_TF;
	if (pagelab_in_stop() && f->vector == 3)
		panic("gdb: a breakpoint at %p, in the code that makes a stop (sys_pagelab.c)",
		      (void *)(f->rip - 1));
	if (!pagelab_in_stop())
		pagelab_debug_stop(f->vector, f);
	return true;
}

void debug_first_instruction(void)
{
	if (debug_stub_attached)
		pagelab_debug_stop(0, NULL);
}

/*
 * syscall clears TF (MSR_SFMASK), so the step over a syscall instruction
 * traps nowhere: as Linux does for a stepped system call, it ends here,
 * after the call, with the program at the next instruction.
 */
void debug_user_return(struct trap_frame *f)
{
	if (!debug_stub_attached || f->vector != VEC_SYSCALL || !(f->rflags & RFLAGS_TF))
		return;
	f->rflags &= ~RFLAGS_TF;
	pagelab_debug_stop(1, NULL);
}
