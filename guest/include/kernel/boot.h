/* SPDX-License-Identifier: MIT */
/*
 * What the host told the kernel through the device tree.
 */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <kernel/types.h>

#define BOOT_MAX_RANGES 32

struct phys_range {
	u64 start, end; /* [start, end) */
};

struct boot_info {
	const void *fdt;
	struct phys_range ram[BOOT_MAX_RANGES];
	int nr_ram;
	struct phys_range reserved[BOOT_MAX_RANGES];
	int nr_reserved;
	const char *bootargs;
	const char *argv; /* FDT string list: NUL-separated */
	int argv_len;
	const char *envp;
	int envp_len;
	u64 initrd_start, initrd_end;
	u64 tsc_khz;
	u64 boot_epoch_ns;
	u64 max_phys; /* end of the highest RAM range */
};

extern struct boot_info boot_info;

/* Parses the tree at fdt (mapped by the boot page tables). */
void boot_info_parse(const void *fdt, u64 fdt_pa);
/* The value of "name=value" in bootargs, or NULL; "name" alone gives "". */
const char *boot_option(const char *name, char *buf, size_t size);
void boot_info_print(void);

#endif
