/* SPDX-License-Identifier: MIT */
/* The KVM objects of a sandbox: system fd, VM, one vCPU and its run page. */
#ifndef PL_HOSTLIB_KVMVM_H
#define PL_HOSTLIB_KVMVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guestmem.h"

struct kvm_run;

struct pl_kvm {
	int sys;
	int vm;
	int vcpu;
	struct kvm_run *run;
	size_t run_size;
	bool readonly_rom;  /* the ROM is a KVM_MEM_READONLY slot */
	bool split_irqchip; /* LAPIC in the kernel, no PIC/IOAPIC */
	bool guest_pat;	    /* KVM honours the guest's PAT/PCD (quirk turned off) */
};

void pl_kvm_init(struct pl_kvm *k);
/* /dev/kvm with a message that says what to do; fd or -1 (PL_ERR_NOKVM). */
int pl_kvm_open_dev(void);
/* VM, memory slots, in-kernel LAPIC, vCPU 0 with the host's CPUID. */
int pl_kvm_setup(struct pl_kvm *k, const struct pl_guestmem *m);
/* The guest TSC frequency, or 0 when KVM does not say. */
uint32_t pl_kvm_tsc_khz(const struct pl_kvm *k);
/* Closes /dev/kvm alone: the VM and the vCPU live on without it. */
void pl_kvm_close_dev(struct pl_kvm *k);
void pl_kvm_close(struct pl_kvm *k);
/* KVM lets a VM turn off KVM_X86_QUIRK_IGNORE_GUEST_PAT (vm: a VM's fd). */
bool pl_kvm_pat_quirk_offered(int vm);

#endif
