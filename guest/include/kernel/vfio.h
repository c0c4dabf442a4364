/* SPDX-License-Identifier: MIT */
/* VFIO (fs/vfio*.c): Linux's user-space DMA API for the DMA engine; docs/man/vfio.7. */
#ifndef KERNEL_VFIO_H
#define KERNEL_VFIO_H

#include <kernel/types.h>

/* Boot, after vfs_init: /dev/vfio/ and the sysfs and /proc files, when there is an engine. */
void vfio_init(void);

#endif
