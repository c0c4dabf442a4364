// SPDX-License-Identifier: MIT
/*
 * The VFIO type1 subset (docs/man/vfio.7) from inside the sandbox, with
 * Linux's errno rules: TAP on stdout, status 0 when every case passed.
 * tests/integration/test_vfio.c runs it. (Natively there is no pagelab DMA
 * engine to open, so this is no differential test.)
 */
#define _GNU_SOURCE
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/resource.h>

#include <pagelab/dma_engine.h>
#include <pagelab/mman.h>

#include "../guest/mm_probe.h"

#define NTESTS 46
#define DEVICE "d0001000.dma"

static int container, group;

static int map(uint64_t iova, void *va, uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m),
					      .flags = flags,
					      .vaddr = (uintptr_t)va,
					      .iova = iova,
					      .size = size };

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &m);
}

static int unmap(uint64_t iova, uint64_t size, uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u), .iova = iova, .size = size };
	int r = ioctl(container, VFIO_IOMMU_UNMAP_DMA, &u);

	*unmapped = u.size;
	return r;
}

static void container_and_group(void)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int other;

	container = open("/dev/vfio/vfio", O_RDWR);
	ok(container >= 0, "open /dev/vfio/vfio");
	ok(ioctl(container, VFIO_GET_API_VERSION) == VFIO_API_VERSION, "VFIO_GET_API_VERSION");
	ok(ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) == 1 &&
	       ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) == 1 &&
	       ioctl(container, VFIO_CHECK_EXTENSION, VFIO_SPAPR_TCE_IOMMU) == 0,
	   "VFIO_CHECK_EXTENSION: type1 and type1v2, not sPAPR");
	ok(FAILS(ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), EINVAL),
	   "VFIO_SET_IOMMU before a group is set: EINVAL");
	ok(!strcmp(slurp("/sys/bus/platform/devices/" DEVICE "/iommu_group"), "0\n"),
	   "the device's iommu_group is 0");
	group = open("/dev/vfio/0", O_RDWR);
	ok(group >= 0, "open /dev/vfio/0");
	ok(FAILS(open("/dev/vfio/0", O_RDWR), EBUSY), "a second open of the group: EBUSY");
	ok(ioctl(group, VFIO_GROUP_GET_STATUS, &st) == 0 && st.flags == VFIO_GROUP_FLAGS_VIABLE,
	   "VFIO_GROUP_GET_STATUS: viable, no container");
	ok(FAILS(ioctl(group, VFIO_GROUP_GET_DEVICE_FD, DEVICE), EINVAL),
	   "VFIO_GROUP_GET_DEVICE_FD without a container: EINVAL");
	other = open("/dev/null", O_RDWR);
	ok(FAILS(ioctl(group, VFIO_GROUP_SET_CONTAINER, &other), EINVAL),
	   "VFIO_GROUP_SET_CONTAINER with another file: EINVAL");
	close(other);
	ok(ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) == 0 &&
	       ioctl(group, VFIO_GROUP_GET_STATUS, &st) == 0 &&
	       st.flags == (VFIO_GROUP_FLAGS_VIABLE | VFIO_GROUP_FLAGS_CONTAINER_SET),
	   "VFIO_GROUP_SET_CONTAINER; the status says so");
	ok(FAILS(ioctl(container, VFIO_SET_IOMMU, VFIO_SPAPR_TCE_IOMMU), ENODEV),
	   "VFIO_SET_IOMMU of an unknown type: ENODEV");
	ok(ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) == 0, "VFIO_SET_IOMMU type1v2");
	ok(FAILS(ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU), EINVAL),
	   "VFIO_SET_IOMMU again: EINVAL");
}

static void info(void)
{
	char buf[256];
	struct vfio_iommu_type1_info *i = (void *)buf;
	struct vfio_iommu_type1_info_cap_iova_range *r;

	i->argsz = sizeof(*i);
	ok(ioctl(container, VFIO_IOMMU_GET_INFO, i) == 0 && (i->flags & VFIO_IOMMU_INFO_CAPS) &&
	       i->argsz > sizeof(*i) && i->cap_offset == 0 && (i->iova_pgsizes & 4096),
	   "VFIO_IOMMU_GET_INFO, short: 4 KiB pages, argsz grown for the capabilities");
	i->argsz = sizeof(buf);
	ok(ioctl(container, VFIO_IOMMU_GET_INFO, i) == 0 && i->cap_offset == sizeof(*i),
	   "VFIO_IOMMU_GET_INFO with room: the chain after the info");
	r = (void *)(buf + i->cap_offset);
	ok(r->header.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE && r->nr_iovas == 1 &&
	       r->iova_ranges[0].end > r->iova_ranges[0].start && r->header.next,
	   "the IOVA-range capability, then another");
	i->argsz = 8;
	ok(FAILS(ioctl(container, VFIO_IOMMU_GET_INFO, i), EINVAL), "argsz too small: EINVAL");
}

static void map_rules(void)
{
	char *p = map_anon(16 * PG, PROT_READ | PROT_WRITE);
	char *ro = map_anon(PG, PROT_READ);
	uint64_t n = 0;

	ok(map(0x100000, p, 4 * PG, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE) == 0,
	   "MAP_DMA of 4 pages");
	ok(FAILS(map(0x102000, p + 8 * PG, 4 * PG, VFIO_DMA_MAP_FLAG_READ), EEXIST),
	   "an overlapping MAP_DMA: EEXIST");
	ok(FAILS(map(0x110000, p, 4 * PG, 0), EINVAL), "no READ or WRITE: EINVAL");
	ok(FAILS(map(0x110000, p + 1, PG, VFIO_DMA_MAP_FLAG_READ), EINVAL),
	   "an unaligned vaddr: EINVAL");
	ok(FAILS(map(0x110000, p, 0, VFIO_DMA_MAP_FLAG_READ), EINVAL), "size 0: EINVAL");
	ok(FAILS(map(-PG, p, 2 * PG, VFIO_DMA_MAP_FLAG_READ), EINVAL),
	   "an IOVA range that wraps: EINVAL");
	ok(FAILS(map(0x110000, ro, PG, VFIO_DMA_MAP_FLAG_WRITE), EFAULT),
	   "device-writable over a read-only mapping: EFAULT");
	ok(FAILS(map(0x110000, (void *)0x10000, PG, VFIO_DMA_MAP_FLAG_READ), EFAULT),
	   "nothing mapped at vaddr: EFAULT");
	ok(map(0x104000, p + 4 * PG, 2 * PG, VFIO_DMA_MAP_FLAG_READ) == 0,
	   "MAP_DMA right after the first");
	ok(FAILS(unmap(0x101000, PG, &n), EINVAL),
	   "type1v2: an UNMAP_DMA that would split: EINVAL");
	ok(unmap(0x200000, 4 * PG, &n) == 0 && n == 0, "UNMAP_DMA of nothing: 0 bytes unmapped");
	ok(unmap(0x100000, 6 * PG, &n) == 0 && n == 6 * PG,
	   "UNMAP_DMA of both: their size written back");
	ok(FAILS(unmap(0x100000, PG + 1, &n), EINVAL), "an unaligned size: EINVAL");
	ok(map(0x100000, p, 4 * PG, VFIO_DMA_MAP_FLAG_READ) == 0, "the IOVAs can be mapped again");
	munmap(p, 16 * PG);
	ok(unmap(0x100000, 4 * PG, &n) == 0 && n == 4 * PG,
	   "pages unmapped by the process stay pinned until UNMAP_DMA");
	munmap(ro, PG);
}

static int set_irq(int dev, uint32_t flags, uint32_t count, int32_t fd)
{
	char buf[sizeof(struct vfio_irq_set) + sizeof(int32_t)];
	struct vfio_irq_set *s = (void *)buf;

	*s = (struct vfio_irq_set){ .argsz = sizeof(buf), .flags = flags, .count = count };
	memcpy(s->data, &fd, sizeof(fd));
	return ioctl(dev, VFIO_DEVICE_SET_IRQS, s);
}

/* The eventfd has a count within a while (the MSI is delivered at the next interrupt window). */
static uint64_t wait_event(int efd)
{
	uint64_t n = 0;

	for (int i = 0; i < 100000 && read(efd, &n, 8) != 8; i++)
		sched_yield();
	return n;
}

/* Completion by eventfd: VFIO_DEVICE_SET_IRQS, a descriptor asking for the MSI. */
static void interrupts(int dev, volatile uint64_t *regs)
{
	struct vfio_irq_info ii = { .argsz = sizeof(ii) };
	struct pl_dma_desc *ring = (void *)map_anon(PG, PROT_READ | PROT_WRITE);
	int efd = eventfd(0, EFD_NONBLOCK), other = open("/dev/null", O_RDONLY);
	uint32_t trigger = VFIO_IRQ_SET_ACTION_TRIGGER;

	ok(ioctl(dev, VFIO_DEVICE_GET_IRQ_INFO, &ii) == 0 && ii.flags == VFIO_IRQ_INFO_EVENTFD &&
	       ii.count == 1,
	   "VFIO_DEVICE_GET_IRQ_INFO: one interrupt, by eventfd");
	ok(FAILS(set_irq(dev, VFIO_IRQ_SET_DATA_EVENTFD | trigger, 1, other), EINVAL) &&
	       FAILS(set_irq(dev, VFIO_IRQ_SET_DATA_EVENTFD | trigger, 1, 99), EBADF) &&
	       FAILS(set_irq(dev, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_DATA_BOOL | trigger, 1,
			     efd),
		     EINVAL) &&
	       FAILS(set_irq(dev, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK, 1, efd),
		     EINVAL),
	   "SET_IRQS refuses another file (EINVAL), a bad fd (EBADF), two data types, MASK");
	ok(set_irq(dev, VFIO_IRQ_SET_DATA_EVENTFD | trigger, 1, efd) == 0 &&
	       set_irq(dev, VFIO_IRQ_SET_DATA_NONE | trigger, 1, 0) == 0 && wait_event(efd) == 1,
	   "SET_IRQS with an eventfd; DATA_NONE triggers it by hand");
	if (map(0x400000, ring, PG, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE))
		bail("the ring's MAP_DMA");
	regs[PL_DMA_REG_RING_BASE / 8] = 0x400000;
	regs[PL_DMA_REG_RING_SIZE / 8] = 4;
	regs[PL_DMA_REG_CTRL / 8] = PL_DMA_CTRL_ENABLE | PL_DMA_CTRL_IRQ_ENABLE;
	ring[0] = (struct pl_dma_desc){ .op = PL_DMA_OP_NOP, .flags = PL_DMA_DF_IRQ };
	regs[PL_DMA_REG_TAIL / 8] = 1;
	ok(wait_event(efd) == 1 && ring[0].status == PL_DMA_DS_DONE,
	   "a descriptor with PL_DMA_DF_IRQ: its completion MSI arrives on the eventfd");
	ok(set_irq(dev, VFIO_IRQ_SET_DATA_EVENTFD | trigger, 1, -1) == 0,
	   "SET_IRQS with fd -1 removes the eventfd");
	close(efd);
	close(other);
}

/* QNX's way to the same registers: mmap_device_memory, uncached. */
static void qnx_registers(void)
{
	volatile uint64_t *r = mmap_device_memory(NULL, 4096, PROT_READ | PROT_WRITE | PROT_NOCACHE,
						  0, PL_DMA_ENGINE_BASE);

	ok(r != MAP_FAILED && r[PL_DMA_REG_ID / 8] == PL_DMA_ENGINE_ID &&
	       (r[PL_DMA_REG_CAPS / 8] & PL_DMA_CAP_COPY),
	   "mmap_device_memory(PROT_NOCACHE) of the engine: its ID and capabilities");
	munmap_device_memory((void *)r, 4096);
}

static void device(void)
{
	struct vfio_device_info di = { .argsz = sizeof(di) };
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	volatile uint64_t *regs;
	int dev;

	ok(FAILS(ioctl(group, VFIO_GROUP_GET_DEVICE_FD, "nosuch.dma"), ENODEV),
	   "GET_DEVICE_FD of another name: ENODEV");
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, DEVICE);
	ok(dev >= 0, "VFIO_GROUP_GET_DEVICE_FD");
	ok(ioctl(dev, VFIO_DEVICE_GET_INFO, &di) == 0 && (di.flags & VFIO_DEVICE_FLAGS_PLATFORM) &&
	       di.num_regions == 1 && di.num_irqs == 1,
	   "VFIO_DEVICE_GET_INFO: a platform device, one region, one irq");
	ok(ioctl(dev, VFIO_DEVICE_GET_REGION_INFO, &ri) == 0 && ri.size == 4096 &&
	       (ri.flags & VFIO_REGION_INFO_FLAG_MMAP),
	   "VFIO_DEVICE_GET_REGION_INFO: one mappable page");
	regs = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, dev, ri.offset);
	ok(regs != MAP_FAILED && regs[PL_DMA_REG_ID / 8] == PL_DMA_ENGINE_ID,
	   "mmap of the region: the engine's ID register");
	interrupts(dev, regs);
	ok(FAILS(ioctl(group, VFIO_GROUP_UNSET_CONTAINER), EBUSY),
	   "UNSET_CONTAINER with a device open: EBUSY");
	close(dev);
	munmap((void *)regs, 4096);
	ok(ioctl(group, VFIO_GROUP_UNSET_CONTAINER) == 0, "UNSET_CONTAINER once it is closed");
}

int main(void)
{
	tap_plan(NTESTS);
	container_and_group();
	info();
	map_rules();
	device();
	qnx_registers();
	return tap_done();
}
