/* SPDX-License-Identifier: MIT */
/*
 * One dispatch table per address space (port I/O, MMIO) that devices
 * register windows into, as kvmtool's mmio.c does.
 */
#ifndef PL_HOSTLIB_BUS_H
#define PL_HOSTLIB_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include <pagelab/hostlib.h>

#define PL_BUS_MAX (2 * PL_DEVICES_MAX)

struct pl_bus_window {
	uint64_t base;
	uint64_t size;
	struct pl_device *dev;
	unsigned index; /* in dev->window[] */
};

struct pl_bus {
	const char *space; /* "port", "MMIO address": for messages */
	struct pl_bus_window win[PL_BUS_MAX];
	unsigned n;
};

/*
 * 0; -EINVAL for an empty or wrapping window, or one that overlaps another
 * (*clash is then that one, else NULL); -ENOSPC when the bus is full.
 */
int pl_bus_register(struct pl_bus *bus, uint64_t base, uint64_t size, struct pl_device *dev,
		    unsigned index, const struct pl_bus_window **clash);
/* Takes every window of dev off the bus. */
void pl_bus_unregister(struct pl_bus *bus, const struct pl_device *dev);
/* The window wholly containing [addr, addr + len), or NULL. */
const struct pl_bus_window *pl_bus_find(const struct pl_bus *bus, uint64_t addr, unsigned len);

#endif
