// SPDX-License-Identifier: MIT
/*
 * The kernel's page tables, built once at boot with the largest pages the
 * CPU offers: 1 GiB (or 2 MiB) pages for the direct map of all RAM, 2 MiB
 * pages for the kernel image. Hundreds of stores, no per-4 KiB loop, and
 * one CR3 load (each privileged instruction traps on kvm_pvm).
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/panic.h>
#include <kernel/string.h>

#define GIB  (1ULL << 30)
#define MIB2 (1ULL << 21)

u64 kernel_pml4_pa;

/* During boot only the first GiB is mapped (at PL_KERNEL_VBASE). */
static u64 *boot_table(u64 pa)
{
	BUG_ON(pa >= PL_BOOT_MAP_SIZE);
	return (u64 *)(PL_KERNEL_VBASE + pa);
}

static void map_direct(u64 *pml4, u64 (*alloc_page)(void), u64 bits)
{
	u64 pdpt_pa = alloc_page();
	u64 *pdpt = boot_table(pdpt_pa);
	u64 top = ALIGN_UP(boot_info.max_phys, GIB);

	if (top > 512 * GIB)
		panic("more than 512 GiB of guest RAM is not supported");
	pml4[PML4_INDEX(PL_DIRECT_MAP_BASE)] = pdpt_pa | PTE_P | PTE_W | bits;
	for (u64 gb = 0; gb < top / GIB; gb++) {
		if (arch_has_1g_pages) {
			pdpt[gb] = gb * GIB | PTE_P | PTE_W | PTE_PS | PTE_NX | bits;
			continue;
		}
		u64 pd_pa = alloc_page();
		u64 *pd = boot_table(pd_pa);

		pdpt[gb] = pd_pa | PTE_P | PTE_W | bits;
		for (int i = 0; i < 512; i++)
			pd[i] = (gb * GIB + i * MIB2) | PTE_P | PTE_W | PTE_PS | PTE_NX | bits;
	}
}

/* The kernel image, its data and the boot-time structures live in the first GiB. */
static void map_kernel_image(u64 *pml4, u64 (*alloc_page)(void), u64 bits)
{
	u64 pdpt_pa = alloc_page(), pd_pa = alloc_page();
	u64 *pdpt = boot_table(pdpt_pa), *pd = boot_table(pd_pa);

	pml4[PML4_INDEX(PL_KERNEL_VBASE)] = pdpt_pa | PTE_P | PTE_W | bits;
	pdpt[PDPT_INDEX(PL_KERNEL_VBASE)] = pd_pa | PTE_P | PTE_W | bits;
	for (int i = 0; i < 512; i++)
		pd[i] = (i * MIB2) | PTE_P | PTE_W | PTE_PS | bits;
}

void paging_init(u64 (*alloc_page)(void))
{
	u64 bits = arch_kernel_pte_bits();
	u64 *pml4;

	kernel_pml4_pa = alloc_page();
	pml4 = boot_table(kernel_pml4_pa);
	map_direct(pml4, alloc_page, bits);
	map_kernel_image(pml4, alloc_page, bits);
	arch_switch_root(kernel_pml4_pa);
}

void *frame_to_virt(u64 pfn)
{
	return phys_to_virt(pfn << PAGE_SHIFT);
}

u64 virt_to_frame(const void *va)
{
	return virt_to_phys(va) >> PAGE_SHIFT;
}

/*
 * Device memory for drivers: the direct map reaches only RAM, so a
 * device's window gets 2 MiB uncached entries there on first use. The
 * tables are the kernel half every address space shares, and a
 * not-present entry becoming present needs no TLB flush.
 */
void *paging_map_device(u64 pa, u64 size)
{
	u64 *pml4 = phys_to_virt(kernel_pml4_pa);
	u64 bits = arch_kernel_pte_bits() | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_NX;
	u64 pml4e = pml4[PML4_INDEX(PL_DIRECT_MAP_BASE)];
	u64 *pdpt = phys_to_virt(pml4e & PTE_ADDR);

	if (!size || pa + size < pa || pa + size > 512 * GIB || !(pml4e & PTE_P))
		return NULL;
	for (u64 a = ALIGN_DOWN(pa, MIB2); a < pa + size; a += MIB2) {
		u64 *pdpte = &pdpt[a / GIB];
		u64 *pd;

		if (*pdpte & PTE_P && *pdpte & PTE_PS)
			continue; /* inside a 1 GiB page already */
		if (!(*pdpte & PTE_P)) {
			u64 pfn = frame_alloc(0);

			if (pfn == FRAME_NONE)
				return NULL;
			zero_new_frames(pfn, 1);
			*pdpte = pfn << PAGE_SHIFT | PTE_P | PTE_W | arch_kernel_pte_bits();
		}
		pd = phys_to_virt(*pdpte & PTE_ADDR);
		if (!(pd[(a % GIB) / MIB2] & PTE_P))
			pd[(a % GIB) / MIB2] = a | bits | PTE_PS;
	}
	return phys_to_virt(pa);
}
