/* SPDX-License-Identifier: MIT */
/* The KVM objects of a sandbox: system fd, VM, one vCPU and its run page. */
#ifndef PL_HOSTLIB_KVMVM_H
#define PL_HOSTLIB_KVMVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guestmem.h"

struct kvm_run;

#define PL_KSLOTS_MAX 32

/* A KVM memory slot: a guest-memory slot, or the part of one a trapped region left. */
struct pl_kslot {
	uint32_t id;
	uint32_t flags; /* KVM_MEM_* */
	uint64_t gpa, size;
	uint8_t *hva;
};

struct pl_kvm {
	int sys;
	int vm;
	int vcpu;
	struct kvm_run *run;
	size_t run_size;
	bool readonly_rom;  /* the ROM is a KVM_MEM_READONLY slot */
	bool split_irqchip; /* LAPIC in the kernel, no PIC/IOAPIC */
	struct pl_kslot kslot[PL_KSLOTS_MAX];
	unsigned nkslots;
	uint32_t next_id;
	bool guest_pat; /* KVM honours the guest's PAT/PCD (quirk turned off) */
};

void pl_kvm_init(struct pl_kvm *k);
/* /dev/kvm with a message that says what to do; fd or -1 (PL_ERR_NOKVM). */
int pl_kvm_open_dev(void);
/* VM, memory slots, in-kernel LAPIC, vCPU 0 with the host's CPUID. */
int pl_kvm_setup(struct pl_kvm *k, const struct pl_guestmem *m);
/*
 * Takes [gpa, gpa + size) out of KVM's memory slots, so that the guest's
 * accesses there exit as MMIO: the slot holding it is replaced by what
 * lies left and right of it. 0, or -1 with pl_error().
 */
int pl_kvm_unmap_range(struct pl_kvm *k, uint64_t gpa, uint64_t size);
/* Sets or clears flag (KVM_MEM_LOG_DIRTY_PAGES) on every writable slot: 0 or -errno. */
int pl_kvm_slots_flag(struct pl_kvm *k, uint32_t flag, bool on);
/* The guest TSC frequency, or 0 when KVM does not say. */
uint32_t pl_kvm_tsc_khz(const struct pl_kvm *k);
/* Closes /dev/kvm alone: the VM and the vCPU live on without it. */
void pl_kvm_close_dev(struct pl_kvm *k);
void pl_kvm_close(struct pl_kvm *k);
/* KVM lets a VM turn off KVM_X86_QUIRK_IGNORE_GUEST_PAT (vm: a VM's fd). */
bool pl_kvm_pat_quirk_offered(int vm);

#endif
