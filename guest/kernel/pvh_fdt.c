// SPDX-License-Identifier: MIT
/*
 * The device tree of a PVH boot: what QEMU's start info and the kernel
 * command line say, in the shape the host's tree has (hostlib/fdt.c), so
 * that boot_info_parse() and everything after it are shared. The tree says
 * that hypercalls travel over COM2 (kernel/hcall_serial.c) and that the
 * exit port is QEMU's isa-debug-exit. Pure: tests/unit/test_pvh.c builds
 * trees on the host and parses them back.
 */
#include <kernel/pvh.h>
#include <kernel/string.h>
#include <libfdt.h>
#include <pagelab/abi.h>
#include <pagelab/serial_abi.h>

#define LOW_RESERVED_END 0x100000 /* BIOS data, option ROMs, the start info */
#define STRINGS_SIZE	 PL_PVH_STRINGS_MAX
#define BOOTARGS_SIZE	 4096

#define TRY(x)                       \
	do {                         \
		int err_ = (x);      \
		if (err_ < 0)        \
			return err_; \
	} while (0)

/* A string list under construction: NUL-separated values. */
struct strlist {
	char buf[STRINGS_SIZE];
	int len;
};

/* The command line, sorted: what goes to /chosen, and the kernel options. */
static struct pvh_run {
	struct strlist argv, envp;
	char bootargs[BOOTARGS_SIZE];
	u64 tsc_khz, epoch_ns;
	bool overflow;
} run;

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes a percent-encoded word of n bytes onto the list, with its NUL. */
static void strlist_add(struct strlist *l, const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = w[i];

		if (c == '%' && i + 2 < n && hexval(w[i + 1]) >= 0 && hexval(w[i + 2]) >= 0) {
			c = (char)(hexval(w[i + 1]) << 4 | hexval(w[i + 2]));
			i += 2;
		}
		if (l->len >= STRINGS_SIZE - 1) {
			run.overflow = true;
			return;
		}
		l->buf[l->len++] = c;
	}
	l->buf[l->len++] = '\0';
}

static u64 decimal(const char *w, size_t n)
{
	u64 v = 0;

	for (size_t i = 0; i < n && w[i] >= '0' && w[i] <= '9'; i++)
		v = v * 10 + (u64)(w[i] - '0');
	return v;
}

static bool word_is(const char *w, size_t n, const char *prefix, size_t *plen)
{
	*plen = strlen(prefix);
	return n >= *plen && !strncmp(w, prefix, *plen);
}

/* One word of the command line: a /chosen value, or a kernel option. */
static void parse_word(const char *w, size_t n)
{
	size_t p, len = strlen(run.bootargs);

	if (word_is(w, n, PL_PVH_ARG_ARGV, &p))
		strlist_add(&run.argv, w + p, n - p);
	else if (word_is(w, n, PL_PVH_ARG_ENVP, &p))
		strlist_add(&run.envp, w + p, n - p);
	else if (word_is(w, n, PL_PVH_ARG_TSC_KHZ, &p))
		run.tsc_khz = decimal(w + p, n - p);
	else if (word_is(w, n, PL_PVH_ARG_EPOCH, &p))
		run.epoch_ns = decimal(w + p, n - p);
	else if (len + 1 + n >= sizeof(run.bootargs))
		run.overflow = true;
	else {
		if (len)
			run.bootargs[len++] = ' ';
		memcpy(run.bootargs + len, w, n);
		run.bootargs[len + n] = '\0';
	}
}

static void parse_cmdline(const char *s)
{
	memset(&run, 0, sizeof(run));
	while (s && *s) {
		size_t n = 0;

		while (*s == ' ')
			s++;
		while (s[n] && s[n] != ' ')
			n++;
		if (n)
			parse_word(s, n);
		s += n;
	}
}

static int prop_reg(void *fdt, u64 base, u64 size)
{
	fdt64_t reg[2] = { cpu_to_fdt64(base), cpu_to_fdt64(size) };

	return fdt_property(fdt, "reg", reg, sizeof(reg));
}

/* Port-I/O devices carry PL_FDT_PROP_PIO, as in the host's tree. */
static int pio_node(void *fdt, const char *name, const char *compat, u32 port, u32 count)
{
	fdt32_t pio[2] = { cpu_to_fdt32(port), cpu_to_fdt32(count) };

	TRY(fdt_begin_node(fdt, name));
	TRY(fdt_property_string(fdt, "compatible", compat));
	TRY(fdt_property(fdt, PL_FDT_PROP_PIO, pio, sizeof(pio)));
	return fdt_end_node(fdt);
}

static int memory_nodes(void *fdt, const struct pvh_boot *b)
{
	for (u32 i = 0; i < b->nr_memmap; i++) {
		const struct pvh_memmap_entry *m = &b->memmap[i];

		if (m->type != PVH_MEMMAP_RAM || !m->size)
			continue;
		TRY(fdt_begin_node(fdt, "memory"));
		TRY(fdt_property_string(fdt, "device_type", "memory"));
		TRY(prop_reg(fdt, m->addr, m->size));
		TRY(fdt_end_node(fdt));
	}
	return 0;
}

static int chosen_node(void *fdt, const struct pvh_boot *b)
{
	TRY(fdt_begin_node(fdt, "chosen"));
	TRY(fdt_property_string(fdt, "bootargs", run.bootargs));
	if (run.tsc_khz)
		TRY(fdt_property_u32(fdt, PL_FDT_PROP_TSC_KHZ, (u32)run.tsc_khz));
	TRY(fdt_property_u64(fdt, PL_FDT_PROP_BOOT_EPOCH, run.epoch_ns));
	if (run.argv.len)
		TRY(fdt_property(fdt, PL_FDT_PROP_ARGV, run.argv.buf, run.argv.len));
	if (run.envp.len)
		TRY(fdt_property(fdt, PL_FDT_PROP_ENVP, run.envp.buf, run.envp.len));
	if (b->has_initrd) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", b->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end", b->initrd_end));
	}
	return fdt_end_node(fdt);
}

int pvh_fdt_build(const struct pvh_boot *b, void *fdt, int size)
{
	parse_cmdline(b->cmdline);
	if (run.overflow)
		return -FDT_ERR_NOSPACE;
	TRY(fdt_create(fdt, size));
	TRY(fdt_add_reservemap_entry(fdt, 0, LOW_RESERVED_END));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", PL_FDT_COMPAT_ROOT));
	TRY(fdt_property_string(fdt, "model", "pagelab " PAGELAB_VERSION " (PVH)"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(memory_nodes(fdt, b));
	TRY(pio_node(fdt, "uart@3f8", "ns16550a", PL_PORT_UART0, 8));
	TRY(pio_node(fdt, "hypercall@2f8", PL_FDT_COMPAT_SERIAL_HC, PL_PORT_COM2, 8));
	TRY(pio_node(fdt, "exit@504", PL_FDT_COMPAT_DEBUG_EXIT, PL_PORT_EXIT, 4));
	TRY(chosen_node(fdt, b));
	TRY(fdt_end_node(fdt));
	return fdt_finish(fdt);
}
