/* SPDX-License-Identifier: MIT */
/* The guest kernel: an ELF64 x86-64 executable loaded at its p_paddr. */
#ifndef PL_HOSTLIB_ELFLOAD_H
#define PL_HOSTLIB_ELFLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "guestmem.h"

#define PL_KERNEL_MAX_FILE (256ULL << 20)

struct pl_kernel_image {
	const uint8_t *data; /* the file up to the end of its last segment (loaded_extent) */
	size_t size;
	uint64_t entry;	     /* virtual */
	uint64_t start, end; /* physical extent of the PT_LOAD segments */
	char name[128];	     /* for messages */
};

/* Reads and checks a kernel file. 0, or -1 with PL_ERR_KERNEL. */
int pl_elf_read(const char *path, struct pl_kernel_image *img);
/*
 * Checks an in-memory ELF: ELF64, little-endian, x86-64, the pagelab ABI
 * note with this PL_ABI_VERSION, ET_EXEC, headers and segments inside the file, segments inside the boot map at physical
 * addresses above low RAM, not overlapping, linked either at their
 * physical address or at PL_KERNEL_VBASE + it, an entry in an executable
 * segment. Sets entry/start/end. 0, or -1 with PL_ERR_KERNEL.
 */
int pl_elf_check(struct pl_kernel_image *img);
/* Copies the segments into guest RAM (which must hold them). 0 or -1. */
int pl_elf_load(const struct pl_kernel_image *img, struct pl_guestmem *m);
void pl_elf_free(struct pl_kernel_image *img);

#endif
