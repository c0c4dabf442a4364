/* SPDX-License-Identifier: MIT */
/*
 * Kernel entry and exit: boot, exceptions, interrupts, syscalls and the
 * return to user mode. Every path builds a struct trap_frame (kernel/arch.h)
 * and hands it to C.
 *
 * Interrupts use IST1: on kvm_pvm the interrupt flag is a byte in memory,
 * so an interrupt can arrive in the few instructions between "interrupts
 * on" and sysretq while %rsp still points at the user stack; IST keeps the
 * handler off that stack. A frame that IST delivered from user mode is moved
 * to the process's kernel stack, so that the handler may switch processes.
 */
#include <pagelab/abi.h>

#include "asm.h"

/*
 * Unwind information for a debugger (gdb with the kernel's symbols): a
 * backtrace through the C code ends at the entry that built the trap
 * frame, where the interrupted code's registers are data, not a frame.
 */
	.cfi_sections .debug_frame

#define F_RCX (12 * 8)
#define F_R11 (4 * 8)
#define F_RIP (17 * 8)
#define F_CS (18 * 8)
#define F_RFLAGS (19 * 8)
#define F_RSP (20 * 8)

.macro PUSH_REGS
	push %rax
	push %rbx
	push %rcx
	push %rdx
	push %rsi
	push %rdi
	push %rbp
	push %r8
	push %r9
	push %r10
	push %r11
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro POP_REGS
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %r11
	pop %r10
	pop %r9
	pop %r8
	pop %rbp
	pop %rdi
	pop %rsi
	pop %rdx
	pop %rcx
	pop %rbx
	pop %rax
.endm

	.section .text.boot, "ax"
	.globl _start
_start:
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp
	call kmain
1:	hlt
	jmp 1b

/*
 * Everything up to the kernel's CR3 load lives in .entry.text, which the
 * isolated user PML4 maps (guest/arch/pvm/isolate.c); the rest of the entry
 * code sits there too so that the paths stay short and in one place.
 */
	.section .entry.text, "ax"
/* ------------------------------------------------------------ exceptions */
/* #DF arrives on its own IST stack: handled like an interrupt. */
.macro EXC vec
	.balign 16
	.if EXC_HAS_ERROR_CODE(\vec)
	.else
	push $0
	.endif
	push $\vec
	.if \vec < 32 && \vec != 8
	jmp exc_entry
	.else
	jmp irq_entry
	.endif
.endm

	.balign 16
	.globl vector_stubs
vector_stubs:
	.altmacro
	.set v, 0
	.rept 256
	EXC %v
	.set v, v + 1
	.endr
	.noaltmacro

/* Isolation: the kernel's tables, without a free register to spare. */
.macro LOAD_KERNEL_CR3
	push %rax
	mov entry_kernel_cr3(%rip), %rax
	mov %rax, %cr3
	pop %rax
.endm

/*
 * Exceptions from user mode arrive on TSS.rsp0: without isolation that is
 * the process's kernel stack already; with it, the fixed entry stack, and
 * the frame moves to the process's stack below. Kernel-mode exceptions
 * only happen with the kernel's CR3 loaded.
 */
exc_entry:
	testb $3, 24(%rsp)
	jz trap_common
	testb $1, entry_isolate(%rip)
	jz trap_common
	LOAD_KERNEL_CR3
	jmp move_frame

/*
 * IST delivery (interrupts, #DF). With isolation the kernel's CR3 is loaded
 * whatever the interrupted mode: a kernel-mode interrupt may have hit an
 * entry before its own CR3 load, or the idle hlt (which loads it again).
 * From user mode, continue on the process's kernel stack: the IST stack is
 * shared by every interrupt.
 */
irq_entry:
	testb $1, entry_isolate(%rip)
	jz 1f
	LOAD_KERNEL_CR3
1:	testb $3, 24(%rsp)
	jz trap_common
move_frame:
	mov %rax, -8(%rsp)
	mov %rsp, %rax
	mov cur_kstack_top(%rip), %rsp
	pushq 48(%rax)
	pushq 40(%rax)
	pushq 32(%rax)
	pushq 24(%rax)
	pushq 16(%rax)
	pushq 8(%rax)
	pushq (%rax)
	mov -8(%rax), %rax
trap_common:
	.cfi_startproc simple
	.cfi_def_cfa %rsp, 0
	.cfi_undefined rip
	movb $0, pvm_page(%rip)		/* kvm_pvm: interrupts off (no-op elsewhere) */
	PUSH_REGS
	cld
	mov %rsp, %rdi
	call trap_dispatch
	.globl trap_return
trap_return:
	testb $3, F_CS(%rsp)
	jnz ret_to_user
	POP_REGS
	add $16, %rsp
	iretq
	.cfi_endproc

/* ------------------------------------------------------------ syscalls */
/*
 * LSTAR with isolation: user %rsp waits in the scratch slot while %rsp
 * carries the kernel's CR3 (no other register is free). An interrupt in
 * these few instructions arrives on IST and leaves the slot alone.
 */
	.globl syscall_entry_isolated
syscall_entry_isolated:
	mov %rsp, entry_scratch(%rip)
	mov entry_kernel_cr3(%rip), %rsp
	mov %rsp, %cr3
	mov entry_scratch(%rip), %rsp
	/* fall through: the interrupt flag is cleared only now, on kernel tables */

	.globl syscall_entry
syscall_entry:
	.cfi_startproc simple
	.cfi_def_cfa %rsp, 0
	.cfi_undefined rip
	movb $0, pvm_page(%rip)		/* kvm_pvm: interrupts off (no-op elsewhere) */
	mov %rsp, syscall_user_rsp(%rip)
	mov cur_kstack_top(%rip), %rsp
	push $PL_SEL_UDATA
	pushq syscall_user_rsp(%rip)
	push %r11
	push $PL_SEL_UCODE
	push %rcx
	push $0
	push $0x100
	PUSH_REGS
	cld
	mov %rsp, %rdi
	call syscall_dispatch
	/* fall through */

/*
 * Return to user mode from the frame at %rsp. sysretq when %rcx/%r11 hold
 * %rip/%rflags (C arranges that on kvm_pvm, where iretq cannot leave kernel
 * mode - see guest/arch/pvm/pvm.c); iretq otherwise.
 */
	.globl ret_to_user
ret_to_user:
	mov F_RIP(%rsp), %rcx
	cmp F_RCX(%rsp), %rcx
	jne ret_iret
	mov F_RFLAGS(%rsp), %r11
	cmp F_R11(%rsp), %r11
	jne ret_iret
	shr $47, %rcx			/* sysretq to a non-canonical %rip faults in ring 0 */
	jnz ret_iret
	POP_REGS
	mov 24+16(%rsp), %rsp		/* user %rsp; %rcx = %rip and %r11 = %rflags already */
	cmpl $1, arch_mode(%rip)
	jne 1f
	/*
	 * kvm_pvm: interrupts on, one instruction before leaving. An interrupt
	 * taken at the sysretq arrives on IST in kernel mode; handle_interrupt
	 * treats it as one from user mode (pvm_fixup_sysret_window).
	 */
	movb $1, pvm_page(%rip)
	.globl pvm_sysret_insn
pvm_sysret_insn:
1:	sysretq
ret_iret:
	/*
	 * On kvm_pvm an iretq "to user mode" stays in ring 0 at whatever %rip
	 * the frame holds: user_return_work must have arranged a sysretq. A
	 * path that skipped it is a kernel bug, stopped here, never a way in.
	 */
	cmpl $1, arch_mode(%rip)
	je 2f
	POP_REGS
	add $16, %rsp
	iretq
2:	mov %rsp, %rdi
	call pvm_iret_to_user
	.cfi_endproc

	.text
/* A new process's first switch lands here, with %rsp at its trap frame. */
	.globl fork_child_entry
fork_child_entry:
	mov %rsp, %rdi
	call fork_child_return
	jmp trap_return

/* enter_user(frame): start the first program (user_return_work has run). */
	.globl enter_user
enter_user:
	mov %rdi, %rsp
	jmp trap_return

/* switch_stack(u64 *save_sp, u64 new_sp): callee-saved registers on the stack */
	.globl switch_stack
switch_stack:
	PUSH_CALLEE_SAVED
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	POP_CALLEE_SAVED
	ret

/*
 * copy_user(dst, src, len): 0, or -EFAULT when a user page is missing and
 * cannot be faulted in (the #PF handler finds us in the exception table).
 */
	.globl copy_user
copy_user:
	mov %rdx, %rcx
1:	rep movsb
	xor %eax, %eax
	ret
2:	mov $-14, %rax
	ret
	.section __ex_table, "a"
	.quad 1b, 2b
	.text

/* rdmsr_safe(msr, *val): 0, or -1 when the MSR raises #GP (probing). */
	.globl rdmsr_safe
rdmsr_safe:
	mov %edi, %ecx
1:	rdmsr
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, (%rsi)
	xor %eax, %eax
	ret
2:	mov $-1, %eax
	ret
	.section __ex_table, "a"
	.quad 1b, 2b
	.text

/* ------------------------------------------------------------ user pages */
/*
 * Mapped read+exec at PL_USER_TRAMPOLINE in every process. On kvm_pvm the
 * kernel returns to user mode only with sysretq; to restore %rcx and %r11
 * too it pushes them and %rip below the red zone and sysrets here.
 */
	.section .usertext, "ax"
	.globl user_trampoline
user_trampoline:
	pop %r11
	pop %rcx
	ret $128
	.balign 16
	.globl user_sigreturn
user_sigreturn:
	mov $15, %eax			/* rt_sigreturn */
	syscall
	ud2
/*
 * A single step (TF) on kvm_pvm: TF set by sysretq would trap in the
 * trampoline itself, so sysretq lands here without it and the user-mode
 * iretq, which restores %rip, %rflags and %rsp at once, sets TF: the trap
 * comes after the program's next instruction.
 */
	.balign 16
	.globl user_step_trampoline
user_step_trampoline:
	pop %r11
	pop %rcx
	iretq

	.bss
	.balign 4096
	.globl pvm_page
pvm_page:
	.skip 4096
	.balign 16
boot_stack:
	.skip 16384
	.globl boot_stack_top
boot_stack_top:
	.globl cur_kstack_top
cur_kstack_top:
	.skip 8
syscall_user_rsp:
	.skip 8
