/* SPDX-License-Identifier: MIT */
/*
 * The virtio-iommu's request parser (VIRTIO 1.2 section 5.13.6): bytes in,
 * status and bytes out, with no virtqueue and no guest memory, so that the
 * unit tests and the fuzzer drive it directly.
 */
#ifndef PL_HOSTLIB_IOMMU_REQ_H
#define PL_HOSTLIB_IOMMU_REQ_H

#include <stddef.h>
#include <stdint.h>

#include "iommu_map.h"

#define PL_IOMMU_PROBE_SIZE 64	/* config probe_size: room for the properties */
#define PL_IOMMU_REQ_MAX    128 /* the longest readable part any request has */
#define PL_IOMMU_MSI_START  0xfee00000ULL
#define PL_IOMMU_MSI_END    0xfeefffffULL

/*
 * One request: req holds its device-readable part (req_len bytes, of
 * which at most PL_IOMMU_REQ_MAX were kept), out receives its
 * device-writable part (out_len bytes: the tail last, PROBE's properties
 * before it). Returns the bytes written to out (out_len), or 0 when out
 * cannot even hold a tail: a chain the device cannot answer.
 */
size_t pl_iommu_request(struct pl_iommu_space *s, const uint8_t *req, size_t req_len, uint8_t *out,
			size_t out_len);

#endif
