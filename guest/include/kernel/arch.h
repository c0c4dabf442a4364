/* SPDX-License-Identifier: MIT */
/*
 * The arch layer: every privileged operation the kernel performs goes
 * through here, so the one host-specific difference - kvm_pvm, where the
 * kernel must opt in to native execution and a few things work otherwise
 * (see docs/kvm-pvm.md) - stays in guest/arch/pvm/ (kernel/pvm.h) and in
 * this header's interrupt flag.
 *
 * Privileged instructions trap to the hypervisor on kvm_pvm (~25 us each);
 * the wrappers count them so `pagelab run --stats` can report the cost.
 */
#ifndef KERNEL_ARCH_H
#define KERNEL_ARCH_H

#include <kernel/types.h>

enum arch_mode {
	ARCH_NATIVE = 0,  /* VMX/SVM: an ordinary ring-0 kernel */
	ARCH_KVM_PVM = 1, /* kvm_pvm: opted in to native execution */
};

extern enum arch_mode arch_mode;
extern u64 arch_trap_count;
extern bool arch_has_fsgsbase;
extern bool arch_has_1g_pages;

/* The saved user or kernel context, in the order entry.S pushes it. */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error;
	u64 rip, cs, rflags, rsp, ss; /* as the CPU pushes them */
};

#define VEC_SYSCALL  0x100 /* trap_frame.vector of a syscall entry */
#define VEC_TIMER    0x20
#define VEC_SPURIOUS 0xff

#define MSR_EFER    0xc0000080
#define MSR_STAR    0xc0000081
#define MSR_LSTAR   0xc0000082
#define MSR_SFMASK  0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101

static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	arch_trap_count++;
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	arch_trap_count++;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (u64)hi << 32 | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	arch_trap_count++;
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

static inline u64 read_cr2(void)
{
	u64 v;

	arch_trap_count++;
	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr3(void)
{
	u64 v;

	arch_trap_count++;
	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static inline void write_cr3(u64 v)
{
	arch_trap_count++;
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline u64 read_cr4(void)
{
	u64 v;

	arch_trap_count++;
	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void invlpg(u64 va)
{
	arch_trap_count++;
	asm volatile("invlpg (%0)" : : "r"(va) : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

static inline void outl(u16 port, u32 v)
{
	asm volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outb(u16 port, u8 v)
{
	asm volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void cpu_relax(void)
{
	asm volatile("pause");
}

/* User FS base (TLS): wrfsbase costs 6 ns, the MSR write ~25 us on kvm_pvm. */
static inline void arch_set_user_fs(u64 base)
{
	if (arch_has_fsgsbase) {
		asm volatile("wrfsbase %0" : : "r"(base));
		return;
	}
	wrmsr(MSR_FS_BASE, base);
}

/*
 * The running process's user FS and GS bases (guest/arch/user_bases.c).
 * User code may change them itself (wrfsbase/wrgsbase), so save reads the
 * CPU's values; load makes the given values the ones user mode will see.
 */
void arch_save_user_bases(u64 *fs, u64 *gs);
void arch_load_user_bases(u64 fs, u64 gs);

/* Interrupt flag. On kvm_pvm it is a byte in the PV page, not RFLAGS.IF. */
extern volatile u8 *pvm_vif;
static inline void irq_disable(void)
{
	if (arch_mode == ARCH_KVM_PVM) {
		*pvm_vif = 0;
		asm volatile("" ::: "memory");
		return;
	}
	asm volatile("cli" ::: "memory");
}

static inline void irq_enable(void)
{
	if (arch_mode == ARCH_KVM_PVM) {
		asm volatile("" ::: "memory");
		*pvm_vif = 1;
		return;
	}
	asm volatile("sti" ::: "memory");
}

/*
 * Load an address space (a PML4 pair: kernel table, and at +4 KiB the one
 * kvm_pvm runs user mode on) and remember it as the current one.
 */
extern u64 arch_root;
void arch_switch_root(u64 pml4_pa);

/* Sleep until the next interrupt; called with interrupts disabled. */
void arch_wait_for_interrupt(void);

/* Page-table bits the kernel's own mappings need on this host. */
u64 arch_kernel_pte_bits(void);

/* CPUID.1:EDX, which Linux passes to programs as AT_HWCAP. */
u64 cpu_hwcap(void);
/* The FPU/SSE state a new program starts with (fxsave layout). */
void fpu_init_state(u8 *fxsave_area);

void arch_early_init(void);
void arch_cpu_init(void);
void arch_set_kernel_stack(u64 top);
__noreturn void arch_halt(void);

#endif
