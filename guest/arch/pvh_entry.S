/* SPDX-License-Identifier: MIT */
/*
 * The PVH entry: how QEMU (`-kernel kernel.elf`) and other PVH loaders start
 * the kernel. They find the entry in the Xen note XEN_ELFNOTE_PHYS32_ENTRY
 * and jump there in 32-bit protected mode, paging off, with %ebx holding the
 * physical address of a struct hvm_start_info and no stack.
 *
 * This file builds the state pagelab's host gives the 64-bit entry (long
 * mode, identity + PL_KERNEL_VBASE mappings, the boot GDT's selectors),
 * lets pvh_boot_info() (pvh.c) turn the start info into a device tree, and
 * enters _start exactly as the host would: %rdi = tree, %rsi = the magic.
 */
#include <pagelab/abi.h>

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define KERNEL_VBASE		 0xffffffff80000000
#define PHYS(sym)		 ((sym) - KERNEL_VBASE)

#define CR0_PE	     (1 << 0)
#define CR0_MP	     (1 << 1)
#define CR0_ET	     (1 << 4)
#define CR0_NE	     (1 << 5)
#define CR0_WP	     (1 << 16)
#define CR0_PG	     (1 << 31)
#define CR4_PAE	     (1 << 5)
#define CR4_OSFXSR   (1 << 9)
#define CR4_OSXMMEXC (1 << 10)
#define CR4_FSGSBASE (1 << 16)
#define MSR_EFER     0xc0000080
#define MSR_FS_BASE  0xc0000100
#define EFER_SCE     (1 << 0)
#define EFER_LME     (1 << 8)
#define EFER_NXE     (1 << 11)
#define PDE_FLAGS    0x83 /* P RW PS: 2 MiB */
#define TABLE_FLAGS  0x3  /* P RW */
#define ID_GIBS	     4	  /* identity-mapped: the start info and modules lie below 4 GiB */

	.section .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f
	.long 4f - 3f
	.long XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz "Xen"
2:	.balign 4
3:	.long PHYS(pvh_entry32)
4:	.balign 4

	.section .text.boot, "ax"
	.code32
	.globl pvh_entry32
pvh_entry32:
	cld
	mov %ebx, %esi				/* the start info, kept for C */
	/* Zero the tables: PML4, two PDPTs, ID_GIBS page directories. */
	mov $PHYS(pvh_tables), %edi
	mov $((3 + ID_GIBS) * 1024), %ecx
	xor %eax, %eax
	rep stosl
	/* Every PD entry: 2 MiB pages over [0, ID_GIBS GiB). */
	mov $PHYS(pvh_pd), %edi
	mov $PDE_FLAGS, %eax
	xor %edx, %edx
	mov $(ID_GIBS * 512), %ecx
1:	mov %eax, (%edi)
	mov %edx, 4(%edi)
	add $0x200000, %eax
	adc $0, %edx
	add $8, %edi
	loop 1b
	/* Identity: PML4[0] -> PDPT low -> the PDs; PML4[511] -> PDPT high[510] -> PD 0. */
	mov $PHYS(pvh_pdpt_low), %edi
	mov $(PHYS(pvh_pd) + TABLE_FLAGS), %eax
	mov $ID_GIBS, %ecx
2:	mov %eax, (%edi)
	add $4096, %eax
	add $8, %edi
	loop 2b
	movl $(PHYS(pvh_pd) + TABLE_FLAGS), PHYS(pvh_pdpt_high) + 510 * 8
	movl $(PHYS(pvh_pdpt_low) + TABLE_FLAGS), PHYS(pvh_pml4)
	movl $(PHYS(pvh_pdpt_high) + TABLE_FLAGS), PHYS(pvh_pml4) + 511 * 8

	/* CR4: PAE, SSE state; FSGSBASE where the CPU has it (CPUID.7.0:EBX[0]). */
	mov $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXC), %edi
	xor %eax, %eax
	cpuid
	cmp $7, %eax
	jb 3f
	mov $7, %eax
	xor %ecx, %ecx
	cpuid
	test $1, %ebx
	jz 3f
	or $CR4_FSGSBASE, %edi
3:	mov %edi, %cr4
	mov $PHYS(pvh_pml4), %eax
	mov %eax, %cr3
	mov $MSR_EFER, %ecx
	rdmsr
	or $(EFER_LME | EFER_NXE | EFER_SCE), %eax
	wrmsr
	mov $(CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE), %eax
	mov %eax, %cr0
	lgdt PHYS(pvh_gdt_ptr)
	ljmp $PL_SEL_KCODE, $PHYS(pvh_entry64)

	.code64
pvh_entry64:
	mov $PL_SEL_KDATA, %eax
	mov %eax, %ds
	mov %eax, %es
	mov %eax, %ss
	mov %eax, %fs
	mov %eax, %gs
	movabs $pvh_entry_high, %rax
	jmp *%rax
pvh_entry_high:
	lea boot_stack_top(%rip), %rsp
	xor %ebp, %ebp
	/* libfdt reads a stack canary at %fs:0x28 (see kernel/main.c). */
	lea pvh_tls(%rip), %rax
	mov %rax, %rdx
	shr $32, %rdx
	mov $MSR_FS_BASE, %ecx
	wrmsr
	mov %esi, %edi
	call pvh_boot_info			/* -> physical address of the tree */
	mov %rax, %rdi
	movabs $PL_BOOT_MAGIC, %rsi
	jmp _start

	.section .rodata
	.balign 16
pvh_gdt:
	.quad 0
	.quad 0
	.quad 0x00af9b000000ffff		/* PL_SEL_KCODE: 64-bit code */
	.quad 0x00cf93000000ffff		/* PL_SEL_KDATA */
pvh_gdt_end:
	.balign 8
pvh_gdt_ptr:
	.word pvh_gdt_end - pvh_gdt - 1
	.long PHYS(pvh_gdt)

	.bss
	.balign 4096
pvh_tables:
pvh_pml4:
	.skip 4096
pvh_pdpt_low:
	.skip 4096
pvh_pdpt_high:
	.skip 4096
pvh_pd:
	.skip 4096 * ID_GIBS
	.balign 64
pvh_tls:
	.skip 64
