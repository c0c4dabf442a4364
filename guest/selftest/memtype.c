// SPDX-License-Identifier: MIT
/*
 * selftest=memtype: does the hardware honour the memory types in this
 * guest's page tables? KVM ignores guest PAT/PCD unless the VMM turns off
 * KVM_X86_QUIRK_IGNORE_GUEST_PAT (or non-coherent DMA is attached), and
 * kvm_pvm does not offer that, so the only honest answer is a measurement.
 *
 * Two halves of one 2 MiB block are read, the first through the direct map
 * (write-back), the second through an alias whose 2 MiB leaf has PCD|PWT:
 * PAT entry 3, uncached (UC) with the reset PAT this kernel keeps. The
 * picoseconds per 8-byte load of each go to the host as events
 * (PL_EVENT_PROBE_CACHED_PS, PL_EVENT_PROBE_UNCACHED_PS); where types are
 * honoured the uncached loads are one to two orders of magnitude slower.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/paging.h>
#include <kernel/selftest.h>

#define BLOCK	     (2ULL << 20)
#define HALF	     (BLOCK / 2)
#define PROBE_LINES  4096 /* 64-byte lines per pass: 256 KiB */
#define PROBE_PASSES 8

/* The kernel image's page directory: 2 MiB leaves mapping the first GiB. */
static u64 *kernel_image_pd(void)
{
	u64 *pml4 = phys_to_virt(kernel_pml4_pa);
	u64 *pdpt = phys_to_virt(pml4[PML4_INDEX(PL_KERNEL_VBASE)] & PTE_ADDR);

	return phys_to_virt(pdpt[PDPT_INDEX(PL_KERNEL_VBASE)] & PTE_ADDR);
}

/* Picoseconds per load over [p, p + PROBE_LINES * 64), after one warming pass. */
static u64 time_loads(const volatile u64 *p)
{
	u64 sum = 0, t0, cycles;

	for (int i = 0; i < PROBE_LINES; i++)
		sum += p[i * 8];
	t0 = rdtsc();
	for (int pass = 0; pass < PROBE_PASSES; pass++)
		for (int i = 0; i < PROBE_LINES; i++)
			sum += p[i * 8];
	cycles = rdtsc() - t0;
	asm volatile("" : : "r"(sum));
	return cycles * 1000000000ULL / boot_info.tsc_khz / (PROBE_LINES * PROBE_PASSES);
}

void selftest_memtype(void)
{
	u64 pfn = frame_alloc_pages(BLOCK / PAGE_SIZE, 0), pa = pfn << PAGE_SHIFT;
	u64 *pd = kernel_image_pd(), *leaf, saved, cached, uncached;

	if (!boot_info.tsc_khz)
		panic("selftest memtype: the host gave no TSC frequency");
	if (!pfn || pa % BLOCK || pa + BLOCK > PL_BOOT_MAP_SIZE)
		panic("selftest memtype: no 2 MiB block below 1 GiB");
	leaf = &pd[PD_INDEX(PL_KERNEL_VBASE + pa)];
	saved = *leaf;
	*leaf = saved | PTE_PCD | PTE_PWT | PTE_NX;
	invlpg(PL_KERNEL_VBASE + pa + HALF);
	cached = time_loads(phys_to_virt(pa));
	uncached = time_loads((const volatile u64 *)(PL_KERNEL_VBASE + pa + HALF));
	*leaf = saved;
	invlpg(PL_KERNEL_VBASE + pa + HALF);
	frame_free_pages(pfn, BLOCK / PAGE_SIZE);
	printk("memtype: %lu ps per cached load, %lu ps per uncached (PCD|PWT) load\n",
	       (unsigned long)cached, (unsigned long)uncached);
	hypercall(PL_HC_EVENT, PL_EVENT_PROBE_CACHED_PS, cached, 0, 0);
	hypercall(PL_HC_EVENT, PL_EVENT_PROBE_UNCACHED_PS, uncached, 0, 0);
	kernel_exit(0);
}
