// SPDX-License-Identifier: MIT
/*
 * A handful of windows per bus: a linear search costs nothing next to
 * the exit that brought us here.
 */
#include <errno.h>
#include <stddef.h>

#include "bus.h"

int pl_bus_register(struct pl_bus *bus, uint64_t base, uint64_t size, pl_io_fn fn, void *opaque,
		    const char *name)
{
	if (size == 0 || base + size < base || !fn)
		return -EINVAL;
	for (unsigned i = 0; i < bus->n; i++) {
		const struct pl_bus_window *w = &bus->win[i];

		if (base < w->base + w->size && w->base < base + size)
			return -EINVAL;
	}
	if (bus->n == PL_BUS_MAX)
		return -ENOSPC;
	bus->win[bus->n++] = (struct pl_bus_window){
		.base = base, .size = size, .fn = fn, .opaque = opaque, .name = name
	};
	return 0;
}

const struct pl_bus_window *pl_bus_find(const struct pl_bus *bus, uint64_t addr, unsigned len)
{
	for (unsigned i = 0; i < bus->n; i++) {
		const struct pl_bus_window *w = &bus->win[i];

		if (addr >= w->base && addr - w->base < w->size &&
		    len <= w->size - (addr - w->base))
			return w;
	}
	return NULL;
}
