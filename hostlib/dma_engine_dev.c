// SPDX-License-Identifier: MIT
/*
 * The DMA engine as a device of every KVM sandbox: its register page at
 * PL_DMA_ENGINE_BASE, its node in the device tree (dma@d0001000,
 * compatible "pagelab,dma-engine", iommus = <&viommu 1>, and its MSI vector
 * in "pagelab,msi-vector"), and its counters in the run's statistics. The
 * ring itself is dmaeng.c's; here every byte it moves goes through the
 * IOMMU as endpoint PL_DMA_ENGINE_ENDPOINT, and its interrupt is an MSI.
 *
 * A copy goes straight from guest memory to guest memory once both ranges
 * are checked (engine_copy); a fill, a compare, and a copy that would fault
 * or whose source and destination share memory go through dmaeng.c's
 * bounce buffer and pl_viommu_dma, which logs the fault.
 *
 * The doorbell is synchronous: the write of TAIL runs the ring to its end
 * inside that MMIO exit, so a transfer costs one exit however many
 * descriptors it has, and no DMA is in flight while the guest runs.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>

#include <pagelab/dma_engine.h>
#include <pagelab/iommu.h>

#include "devices.h"
#include "dmaeng.h"
#include "error.h"
#include "msi.h"
#include "sandbox.h"
#include "viommu.h"

/* A descriptor's longest span list: every 4 KiB page a mapping of its own, plus an unaligned end. */
#define SPANS_MAX (PL_DMA_LEN_MAX / 4096 + 1)

struct span {
	uint8_t *hva;
	uint64_t len;
};

struct dma_engine_dev {
	struct pl_device dev;
	struct pl_dmaeng eng;
	uint32_t fdt_iommus[2], fdt_vector;
	struct span span[2][SPANS_MAX]; /* the direct copy's source and destination */
};

static int engine_mem(void *ctx, uint64_t iova, void *buf, size_t len, bool write,
		      uint64_t *fault_iova)
{
	struct dma_engine_dev *d = ctx;
	struct pl_sandbox *sb = d->dev.sandbox;
	const struct pl_iommu_fault *log;
	size_t n = 0;
	int err;

	err = pl_viommu_dma(sb, PL_DMA_ENGINE_ENDPOINT, iova, buf, len,
			    write ? PL_DMA_WRITE : PL_DMA_READ);
	if (!err)
		return 0;
	/* The fault the IOMMU just logged names the first IOVA it refused. */
	log = pl_iommu_faults(sb, &n, NULL);
	*fault_iova = err == -EFAULT && n ? log[n - 1].iova : iova;
	pl_clear_error(); /* the guest's fault, not an error of the host's */
	return err;
}

/*
 * [iova, iova + len) as host memory the engine may reach for access, in
 * spans, and the lowest and highest host address they touch. -1 when a
 * piece is refused (nothing is logged: the bounce path does that).
 */
static int spans_of(struct dma_engine_dev *d, uint64_t iova, uint64_t len, uint32_t access,
		    struct span *sp, unsigned *n, uint8_t **lo, uint8_t **hi)
{
	struct pl_sandbox *sb = d->dev.sandbox;
	enum pl_access acc = access == PL_DMA_WRITE ? PL_ACC_WRITE : PL_ACC_READ;
	uint64_t done = 0;

	*n = 0;
	while (done < len) {
		struct pl_iommu_xlate x;
		uint64_t piece = len - done;
		uint8_t *hva;

		if (*n == SPANS_MAX || pl_iommu_translate(&sb->iommu->space, PL_DMA_ENGINE_ENDPOINT,
							  iova + done, access, &x))
			return -1;
		if (x.room && x.room < piece)
			piece = x.room;
		hva = pl_guestmem_check(&sb->mem, x.gpa, piece, acc);
		if (!hva)
			return -1;
		sb->iommu->vd.dev.counter[PL_VIOMMU_TRANSLATIONS]++;
		sp[(*n)++] = (struct span){ hva, piece };
		*lo = !*lo || hva < *lo ? hva : *lo;
		*hi = hva + piece > *hi ? hva + piece : *hi;
		done += piece;
	}
	return 0;
}

/*
 * A copy straight from guest memory to guest memory, both ranges checked
 * first. Source and destination memory that overlap would need the
 * bounce's snapshot semantics: refused, as is any refused page.
 */
static int engine_copy(void *ctx, uint64_t dst, uint64_t src, size_t len)
{
	struct dma_engine_dev *d = ctx;
	struct span *s = d->span[0], *t = d->span[1];
	uint8_t *slo = NULL, *shi = NULL, *dlo = NULL, *dhi = NULL;
	unsigned ns, nd, i = 0, j = 0;
	uint64_t soff = 0, doff = 0;

	if (!d->dev.sandbox->iommu || spans_of(d, src, len, PL_DMA_READ, s, &ns, &slo, &shi) ||
	    spans_of(d, dst, len, PL_DMA_WRITE, t, &nd, &dlo, &dhi) || (slo < dhi && dlo < shi))
		return -1;
	while (i < ns && j < nd) {
		uint64_t n = s[i].len - soff < t[j].len - doff ? s[i].len - soff : t[j].len - doff;

		memcpy(t[j].hva + doff, s[i].hva + soff, n);
		soff += n;
		doff += n;
		if (soff == s[i].len)
			i++, soff = 0;
		if (doff == t[j].len)
			j++, doff = 0;
	}
	return 0;
}

static void engine_msi(void *ctx, uint64_t addr, uint32_t data)
{
	struct dma_engine_dev *d = ctx;

	(void)addr; /* validated to lie in the x86 MSI window: the boot CPU's APIC */
	pl_msi_raise(d->dev.sandbox, data & 0xff);
}

static int engine_read(struct pl_device *dev, unsigned window, uint64_t offset, void *data,
		       unsigned len)
{
	struct dma_engine_dev *d = dev->opaque;
	uint64_t v;
	int err;

	(void)window;
	err = pl_dmaeng_read(&d->eng, offset, len, &v);
	if (err)
		return err;
	memcpy(data, &v, 8);
	return (int)len;
}

static int engine_write(struct pl_device *dev, unsigned window, uint64_t offset, const void *data,
			unsigned len)
{
	struct dma_engine_dev *d = dev->opaque;
	uint64_t v = 0;
	int err;

	(void)window;
	memcpy(&v, data, len < 8 ? len : 8);
	err = pl_dmaeng_write(&d->eng, offset, len, v);
	return err ? err : (int)len;
}

static void engine_reset(struct pl_device *dev)
{
	struct dma_engine_dev *d = dev->opaque;

	pl_dmaeng_reset(&d->eng);
}

static void engine_destroy(struct pl_device *dev)
{
	struct dma_engine_dev *d = dev->opaque;

	pl_dmaeng_free(&d->eng);
	free(d);
}

static void name_counters(struct pl_device *dev)
{
	static const char *const names[PL_DMAENG_NCOUNTERS] = {
		[PL_DMAENG_DESCRIPTORS] = "descriptors", [PL_DMAENG_BYTES] = "bytes",
		[PL_DMAENG_ERRORS] = "dma-errors",	 [PL_DMAENG_DOORBELLS] = "doorbells",
		[PL_DMAENG_IRQS] = "interrupts",	 [PL_DMAENG_REJECTED] = "rejected-writes",
	};

	for (unsigned i = 0; i < PL_DMAENG_NCOUNTERS; i++)
		dev->counter_name[i] = names[i];
}

int pl_dma_engine_add(struct pl_sandbox *sb)
{
	struct dma_engine_dev *d = calloc(1, sizeof(*d));
	struct pl_device *dev = d ? &d->dev : NULL;

	if (!d) {
		pl_set_error(PL_ERR_HOST, "out of memory");
		return -1;
	}
	*dev = (struct pl_device){
		.name = "dma",
		.compatible = PL_DMA_ENGINE_COMPAT,
		.window = { { PL_SPACE_MMIO, PL_DMA_ENGINE_BASE, PL_DMA_ENGINE_SIZE } },
		.nwindows = 1,
		.read = engine_read,
		.write = engine_write,
		.reset = engine_reset,
		.destroy = engine_destroy,
		.opaque = d,
	};
	d->fdt_iommus[0] = cpu_to_fdt32(PL_VIRTIO_IOMMU_PHANDLE);
	d->fdt_iommus[1] = cpu_to_fdt32(PL_DMA_ENGINE_ENDPOINT);
	d->fdt_vector = cpu_to_fdt32(PL_MSI_VEC_DMA_ENGINE);
	dev->prop[0] = (struct pl_fdt_prop){ "iommus", d->fdt_iommus, 8 };
	dev->prop[1] = (struct pl_fdt_prop){ PL_FDT_PROP_MSI_VECTOR, &d->fdt_vector, 4 };
	dev->nprops = 2;
	name_counters(dev);
	d->eng = (struct pl_dmaeng){ .mem = engine_mem,
				     .msi = engine_msi,
				     .copy = engine_copy,
				     .ctx = d,
				     .counter = dev->counter };
	pl_dmaeng_reset(&d->eng);
	if (pl_device_register(sb, dev, true)) {
		engine_destroy(dev);
		return -1;
	}
	if (pl_iommu_endpoint_add(sb, PL_DMA_ENGINE_ENDPOINT)) {
		/* registered: pl_sandbox_destroy frees it */
		return -1;
	}
	return 0;
}
