// SPDX-License-Identifier: MIT
/*
 * selftest=floor: this host's floor, the least a minimal kernel pays for a
 * user syscall round trip and for a user page fault, measured with
 * pagelab's own VMM and CPU setup so that `make bench` can set the
 * kernel's figures beside it in the same run (docs/kvm-pvm.md). Prints
 *   floor_syscall_ns N   user syscall -> bare sysretq -> user
 *   floor_fault_ns N     user store to a not-present page -> #PF -> read
 *                        CR2, store a prepared PTE -> back to the store
 * (each the median batch: the host is shared and noisy, and a burst of
 * someone else's work should spoil one batch, not the figure) and exits.
 * The entry paths are in guest/selftest/floor_entry.S; this file builds a tiny
 * address space and swaps LSTAR and the IDT for the measurement.
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/cpu.h>
#include <kernel/floor.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/string.h>
#include <kernel/trap.h>
#include <kernel/vm.h>

#define CODE_VA		0x400000ULL
#define STACK_VA	0x600000ULL
#define STACK_SIZE	(4 * PAGE_SIZE)
#define FAULT_VA	0x40000000ULL /* 2 MiB aligned: one page table holds every leaf */
#define FAULT_PAGES	512
#define FAULT_PASSES	8
#define SYSCALL_BATCHES 10
#define SYSCALLS	200 /* per batch */
#define WARMUP_SYSCALLS 32
#define EXC_VECTORS	32
#define VEC_UD		6
#define VEC_PF		14

struct floor_exit {
	u64 vector, rip, rax, cs;
};

/* guest/selftest/floor_entry.S */
extern char floor_syscall_stub[], floor_pf_stub[], floor_exc_stubs[];
extern char floor_user_start[], floor_user_syscalls[], floor_user_faults[], floor_user_end[];
u64 floor_enter_user(u64 rip, u64 rsp, u64 arg0, u64 arg1, struct floor_exit *out);

/* Read by floor_pf_stub. */
u64 floor_fault_base, floor_fault_pages, floor_fault_count, floor_trampoline;
u64 *floor_pte_values, *floor_pte_slots;

static u64 pte_values[FAULT_PAGES];
static u64 frames[FAULT_PAGES];
/* User-mode exceptions arrive on TSS.rsp0; no process has set it yet. */
static u8 exc_stack[16384] __aligned(16);

static u64 user_entry(const char *label)
{
	return CODE_VA + (label - floor_user_start);
}

/* Runs one of floor.S's user loops; it returns the cycles it measured. */
static u64 run_user(const char *label, u64 arg0, u64 arg1)
{
	struct floor_exit e;
	u64 vec = floor_enter_user(user_entry(label), STACK_VA + STACK_SIZE, arg0, arg1, &e);

	if (vec != VEC_UD)
		panic("selftest floor: %s (vector %lu) at %#lx", exception_name(vec),
		      (unsigned long)vec, (unsigned long)e.rip);
	/* On kvm_pvm a wrong return path leaves "user" code in kernel mode. */
	if ((e.cs & 3) != 3)
		panic("selftest floor: the user loop ended with CS %#lx, not in user mode",
		      (unsigned long)e.cs);
	return e.rax;
}

static struct mm *build_mm(void)
{
	struct mm *mm = procmm_new();
	u64 size = floor_user_end - floor_user_start, zero = 0;

	if (!mm || size > PAGE_SIZE)
		panic("selftest floor: cannot build the address space");
	if (procmm_map_anon(mm, CODE_VA, PAGE_SIZE, VM_PROT_READ | VM_PROT_EXEC, false) ||
	    procmm_write(mm, CODE_VA, floor_user_start, size) ||
	    procmm_map_anon(mm, STACK_VA, STACK_SIZE, VM_PROT_READ | VM_PROT_WRITE, false))
		panic("selftest floor: cannot map the user code and stack");
	/* Present before the clock starts: the trampoline return writes there. */
	for (u64 va = STACK_VA; va < STACK_VA + STACK_SIZE; va += PAGE_SIZE)
		if (procmm_write(mm, va, &zero, sizeof(zero)))
			panic("selftest floor: cannot fill the user stack");
	return mm;
}

/*
 * The fault area has no VMA: its leaves are floor_pf_stub's alone. The
 * frames are zeroed now, so the host has backed them before the clock
 * starts and a fault costs only the transitions.
 */
static void prepare_faults(struct mm *mm)
{
	floor_pte_slots = pt_leaf(mm->pml4_pa, FAULT_VA, true);
	if (!floor_pte_slots)
		panic("selftest floor: no page table for the fault area");
	for (int i = 0; i < FAULT_PAGES; i++) {
		frames[i] = frame_alloc(0);
		if (frames[i] == FRAME_NONE)
			panic("selftest floor: out of frames");
		memset(frame_to_virt(frames[i]), 0, PAGE_SIZE);
		pte_values[i] = pte_for(frames[i], VM_PROT_READ | VM_PROT_WRITE, true);
	}
	floor_pte_values = pte_values;
	floor_fault_base = FAULT_VA;
	floor_fault_pages = FAULT_PAGES;
	floor_trampoline = USER_TRAMPOLINE_VA;
}

static void release_faults(struct mm *mm)
{
	procmm_activate(NULL);
	memset(floor_pte_slots, 0, FAULT_PAGES * sizeof(u64));
	for (int i = 0; i < FAULT_PAGES; i++)
		frame_put(frames[i]);
	procmm_put(mm);
}

/*
 * Vectors 0-31 go to floor.S while the test runs. Their IST choices stay:
 * none but the double fault's, so user-mode exceptions land on TSS.rsp0.
 */
static void borrow_exceptions(bool borrow)
{
	for (int v = 0; v < EXC_VECTORS; v++) {
		const void *h = v == VEC_PF ? (void *)floor_pf_stub : floor_exc_stubs + v * 16;

		cpu_set_exception_handler(v, borrow ? h : NULL);
	}
	cpu_reload_idt();
}

/* One pass over the fault area; every page must have faulted exactly once. */
static u64 fault_pass(struct mm *mm)
{
	u64 before = floor_fault_count, cycles;

	cycles = run_user(floor_user_faults, FAULT_PAGES, FAULT_VA);
	if (floor_fault_count - before != FAULT_PAGES)
		panic("selftest floor: %lu faults for %d pages",
		      (unsigned long)(floor_fault_count - before), FAULT_PAGES);
	memset(floor_pte_slots, 0, FAULT_PAGES * sizeof(u64));
	/* The entries were present: a CR3 reload drops them from the TLB. */
	arch_switch_root(mm->pml4_pa);
	return cycles;
}

static u64 median(u64 *v, int n)
{
	for (int i = 1; i < n; i++) {
		u64 x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void print_ns(const char *name, u64 cycles, u64 n)
{
	/* cycles * 1e6 / kHz = ns, in tenths; no overflow below ~1e12 cycles */
	u64 tenths = cycles * 10000000ULL / boot_info.tsc_khz / n;

	printk("%s %lu.%lu\n", name, (unsigned long)(tenths / 10), (unsigned long)(tenths % 10));
}

void selftest_floor(void)
{
	u64 lstar, syscall_cycles[SYSCALL_BATCHES], fault_cycles[FAULT_PASSES];
	struct mm *mm;

	if (!boot_info.tsc_khz)
		panic("selftest floor: the host gave no TSC frequency");
	mm = build_mm();
	prepare_faults(mm);
	arch_set_kernel_stack((u64)exc_stack + sizeof(exc_stack));
	procmm_activate(mm);
	borrow_exceptions(true);

	lstar = rdmsr(MSR_LSTAR);
	wrmsr(MSR_LSTAR, (u64)floor_syscall_stub);
	run_user(floor_user_syscalls, WARMUP_SYSCALLS, 0);
	for (int i = 0; i < SYSCALL_BATCHES; i++)
		syscall_cycles[i] = run_user(floor_user_syscalls, SYSCALLS, 0);
	wrmsr(MSR_LSTAR, lstar);

	/* The first pass also makes the host build its shadow of the table. */
	fault_pass(mm);
	for (int i = 0; i < FAULT_PASSES; i++)
		fault_cycles[i] = fault_pass(mm);
	borrow_exceptions(false);
	release_faults(mm);

	print_ns("floor_syscall_ns", median(syscall_cycles, SYSCALL_BATCHES), SYSCALLS);
	print_ns("floor_fault_ns", median(fault_cycles, FAULT_PASSES), FAULT_PAGES);
	printk("floor_syscalls %d\nfloor_faults %d\nfloor_mode %s\n", SYSCALL_BATCHES * SYSCALLS,
	       FAULT_PASSES * FAULT_PAGES, arch_mode == ARCH_KVM_PVM ? "kvm_pvm" : "native");
	kernel_exit(0);
}
