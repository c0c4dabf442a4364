/* SPDX-License-Identifier: MIT */
/*
 * Kernel heap on top of the frame allocator: power-of-two size classes
 * (16..2048 bytes) carved from single frames, larger requests as whole
 * contiguous frames. kfree() finds the size from the frame descriptor.
 * Small objects are aligned to their size class, large ones to a page.
 * kmalloc(0) and a failed allocation return NULL; kfree(NULL) does nothing.
 * kfree() of a pointer that kmalloc() did not return calls frame_corruption().
 *
 * Pure module. The kernel supplies the direct-map translation; host tests
 * supply their own arena.
 */
#ifndef KERNEL_KMALLOC_H
#define KERNEL_KMALLOC_H

#include <kernel/types.h>

void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);

/* Provided by the kernel's paging code (or by a host test). */
void *frame_to_virt(u64 pfn);
u64 virt_to_frame(const void *va);

#endif
