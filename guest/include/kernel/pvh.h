/* SPDX-License-Identifier: MIT */
/*
 * Booted by a PVH loader (QEMU): the run as PVH describes it, turned into
 * the device tree pagelab's host would have built (kernel/pvh_fdt.c, pure:
 * the host's unit tests build and parse such trees too).
 */
#ifndef KERNEL_PVH_H
#define KERNEL_PVH_H

#include <kernel/types.h>

#define PVH_MEMMAP_RAM 1

struct pvh_memmap_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
};

/* What the start info says, with its addresses already made pointers. */
struct pvh_boot {
	const char *cmdline; /* NULL: none */
	const struct pvh_memmap_entry *memmap;
	u32 nr_memmap;
	bool has_initrd;
	u64 initrd_start, initrd_end;
};

/*
 * Builds the tree into buf: RAM from the memory map, the first MiB
 * reserved, the console UART, the hypercall UART (COM2) and QEMU's exit
 * device, /chosen from the command line (include/pagelab/serial_abi.h).
 * 0, or a negative libfdt error (-FDT_ERR_NOSPACE also for arguments that
 * do not fit).
 */
int pvh_fdt_build(const struct pvh_boot *b, void *buf, int size);

#endif
