// SPDX-License-Identifier: MIT
/*
 * VFIO's place in the system: the device nodes and the sysfs file, made at
 * boot when the machine has a DMA engine behind an IOMMU; IOMMU faults of
 * the engine, delivered to the process whose container maps it; and
 * /proc/pagelab/iommu, which lists every container's mappings and faults.
 *
 * A fault is delivered as SIGBUS with si_code BUS_OBJERR and si_addr the
 * IOVA that faulted (Linux has no such signal for VFIO: a device error is
 * an object-specific hardware error there too). It is asynchronous: a
 * process may block, catch or ignore it.
 */
#include <kernel/dma_engine.h>
#include <kernel/errno.h>
#include <kernel/file.h>
#include <kernel/format.h>
#include <kernel/iommu.h>
#include <kernel/panic.h>
#include <kernel/proc.h>
#include <kernel/procfs.h>
#include <kernel/signal.h>
#include <kernel/synth.h>
#include <kernel/vfs.h>
#include <linux/vfio.h>

#include "vfio.h"

#define VFIO_MAJOR	 10  /* misc */
#define VFIO_MINOR	 196 /* Linux's VFIO_MINOR */
#define VFIO_GROUP_MAJOR 511 /* dynamic on Linux; fixed here */
#define BUS_OBJERR	 3

/* From the IOMMU driver, when the device reports a fault. */
static void engine_fault(u32 endpoint, u64 iova, u32 reason, u32 flags)
{
	struct vfio_container *c = vfio_engine_group.container;
	struct dma_engine *e = dma_engine_get();
	struct proc *p;

	(void)reason, (void)flags;
	if (!e || endpoint != e->endpoint || !vfio_container_ready(c))
		return;
	c->faults++;
	c->last_fault_iova = iova;
	p = proc_find(c->pid);
	if (!p)
		return;
	p->sig.fault[SIGBUS - 1] = (struct fault_info){ .code = BUS_OBJERR, .addr = iova };
	signal_send(p, SIGBUS, 0);
}

static const char *type_name(u32 type)
{
	return type == VFIO_TYPE1v2_IOMMU ? "type1v2" : type == VFIO_TYPE1_IOMMU ? "type1" : "-";
}

void vfio_describe(struct textbuf *t)
{
	struct vfio_container *c = vfio_engine_group.container;
	struct dma_engine *e = dma_engine_get();

	tb_printf(t, "device %s endpoint %u group %u\n", e->name, e->endpoint,
		  vfio_engine_group.id);
	if (!c) {
		tb_printf(t, "container none\n");
		return;
	}
	tb_printf(t, "container pid %d iommu %s domain %u mappings %lu pinned %lu\n", c->pid,
		  type_name(c->type), c->domain, (unsigned long)c->nr_dmas,
		  (unsigned long)c->pinned);
	for (struct vfio_dma *d = c->dmas; d; d = d->next)
		tb_printf(t, "map iova %#lx-%#lx vaddr %#lx pa %#lx %c%c\n", (unsigned long)d->iova,
			  (unsigned long)(d->iova + d->size - 1), (unsigned long)d->vaddr,
			  (unsigned long)(d->pfn[0] << PAGE_SHIFT),
			  d->prot & IOMMU_READ ? 'r' : '-', d->prot & IOMMU_WRITE ? 'w' : '-');
	tb_printf(t, "faults %lu", (unsigned long)c->faults);
	if (c->faults)
		tb_printf(t, " last %#lx", (unsigned long)c->last_fault_iova);
	tb_printf(t, "\n");
}

static long iommu_gen(void *arg, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };

	(void)arg;
	vfio_describe(&t);
	return (long)t.len;
}

static long group_gen(void *arg, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };

	(void)arg;
	tb_printf(&t, "%u\n", vfio_engine_group.id);
	return (long)t.len;
}

void vfio_init(void)
{
	struct dma_engine *e = dma_engine_get();
	char path[96], node[32];

	if (!e)
		return;
	vfio_engine_group.id = 0;
	vfs_make_node("/dev/vfio", S_IFDIR | 0755, 0, 0);
	vfs_make_node("/dev/vfio/vfio", S_IFCHR | 0666, VFIO_MAJOR, VFIO_MINOR);
	ksnprintf(node, sizeof(node), "/dev/vfio/%u", vfio_engine_group.id);
	vfs_make_node(node, S_IFCHR | 0600, VFIO_GROUP_MAJOR, vfio_engine_group.id);
	ksnprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/iommu_group", e->name);
	if (chrdev_register(VFIO_MAJOR, VFIO_MINOR, &vfio_container_ops) ||
	    chrdev_register(VFIO_GROUP_MAJOR, vfio_engine_group.id, &vfio_group_ops) ||
	    vfs_synth_file(path, 0444, group_gen, NULL) ||
	    vfs_synth_file("/proc/pagelab/iommu", 0444, iommu_gen, NULL))
		panic("vfio: cannot create its files");
	iommu_set_fault_handler(engine_fault);
}
