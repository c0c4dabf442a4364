/* SPDX-License-Identifier: MIT */
/*
 * A process's address space as the process code sees it.
 */
#ifndef KERNEL_PROCMM_H
#define KERNEL_PROCMM_H

#include <kernel/types.h>

struct mm;

struct mm *procmm_new(void);
/* fork: private memory becomes copy-on-write in both, shared stays shared. */
struct mm *procmm_fork(struct mm *parent);
void procmm_put(struct mm *mm);
void procmm_activate(struct mm *mm);
/* Anonymous private memory at a fixed place (ELF segments, the stack). */
int procmm_map_anon(struct mm *mm, u64 start, u64 len, int prot, bool growsdown);
/* Writes into a (possibly inactive) address space, allocating pages. */
int procmm_write(struct mm *mm, u64 va, const void *src, size_t len);
void procmm_set_brk(struct mm *mm, u64 start);

#endif
