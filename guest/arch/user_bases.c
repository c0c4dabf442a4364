// SPDX-License-Identifier: MIT
/*
 * The user FS and GS bases of the running process, as Linux keeps them.
 *
 * Where CR4.FSGSBASE is on, user code changes both bases with wrfsbase and
 * wrgsbase without asking the kernel, so while a process runs the CPU
 * holds the true values: a context switch reads them back (the kernel
 * never changes GS itself, so in kernel mode the CPU's GS base is still
 * the user's) and loads the next process's. kvm_pvm keeps the GS base in
 * one more place: pvm_user_gs_return() (guest/arch/pvm/pvm.c).
 */
#include <kernel/arch.h>

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
