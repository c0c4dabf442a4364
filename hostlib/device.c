// SPDX-License-Identifier: MIT
/*
 * The device model, after kvmtool's: every device, built-in or a host
 * program's, is a struct pl_device whose windows sit on the port or MMIO
 * bus. A guest access finds its window, the device's callback answers,
 * and what the callback returns is checked here, once for all devices.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "devices.h"
#include "error.h"

static struct pl_bus *bus_of(struct pl_sandbox *sb, enum pl_space space)
{
	return space == PL_SPACE_PIO ? &sb->pio : &sb->mmio;
}

static bool name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0 || n >= PL_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '-'))
			return false;
	return true;
}

static int check_device(const struct pl_sandbox *sb, const struct pl_device *dev, bool builtin)
{
	if (!name_ok(dev->name)) {
		pl_set_error(PL_ERR_CONFIG,
			     "a device needs a name of 1 to %d characters a-z, 0-9 "
			     "or '-'",
			     PL_NAME_MAX - 1);
		return -EINVAL;
	}
	if (pl_sandbox_device(sb, dev->name)) {
		pl_set_error(PL_ERR_CONFIG, "device '%s': a device of that name is registered",
			     dev->name);
		return -EINVAL;
	}
	if (dev->nwindows > PL_DEVICE_WINDOWS || dev->nprops > PL_DEVICE_PROPS) {
		pl_set_error(PL_ERR_CONFIG, "device '%s': more than %d windows or %d properties",
			     dev->name, PL_DEVICE_WINDOWS, PL_DEVICE_PROPS);
		return -EINVAL;
	}
	if (sb->ndev == PL_DEVICES_MAX) {
		pl_set_error(PL_ERR_CONFIG, "device '%s': a sandbox has at most %d devices",
			     dev->name, PL_DEVICES_MAX);
		return -ENOSPC;
	}
	for (unsigned i = 0; i < dev->nwindows && !builtin; i++) {
		const struct pl_window *w = &dev->window[i];

		if (w->space == PL_SPACE_MMIO &&
		    (w->base < PL_MMIO_BASE || w->size > PL_MMIO_SIZE ||
		     w->base - PL_MMIO_BASE > PL_MMIO_SIZE - w->size)) {
			pl_set_error(PL_ERR_CONFIG,
				     "device '%s': MMIO window 0x%" PRIx64 "+0x%" PRIx64
				     " is not inside the device window 0x%llx-0x%llx",
				     dev->name, w->base, w->size, PL_MMIO_BASE,
				     PL_MMIO_BASE + PL_MMIO_SIZE - 1);
			return -EINVAL;
		}
		if (w->space == PL_SPACE_PIO && (w->base > 0xffff || w->size > 0x10000 - w->base)) {
			pl_set_error(PL_ERR_CONFIG,
				     "device '%s': port window 0x%" PRIx64 "+0x%" PRIx64
				     " does not fit in the 64 Ki ports",
				     dev->name, w->base, w->size);
			return -EINVAL;
		}
		if (w->space != PL_SPACE_MMIO && w->space != PL_SPACE_PIO) {
			pl_set_error(PL_ERR_CONFIG, "device '%s': window %u has no address space",
				     dev->name, i);
			return -EINVAL;
		}
	}
	return 0;
}

static int window_refused(struct pl_sandbox *sb, struct pl_device *dev, unsigned i, int err,
			  const struct pl_bus_window *clash)
{
	const struct pl_window *w = &dev->window[i];
	const char *space = bus_of(sb, w->space)->space;

	if (clash)
		pl_set_error(PL_ERR_CONFIG,
			     "device '%s': %s window 0x%" PRIx64 "+0x%" PRIx64
			     " overlaps device '%s' at 0x%" PRIx64 "+0x%" PRIx64,
			     dev->name, space, w->base, w->size, clash->dev->name, clash->base,
			     clash->size);
	else if (err == -ENOSPC)
		pl_set_error(PL_ERR_CONFIG, "device '%s': the %s bus is full", dev->name, space);
	else
		pl_set_error(PL_ERR_CONFIG,
			     "device '%s': %s window 0x%" PRIx64 "+0x%" PRIx64
			     " is empty or wraps around",
			     dev->name, space, w->base, w->size);
	pl_bus_unregister(&sb->pio, dev);
	pl_bus_unregister(&sb->mmio, dev);
	return err;
}

int pl_device_register(struct pl_sandbox *sb, struct pl_device *dev, bool builtin)
{
	int err = check_device(sb, dev, builtin);

	if (err)
		return err;
	for (unsigned i = 0; i < dev->nwindows; i++) {
		const struct pl_window *w = &dev->window[i];
		const struct pl_bus_window *clash;

		err = pl_bus_register(bus_of(sb, w->space), w->base, w->size, dev, i, &clash);
		if (err)
			return window_refused(sb, dev, i, err, clash);
	}
	dev->sandbox = sb;
	sb->dev[sb->ndev++] = dev;
	return 0;
}

void pl_devices_release(struct pl_sandbox *sb)
{
	while (sb->ndev) {
		struct pl_device *dev = sb->dev[--sb->ndev];

		pl_bus_unregister(&sb->pio, dev);
		pl_bus_unregister(&sb->mmio, dev);
		if (dev->destroy)
			dev->destroy(dev);
	}
}

void pl_devices_reset(struct pl_sandbox *sb)
{
	for (unsigned i = 0; i < sb->ndev; i++)
		if (sb->dev[i]->reset)
			sb->dev[i]->reset(sb->dev[i]);
}

void pl_devices_stats(struct pl_sandbox *sb)
{
	sb->res.ndevices = sb->ndev;
	for (unsigned i = 0; i < sb->ndev; i++) {
		const struct pl_device *dev = sb->dev[i];
		struct pl_device_stats *st = &sb->res.device[i];
		unsigned n = 0;

		memset(st, 0, sizeof(*st));
		snprintf(st->name, sizeof(st->name), "%s", dev->name);
		st->reads = dev->reads;
		st->writes = dev->writes;
		st->errors = dev->errors;
		for (unsigned c = 0; c < PL_DEVICE_COUNTERS; c++) {
			if (!dev->counter_name[c])
				continue;
			snprintf(st->counter[n].name, sizeof(st->counter[n].name), "%s",
				 dev->counter_name[c]);
			st->counter[n++].value = dev->counter[c];
		}
		st->ncounters = n;
	}
}

int pl_sandbox_add_device(struct pl_sandbox *sb, struct pl_device *dev)
{
	int err;

	pl_clear_error();
	if (!dev) {
		pl_set_error(PL_ERR_CONFIG, "no device given");
		return -EINVAL;
	}
	if (sb->started || sb->kvm.vcpu < 0) {
		pl_set_error(PL_ERR_CONFIG,
			     "device '%s': devices are added after pl_sandbox_create and before "
			     "the first step",
			     dev->name ? dev->name : "?");
		return -EBUSY;
	}
	err = pl_device_register(sb, dev, false);
	if (err)
		return err;
	err = pl_sandbox_fdt_add(sb, dev);
	if (err) {
		sb->ndev--;
		pl_bus_unregister(&sb->pio, dev);
		pl_bus_unregister(&sb->mmio, dev);
		dev->sandbox = NULL;
	}
	return err;
}

struct pl_device *const *pl_sandbox_devices(const struct pl_sandbox *sb, unsigned *n)
{
	*n = sb->ndev;
	return sb->dev;
}

struct pl_device *pl_sandbox_device(const struct pl_sandbox *sb, const char *name)
{
	for (unsigned i = 0; name && i < sb->ndev; i++)
		if (!strcmp(sb->dev[i]->name, name))
			return sb->dev[i];
	return NULL;
}

int pl_result_counter(const struct pl_result *res, const char *device, const char *counter,
		      uint64_t *value)
{
	for (unsigned i = 0; i < res->ndevices && i < PL_DEVICES_MAX; i++) {
		const struct pl_device_stats *st = &res->device[i];

		if (strcmp(st->name, device))
			continue;
		if (!strcmp(counter, "reads") || !strcmp(counter, "writes") ||
		    !strcmp(counter, "errors")) {
			*value = counter[0] == 'r'   ? st->reads
				 : counter[0] == 'w' ? st->writes
						     : st->errors;
			return 0;
		}
		for (unsigned c = 0; c < st->ncounters && c < PL_DEVICE_COUNTERS; c++)
			if (!strcmp(st->counter[c].name, counter)) {
				*value = st->counter[c].value;
				return 0;
			}
	}
	pl_set_error(PL_ERR_CONFIG, "no counter '%s' of a device '%s' in this result", counter,
		     device);
	return -ENOENT;
}

/* A callback returned something other than len. */
static int device_failed(struct pl_sandbox *sb, const struct pl_bus_window *w, uint64_t offset,
			 void *data, unsigned len, bool write, int r)
{
	struct pl_device *dev = w->dev;
	const char *what = write ? "write" : "read";

	if (r < 0 && r >= -4095) {
		dev->errors++;
		if (!write)
			memset(data, 0xff, len);
		if (!sb->dev_err) {
			sb->dev_err = r;
			pl_set_error(PL_ERR_HOST,
				     "device '%s': its %s callback failed for a %u-byte access at "
				     "offset 0x%" PRIx64 " of window %u: %s",
				     dev->name, what, len, offset, w->index, strerror(-r));
		}
		return 0;
	}
	pl_sandbox_end(sb, PL_END_BAD_GUEST, 0,
		       "device '%s' broke the callback protocol: its %s callback returned %d for a "
		       "%u-byte access at offset 0x%" PRIx64 " (expected %u or a negative errno)",
		       dev->name, what, r, len, offset, len);
	return -1;
}

static int dispatch(struct pl_sandbox *sb, struct pl_bus *bus, uint64_t addr, void *data,
		    unsigned len, bool write)
{
	const struct pl_bus_window *w = pl_bus_find(bus, addr, len);
	struct pl_device *dev;
	int r;

	if (!w) {
		pl_sandbox_end(sb, PL_END_BAD_GUEST, 0, "%u-byte %s %s unassigned %s 0x%" PRIx64,
			       len, write ? "write" : "read", write ? "to" : "from", bus->space,
			       addr);
		return -1;
	}
	dev = w->dev;
	if (write) {
		dev->writes++;
		r = dev->write ? dev->write(dev, w->index, addr - w->base, data, len) : (int)len;
	} else {
		dev->reads++;
		if (!dev->read)
			memset(data, 0xff, len);
		r = dev->read ? dev->read(dev, w->index, addr - w->base, data, len) : (int)len;
	}
	if (sb->ended)
		return -1;
	if (r == (int)len)
		return 0;
	return device_failed(sb, w, addr - w->base, data, len, write, r);
}

int pl_pio_dispatch(struct pl_sandbox *sb, uint16_t port, void *data, unsigned size, bool write)
{
	return dispatch(sb, &sb->pio, port, data, size, write);
}

int pl_mmio_dispatch(struct pl_sandbox *sb, uint64_t addr, void *data, unsigned len, bool write)
{
	return dispatch(sb, &sb->mmio, addr, data, len, write);
}
