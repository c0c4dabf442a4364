/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_PHYSMEM_H
#define KERNEL_PHYSMEM_H

/* Kernel page tables and the frame allocator, from boot_info. */
void physmem_init(void);

#endif
