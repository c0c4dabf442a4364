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
/*
 * QNX's PROT_NOCACHE (include/pagelab/mman.h): the leaf PTE gets PCD|PWT,
 * PAT entry 3, uncached with the reset PAT the kernel keeps. A VMA keeps it
 * across mprotect, fork and copy-on-write.
 */
#define VM_PROT_NOCACHE 0x800

#endif
