// SPDX-License-Identifier: MIT
/*
 * The user FS and GS bases of the running process, as Linux keeps them.
 *
 * Where CR4.FSGSBASE is on, user code changes both bases with wrfsbase and
 * wrgsbase without asking the kernel, so while a process runs the CPU
 * holds the true values: a context switch reads them back (the kernel
 * never changes GS itself, so in kernel mode the CPU's GS base is still
 * the user's) and loads the next process's.
 *
 * kvm_pvm adds a twist (measured, see docs/kvm-pvm.md): every return to
 * user mode swaps the GS base with MSR_KERNEL_GS_BASE, as if the kernel had
 * run swapgs before sysretq, and entries swap nothing. So before each
 * return the MSR must hold the value user mode is to keep. Writing it is
 * a trapped wrmsr (~25 us), so it happens only when that value changed:
 * for most processes never.
 */
#include <kernel/arch.h>

#define MSR_KERNEL_GS_BASE 0xc0000102

/* kvm_pvm: what MSR_KERNEL_GS_BASE holds (the host starts it at 0). */
static u64 pvm_kernel_gs;

void arch_save_user_bases(u64 *fs, u64 *gs)
{
	/* Without FSGSBASE only arch_prctl changes them: the saved copy is true. */
	if (!arch_has_fsgsbase)
		return;
	asm volatile("rdfsbase %0" : "=r"(*fs));
	asm volatile("rdgsbase %0" : "=r"(*gs));
}

void arch_load_user_bases(u64 fs, u64 gs)
{
	arch_set_user_fs(fs);
	if (arch_has_fsgsbase)
		asm volatile("wrgsbase %0" : : "r"(gs));
	else
		wrmsr(MSR_GS_BASE, gs);
}

void arch_user_bases_return(void)
{
	u64 gs;

	if (arch_mode != ARCH_KVM_PVM || !arch_has_fsgsbase)
		return;
	asm volatile("rdgsbase %0" : "=r"(gs));
	if (gs != pvm_kernel_gs) {
		wrmsr(MSR_KERNEL_GS_BASE, gs);
		pvm_kernel_gs = gs;
	}
}
