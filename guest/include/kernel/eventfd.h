/* SPDX-License-Identifier: MIT */
/* eventfd for the kernel's own signallers (fs/eventfd.c): VFIO's interrupts. */
#ifndef KERNEL_EVENTFD_H
#define KERNEL_EVENTFD_H

#include <kernel/types.h>

struct file;

/* Linux's eventfd_ctx_fdget: the eventfd file behind fd, referenced, or NULL and *err (EBADF, EINVAL). */
struct file *eventfd_fget(int fd, int *err);
/* Linux's eventfd_signal: adds n (up to the largest count) and wakes readers and pollers. */
void eventfd_signal(struct file *f, u64 n);

#endif
