// SPDX-License-Identifier: MIT
/*
 * Descriptor tables and the syscall MSRs: the x86-64 state every kernel
 * sets up once. The GDT keeps the selector layout the host's boot GDT uses
 * (include/pagelab/abi.h) so that STAR can give sysret its user selectors.
 */
#include <kernel/arch.h>
#include <kernel/cpu.h>
#include <kernel/pvm.h>
#include <kernel/string.h>
#include <pagelab/abi.h>

struct tss {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
} __packed;

struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

struct descriptor_ptr {
	u16 limit;
	u64 base;
} __packed;

#define GATE_INTERRUPT	 0x8e
#define IST_IRQ		 1
#define IST_DOUBLE_FAULT 2

/*
 * The CPU reads these on a kernel entry before the entry code can load the
 * kernel's CR3: with isolation (isolate.c) the user tables map them.
 */
static struct tss tss __aligned(64) __section(".entry.data");
static struct idt_gate idt[256] __aligned(16) __section(".entry.data");
static u8 irq_stack[8192] __aligned(16) __section(".entry.data");
static u8 double_fault_stack[8192] __aligned(16) __section(".entry.data");
extern u64 cur_kstack_top;

static u64 gdt[] __aligned(16) __section(".entry.data") = {
	0,
	0,
	0x00af9b000000ffff, /* 0x10 kernel code, 64-bit */
	0x00cf93000000ffff, /* 0x18 kernel data */
	0x00cffb000000ffff, /* 0x23 user code, 32-bit (STAR's sysret base) */
	0x00cff3000000ffff, /* 0x2b user data */
	0x00affb000000ffff, /* 0x33 user code, 64-bit */
	0,
	0, /* 0x40 TSS, two slots */
	0,
};

static void set_gate(int vec, u64 handler, u8 ist)
{
	struct idt_gate *g = &idt[vec];

	g->offset_low = handler & 0xffff;
	g->selector = PL_SEL_KCODE;
	g->ist = ist;
	g->type_attr = GATE_INTERRUPT;
	g->offset_mid = (handler >> 16) & 0xffff;
	g->offset_high = handler >> 32;
	g->reserved = 0;
}

static void load_idt(void)
{
	struct descriptor_ptr p = { sizeof(idt) - 1, (u64)idt };

	arch_trap_count++;
	asm volatile("lidt %0" : : "m"(p));
}

/*
 * Before the kvm_pvm opt-in every instruction is emulated (~0.5 us), so
 * the early IDT has just the #GP gate that probing an MSR needs.
 */
void cpu_early_idt(void)
{
	set_gate(13, (u64)vector_stubs + 13 * 16, 0);
	load_idt();
}

static void load_gdt_and_tss(void)
{
	u64 base = (u64)&tss;
	struct descriptor_ptr p = { sizeof(gdt) - 1, (u64)gdt };

	tss.iomap_base = sizeof(tss);
	tss.ist[IST_IRQ - 1] = (u64)irq_stack + sizeof(irq_stack);
	tss.ist[IST_DOUBLE_FAULT - 1] = (u64)double_fault_stack + sizeof(double_fault_stack);
	gdt[PL_SEL_TSS / 8] = (sizeof(tss) - 1) | (base & 0xffffff) << 16 | 0x89ULL << 40 |
			      ((base >> 24) & 0xff) << 56;
	gdt[PL_SEL_TSS / 8 + 1] = base >> 32;
	arch_trap_count += 2;
	asm volatile("lgdt %0" : : "m"(p));
	asm volatile("ltr %w0" : : "r"(PL_SEL_TSS));
}

void cpu_init(void)
{
	load_gdt_and_tss();
	for (int v = 0; v < 256; v++)
		set_gate(v, (u64)vector_stubs + v * 16, v >= 32 ? IST_IRQ : 0);
	set_gate(8, (u64)vector_stubs + 8 * 16, IST_DOUBLE_FAULT);
	/* int3 is a user instruction (a debugger's breakpoint), as on Linux. */
	idt[3].type_attr = GATE_INTERRUPT | 0x60;
	load_idt();
	/* sysret: CS = 0x23 + 16 = 0x33, SS = 0x23 + 8 = 0x2b. */
	wrmsr(MSR_STAR, (u64)PL_SEL_UCODE32 << 48 | (u64)PL_SEL_KCODE << 32);
	wrmsr(MSR_LSTAR, (u64)syscall_entry);
	/* IF, TF, DF, AC, NT cleared on entry. */
	wrmsr(MSR_SFMASK, 0x47700);
}

/*
 * Self-tests borrow exception vectors (selftest=floor). NULL gives a
 * vector back to the kernel's stub; cpu_reload_idt() makes changes certain
 * to be seen by a host that might cache the table.
 */
void cpu_set_exception_handler(int vec, const void *handler)
{
	u64 h = handler ? (u64)handler : (u64)vector_stubs + vec * 16;

	set_gate(vec, h, vec == 8 ? IST_DOUBLE_FAULT : 0);
}

void cpu_reload_idt(void)
{
	load_idt();
}

/* With isolation TSS.rsp0 stays at the entry stack; entry.S moves the frame. */
void arch_set_kernel_stack(u64 top)
{
	if (!entry_isolate)
		tss.rsp[0] = top;
	cur_kstack_top = top;
}

void cpu_isolate_entry(u64 entry_stack_top)
{
	tss.rsp[0] = entry_stack_top;
	wrmsr(MSR_LSTAR, (u64)syscall_entry_isolated);
}
