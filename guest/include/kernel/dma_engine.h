/* SPDX-License-Identifier: MIT */
/*
 * The DMA engine (include/pagelab/dma_engine.h), as the kernel sees it:
 * found in the device tree at boot, its registers mapped uncached, owned by
 * one user at a time (a VFIO device fd, or the kernel's own ring).
 */
#ifndef KERNEL_DMA_ENGINE_H
#define KERNEL_DMA_ENGINE_H

#include <kernel/types.h>

struct dma_engine {
	u64 base;      /* guest-physical address of the registers */
	u32 endpoint;  /* its IOMMU endpoint (the node's iommus) */
	u32 vector;    /* its MSI's vector */
	char name[32]; /* Linux's platform device name: "d0001000.dma" */
	volatile u64 *regs;
};

/* Boot, while the device tree is mapped: finds the node (no device access). */
void dma_engine_init(const void *fdt);
/* Boot, once memory is up and after the IOMMU's driver: maps and resets the engine. */
void dma_engine_probe(void);
/* The engine, or NULL when the machine has none. */
struct dma_engine *dma_engine_get(void);
u64 dma_engine_read(const struct dma_engine *e, unsigned reg);
void dma_engine_write(const struct dma_engine *e, unsigned reg, u64 value);

/*
 * One owner at a time: 0, or -EBUSY. The owner's irq handler runs in the
 * interrupt with the engine's IRQ_STATUS (already cleared on the device).
 * Releasing resets the engine: whatever the owner left running stops.
 */
int dma_engine_claim(void *owner, void (*irq)(void *owner, u64 irq_status));
void dma_engine_release(void *owner);
/* The completion MSI's handler (irq_set_handler). */
void dma_engine_interrupt(void);

/*
 * The kernel's own use: copies len bytes between physical addresses with
 * the engine, through an identity-mapped IOMMU domain of the kernel's,
 * and waits for the completion interrupt. 0, -EBUSY (a process owns the
 * engine), -ENODEV, -EIO (the engine halted) or an IOMMU error.
 */
int dma_engine_copy_phys(u64 dst_pa, u64 src_pa, u64 len);

#endif
