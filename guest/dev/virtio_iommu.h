/* SPDX-License-Identifier: MIT */
/* The virtio-iommu driver's extras for its system call (sys_iommu.c). */
#ifndef GUEST_DEV_VIRTIO_IOMMU_H
#define GUEST_DEV_VIRTIO_IOMMU_H

#include <kernel/types.h>
#include <pagelab/abi.h>

#define VIOMMU_FAULT_LOG     64 /* the latest fault reports the driver keeps */
#define PL_IOMMU_REQ_BYTES   128
#define PL_IOMMU_PROBE_BYTES 64 /* the device's probe_size */

int viommu_info(struct pl_iommu_info *info);
/* Copies the latest reports, oldest first (up to max); returns how many arrived ever. */
u64 viommu_faults(struct pl_iommu_guest_fault *out, u64 max);
/* PROBE: the reserved MSI window the device reports for endpoint. 0 or -errno. */
int iommu_probe_msi(u32 endpoint, u64 *start, u64 *end);

#endif
