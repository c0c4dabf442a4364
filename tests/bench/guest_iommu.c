// SPDX-License-Identifier: MIT
/*
 * guest_iommu [N]: virtio-iommu requests from the guest (pagelab_iommu),
 * run by host_iommu, which declares endpoint 16 and reads the exits each
 * phase cost at the checkpoints between them. Prints, per request:
 *   map4k_ns    MAP or UNMAP of one 4 KiB mapping, one request a notification
 *   map2m_ns    the same for one 2 MiB mapping
 *   batch4k_ns  4 KiB MAPs and UNMAPs, PL_IOMMU_MANY_MAX a call, batched
 *   write_ns    the floor: a 1-byte write(2) to stderr (a syscall and one exit)
 * Sandbox only: natively the calls fail with ENOSYS (status 1).
 */
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <pagelab/guest.h>
#include <pagelab/mman.h>

#include "bench.h"

#define EP    16
#define M2    (2UL << 20)
#define BATCH 256

static long dom;
static off_t pa;
static struct pl_iommu_op_map many[BATCH];

static long iommu(long op, long a, long b, long c, long d, long e)
{
	return syscall(PL_SYS_IOMMU, op, a, b, c, d, e);
}

static void must(long r, const char *what)
{
	if (r < 0)
		bench_fail("guest_iommu", what);
}

/* Even i maps, odd i unmaps: each call one request. */
static void one_4k(void *arg, long i)
{
	(void)arg;
	if (i % 2 == 0)
		must(iommu(PL_IOMMU_OP_MAP, dom, 0x100000, pa, 4096, 3), "MAP 4 KiB");
	else
		must(iommu(PL_IOMMU_OP_UNMAP, dom, 0x100000, 4096, 0, 0), "UNMAP 4 KiB");
}

static void one_2m(void *arg, long i)
{
	(void)arg;
	if (i % 2 == 0)
		must(iommu(PL_IOMMU_OP_MAP, dom, 0x200000, pa, M2, 3), "MAP 2 MiB");
	else
		must(iommu(PL_IOMMU_OP_UNMAP, dom, 0x200000, M2, 0, 0), "UNMAP 2 MiB");
}

/* BATCH requests a call. */
static void batch_4k(void *arg, long i)
{
	(void)arg;
	must(iommu(i % 2 ? PL_IOMMU_OP_UNMAP_MANY : PL_IOMMU_OP_MAP_MANY, dom, (long)many, BATCH, 0,
		   0),
	     "MAP_MANY / UNMAP_MANY");
}

static void write_floor(void *arg, long i)
{
	(void)arg;
	(void)i;
	if (write(STDERR_FILENO, "", 1) != 1)
		bench_fail("guest_iommu", "write");
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, "N", 200, 100000);
	void *buf = mmap(NULL, M2, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON, NOFD, 0);
	double t;

	bench_usage_max(argc, argv, 1, "[N]");
	if (buf == MAP_FAILED || mem_offset(buf, NOFD, M2, &pa, NULL))
		bench_fail("guest_iommu", "a 2 MiB contiguous buffer");
	dom = iommu(PL_IOMMU_OP_DOMAIN_ALLOC, 0, 0, 0, 0, 0);
	must(dom, "DOMAIN_ALLOC");
	must(iommu(PL_IOMMU_OP_ATTACH, dom, EP, 0, 0, 0), "ATTACH");
	for (int i = 0; i < BATCH; i++)
		many[i] = (struct pl_iommu_op_map){ 0x40000000 + i * 4096UL, pa, 4096, 3, 0 };
	pagelab_checkpoint(1, 0);
	t = bench_run(2 * n, BENCH_BATCHES, one_4k, NULL);
	pagelab_checkpoint(2, (uint64_t)(2 * n));
	printf("map4k_ns %.0f\n", t);
	t = bench_run(2 * n, BENCH_BATCHES, one_2m, NULL);
	pagelab_checkpoint(3, (uint64_t)(2 * n));
	printf("map2m_ns %.0f\n", t);
	t = bench_run(2 * (n / 10 + 1), 2, batch_4k, NULL);
	pagelab_checkpoint(4, (uint64_t)(2 * (n / 10 + 1) * BATCH));
	printf("batch4k_ns %.0f\n", t / BATCH);
	printf("write_ns %.0f\n", bench_run(n, BENCH_BATCHES, write_floor, NULL));
	/* For the host's fault benchmark: one page mapped, the rest faults. */
	must(iommu(PL_IOMMU_OP_MAP, dom, 0x100000, pa, 4096, 3), "MAP for the DMA");
	pagelab_checkpoint(5, 0);
	return 0;
}
