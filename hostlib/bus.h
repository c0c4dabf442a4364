/* SPDX-License-Identifier: MIT */
/*
 * One dispatch table per address space (port I/O, MMIO) that devices
 * register windows into, as kvmtool's mmio.c does.
 */
#ifndef PL_HOSTLIB_BUS_H
#define PL_HOSTLIB_BUS_H

#include <stdbool.h>
#include <stdint.h>

#define PL_BUS_MAX 16

/*
 * offset is relative to the window's base; data holds len (1..8) bytes,
 * little-endian, to be filled on a read. Returns 0, or -1 when the access
 * breaks the device's protocol (the handler has ended the run then).
 */
typedef int (*pl_io_fn)(void *opaque, uint64_t offset, void *data, unsigned len, bool write);

struct pl_bus_window {
	uint64_t base;
	uint64_t size;
	pl_io_fn fn;
	void *opaque;
	const char *name;
};

struct pl_bus {
	const char *space; /* "port", "MMIO address": for messages */
	struct pl_bus_window win[PL_BUS_MAX];
	unsigned n;
};

/* 0, or -EINVAL for an empty, wrapping or overlapping window, -ENOSPC. */
int pl_bus_register(struct pl_bus *bus, uint64_t base, uint64_t size, pl_io_fn fn, void *opaque,
		    const char *name);
/* The window wholly containing [addr, addr + len), or NULL. */
const struct pl_bus_window *pl_bus_find(const struct pl_bus *bus, uint64_t addr, unsigned len);

#endif
