/* SPDX-License-Identifier: MIT */
/*
 * pagelab's own system calls (include/pagelab/abi.h: PL_SYS_BASE, bit 29,
 * a range Linux never uses). SYSCALL(name, ...) takes __NR_name, so each
 * gets one here; --trace-syscalls prints them by these names.
 */
#ifndef KERNEL_PLSYS_H
#define KERNEL_PLSYS_H

#include <pagelab/abi.h>

#define PL_SYS_COUNT 0x50 /* PL_SYS_BASE + 0 .. 0x4f */

/* Physical memory: PL_SYS_BASE + 0x10 .. 0x2f */
#define __NR_mem_offset		      (PL_SYS_BASE + 0x10)
#define __NR_minherit		      (PL_SYS_BASE + 0x11)
#define __NR_posix_typed_mem_open     (PL_SYS_BASE + 0x12)
#define __NR_posix_typed_mem_get_info (PL_SYS_BASE + 0x13)
#define __NR_shm_ctl		      (PL_SYS_BASE + 0x14)
#define __NR_posix_mem_offset	      (PL_SYS_BASE + 0x15)

/* The IOMMU: PL_SYS_BASE + 0x30 .. 0x3f; DMA devices 0x40 .. 0x4f */
#define __NR_pagelab_iommu (PL_SYS_IOMMU)

#endif
