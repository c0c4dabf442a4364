/* SPDX-License-Identifier: MIT */
/* Shared by the kernel's assembly files (entry.S, floor.S). */
#ifndef GUEST_ARCH_ASM_H
#define GUEST_ARCH_ASM_H

/* The exceptions for which the CPU pushes an error code (SDM vol. 3, 6.13). */
#define EXC_HAS_ERROR_CODE(v)                                                                      \
	((v) == 8 || (v) == 10 || (v) == 11 || (v) == 12 || (v) == 13 || (v) == 14 || (v) == 17 || \
	 (v) == 21 || (v) == 29 || (v) == 30)

#ifdef __ASSEMBLY__
/* clang-format off */
/* The registers the SysV ABI makes a callee keep, around a stack switch. */
.macro PUSH_CALLEE_SAVED
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
.endm

.macro POP_CALLEE_SAVED
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
.endm
/* clang-format on */
#endif

#endif
