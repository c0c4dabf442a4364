// SPDX-License-Identifier: MIT
/*
 * From the device tree's memory nodes to the frame allocator: RAM minus
 * the kernel image, the device tree and every reserved range, with the
 * boot-time structures (page tables, frame descriptors) carved from the
 * front of the free space. Everything is per range, nothing per page: the
 * host gives zeroed RAM, so the carved memory needs no clearing either.
 * For the same reason frames no one has written since boot are handed out
 * without clearing (zero_new_frames in frame.c), as the host's written map
 * tells.
 */
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/frame.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/panic.h>
#include <kernel/physmem.h>

extern char _kernel_start[], _kernel_end[];

static struct phys_range free_ranges[BOOT_MAX_RANGES * 2];
static int nr_free;

static void subtract(u64 start, u64 end)
{
	for (int i = 0; i < nr_free; i++) {
		struct phys_range *r = &free_ranges[i];

		if (end <= r->start || start >= r->end)
			continue;
		if (start > r->start && end < r->end) {
			if (nr_free == (int)ARRAY_SIZE(free_ranges))
				panic("too many holes in the memory map");
			free_ranges[nr_free++] = (struct phys_range){ end, r->end };
			r->end = start;
			continue;
		}
		if (start <= r->start)
			r->start = MIN(end, r->end);
		else
			r->end = start;
	}
}

static void compute_free_ranges(void)
{
	for (int i = 0; i < boot_info.nr_ram; i++) {
		u64 s = ALIGN_UP(boot_info.ram[i].start, PAGE_SIZE);
		u64 e = ALIGN_DOWN(boot_info.ram[i].end, PAGE_SIZE);

		if (e > s)
			free_ranges[nr_free++] = (struct phys_range){ s, e };
	}
	/* Page 0 stays unused so that a physical address of 0 is never valid. */
	subtract(0, PAGE_SIZE);
	subtract(ALIGN_DOWN(kernel_virt_to_phys(_kernel_start), PAGE_SIZE),
		 ALIGN_UP(kernel_virt_to_phys(_kernel_end), PAGE_SIZE));
	for (int i = 0; i < boot_info.nr_reserved; i++)
		subtract(ALIGN_DOWN(boot_info.reserved[i].start, PAGE_SIZE),
			 ALIGN_UP(boot_info.reserved[i].end, PAGE_SIZE));
}

/*
 * Bump allocation during boot, from free space inside the boot mapping
 * (the first GiB) and above the 16 MiB DMA zone when there is room, so the
 * zone stays whole for MAP_BELOW16M.
 */
static u64 bump_alloc(u64 size)
{
	size = ALIGN_UP(size, PAGE_SIZE);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < nr_free; i++) {
			struct phys_range *r = &free_ranges[i];
			u64 start = pass == 0 ? MAX(r->start, PL_BELOW16M_END) : r->start;

			if (start + size <= MIN(r->end, PL_BOOT_MAP_SIZE) && start + size > start) {
				if (start == r->start) {
					r->start += size;
				} else {
					subtract(start, start + size);
				}
				return start;
			}
		}
	}
	panic("out of memory while booting (needed %lu bytes)", (unsigned long)size);
}

static u64 boot_page(void)
{
	return bump_alloc(PAGE_SIZE);
}

static bool overlaps_free(u64 start, u64 end)
{
	for (int i = 0; i < nr_free; i++)
		if (start < free_ranges[i].end && free_ranges[i].start < end)
			return true;
	return false;
}

static bool inside_ram(u64 start, u64 end)
{
	for (int i = 0; i < boot_info.nr_ram; i++)
		if (start >= boot_info.ram[i].start && end <= boot_info.ram[i].end)
			return true;
	return false;
}

/*
 * The host's written map (pagelab/abi.h), if it gave one in RAM it
 * reserved, large enough for all of RAM. Without one (QEMU's PVH boot),
 * every frame is cleared when handed out.
 */
static void track_written(void)
{
	struct phys_range m = boot_info.written_map;
	u64 regions =
	    ALIGN_UP(boot_info.max_phys, 1ULL << PL_WRITTEN_MAP_SHIFT) >> PL_WRITTEN_MAP_SHIFT;

	if (m.end <= m.start || m.start % PAGE_SIZE || m.end - m.start < ALIGN_UP(regions, 8) / 8 ||
	    !inside_ram(m.start, m.end) || overlaps_free(m.start, m.end)) {
		if (m.end)
			pr_verbose("memory: ignoring a written map the kernel cannot use\n");
		return;
	}
	frame_track_written(phys_to_virt(m.start), regions);
}

void physmem_init(void)
{
	u64 nr_frames = boot_info.max_phys >> PAGE_SHIFT;
	u64 table_pa;

	compute_free_ranges();
	paging_init(boot_page);
	table_pa = bump_alloc(nr_frames * sizeof(struct frame));
	frame_init(phys_to_virt(table_pa), nr_frames);
	for (int i = 0; i < nr_free; i++)
		frame_add_range(free_ranges[i].start >> PAGE_SHIFT,
				free_ranges[i].end >> PAGE_SHIFT);
	track_written();
	pr_verbose("memory: %lu KiB free (%lu KiB below 16 MiB), frame table %lu KiB\n",
		   (unsigned long)frame_free_count() * 4,
		   (unsigned long)frame_free_count_below16m() * 4,
		   (unsigned long)(nr_frames * sizeof(struct frame)) >> 10);
}

void frame_corruption(const char *what, u64 pfn)
{
	panic("frame allocator: %s (pfn %#lx)", what, (unsigned long)pfn);
}
