// SPDX-License-Identifier: MIT
/*
 * /dev/vfio/vfio: Linux's VFIO container with the type1 IOMMU backend, as
 * far as a user-space driver needs it (docs/man/vfio.7): the API version,
 * the type1 and type1v2 extensions, VFIO_SET_IOMMU, VFIO_IOMMU_GET_INFO
 * with the IOVA-range and DMA-available capabilities, and MAP_DMA /
 * UNMAP_DMA with Linux's checks in Linux's order.
 *
 * A mapping pins its pages (a frame reference each) until it is unmapped,
 * and charges them to RLIMIT_MEMLOCK unless the caller is root (Linux:
 * CAP_IPC_LOCK). Only RAM can be mapped; a user address with device
 * memory or nothing behind it is EFAULT, as pin_user_pages() says.
 *
 * The container's domain holds the DMA engine's endpoint once the IOMMU
 * type is set, and the engine is the group's then (dma_engine_claim).
 */
#include <kernel/dma_engine.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/frame.h>
#include <kernel/iommu.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/mman.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/vma.h>
#include <kernel/procmm.h>
#include <linux/vfio.h>

#include "vfio.h"

#define DMA_ENTRY_LIMIT	  65535 /* Linux's dma_entry_limit default */
#define offsetofend(t, m) (offsetof(t, m) + sizeof(((t *)0)->m))

static int container_open(struct file *f)
{
	struct vfio_container *c = kzalloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->refs = 1;
	f->priv = c;
	return 0;
}

static void unpin(struct vfio_container *c, struct vfio_dma *d, u64 npages)
{
	for (u64 i = 0; i < npages; i++)
		frame_put(d->pfn[i]);
	c->pinned -= npages;
}

/* The device is quiet by now (reset, or its doorbell already done): unmap, then unpin. */
static void dma_remove(struct vfio_container *c, struct vfio_dma **link)
{
	struct vfio_dma *d = *link;

	iommu_unmap(c->domain, d->iova, d->size);
	unpin(c, d, d->size / PAGE_SIZE);
	*link = d->next;
	c->nr_dmas--;
	kfree(d->pfn);
	kfree(d);
}

void vfio_container_teardown(struct vfio_container *c)
{
	struct dma_engine *e = dma_engine_get();

	if (!c->type)
		return;
	dma_engine_release(c); /* resets the engine: nothing moves after this */
	while (c->dmas)
		dma_remove(c, &c->dmas);
	if (e)
		iommu_detach(c->domain, e->endpoint);
	iommu_domain_free(c->domain);
	c->type = 0;
}

void vfio_container_put(struct vfio_container *c)
{
	if (--c->refs)
		return;
	vfio_container_teardown(c);
	kfree(c);
}

static void container_release(struct file *f)
{
	vfio_container_put(f->priv);
}

static long check_extension(u64 ext)
{
	if (!dma_engine_get())
		return 0;
	return ext == VFIO_TYPE1_IOMMU || ext == VFIO_TYPE1v2_IOMMU || ext == VFIO_UNMAP_ALL;
}

static long set_iommu(struct vfio_container *c, u64 type)
{
	struct dma_engine *e = dma_engine_get();
	int err;

	if (!c->group || c->type)
		return -EINVAL;
	if (!e || (type != VFIO_TYPE1_IOMMU && type != VFIO_TYPE1v2_IOMMU))
		return -ENODEV;
	err = dma_engine_claim(c, vfio_engine_irq);
	if (err)
		return err;
	c->domain = iommu_domain_alloc();
	if (!c->domain) {
		dma_engine_release(c);
		return -ENOSPC;
	}
	err = iommu_attach(c->domain, e->endpoint);
	if (err) {
		iommu_domain_free(c->domain);
		dma_engine_release(c);
		return err;
	}
	c->type = type;
	c->pid = current->pid;
	return 0;
}

/* The capability chain after the info: the IOVA range, then DMA entries available. */
struct info_caps {
	struct vfio_iommu_type1_info_cap_iova_range range;
	struct vfio_iova_range r;
	struct vfio_iommu_type1_info_dma_avail avail;
};

static long get_info(struct vfio_container *c, u64 arg)
{
	struct vfio_iommu_type1_info info;
	struct info_caps caps;
	u64 start, end, pgsizes;
	u32 minsz = offsetofend(struct vfio_iommu_type1_info, iova_pgsizes);

	if (!c->type)
		return -EINVAL;
	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	if (iommu_get_ranges(&start, &end, &pgsizes))
		return -ENODEV;
	info.flags = VFIO_IOMMU_INFO_PGSIZES;
	info.iova_pgsizes = pgsizes;
	if (info.argsz >= offsetofend(struct vfio_iommu_type1_info, cap_offset)) {
		minsz = offsetofend(struct vfio_iommu_type1_info, cap_offset);
		memset(&caps, 0, sizeof(caps));
		caps.range.header.id = VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
		caps.range.header.version = 1;
		caps.range.header.next = sizeof(info) + offsetof(struct info_caps, avail);
		caps.range.nr_iovas = 1;
		caps.r.start = start;
		caps.r.end = end;
		caps.avail.header.id = VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL;
		caps.avail.header.version = 1;
		caps.avail.avail = DMA_ENTRY_LIMIT - c->nr_dmas;
		info.flags |= VFIO_IOMMU_INFO_CAPS;
		info.cap_offset = 0;
		if (info.argsz < sizeof(info) + sizeof(caps)) {
			info.argsz = sizeof(info) + sizeof(caps);
		} else {
			if (copy_to_user(arg + sizeof(info), &caps, sizeof(caps)))
				return -EFAULT;
			info.cap_offset = sizeof(info);
		}
	}
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

static struct vfio_dma *find_dma(struct vfio_container *c, u64 start, u64 size)
{
	for (struct vfio_dma *d = c->dmas; d; d = d->next)
		if (d->iova < start + size && start < d->iova + d->size)
			return d;
	return NULL;
}

/* A pinned frame of RAM behind va, writable by the caller when write. */
static int pin_page(struct mm *mm, u64 va, bool write, u64 *pfn)
{
	const struct vma *v = vma_find(&mm->vmas, va);
	struct frame *fr;
	u64 pa;

	if (!v || (write && !(v->prot & VM_PROT_WRITE)) || user_va_to_pa(mm, va, &pa))
		return -EFAULT;
	fr = frame_desc(pa >> PAGE_SHIFT);
	if (!fr || !fr->refcount || (fr->flags & (FRAME_SLAB | FRAME_KLARGE)))
		return -EFAULT; /* device memory, or nothing a process owns */
	frame_get(pa >> PAGE_SHIFT);
	*pfn = pa >> PAGE_SHIFT;
	return 0;
}

static int pin_all(struct vfio_container *c, struct vfio_dma *d)
{
	u64 n = d->size / PAGE_SIZE;
	u64 limit = rlimit_cur(RLIMIT_MEMLOCK) / PAGE_SIZE;
	bool exempt = current->cred.euid == 0;
	int err = 0;

	if (!exempt && c->pinned + mm_locked_pages(current->mm, 0, USER_TOP) + n > limit)
		return -ENOMEM;
	for (u64 i = 0; i < n && !err; i++) {
		err = pin_page(current->mm, d->vaddr + i * PAGE_SIZE, d->prot & IOMMU_WRITE,
			       &d->pfn[i]);
		if (err)
			unpin(c, d, i);
		else
			c->pinned++;
	}
	return err;
}

/* Runs of physically contiguous frames, one MAP request each, in one batch. */
static int map_runs(struct vfio_container *c, struct vfio_dma *d)
{
	u64 n = d->size / PAGE_SIZE, i = 0;

	iommu_batch_begin();
	while (i < n) {
		u64 run = 1;

		while (i + run < n && d->pfn[i + run] == d->pfn[i] + run)
			run++;
		iommu_map(c->domain, d->iova + i * PAGE_SIZE, d->pfn[i] << PAGE_SHIFT,
			  run * PAGE_SIZE, d->prot);
		i += run;
	}
	return iommu_batch_end();
}

static void dma_insert(struct vfio_container *c, struct vfio_dma *d)
{
	struct vfio_dma **link = &c->dmas;

	while (*link && (*link)->iova < d->iova)
		link = &(*link)->next;
	d->next = *link;
	*link = d;
	c->nr_dmas++;
}

static long map_checks(struct vfio_container *c, const struct vfio_iommu_type1_dma_map *m)
{
	u64 start, end, pgsizes;

	if (!m->size || (m->size | m->iova | m->vaddr) & (PAGE_SIZE - 1))
		return -EINVAL;
	if (m->iova + m->size - 1 < m->iova || m->vaddr + m->size - 1 < m->vaddr)
		return -EINVAL;
	if (find_dma(c, m->iova, m->size))
		return -EEXIST;
	if (c->nr_dmas >= DMA_ENTRY_LIMIT)
		return -ENOSPC;
	if (iommu_get_ranges(&start, &end, &pgsizes) || m->iova < start ||
	    m->iova + m->size - 1 > end)
		return -EINVAL;
	return 0;
}

static long map_dma(struct vfio_container *c, u64 arg)
{
	struct vfio_iommu_type1_dma_map m;
	u32 minsz = offsetofend(struct vfio_iommu_type1_dma_map, size);
	u32 prot = 0;
	struct vfio_dma *d;
	long err;

	if (copy_from_user(&m, arg, minsz))
		return -EFAULT;
	if (m.argsz < minsz || m.flags & ~(VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE))
		return -EINVAL;
	prot |= m.flags & VFIO_DMA_MAP_FLAG_READ ? IOMMU_READ : 0;
	prot |= m.flags & VFIO_DMA_MAP_FLAG_WRITE ? IOMMU_WRITE : 0;
	if (!c->type || !prot)
		return -EINVAL;
	err = map_checks(c, &m);
	if (err)
		return err;
	d = kzalloc(sizeof(*d));
	if (d)
		d->pfn = kmalloc(m.size / PAGE_SIZE * sizeof(u64));
	if (!d || !d->pfn) {
		kfree(d);
		return -ENOMEM;
	}
	*d = (struct vfio_dma){
		.iova = m.iova, .size = m.size, .vaddr = m.vaddr, .prot = prot, .pfn = d->pfn
	};
	err = pin_all(c, d);
	if (!err) {
		err = map_runs(c, d);
		if (err) {
			iommu_unmap(c->domain, d->iova, d->size);
			unpin(c, d, d->size / PAGE_SIZE);
		}
	}
	if (err) {
		kfree(d->pfn);
		kfree(d);
		return err;
	}
	dma_insert(c, d);
	return 0;
}

/* Linux's vfio_dma_do_unmap: whole mappings only; v2 refuses to split one. */
static long unmap_range(struct vfio_container *c, u64 iova, u64 size, u64 *unmapped)
{
	u64 last = iova + size - 1;
	struct vfio_dma **link = &c->dmas, *d;

	if (c->type == VFIO_TYPE1v2_IOMMU) {
		d = find_dma(c, iova, 1);
		if (d && d->iova != iova)
			return -EINVAL;
		d = find_dma(c, last, 1);
		if (d && d->iova + d->size - 1 != last)
			return -EINVAL;
	}
	while (*link) {
		d = *link;
		if (d->iova + d->size - 1 < iova) {
			link = &d->next;
			continue;
		}
		if (d->iova > last || (c->type == VFIO_TYPE1_IOMMU && d->iova < iova))
			break;
		*unmapped += d->size;
		dma_remove(c, link);
	}
	return 0;
}

static long unmap_dma(struct vfio_container *c, u64 arg)
{
	struct vfio_iommu_type1_dma_unmap u;
	u32 minsz = offsetofend(struct vfio_iommu_type1_dma_unmap, size);
	u64 unmapped = 0;
	long err;

	if (copy_from_user(&u, arg, minsz))
		return -EFAULT;
	if (u.argsz < minsz || u.flags & ~VFIO_DMA_UNMAP_FLAG_ALL || !c->type)
		return -EINVAL;
	if (u.flags & VFIO_DMA_UNMAP_FLAG_ALL) {
		if (u.iova || u.size)
			return -EINVAL;
		u.iova = 0;
		u.size = ~0ULL;
	} else if (!u.size || (u.iova | u.size) & (PAGE_SIZE - 1) || u.iova + u.size - 1 < u.iova) {
		return -EINVAL;
	}
	err = unmap_range(c, u.iova, u.size, &unmapped);
	if (err)
		return err;
	u.size = unmapped;
	return copy_to_user(arg + offsetof(struct vfio_iommu_type1_dma_unmap, size), &u.size,
			    sizeof(u.size))
		   ? -EFAULT
		   : 0;
}

static long container_ioctl(struct file *f, u32 cmd, u64 arg)
{
	struct vfio_container *c = f->priv;

	switch (cmd) {
	case VFIO_GET_API_VERSION:
		return VFIO_API_VERSION;
	case VFIO_CHECK_EXTENSION:
		return check_extension(arg);
	case VFIO_SET_IOMMU:
		return set_iommu(c, arg);
	case VFIO_IOMMU_GET_INFO:
		return get_info(c, arg);
	case VFIO_IOMMU_MAP_DMA:
		return map_dma(c, arg);
	case VFIO_IOMMU_UNMAP_DMA:
		return unmap_dma(c, arg);
	default:
		return c->type ? -ENOTTY : -EINVAL;
	}
}

const struct file_ops vfio_container_ops = {
	.open = container_open,
	.release = container_release,
	.ioctl = container_ioctl,
};
