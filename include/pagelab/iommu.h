/* SPDX-License-Identifier: MIT */
/*
 * libpagelab, continued: the IOMMU. Every sandbox on KVM has a
 * virtio-iommu (VIRTIO 1.2 section 5.13) at PL_VIRTIO_IOMMU_BASE; the
 * guest kernel attaches endpoints to domains and maps IOVA ranges through
 * it, and a device model on the host moves bytes as an endpoint with
 * pl_dma_read/pl_dma_write, which translate through those mappings. An
 * access nothing maps is a fault: logged here, reported to the guest on
 * the device's event queue, and no byte moves. Bypass is off: an endpoint
 * attached to no domain reaches nothing. Included by <pagelab/hostlib.h>;
 * README, "The IOMMU".
 */
#ifndef PAGELAB_IOMMU_H
#define PAGELAB_IOMMU_H

#include <pagelab/hostlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The access of a DMA transfer, as pl_iommu_fault.access names it. */
#define PL_DMA_READ  1u /* the device reads guest memory */
#define PL_DMA_WRITE 2u /* the device writes guest memory */

/*
 * Declares an endpoint the guest may attach (VIRTIO_IOMMU_T_ATTACH names
 * it; an endpoint nobody declared is VIRTIO_IOMMU_S_NOENT). Host programs
 * use ids from PL_IOMMU_USER_ENDPOINT_MIN on; pagelab's own devices declare
 * theirs. 0, -EEXIST, -ENOSPC (PL_IOMMU_ENDPOINTS_MAX), or -ENODEV when
 * the sandbox has no IOMMU.
 */
#define PL_IOMMU_ENDPOINTS_MAX 64
int pl_iommu_endpoint_add(struct pl_sandbox *sb, uint32_t endpoint);

/*
 * Translates [iova, iova + len) through the IOMMU as endpoint and copies
 * between it and buf. 0; -EFAULT after a fault was logged (and reported on
 * the event queue): no byte moves then, not even the ones before the
 * faulting page; -EINVAL for len 0 or a range that wraps past 2^64;
 * -ENODEV when the sandbox has no IOMMU.
 */
int pl_dma_read(struct pl_sandbox *sb, uint32_t endpoint, uint64_t iova, void *buf, size_t len);
int pl_dma_write(struct pl_sandbox *sb, uint32_t endpoint, uint64_t iova, const void *buf,
		 size_t len);

/* One fault, as the host logged it. */
struct pl_iommu_fault {
	uint64_t time_ns;	   /* since the first step */
	uint32_t endpoint, domain; /* domain 0: the endpoint was attached to none */
	uint64_t iova;		   /* the first byte that could not be reached */
	uint32_t access;	   /* PL_DMA_READ or PL_DMA_WRITE */
	uint32_t reason;	   /* VIRTIO_IOMMU_FAULT_R_* (<pagelab/virtio.h>) */
	uint32_t flags;		   /* VIRTIO_IOMMU_FAULT_F_*, as the event carried */
};

/*
 * The fault log, oldest first: at most PL_IOMMU_FAULT_LOG entries, the
 * latest ones; *dropped counts the older ones that no longer fit. The
 * pointer stays valid until the next step.
 */
#define PL_IOMMU_FAULT_LOG 4096
const struct pl_iommu_fault *pl_iommu_faults(const struct pl_sandbox *sb, size_t *n,
					     uint64_t *dropped);

/* A mapping of a domain: IOVAs [virt_start, virt_end] (inclusive, as the spec's) to phys_start. */
struct pl_iommu_mapping {
	uint32_t domain;
	uint64_t virt_start, virt_end, phys_start;
	uint32_t flags; /* VIRTIO_IOMMU_MAP_F_* */
};

/* Copies up to max mappings, by domain then IOVA, into out; returns how many there are. */
size_t pl_iommu_mappings(const struct pl_sandbox *sb, struct pl_iommu_mapping *out, size_t max);

struct pl_iommu_counters {
	uint64_t requests;	 /* requests the device answered, any status */
	uint64_t translations;	 /* pages translated for pl_dma_* */
	uint64_t faults;	 /* every fault, logged or not */
	uint64_t faults_dropped; /* faults the host log no longer holds */
	uint64_t events_dropped; /* fault events the guest had no event buffer for */
};
void pl_iommu_counters(const struct pl_sandbox *sb, struct pl_iommu_counters *c);

#ifdef __cplusplus
}
#endif

#endif
