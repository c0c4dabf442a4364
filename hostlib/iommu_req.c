// SPDX-License-Identifier: MIT
/*
 * virtio-iommu requests: each type has one exact readable length (as
 * Linux's driver sends them); a shorter or longer one, or a reserved field
 * that is not zero, is S_INVAL; an unknown type S_UNSUPP. The reserved
 * bytes of the head are the driver's business only and are not checked.
 */
#include <string.h>

#include <pagelab/virtio.h>

#include "iommu_req.h"

#define READABLE(type) (sizeof(type) - sizeof(struct virtio_iommu_req_tail))

static bool zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static uint8_t do_attach(struct pl_iommu_space *s, const uint8_t *req, size_t len)
{
	struct virtio_iommu_req_attach r;

	if (len != READABLE(r))
		return VIRTIO_IOMMU_S_INVAL;
	memcpy(&r, req, READABLE(r));
	/* VIRTIO_IOMMU_ATTACH_F_BYPASS needs BYPASS_CONFIG, which is not offered. */
	if (r.flags || !zero(r.reserved, sizeof(r.reserved)))
		return VIRTIO_IOMMU_S_INVAL;
	return pl_iommu_attach(s, r.domain, r.endpoint);
}

static uint8_t do_detach(struct pl_iommu_space *s, const uint8_t *req, size_t len)
{
	struct virtio_iommu_req_detach r;

	if (len != READABLE(r))
		return VIRTIO_IOMMU_S_INVAL;
	memcpy(&r, req, READABLE(r));
	if (!zero(r.reserved, sizeof(r.reserved)))
		return VIRTIO_IOMMU_S_INVAL;
	return pl_iommu_detach(s, r.domain, r.endpoint);
}

static uint8_t do_map(struct pl_iommu_space *s, const uint8_t *req, size_t len)
{
	struct virtio_iommu_req_map r;

	if (len != READABLE(r))
		return VIRTIO_IOMMU_S_INVAL;
	memcpy(&r, req, READABLE(r));
	return pl_iommu_map(s, r.domain, r.virt_start, r.virt_end, r.phys_start, r.flags);
}

static uint8_t do_unmap(struct pl_iommu_space *s, const uint8_t *req, size_t len)
{
	struct virtio_iommu_req_unmap r;

	if (len != READABLE(r))
		return VIRTIO_IOMMU_S_INVAL;
	memcpy(&r, req, READABLE(r));
	if (!zero(r.reserved, sizeof(r.reserved)))
		return VIRTIO_IOMMU_S_INVAL;
	return pl_iommu_unmap(s, r.domain, r.virt_start, r.virt_end);
}

/* The properties: the MSI doorbell, which DMA must not be mapped over; then NONE (zeros). */
static uint8_t do_probe(struct pl_iommu_space *s, const uint8_t *req, size_t len, uint8_t *props,
			size_t room)
{
	struct virtio_iommu_req_probe r;
	struct virtio_iommu_probe_resv_mem msi = {
		.head = { VIRTIO_IOMMU_PROBE_T_RESV_MEM, sizeof(msi) - sizeof(msi.head) },
		.subtype = VIRTIO_IOMMU_RESV_MEM_T_MSI,
		.start = PL_IOMMU_MSI_START,
		.end = PL_IOMMU_MSI_END,
	};
	uint8_t status;

	if (len != sizeof(r) || room < PL_IOMMU_PROBE_SIZE)
		return VIRTIO_IOMMU_S_INVAL;
	memcpy(&r, req, sizeof(r));
	if (!zero(r.reserved, sizeof(r.reserved)))
		return VIRTIO_IOMMU_S_INVAL;
	status = pl_iommu_endpoint_known(s, r.endpoint);
	if (status != VIRTIO_IOMMU_S_OK)
		return status;
	memcpy(props, &msi, sizeof(msi));
	return VIRTIO_IOMMU_S_OK;
}

size_t pl_iommu_request(struct pl_iommu_space *s, const uint8_t *req, size_t req_len, uint8_t *out,
			size_t out_len)
{
	struct virtio_iommu_req_tail tail = { VIRTIO_IOMMU_S_INVAL, { 0 } };
	size_t room;

	if (out_len < sizeof(tail))
		return 0;
	room = out_len - sizeof(tail);
	memset(out, 0, out_len);
	if (req_len >= sizeof(struct virtio_iommu_req_head) && req_len <= PL_IOMMU_REQ_MAX) {
		switch (req[0]) {
		case VIRTIO_IOMMU_T_ATTACH:
			tail.status = do_attach(s, req, req_len);
			break;
		case VIRTIO_IOMMU_T_DETACH:
			tail.status = do_detach(s, req, req_len);
			break;
		case VIRTIO_IOMMU_T_MAP:
			tail.status = do_map(s, req, req_len);
			break;
		case VIRTIO_IOMMU_T_UNMAP:
			tail.status = do_unmap(s, req, req_len);
			break;
		case VIRTIO_IOMMU_T_PROBE:
			tail.status = do_probe(s, req, req_len, out, room);
			break;
		default:
			tail.status = VIRTIO_IOMMU_S_UNSUPP;
		}
	}
	memcpy(out + room, &tail, sizeof(tail));
	return out_len;
}
