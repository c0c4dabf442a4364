// SPDX-License-Identifier: MIT
/*
 * The host's checks of the guest kernel ELF (pl_elf_check in
 * hostlib/elfload.c): --kernel is the user's file. An accepted image must
 * describe what the loader relies on (segments in [1 MiB, boot map), an
 * entry point inside the image), and loading it into guest memory must
 * copy exactly the file's bytes, or refuse with a message.
 */
#include <elf.h>
#include <string.h>

#include <pagelab/abi.h>

#include "elfload.h"
#include "fuzz_check.h"
#include "guestmem.h"

#define MEMORY (32ULL << 20)

static struct pl_memmap map;
static struct pl_guestmem mem;

static void check_loaded(const struct pl_kernel_image *img)
{
	const Elf64_Ehdr *h = (const Elf64_Ehdr *)img->data;
	const Elf64_Phdr *ph = (const Elf64_Phdr *)(img->data + h->e_phoff);

	for (unsigned i = 0; i < h->e_phnum; i++) {
		const uint8_t *dst;

		if (ph[i].p_type != PT_LOAD || ph[i].p_memsz == 0)
			continue;
		dst = pl_guestmem_check(&mem, ph[i].p_paddr, ph[i].p_memsz, PL_ACC_READ);
		CHECK(dst);
		CHECK(!memcmp(dst, img->data + ph[i].p_offset, ph[i].p_filesz));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_kernel_image img = { .data = data, .size = size, .name = "fuzz" };

	if (!mem.nslots) {
		CHECK(pl_memmap(MEMORY, &map) == 0);
		CHECK(pl_guestmem_map(&mem, &map) == 0);
	}
	if (pl_elf_check(&img)) {
		CHECK(pl_error_kind() == PL_ERR_KERNEL && strlen(pl_error()) > 0);
		return 0;
	}
	CHECK(img.start >= PL_RAM_BASE && img.start < img.end && img.end <= PL_BOOT_MAP_SIZE);
	CHECK(img.entry == ((const Elf64_Ehdr *)data)->e_entry);
	if (pl_elf_load(&img, &mem) == 0)
		check_loaded(&img);
	else
		CHECK(pl_error_kind() == PL_ERR_KERNEL);
	return 0;
}
