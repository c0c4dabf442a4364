// SPDX-License-Identifier: MIT
/*
 * An MSI is a 32-bit write of data to address 0xfee00000 | (APIC id << 12):
 * KVM_SIGNAL_MSI hands it to the in-kernel LAPIC, which the split irqchip
 * keeps, so no IOAPIC or routing table is needed.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include <linux/kvm.h>

#include <pagelab/abi.h>

#include "msi.h"
#include "sandbox.h"

#define MSI_ADDRESS_BASE 0xfee00000u /* destination APIC id 0, physical mode */

int pl_msi_raise(struct pl_sandbox *sb, uint32_t vector)
{
	struct kvm_msi msi;

	if (vector < PL_MSI_VEC_DEVICE_FIRST || vector > PL_MSI_VEC_DEVICE_LAST)
		return -EINVAL;
	if (sb->kvm.vm < 0)
		return -ENODEV;
	memset(&msi, 0, sizeof(msi));
	msi.address_lo = MSI_ADDRESS_BASE;
	msi.data = vector; /* fixed delivery, edge, assert */
	if (ioctl(sb->kvm.vm, KVM_SIGNAL_MSI, &msi) < 0)
		return -errno;
	return 0;
}
