/* SPDX-License-Identifier: MIT */
/*
 * Device interrupts: an MSI to the guest's local APIC, through the
 * in-kernel (split) irqchip with KVM_SIGNAL_MSI. For every device model
 * (virtio-iommu, the DMA engine, ...): callable from a device callback
 * during an exit and between steps.
 */
#ifndef PL_HOSTLIB_MSI_H
#define PL_HOSTLIB_MSI_H

#include <stdint.h>

struct pl_sandbox;

/*
 * Raises vector (PL_MSI_VEC_DEVICE_FIRST..LAST, abi.h) on the boot CPU,
 * fixed delivery, edge. 0 when KVM took it (1: delivered, 0: the guest
 * blocked it, as KVM reports both), or -errno; the sandbox's "msi"
 * accounting is the caller's.
 */
int pl_msi_raise(struct pl_sandbox *sb, uint32_t vector);

#endif
