/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_FLOOR_H
#define KERNEL_FLOOR_H

/* selftest=floor: prints this host's bare syscall and page-fault costs and exits. */
void selftest_floor(void) __attribute__((noreturn));

#endif
