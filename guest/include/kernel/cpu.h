/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_CPU_H
#define KERNEL_CPU_H

#include <kernel/types.h>

extern char vector_stubs[];
void syscall_entry(void);
void syscall_entry_isolated(void);

void cpu_early_idt(void);
void cpu_init(void);
/* Isolation: TSS.rsp0 fixed at the entry stack, LSTAR at the isolated entry. */
void cpu_isolate_entry(u64 entry_stack_top);
void cpu_set_exception_handler(int vec, const void *handler);
void cpu_reload_idt(void);

int rdmsr_safe(u32 msr, u64 *val);
struct trap_frame;
void enter_user(struct trap_frame *f) __attribute__((noreturn));
long copy_user(void *dst, const void *src, size_t len);

#endif
