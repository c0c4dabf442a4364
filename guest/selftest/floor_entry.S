#include "../arch/asm.h"
/* SPDX-License-Identifier: MIT */
/*
 * The host's floor (selftest=floor, guest/selftest/floor.c): the least any
 * kernel pays on this host for a syscall round trip and for a user page
 * fault, so that benchmarks can set pagelab's figures beside it. Nothing
 * here does more than the transition needs: the syscall entry is a bare
 * sysretq, the #PF entry reads CR2, stores one prepared PTE and returns.
 *
 * While the floor runs, floor.c has loaded an IDT whose vectors 0-31 come
 * here; every exception but the floor's own page faults ends the user run
 * and returns to floor_enter_user's caller (the user code ends with ud2).
 */

	.text
/* LSTAR during the syscall floor. */
	.globl floor_syscall_stub
floor_syscall_stub:
	sysretq

/*
 * #PF during the fault floor. Frame after the two pushes:
 *   0 rcx, 8 rax, 16 error, 24 rip, 32 cs, 40 rflags, 48 rsp, 56 ss
 */
	.globl floor_pf_stub
floor_pf_stub:
	push %rax
	push %rcx
	mov %cr2, %rax
	sub floor_fault_base(%rip), %rax
	shr $12, %rax
	cmp floor_fault_pages(%rip), %rax
	jae 2f
	incq floor_fault_count(%rip)
	mov floor_pte_values(%rip), %rcx
	mov (%rcx,%rax,8), %rcx
	push %rdx
	mov floor_pte_slots(%rip), %rdx
	mov %rcx, (%rdx,%rax,8)		/* not present -> present: no flush needed */
	pop %rdx
	cmpl $1, arch_mode(%rip)
	je 1f
	pop %rcx
	pop %rax
	add $8, %rsp
	iretq
	/*
	 * kvm_pvm: iretq cannot leave kernel mode, so return as the kernel
	 * does (entry.S, pvm.c): %r11, %rcx and %rip below the user's red
	 * zone, sysretq to the trampoline, which pops them.
	 */
1:	mov 48(%rsp), %rax
	sub $128 + 24, %rax
	mov %r11, (%rax)
	mov (%rsp), %rcx
	mov %rcx, 8(%rax)
	mov 24(%rsp), %rcx
	mov %rcx, 16(%rax)
	mov 40(%rsp), %r11
	mov %rax, %rcx
	mov 8(%rsp), %rax
	mov %rcx, %rsp
	mov floor_trampoline(%rip), %rcx
	sysretq
	/* Not one of the floor's pages: end the run as vector 14. */
2:	pop %rcx
	pop %rax
	push $14
	jmp floor_exc_common

/* Vectors 0-31 (floor.c puts floor_pf_stub at 14): a uniform frame, as entry.S. */
.macro FLOOR_EXC vec
	.balign 16
	.if EXC_HAS_ERROR_CODE(\vec)
	.else
	push $0
	.endif
	push $\vec
	jmp floor_exc_common
.endm

	.balign 16
	.globl floor_exc_stubs
floor_exc_stubs:
	.altmacro
	.set v, 0
	.rept 32
	FLOOR_EXC %v
	.set v, v + 1
	.endr
	.noaltmacro

/*
 * Frame: 0 vector, 8 error, 16 rip, 24 cs. Reports the vector, %rip, %cs
 * and the user's %rax to struct floor_exit, then returns the vector from
 * floor_enter_user.
 */
floor_exc_common:
	mov floor_out(%rip), %rcx
	mov %rax, 16(%rcx)
	mov 24(%rsp), %rax
	mov %rax, 24(%rcx)
	mov 16(%rsp), %rax
	mov %rax, 8(%rcx)
	mov (%rsp), %rax
	mov %rax, (%rcx)
	mov floor_kernel_rsp(%rip), %rsp
	POP_CALLEE_SAVED
	ret

/*
 * floor_enter_user(rip, rsp, arg0, arg1, out): runs user code with %rdi =
 * arg0 and %rsi = arg1 until it raises an exception (ud2 when it is done);
 * returns the vector, with out filled in. User mode runs with interrupts
 * off (RFLAGS 0x2; on kvm_pvm the PV page's byte stays 0), so no tick
 * lands inside a measurement.
 */
	.globl floor_enter_user
floor_enter_user:
	PUSH_CALLEE_SAVED
	mov %r8, floor_out(%rip)
	mov %rsp, floor_kernel_rsp(%rip)
	mov %rdi, %rax
	mov %rsi, %r9
	mov %rdx, %rdi
	mov %rcx, %rsi
	mov %rax, %rcx
	mov $0x2, %r11
	mov %r9, %rsp
	sysretq

/*
 * User code, copied into the floor's address space (position independent).
 * Each loop is timed with rdtsc and leaves the cycles in %rax for ud2.
 */
	.section .rodata.floor_user, "a"
	.globl floor_user_start, floor_user_syscalls, floor_user_faults, floor_user_end
floor_user_start:
/* %rdi syscalls in a row. */
floor_user_syscalls:
	mov %rdi, %r12
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %r13
1:	syscall
	dec %r12
	jnz 1b
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	sub %r13, %rax
	ud2
/* A one-byte store to each of %rdi pages from %rsi on. */
floor_user_faults:
	mov %rdi, %r12
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, %r13
2:	movb $1, (%rsi)
	add $4096, %rsi
	dec %r12
	jnz 2b
	rdtsc
	shl $32, %rdx
	or %rdx, %rax
	sub %r13, %rax
	ud2
floor_user_end:

	.bss
	.balign 8
floor_out:
	.skip 8
floor_kernel_rsp:
	.skip 8
