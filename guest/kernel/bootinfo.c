// SPDX-License-Identifier: MIT
/*
 * Reading the device tree with libfdt: memory nodes, the reservation
 * block, /chosen, and the map of devices. Runs once at boot; nothing here
 * is on a hot path. Pure: the host builds it too (PL_HOST_TEST), so the
 * fuzzer can feed it trees.
 */
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/format.h>
#include <kernel/panic.h>
#include <kernel/string.h>
#include <libfdt.h>
#include <pagelab/serial_abi.h>

struct boot_info boot_info;

#ifdef PL_HOST_TEST
/* Every host test links every pure module; tests that parse trees define their own. */
__attribute__((weak)) void panic(const char *fmt, ...)
{
	(void)fmt;
	__builtin_trap();
}
#endif

static u64 read_cells(const fdt32_t *p, int cells)
{
	u64 v = 0;

	for (int i = 0; i < cells; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/*
 * The root's #address-cells and #size-cells, as reg properties use them.
 * Values read_cells cannot hold in 64 bits, and libfdt's errors (which
 * are negative), would read outside the property or never advance.
 */
static void root_cells(const void *fdt, int *ac, int *sc)
{
	*ac = fdt_address_cells(fdt, 0);
	*sc = fdt_size_cells(fdt, 0);
	if (*ac < 1 || *ac > 2 || *sc < 0 || *sc > 2)
		panic("device tree: unsupported #address-cells %d / #size-cells %d", *ac, *sc);
}

static void add_range(struct phys_range *list, int *n, u64 start, u64 end, const char *what)
{
	if (end <= start)
		return;
	for (int i = 0; i < *n; i++)
		if (start >= list[i].start && end <= list[i].end)
			return; /* already covered (the host may list the tree itself) */
	if (*n == BOOT_MAX_RANGES)
		panic("device tree: more than %d %s ranges", BOOT_MAX_RANGES, what);
	list[*n].start = start;
	list[*n].end = end;
	(*n)++;
}

static void parse_memory(const void *fdt)
{
	int ac, sc, node = -1;

	root_cells(fdt, &ac, &sc);
	while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type", "memory",
						     sizeof("memory"))) >= 0) {
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

		for (int off = 0; reg && off + (ac + sc) * 4 <= len; off += (ac + sc) * 4) {
			u64 base = read_cells(reg + off / 4, ac);
			u64 size = read_cells(reg + off / 4 + ac, sc);

			add_range(boot_info.ram, &boot_info.nr_ram, base, base + size, "memory");
			boot_info.max_phys = MAX(boot_info.max_phys, base + size);
		}
	}
	if (!boot_info.nr_ram)
		panic("device tree has no memory nodes");
}

static void parse_reservations(const void *fdt, u64 fdt_pa)
{
	int n = fdt_num_mem_rsv(fdt);

	for (int i = 0; i < n; i++) {
		u64 addr, size;

		if (fdt_get_mem_rsv(fdt, i, &addr, &size) == 0)
			add_range(boot_info.reserved, &boot_info.nr_reserved, addr, addr + size,
				  "reserved");
	}
	add_range(boot_info.reserved, &boot_info.nr_reserved, fdt_pa, fdt_pa + fdt_totalsize(fdt),
		  "reserved");
}

static u64 chosen_u64(const void *fdt, int node, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);

	if (!p || (len != 4 && len != 8))
		return 0;
	return read_cells(p, len / 4);
}

/*
 * A string or string-list property of /chosen, and its length: NULL and 0
 * if it is absent or empty. Everything after parsing uses these as C
 * strings, so one that does not end in a NUL is refused.
 */
static const char *chosen_strings(const void *fdt, int node, const char *name, int *len)
{
	const char *p = fdt_getprop(fdt, node, name, len);

	if (!p || *len <= 0) {
		*len = 0;
		return NULL;
	}
	if (p[*len - 1] != '\0')
		panic("device tree: /chosen/%s does not end in a NUL", name);
	return p;
}

/* A property of two 64-bit values, start and size, as a range; absent or malformed: empty. */
static struct phys_range chosen_range(const void *fdt, int node, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
	u64 start, size;

	if (!p || len != 16)
		return (struct phys_range){ 0, 0 };
	start = read_cells(p, 2);
	size = read_cells(p + 2, 2);
	if (start + size < start)
		return (struct phys_range){ 0, 0 };
	return (struct phys_range){ start, start + size };
}

static void parse_chosen(const void *fdt)
{
	int node = fdt_path_offset(fdt, "/chosen"), len;

	if (node < 0)
		return;
	boot_info.bootargs = chosen_strings(fdt, node, "bootargs", &len);
	boot_info.argv = chosen_strings(fdt, node, PL_FDT_PROP_ARGV, &boot_info.argv_len);
	boot_info.envp = chosen_strings(fdt, node, PL_FDT_PROP_ENVP, &boot_info.envp_len);
	boot_info.initrd_start = chosen_u64(fdt, node, "linux,initrd-start");
	boot_info.initrd_end = chosen_u64(fdt, node, "linux,initrd-end");
	boot_info.tsc_khz = chosen_u64(fdt, node, PL_FDT_PROP_TSC_KHZ);
	boot_info.boot_epoch_ns = chosen_u64(fdt, node, PL_FDT_PROP_BOOT_EPOCH);
	boot_info.host_flags = chosen_u64(fdt, node, PL_FDT_PROP_HOST_FLAGS);
	boot_info.written_map = chosen_range(fdt, node, PL_FDT_PROP_WRITTEN_MAP);
	if (boot_info.initrd_end > boot_info.initrd_start)
		add_range(boot_info.reserved, &boot_info.nr_reserved, boot_info.initrd_start,
			  boot_info.initrd_end, "reserved");
}

void boot_info_parse(const void *fdt, u64 fdt_pa)
{
	if (fdt_check_header(fdt) != 0)
		panic("no valid device tree at %#lx", (unsigned long)fdt_pa);
	boot_info.fdt = fdt;
	parse_memory(fdt);
	parse_reservations(fdt, fdt_pa);
	parse_chosen(fdt);
	boot_info.hcall_serial =
	    fdt_node_offset_by_compatible(fdt, -1, PL_FDT_COMPAT_SERIAL_HC) >= 0;
}

const char *boot_option(const char *name, char *buf, size_t size)
{
	const char *p = boot_info.bootargs;
	size_t nlen = strlen(name);

	while (p && *p) {
		const char *end;

		while (*p == ' ')
			p++;
		end = strchr(p, ' ');
		if (!end)
			end = p + strlen(p);
		if ((size_t)(end - p) >= nlen && !strncmp(p, name, nlen) &&
		    (p + nlen == end || p[nlen] == '=')) {
			const char *v = p + nlen + (p + nlen < end);
			size_t vlen = MIN((size_t)(end - v), size - 1);

			memcpy(buf, v, vlen);
			buf[vlen] = 0;
			return buf;
		}
		p = end;
	}
	return NULL;
}

static int collect_devices(const void *fdt, struct boot_map_entry *e, int n, int max)
{
	int ac, sc, node;

	root_cells(fdt, &ac, &sc);
	fdt_for_each_subnode(node, fdt, 0)
	{
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		const char *name = fdt_get_name(fdt, node, NULL);
		const char *at = strchr(name, '@');

		if (!reg || len < (ac + sc) * 4 || (type && !strcmp(type, "memory")) || n == max)
			continue;
		e[n].start = read_cells(reg, ac);
		e[n].end = e[n].start + read_cells(reg + ac, sc);
		ksnprintf(e[n].what, sizeof(e[n].what), "%.*s",
			  (int)(at ? at - name : (long)strlen(name)), name);
		n++;
	}
	return n;
}

static void sort_entries(struct boot_map_entry *e, int n)
{
	for (int i = 1; i < n; i++) {
		struct boot_map_entry x = e[i];
		int j = i;

		for (; j > 0 && e[j - 1].start > x.start; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

int boot_map(struct boot_map_entry *e)
{
	int n = 0;

	for (int i = 0; i < boot_info.nr_ram; i++, n++) {
		e[n] =
		    (struct boot_map_entry){ boot_info.ram[i].start, boot_info.ram[i].end, "ram" };
	}
	n = collect_devices(boot_info.fdt, e, n, BOOT_MAX_RANGES * 2);
	for (int i = 0; i < boot_info.nr_reserved; i++, n++)
		e[n] = (struct boot_map_entry){ boot_info.reserved[i].start,
						boot_info.reserved[i].end, "reserved" };
	sort_entries(e, n);
	return n;
}
