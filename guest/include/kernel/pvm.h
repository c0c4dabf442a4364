/* SPDX-License-Identifier: MIT */
/* kvm_pvm specifics used outside guest/arch (see guest/arch/pvm.c). */
#ifndef KERNEL_PVM_H
#define KERNEL_PVM_H

#include <kernel/arch.h>

bool pvm_prepare_user_return(struct trap_frame *f);
bool pvm_fixup_sysret_window(struct trap_frame *f);
void pvm_fixup_idle(struct trap_frame *f);

#endif
