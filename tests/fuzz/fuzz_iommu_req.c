// SPDX-License-Identifier: MIT
/*
 * The virtio-iommu's request parser and mapping logic (hostlib/iommu_req.c,
 * iommu_map.c) on any bytes: each input is a list of requests, readable
 * part and writable size each, against one address space with endpoints
 * 1 and 16, then translations. After every request the status is one the
 * spec defines, the tail sits at the end of the writable part, and the
 * mappings stay sorted, disjoint and inside the input range; every
 * translation lands inside the mapping that covers it.
 */
#include <string.h>

#include <pagelab/virtio.h>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "iommu_req.h"

static struct pl_iommu_mapping maps[4096];

static void check_space(struct pl_iommu_space *s)
{
	size_t n = pl_iommu_space_mappings(s, maps, 4096);

	for (size_t i = 0; i < n && i < 4096; i++) {
		CHECK(maps[i].virt_start <= maps[i].virt_end);
		CHECK(maps[i].virt_end <= s->input_end);
		CHECK((maps[i].virt_start & 0xfff) == 0 && ((maps[i].virt_end + 1) & 0xfff) == 0);
		if (i && maps[i].domain == maps[i - 1].domain)
			CHECK(maps[i].virt_start > maps[i - 1].virt_end);
		if (i)
			CHECK(maps[i].domain >= maps[i - 1].domain);
	}
}

static void translate(struct pl_iommu_space *s, struct fuzz_in *in)
{
	uint32_t ep = in_u8(in) & 1 ? 16 : 1;
	uint64_t iova = in_u64(in) & 0xffffffffffffULL;
	uint32_t access = in_u8(in) & 1 ? PL_DMA_WRITE : PL_DMA_READ;
	struct pl_iommu_xlate x;

	if (pl_iommu_translate(s, ep, iova, access, &x) == 0) {
		CHECK(x.domain != 0);
		CHECK(x.room == 0 || iova + x.room - 1 >= iova);
	} else {
		CHECK(x.reason == VIRTIO_IOMMU_FAULT_R_DOMAIN ||
		      x.reason == VIRTIO_IOMMU_FAULT_R_MAPPING);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct pl_iommu_space s;
	uint8_t out[256];

	pl_iommu_space_init(&s);
	pl_iommu_space_add_endpoint(&s, 1);
	pl_iommu_space_add_endpoint(&s, 16);
	while (in.left) {
		size_t len, out_len, written;
		const uint8_t *req;

		if (in_u8(&in) % 4 == 0) {
			translate(&s, &in);
			continue;
		}
		req = in_bytes(&in, &len);
		out_len = in_u8(&in);
		memset(out, 0xee, sizeof(out));
		written = pl_iommu_request(&s, req, len, out, out_len);
		if (out_len < sizeof(struct virtio_iommu_req_tail)) {
			CHECK(written == 0);
			continue;
		}
		CHECK(written == out_len);
		CHECK(out[out_len - 4] <= VIRTIO_IOMMU_S_NOMEM);
		CHECK(out[out_len] == 0xee); /* nothing past the writable part */
		check_space(&s);
	}
	pl_iommu_space_free(&s);
	return 0;
}
