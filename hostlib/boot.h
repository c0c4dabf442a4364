/* SPDX-License-Identifier: MIT */
/*
 * The state the kernel is entered in: 64-bit long mode, paging on, a
 * host-built GDT and identity + PL_KERNEL_VBASE page tables in low RAM.
 */
#ifndef PL_HOSTLIB_BOOT_H
#define PL_HOSTLIB_BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "guestmem.h"

/* Low RAM, below the kernel and the VGA hole; reserved in the FDT. */
#define PL_BOOT_GDT	  0x1000ULL
#define PL_BOOT_TSS	  0x2000ULL
#define PL_BOOT_PML4	  0x3000ULL
#define PL_BOOT_PDPT_LOW  0x4000ULL
#define PL_BOOT_PDPT_HIGH 0x5000ULL
#define PL_BOOT_PD	  0x6000ULL
#define PL_BOOT_END	  0x7000ULL

#define PL_BOOT_GDT_ENTRIES 10 /* up to and including the 16-byte TSS descriptor */

#define PL_CR0_BOOT	  0x80050033ULL /* PG WP NE ET MP PE */
#define PL_CR4_PAE	  (1ULL << 5)
#define PL_CR4_OSFXSR	  (1ULL << 9)
#define PL_CR4_OSXMMEXCPT (1ULL << 10)
#define PL_CR4_FSGSBASE	  (1ULL << 16)
#define PL_EFER_BOOT	  0xd01ULL /* NXE LMA LME SCE */

/* Writes the GDT, TSS and page tables into guest memory. 0 or -1. */
int pl_boot_write_tables(struct pl_guestmem *m);
/*
 * Loads the boot CPU state into the vCPU: rip = entry, rdi = fdt,
 * rsi = PL_BOOT_MAGIC. *fsgsbase says whether CR4.FSGSBASE was accepted.
 */
int pl_boot_set_vcpu(int vcpu_fd, uint64_t entry, uint64_t fdt, bool *fsgsbase);

#endif
