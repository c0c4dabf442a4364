// SPDX-License-Identifier: MIT
/*
 * A handful of windows per bus: a linear search costs nothing next to
 * the exit that brought us here. This is the one place that decides
 * whether a window may be registered.
 */
#include <errno.h>
#include <stddef.h>

#include "bus.h"

int pl_bus_register(struct pl_bus *bus, uint64_t base, uint64_t size, struct pl_device *dev,
		    unsigned index, const struct pl_bus_window **clash)
{
	if (clash)
		*clash = NULL;
	if (size == 0 || base + size < base || !dev)
		return -EINVAL;
	for (unsigned i = 0; i < bus->n; i++) {
		const struct pl_bus_window *w = &bus->win[i];

		if (base < w->base + w->size && w->base < base + size) {
			if (clash)
				*clash = w;
			return -EINVAL;
		}
	}
	if (bus->n == PL_BUS_MAX)
		return -ENOSPC;
	bus->win[bus->n++] =
	    (struct pl_bus_window){ .base = base, .size = size, .dev = dev, .index = index };
	return 0;
}

void pl_bus_unregister(struct pl_bus *bus, const struct pl_device *dev)
{
	unsigned j = 0;

	for (unsigned i = 0; i < bus->n; i++)
		if (bus->win[i].dev != dev)
			bus->win[j++] = bus->win[i];
	bus->n = j;
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
