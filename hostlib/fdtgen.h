/* SPDX-License-Identifier: MIT */
/* The device tree the host hands the kernel (libfdt sequential writes). */
#ifndef PL_HOSTLIB_FDTGEN_H
#define PL_HOSTLIB_FDTGEN_H

#include <stddef.h>
#include <stdint.h>

#include <pagelab/hostlib.h>

#define PL_FDT_RESERVED_MAX 4
/* Length of the identification string at the start of the ROM (u32). */
#define PL_FDT_PROP_ROM_IDENT_LEN "pagelab,ident-length"

struct pl_range {
	uint64_t base;
	uint64_t size;
};

struct pl_fdt_params {
	const struct pl_memmap *map;
	const char *bootargs;	 /* NULL = "" */
	const char *const *argv; /* NULL or NULL-terminated */
	const char *const *envp;
	uint64_t initrd_start, initrd_end; /* equal: no initramfs */
	uint32_t tsc_khz;		   /* 0: unknown, property left out */
	uint64_t boot_epoch_ns;
	struct pl_device *const *devices; /* one node each, unless no compatible */
	unsigned ndevices;
	uint32_t host_flags;	     /* PL_HOST_F_* */
	struct pl_range written_map; /* size 0: none (abi.h PL_FDT_PROP_WRITTEN_MAP) */
	struct pl_range reserved[PL_FDT_RESERVED_MAX];
	unsigned nreserved;
};

/* Builds the tree into buf. 0, or a negative libfdt error (-FDT_ERR_NOSPACE). */
int pl_fdt_build(void *buf, size_t size, const struct pl_fdt_params *p);
/*
 * Adds dev's node to a finished tree in place, which may grow to room
 * bytes. 0, or a negative libfdt error; the tree is unchanged on error.
 */
int pl_fdt_add_device(void *fdt, size_t room, const struct pl_device *dev);
/* Sets or clears one PL_HOST_F_* bit in /chosen. 0, or a negative libfdt error. */
int pl_fdt_set_host_flag(void *fdt, uint32_t flag, bool on);

#endif
