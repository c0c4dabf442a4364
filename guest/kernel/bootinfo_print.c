// SPDX-License-Identifier: MIT
/*
 * The physical memory map as the kernel prints it at a boot without a
 * program. Kept apart from the parser (bootinfo.c) because it reads the
 * ROM through the direct map, which only the kernel has.
 */
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/mm.h>
#include <libfdt.h>

/*
 * The identification string the host put in the BIOS ROM, if the tree has
 * pagelab's ROM: under QEMU (PVH) the ROM there is the firmware's.
 */
static void print_rom_string(void)
{
	const char *rom = phys_to_virt(PL_ROM_BASE);
	int n = 0;

	if (fdt_node_offset_by_compatible(boot_info.fdt, -1, "pagelab,rom") < 0)
		return;
	while (n < 64 && rom[n] >= 32 && rom[n] < 127)
		n++;
	if (n)
		printk("BIOS ROM at 0x%lx says: \"%.*s\"\n", (unsigned long)PL_ROM_BASE, n, rom);
}

void boot_info_print(void)
{
	static struct boot_map_entry e[BOOT_MAP_MAX];
	int n = boot_map(e);

	printk("physical memory map (from the device tree):\n");
	for (int i = 0; i < n; i++)
		printk("  mem 0x%016lx-0x%016lx %-9s %8lu KiB\n", (unsigned long)e[i].start,
		       (unsigned long)e[i].end - 1, e[i].what,
		       (unsigned long)(e[i].end - e[i].start) >> 10);
	print_rom_string();
}
