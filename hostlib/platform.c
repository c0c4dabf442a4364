// SPDX-License-Identifier: MIT
/*
 * The machine's buses: which device answers where, the exit port, the
 * ROM's write side, and the dispatch of KVM's PIO and MMIO exits. An
 * access nobody claims ends the run: the guest kernel is ours, so a stray
 * access is a bug to report, not something to paper over.
 */
#include <inttypes.h>
#include <string.h>

#include "devices.h"

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

int pl_exit_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write)
{
	struct pl_sandbox *sb = opaque;
	uint32_t status;

	if (pl_port_out32(sb, "exit", PL_PORT_EXIT, offset, data, len, write, &status))
		return -1;
	if (status > 255) {
		pl_sandbox_end(sb, PL_END_BAD_GUEST, 0, "exit status %" PRIu32 " is not in 0..255",
			       status);
		return -1;
	}
	pl_sandbox_end(sb, PL_END_EXIT, (int)status, "exit");
	return -1;
}

/*
 * Guest writes to the read-only slot arrive here; a ROM ignores them.
 * Reads arrive only when KVM lacks read-only slots and the ROM is not
 * mapped into the guest at all.
 */
int pl_rom_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write)
{
	struct pl_sandbox *sb = opaque;
	const struct pl_slot *s = pl_guestmem_slot(&sb->mem, PL_ROM_BASE);

	if (write) {
		sb->res.rom_writes++;
		return 0;
	}
	memset(data, 0xff, len);
	if (s && offset + len <= s->size)
		memcpy(data, s->hva + offset, len);
	return 0;
}

int pl_devices_register(struct pl_sandbox *sb)
{
	int err = 0;

	err |= pl_bus_register(&sb->pio, PL_PORT_UART0, 8, pl_uart_io, sb, "uart");
	err |= pl_bus_register(&sb->pio, PL_PORT_HYPERCALL, 4, pl_hcall_io, sb, "hypercall");
	err |= pl_bus_register(&sb->pio, PL_PORT_EXIT, 4, pl_exit_io, sb, "exit");
	err |= pl_bus_register(&sb->mmio, PL_ROM_BASE, PL_ROM_SIZE, pl_rom_io, sb, "rom");
	return err ? -1 : 0;
}

static int dispatch(struct pl_sandbox *sb, struct pl_bus *bus, uint64_t addr, void *data,
		    unsigned len, bool write)
{
	const struct pl_bus_window *w = pl_bus_find(bus, addr, len);

	if (!w) {
		pl_sandbox_end(sb, PL_END_BAD_GUEST, 0, "%u-byte %s %s unassigned %s 0x%" PRIx64,
			       len, write ? "write" : "read", write ? "to" : "from", bus->space,
			       addr);
		return -1;
	}
	return w->fn(w->opaque, addr - w->base, data, len, write);
}

int pl_pio_dispatch(struct pl_sandbox *sb, uint16_t port, void *data, unsigned size, bool write)
{
	return dispatch(sb, &sb->pio, port, data, size, write);
}

int pl_mmio_dispatch(struct pl_sandbox *sb, uint64_t addr, void *data, unsigned len, bool write)
{
	return dispatch(sb, &sb->mmio, addr, data, len, write);
}
