// SPDX-License-Identifier: MIT
/*
 * The kvm_pvm backend (see docs/kvm-pvm.md). On these hosts an ordinary
 * ring-0 kernel runs in KVM's instruction emulator (~0.5 us/instruction)
 * and cannot even return to user mode; one wrmsr opts it in to native
 * execution. What then differs from bare x86 is small and lives here and in
 * the few lines of entry.S that test arch_mode:
 *   - every page the kernel touches needs U=1 (arch_kernel_pte_bits);
 *   - the interrupt flag is byte 0 of the PV page, not RFLAGS.IF;
 *   - iretq cannot drop to user mode, so returns use sysretq
 *     (pvm_prepare_user_return).
 */
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/debug.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/pvm.h>
#include <kernel/uaccess.h>

#define MSR_PVM_ENABLE	   0x4b564d10
#define MSR_PVM_SIGNATURE  0x4b564d11
#define PVM_SIGNATURE	   0x4d5650 /* "PVM" */
#define MSR_KERNEL_GS_BASE 0xc0000102

static bool cpuid_is_kvm(void)
{
	u32 a, b, c, d;

	cpuid(0x40000000, 0, &a, &b, &c, &d);
	return b == 0x4b4d564b && c == 0x564b4d56 && d == 0x4d; /* "KVMKVMKVM\0\0\0" */
}

/* Only a KVM host can be kvm_pvm, and only kvm_pvm has this MSR (#GP elsewhere). */
bool pvm_detect(void)
{
	u64 sig;

	if (!cpuid_is_kvm())
		return false;
	arch_trap_count++;
	return rdmsr_safe(MSR_PVM_SIGNATURE, &sig) == 0 && sig == PVM_SIGNATURE;
}

/*
 * Bit 0: user mode runs on the PML4 at CR3 + 4 KiB (the Linux KPTI layout;
 * pagelab's roots are such pairs, the second a mirror of the first). Bit 1:
 * undocumented; with bit 0 it makes syscalls ~30% and page faults ~40%
 * cheaper here (measured), and nothing else we use changes. See the doc.
 */
#define PVM_FLAGS 0x3

/* From the next instruction on, ring 0 runs natively. */
void pvm_enable(void)
{
	wrmsr(MSR_PVM_ENABLE, kernel_virt_to_phys(pvm_page) | PVM_FLAGS);
}

/*
 * iretq to CPL3 leaves the vCPU in kernel mode on kvm_pvm, so every return
 * to user mode is a sysretq. To restore %rcx and %r11 as well, they and
 * %rip go on the user stack below the 128-byte red zone and sysretq lands
 * on user_trampoline, which pops them. Returns false if the user stack
 * cannot take the three words (the caller kills the process).
 */
extern char user_step_trampoline[], _usertext_start[];

/* TF set: the user-mode iretq of user_step_trampoline (entry.S) returns. */
static bool prepare_step_return(struct trap_frame *f)
{
	u64 words[7] = { f->r11, f->rcx, f->rip, f->cs, f->rflags, f->rsp, f->ss };
	u64 sp = f->rsp - 128 - sizeof(words);

	if (sp >= USER_TOP || copy_to_user(sp, words, sizeof(words)) != 0)
		return false;
	f->rsp = sp;
	f->rip = f->rcx = USER_TRAMPOLINE_VA + (u64)(user_step_trampoline - _usertext_start);
	f->rflags &= ~RFLAGS_TF;
	f->r11 = f->rflags;
	return true;
}

bool pvm_prepare_user_return(struct trap_frame *f)
{
	u64 words[3] = { f->r11, f->rcx, f->rip };
	u64 sp = f->rsp - 128 - sizeof(words);

	if (f->rflags & RFLAGS_TF)
		return prepare_step_return(f);
	if (f->rcx == f->rip && f->r11 == f->rflags && f->rip < USER_TOP)
		return true;
	if (sp >= USER_TOP || copy_to_user(sp, words, sizeof(words)) != 0)
		return false;
	f->rsp = sp;
	f->rip = f->rcx = USER_TRAMPOLINE_VA;
	f->r11 = f->rflags;
	return true;
}

extern char pvm_sysret_insn[];

/*
 * The last instruction before sysretq turns interrupts on, so an interrupt
 * may arrive with every user register already restored and %rsp on the
 * user stack. Such a frame is rewritten into the user-mode frame it
 * effectively is; the caller then returns to user mode normally (but must
 * not switch processes: it runs on the IST stack).
 */
bool pvm_fixup_sysret_window(struct trap_frame *f)
{
	if (arch_mode != ARCH_KVM_PVM || (f->cs & 3) || f->rip != (u64)pvm_sysret_insn)
		return false;
	f->rip = f->rcx;
	f->rflags = f->r11;
	f->cs = PL_SEL_UCODE;
	f->ss = PL_SEL_UDATA;
	return true;
}

extern char pvm_idle_hlt[];

/* An interrupt that arrived between setting the flag byte and the idle hlt. */
void pvm_fixup_idle(struct trap_frame *f)
{
	if (arch_mode == ARCH_KVM_PVM && f->rip == (u64)pvm_idle_hlt)
		f->rip++; /* hlt is one byte: do not sleep through the wakeup */
}

/* Called by entry.S instead of an iretq that would not leave ring 0. */
__noreturn void pvm_iret_to_user(const struct trap_frame *f)
{
	panic_exception(f, "BUG: return to user mode without sysretq on kvm_pvm");
}

/*
 * The user GS base (guest/arch/user_bases.c keeps the rest). kvm_pvm adds
 * a twist (measured, see docs/kvm-pvm.md): every return to user mode swaps the GS base with MSR_KERNEL_GS_BASE, as if the kernel had
 * run swapgs before sysretq, and entries swap nothing. So before each
 * return the MSR must hold the value user mode is to keep. Writing it is
 * a trapped wrmsr (~25 us), so it happens only when that value changed:
 * for most processes never.
 */
static u64 pvm_kernel_gs; /* what MSR_KERNEL_GS_BASE holds (the host starts it at 0) */

void pvm_user_gs_return(void)
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
