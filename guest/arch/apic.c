// SPDX-License-Identifier: MIT
/*
 * The local APIC, in the mode the CPU offers. KVM offers x2APIC (its
 * registers are MSRs, nothing to map); QEMU's TCG up to 8.0 does not,
 * so there the registers are the xAPIC's page at the APIC base, mapped
 * uncached into the direct map once. Register names are the x2APIC MSRs;
 * the xAPIC offset is (msr - 0x800) << 4 (SDM vol. 3, 11.12.1.2).
 */
#include <kernel/arch.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/timer.h>

#define MSR_APIC_BASE	 0x1b
#define APIC_BASE_ENABLE (1ULL << 11)
#define APIC_BASE_X2APIC (1ULL << 10)
#define APIC_BASE_ADDR	 0xfffff000ULL
#define CPUID1_X2APIC	 (1U << 21)
#define X2APIC_MSR_BASE	 0x800
#define GIB		 (1ULL << 30)
#define MIB2		 (1ULL << 21)

static volatile u32 *xapic_regs; /* NULL: x2APIC */
static u64 xapic_pd[512] __aligned(4096);

/*
 * The direct map covers RAM only; the APIC page sits below 4 GiB in the
 * MMIO hole. One 2 MiB leaf, uncached, in a table of its own if that GiB
 * has none (every address space shares the direct map's PDPT).
 */
static volatile u32 *xapic_map(u64 base)
{
	u64 *pml4 = phys_to_virt(kernel_pml4_pa);
	u64 *pdpt = phys_to_virt(pml4[PML4_INDEX(PL_DIRECT_MAP_BASE)] & PTE_ADDR);
	u64 leaf = ALIGN_DOWN(base, MIB2) | PTE_P | PTE_W | PTE_PS | PTE_PCD | PTE_PWT | PTE_NX |
		   arch_kernel_pte_bits();
	u64 *e = &pdpt[base / GIB];

	if (!(*e & PTE_P)) {
		xapic_pd[PD_INDEX(base)] = leaf;
		*e = kernel_virt_to_phys(xapic_pd) | PTE_P | PTE_W | arch_kernel_pte_bits();
	} else if (!(*e & PTE_PS)) {
		u64 *pd = phys_to_virt(*e & PTE_ADDR);

		if (!(pd[PD_INDEX(base)] & PTE_P))
			pd[PD_INDEX(base)] = leaf;
	}
	write_cr3(read_cr3());
	return phys_to_virt(base);
}

void apic_enable(void)
{
	u32 a, b, c, d;
	u64 base = rdmsr(MSR_APIC_BASE);

	cpuid(1, 0, &a, &b, &c, &d);
	if (c & CPUID1_X2APIC) {
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
		return;
	}
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	xapic_regs = xapic_map(base & APIC_BASE_ADDR);
}

void apic_write(u32 x2apic_msr, u32 value)
{
	if (xapic_regs)
		xapic_regs[((x2apic_msr - X2APIC_MSR_BASE) << 4) / 4] = value;
	else
		wrmsr(x2apic_msr, value);
}
