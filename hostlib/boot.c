// SPDX-License-Identifier: MIT
/*
 * Entering the kernel directly in long mode saves it a real-mode and a
 * protected-mode trampoline, which on an emulating host cost ~0.5 us per
 * instruction.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include <pagelab/abi.h>

#include "boot.h"
#include "error.h"

#define PTE_P  (1ULL << 0)
#define PTE_RW (1ULL << 1)
/*
 * U=1 on every boot entry, kernel pages included: kvm_pvm (the shadow-
 * paging KVM on our build hosts) livelocks the vCPU on the first native
 * instruction after the kernel's opt-in unless every page it touches is
 * user-accessible at every level. VMX/SVM do not care, and the kernel
 * replaces these tables early in boot with its own.
 */
#define PTE_US	    (1ULL << 2)
#define PTE_PS	    (1ULL << 7)
#define TABLE_FLAGS (PTE_P | PTE_RW | PTE_US)

#define HUGE_2M (2ULL << 20)

/* Flat 4 GiB descriptors: access byte and flags (G, D/B, L) vary. */
static uint64_t seg_desc(uint8_t access, uint8_t flags)
{
	return 0xffffULL | ((uint64_t)access << 40) | (0xfULL << 48) | ((uint64_t)flags << 52);
}

static int write_gdt(struct pl_guestmem *m)
{
	uint64_t gdt[PL_BOOT_GDT_ENTRIES] = { 0 };
	uint64_t tss_limit = 0x67, *p;

	gdt[PL_SEL_KCODE >> 3] = seg_desc(0x9a, 0xa);	/* present, DPL0, code; G L */
	gdt[PL_SEL_KDATA >> 3] = seg_desc(0x92, 0xc);	/* DPL0 data; G D */
	gdt[PL_SEL_UCODE32 >> 3] = seg_desc(0xfa, 0xc); /* DPL3 32-bit code */
	gdt[PL_SEL_UDATA >> 3] = seg_desc(0xf2, 0xc);	/* DPL3 data */
	gdt[PL_SEL_UCODE >> 3] = seg_desc(0xfa, 0xa);	/* DPL3 64-bit code */
	/* Busy 64-bit TSS, as the CPU leaves it after ltr: TR is loaded below. */
	gdt[PL_SEL_TSS >> 3] = tss_limit | ((PL_BOOT_TSS & 0xffffff) << 16) | (0x8bULL << 40) |
			       ((PL_BOOT_TSS >> 24) & 0xff) << 56;
	gdt[(PL_SEL_TSS >> 3) + 1] = PL_BOOT_TSS >> 32;
	p = pl_guestmem_check(m, PL_BOOT_GDT, sizeof(gdt), PL_ACC_WRITE);
	if (!p)
		return -1;
	memcpy(p, gdt, sizeof(gdt));
	return 0;
}

static uint64_t *table(struct pl_guestmem *m, uint64_t gpa)
{
	return pl_guestmem_check(m, gpa, 4096, PL_ACC_WRITE);
}

int pl_boot_write_tables(struct pl_guestmem *m)
{
	uint64_t *pml4 = table(m, PL_BOOT_PML4), *lo = table(m, PL_BOOT_PDPT_LOW);
	uint64_t *hi = table(m, PL_BOOT_PDPT_HIGH), *pd = table(m, PL_BOOT_PD);
	uint64_t *tss = table(m, PL_BOOT_TSS);

	if (!pml4 || !lo || !hi || !pd || !tss || write_gdt(m)) {
		pl_set_error(PL_ERR_HOST, "low RAM cannot hold the boot tables");
		return -1;
	}
	memset(tss, 0, 4096);
	/* One page directory of 2 MiB pages, reached from both windows. */
	for (uint64_t i = 0; i < PL_BOOT_MAP_SIZE / HUGE_2M; i++)
		pd[i] = i * HUGE_2M | TABLE_FLAGS | PTE_PS;
	memset(lo, 0, 4096);
	memset(hi, 0, 4096);
	memset(pml4, 0, 4096);
	lo[0] = PL_BOOT_PD | TABLE_FLAGS;
	hi[(PL_KERNEL_VBASE >> 30) & 511] = PL_BOOT_PD | TABLE_FLAGS;
	pml4[0] = PL_BOOT_PDPT_LOW | TABLE_FLAGS;
	pml4[(PL_KERNEL_VBASE >> 39) & 511] = PL_BOOT_PDPT_HIGH | TABLE_FLAGS;
	return 0;
}

static struct kvm_segment segment(uint16_t sel, uint8_t type, bool code64)
{
	return (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.present = 1,
		.dpl = sel & 3,
		.db = !code64,
		.s = 1,
		.l = code64,
		.g = 1,
	};
}

static void boot_sregs(struct kvm_sregs *s, bool fsgsbase)
{
	struct kvm_segment data = segment(PL_SEL_KDATA, 3, false);

	s->cs = segment(PL_SEL_KCODE, 11, true);
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->tr = (struct kvm_segment){
		.base = PL_BOOT_TSS, .limit = 0x67, .selector = PL_SEL_TSS, .type = 11, .present = 1
	};
	s->gdt.base = PL_BOOT_GDT;
	s->gdt.limit = PL_BOOT_GDT_ENTRIES * 8 - 1;
	/* No IDT: an exception before the kernel installs its own is a triple fault. */
	s->idt.base = 0;
	s->idt.limit = 0;
	s->cr0 = PL_CR0_BOOT;
	s->cr3 = PL_BOOT_PML4;
	s->cr4 = PL_CR4_PAE | PL_CR4_OSFXSR | PL_CR4_OSXMMEXCPT | (fsgsbase ? PL_CR4_FSGSBASE : 0);
	s->efer = PL_EFER_BOOT;
}

int pl_boot_set_vcpu(int vcpu_fd, uint64_t entry, uint64_t fdt, bool *fsgsbase)
{
	struct kvm_sregs s;
	struct kvm_regs r = { .rip = entry, .rdi = fdt, .rsi = PL_BOOT_MAGIC, .rflags = 2 };

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &s) < 0)
		goto fail;
	/*
	 * FSGSBASE works on kvm_pvm although its CPUID does not offer it; a
	 * KVM that really lacks it refuses the CR4 bit, so try without.
	 */
	*fsgsbase = true;
	boot_sregs(&s, true);
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &s) < 0) {
		*fsgsbase = false;
		boot_sregs(&s, false);
		if (ioctl(vcpu_fd, KVM_SET_SREGS, &s) < 0)
			goto fail;
	}
	if (ioctl(vcpu_fd, KVM_SET_REGS, &r) < 0)
		goto fail;
	return 0;
fail:
	pl_set_error(PL_ERR_HOST, "setting the boot CPU state failed: %s", strerror(errno));
	return -1;
}
