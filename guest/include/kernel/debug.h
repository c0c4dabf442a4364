/* SPDX-License-Identifier: MIT */
/*
 * The kernel option "gdb" (pagelab run --gdb): the host's gdb stub sees a
 * program's breakpoints and single steps as stops (guest/kernel/debug.c).
 */
#ifndef KERNEL_DEBUG_H
#define KERNEL_DEBUG_H

#include <kernel/arch.h>

#define RFLAGS_TF 0x100ULL

extern bool debug_stub_attached;

void debug_init(void);
/* A user #BP or #DB: true when it was a stop for the host, not a SIGTRAP. */
bool debug_user_trap(struct trap_frame *f);
/* A #BP or #DB in the kernel: true when it was a stop for the host, not a panic. */
bool debug_kernel_trap(struct trap_frame *f);
/* Before the first program's first instruction. */
void debug_first_instruction(void);
/* Every return to user mode: a system call stepped over ends the step there. */
void debug_user_return(struct trap_frame *f);

/*
 * sys_pagelab.c: the PL_HC_STOP of a debug stop (vector 1, 3, or 0 at the
 * start) at frame f (NULL: the process's saved user frame).
 */
void pagelab_debug_stop(u64 vector, const struct trap_frame *f);
/* True while a stop is being made: a trap there cannot be another stop. */
bool pagelab_in_stop(void);
/* sys_pagelab.c: the process going on the CPU, for a host that pauses the guest. */
void pagelab_note_running(int pid);
struct fault_info;
/* sys_pagelab.c: a PL_STOP_BLOCK_FAULT stop when the host watches faults, else nothing. */
void pagelab_fault_stop(int sig, const struct fault_info *fi, const struct trap_frame *f);

#endif
