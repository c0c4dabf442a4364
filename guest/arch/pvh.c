// SPDX-License-Identifier: MIT
/*
 * Booted through the PVH entry (pvh_entry.S) by QEMU rather than by
 * pagelab's VMM: reads the start info a PVH loader leaves and has
 * kernel/pvh_fdt.c turn it into the device tree the host would have
 * built. Runs on the entry's identity mapping of the first 4 GiB, before
 * kmain; nothing can report a failure yet, so one halts where a debugger
 * (QEMU's -s) finds it.
 */
#include <kernel/mm.h>
#include <kernel/pvh.h>

#define PVH_MAGIC      0x336ec578
#define PVH_ID_MAP_END (4ULL << 30)
#define FDT_SIZE       (96 * 1024)

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

static u8 fdt_buf[FDT_SIZE] __aligned(8);

static __noreturn void pvh_fail(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

static const void *pvh_phys(u64 pa, u64 len)
{
	if (!pa || pa >= PVH_ID_MAP_END || len > PVH_ID_MAP_END - pa)
		pvh_fail();
	return (const void *)pa;
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
	struct pvh_boot b = { 0 };

	if (si->magic != PVH_MAGIC || si->version < 1 || !si->memmap_entries)
		pvh_fail();
	b.memmap =
	    pvh_phys(si->memmap_paddr, (u64)si->memmap_entries * sizeof(struct pvh_memmap_entry));
	b.nr_memmap = si->memmap_entries;
	if (si->cmdline_paddr)
		b.cmdline = pvh_phys(si->cmdline_paddr, 1);
	if (si->nr_modules) {
		const struct hvm_modlist_entry *mod = pvh_phys(si->modlist_paddr, sizeof(*mod));

		b.has_initrd = true;
		b.initrd_start = mod->paddr;
		b.initrd_end = mod->paddr + mod->size;
	}
	if (pvh_fdt_build(&b, fdt_buf, sizeof(fdt_buf)) < 0)
		pvh_fail();
	legacy_pic_mask();
	return kernel_virt_to_phys(fdt_buf);
}
