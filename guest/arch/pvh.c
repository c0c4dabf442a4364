// SPDX-License-Identifier: MIT
/*
 * Booted through the PVH entry (pvh_entry.S), by QEMU rather than by
 * pagelab's VMM: the start info a PVH loader leaves (memory map, command
 * line, the initramfs as module 0) becomes the same device tree the host
 * builds, so that everything after early boot is shared. The tree also
 * says that hypercalls travel over COM2 (kernel/serial_hcall.c) and that
 * the exit port is QEMU's isa-debug-exit.
 *
 * Runs on the entry's identity mapping of the first 4 GiB, before kmain.
 */
#include <kernel/mm.h>
#include <kernel/string.h>
#include <libfdt.h>
#include <pagelab/abi.h>
#include <pagelab/serial_abi.h>

#define PVH_MAGIC	 0x336ec578
#define PVH_MEMMAP_RAM	 1
#define LOW_RESERVED_END 0x100000 /* BIOS data, option ROMs, the start info */
#define FDT_SIZE	 (96 * 1024)
#define STRINGS_SIZE	 (32 * 1024)
#define PVH_ID_MAP_END	 (4ULL << 30)

struct hvm_start_info {
	u32 magic;
	u32 version;
	u32 flags;
	u32 nr_modules;
	u64 modlist_paddr;
	u64 cmdline_paddr;
	u64 rsdp_paddr;
	u64 memmap_paddr; /* version 1 */
	u32 memmap_entries;
	u32 reserved;
};

struct hvm_modlist_entry {
	u64 paddr;
	u64 size;
	u64 cmdline_paddr;
	u64 reserved;
};

struct hvm_memmap_entry {
	u64 addr;
	u64 size;
	u32 type;
	u32 reserved;
};

/* A string list under construction: NUL-separated values. */
struct strlist {
	char buf[STRINGS_SIZE];
	int len;
};

static u8 fdt_buf[FDT_SIZE] __aligned(8);
static struct strlist pvh_argv, pvh_envp;
static char bootargs[4096];
static u64 tsc_khz, epoch_ns;

/* Nothing can be reported yet (no transport): stop where a debugger sees it. */
static __noreturn void pvh_fail(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

#define PVH_CHECK(x)                \
	do {                        \
		if ((x) < 0)        \
			pvh_fail(); \
	} while (0)

static const void *pvh_phys(u64 pa, u64 len)
{
	if (!pa || pa >= PVH_ID_MAP_END || len > PVH_ID_MAP_END - pa)
		pvh_fail();
	return (const void *)pa;
}

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
		if (l->len >= STRINGS_SIZE - 1)
			pvh_fail();
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
	size_t p, len = strlen(bootargs);

	if (word_is(w, n, PL_PVH_ARG_ARGV, &p))
		strlist_add(&pvh_argv, w + p, n - p);
	else if (word_is(w, n, PL_PVH_ARG_ENVP, &p))
		strlist_add(&pvh_envp, w + p, n - p);
	else if (word_is(w, n, PL_PVH_ARG_TSC_KHZ, &p))
		tsc_khz = decimal(w + p, n - p);
	else if (word_is(w, n, PL_PVH_ARG_EPOCH, &p))
		epoch_ns = decimal(w + p, n - p);
	else if (len + 1 + n < sizeof(bootargs)) {
		if (len)
			bootargs[len++] = ' ';
		memcpy(bootargs + len, w, n);
		bootargs[len + n] = '\0';
	}
}

static void parse_cmdline(const char *s)
{
	while (*s) {
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

static int pio_node(void *fdt, const char *name, const char *compat, u32 port)
{
	fdt32_t pio[2] = { cpu_to_fdt32(port), cpu_to_fdt32(port == PL_PORT_EXIT ? 4 : 8) };

	PVH_CHECK(fdt_begin_node(fdt, name));
	PVH_CHECK(fdt_property_string(fdt, "compatible", compat));
	PVH_CHECK(fdt_property(fdt, PL_FDT_PROP_PIO, pio, sizeof(pio)));
	return fdt_end_node(fdt);
}

static void memory_nodes(void *fdt, const struct hvm_start_info *si)
{
	const struct hvm_memmap_entry *m =
	    pvh_phys(si->memmap_paddr, (u64)si->memmap_entries * sizeof(*m));

	for (u32 i = 0; i < si->memmap_entries; i++) {
		if (m[i].type != PVH_MEMMAP_RAM || !m[i].size)
			continue;
		PVH_CHECK(fdt_begin_node(fdt, "memory"));
		PVH_CHECK(fdt_property_string(fdt, "device_type", "memory"));
		PVH_CHECK(prop_reg(fdt, m[i].addr, m[i].size));
		PVH_CHECK(fdt_end_node(fdt));
	}
}

static void chosen_node(void *fdt, const struct hvm_start_info *si)
{
	PVH_CHECK(fdt_begin_node(fdt, "chosen"));
	PVH_CHECK(fdt_property_string(fdt, "bootargs", bootargs));
	if (tsc_khz)
		PVH_CHECK(fdt_property_u32(fdt, PL_FDT_PROP_TSC_KHZ, (u32)tsc_khz));
	PVH_CHECK(fdt_property_u64(fdt, PL_FDT_PROP_BOOT_EPOCH, epoch_ns));
	if (pvh_argv.len)
		PVH_CHECK(fdt_property(fdt, PL_FDT_PROP_ARGV, pvh_argv.buf, pvh_argv.len));
	if (pvh_envp.len)
		PVH_CHECK(fdt_property(fdt, PL_FDT_PROP_ENVP, pvh_envp.buf, pvh_envp.len));
	if (si->nr_modules) {
		const struct hvm_modlist_entry *mod = pvh_phys(si->modlist_paddr, sizeof(*mod));

		PVH_CHECK(fdt_property_u64(fdt, "linux,initrd-start", mod->paddr));
		PVH_CHECK(fdt_property_u64(fdt, "linux,initrd-end", mod->paddr + mod->size));
	}
	PVH_CHECK(fdt_end_node(fdt));
}

/*
 * The firmware left the legacy PIC routing the PIT to the CPU; pagelab's
 * kernel knows only the local APIC, as on its own VMM, which has no PIC.
 */
static void legacy_pic_mask(void)
{
	asm volatile("outb %b0, $0x21; outb %b0, $0xa1" : : "a"(0xff));
}

/* Called from pvh_entry.S with the start info; returns the tree's physical address. */
u64 pvh_boot_info(u32 start_info_pa)
{
	const struct hvm_start_info *si = pvh_phys(start_info_pa, sizeof(*si));
	void *fdt = fdt_buf;

	if (si->magic != PVH_MAGIC || si->version < 1 || !si->memmap_entries)
		pvh_fail();
	if (si->cmdline_paddr)
		parse_cmdline(pvh_phys(si->cmdline_paddr, 1));
	PVH_CHECK(fdt_create(fdt, sizeof(fdt_buf)));
	PVH_CHECK(fdt_add_reservemap_entry(fdt, 0, LOW_RESERVED_END));
	PVH_CHECK(fdt_finish_reservemap(fdt));
	PVH_CHECK(fdt_begin_node(fdt, ""));
	PVH_CHECK(fdt_property_string(fdt, "compatible", PL_FDT_COMPAT_ROOT));
	PVH_CHECK(fdt_property_string(fdt, "model", "pagelab " PAGELAB_VERSION " (PVH)"));
	PVH_CHECK(fdt_property_u32(fdt, "#address-cells", 2));
	PVH_CHECK(fdt_property_u32(fdt, "#size-cells", 2));
	memory_nodes(fdt, si);
	PVH_CHECK(pio_node(fdt, "uart@3f8", "ns16550a", PL_PORT_UART0));
	PVH_CHECK(pio_node(fdt, "hypercall@2f8", PL_FDT_COMPAT_SERIAL_HC, PL_PORT_COM2));
	PVH_CHECK(pio_node(fdt, "exit@504", PL_FDT_COMPAT_DEBUG_EXIT, PL_PORT_EXIT));
	chosen_node(fdt, si);
	PVH_CHECK(fdt_end_node(fdt));
	PVH_CHECK(fdt_finish(fdt));
	legacy_pic_mask();
	return kernel_virt_to_phys(fdt_buf);
}
