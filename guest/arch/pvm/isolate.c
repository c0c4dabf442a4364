// SPDX-License-Identifier: MIT
/*
 * Kernel isolation on kvm_pvm (bootargs "isolate"; see docs/kvm-pvm.md).
 *
 * kvm_pvm needs U=1 on every kernel page, so with a full mirror as the user
 * PML4 (CR3 + 4 KiB, PV flag bit 0) a program can read and write the kernel.
 * With isolation the user PML4 maps the user half and, above it, only the
 * entry area: the pages the CPU and the entry code touch before the kernel's
 * CR3 is loaded (the .entry.* sections of kernel.ld), 4 KiB each, at their
 * kernel addresses, from one set of tables shared by every address space.
 * The host does not switch CR3 back on kernel entry, so every entry loads it
 * itself (entry.S), from entry_kernel_cr3.
 *
 * On VMX/SVM kernel pages are U=0 and user code cannot reach them:
 * "isolate" changes nothing there.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/cpu.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/panic.h>
#include <kernel/pvm.h>

/* Read by the entry code on the user tables: read-only for user mode. */
u64 entry_kernel_cr3 __section(".entry.ro");
u8 entry_isolate __section(".entry.ro");

/* The syscall entry's home for the user %rsp until CR3 is loaded. */
u64 entry_scratch __section(".entry.data");
/* TSS.rsp0 with isolation: user-mode exceptions land here, then move on. */
static u8 entry_stack[4096] __section(".entry.data") __aligned(16);

extern char _entry_text_start[], _entry_text_end[];
extern char _entry_ro_start[], _entry_ro_end[];
extern char _entry_data_start[], _entry_data_end[];

/* The entry area is a few pages; two 2 MiB regions cover any layout of it. */
#define ENTRY_PTS 2

static u64 entry_pdpt[512] __aligned(4096);
static u64 entry_pd[512] __aligned(4096);
static u64 entry_pt[ENTRY_PTS][512] __aligned(4096);
static int entry_pts_used;

#define TABLE_BITS (PTE_P | PTE_W | PTE_U)

static u64 *entry_pt_for(u64 va)
{
	u64 *pde = &entry_pd[PD_INDEX(va)];

	if (!(*pde & PTE_P)) {
		if (entry_pts_used == ENTRY_PTS)
			panic("isolate: the entry area spans more than %d page tables", ENTRY_PTS);
		*pde = kernel_virt_to_phys(entry_pt[entry_pts_used++]) | TABLE_BITS;
	}
	return phys_to_virt(*pde & PTE_ADDR);
}

/* A and D pre-set: the MMU would otherwise write them into shared tables. */
static void map_entry_pages(const char *start, const char *end, u64 bits)
{
	for (u64 va = (u64)start; va < (u64)end; va += PAGE_SIZE)
		entry_pt_for(va)[PT_INDEX(va)] =
		    kernel_virt_to_phys((void *)va) | PTE_P | PTE_U | PTE_A | bits;
}

static void build_entry_tables(void)
{
	u64 va = (u64)_entry_text_start;

	if (PML4_INDEX((u64)_entry_data_end - 1) != 511 || PML4_INDEX(va) != 511 ||
	    PDPT_INDEX((u64)_entry_data_end - 1) != PDPT_INDEX(va))
		panic("isolate: the entry area is not in the kernel image's 1 GiB");
	entry_pdpt[PDPT_INDEX(va)] = kernel_virt_to_phys(entry_pd) | TABLE_BITS;
	map_entry_pages(_entry_text_start, _entry_text_end, 0);
	map_entry_pages(_entry_ro_start, _entry_ro_end, PTE_NX);
	map_entry_pages(_entry_data_start, _entry_data_end, PTE_W | PTE_D | PTE_NX);
}

/* Before the first process: every root made from now on is isolated. */
void arch_isolate_init(void)
{
	if (arch_mode != ARCH_KVM_PVM) {
		pr_verbose("pagelab: isolate: kernel pages are supervisor-only here already\n");
		return;
	}
	build_entry_tables();
	entry_kernel_cr3 = arch_root;
	entry_isolate = 1;
	cpu_isolate_entry((u64)entry_stack + sizeof(entry_stack));
	pr_verbose("pagelab: isolate: user page tables map the user half and the entry area\n");
}

u64 arch_user_pml4e(int index, u64 kernel_entry)
{
	if (!entry_isolate)
		return kernel_entry;
	return index == 511 ? kernel_virt_to_phys(entry_pdpt) | TABLE_BITS : 0;
}
