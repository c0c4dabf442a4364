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
	u64 max_phys;		       /* end of the highest RAM range */
	u64 host_flags;		       /* PL_HOST_F_* */
	struct phys_range written_map; /* PL_FDT_PROP_WRITTEN_MAP; end 0: none */
	/* Hypercalls go over COM2 (booted by QEMU through PVH), not the port. */
	bool hcall_serial;
};

extern struct boot_info boot_info;

/* One line of the map people see: RAM, device regions, reservations. */
struct boot_map_entry {
	u64 start, end;
	char what[24];
};

#define BOOT_MAP_MAX (BOOT_MAX_RANGES * 3)

/*
 * Parses the tree at fdt (mapped by the boot page tables). Pure, with
 * boot_option() and boot_map(): also compiled for the host (PL_HOST_TEST),
 * where the unit tests and the fuzzer feed it trees.
 */
void boot_info_parse(const void *fdt, u64 fdt_pa);
/* The value of "name=value" in bootargs, or NULL; "name" alone gives "". */
const char *boot_option(const char *name, char *buf, size_t size);
/* The map of the parsed tree into e[BOOT_MAP_MAX], sorted by start: the count. */
int boot_map(struct boot_map_entry *e);
void boot_info_print(void);

#endif
