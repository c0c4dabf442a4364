// SPDX-License-Identifier: MIT
/*
 * The DMA engine's driver (include/pagelab/dma_engine.h): finds the
 * "pagelab,dma-engine" node at boot, maps the registers uncached, and lends
 * the engine to one owner at a time: a process through VFIO (fs/vfio*.c),
 * or the kernel's own ring here.
 *
 * The host runs the ring during the exit of the doorbell write, so when the
 * write of TAIL returns the descriptors are done and their status is in
 * memory; the completion MSI arrives at the next interrupt window. The
 * kernel's copy therefore reads the status back at once instead of
 * sleeping for the interrupt, which still clears IRQ_STATUS.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/dma_engine.h>
#include <kernel/errno.h>
#include <kernel/format.h>
#include <kernel/frame.h>
#include <kernel/iommu.h>
#include <kernel/irq.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/string.h>
#include <libfdt.h>
#include <pagelab/dma_engine.h>

static struct dma_engine engine;
static bool present;
static void *owner;
static void (*owner_irq)(void *owner, u64 irq_status);

static u32 prop_u32(const void *fdt, int node, const char *name, int index, bool *ok)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len < (index + 1) * 4) {
		*ok = false;
		return 0;
	}
	return fdt32_to_cpu(p[index]);
}

static bool found;

void dma_engine_init(const void *fdt)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, PL_DMA_ENGINE_COMPAT);
	bool ok = true;
	u32 vector;

	if (node < 0)
		return;
	engine.base = PL_DMA_ENGINE_BASE;
	engine.endpoint = prop_u32(fdt, node, "iommus", 1, &ok);
	vector = prop_u32(fdt, node, PL_FDT_PROP_MSI_VECTOR, 0, &ok);
	if (!ok || vector < PL_MSI_VEC_DEVICE_FIRST || vector > PL_MSI_VEC_DEVICE_LAST) {
		printk("dma-engine: node without iommus or a device MSI vector: not used\n");
		return;
	}
	engine.vector = vector;
	found = true;
}

/*
 * Boot maps the registers but does not touch them: each access is an exit,
 * and a run that never uses the engine should pay none. The engine's
 * identity is checked when it is first claimed (engine_verified).
 */
void dma_engine_probe(void)
{
	if (!found || !iommu_present())
		return;
	ksnprintf(engine.name, sizeof(engine.name), "%lx.dma", (unsigned long)engine.base);
	engine.regs = paging_map_device(engine.base, PL_DMA_ENGINE_SIZE);
	if (!engine.regs)
		return;
	irq_set_handler(engine.vector, dma_engine_interrupt);
	present = true;
}

/* The first owner's claim reads the ID register; a stranger there is no engine. */
static bool engine_verified(void)
{
	static bool verified;

	if (verified)
		return true;
	if (dma_engine_read(&engine, PL_DMA_REG_ID) != PL_DMA_ENGINE_ID) {
		printk("dma-engine: no engine at %#lx\n", (unsigned long)engine.base);
		present = false;
		return false;
	}
	dma_engine_write(&engine, PL_DMA_REG_CTRL, PL_DMA_CTRL_RESET);
	verified = true;
	return true;
}

struct dma_engine *dma_engine_get(void)
{
	return present ? &engine : NULL;
}

u64 dma_engine_read(const struct dma_engine *e, unsigned reg)
{
	return e->regs[reg / 8];
}

void dma_engine_write(const struct dma_engine *e, unsigned reg, u64 value)
{
	e->regs[reg / 8] = value;
}

int dma_engine_claim(void *who, void (*irq)(void *owner, u64 irq_status))
{
	if (!present)
		return -ENODEV;
	if (owner)
		return -EBUSY;
	if (!engine_verified())
		return -ENODEV;
	owner = who;
	owner_irq = irq;
	return 0;
}

void dma_engine_release(void *who)
{
	if (!present || owner != who)
		return;
	dma_engine_write(&engine, PL_DMA_REG_CTRL, PL_DMA_CTRL_RESET);
	owner = NULL;
	owner_irq = NULL;
}

void dma_engine_interrupt(void)
{
	u64 st;

	if (!present)
		return;
	st = dma_engine_read(&engine, PL_DMA_REG_IRQ_STATUS);
	dma_engine_write(&engine, PL_DMA_REG_IRQ_STATUS, st);
	if (owner_irq)
		owner_irq(owner, st);
}

/* ---- the kernel's own ring: one page, one descriptor at a time ---- */

static u64 ring_pa;
static u32 kernel_domain;

static int kernel_ring_setup(void)
{
	int err;

	if (!ring_pa) {
		u64 pfn = frame_alloc(0);

		if (pfn == FRAME_NONE)
			return -ENOMEM;
		ring_pa = pfn << PAGE_SHIFT;
		kernel_domain = iommu_domain_alloc();
		if (!kernel_domain)
			return -ENOSPC;
	}
	err = iommu_attach(kernel_domain, engine.endpoint);
	if (!err)
		err =
		    iommu_map(kernel_domain, ring_pa, ring_pa, PAGE_SIZE, IOMMU_READ | IOMMU_WRITE);
	if (err && err != -EEXIST)
		return err;
	memset(phys_to_virt(ring_pa), 0, PAGE_SIZE);
	dma_engine_write(&engine, PL_DMA_REG_CTRL, PL_DMA_CTRL_RESET);
	dma_engine_write(&engine, PL_DMA_REG_RING_BASE, ring_pa);
	dma_engine_write(&engine, PL_DMA_REG_RING_SIZE, PAGE_SIZE / PL_DMA_DESC_SIZE);
	dma_engine_write(&engine, PL_DMA_REG_CTRL, PL_DMA_CTRL_ENABLE);
	return 0;
}

static int identity_map(u64 pa, u64 len, unsigned flags, u64 *start, u64 *size)
{
	*start = ALIGN_DOWN(pa, PAGE_SIZE);
	*size = ALIGN_UP(pa + len, PAGE_SIZE) - *start;
	return iommu_map(kernel_domain, *start, *start, *size, flags);
}

int dma_engine_copy_phys(u64 dst_pa, u64 src_pa, u64 len)
{
	struct pl_dma_desc *d;
	u64 s0, s1, d0, d1;
	int err;

	if (!present)
		return -ENODEV;
	if (!len || len > PL_DMA_LEN_MAX || src_pa + len < src_pa || dst_pa + len < dst_pa)
		return -EINVAL;
	err = dma_engine_claim(&engine, NULL);
	if (err)
		return err;
	err = kernel_ring_setup();
	if (!err)
		err = identity_map(src_pa, len, IOMMU_READ, &s0, &s1);
	if (!err) {
		err = identity_map(dst_pa, len, IOMMU_WRITE, &d0, &d1);
		if (err)
			iommu_unmap(kernel_domain, s0, s1);
	}
	if (!err) {
		d = phys_to_virt(ring_pa);
		memset(d, 0, sizeof(*d));
		d->op = PL_DMA_OP_COPY;
		d->src = src_pa;
		d->dst = dst_pa;
		d->len = len;
		dma_engine_write(&engine, PL_DMA_REG_TAIL, 1);
		err = *(volatile u32 *)&d->status == PL_DMA_DS_DONE ? 0 : -EIO;
		iommu_unmap(kernel_domain, s0, s1);
		iommu_unmap(kernel_domain, d0, d1);
	}
	iommu_detach(kernel_domain, engine.endpoint);
	dma_engine_release(&engine);
	return err;
}
