// SPDX-License-Identifier: MIT
/* What this host's KVM offers, for `pagelab info` and for bug reports. */
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <pagelab/hostlib.h>

#include "kvmvm.h"

struct cap_desc {
	const char *name;
	int cap;
	const char *use;
};

#define CAP(c, u)        \
	{                \
#c, c, u \
	}

static const struct cap_desc caps_wanted[] = {
	CAP(KVM_CAP_USER_MEMORY, "guest RAM slots (required)"),
	CAP(KVM_CAP_READONLY_MEM, "the BIOS ROM as a read-only slot"),
	CAP(KVM_CAP_SPLIT_IRQCHIP, "in-kernel LAPIC alone (fast VM teardown)"),
	CAP(KVM_CAP_IRQCHIP, "in-kernel LAPIC timer (fallback)"),
	CAP(KVM_CAP_EXT_CPUID, "KVM_GET_SUPPORTED_CPUID (required)"),
	CAP(KVM_CAP_GET_TSC_KHZ, "TSC frequency for the guest's clock"),
	CAP(KVM_CAP_TSC_DEADLINE_TIMER, "TSC-deadline timer"),
	CAP(KVM_CAP_IMMEDIATE_EXIT, "race-free --timeout"),
	CAP(KVM_CAP_SIGNAL_MSI, "interrupts from host device threads"),
	CAP(KVM_CAP_IOEVENTFD, "doorbells without a user-space exit"),
	CAP(KVM_CAP_SET_TSS_ADDR, "VMX real-mode helper area"),
	CAP(KVM_CAP_NR_VCPUS, "recommended vCPUs"),
	CAP(KVM_CAP_MAX_VCPUS, "maximum vCPUs"),
	CAP(KVM_CAP_NR_MEMSLOTS, "memory slots"),
	CAP(KVM_CAP_SYNC_MMU, "host memory changes reach the guest"),
};

static const char *kvm_module(void)
{
	static const char *const mods[] = { "kvm_pvm", "kvm_intel", "kvm_amd" };
	char path[64];

	for (unsigned i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		snprintf(path, sizeof(path), "/sys/module/%s", mods[i]);
		if (access(path, F_OK) == 0)
			return mods[i];
	}
	return "unknown";
}

int pl_kvm_caps(struct pl_kvm_cap *caps, size_t max, const char **module)
{
	int fd = pl_kvm_open_dev();
	size_t n = 0;

	if (fd < 0)
		return -1;
	for (size_t i = 0; i < sizeof(caps_wanted) / sizeof(caps_wanted[0]) && n < max; i++) {
		const struct cap_desc *d = &caps_wanted[i];
		int v = ioctl(fd, KVM_CHECK_EXTENSION, d->cap);

		caps[n++] =
		    (struct pl_kvm_cap){ .name = d->name, .value = v < 0 ? 0 : v, .use = d->use };
	}
	close(fd);
	if (module)
		*module = kvm_module();
	return (int)n;
}
