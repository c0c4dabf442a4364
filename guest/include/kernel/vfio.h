/* SPDX-License-Identifier: MIT */
/* VFIO (fs/vfio*.c): Linux's user-space DMA API for the DMA engine; docs/man/vfio.7. */
#ifndef KERNEL_VFIO_H
#define KERNEL_VFIO_H

#include <kernel/types.h>

struct file_ops;

/* Boot, after vfs_init: /dev/vfio/ and the sysfs and /proc files, when there is an engine. */
void vfio_init(void);
/* The driver of a VFIO device number, or NULL. */
const struct file_ops *vfio_chrdev_ops(u32 major, u32 minor);

#endif
