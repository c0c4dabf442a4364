/* SPDX-License-Identifier: MIT */
/*
 * The DMA engine's state machine (include/pagelab/dma_engine.h), apart from
 * the sandbox: its memory and its interrupt are callbacks, so the device
 * model (dma_engine_dev.c) puts the IOMMU behind it and cmocka tests put a
 * fake memory map.
 */
#ifndef PL_HOSTLIB_DMAENG_H
#define PL_HOSTLIB_DMAENG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pagelab/dma_engine.h>

/*
 * Moves len bytes between buf and IOVA iova, all or nothing: 0, or a
 * negative errno with *fault_iova set to the IOVA that was refused.
 */
typedef int (*pl_dmaeng_mem_fn)(void *ctx, uint64_t iova, void *buf, size_t len, bool write,
				uint64_t *fault_iova);
typedef void (*pl_dmaeng_msi_fn)(void *ctx, uint64_t addr, uint32_t data);
/*
 * Optional: copies len bytes from IOVA src to IOVA dst without a bounce
 * buffer, all or nothing and as if through one; 0 when done, anything else
 * when it would not (a refused page, source and destination in the same
 * memory): the engine then takes the bounce path, which reports the fault.
 */
typedef int (*pl_dmaeng_copy_fn)(void *ctx, uint64_t dst, uint64_t src, size_t len);

enum pl_dmaeng_counter {
	PL_DMAENG_DESCRIPTORS, /* completed */
	PL_DMAENG_BYTES,       /* moved, filled or compared */
	PL_DMAENG_ERRORS,      /* descriptors that halted the engine */
	PL_DMAENG_DOORBELLS,
	PL_DMAENG_IRQS,	    /* MSIs raised */
	PL_DMAENG_REJECTED, /* register writes refused (value left unchanged) */
	PL_DMAENG_NCOUNTERS
};

struct pl_dmaeng {
	uint64_t ctrl, ring_base, ring_size, head, tail, compl_addr;
	uint64_t msi_addr, msi_data, irq_status;
	uint64_t error, error_iova, error_desc, completed;
	bool halted;

	pl_dmaeng_mem_fn mem;
	pl_dmaeng_msi_fn msi;
	pl_dmaeng_copy_fn copy; /* may be NULL */
	void *ctx;
	uint64_t *counter; /* PL_DMAENG_NCOUNTERS of them, the device's */

	uint8_t *bounce[2]; /* source and, for compare, destination */
	size_t bounce_size;
};

/* Power-on state; keeps the callbacks and the counters. */
void pl_dmaeng_reset(struct pl_dmaeng *e);
void pl_dmaeng_free(struct pl_dmaeng *e);
/*
 * A register access at offset off (8 bytes, aligned: anything else is
 * -EINVAL, a bus error). A write with a value the register cannot take
 * leaves it unchanged and counts PL_DMAENG_REJECTED. A write of TAIL runs
 * the ring before it returns: the doorbell is synchronous.
 */
int pl_dmaeng_read(struct pl_dmaeng *e, uint64_t off, unsigned len, uint64_t *value);
int pl_dmaeng_write(struct pl_dmaeng *e, uint64_t off, unsigned len, uint64_t value);

#endif
