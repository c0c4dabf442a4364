// SPDX-License-Identifier: MIT
/*
 * KVM plumbing, in the order the API wants it: the irqchip must exist
 * before the vCPU (the guest uses the in-kernel LAPIC timer), and the
 * CPUID must be set before the vCPU first runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "error.h"
#include "kvmvm.h"

/* Where VMX keeps its real-mode helpers: inside the reserved platform region. */
#define PL_KVM_TSS_ADDR 0xfffbd000ULL

void pl_kvm_init(struct pl_kvm *k)
{
	*k = (struct pl_kvm){ .sys = -1, .vm = -1, .vcpu = -1 };
}

int pl_kvm_open_dev(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		pl_set_error(PL_ERR_NOKVM, "/dev/kvm does not exist: this machine offers no KVM "
					   "(enable virtualization, or load kvm_intel/kvm_amd)");
	else if (errno == EACCES || errno == EPERM)
		pl_set_error(PL_ERR_NOKVM, "no permission to open /dev/kvm: add yourself to its "
					   "group (sudo usermod -aG kvm $USER, then log in again)");
	else
		pl_set_error(PL_ERR_NOKVM, "cannot open /dev/kvm: %s", strerror(errno));
	return -1;
}

static int kvm_fail(const char *what)
{
	pl_set_error(PL_ERR_HOST, "%s failed: %s", what, strerror(errno));
	return -1;
}

static int slot_set(struct pl_kvm *k, const struct pl_kslot *s, uint64_t size)
{
	struct kvm_userspace_memory_region r = {
		.slot = s->id,
		.flags = s->flags,
		.guest_phys_addr = s->gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)s->hva,
	};

	return ioctl(k->vm, KVM_SET_USER_MEMORY_REGION, &r);
}

static int set_slots(struct pl_kvm *k, const struct pl_guestmem *m)
{
	k->readonly_rom = ioctl(k->sys, KVM_CHECK_EXTENSION, KVM_CAP_READONLY_MEM) > 0;
	for (unsigned i = 0; i < m->nslots; i++) {
		const struct pl_slot *s = &m->slot[i];
		struct pl_kslot *ks = &k->kslot[k->nkslots];

		*ks = (struct pl_kslot){
			.id = k->next_id, .gpa = s->gpa, .size = s->size, .hva = s->hva
		};
		/* Without read-only slots the ROM device serves reads as MMIO. */
		if (s->flags & PL_SLOT_READONLY) {
			if (!k->readonly_rom)
				continue;
			ks->flags = KVM_MEM_READONLY;
		}
		if (slot_set(k, ks, ks->size) < 0)
			return kvm_fail("KVM_SET_USER_MEMORY_REGION");
		k->nkslots++;
		k->next_id++;
	}
	return 0;
}

int pl_kvm_unmap_range(struct pl_kvm *k, uint64_t gpa, uint64_t size)
{
	for (unsigned i = 0; i < k->nkslots; i++) {
		struct pl_kslot *s = &k->kslot[i], right;

		if (gpa < s->gpa || gpa + size > s->gpa + s->size)
			continue;
		if (k->nkslots == PL_KSLOTS_MAX) {
			pl_set_error(PL_ERR_CONFIG, "too many trapped regions in guest memory");
			return -1;
		}
		right = (struct pl_kslot){ .id = k->next_id,
					   .flags = s->flags,
					   .gpa = gpa + size,
					   .size = s->gpa + s->size - (gpa + size),
					   .hva = s->hva + (gpa + size - s->gpa) };
		/* A slot cannot shrink in place: delete it, then add its parts back. */
		if (slot_set(k, s, 0) < 0)
			return kvm_fail("KVM_SET_USER_MEMORY_REGION (delete)");
		s->size = gpa - s->gpa;
		if (s->size && slot_set(k, s, s->size) < 0)
			return kvm_fail("KVM_SET_USER_MEMORY_REGION (left part)");
		if (right.size) {
			if (slot_set(k, &right, right.size) < 0)
				return kvm_fail("KVM_SET_USER_MEMORY_REGION (right part)");
			k->kslot[k->nkslots++] = right;
			k->next_id++;
		}
		if (!s->size)
			k->kslot[i] = k->kslot[--k->nkslots];
		return 0;
	}
	pl_set_error(PL_ERR_CONFIG, "0x%llx+0x%llx is not inside one guest-memory slot",
		     (unsigned long long)gpa, (unsigned long long)size);
	return -1;
}

int pl_kvm_slots_flag(struct pl_kvm *k, uint32_t flag, bool on)
{
	for (unsigned i = 0; i < k->nkslots; i++) {
		struct pl_kslot *s = &k->kslot[i];
		uint32_t old = s->flags;

		if (s->flags & KVM_MEM_READONLY)
			continue;
		s->flags = on ? s->flags | flag : s->flags & ~flag;
		if (slot_set(k, s, s->size) < 0) {
			int err = -errno;

			s->flags = old;
			pl_set_error(PL_ERR_HOST, "KVM_SET_USER_MEMORY_REGION: %s", strerror(-err));
			return err;
		}
	}
	return 0;
}

#ifndef KVM_X86_QUIRK_IGNORE_GUEST_PAT
#define KVM_X86_QUIRK_IGNORE_GUEST_PAT (1 << 9) /* Linux 6.13's <asm/kvm.h> */
#endif

bool pl_kvm_pat_quirk_offered(int vm)
{
	int quirks = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_DISABLE_QUIRKS2);

	return quirks > 0 && (quirks & KVM_X86_QUIRK_IGNORE_GUEST_PAT);
}

/*
 * PROT_NOCACHE and uncached device mappings set PCD/PWT in the guest's
 * page tables, and KVM ignores them (it maps guest RAM write-back) unless
 * this quirk is turned off, which only some KVMs offer (not kvm_pvm).
 * Whether the types then take effect is measured: pl_memtype_probe.
 */
static void honour_guest_pat(struct pl_kvm *k)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_DISABLE_QUIRKS2,
				      .args = { KVM_X86_QUIRK_IGNORE_GUEST_PAT } };

	k->guest_pat = pl_kvm_pat_quirk_offered(k->vm) && ioctl(k->vm, KVM_ENABLE_CAP, &cap) == 0;
}

static int set_cpuid(struct pl_kvm *k)
{
	struct kvm_cpuid2 *c = NULL;
	int err = -1;

	/*
	 * From KVM's own limit (KVM_MAX_CPUID_ENTRIES, 256) up: the call runs
	 * the host's CPUID dozens of times, ~0.3 ms where the host is itself a
	 * VM, and a first try too small for this host's 75 entries paid that twice.
	 */
	for (unsigned n = 256; n <= 4096; n *= 2) {
		free(c);
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			break;
		c->nent = n;
		if (ioctl(k->sys, KVM_GET_SUPPORTED_CPUID, c) == 0) {
			err = 0;
			break;
		}
		if (errno != E2BIG)
			break;
	}
	if (err) {
		free(c);
		return kvm_fail("KVM_GET_SUPPORTED_CPUID");
	}
	/* One vCPU: its APIC ID (leaf 1 EBX[31:24], leaf 0xB EDX) is 0. */
	for (unsigned i = 0; i < c->nent; i++) {
		if (c->entries[i].function == 1)
			c->entries[i].ebx &= 0x00ffffff;
		if (c->entries[i].function == 0xb)
			c->entries[i].edx = 0;
	}
	err = ioctl(k->vcpu, KVM_SET_CPUID2, c);
	free(c);
	return err < 0 ? kvm_fail("KVM_SET_CPUID2") : 0;
}

static int create_vcpu(struct pl_kvm *k)
{
	int size;
	void *run;

	k->vcpu = ioctl(k->vm, KVM_CREATE_VCPU, 0);
	if (k->vcpu < 0)
		return kvm_fail("KVM_CREATE_VCPU");
	size = ioctl(k->sys, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(struct kvm_run))
		return kvm_fail("KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, k->vcpu, 0);
	if (run == MAP_FAILED)
		return kvm_fail("mapping the vCPU's kvm_run");
	k->run = run;
	k->run_size = size;
	return set_cpuid(k);
}

/*
 * The guest needs only the LAPIC (x2APIC timer, MSIs), so the split
 * irqchip is enough: LAPIC in the kernel, no PIC/IOAPIC/PIT. It behaves
 * the same for the guest on kvm_pvm (timers, hlt wake-ups and MSIs all
 * delivered) and its teardown at exit costs ~0.3 ms instead of the full
 * irqchip's ~14 ms, most of a short run. The full one is the fallback.
 */
static int create_irqchip(struct pl_kvm *k)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_SPLIT_IRQCHIP, .args = { 24 } };

	if (ioctl(k->sys, KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP) > 0 &&
	    ioctl(k->vm, KVM_ENABLE_CAP, &cap) == 0) {
		k->split_irqchip = true;
		return 0;
	}
	if (ioctl(k->vm, KVM_CREATE_IRQCHIP, 0) < 0)
		return kvm_fail("KVM_CREATE_IRQCHIP");
	return 0;
}

int pl_kvm_setup(struct pl_kvm *k, const struct pl_guestmem *m)
{
	k->sys = pl_kvm_open_dev();
	if (k->sys < 0)
		return -1;
	if (ioctl(k->sys, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		pl_set_error(PL_ERR_NOKVM, "/dev/kvm speaks an unknown KVM API version");
		return -1;
	}
	do
		k->vm = ioctl(k->sys, KVM_CREATE_VM, 0);
	while (k->vm < 0 && errno == EINTR);
	if (k->vm < 0)
		return kvm_fail("KVM_CREATE_VM");
	honour_guest_pat(k);
	if (set_slots(k, m))
		return -1;
	if (ioctl(k->sys, KVM_CHECK_EXTENSION, KVM_CAP_SET_TSS_ADDR) > 0 &&
	    ioctl(k->vm, KVM_SET_TSS_ADDR, PL_KVM_TSS_ADDR) < 0)
		return kvm_fail("KVM_SET_TSS_ADDR");
	if (create_irqchip(k))
		return -1;
	return create_vcpu(k);
}

uint32_t pl_kvm_tsc_khz(const struct pl_kvm *k)
{
	int khz;

	if (ioctl(k->sys, KVM_CHECK_EXTENSION, KVM_CAP_GET_TSC_KHZ) <= 0)
		return 0;
	khz = ioctl(k->vcpu, KVM_GET_TSC_KHZ, 0);
	return khz > 0 ? (uint32_t)khz : 0;
}

void pl_kvm_close_dev(struct pl_kvm *k)
{
	if (k->sys >= 0)
		close(k->sys);
	k->sys = -1;
}

void pl_kvm_close(struct pl_kvm *k)
{
	if (k->run)
		munmap(k->run, k->run_size);
	if (k->vcpu >= 0)
		close(k->vcpu);
	if (k->vm >= 0)
		close(k->vm);
	if (k->sys >= 0)
		close(k->sys);
	pl_kvm_init(k);
}
