// SPDX-License-Identifier: MIT
/*
 * Choosing the execution mode and the CPU features the kernel relies on.
 */
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/mm.h>

#define CR4_FSGSBASE (1UL << 16)
#define PTE_USER 0x4

enum arch_mode arch_mode;
u64 arch_trap_count;
bool arch_has_fsgsbase;
bool arch_has_1g_pages;
volatile u8 *pvm_vif;
static u32 hwcap;

extern u8 pvm_page[4096];
bool pvm_detect(void);
void pvm_enable(void);

/*
 * Runs first, still emulated on kvm_pvm: as few instructions as possible
 * before the opt-in.
 */
void arch_early_init(void)
{
	cpu_early_idt();
	if (pvm_detect()) {
		pvm_enable();
		arch_mode = ARCH_KVM_PVM;
		pvm_vif = pvm_page;
	}
}

void arch_cpu_init(void)
{
	u32 a, b, c, d;

	cpu_init();
	/* The host sets CR4.FSGSBASE where it can (kvm_pvm allows it although
	 * CPUID does not advertise it), so trust CR4 rather than CPUID. */
	arch_has_fsgsbase = read_cr4() & CR4_FSGSBASE;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	/*
	 * kvm_pvm advertises 1 GiB pages but its shadow MMU faults on them with
	 * the reserved-bit error (measured): use 2 MiB pages there.
	 */
	arch_has_1g_pages = (d & (1U << 26)) && arch_mode != ARCH_KVM_PVM;
	cpuid(1, 0, &a, &b, &c, &d);
	hwcap = d;
}

u64 cpu_hwcap(void)
{
	return hwcap;
}

void fpu_init_state(u8 *area)
{
	for (int i = 0; i < 512; i++)
		area[i] = 0;
	area[0] = 0x7f; /* FCW 0x037f: all x87 exceptions masked */
	area[1] = 0x03;
	*(u32 *)(area + 24) = 0x1f80; /* MXCSR: all SSE exceptions masked */
}

u64 arch_kernel_pte_bits(void)
{
	return arch_mode == ARCH_KVM_PVM ? PTE_USER : 0;
}

void arch_wait_for_interrupt(void)
{
	if (arch_mode == ARCH_KVM_PVM) {
		/* sti traps and does nothing here; the PV page's byte is the flag. */
		*pvm_vif = 1;
		asm volatile("hlt" ::: "memory");
		*pvm_vif = 0;
		return;
	}
	asm volatile("sti; hlt; cli" ::: "memory");
}

__noreturn void arch_halt(void)
{
	for (;;) {
		irq_disable();
		asm volatile("hlt");
	}
}
