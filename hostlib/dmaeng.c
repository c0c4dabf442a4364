// SPDX-License-Identifier: MIT
/*
 * The DMA engine's registers and ring, as include/pagelab/dma_engine.h
 * describes them. Every guest-supplied value (register writes, the ring's
 * descriptors) is checked here before it is used; every byte the engine
 * moves goes through e->mem, which is the IOMMU in a sandbox.
 *
 * A descriptor moves all of its bytes or none: the source (and for a
 * compare the destination) is read whole into a bounce buffer first, and
 * the destination is written by one all-or-nothing access, so a fault on
 * any page of either leaves memory as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dmaeng.h"

#define RO_REGS                                                                 \
	((1ULL << PL_DMA_REG_ID / 8) | (1ULL << PL_DMA_REG_CAPS / 8) |          \
	 (1ULL << PL_DMA_REG_STATUS / 8) | (1ULL << PL_DMA_REG_HEAD / 8) |      \
	 (1ULL << PL_DMA_REG_ERROR / 8) | (1ULL << PL_DMA_REG_ERROR_IOVA / 8) | \
	 (1ULL << PL_DMA_REG_ERROR_DESC / 8) | (1ULL << PL_DMA_REG_COMPLETED / 8))
#define LAST_REG PL_DMA_REG_COMPLETED

static void count(struct pl_dmaeng *e, enum pl_dmaeng_counter c, uint64_t n)
{
	if (e->counter)
		e->counter[c] += n;
}

void pl_dmaeng_reset(struct pl_dmaeng *e)
{
	e->ctrl = e->ring_base = e->ring_size = e->head = e->tail = e->compl_addr = 0;
	e->msi_addr = e->msi_data = e->irq_status = 0;
	e->error = e->error_iova = e->error_desc = e->completed = 0;
	e->halted = false;
}

void pl_dmaeng_free(struct pl_dmaeng *e)
{
	free(e->bounce[0]);
	free(e->bounce[1]);
	e->bounce[0] = e->bounce[1] = NULL;
	e->bounce_size = 0;
}

static uint64_t status(const struct pl_dmaeng *e)
{
	uint64_t s = 0;

	if (e->ctrl & PL_DMA_CTRL_ENABLE)
		s |= PL_DMA_ST_ENABLED;
	if (e->halted)
		s |= PL_DMA_ST_HALTED;
	if (e->head == e->tail)
		s |= PL_DMA_ST_IDLE;
	return s;
}

static uint64_t caps(void)
{
	return PL_DMA_CAP_COPY | PL_DMA_CAP_FILL | PL_DMA_CAP_COMPARE | PL_DMA_CAP_MSI |
	       (uint64_t)PL_DMA_RING_MAX_LOG2 << PL_DMA_CAP_RING_SHIFT |
	       (uint64_t)PL_DMA_LEN_MAX_LOG2 << PL_DMA_CAP_LEN_SHIFT;
}

int pl_dmaeng_read(struct pl_dmaeng *e, uint64_t off, unsigned len, uint64_t *value)
{
	static const uint64_t zero;
	const uint64_t *regs[LAST_REG / 8 + 1] = {
		[PL_DMA_REG_CTRL / 8] = &e->ctrl,
		[PL_DMA_REG_RING_BASE / 8] = &e->ring_base,
		[PL_DMA_REG_RING_SIZE / 8] = &e->ring_size,
		[PL_DMA_REG_HEAD / 8] = &e->head,
		[PL_DMA_REG_TAIL / 8] = &e->tail,
		[PL_DMA_REG_COMPL_ADDR / 8] = &e->compl_addr,
		[PL_DMA_REG_MSI_ADDR / 8] = &e->msi_addr,
		[PL_DMA_REG_MSI_DATA / 8] = &e->msi_data,
		[PL_DMA_REG_IRQ_STATUS / 8] = &e->irq_status,
		[PL_DMA_REG_ERROR / 8] = &e->error,
		[PL_DMA_REG_ERROR_IOVA / 8] = &e->error_iova,
		[PL_DMA_REG_ERROR_DESC / 8] = &e->error_desc,
		[PL_DMA_REG_COMPLETED / 8] = &e->completed,
	};

	if (len != 8 || off % 8 || off >= PL_DMA_ENGINE_SIZE)
		return -EINVAL;
	if (off == PL_DMA_REG_ID)
		*value = PL_DMA_ENGINE_ID;
	else if (off == PL_DMA_REG_CAPS)
		*value = caps();
	else if (off == PL_DMA_REG_STATUS)
		*value = status(e);
	else
		*value = off <= LAST_REG && regs[off / 8] ? *regs[off / 8] : zero;
	return 0;
}

static bool bounce_fit(struct pl_dmaeng *e, size_t len, bool both)
{
	if (len <= e->bounce_size && (!both || e->bounce[1]))
		return true;
	for (int i = 0; i < 2; i++) {
		uint8_t *p = realloc(e->bounce[i], len > e->bounce_size ? len : e->bounce_size);

		if (!p)
			return false;
		e->bounce[i] = p;
	}
	e->bounce_size = len > e->bounce_size ? len : e->bounce_size;
	return true;
}

static void fill(uint8_t *buf, size_t len, uint64_t pattern)
{
	size_t i = 0;

	for (; i + 8 <= len; i += 8)
		memcpy(buf + i, &pattern, 8);
	memcpy(buf + i, &pattern, len - i);
}

static uint32_t mem_status(int err, bool write)
{
	if (err == -ENOMEM)
		return PL_DMA_DS_BAD_LEN; /* no bounce buffer: too long for this host */
	return write ? PL_DMA_DS_WRITE_FAULT : PL_DMA_DS_READ_FAULT;
}

/* One descriptor's work; 0 or a PL_DMA_DS_* with e->error_iova set. */
static uint32_t execute(struct pl_dmaeng *e, struct pl_dma_desc *d)
{
	bool cmp = d->op == PL_DMA_OP_COMPARE;
	uint64_t fault = 0;
	int err;

	if (d->op == PL_DMA_OP_NOP)
		return 0;
	if (d->op == PL_DMA_OP_COPY && e->copy && !e->copy(e->ctx, d->dst, d->src, d->len)) {
		count(e, PL_DMAENG_BYTES, d->len);
		return 0;
	}
	if (!bounce_fit(e, d->len, cmp))
		return PL_DMA_DS_BAD_LEN;
	if (d->op == PL_DMA_OP_FILL) {
		fill(e->bounce[0], d->len, d->pattern);
	} else {
		err = e->mem(e->ctx, d->src, e->bounce[0], d->len, false, &fault);
		if (err)
			return e->error_iova = fault, mem_status(err, false);
	}
	if (cmp) {
		err = e->mem(e->ctx, d->dst, e->bounce[1], d->len, false, &fault);
		if (err)
			return e->error_iova = fault, mem_status(err, false);
		d->result = ~0ULL;
		for (uint64_t i = 0; i < d->len; i++)
			if (e->bounce[0][i] != e->bounce[1][i]) {
				d->result = i;
				break;
			}
	} else {
		err = e->mem(e->ctx, d->dst, e->bounce[0], d->len, true, &fault);
		if (err)
			return e->error_iova = fault, mem_status(err, true);
	}
	count(e, PL_DMAENG_BYTES, d->len);
	return 0;
}

static uint32_t check(const struct pl_dma_desc *d)
{
	bool src = d->op == PL_DMA_OP_COPY || d->op == PL_DMA_OP_COMPARE;

	if (d->op > PL_DMA_OP_COMPARE || d->flags & ~PL_DMA_DF_MASK || d->reserved)
		return PL_DMA_DS_BAD_OP;
	if (d->op == PL_DMA_OP_NOP)
		return 0;
	if (!d->len || d->len > PL_DMA_LEN_MAX || d->dst + d->len - 1 < d->dst ||
	    (src && d->src + d->len - 1 < d->src))
		return PL_DMA_DS_BAD_LEN;
	return 0;
}

static void halt(struct pl_dmaeng *e, uint32_t why)
{
	e->halted = true;
	e->error = why;
	e->error_desc = e->head;
	e->irq_status |= PL_DMA_IRQ_ERROR;
	count(e, PL_DMAENG_ERRORS, 1);
}

/* The descriptor at HEAD: false when the engine halted on it. */
static bool run_one(struct pl_dmaeng *e, bool *irq)
{
	uint64_t slot = e->ring_base + e->head * PL_DMA_DESC_SIZE, fault = 0;
	struct pl_dma_desc d;
	uint32_t st;

	if (e->mem(e->ctx, slot, &d, sizeof(d), false, &fault)) {
		e->error_iova = fault;
		halt(e, PL_DMA_DS_DESC_FAULT);
		return false;
	}
	st = check(&d);
	if (!st)
		st = execute(e, &d);
	if (st && st != PL_DMA_DS_DESC_FAULT && st != PL_DMA_DS_READ_FAULT &&
	    st != PL_DMA_DS_WRITE_FAULT)
		e->error_iova = 0;
	d.status = st ? st : PL_DMA_DS_DONE;
	/* status, reserved and result: one 16-byte write-back */
	if (e->mem(e->ctx, slot + PL_DMA_DESC_STATUS_OFF, &d.status, 16, true, &fault)) {
		e->error_iova = fault;
		halt(e, PL_DMA_DS_DESC_FAULT);
		return false;
	}
	if (st) {
		halt(e, st);
		return false;
	}
	if (d.flags & PL_DMA_DF_IRQ)
		*irq = true;
	e->completed++;
	e->head = (e->head + 1) & (e->ring_size - 1);
	count(e, PL_DMAENG_DESCRIPTORS, 1);
	return true;
}

static void interrupt(struct pl_dmaeng *e)
{
	if (!(e->ctrl & PL_DMA_CTRL_IRQ_ENABLE) || !e->msi_addr || !e->msi)
		return;
	e->msi(e->ctx, e->msi_addr, (uint32_t)e->msi_data);
	count(e, PL_DMAENG_IRQS, 1);
}

/* The doorbell: from HEAD to TAIL, then the completion record and the interrupt. */
static void run_ring(struct pl_dmaeng *e)
{
	uint64_t before = e->irq_status, fault;
	bool irq = false;

	while (!e->halted && e->head != e->tail && run_one(e, &irq))
		;
	if (irq)
		e->irq_status |= PL_DMA_IRQ_DONE;
	if (e->compl_addr) {
		struct pl_dma_completion c = { e->completed, status(e) };

		if (e->mem(e->ctx, e->compl_addr, &c, sizeof(c), true, &fault) && !e->halted) {
			e->error_iova = fault;
			e->error_desc = e->head;
			e->error = PL_DMA_DS_WRITE_FAULT;
			e->halted = true;
			e->irq_status |= PL_DMA_IRQ_ERROR;
			count(e, PL_DMAENG_ERRORS, 1);
		}
	}
	if ((irq || (e->irq_status & ~before)) && e->irq_status)
		interrupt(e);
}

static bool msi_ok(uint64_t off, uint64_t v)
{
	if (off == PL_DMA_REG_MSI_ADDR)
		return v == 0 || (v >> 20) == 0xfee; /* the x86 MSI window */
	/* a vector the kernel keeps for devices, and nothing else in the data */
	return v >= PL_MSI_VEC_DEVICE_FIRST && v <= PL_MSI_VEC_DEVICE_LAST;
}

static bool ctrl_write(struct pl_dmaeng *e, uint64_t v)
{
	bool was_on = e->ctrl & PL_DMA_CTRL_ENABLE;

	if (v & ~PL_DMA_CTRL_MASK)
		return false;
	if (v & PL_DMA_CTRL_RESET) {
		pl_dmaeng_reset(e);
		return true;
	}
	if ((v & PL_DMA_CTRL_ENABLE) && !was_on) {
		if (!e->ring_size)
			return false;
		e->head = e->tail = e->completed = 0;
		e->halted = false;
		e->error = e->error_iova = e->error_desc = 0;
	}
	if (v & PL_DMA_CTRL_RESUME) {
		if (!e->halted)
			return false;
		e->halted = false;
		e->head = (e->head + 1) & (e->ring_size - 1);
	}
	e->ctrl = v & (PL_DMA_CTRL_ENABLE | PL_DMA_CTRL_IRQ_ENABLE);
	if ((v & PL_DMA_CTRL_RESUME) && (e->ctrl & PL_DMA_CTRL_ENABLE))
		run_ring(e);
	return true;
}

static bool setup_write(struct pl_dmaeng *e, uint64_t off, uint64_t v)
{
	if (e->ctrl & PL_DMA_CTRL_ENABLE)
		return false;
	switch (off) {
	case PL_DMA_REG_RING_BASE:
		if (v % PL_DMA_DESC_SIZE)
			return false;
		e->ring_base = v;
		return true;
	case PL_DMA_REG_RING_SIZE:
		if (v & (v - 1) || v > (1ULL << PL_DMA_RING_MAX_LOG2))
			return false;
		e->ring_size = v;
		return true;
	default: /* PL_DMA_REG_COMPL_ADDR */
		if (v % 16)
			return false;
		e->compl_addr = v;
		return true;
	}
}

static bool apply(struct pl_dmaeng *e, uint64_t off, uint64_t v)
{
	switch (off) {
	case PL_DMA_REG_CTRL:
		return ctrl_write(e, v);
	case PL_DMA_REG_RING_BASE:
	case PL_DMA_REG_RING_SIZE:
	case PL_DMA_REG_COMPL_ADDR:
		return setup_write(e, off, v);
	case PL_DMA_REG_TAIL:
		if (!(e->ctrl & PL_DMA_CTRL_ENABLE) || v >= e->ring_size)
			return false;
		e->tail = v;
		count(e, PL_DMAENG_DOORBELLS, 1);
		run_ring(e);
		return true;
	case PL_DMA_REG_MSI_ADDR:
	case PL_DMA_REG_MSI_DATA:
		if (!msi_ok(off, v))
			return false;
		*(off == PL_DMA_REG_MSI_ADDR ? &e->msi_addr : &e->msi_data) = v;
		return true;
	case PL_DMA_REG_IRQ_STATUS:
		e->irq_status &= ~v;
		return true;
	default:
		return false;
	}
}

int pl_dmaeng_write(struct pl_dmaeng *e, uint64_t off, unsigned len, uint64_t value)
{
	if (len != 8 || off % 8 || off >= PL_DMA_ENGINE_SIZE)
		return -EINVAL;
	if ((off <= LAST_REG && (RO_REGS >> (off / 8) & 1)) || !apply(e, off, value))
		count(e, PL_DMAENG_REJECTED, 1);
	return 0;
}
