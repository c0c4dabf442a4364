/* SPDX-License-Identifier: MIT */
/* The virtio-iommu device model (viommu.c) and its DMA path (dma.c). */
#ifndef PL_HOSTLIB_VIOMMU_H
#define PL_HOSTLIB_VIOMMU_H

#include <pagelab/virtio.h>

#include "iommu_map.h"
#include "virtio_mmio.h"

/* The device's counters, as --stats names them. */
enum {
	PL_VIOMMU_REQUESTS,
	PL_VIOMMU_MAPS,
	PL_VIOMMU_UNMAPS,
	PL_VIOMMU_TRANSLATIONS,
	PL_VIOMMU_FAULTS,
	PL_VIOMMU_FAULTS_DROPPED,
	PL_VIOMMU_EVENTS,
	PL_VIOMMU_EVENTS_DROPPED,
	PL_VIOMMU_INTERRUPTS,
	PL_VIOMMU_NOTIFIES,
};

struct pl_viommu {
	struct pl_virtio vd; /* first */
	struct virtio_iommu_config config;
	struct pl_iommu_space space;
	uint32_t fdt_cells[3]; /* big-endian #iommu-cells, phandle, MSI vector */
	/* the fault log: a ring of the latest PL_IOMMU_FAULT_LOG faults */
	struct pl_iommu_fault log[PL_IOMMU_FAULT_LOG];
	uint64_t log_next;				/* faults ever logged */
	struct pl_iommu_fault view[PL_IOMMU_FAULT_LOG]; /* oldest first, for pl_iommu_faults */
};

/* Registers the device (a built-in of every KVM sandbox): 0 or -1 with pl_error(). */
int pl_viommu_add(struct pl_sandbox *sb);
/* A fault: logged, counted, and reported on the event queue when the guest left a buffer. */
void pl_viommu_fault(struct pl_viommu *v, uint32_t endpoint, uint32_t domain, uint64_t iova,
		     uint32_t access, uint32_t reason);
/*
 * The DMA path of pl_dma_read/write, for pagelab's own device models:
 * the same checks and fault, acc PL_DMA_READ (guest memory to buf) or
 * PL_DMA_WRITE (buf to guest memory).
 */
int pl_viommu_dma(struct pl_sandbox *sb, uint32_t endpoint, uint64_t iova, void *buf, size_t len,
		  uint32_t access);

#endif
