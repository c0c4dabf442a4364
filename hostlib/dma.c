// SPDX-License-Identifier: MIT
/*
 * DMA through the IOMMU for device models on the host, and the IOMMU's
 * public view (include/pagelab/iommu.h). A transfer is translated in full
 * before a byte moves: the first pass walks the IOVA range mapping by
 * mapping and checks each guest-physical piece against guest memory, the
 * second copies. So a fault leaves memory and buf as they were.
 */
#include <errno.h>
#include <string.h>

#include "error.h"
#include "sandbox.h"
#include "viommu.h"

/* [iova, iova + len) piece by piece; copy: NULL for the checking pass. */
static int walk(struct pl_viommu *v, uint32_t endpoint, uint64_t iova, uint8_t *buf, size_t len,
		uint32_t access, bool copy)
{
	const struct pl_guestmem *m = &v->vd.dev.sandbox->mem;
	enum pl_access acc = access == PL_DMA_WRITE ? PL_ACC_WRITE : PL_ACC_READ;
	size_t done = 0;

	while (done < len) {
		struct pl_iommu_xlate x;
		uint64_t piece = len - done;
		uint8_t *hva;

		if (pl_iommu_translate(&v->space, endpoint, iova + done, access, &x)) {
			pl_viommu_fault(v, endpoint, x.domain, iova + done, access, x.reason);
			return -EFAULT;
		}
		if (!copy)
			v->vd.dev.counter[PL_VIOMMU_TRANSLATIONS]++;
		if (x.room && x.room < piece)
			piece = x.room;
		hva = pl_guestmem_check(m, x.gpa, piece, acc);
		if (!hva) {
			/* One mapping may reach over two memory slots: one piece each. */
			const struct pl_slot *s = pl_guestmem_slot(m, x.gpa);

			if (s && s->gpa + s->size - x.gpa < piece)
				piece = s->gpa + s->size - x.gpa;
			hva = pl_guestmem_check(m, x.gpa, piece, acc);
		}
		if (!hva) {
			/* Mapped, but to no memory the device can reach (or read-only memory). */
			pl_viommu_fault(v, endpoint, x.domain, iova + done, access,
					VIRTIO_IOMMU_FAULT_R_UNKNOWN);
			return -EFAULT;
		}
		if (copy && access == PL_DMA_WRITE)
			memcpy(hva, buf + done, piece);
		else if (copy)
			memcpy(buf + done, hva, piece);
		done += piece;
	}
	return 0;
}

int pl_viommu_dma(struct pl_sandbox *sb, uint32_t endpoint, uint64_t iova, void *buf, size_t len,
		  uint32_t access)
{
	struct pl_viommu *v = sb ? sb->iommu : NULL;
	int err;

	pl_clear_error();
	if (!v) {
		pl_set_error(PL_ERR_CONFIG, "the sandbox has no IOMMU");
		return -ENODEV;
	}
	if (len == 0 || iova + (len - 1) < iova || !buf) {
		pl_set_error(PL_ERR_CONFIG, "DMA of %zu bytes at IOVA 0x%llx: empty or past 2^64",
			     len, (unsigned long long)iova);
		return -EINVAL;
	}
	if (pl_iommu_endpoint_known(&v->space, endpoint) != VIRTIO_IOMMU_S_OK) {
		pl_set_error(PL_ERR_CONFIG,
			     "DMA as endpoint %u, which pl_iommu_endpoint_add did not declare",
			     endpoint);
		return -EINVAL;
	}
	err = walk(v, endpoint, iova, buf, len, access, false);
	if (err) {
		pl_set_error(PL_ERR_FAULT, "IOMMU fault: endpoint %u, IOVA range 0x%llx+%zu",
			     endpoint, (unsigned long long)iova, len);
		return err;
	}
	return walk(v, endpoint, iova, buf, len, access, true);
}

int pl_dma_read(struct pl_sandbox *sb, uint32_t endpoint, uint64_t iova, void *buf, size_t len)
{
	return pl_viommu_dma(sb, endpoint, iova, buf, len, PL_DMA_READ);
}

int pl_dma_write(struct pl_sandbox *sb, uint32_t endpoint, uint64_t iova, const void *buf,
		 size_t len)
{
	/* The write pass only reads buf. */
	return pl_viommu_dma(sb, endpoint, iova, (void *)buf, len, PL_DMA_WRITE);
}

int pl_iommu_endpoint_add(struct pl_sandbox *sb, uint32_t endpoint)
{
	int err;

	pl_clear_error();
	if (!sb || !sb->iommu) {
		pl_set_error(PL_ERR_CONFIG, "the sandbox has no IOMMU");
		return -ENODEV;
	}
	err = pl_iommu_space_add_endpoint(&sb->iommu->space, endpoint);
	if (err)
		pl_set_error(PL_ERR_CONFIG, "IOMMU endpoint %u: %s", endpoint,
			     err == -EEXIST ? "declared already" : "too many endpoints");
	return err;
}

const struct pl_iommu_fault *pl_iommu_faults(const struct pl_sandbox *sb, size_t *n,
					     uint64_t *dropped)
{
	struct pl_viommu *v = sb ? sb->iommu : NULL;
	uint64_t total = v ? v->log_next : 0;
	size_t count = total < PL_IOMMU_FAULT_LOG ? (size_t)total : PL_IOMMU_FAULT_LOG;

	if (n)
		*n = count;
	if (dropped)
		*dropped = total - count;
	if (!v)
		return NULL;
	for (size_t i = 0; i < count; i++)
		v->view[i] = v->log[(total - count + i) % PL_IOMMU_FAULT_LOG];
	return v->view;
}

size_t pl_iommu_mappings(const struct pl_sandbox *sb, struct pl_iommu_mapping *out, size_t max)
{
	if (!sb || !sb->iommu)
		return 0;
	return pl_iommu_space_mappings(&sb->iommu->space, out, out ? max : 0);
}

void pl_iommu_counters(const struct pl_sandbox *sb, struct pl_iommu_counters *c)
{
	const uint64_t *ctr;

	memset(c, 0, sizeof(*c));
	if (!sb || !sb->iommu)
		return;
	ctr = sb->iommu->vd.dev.counter;
	c->requests = ctr[PL_VIOMMU_REQUESTS];
	c->translations = ctr[PL_VIOMMU_TRANSLATIONS];
	c->faults = ctr[PL_VIOMMU_FAULTS];
	c->faults_dropped = ctr[PL_VIOMMU_FAULTS_DROPPED];
	c->events_dropped = ctr[PL_VIOMMU_EVENTS_DROPPED];
}
