// SPDX-License-Identifier: MIT
/*
 * The guest-physical memory map: PC-like, so that the seeds' examples
 * (VGA text at 0xB8000, a BIOS ROM at 0xF0000, RAM from 1 MiB) work as
 * written. A pure function of the memory size, shared by the sandbox,
 * the device tree and `pagelab info`.
 */
#include <errno.h>
#include <inttypes.h>
#include <unistd.h>

#include <pagelab/hostlib.h>

#include "error.h"

#define PL_MAX_MEMORY (1ULL << 40)
#define PL_APIC_BASE  0xfec00000ULL /* IOAPIC, LAPIC, VMX helper pages */

static void add(struct pl_memmap *map, uint64_t base, uint64_t size, enum pl_region_kind kind,
		const char *name)
{
	struct pl_region *r = &map->region[map->n++];

	r->base = base;
	r->size = size;
	r->kind = kind;
	r->name = name;
	if (kind == PL_REGION_RAM)
		map->ram += size;
}

static int check_memory(uint64_t memory)
{
	char a[32], b[32];

	if (memory < PL_MIN_MEMORY) {
		pl_set_error(PL_ERR_CONFIG, "memory size %s is too small: the minimum is %s",
			     pl_format_size(memory, a, sizeof(a)),
			     pl_format_size(PL_MIN_MEMORY, b, sizeof(b)));
		return -EINVAL;
	}
	if (memory > PL_MAX_MEMORY) {
		pl_set_error(PL_ERR_CONFIG, "memory size %s is too large: the maximum is %s",
			     pl_format_size(memory, a, sizeof(a)),
			     pl_format_size(PL_MAX_MEMORY, b, sizeof(b)));
		return -EINVAL;
	}
	if (memory % 4096) {
		pl_set_error(PL_ERR_CONFIG, "memory size %s is not a multiple of 4K",
			     pl_format_size(memory, a, sizeof(a)));
		return -EINVAL;
	}
	return 0;
}

int pl_memmap(uint64_t memory, struct pl_memmap *map)
{
	uint64_t low_top = memory < PL_LOWRAM_TOP ? memory : PL_LOWRAM_TOP;
	int err = check_memory(memory);

	if (err)
		return err;
	*map = (struct pl_memmap){ .memory = memory };
	add(map, 0, PL_LOWRAM_END, PL_REGION_RAM, "lowram");
	add(map, PL_VGA_BASE, PL_VGA_SIZE, PL_REGION_VGA, "vga");
	add(map, PL_VGA_BASE + PL_VGA_SIZE, PL_ROM_BASE - (PL_VGA_BASE + PL_VGA_SIZE),
	    PL_REGION_RESERVED, "optionrom");
	add(map, PL_ROM_BASE, PL_ROM_SIZE, PL_REGION_ROM, "rom");
	add(map, PL_RAM_BASE, low_top - PL_RAM_BASE, PL_REGION_RAM, "ram");
	add(map, PL_MMIO_BASE, PL_MMIO_SIZE, PL_REGION_MMIO, "mmio");
	add(map, PL_APIC_BASE, PL_HIGHRAM_BASE - PL_APIC_BASE, PL_REGION_RESERVED, "platform");
	if (memory > PL_LOWRAM_TOP)
		add(map, PL_HIGHRAM_BASE, memory - PL_LOWRAM_TOP, PL_REGION_RAM, "highram");
	return 0;
}

int pl_memory_check(uint64_t memory)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	uint64_t host = pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize : UINT64_MAX;
	char a[32];
	int err = check_memory(memory);

	if (err)
		return err;
	if (memory > host) {
		pl_set_error(PL_ERR_CONFIG,
			     "memory size %s is more than this host's %.1f GiB of memory",
			     pl_format_size(memory, a, sizeof(a)), host / (double)(1ULL << 30));
		return -EINVAL;
	}
	return 0;
}

const char *pl_region_kind_name(enum pl_region_kind kind)
{
	switch (kind) {
	case PL_REGION_RAM:
		return "ram";
	case PL_REGION_VGA:
		return "vga";
	case PL_REGION_ROM:
		return "rom";
	case PL_REGION_MMIO:
		return "mmio";
	case PL_REGION_RESERVED:
		return "reserved";
	}
	return "?";
}

void pl_memmap_print(const struct pl_memmap *map, FILE *f)
{
	char sz[32];

	for (unsigned i = 0; i < map->n; i++) {
		const struct pl_region *r = &map->region[i];

		fprintf(f, "  0x%016" PRIx64 "-0x%016" PRIx64 "  %-9s %-9s %6s\n", r->base,
			r->base + r->size - 1, pl_region_kind_name(r->kind), r->name,
			pl_format_size(r->size, sz, sizeof(sz)));
	}
	fprintf(f, "  RAM: %s in total (%.2f GiB)\n", pl_format_size(map->ram, sz, sizeof(sz)),
		map->ram / (double)(1ULL << 30));
}
