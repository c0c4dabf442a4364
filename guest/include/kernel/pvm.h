/* SPDX-License-Identifier: MIT */
/*
 * kvm_pvm: everything the kernel does differently on a kvm_pvm host
 * (guest/arch/pvm/; docs/kvm-pvm.md says why). On VMX/SVM hardware none of
 * it runs: pvm_detect() is false, every other function here returns at
 * once, and a reader there can skip guest/arch/pvm/ entirely.
 *
 * The remaining traces on the common path are arch.h's interrupt flag
 * (a byte in the PV page instead of RFLAGS.IF) and the few lines of
 * entry.S that test arch_mode or entry_isolate.
 */
#ifndef KERNEL_PVM_H
#define KERNEL_PVM_H

#include <kernel/arch.h>

/* ---- detection and the opt-in (pvm.c) ---- */

/* Only a KVM host can be kvm_pvm, and only kvm_pvm has its MSR. */
bool pvm_detect(void);
/* Ring 0 runs natively from the next instruction on. */
void pvm_enable(void);
/* The PV page the opt-in registers: byte 0 is the virtual interrupt flag (entry.S). */
extern u8 pvm_page[4096];

/* ---- returning to user mode (pvm.c) ---- */

/* iretq cannot drop to user mode here: set up a sysretq return. False: the user stack is unusable. */
bool pvm_prepare_user_return(struct trap_frame *f);
/* An interrupt in the last instruction before sysretq: make f the user frame it is. */
bool pvm_fixup_sysret_window(struct trap_frame *f);
/* An interrupt just before the idle hlt: step over the hlt. */
void pvm_fixup_idle(struct trap_frame *f);
/* Last before each return to user mode: the user's GS base into MSR_KERNEL_GS_BASE. */
void pvm_user_gs_return(void);

/* ---- kernel isolation, bootargs "isolate" (isolate.c) ---- */

/*
 * Before the first process: the user PML4 of every root made from now on
 * maps only the user half and the entry area. No-op on VMX/SVM, where
 * kernel pages are supervisor-only already.
 */
void arch_isolate_init(void);
/* An upper-half entry of a user PML4, from the kernel PML4's entry there. */
u64 arch_user_pml4e(int index, u64 kernel_entry);
/* Set once isolation is on; entry.S tests it to load the kernel's CR3. */
extern u8 entry_isolate;

#endif
