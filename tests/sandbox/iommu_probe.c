// SPDX-License-Identifier: MIT
/*
 * Drives the virtio-iommu from a program (pagelab_iommu, abi.h) for
 * tests/integration/test_iommu.c: the host declared endpoint 16 and looks
 * at each checkpoint. Checkpoint 1: domain D maps IOVA 0x100000 (8 KiB,
 * read-write) and 0x200000 (4 KiB, read-only) to a contiguous buffer whose
 * physical address is the value; the host moves bytes and provokes two
 * faults. Then every spec status the guest can see, checked here;
 * checkpoint 2: all unmapped; checkpoint 3: detached.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <pagelab/guest.h>
#include <pagelab/mman.h>

#define EP 16
#define PG 4096

static int failures;

static long iommu(long op, long a, long b, long c, long d, long e)
{
	long r = syscall(PL_SYS_IOMMU, op, a, b, c, d, e);

	return r < 0 ? -errno : r;
}

static void expect(const char *what, long got, long want)
{
	if (got == want) {
		printf("ok - %s\n", what);
		return;
	}
	printf("not ok - %s: got %ld, want %ld\n", what, got, want);
	failures++;
}

static void statuses(long dom, off_t pa)
{
	struct pl_iommu_probe_info probe;

	expect("an overlapping MAP is EINVAL (S_INVAL)",
	       iommu(PL_IOMMU_OP_MAP, dom, 0x101000, pa, PG, 3), -EINVAL);
	expect("an unaligned MAP is ERANGE (S_RANGE)",
	       iommu(PL_IOMMU_OP_MAP, dom, 0x300800, pa, PG, 3), -ERANGE);
	expect("a MAP with the MMIO flag (not offered) is EINVAL",
	       iommu(PL_IOMMU_OP_MAP, dom, 0x400000, pa, PG, 4), -EINVAL);
	expect("a MAP into no domain is ENOENT", iommu(PL_IOMMU_OP_MAP, 999, 0x400000, pa, PG, 3),
	       -ENOENT);
	expect("an UNMAP that would split a mapping is EINVAL",
	       iommu(PL_IOMMU_OP_UNMAP, dom, 0x100000, PG, 0, 0), -EINVAL);
	expect("an UNMAP of nothing is 0", iommu(PL_IOMMU_OP_UNMAP, dom, 0x700000, PG, 0, 0), 0);
	expect("ATTACH of an unknown endpoint is ENOENT",
	       iommu(PL_IOMMU_OP_ATTACH, dom, 99, 0, 0, 0), -ENOENT);
	expect("ATTACH to a domain out of range is ERANGE",
	       iommu(PL_IOMMU_OP_ATTACH, 0x10000, EP, 0, 0, 0), -ERANGE);
	expect("DETACH from another domain is EINVAL",
	       iommu(PL_IOMMU_OP_DETACH, dom + 1, EP, 0, 0, 0), -EINVAL);
	expect("PROBE of the endpoint", iommu(PL_IOMMU_OP_PROBE, EP, (long)&probe, 0, 0, 0), 0);
	expect("PROBE reports the MSI window",
	       probe.msi_start == 0xfee00000 && probe.msi_end == 0xfeefffff, 1);
	expect("PROBE of an unknown endpoint is ENOENT",
	       iommu(PL_IOMMU_OP_PROBE, 99, (long)&probe, 0, 0, 0), -ENOENT);
}

/* The two faults of checkpoint 1, as the event queue delivered them. */
static void guest_faults(void)
{
	struct pl_iommu_guest_fault f[8];
	long n = iommu(PL_IOMMU_OP_FAULTS, (long)f, 8, 0, 0, 0);

	expect("two fault reports arrived", n, 2);
	if (n != 2)
		return;
	expect("the first: a write to the read-only IOVA",
	       f[0].endpoint == EP && f[0].iova == 0x200000 && f[0].reason == 2 &&
		   f[0].flags == (0x100 | 2),
	       1);
	expect("the second: a read of an unmapped IOVA",
	       f[1].endpoint == EP && f[1].iova == 0x201000 && f[1].reason == 2 &&
		   f[1].flags == (0x100 | 1),
	       1);
}

int main(void)
{
	char *buf = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PHYS | MAP_ANON, NOFD, 0);
	struct pl_iommu_info info;
	off_t pa;
	long dom;

	if (buf == MAP_FAILED || mem_offset(buf, NOFD, 2 * PG, &pa, NULL)) {
		perror("buffer");
		return 1;
	}
	expect("INFO", iommu(PL_IOMMU_OP_INFO, (long)&info, 0, 0, 0, 0), 0);
	expect("4 KiB pages", info.page_size_mask & 0x1fff, 0x1000);
	dom = iommu(PL_IOMMU_OP_DOMAIN_ALLOC, 0, 0, 0, 0, 0);
	expect("a domain in range", dom >= info.domain_start && dom <= info.domain_end, 1);
	expect("ATTACH", iommu(PL_IOMMU_OP_ATTACH, dom, EP, 0, 0, 0), 0);
	expect("MAP read-write", iommu(PL_IOMMU_OP_MAP, dom, 0x100000, pa, 2 * PG, 3), 0);
	expect("MAP read-only", iommu(PL_IOMMU_OP_MAP, dom, 0x200000, pa, PG, 1), 0);
	memset(buf, 0, 2 * PG);
	memcpy(buf, "from the guest", 15);
	pagelab_checkpoint(1, (uint64_t)pa);
	expect("the host's DMA write arrived", strcmp(buf + PG, "from the host") == 0, 1);
	/* The reports came with an MSI, taken on the way back to user mode. */
	iommu(PL_IOMMU_OP_INFO, (long)&info, 0, 0, 0, 0);
	expect("the event queue interrupted", info.interrupts > 0, 1);
	guest_faults();
	statuses(dom, pa);
	expect("UNMAP of both", iommu(PL_IOMMU_OP_UNMAP, dom, 0x100000, 0x101000, 0, 0), 0);
	pagelab_checkpoint(2, (uint64_t)dom);
	expect("DETACH", iommu(PL_IOMMU_OP_DETACH, dom, EP, 0, 0, 0), 0);
	pagelab_checkpoint(3, (uint64_t)dom);
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures != 0;
}
