// SPDX-License-Identifier: MIT
/*
 * selftest=dma: the kernel's own use of the DMA engine. Two frames, the
 * second filled with a pattern, copied into the first through the IOMMU
 * (an identity-mapped domain of the kernel's) and checked with the CPU.
 */
#include <kernel/console.h>
#include <kernel/dma_engine.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/selftest.h>
#include <kernel/string.h>

void selftest_dma(void)
{
	u64 pfn = frame_alloc_pages(4, 0);
	u8 *dst, *src;
	int err;

	if (pfn == FRAME_NONE)
		panic("selftest dma: no memory");
	dst = phys_to_virt(pfn << PAGE_SHIFT);
	src = dst + 2 * PAGE_SIZE;
	for (u64 i = 0; i < 2 * PAGE_SIZE; i++) {
		src[i] = (u8)(i * 13 + 1);
		dst[i] = 0;
	}
	/* 5000 bytes from an unaligned start: three pages on each side */
	err = dma_engine_copy_phys((pfn << PAGE_SHIFT) + 7, ((pfn + 2) << PAGE_SHIFT) + 3, 5000);
	if (err)
		panic("selftest dma: the copy failed: error %d", -err);
	for (u64 i = 0; i < 5000; i++)
		if (dst[7 + i] != src[3 + i])
			panic("selftest dma: byte %lu differs", (unsigned long)i);
	if (dst[6] || dst[7 + 5000])
		panic("selftest dma: bytes outside the copy changed");
	printk("selftest dma: 5000 bytes copied by the engine through the IOMMU\n");
	kernel_exit(0);
}
