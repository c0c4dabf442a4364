// SPDX-License-Identifier: MIT
/*
 * The DMA engine's registers and ring (hostlib/dmaeng.c) over a fake IOMMU:
 * IOVA pages [BASE, BASE + NPAGES * 4 KiB) with a permission each.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../hostlib/dmaeng.h"

#define BASE   0x100000ULL
#define NPAGES 64
#define PG     4096ULL
#define RING   BASE
#define COMPL  (BASE + PG)
#define DATA   (BASE + 2 * PG)

enum { R = 1, W = 2 };

struct fake {
	uint8_t mem[NPAGES * PG];
	uint8_t perm[NPAGES];
	unsigned faults, msis;
	uint64_t msi_addr, msi_data;
	struct pl_dmaeng e;
	uint64_t counter[PL_DMAENG_NCOUNTERS];
};

static int fake_mem(void *ctx, uint64_t iova, void *buf, size_t len, bool write, uint64_t *fault)
{
	struct fake *f = ctx;
	unsigned need = write ? W : R;

	for (uint64_t a = iova & ~(PG - 1); a < iova + len; a += PG) {
		if (a < BASE || a >= BASE + NPAGES * PG || !(f->perm[(a - BASE) / PG] & need)) {
			*fault = a < iova ? iova : a;
			f->faults++;
			return -EFAULT;
		}
	}
	if (write)
		memcpy(f->mem + (iova - BASE), buf, len);
	else
		memcpy(buf, f->mem + (iova - BASE), len);
	return 0;
}

static void fake_msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct fake *f = ctx;

	f->msis++;
	f->msi_addr = addr;
	f->msi_data = data;
}

static uint64_t rd(struct fake *f, uint64_t off)
{
	uint64_t v;

	assert_int_equal(pl_dmaeng_read(&f->e, off, 8, &v), 0);
	return v;
}

static void wr(struct fake *f, uint64_t off, uint64_t v)
{
	assert_int_equal(pl_dmaeng_write(&f->e, off, 8, v), 0);
}

static int setup(void **state)
{
	static struct fake f;

	memset(&f, 0, sizeof(f));
	memset(f.perm, R | W, sizeof(f.perm));
	f.e.mem = fake_mem;
	f.e.msi = fake_msi;
	f.e.ctx = &f;
	f.e.counter = f.counter;
	pl_dmaeng_reset(&f.e);
	wr(&f, PL_DMA_REG_RING_BASE, RING);
	wr(&f, PL_DMA_REG_RING_SIZE, 16);
	wr(&f, PL_DMA_REG_COMPL_ADDR, COMPL);
	wr(&f, PL_DMA_REG_MSI_ADDR, 0xfee00000);
	wr(&f, PL_DMA_REG_MSI_DATA, PL_MSI_VEC_DMA_ENGINE);
	wr(&f, PL_DMA_REG_CTRL, PL_DMA_CTRL_ENABLE | PL_DMA_CTRL_IRQ_ENABLE);
	assert_int_equal(f.counter[PL_DMAENG_REJECTED], 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;

	pl_dmaeng_free(&f->e);
	return 0;
}

static struct pl_dma_desc *desc(struct fake *f, unsigned i)
{
	return (struct pl_dma_desc *)(f->mem + (RING - BASE) + i * PL_DMA_DESC_SIZE);
}

static void put(struct fake *f, unsigned i, uint32_t op, uint64_t src, uint64_t dst, uint64_t len)
{
	struct pl_dma_desc *d = desc(f, i);

	memset(d, 0, sizeof(*d));
	d->op = op;
	d->src = src;
	d->dst = dst;
	d->len = len;
}

static uint8_t *at(struct fake *f, uint64_t iova)
{
	return f->mem + (iova - BASE);
}

static void test_copy_fill_compare(void **state)
{
	struct fake *f = *state;
	struct pl_dma_completion *c = (void *)at(f, COMPL);

	for (int i = 0; i < 8192; i++)
		at(f, DATA)[i] = (uint8_t)(i * 7);
	put(f, 0, PL_DMA_OP_COPY, DATA + 1, DATA + 3 * PG, 8000);
	put(f, 1, PL_DMA_OP_FILL, 0, DATA + 6 * PG + 5, 13);
	desc(f, 1)->pattern = 0x0807060504030201ULL;
	put(f, 2, PL_DMA_OP_COMPARE, DATA + 1, DATA + 3 * PG, 8000);
	put(f, 3, PL_DMA_OP_COMPARE, DATA, DATA + 3 * PG, 8000);
	desc(f, 3)->flags = PL_DMA_DF_IRQ;
	wr(f, PL_DMA_REG_TAIL, 4);
	assert_memory_equal(at(f, DATA + 3 * PG), at(f, DATA + 1), 8000);
	assert_memory_equal(at(f, DATA + 6 * PG + 5), "\1\2\3\4\5\6\7\x08\1\2\3\4\5", 13);
	assert_int_equal(at(f, DATA + 6 * PG + 18)[0], 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(desc(f, i)->status, PL_DMA_DS_DONE);
	assert_int_equal(desc(f, 2)->result, ~0ULL);
	assert_int_equal(desc(f, 3)->result, 0); /* byte 0 is 0, byte 1 is 7 */
	assert_int_equal(rd(f, PL_DMA_REG_HEAD), 4);
	assert_int_equal(c->completed, 4);
	assert_int_equal(c->status, PL_DMA_ST_ENABLED | PL_DMA_ST_IDLE);
	assert_int_equal(f->msis, 1);
	assert_int_equal(f->msi_data, PL_MSI_VEC_DMA_ENGINE);
	assert_int_equal(rd(f, PL_DMA_REG_IRQ_STATUS), PL_DMA_IRQ_DONE);
	wr(f, PL_DMA_REG_IRQ_STATUS, PL_DMA_IRQ_DONE);
	assert_int_equal(rd(f, PL_DMA_REG_IRQ_STATUS), 0);
	assert_int_equal(f->counter[PL_DMAENG_BYTES], 8000 * 3 + 13);
	assert_int_equal(f->counter[PL_DMAENG_DESCRIPTORS], 4);
}

/* A write fault on the last page of the destination moves no byte at all. */
static void test_write_fault_moves_nothing(void **state)
{
	struct fake *f = *state;
	uint8_t before[3 * PG];

	f->perm[5] = R; /* DATA + 3 pages: readable, not writable */
	memset(at(f, DATA), 0xab, PG);
	memcpy(before, at(f, DATA + PG), sizeof(before));
	put(f, 0, PL_DMA_OP_COPY, DATA, DATA + PG + 100, 2 * PG);
	put(f, 1, PL_DMA_OP_FILL, 0, DATA, 8);
	wr(f, PL_DMA_REG_TAIL, 2);
	assert_memory_equal(at(f, DATA + PG), before, sizeof(before));
	assert_int_equal(desc(f, 0)->status, PL_DMA_DS_WRITE_FAULT);
	assert_int_equal(desc(f, 1)->status, PL_DMA_DS_PENDING);
	assert_int_equal(rd(f, PL_DMA_REG_STATUS), PL_DMA_ST_ENABLED | PL_DMA_ST_HALTED);
	assert_int_equal(rd(f, PL_DMA_REG_ERROR), PL_DMA_DS_WRITE_FAULT);
	assert_int_equal(rd(f, PL_DMA_REG_ERROR_IOVA), DATA + 3 * PG);
	assert_int_equal(rd(f, PL_DMA_REG_ERROR_DESC), 0);
	assert_int_equal(rd(f, PL_DMA_REG_IRQ_STATUS), PL_DMA_IRQ_ERROR);
	assert_int_equal(f->msis, 1);
	/* RESUME skips the failed descriptor and runs the rest. */
	wr(f, PL_DMA_REG_CTRL, PL_DMA_CTRL_ENABLE | PL_DMA_CTRL_IRQ_ENABLE | PL_DMA_CTRL_RESUME);
	assert_int_equal(desc(f, 1)->status, PL_DMA_DS_DONE);
	assert_int_equal(rd(f, PL_DMA_REG_HEAD), 2);
	assert_int_equal(f->counter[PL_DMAENG_ERRORS], 1);
}

static void test_read_fault_and_ring_fault(void **state)
{
	struct fake *f = *state;

	f->perm[10] = W; /* write-only */
	put(f, 0, PL_DMA_OP_COPY, DATA + 8 * PG - 8, DATA, 16);
	wr(f, PL_DMA_REG_TAIL, 1);
	assert_int_equal(desc(f, 0)->status, PL_DMA_DS_READ_FAULT);
	assert_int_equal(rd(f, PL_DMA_REG_ERROR_IOVA), DATA + 8 * PG);
	/* A ring the IOMMU does not map: the engine halts on the descriptor read. */
	wr(f, PL_DMA_REG_CTRL, PL_DMA_CTRL_RESET);
	wr(f, PL_DMA_REG_RING_BASE, 0x4000);
	wr(f, PL_DMA_REG_RING_SIZE, 4);
	wr(f, PL_DMA_REG_CTRL, PL_DMA_CTRL_ENABLE);
	wr(f, PL_DMA_REG_TAIL, 1);
	assert_int_equal(rd(f, PL_DMA_REG_ERROR), PL_DMA_DS_DESC_FAULT);
	assert_int_equal(rd(f, PL_DMA_REG_ERROR_IOVA), 0x4000);
	assert_int_equal(f->msis, 1); /* the first halt's; none after the reset */
}

static void test_bad_descriptors(void **state)
{
	struct fake *f = *state;

	put(f, 0, 9, DATA, DATA + PG, 8);
	put(f, 1, PL_DMA_OP_COPY, DATA, DATA + PG, 0);
	put(f, 2, PL_DMA_OP_COPY, DATA, ~0ULL - 3, 8);
	put(f, 3, PL_DMA_OP_FILL, 0, DATA, PL_DMA_LEN_MAX + 1);
	put(f, 4, PL_DMA_OP_FILL, 0, DATA, 8);
	desc(f, 4)->flags = 0x80;
	wr(f, PL_DMA_REG_TAIL, 5);
	for (unsigned i = 0; i < 5; i++) {
		uint32_t want = i == 0 || i == 4 ? PL_DMA_DS_BAD_OP : PL_DMA_DS_BAD_LEN;

		assert_int_equal(desc(f, i)->status, want);
		assert_int_equal(rd(f, PL_DMA_REG_ERROR_DESC), i);
		wr(f, PL_DMA_REG_CTRL, PL_DMA_CTRL_ENABLE | PL_DMA_CTRL_RESUME);
	}
	assert_int_equal(f->counter[PL_DMAENG_BYTES], 0);
	assert_int_equal(f->faults, 0);
}

static void test_register_validation(void **state)
{
	struct fake *f = *state;
	uint64_t v;

	assert_int_equal(pl_dmaeng_read(&f->e, PL_DMA_REG_ID, 4, &v), -EINVAL);
	assert_int_equal(pl_dmaeng_write(&f->e, PL_DMA_REG_TAIL + 4, 8, 1), -EINVAL);
	assert_int_equal(pl_dmaeng_write(&f->e, PL_DMA_ENGINE_SIZE, 8, 1), -EINVAL);
	assert_int_equal(rd(f, PL_DMA_REG_ID), PL_DMA_ENGINE_ID);
	wr(f, PL_DMA_REG_ID, 1);					 /* read-only */
	wr(f, PL_DMA_REG_RING_BASE, BASE + PG);				 /* enabled: frozen */
	wr(f, PL_DMA_REG_TAIL, 16);					 /* past the ring */
	wr(f, PL_DMA_REG_MSI_ADDR, 0xfed00000);				 /* not the MSI window */
	wr(f, PL_DMA_REG_MSI_DATA, 0x20);				 /* the timer's vector */
	wr(f, PL_DMA_REG_CTRL, 0x100);					 /* reserved bit */
	wr(f, PL_DMA_REG_CTRL, PL_DMA_CTRL_RESUME | PL_DMA_CTRL_ENABLE); /* not halted */
	wr(f, 0x800, 5);						 /* nothing there */
	assert_int_equal(f->counter[PL_DMAENG_REJECTED], 8);
	assert_int_equal(rd(f, PL_DMA_REG_RING_BASE), RING);
	assert_int_equal(rd(f, PL_DMA_REG_MSI_ADDR), 0xfee00000);
	assert_int_equal(rd(f, 0x800), 0);
	wr(f, PL_DMA_REG_CTRL, 0);
	wr(f, PL_DMA_REG_RING_SIZE, 24); /* not a power of 2 */
	wr(f, PL_DMA_REG_RING_BASE, RING + 32);
	wr(f, PL_DMA_REG_COMPL_ADDR, COMPL + 8);
	assert_int_equal(f->counter[PL_DMAENG_REJECTED], 11);
	wr(f, PL_DMA_REG_RING_SIZE, 0);
	wr(f, PL_DMA_REG_CTRL, PL_DMA_CTRL_ENABLE); /* no ring */
	assert_int_equal(f->counter[PL_DMAENG_REJECTED], 12);
	assert_int_equal(rd(f, PL_DMA_REG_STATUS) & PL_DMA_ST_ENABLED, 0);
}

/* The ring wraps: HEAD counts modulo RING_SIZE. */
static void test_ring_wraps(void **state)
{
	struct fake *f = *state;

	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < 10; i++) {
			unsigned slot = (round * 10 + i) % 16;

			put(f, slot, PL_DMA_OP_FILL, 0, DATA + slot * 8, 8);
			desc(f, slot)->pattern = round * 100 + i;
		}
		wr(f, PL_DMA_REG_TAIL, (round + 1) * 10 % 16);
	}
	assert_int_equal(rd(f, PL_DMA_REG_COMPLETED), 30);
	assert_int_equal(rd(f, PL_DMA_REG_HEAD), 14);
	for (unsigned n = 20; n < 30; n++) {
		uint64_t v;

		memcpy(&v, at(f, DATA + (n % 16) * 8), 8);
		assert_int_equal(v, 200 + n - 20);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_copy_fill_compare, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_fault_moves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_fault_and_ring_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_validation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_wraps, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
