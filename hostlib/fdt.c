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

/*
 * A device's properties go through one writer for both libfdt APIs: the
 * sequential one while the tree is built, the read-write one for a device
 * a host program adds to a finished tree.
 */
struct prop_writer {
	void *fdt;
	int node; /* < 0: sequential writes */
};

static int put_prop(const struct prop_writer *w, const char *name, const void *val, int len)
{
	if (w->node < 0)
		return fdt_property(w->fdt, name, val, len);
	return fdt_setprop(w->fdt, w->node, name, val, len);
}

/* Each MMIO window a reg entry, each PIO window a <first-port count> pair. */
static int window_props(const struct prop_writer *w, const struct pl_device *dev)
{
	fdt64_t reg[2 * PL_DEVICE_WINDOWS];
	fdt32_t pio[2 * PL_DEVICE_WINDOWS];
	int nreg = 0, npio = 0;

	for (unsigned i = 0; i < dev->nwindows && i < PL_DEVICE_WINDOWS; i++) {
		const struct pl_window *win = &dev->window[i];

		if (win->space == PL_SPACE_MMIO) {
			reg[nreg++] = cpu_to_fdt64(win->base);
			reg[nreg++] = cpu_to_fdt64(win->size);
		} else {
			pio[npio++] = cpu_to_fdt32((uint32_t)win->base);
			pio[npio++] = cpu_to_fdt32((uint32_t)win->size);
		}
	}
	if (nreg)
		TRY(put_prop(w, "reg", reg, nreg * (int)sizeof(reg[0])));
	if (npio)
		TRY(put_prop(w, PL_FDT_PROP_PIO, pio, npio * (int)sizeof(pio[0])));
	return 0;
}

static int device_props(const struct prop_writer *w, const struct pl_device *dev)
{
	TRY(put_prop(w, "compatible", dev->compatible, (int)strlen(dev->compatible) + 1));
	TRY(window_props(w, dev));
	for (unsigned i = 0; i < dev->nprops && i < PL_DEVICE_PROPS; i++)
		TRY(put_prop(w, dev->prop[i].name, dev->prop[i].value, (int)dev->prop[i].len));
	return 0;
}

/*
 * A node is named after its device, except virtio-mmio devices, which are
 * virtio_mmio@ADDRESS whatever they do, as Linux's bindings and kvmtool
 * name them.
 */
static void device_node_name(const struct pl_device *dev, char *buf, size_t len)
{
	const char *name = strcmp(dev->compatible, "virtio,mmio") ? dev->name : "virtio_mmio";

	if (dev->nwindows)
		snprintf(buf, len, "%s@%llx", name, (unsigned long long)dev->window[0].base);
	else
		snprintf(buf, len, "%s", dev->name);
}

/* The device window itself, then one node per device that has a compatible. */
static int device_nodes(void *fdt, const struct pl_fdt_params *p)
{
	struct prop_writer w = { fdt, -1 };
	char name[64];

	for (unsigned i = 0; i < p->map->n; i++) {
		const struct pl_region *r = &p->map->region[i];

		if (r->kind != PL_REGION_MMIO)
			continue;
		TRY(region_node(fdt, "mmio", "pagelab,mmio-window", r->base, r->size));
		TRY(fdt_end_node(fdt));
	}
	for (unsigned i = 0; i < p->ndevices; i++) {
		const struct pl_device *dev = p->devices[i];

		if (!dev->compatible)
			continue;
		device_node_name(dev, name, sizeof(name));
		TRY(fdt_begin_node(fdt, name));
		TRY(device_props(&w, dev));
		TRY(fdt_end_node(fdt));
	}
	return 0;
}

int pl_fdt_add_device(void *fdt, size_t room, const struct pl_device *dev)
{
	struct prop_writer w = { fdt, -1 };
	char name[64];
	int err;

	if (!dev->compatible)
		return 0;
	if (room > INT32_MAX)
		room = INT32_MAX;
	TRY(fdt_open_into(fdt, fdt, (int)room));
	device_node_name(dev, name, sizeof(name));
	w.node = fdt_add_subnode(fdt, 0, name);
	err = w.node < 0 ? w.node : device_props(&w, dev);
	if (err) {
		/* Back to the tree as it was: drop the half-made node. */
		if (w.node >= 0)
			fdt_del_node(fdt, w.node);
		fdt_pack(fdt);
		return err;
	}
	return fdt_pack(fdt);
}

int pl_fdt_set_host_flag(void *fdt, uint32_t flag, bool on)
{
	int node = fdt_path_offset(fdt, "/chosen");
	const fdt32_t *val;
	uint32_t flags;
	int len;

	if (node < 0)
		return node;
	val = fdt_getprop(fdt, node, PL_FDT_PROP_HOST_FLAGS, &len);
	if (!val || len != sizeof(*val))
		return -FDT_ERR_NOTFOUND;
	flags = fdt32_to_cpu(*val);
	flags = on ? flags | flag : flags & ~flag;
	/* The same size in place: nothing else in the tree moves. */
	return fdt_setprop_inplace_u32(fdt, node, PL_FDT_PROP_HOST_FLAGS, flags);
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
	if (p->written_map.size) {
		fdt64_t map[2] = { cpu_to_fdt64(p->written_map.base),
				   cpu_to_fdt64(p->written_map.size) };

		TRY(fdt_property(fdt, PL_FDT_PROP_WRITTEN_MAP, map, sizeof(map)));
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
