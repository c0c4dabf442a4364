/* SPDX-License-Identifier: MIT */
/*
 * VFIO inside fs/: the container (vfio.c), the group and device files
 * (vfio_group.c) and what /proc/pagelab/iommu shows (vfio_proc.c).
 */
#ifndef FS_VFIO_H
#define FS_VFIO_H

#include <kernel/types.h>

struct file;
struct file_ops;

/* One VFIO_IOMMU_MAP_DMA: its pages stay pinned until it is unmapped. */
struct vfio_dma {
	struct vfio_dma *next; /* by IOVA */
	u64 iova, size, vaddr;
	u32 prot; /* IOMMU_READ | IOMMU_WRITE */
	u64 *pfn; /* size / 4 KiB frames, each with a reference */
};

struct vfio_group;

struct vfio_container {
	u32 refs;   /* the /dev/vfio/vfio file, and a group set to it */
	u32 type;   /* VFIO_TYPE1_IOMMU / VFIO_TYPE1v2_IOMMU once set, else 0 */
	u32 domain; /* the IOMMU domain, once the type is set */
	int pid;    /* who set the IOMMU: charged for pinned pages, told of faults */
	struct vfio_group *group;
	struct vfio_dma *dmas;
	u64 nr_dmas, pinned; /* mappings; pages pinned */
	u64 faults, last_fault_iova;
};

struct vfio_group {
	u32 id;		      /* /dev/vfio/<id> */
	bool open;	      /* Linux: one opener at a time */
	u32 devices;	      /* device files open */
	struct file *trigger; /* VFIO_DEVICE_SET_IRQS's eventfd, or NULL */
	struct vfio_container *container;
};

extern const struct file_ops vfio_container_ops;
extern const struct file_ops vfio_group_ops;
extern struct vfio_group vfio_engine_group;

void vfio_container_put(struct vfio_container *c);
/*
 * Back to no IOMMU type, as Linux does when the last group leaves: the
 * engine reset, every mapping unmapped and unpinned, the domain freed.
 */
void vfio_container_teardown(struct vfio_container *c);
/* The container's IOMMU type set? Then the group may hand out devices. */
static inline bool vfio_container_ready(const struct vfio_container *c)
{
	return c && c->type;
}
/* VFIO_GROUP_UNSET_CONTAINER, also when the group's last file goes. */
void vfio_group_unset(struct vfio_group *g);
/* The engine's completion MSI while a container owns it: the trigger eventfd. */
void vfio_engine_irq(void *owner, u64 irq_status);
/* /proc/pagelab/iommu's text (vfio_proc.c). */
struct textbuf;
void vfio_describe(struct textbuf *t);

#endif
