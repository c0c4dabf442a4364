// SPDX-License-Identifier: MIT
/*
 * The virtio-iommu device (VIRTIO 1.2 section 5.13, device type 23) on the
 * virtio-mmio transport: the request queue carries ATTACH, DETACH, MAP,
 * UNMAP and PROBE to the mapping logic (iommu_map.c) through the request
 * parser (iommu_req.c); the event queue carries fault reports back. The
 * guest's requests are answered during the exit of its notification, so
 * a driver may poll the used ring instead of waiting for an interrupt.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "devices.h"
#include "error.h"
#include "iommu_req.h"
#include "sandbox.h"
#include "viommu.h"

#define OUT_MAX (PL_IOMMU_PROBE_SIZE + sizeof(struct virtio_iommu_req_tail))

/* One request chain: its readable part in, its writable part out. */
static int one_request(struct pl_viommu *v, const struct pl_guestmem *m,
		       const struct pl_vq_chain *c, uint32_t *written)
{
	uint8_t req[PL_IOMMU_REQ_MAX], out[OUT_MAX];
	size_t req_len = c->read_len > sizeof(req) ? sizeof(req) + 1 : c->read_len;
	size_t out_len = c->write_len;

	if (c->write_len < sizeof(struct virtio_iommu_req_tail))
		return -EINVAL; /* no room for even the status */
	pl_vq_read(m, c, 0, req, req_len > sizeof(req) ? sizeof(req) : req_len);
	if (out_len > OUT_MAX) {
		/* Longer than any answer: the status at its end says so. */
		struct virtio_iommu_req_tail tail = { VIRTIO_IOMMU_S_INVAL, { 0 } };

		pl_vq_write(m, c, out_len - sizeof(tail), &tail, sizeof(tail));
	} else {
		pl_iommu_request(&v->space, req, req_len, out, out_len);
		pl_vq_write(m, c, 0, out, out_len);
	}
	if (req_len >= 1 && req[0] == VIRTIO_IOMMU_T_MAP)
		v->vd.dev.counter[PL_VIOMMU_MAPS]++;
	if (req_len >= 1 && req[0] == VIRTIO_IOMMU_T_UNMAP)
		v->vd.dev.counter[PL_VIOMMU_UNMAPS]++;
	v->vd.dev.counter[PL_VIOMMU_REQUESTS]++;
	*written = (uint32_t)out_len;
	return 0;
}

static void request_queue(struct pl_viommu *v)
{
	const struct pl_guestmem *m = &v->vd.dev.sandbox->mem;
	struct pl_vq *vq = &v->vd.vq[VIRTIO_IOMMU_REQUESTQ];
	struct pl_vq_chain *c = malloc(sizeof(*c));
	unsigned done = 0;
	int got;

	if (!c) {
		pl_virtio_needs_reset(&v->vd);
		return;
	}
	while ((got = pl_vq_pop(vq, m, c)) == 1) {
		uint32_t written;

		if (one_request(v, m, c, &written) || pl_vq_push(vq, m, c->head, written)) {
			got = -EINVAL;
			break;
		}
		done++;
	}
	free(c);
	if (got < 0)
		pl_virtio_needs_reset(&v->vd);
	else if (done)
		pl_virtio_used(&v->vd, VIRTIO_IOMMU_REQUESTQ);
}

static void viommu_notify(struct pl_virtio *vd, unsigned q)
{
	struct pl_viommu *v = (struct pl_viommu *)vd;

	vd->dev.counter[PL_VIOMMU_NOTIFIES]++;
	if (q == VIRTIO_IOMMU_REQUESTQ)
		request_queue(v);
	/* Event buffers wait where they are until a fault takes one. */
	vd->dev.counter[PL_VIOMMU_INTERRUPTS] = vd->interrupts;
}

static void viommu_reset(struct pl_virtio *vd)
{
	pl_iommu_space_reset(&((struct pl_viommu *)vd)->space);
}

/* The fault to the guest, if it is listening and left a buffer: true when it went out. */
static bool report(struct pl_viommu *v, const struct virtio_iommu_fault *f)
{
	const struct pl_guestmem *m = &v->vd.dev.sandbox->mem;
	struct pl_vq *vq = &v->vd.vq[VIRTIO_IOMMU_EVENTQ];
	struct pl_vq_chain *c;
	int got;

	if (!pl_virtio_live(&v->vd) || !vq->ready)
		return false;
	c = malloc(sizeof(*c));
	if (!c)
		return false;
	got = pl_vq_pop(vq, m, c);
	if (got == 1 && (c->nread || c->write_len < sizeof(*f)))
		got = -EINVAL; /* an event buffer is one writable buffer that holds a report */
	if (got == 1) {
		pl_vq_write(m, c, 0, f, sizeof(*f));
		got = pl_vq_push(vq, m, c->head, sizeof(*f)) ? -EINVAL : 1;
	}
	free(c);
	if (got < 0)
		pl_virtio_needs_reset(&v->vd);
	if (got != 1)
		return false;
	pl_virtio_used(&v->vd, VIRTIO_IOMMU_EVENTQ);
	return true;
}

void pl_viommu_fault(struct pl_viommu *v, uint32_t endpoint, uint32_t domain, uint64_t iova,
		     uint32_t access, uint32_t reason)
{
	struct pl_sandbox *sb = v->vd.dev.sandbox;
	uint32_t flags =
	    VIRTIO_IOMMU_FAULT_F_ADDRESS |
	    (access == PL_DMA_WRITE ? VIRTIO_IOMMU_FAULT_F_WRITE : VIRTIO_IOMMU_FAULT_F_READ);
	struct virtio_iommu_fault ev = {
		.reason = (uint8_t)reason,
		.flags = flags,
		.endpoint = endpoint,
		.address = iova,
	};
	uint64_t *ctr = v->vd.dev.counter;

	v->log[v->log_next % PL_IOMMU_FAULT_LOG] = (struct pl_iommu_fault){
		.time_ns = sb->started ? pl_now_ns() - sb->start_ns : 0,
		.endpoint = endpoint,
		.domain = domain,
		.iova = iova,
		.access = access,
		.reason = reason,
		.flags = flags,
	};
	v->log_next++;
	ctr[PL_VIOMMU_FAULTS]++;
	if (v->log_next > PL_IOMMU_FAULT_LOG)
		ctr[PL_VIOMMU_FAULTS_DROPPED] = v->log_next - PL_IOMMU_FAULT_LOG;
	if (report(v, &ev))
		ctr[PL_VIOMMU_EVENTS]++;
	else
		ctr[PL_VIOMMU_EVENTS_DROPPED]++;
	ctr[PL_VIOMMU_INTERRUPTS] = v->vd.interrupts;
}

static void viommu_destroy(struct pl_device *dev)
{
	struct pl_viommu *v = (struct pl_viommu *)dev;

	pl_iommu_space_free(&v->space);
	free(v);
}

static const struct pl_virtio_ops viommu_ops = {
	.device_id = VIRTIO_ID_IOMMU,
	.features = 1ULL << VIRTIO_IOMMU_F_INPUT_RANGE | 1ULL << VIRTIO_IOMMU_F_DOMAIN_RANGE |
		    1ULL << VIRTIO_IOMMU_F_MAP_UNMAP | 1ULL << VIRTIO_IOMMU_F_PROBE,
	.nqueues = 2,
	/* Event buffers wait until a fault takes one: adding them needs no exit. */
	.no_notify = 1u << VIRTIO_IOMMU_EVENTQ,
	.notify = viommu_notify,
	.reset = viommu_reset,
};

int pl_viommu_add(struct pl_sandbox *sb)
{
	struct pl_viommu *v = calloc(1, sizeof(*v));
	struct pl_device *dev = v ? &v->vd.dev : NULL;

	if (!v) {
		pl_set_error(PL_ERR_HOST, "out of memory");
		return -1;
	}
	pl_iommu_space_init(&v->space);
	v->config = (struct virtio_iommu_config){
		.page_size_mask = v->space.page_size_mask,
		.input_range = { v->space.input_start, v->space.input_end },
		.domain_range = { v->space.domain_start, v->space.domain_end },
		.probe_size = PL_IOMMU_PROBE_SIZE,
	};
	pl_virtio_init(&v->vd, &viommu_ops, PL_VIRTIO_IOMMU_BASE, &v->config, sizeof(v->config));
	v->vd.msi_vector = PL_MSI_VEC_VIRTIO_IOMMU;
	dev->name = "virtio-iommu";
	v->fdt_cells[0] = cpu_to_fdt32(1);
	v->fdt_cells[1] = cpu_to_fdt32(PL_VIRTIO_IOMMU_PHANDLE);
	v->fdt_cells[2] = cpu_to_fdt32(PL_MSI_VEC_VIRTIO_IOMMU);
	dev->prop[0] = (struct pl_fdt_prop){ "#iommu-cells", &v->fdt_cells[0], 4 };
	dev->prop[1] = (struct pl_fdt_prop){ "phandle", &v->fdt_cells[1], 4 };
	dev->prop[2] = (struct pl_fdt_prop){ PL_FDT_PROP_MSI_VECTOR, &v->fdt_cells[2], 4 };
	dev->nprops = 3;
	dev->destroy = viommu_destroy;
	dev->opaque = v;
	static const char *const names[] = {
		[PL_VIOMMU_REQUESTS] = "requests",
		[PL_VIOMMU_MAPS] = "maps",
		[PL_VIOMMU_UNMAPS] = "unmaps",
		[PL_VIOMMU_TRANSLATIONS] = "translations",
		[PL_VIOMMU_FAULTS] = "faults",
		[PL_VIOMMU_FAULTS_DROPPED] = "faults-dropped",
		[PL_VIOMMU_EVENTS] = "events",
		[PL_VIOMMU_EVENTS_DROPPED] = "events-dropped",
		[PL_VIOMMU_INTERRUPTS] = "interrupts",
		[PL_VIOMMU_NOTIFIES] = "notifies",
	};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		dev->counter_name[i] = names[i];
	if (pl_device_register(sb, dev, true)) {
		viommu_destroy(dev);
		return -1;
	}
	sb->iommu = v;
	return 0;
}
