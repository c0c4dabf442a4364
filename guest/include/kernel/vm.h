/* SPDX-License-Identifier: MIT */
/*
 * Protection bits as the kernel's memory code uses them: the values of
 * Linux's PROT_READ/WRITE/EXEC, so syscall arguments need no translation.
 */
#ifndef KERNEL_VM_H
#define KERNEL_VM_H

#define VM_PROT_NONE	  0x0
#define VM_PROT_READ	  0x1
#define VM_PROT_WRITE	  0x2
#define VM_PROT_EXEC	  0x4
#define VM_PROT_SEM	  0x8 /* accepted and ignored, as on x86 Linux */
#define VM_PROT_GROWSDOWN 0x01000000
#define VM_PROT_GROWSUP	  0x02000000

#endif
