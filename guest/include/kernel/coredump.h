/* SPDX-License-Identifier: MIT */
/* Core files (guest/proc/coredump.c). */
#ifndef KERNEL_COREDUMP_H
#define KERNEL_COREDUMP_H

#include <kernel/arch.h>
#include <kernel/types.h>

/*
 * The current process dies of sig (a core-dumping one) in the user context
 * f: writes NAME.core to the host if the run keeps cores and RLIMIT_CORE
 * allows. True when a whole core was written (the wait status's 0x80).
 */
bool coredump(int sig, const struct trap_frame *f);

#endif
