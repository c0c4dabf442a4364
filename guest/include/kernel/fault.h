/* SPDX-License-Identifier: MIT */
/*
 * Page faults and the other exceptions of user code (fault.c). On a #PF the
 * CPU pushes an error code (the PF_ERR_* bits: was the page present, was it
 * a write, from user mode, an instruction fetch) and leaves the faulting
 * address in CR2; vm_fault() decides from both what to do.
 */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <kernel/types.h>

struct fault_info;
struct mm;
struct trap_frame;

/*
 * Resolves a fault at addr (x86 #PF error code bits): 0, or the signal to
 * send (SIGSEGV, SIGBUS, SIGKILL when out of memory) with *fi filled in.
 */
int vm_fault(struct mm *mm, u64 addr, u64 error, struct fault_info *fi);

/* The #PF error code the CPU pushes (Intel SDM vol. 3, "Page-Fault Exception"). */
#define PF_ERR_PRESENT 0x1  /* 1: a protection violation on a present page; 0: not present */
#define PF_ERR_WRITE   0x2  /* 1: the access was a write */
#define PF_ERR_USER    0x4  /* 1: the access came from user mode (CPL 3) */
#define PF_ERR_INSTR   0x10 /* 1: the access was an instruction fetch */
/* Not a CPU bit: the kernel fills a page whatever the VMA's protection (exec). */
#define PF_KERNEL_FILL (1ULL << 32)
/*
 * Not a CPU bit: the CPU raised this fault at this address, which drops any
 * translation it held for it (Intel SDM vol. 3, 4.10.4.1; kvm_pvm's shadow
 * MMU drops its entry before it injects a #PF too). Callers that resolve a
 * fault in advance (MAP_POPULATE, mlock) leave it clear.
 */
#define PF_CPU (1ULL << 33)

/* A #PF in kernel mode on a user address (copy_user): true if resolved. */
bool handle_kernel_page_fault(struct trap_frame *f);
/* An exception raised by user code: resolve it or signal the process. */
void handle_user_exception(struct trap_frame *f);

#endif
