// SPDX-License-Identifier: MIT
/*
 * The machine's own devices besides the UART and the hypercall port: the
 * exit port, the BIOS ROM (whose reads KVM serves from a read-only slot;
 * only writes reach us) and the VGA memory (plain RAM, listed so that the
 * device tree and the bus know it is taken). An access nobody claims ends
 * the run: the guest kernel is ours, so a stray access is a bug to
 * report, not something to paper over.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "devices.h"
#include "rom.h"
#include "error.h"
#include "fdtgen.h"

int pl_port_out32(struct pl_sandbox *sb, const char *what, uint16_t port, uint64_t offset,
		  const void *data, unsigned len, bool write, uint32_t *value)
{
	if (offset != 0 || len != 4 || !write) {
		pl_sandbox_end(sb, PL_END_BAD_GUEST, 0,
			       "%u-byte %s of %s port 0x%x (expected a 32-bit out)", len,
			       write ? "write" : "read", what, (unsigned)(port + offset));
		return -1;
	}
	memcpy(value, data, sizeof(*value));
	return 0;
}

static int exit_write(struct pl_device *dev, unsigned window, uint64_t offset, const void *data,
		      unsigned len)
{
	struct pl_sandbox *sb = dev->sandbox;
	uint32_t status;

	(void)window;
	if (pl_port_out32(sb, "exit", PL_PORT_EXIT, offset, data, len, true, &status))
		return -1;
	if (status > 255) {
		pl_sandbox_end(sb, PL_END_BAD_GUEST, 0, "exit status %" PRIu32 " is not in 0..255",
			       status);
		return -1;
	}
	pl_sandbox_end(sb, PL_END_EXIT, (int)status, "exit");
	return -1;
}

static int exit_read(struct pl_device *dev, unsigned window, uint64_t offset, void *data,
		     unsigned len)
{
	uint32_t unused;

	(void)window;
	return pl_port_out32(dev->sandbox, "exit", PL_PORT_EXIT, offset, data, len, false, &unused);
}

struct rom {
	struct pl_device dev;
	char ident[64];
	fdt32_t ident_len;
};

/* Guest writes to the read-only slot arrive here; a ROM ignores them. */
static int rom_write(struct pl_device *dev, unsigned window, uint64_t offset, const void *data,
		     unsigned len)
{
	(void)window;
	(void)offset;
	(void)data;
	dev->counter[0]++;
	return (int)len;
}

/* Reads arrive only when KVM lacks read-only slots and the ROM is not mapped at all. */
static int rom_read(struct pl_device *dev, unsigned window, uint64_t offset, void *data,
		    unsigned len)
{
	const struct pl_slot *s = pl_guestmem_slot(&dev->sandbox->mem, PL_ROM_BASE);

	(void)window;
	memset(data, 0xff, len);
	if (s && offset + len <= s->size)
		memcpy(data, s->hva + offset, len);
	return (int)len;
}

static void free_device(struct pl_device *dev)
{
	free(dev->opaque);
}

static int add_exit(struct pl_sandbox *sb)
{
	static const struct pl_device proto = {
		.name = "exit",
		.compatible = "pagelab,exit",
		.window = { { PL_SPACE_PIO, PL_PORT_EXIT, 4 } },
		.nwindows = 1,
		.read = exit_read,
		.write = exit_write,
		.destroy = free_device,
	};
	struct pl_device *dev = malloc(sizeof(*dev));

	if (!dev) {
		pl_set_error(PL_ERR_HOST, "out of memory");
		return -1;
	}
	*dev = proto;
	dev->opaque = dev;
	if (pl_device_register(sb, dev, true)) {
		free(dev);
		return -1;
	}
	return 0;
}

static int add_rom(struct pl_sandbox *sb)
{
	struct rom *rom = calloc(1, sizeof(*rom));
	struct pl_device *dev = rom ? &rom->dev : NULL;

	if (!rom) {
		pl_set_error(PL_ERR_HOST, "out of memory");
		return -1;
	}
	snprintf(rom->ident, sizeof(rom->ident), "pagelab %s BIOS ROM", PAGELAB_VERSION);
	rom->ident_len = cpu_to_fdt32((uint32_t)strlen(rom->ident));
	*dev = (struct pl_device){
		.name = "rom",
		.compatible = "pagelab,rom",
		.window = { { PL_SPACE_MMIO, PL_ROM_BASE, PL_ROM_SIZE } },
		.nwindows = 1,
		.prop = { { PL_FDT_PROP_ROM_IDENT_LEN, &rom->ident_len, sizeof(rom->ident_len) } },
		.nprops = 1,
		.read = rom_read,
		.write = rom_write,
		.destroy = free_device,
		.opaque = rom,
		.counter_name = { "ignored-writes" },
	};
	if (pl_device_register(sb, dev, true)) {
		free(rom);
		return -1;
	}
	return 0;
}

/* RAM: the guest's accesses never leave KVM. */
static int add_vga(struct pl_sandbox *sb)
{
	struct pl_device *dev = calloc(1, sizeof(*dev));

	if (!dev) {
		pl_set_error(PL_ERR_HOST, "out of memory");
		return -1;
	}
	*dev = (struct pl_device){
		.name = "vga",
		.compatible = "pagelab,vga",
		.window = { { PL_SPACE_MMIO, PL_VGA_BASE, PL_VGA_SIZE } },
		.nwindows = 1,
		.destroy = free_device,
		.opaque = dev,
	};
	if (pl_device_register(sb, dev, true)) {
		free(dev);
		return -1;
	}
	return 0;
}

/*
 * The ROM's content, once guest memory is mapped: a user's image (--rom) or
 * pagelab's identification string, whose length the device tree then names.
 */
int pl_rom_load(struct pl_sandbox *sb, const char *image)
{
	struct pl_device *dev = pl_sandbox_device(sb, "rom");
	const struct pl_slot *slot = pl_guestmem_slot(&sb->mem, PL_ROM_BASE);
	struct rom *rom;

	if (!dev || !slot) {
		pl_set_error(PL_ERR_HOST, "the ROM device or its memory is missing");
		return -1;
	}
	rom = dev->opaque;
	if (pl_rom_fill((char *)slot->hva, slot->size, image, rom->ident, sizeof(rom->ident)))
		return -1;
	rom->ident_len = cpu_to_fdt32((uint32_t)strlen(rom->ident));
	return 0;
}

int pl_devices_register(struct pl_sandbox *sb)
{
	if (pl_uart_add(sb) || pl_hcall_add(sb) || add_exit(sb) || add_rom(sb) || add_vga(sb) ||
	    pl_console_add(sb) || pl_viommu_add(sb) || pl_dma_engine_add(sb))
		return -1;
	return 0;
}
