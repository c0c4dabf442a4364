/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <kernel/arch.h>

void trap_dispatch(struct trap_frame *f);
void syscall_dispatch(struct trap_frame *f);
const char *exception_name(u64 vector);

/* A #PF in kernel mode on a user address (copy_user); true if resolved. */
bool handle_kernel_page_fault(struct trap_frame *f);
/* An exception raised by user code: resolve it or signal the process. */
void handle_user_exception(struct trap_frame *f);
void handle_interrupt(struct trap_frame *f);

#endif
