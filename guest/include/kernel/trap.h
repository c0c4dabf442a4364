/* SPDX-License-Identifier: MIT */
/*
 * Where exceptions and interrupts go once entry.S has saved the registers
 * (traps.c). The handlers it hands them to are their owners': the page
 * fault and user exceptions kernel/fault.h, interrupts kernel/irq.h, system
 * calls kernel/syscall.h.
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include <kernel/arch.h>

void trap_dispatch(struct trap_frame *f);
const char *exception_name(u64 vector);

#endif
