// SPDX-License-Identifier: MIT
/*
 * DMA throughput through IOMMU windows: the DMA engine copies 4 KiB,
 * 64 KiB and 1 MiB between two VFIO-mapped buffers, one descriptor per
 * doorbell ("dma_SIZE_ns") and 15 per doorbell, a full ring ("dma15_SIZE_ns", per
 * descriptor), beside memcpy of the same size by the CPU ("memcpy_SIZE_ns").
 * Natively (no /dev/vfio/vfio) only the memcpy lines: the host's floor,
 * which scripts/run-bench.sh divides by.
 *
 *	guest_dma [ROUNDS]
 */
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pagelab/dma_engine.h>

#include "bench.h"

#define BUF	  (1 << 20)
#define RING_IOVA 0x100000ULL
#define SRC_IOVA  0x1000000ULL
#define DST_IOVA  0x2000000ULL
#define RING	  16

static volatile uint64_t *regs;
static struct pl_dma_desc *ring;
static unsigned tail;
static uint8_t *src, *dst;
static size_t size;

static void map(int container, uint64_t iova, void *p, size_t len)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m), .flags = 3, .iova = iova, .vaddr = (uintptr_t)p, .size = len
	};

	if (ioctl(container, VFIO_IOMMU_MAP_DMA, &m))
		bench_fail("guest_dma", "VFIO_IOMMU_MAP_DMA");
}

static int setup(void)
{
	int container = open("/dev/vfio/vfio", O_RDWR), group, dev;

	if (container < 0)
		return -1; /* natively: memcpy only */
	group = open("/dev/vfio/0", O_RDWR);
	if (group < 0 || ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		bench_fail("guest_dma", "the VFIO group");
	dev = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, "d0001000.dma");
	regs = dev < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, dev, 0);
	ring = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		    -1, 0);
	if (regs == MAP_FAILED || ring == MAP_FAILED)
		bench_fail("guest_dma", "the device");
	map(container, RING_IOVA, ring, 4096);
	map(container, SRC_IOVA, src, BUF);
	map(container, DST_IOVA, dst, BUF);
	regs[PL_DMA_REG_RING_BASE / 8] = RING_IOVA;
	regs[PL_DMA_REG_RING_SIZE / 8] = RING;
	regs[PL_DMA_REG_CTRL / 8] = PL_DMA_CTRL_ENABLE;
	return 0;
}

static void submit(unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct pl_dma_desc *d = &ring[tail];

		*d = (struct pl_dma_desc){
			.op = PL_DMA_OP_COPY, .src = SRC_IOVA, .dst = DST_IOVA, .len = size
		};
		tail = (tail + 1) % RING;
	}
	regs[PL_DMA_REG_TAIL / 8] = tail;
	asm volatile("" ::: "memory"); /* the engine wrote the ring */
	if (ring[(tail + RING - 1) % RING].status != PL_DMA_DS_DONE) {
		fprintf(stderr, "guest_dma: the engine failed: error %llu\n",
			(unsigned long long)regs[PL_DMA_REG_ERROR / 8]);
		exit(1);
	}
}

static void op_dma(void *arg, long i)
{
	(void)arg, (void)i;
	submit(1);
}

static void op_dma15(void *arg, long i)
{
	(void)arg, (void)i;
	submit(RING - 1);
}

static void op_memcpy(void *arg, long i)
{
	(void)arg, (void)i;
	memcpy(dst, src, size);
	asm volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 4096, 65536, 1 << 20 };
	static const char *const names[] = { "4k", "64k", "1m" };
	long rounds;
	bool dma;

	bench_usage_max(argc, argv, 1, "[ROUNDS]");
	rounds = bench_arg(argc, argv, 1, "ROUNDS", 200, 1000000);
	src = mmap(NULL, BUF, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		   -1, 0);
	dst = mmap(NULL, BUF, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		   -1, 0);
	if (src == MAP_FAILED || dst == MAP_FAILED)
		bench_fail(argv[0], "mmap");
	memset(src, 0x5a, BUF);
	dma = setup() == 0;
	for (int s = 0; s < 3; s++) {
		long n = sizes[s] >= (1 << 20) ? rounds / 4 + 1 : rounds;

		size = sizes[s];
		printf("memcpy_%s_ns %.0f\n", names[s],
		       bench_run(n, BENCH_BATCHES, op_memcpy, NULL));
		if (!dma)
			continue;
		printf("dma_%s_ns %.0f\n", names[s], bench_run(n, BENCH_BATCHES, op_dma, NULL));
		printf("dma15_%s_ns %.0f\n", names[s],
		       bench_run(n / 4 + 1, BENCH_BATCHES, op_dma15, NULL) / (RING - 1));
	}
	return 0;
}
