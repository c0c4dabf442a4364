// SPDX-License-Identifier: MIT
/*
 * Choosing the execution mode and the CPU features the kernel relies on.
 */
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/mm.h>
#include <kernel/pvm.h>

#define CR4_FSGSBASE (1UL << 16)
#define PTE_USER     0x4

enum arch_mode arch_mode;
u64 arch_trap_count;
bool arch_has_fsgsbase;
bool arch_has_1g_pages;
volatile u8 *pvm_vif;
static u32 hwcap;

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

u64 arch_root;
extern u64 entry_kernel_cr3;

/* Every kernel entry loads entry_kernel_cr3 when isolating (entry.S). */
void arch_switch_root(u64 pml4_pa)
{
	arch_root = pml4_pa;
	entry_kernel_cr3 = pml4_pa;
	write_cr3(pml4_pa);
}

u64 arch_kernel_pte_bits(void)
{
	return arch_mode == ARCH_KVM_PVM ? PTE_USER : 0;
}

/*
 * On kvm_pvm the interrupt flag is a byte, so "enable, then hlt" is not
 * atomic as sti;hlt is: an interrupt taken just before the hlt would leave
 * it sleeping with interrupts off for good. pvm_fixup_idle() moves such an
 * interrupt's return address past the hlt (the label marks it).
 */
__attribute__((noinline)) void arch_wait_for_interrupt(void)
{
	if (arch_mode == ARCH_KVM_PVM) {
		/*
		 * With the user-PML4 flag, kvm_pvm keeps running the kernel on the
		 * user table after a syscall and a hlt there never wakes up
		 * (measured); a CR3 load first puts it back in kernel state.
		 */
		write_cr3(arch_root);
		asm volatile("movb $1, (%0)\n\t"
			     ".globl pvm_idle_hlt\n"
			     "pvm_idle_hlt:\n\t"
			     "hlt"
			     :
			     : "r"(pvm_vif)
			     : "memory");
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
