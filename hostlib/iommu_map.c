// SPDX-License-Identifier: MIT
/*
 * The virtio-iommu's address spaces (see iommu_map.h). Mappings of a
 * domain are a sorted array: MAP and UNMAP are a binary search and a
 * memmove, translation a binary search, and the last mapping found is
 * cached because DMA walks a buffer in order. Every check comes before
 * the first change, so a refused request leaves everything as it was.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pagelab/virtio.h>

#include "iommu_map.h"

void pl_iommu_space_init(struct pl_iommu_space *s)
{
	memset(s, 0, sizeof(*s));
	/* 4 KiB, 2 MiB and everything between: the granule is the smallest. */
	s->page_size_mask = ~0xfffULL;
	s->input_start = 0;
	s->input_end = (1ULL << 48) - 1;
	/* Domain 0 stays free: the fault log's "attached to none". */
	s->domain_start = 1;
	s->domain_end = 0xffff;
	s->gen = 1;
}

static void drop_domains(struct pl_iommu_space *s)
{
	for (size_t i = 0; i < s->ndom; i++)
		free(s->dom[i].map);
	s->ndom = 0;
	s->gen++;
}

void pl_iommu_space_free(struct pl_iommu_space *s)
{
	drop_domains(s);
	free(s->dom);
	s->dom = NULL;
	s->domcap = 0;
}

void pl_iommu_space_reset(struct pl_iommu_space *s)
{
	drop_domains(s);
	for (unsigned i = 0; i < s->nep; i++)
		s->ep[i].attached = false;
}

static struct pl_iommu_endpoint *find_ep(const struct pl_iommu_space *s, uint32_t id)
{
	for (unsigned i = 0; i < s->nep; i++)
		if (s->ep[i].id == id)
			return (struct pl_iommu_endpoint *)&s->ep[i];
	return NULL;
}

int pl_iommu_space_add_endpoint(struct pl_iommu_space *s, uint32_t endpoint)
{
	if (find_ep(s, endpoint))
		return -EEXIST;
	if (s->nep == PL_IOMMU_ENDPOINTS_MAX)
		return -ENOSPC;
	s->ep[s->nep++] = (struct pl_iommu_endpoint){ .id = endpoint };
	return 0;
}

uint8_t pl_iommu_endpoint_known(const struct pl_iommu_space *s, uint32_t endpoint)
{
	return find_ep(s, endpoint) ? VIRTIO_IOMMU_S_OK : VIRTIO_IOMMU_S_NOENT;
}

/* The index of domain id, or where it would go (*found false). */
static size_t dom_index(const struct pl_iommu_space *s, uint32_t id, bool *found)
{
	size_t lo = 0, hi = s->ndom;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->dom[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < s->ndom && s->dom[lo].id == id;
	return lo;
}

static struct pl_iommu_domain *find_dom(const struct pl_iommu_space *s, uint32_t id)
{
	bool found;
	size_t i = dom_index(s, id, &found);

	return found ? &s->dom[i] : NULL;
}

static struct pl_iommu_domain *create_dom(struct pl_iommu_space *s, uint32_t id)
{
	bool found;
	size_t i = dom_index(s, id, &found);

	if (found)
		return &s->dom[i];
	if (s->ndom == PL_IOMMU_DOMAINS_MAX)
		return NULL;
	if (s->ndom == s->domcap) {
		size_t cap = s->domcap ? 2 * s->domcap : 8;
		struct pl_iommu_domain *d = realloc(s->dom, cap * sizeof(*d));

		if (!d)
			return NULL;
		s->dom = d;
		s->domcap = cap;
	}
	memmove(&s->dom[i + 1], &s->dom[i], (s->ndom - i) * sizeof(s->dom[0]));
	s->dom[i] = (struct pl_iommu_domain){ .id = id };
	s->ndom++;
	return &s->dom[i];
}

/* One endpoint fewer; the last one takes the domain and its mappings with it. */
static void leave_dom(struct pl_iommu_space *s, uint32_t id)
{
	bool found;
	size_t i = dom_index(s, id, &found);

	if (!found || --s->dom[i].nendpoints)
		return;
	free(s->dom[i].map);
	memmove(&s->dom[i], &s->dom[i + 1], (s->ndom - i - 1) * sizeof(s->dom[0]));
	s->ndom--;
}

uint8_t pl_iommu_attach(struct pl_iommu_space *s, uint32_t domain, uint32_t endpoint)
{
	struct pl_iommu_endpoint *ep = find_ep(s, endpoint);
	struct pl_iommu_domain *d;

	if (!ep)
		return VIRTIO_IOMMU_S_NOENT;
	if (domain < s->domain_start || domain > s->domain_end)
		return VIRTIO_IOMMU_S_RANGE;
	if (ep->attached && ep->domain == domain)
		return VIRTIO_IOMMU_S_OK;
	d = create_dom(s, domain);
	if (!d)
		return VIRTIO_IOMMU_S_NOMEM;
	d->nendpoints++;
	/* The spec's implicit detach from the previous domain. */
	if (ep->attached)
		leave_dom(s, ep->domain);
	ep->attached = true;
	ep->domain = domain;
	s->gen++;
	return VIRTIO_IOMMU_S_OK;
}

uint8_t pl_iommu_detach(struct pl_iommu_space *s, uint32_t domain, uint32_t endpoint)
{
	struct pl_iommu_endpoint *ep = find_ep(s, endpoint);

	if (!ep)
		return VIRTIO_IOMMU_S_NOENT;
	if (!ep->attached || ep->domain != domain)
		return VIRTIO_IOMMU_S_INVAL;
	ep->attached = false;
	leave_dom(s, domain);
	s->gen++;
	return VIRTIO_IOMMU_S_OK;
}

/* The first mapping that ends at or after addr. */
static size_t first_ending_after(const struct pl_iommu_domain *d, uint64_t addr)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (d->map[mid].end < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool granule_ok(const struct pl_iommu_space *s, uint64_t a)
{
	uint64_t granule = s->page_size_mask & -s->page_size_mask;

	return (a & (granule - 1)) == 0;
}

uint8_t pl_iommu_map(struct pl_iommu_space *s, uint32_t domain, uint64_t virt_start,
		     uint64_t virt_end, uint64_t phys, uint32_t flags)
{
	struct pl_iommu_domain *d;
	size_t i;

	/* MMIO is a flag only VIRTIO_IOMMU_F_MMIO allows, and that is not offered. */
	if (flags & ~(uint32_t)(VIRTIO_IOMMU_MAP_F_READ | VIRTIO_IOMMU_MAP_F_WRITE))
		return VIRTIO_IOMMU_S_INVAL;
	d = find_dom(s, domain);
	if (!d)
		return VIRTIO_IOMMU_S_NOENT;
	if (virt_end < virt_start)
		return VIRTIO_IOMMU_S_INVAL;
	if (!granule_ok(s, virt_start) || !granule_ok(s, virt_end + 1) || !granule_ok(s, phys))
		return VIRTIO_IOMMU_S_RANGE;
	if (virt_start < s->input_start || virt_end > s->input_end)
		return VIRTIO_IOMMU_S_RANGE;
	if (phys + (virt_end - virt_start) < phys)
		return VIRTIO_IOMMU_S_RANGE; /* the physical side would wrap */
	i = first_ending_after(d, virt_start);
	if (i < d->n && d->map[i].start <= virt_end)
		return VIRTIO_IOMMU_S_INVAL;
	if (d->n == PL_IOMMU_MAPPINGS_MAX)
		return VIRTIO_IOMMU_S_NOMEM;
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		struct pl_iommu_range *m = realloc(d->map, cap * sizeof(*m));

		if (!m)
			return VIRTIO_IOMMU_S_NOMEM;
		d->map = m;
		d->cap = cap;
	}
	memmove(&d->map[i + 1], &d->map[i], (d->n - i) * sizeof(d->map[0]));
	d->map[i] = (struct pl_iommu_range){ virt_start, virt_end, phys, flags };
	d->n++;
	s->gen++;
	return VIRTIO_IOMMU_S_OK;
}

uint8_t pl_iommu_unmap(struct pl_iommu_space *s, uint32_t domain, uint64_t virt_start,
		       uint64_t virt_end)
{
	struct pl_iommu_domain *d = find_dom(s, domain);
	size_t first, last;

	if (!d)
		return VIRTIO_IOMMU_S_NOENT;
	if (virt_end < virt_start)
		return VIRTIO_IOMMU_S_INVAL;
	first = first_ending_after(d, virt_start);
	last = first;
	while (last < d->n && d->map[last].start <= virt_end) {
		/* Only whole mappings go: one that sticks out would be split. */
		if (d->map[last].start < virt_start || d->map[last].end > virt_end)
			return VIRTIO_IOMMU_S_RANGE;
		last++;
	}
	if (last == first)
		return VIRTIO_IOMMU_S_OK; /* nothing mapped there: fine by the spec */
	memmove(&d->map[first], &d->map[last], (d->n - last) * sizeof(d->map[0]));
	d->n -= last - first;
	s->gen++;
	return VIRTIO_IOMMU_S_OK;
}

static bool allows(uint32_t flags, uint32_t access)
{
	if (access == PL_DMA_WRITE)
		return flags & VIRTIO_IOMMU_MAP_F_WRITE;
	return flags & VIRTIO_IOMMU_MAP_F_READ;
}

static void found(struct pl_iommu_xlate *x, const struct pl_iommu_range *r, uint64_t iova)
{
	x->gpa = r->phys + (iova - r->start);
	x->room = r->end - iova + 1; /* 0 when the mapping reaches 2^64 - 1 from 0 */
}

int pl_iommu_translate(struct pl_iommu_space *s, uint32_t endpoint, uint64_t iova, uint32_t access,
		       struct pl_iommu_xlate *x)
{
	const struct pl_iommu_endpoint *ep;
	const struct pl_iommu_domain *d;
	size_t i;

	if (s->cache.gen == s->gen && s->cache.endpoint == endpoint && iova >= s->cache.r.start &&
	    iova <= s->cache.r.end) {
		x->domain = s->cache.domain;
		if (!allows(s->cache.r.flags, access))
			goto no_mapping;
		found(x, &s->cache.r, iova);
		return 0;
	}
	ep = find_ep(s, endpoint);
	x->domain = ep && ep->attached ? ep->domain : 0;
	d = x->domain ? find_dom(s, x->domain) : NULL;
	if (!d) {
		x->reason = VIRTIO_IOMMU_FAULT_R_DOMAIN;
		return -1;
	}
	i = first_ending_after(d, iova);
	if (i == d->n || d->map[i].start > iova)
		goto no_mapping;
	s->cache.gen = s->gen;
	s->cache.endpoint = endpoint;
	s->cache.domain = d->id;
	s->cache.r = d->map[i];
	if (!allows(d->map[i].flags, access))
		goto no_mapping;
	found(x, &d->map[i], iova);
	return 0;
no_mapping:
	x->reason = VIRTIO_IOMMU_FAULT_R_MAPPING;
	return -1;
}

size_t pl_iommu_space_mappings(const struct pl_iommu_space *s, struct pl_iommu_mapping *out,
			       size_t max)
{
	size_t total = 0;

	for (size_t i = 0; i < s->ndom; i++) {
		const struct pl_iommu_domain *d = &s->dom[i];

		for (size_t j = 0; j < d->n; j++, total++)
			if (total < max)
				out[total] =
				    (struct pl_iommu_mapping){ d->id, d->map[j].start,
							       d->map[j].end, d->map[j].phys,
							       d->map[j].flags };
	}
	return total;
}
