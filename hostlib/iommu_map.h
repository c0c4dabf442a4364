/* SPDX-License-Identifier: MIT */
/*
 * The virtio-iommu's address spaces, with the spec's rules (VIRTIO 1.2
 * section 5.13.6) and nothing of virtio or of the sandbox: endpoints,
 * domains, their mappings, and translation. Each operation returns a
 * VIRTIO_IOMMU_S_* status and changes nothing unless it returns S_OK.
 */
#ifndef PL_HOSTLIB_IOMMU_MAP_H
#define PL_HOSTLIB_IOMMU_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pagelab/iommu.h>

#define PL_IOMMU_DOMAINS_MAX  1024	 /* live domains; more: S_NOMEM */
#define PL_IOMMU_MAPPINGS_MAX (1u << 20) /* per domain */

struct pl_iommu_range {
	uint64_t start, end; /* inclusive, as the spec's */
	uint64_t phys;
	uint32_t flags; /* VIRTIO_IOMMU_MAP_F_* */
};

struct pl_iommu_domain {
	uint32_t id;
	unsigned nendpoints;
	struct pl_iommu_range *map; /* sorted by start, disjoint */
	size_t n, cap;
};

struct pl_iommu_endpoint {
	uint32_t id;
	uint32_t domain; /* valid when attached */
	bool attached;
};

struct pl_iommu_space {
	/* the device's configuration */
	uint64_t page_size_mask;
	uint64_t input_start, input_end;
	uint32_t domain_start, domain_end;

	struct pl_iommu_endpoint ep[PL_IOMMU_ENDPOINTS_MAX];
	unsigned nep;
	struct pl_iommu_domain *dom; /* sorted by id */
	size_t ndom, domcap;
	/* the last translation's mapping: valid while gen is unchanged */
	uint64_t gen;
	struct {
		uint64_t gen;
		uint32_t endpoint, domain;
		struct pl_iommu_range r;
	} cache;
};

/* An empty space with pagelab's configuration (4 KiB pages and up, 48-bit IOVAs). */
void pl_iommu_space_init(struct pl_iommu_space *s);
void pl_iommu_space_free(struct pl_iommu_space *s);
/* Detaches everything and drops every domain (a device reset); endpoints stay declared. */
void pl_iommu_space_reset(struct pl_iommu_space *s);
/* 0, -EEXIST or -ENOSPC. */
int pl_iommu_space_add_endpoint(struct pl_iommu_space *s, uint32_t endpoint);

uint8_t pl_iommu_attach(struct pl_iommu_space *s, uint32_t domain, uint32_t endpoint);
uint8_t pl_iommu_detach(struct pl_iommu_space *s, uint32_t domain, uint32_t endpoint);
uint8_t pl_iommu_map(struct pl_iommu_space *s, uint32_t domain, uint64_t virt_start,
		     uint64_t virt_end, uint64_t phys, uint32_t flags);
uint8_t pl_iommu_unmap(struct pl_iommu_space *s, uint32_t domain, uint64_t virt_start,
		       uint64_t virt_end);
/* S_OK or S_NOENT: whether the endpoint exists (PROBE). */
uint8_t pl_iommu_endpoint_known(const struct pl_iommu_space *s, uint32_t endpoint);

/* What a translation found. */
struct pl_iommu_xlate {
	uint64_t gpa;
	uint64_t room;	 /* bytes from iova to its mapping's end; 0: all of 2^64 */
	uint32_t domain; /* the endpoint's, 0 when it is attached to none */
	uint32_t reason; /* on failure: VIRTIO_IOMMU_FAULT_R_* */
};

/*
 * Translates iova as endpoint for access (PL_DMA_READ or PL_DMA_WRITE).
 * 0, or -1 with x->reason: R_DOMAIN when the endpoint is unknown or
 * attached to no domain, R_MAPPING when nothing maps iova for the access.
 */
int pl_iommu_translate(struct pl_iommu_space *s, uint32_t endpoint, uint64_t iova, uint32_t access,
		       struct pl_iommu_xlate *x);

/* The mappings, by domain then IOVA, into out (up to max); returns the total. */
size_t pl_iommu_space_mappings(const struct pl_iommu_space *s, struct pl_iommu_mapping *out,
			       size_t max);

#endif
