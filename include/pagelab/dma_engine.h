/* SPDX-License-Identifier: MIT */
/*
 * The pagelab DMA engine: a memory-to-memory DMA controller (copy, fill,
 * compare) behind the IOMMU, shared by the host's device model and the
 * guest's drivers. It works as Intel's I/OAT and Synopsys' DesignWare
 * dmac do: the driver writes descriptors into a ring in memory, moves the
 * tail (the doorbell), and the engine consumes descriptors from the head,
 * writes each one's status back, writes a completion record and raises an
 * interrupt (an MSI) when asked to.
 *
 * Every address the engine uses (the ring, the completion record, the data)
 * is an IOVA, translated by the IOMMU as endpoint PL_DMA_ENGINE_ENDPOINT.
 *
 * Registers: one 4 KiB page at PL_DMA_ENGINE_BASE (abi.h), 64-bit little-endian,
 * accessed whole (8 bytes, aligned); any other access is a bus error.
 *
 * Only plain integer types: included by freestanding guest code and by the
 * host.
 */
#ifndef PAGELAB_DMA_ENGINE_H
#define PAGELAB_DMA_ENGINE_H

#include <stdint.h>

#include <pagelab/abi.h>

#define PL_DMA_ENGINE_COMPAT "pagelab,dma-engine"
/* The vector of its completion MSI, in its node as PL_FDT_PROP_MSI_VECTOR. */
#define PL_MSI_VEC_DMA_ENGINE 0x31
#define PL_DMA_ENGINE_ID      0x31414d446c70ULL /* "plDMA1" */

/* Register offsets. RO: writes are refused; RW1C: writing 1 clears a bit. */
enum pl_dma_reg {
	PL_DMA_REG_ID = 0x00,	      /* RO: PL_DMA_ENGINE_ID */
	PL_DMA_REG_CAPS = 0x08,	      /* RO: PL_DMA_CAP_* */
	PL_DMA_REG_CTRL = 0x10,	      /* RW: PL_DMA_CTRL_* */
	PL_DMA_REG_STATUS = 0x18,     /* RO: PL_DMA_ST_* */
	PL_DMA_REG_RING_BASE = 0x20,  /* RW while disabled: IOVA, 64-byte aligned */
	PL_DMA_REG_RING_SIZE = 0x28,  /* RW while disabled: entries, a power of 2 */
	PL_DMA_REG_HEAD = 0x30,	      /* RO: the next descriptor the engine reads */
	PL_DMA_REG_TAIL = 0x38,	      /* RW: the doorbell, one past the last ready */
	PL_DMA_REG_COMPL_ADDR = 0x40, /* RW while disabled: IOVA, 16-byte aligned; 0: none */
	PL_DMA_REG_MSI_ADDR = 0x48,   /* RW: the MSI's address (0xfeeXXXXX) */
	PL_DMA_REG_MSI_DATA = 0x50,   /* RW: the MSI's data (vector in bits 0..7) */
	PL_DMA_REG_IRQ_STATUS = 0x58, /* RW1C: PL_DMA_IRQ_* raised since cleared */
	PL_DMA_REG_ERROR = 0x60,      /* RO: PL_DMA_DS_* of the descriptor that halted */
	PL_DMA_REG_ERROR_IOVA = 0x68, /* RO: the IOVA that faulted */
	PL_DMA_REG_ERROR_DESC = 0x70, /* RO: the ring index of that descriptor */
	PL_DMA_REG_COMPLETED = 0x78,  /* RO: descriptors completed since reset */
};

#define PL_DMA_CAP_COPY	      (1ULL << 0)
#define PL_DMA_CAP_FILL	      (1ULL << 1)
#define PL_DMA_CAP_COMPARE    (1ULL << 2)
#define PL_DMA_CAP_MSI	      (1ULL << 3)
#define PL_DMA_CAP_RING_SHIFT 32 /* bits 32..39: log2 of the largest ring */
#define PL_DMA_CAP_LEN_SHIFT  40 /* bits 40..47: log2 of the longest descriptor */

#define PL_DMA_RING_MAX_LOG2 12 /* 4096 descriptors */
#define PL_DMA_LEN_MAX_LOG2  22 /* 4 MiB per descriptor */
#define PL_DMA_LEN_MAX	     (1ULL << PL_DMA_LEN_MAX_LOG2)

/*
 * CTRL. ENABLE freezes RING_BASE, RING_SIZE and COMPL_ADDR and zeroes
 * HEAD and TAIL; RESET (self-clearing) returns every register to its
 * power-on value. RESUME (self-clearing) leaves the halted state: HEAD
 * moves past the descriptor that failed and the engine goes on to TAIL.
 */
#define PL_DMA_CTRL_ENABLE     (1ULL << 0)
#define PL_DMA_CTRL_IRQ_ENABLE (1ULL << 1)
#define PL_DMA_CTRL_RESET      (1ULL << 2)
#define PL_DMA_CTRL_RESUME     (1ULL << 3)
#define PL_DMA_CTRL_MASK       0xfULL

#define PL_DMA_ST_ENABLED (1ULL << 0)
#define PL_DMA_ST_HALTED  (1ULL << 1) /* a descriptor failed; see ERROR */
#define PL_DMA_ST_IDLE	  (1ULL << 2) /* HEAD == TAIL */

#define PL_DMA_IRQ_DONE	 (1ULL << 0) /* a descriptor with PL_DMA_DF_IRQ completed */
#define PL_DMA_IRQ_ERROR (1ULL << 1) /* the engine halted */

enum pl_dma_op {
	PL_DMA_OP_NOP = 0,
	PL_DMA_OP_COPY = 1,    /* len bytes from src to dst */
	PL_DMA_OP_FILL = 2,    /* dst: the 8 bytes of pattern, repeated, len bytes */
	PL_DMA_OP_COMPARE = 3, /* src with dst: result = first differing offset, or ~0 */
};

#define PL_DMA_DF_IRQ  (1U << 0) /* raise PL_DMA_IRQ_DONE (and the MSI) when done */
#define PL_DMA_DF_MASK 0x1U

/* Descriptor status, written back by the engine; the driver writes 0 first. */
enum pl_dma_desc_status {
	PL_DMA_DS_PENDING = 0,
	PL_DMA_DS_DONE = 1,
	PL_DMA_DS_BAD_OP = 2,	   /* unknown opcode, or reserved flags or fields set */
	PL_DMA_DS_BAD_LEN = 3,	   /* len 0, above PL_DMA_LEN_MAX, or iova + len wraps */
	PL_DMA_DS_READ_FAULT = 4,  /* the IOMMU refused a read of src (or dst, compare) */
	PL_DMA_DS_WRITE_FAULT = 5, /* the IOMMU refused a write of dst */
	PL_DMA_DS_DESC_FAULT = 6,  /* the descriptor itself could not be read */
};

/*
 * A descriptor: 64 bytes, in the ring at RING_BASE + index * 64. A failed
 * descriptor moves no byte: the engine checks the whole source and
 * destination through the IOMMU before it writes any of the destination.
 */
struct pl_dma_desc {
	uint32_t op;	  /* enum pl_dma_op */
	uint32_t flags;	  /* PL_DMA_DF_* */
	uint64_t src;	  /* IOVA (copy, compare) */
	uint64_t dst;	  /* IOVA */
	uint64_t len;	  /* bytes */
	uint64_t pattern; /* fill */
	uint32_t status;  /* written by the engine: enum pl_dma_desc_status */
	uint32_t reserved;
	uint64_t result; /* written by the engine: compare's first differing offset */
	uint64_t cookie; /* the driver's, never touched */
};

/*
 * The completion record at COMPL_ADDR, written after every doorbell's batch
 * and on a halt: how many descriptors completed since ENABLE, and STATUS.
 */
struct pl_dma_completion {
	uint64_t completed;
	uint64_t status;
};

#define PL_DMA_DESC_SIZE       64
#define PL_DMA_DESC_STATUS_OFF 40
#define PL_DMA_DESC_RESULT_OFF 48

#endif
