/* SPDX-License-Identifier: MIT */
/*
 * The IOMMU, as the rest of the kernel sees it (guest/dev/virtio_iommu.c
 * drives the host's virtio-iommu). Without the device (QEMU's TCG runs,
 * or no node in the device tree) iommu_present() is false and every call
 * returns -ENODEV. Calls sleep on nothing: each request completes before
 * it returns (the host answers during the notifying exit).
 */
#ifndef KERNEL_IOMMU_H
#define KERNEL_IOMMU_H

#include <kernel/types.h>

#define IOMMU_READ  1
#define IOMMU_WRITE 2
#define IOMMU_MMIO  4

/* Finds the device in the device tree (no device access yet). */
void iommu_init(const void *fdt);
bool iommu_present(void);
/* 0 or -errno: the spec's status mapped (S_NOENT -ENOENT, S_RANGE -ERANGE, S_INVAL -EINVAL, ...). */
int iommu_attach(u32 domain, u32 endpoint);
int iommu_detach(u32 domain, u32 endpoint);
int iommu_map(u32 domain, u64 iova, u64 pa, u64 len, unsigned flags);
/* Spec semantics: 0 (also when nothing was mapped), -ENOENT (no domain), -EINVAL (would split). */
int iommu_unmap(u32 domain, u64 iova, u64 len);
/* A fresh domain id within the device's domain range, 0 when none is left. */
u32 iommu_domain_alloc(void);
void iommu_domain_free(u32 domain);
void iommu_set_fault_handler(void (*fn)(u32 endpoint, u64 iova, u32 reason, u32 flags));
int iommu_get_ranges(u64 *iova_start, u64 *iova_end, u64 *page_size_mask);

/*
 * Batches: between iommu_batch_begin and iommu_batch_end, map and unmap
 * requests are queued and sent with one notification; each returns 0 and
 * iommu_batch_end returns the first error (-errno) of the batch.
 */
void iommu_batch_begin(void);
int iommu_batch_end(void);

#endif
