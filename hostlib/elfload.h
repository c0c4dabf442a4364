/* SPDX-License-Identifier: MIT */
/* The guest kernel: an ELF64 x86-64 executable loaded at its p_paddr. */
#ifndef PL_HOSTLIB_ELFLOAD_H
#define PL_HOSTLIB_ELFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "guestmem.h"

#define PL_KERNEL_MAX_FILE (256ULL << 20)

struct pl_kernel_image {
	/*
	 * The file up to the end of its last segment (size bytes). From
	 * pl_elf_read only what pl_elf_check reads is filled in (headers and
	 * notes): pl_elf_load reads the segments from fd straight into guest
	 * RAM. An image built in memory has every byte and from_file false.
	 */
	const uint8_t *data;
	size_t size;
	bool from_file;
	int fd;
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
/* Copies or reads the segments into guest RAM (which must hold them). 0 or -1. */
int pl_elf_load(const struct pl_kernel_image *img, struct pl_guestmem *m);
void pl_elf_free(struct pl_kernel_image *img);

#endif
