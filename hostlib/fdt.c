// SPDX-License-Identifier: MIT
/*
 * The device tree: memory nodes for RAM, one node per device, /chosen
 * for the run. Port-I/O devices have no "reg" in a tree without an I/O
 * bus, so they carry PL_FDT_PROP_PIO = <first-port port-count> instead.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "fdtgen.h"

#define TRY(x)                       \
	do {                         \
		int err_ = (x);      \
		if (err_)            \
			return err_; \
	} while (0)

static int begin_node_at(void *fdt, const char *name, uint64_t addr)
{
	char node[64];

	snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, node);
}

static int prop_reg(void *fdt, uint64_t base, uint64_t size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

static int memory_nodes(void *fdt, const struct pl_memmap *map)
{
	for (unsigned i = 0; i < map->n; i++) {
		const struct pl_region *r = &map->region[i];

		if (r->kind != PL_REGION_RAM)
			continue;
		TRY(begin_node_at(fdt, "memory", r->base));
		TRY(fdt_property_string(fdt, "device_type", "memory"));
		TRY(prop_reg(fdt, r->base, r->size));
		TRY(fdt_end_node(fdt));
	}
	return 0;
}

/* Opens a node for a memory-mapped region; the caller adds to it and ends it. */
static int region_node(void *fdt, const char *name, const char *compat, uint64_t base,
		       uint64_t size)
{
	TRY(begin_node_at(fdt, name, base));
	TRY(fdt_property_string(fdt, "compatible", compat));
	return prop_reg(fdt, base, size);
}

static int pio_node(void *fdt, const char *name, const char *compat, uint32_t port, uint32_t count)
{
	fdt32_t pio[2] = { cpu_to_fdt32(port), cpu_to_fdt32(count) };

	TRY(begin_node_at(fdt, name, port));
	TRY(fdt_property_string(fdt, "compatible", compat));
	return fdt_property(fdt, PL_FDT_PROP_PIO, pio, sizeof(pio));
}

static int device_nodes(void *fdt, const struct pl_fdt_params *p)
{
	TRY(region_node(fdt, "vga", "pagelab,vga", PL_VGA_BASE, PL_VGA_SIZE));
	TRY(fdt_end_node(fdt));
	TRY(region_node(fdt, "rom", "pagelab,rom", PL_ROM_BASE, PL_ROM_SIZE));
	TRY(fdt_property_u32(fdt, PL_FDT_PROP_ROM_IDENT_LEN, p->rom_ident_len));
	TRY(fdt_end_node(fdt));
	TRY(region_node(fdt, "mmio", "pagelab,mmio-window", PL_MMIO_BASE, PL_MMIO_SIZE));
	TRY(fdt_end_node(fdt));
	TRY(pio_node(fdt, "uart", "ns16550a", PL_PORT_UART0, 8));
	TRY(fdt_property_u32(fdt, "clock-frequency", 1843200));
	TRY(fdt_property_u32(fdt, "current-speed", 115200));
	TRY(fdt_end_node(fdt));
	TRY(pio_node(fdt, "hypercall", "pagelab,hypercall", PL_PORT_HYPERCALL, 4));
	TRY(fdt_end_node(fdt));
	TRY(pio_node(fdt, "exit", "pagelab,exit", PL_PORT_EXIT, 4));
	return fdt_end_node(fdt);
}

/* An FDT string list: the strings back to back, each with its NUL. */
static int prop_strings(void *fdt, const char *name, const char *const *v)
{
	size_t len = 0;
	void *val;
	char *q;

	for (const char *const *s = v; *s; s++)
		len += strlen(*s) + 1;
	TRY(fdt_property_placeholder(fdt, name, (int)len, &val));
	q = val;
	for (const char *const *s = v; *s; s++) {
		size_t n = strlen(*s) + 1;

		memcpy(q, *s, n);
		q += n;
	}
	return 0;
}

static int chosen_node(void *fdt, const struct pl_fdt_params *p)
{
	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(fdt_property_string(fdt, "bootargs", p->bootargs ? p->bootargs : ""));
	if (p->tsc_khz)
		TRY(fdt_property_u32(fdt, PL_FDT_PROP_TSC_KHZ, p->tsc_khz));
	TRY(fdt_property_u64(fdt, PL_FDT_PROP_BOOT_EPOCH, p->boot_epoch_ns));
	TRY(fdt_property_u32(fdt, PL_FDT_PROP_HOST_FLAGS, p->host_flags));
	if (p->argv && p->argv[0])
		TRY(prop_strings(fdt, PL_FDT_PROP_ARGV, p->argv));
	if (p->envp && p->envp[0])
		TRY(prop_strings(fdt, PL_FDT_PROP_ENVP, p->envp));
	if (p->initrd_end > p->initrd_start) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", p->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", p->initrd_end));
	}
	return fdt_end_node(fdt);
}

int pl_fdt_build(void *buf, size_t size, const struct pl_fdt_params *p)
{
	void *fdt = buf;

	if (size > INT32_MAX)
		size = INT32_MAX;
	TRY(fdt_create(fdt, (int)size));
	/* A zero-sized entry would end the map for a reader: leave it out. */
	for (unsigned i = 0; i < p->nreserved; i++)
		if (p->reserved[i].size)
			TRY(fdt_add_reservemap_entry(fdt, p->reserved[i].base,
						     p->reserved[i].size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", PL_FDT_COMPAT_ROOT));
	TRY(fdt_property_string(fdt, "model", "pagelab " PAGELAB_VERSION));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(memory_nodes(fdt, p->map));
	TRY(device_nodes(fdt, p));
	TRY(chosen_node(fdt, p));
	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}
