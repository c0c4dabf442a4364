// SPDX-License-Identifier: MIT
/*
 * examples/vfio_dma's guest side: a user-space driver for pagelab's DMA
 * engine, written against Linux's VFIO type1 API (<linux/vfio.h>) as a
 * driver for a vfio-platform device on Linux would be:
 *
 *   1. the container (/dev/vfio/vfio) and the device's group (/dev/vfio/N,
 *      N read from /sys/bus/platform/devices/NAME/iommu_group);
 *   2. a physically contiguous DMA buffer (QNX's MAP_PHYS|MAP_ANON), mapped
 *      for the device with VFIO_IOMMU_MAP_DMA at IOVAs of our choosing;
 *   3. the engine's registers, mmap()ed from the device file; a ring of
 *      descriptors in the buffer; copy, fill and compare; check the result
 *      with the CPU;
 *   4. each kind of IOMMU fault on purpose: a write to a read-only mapping,
 *      a read of an IOVA nothing maps, and a transfer after an unmap. Each
 *      halts the engine with an error and arrives here as SIGBUS
 *      (BUS_OBJERR, si_addr = the IOVA); each is reported to the host with
 *      a checkpoint, which compares it with the host's fault log.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pagelab/dma_engine.h>
#include <pagelab/guest.h>
#include <pagelab/mman.h>

#define DEVICE	    "d0001000.dma"
#define BUF_SIZE    (64 * 1024)
#define RING_IOVA   0x100000ULL /* ring and completion record: one page, read-write */
#define SRC_IOVA    0x200000ULL /* 16 KiB, read-only for the device */
#define DST_IOVA    0x300000ULL /* 32 KiB, read-write */
#define HOLE_IOVA   0x900000ULL /* nothing mapped there */
#define CHECK_FAULT 1		/* checkpoint id: value = the IOVA of a fault */

static volatile uint64_t *regs;
static uint8_t *buf;
static volatile sig_atomic_t sigbus_seen;
static volatile uint64_t sigbus_addr;
static volatile int sigbus_code;
static unsigned tail;

static void die(const char *what)
{
	fprintf(stderr, "vfio_dma: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	sigbus_code = si->si_code;
	sigbus_addr = (uint64_t)(uintptr_t)si->si_addr;
	sigbus_seen = 1;
}

static int open_group(int container)
{
	char path[64], num[16] = { 0 };
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int fd = open("/sys/bus/platform/devices/" DEVICE "/iommu_group", O_RDONLY), group;

	if (fd < 0 || read(fd, num, sizeof(num) - 1) <= 0)
		die("the device's iommu_group");
	close(fd);
	snprintf(path, sizeof(path), "/dev/vfio/%d", atoi(num));
	group = open(path, O_RDWR);
	if (group < 0 || ioctl(group, VFIO_GROUP_GET_STATUS, &st))
		die(path);
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		fprintf(stderr, "vfio_dma: group %s is not viable\n", path);
		exit(1);
	}
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container))
		die("VFIO_GROUP_SET_CONTAINER");
	printf("guest: group %s in the container\n", path);
	return group;
}

static void show_iova_ranges(int container)
{
	char info_buf[256];
	struct vfio_iommu_type1_info *info = (void *)info_buf;
	struct vfio_info_cap_header *cap;

	info->argsz = sizeof(info_buf);
	if (ioctl(container, VFIO_IOMMU_GET_INFO, info))
		die("VFIO_IOMMU_GET_INFO");
	printf("guest: IOMMU page sizes %#llx\n", (unsigned long long)info->iova_pgsizes);
	for (unsigned off = info->flags & VFIO_IOMMU_INFO_CAPS ? info->cap_offset : 0; off;
	     off = cap->next) {
		cap = (void *)(info_buf + off);
		if (cap->id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct vfio_iommu_type1_info_cap_iova_range *r = (void *)cap;

			printf("guest: usable IOVAs %#llx-%#llx\n",
			       (unsigned long long)r->iova_ranges[0].start,
			       (unsigned long long)r->iova_ranges[0].end);
		}
	}
}

static void map_dma(int container, uint64_t iova, void *vaddr, uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m),
					      .flags = flags,
					      .vaddr = (uintptr_t)vaddr,
					      .iova = iova,
					      .size = size };

	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &m))
		die("VFIO_IOMMU_MAP_DMA");
}

static volatile uint64_t *map_registers(int device)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info reg = { .argsz = sizeof(reg), .index = 0 };
	void *p;

	if (ioctl(device, VFIO_DEVICE_GET_INFO, &info) ||
	    ioctl(device, VFIO_DEVICE_GET_REGION_INFO, &reg))
		die("the device's info");
	printf("guest: %s: platform device, %u region(s), %u irq(s); registers %#llx bytes\n",
	       DEVICE, info.num_regions, info.num_irqs, (unsigned long long)reg.size);
	p = mmap(NULL, reg.size, PROT_READ | PROT_WRITE, MAP_SHARED, device, reg.offset);
	if (p == MAP_FAILED)
		die("mmap of the registers");
	return p;
}

static struct pl_dma_desc *slot(unsigned i)
{
	return (struct pl_dma_desc *)buf + i % 16;
}

/* Puts one descriptor on the ring and rings the doorbell; the engine is done when it returns. */
static uint32_t submit(uint32_t op, uint64_t src, uint64_t dst, uint64_t len, uint64_t pattern)
{
	struct pl_dma_desc *d = slot(tail);

	memset(d, 0, sizeof(*d));
	*d = (struct pl_dma_desc){
		.op = op, .src = src, .dst = dst, .len = len, .pattern = pattern
	};
	tail = (tail + 1) % 16;
	regs[PL_DMA_REG_TAIL / 8] = tail;
	/* The engine wrote the ring behind the compiler's back (Linux: dma_rmb()). */
	asm volatile("" ::: "memory");
	return d->status;
}

static void expect_fault(const char *what, uint32_t status, uint32_t want)
{
	uint64_t iova = regs[PL_DMA_REG_ERROR_IOVA / 8];

	for (int i = 0; i < 100000 && !sigbus_seen; i++)
		sched_yield(); /* the IOMMU's fault event comes by interrupt */
	printf("guest: %s: descriptor status %u, engine error %llu at IOVA %#llx; "
	       "SIGBUS %s (si_code %d, si_addr %#llx)\n",
	       what, status, (unsigned long long)regs[PL_DMA_REG_ERROR / 8],
	       (unsigned long long)iova, sigbus_seen ? "received" : "missing", sigbus_code,
	       (unsigned long long)sigbus_addr);
	if (status != want || !sigbus_seen || sigbus_addr != iova) {
		fprintf(stderr, "vfio_dma: %s: not the fault expected\n", what);
		exit(1);
	}
	pagelab_checkpoint(CHECK_FAULT, iova);
	sigbus_seen = 0;
	regs[PL_DMA_REG_CTRL / 8] = PL_DMA_CTRL_ENABLE | PL_DMA_CTRL_RESUME;
}

static void transfers(void)
{
	uint8_t *src = buf + 4096, *dst = buf + 4096 + 16384;

	for (int i = 0; i < 16384; i++)
		src[i] = (uint8_t)(i * 31 + 7);
	if (submit(PL_DMA_OP_COPY, SRC_IOVA, DST_IOVA, 16384, 0) != PL_DMA_DS_DONE ||
	    memcmp(src, dst, 16384))
		die("copy");
	if (submit(PL_DMA_OP_FILL, 0, DST_IOVA + 16384, 100, 0x1122334455667788ULL) !=
		PL_DMA_DS_DONE ||
	    dst[16384] != 0x88 || dst[16384 + 99] != 0x55)
		die("fill");
	dst[5000] ^= 1;
	submit(PL_DMA_OP_COMPARE, SRC_IOVA, DST_IOVA, 16384, 0);
	if (slot(tail - 1)->result != 5000)
		die("compare");
	printf("guest: copied 16 KiB, filled 100 bytes, compare found the byte changed at %llu\n",
	       (unsigned long long)slot(tail - 1)->result);
}

int main(void)
{
	struct sigaction sa = { .sa_sigaction = on_sigbus, .sa_flags = SA_SIGINFO };
	struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap) };
	int container, group, device;

	setvbuf(stdout, NULL, _IOLBF, 0); /* in step with the host's lines */
	sigaction(SIGBUS, &sa, NULL);
	container = open("/dev/vfio/vfio", O_RDWR);
	if (container < 0 || ioctl(container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
	    ioctl(container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1)
		die("/dev/vfio/vfio with the type1v2 IOMMU");
	group = open_group(container);
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("VFIO_SET_IOMMU");
	show_iova_ranges(container);
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, DEVICE);
	if (device < 0)
		die("VFIO_GROUP_GET_DEVICE_FD");
	regs = map_registers(device);

	buf =
	    mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON | MAP_SHARED, NOFD, 0);
	if (buf == MAP_FAILED)
		die("a contiguous DMA buffer (MAP_PHYS|MAP_ANON)");
	map_dma(container, RING_IOVA, buf, 4096, VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);
	map_dma(container, SRC_IOVA, buf + 4096, 16384, VFIO_DMA_MAP_FLAG_READ);
	map_dma(container, DST_IOVA, buf + 4096 + 16384, 32768,
		VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE);

	regs[PL_DMA_REG_RING_BASE / 8] = RING_IOVA;
	regs[PL_DMA_REG_RING_SIZE / 8] = 16;
	regs[PL_DMA_REG_COMPL_ADDR / 8] = RING_IOVA + 2048;
	regs[PL_DMA_REG_CTRL / 8] = PL_DMA_CTRL_ENABLE;
	transfers();

	expect_fault("a write to a read-only mapping",
		     submit(PL_DMA_OP_COPY, DST_IOVA, SRC_IOVA + 4096, 64, 0),
		     PL_DMA_DS_WRITE_FAULT);
	expect_fault("a read where nothing is mapped",
		     submit(PL_DMA_OP_COPY, HOLE_IOVA, DST_IOVA, 64, 0), PL_DMA_DS_READ_FAULT);
	unmap.iova = DST_IOVA;
	unmap.size = 32768;
	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap) || unmap.size != 32768)
		die("VFIO_IOMMU_UNMAP_DMA");
	expect_fault("a fill after the unmap", submit(PL_DMA_OP_FILL, 0, DST_IOVA + 8192, 8, 0),
		     PL_DMA_DS_WRITE_FAULT);
	printf("guest: 3 faults, each seen as SIGBUS and by the engine\n");
	return 0;
}
