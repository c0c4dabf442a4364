// SPDX-License-Identifier: MIT
/*
 * Fault-around for page-cache-backed mappings (files, shared anonymous
 * memory), as Linux's do_fault_around() and filemap_map_pages() do it: a
 * read fault also maps the neighbouring pages that are already in the page
 * cache, so reading a file through a mapping costs one fault per window
 * instead of one per page. On kvm_pvm a fault is a ~15 us round trip
 * through the host, a store of a prepared PTE a few ns.
 *
 * The window is Linux's: fault_around_bytes (default 64 KiB) aligned in the
 * virtual address space, moved up to the VMA's start when it would begin
 * below it, and cut at the VMA's end, at the page table's end and at the
 * end of the file. Only empty entries are filled, with the protection a
 * read fault would give the page: read-only in a private mapping, so a
 * later store still copies. A page that is not in the cache (a hole) is
 * not read in. mincore() is unchanged by all this, since it reports
 * page-cache residency; /proc/self/pagemap and the RSS show the mapped
 * pages, exactly as Linux's do.
 *
 * Linux sets the size through debugfs (/sys/kernel/debug/fault_around_bytes);
 * pagelab's kernel takes the bootargs fault_around_bytes=N with the same
 * rules: rounded down to a power of two pages, at most one page table's
 * span (2 MiB); 4096 turns fault-around off.
 */
#include <kernel/backing.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/frame.h>
#include <kernel/paging.h>
#include <kernel/pt.h>
#include <kernel/ramfs.h>
#include <kernel/string.h>
#include <kernel/vfs.h>
#include <kernel/vm.h>

#include "backing_file.h"

#define PT_SPAN (512 * PAGE_SIZE)

/* Linux's default, fault_around_bytes = 65536. */
static u64 fault_around_pages = 16;

void fault_around_init(void)
{
	char opt[24], *end;
	unsigned long bytes, pages = 1;

	if (!boot_option("fault_around_bytes", opt, sizeof(opt)))
		return;
	bytes = strtoul(opt, &end, 0);
	if (end == opt || *end || bytes / PAGE_SIZE > PT_SPAN / PAGE_SIZE) {
		printk("pagelab: fault_around_bytes=%s is not a size up to %lu; keeping %lu\n", opt,
		       (unsigned long)PT_SPAN, (unsigned long)(fault_around_pages * PAGE_SIZE));
		return;
	}
	while (pages * 2 <= bytes / PAGE_SIZE)
		pages *= 2;
	fault_around_pages = pages;
}

/*
 * page was just mapped at *pte by a read fault on v, whose pages are ino's
 * from v->pgoff on. The other entries of the window sit in the same page
 * table, so they are reached from pte.
 */
void file_fault_around(struct inode *ino, const struct vma *v, u64 page, u64 *pte)
{
	u64 span = fault_around_pages * PAGE_SIZE, table = ALIGN_DOWN(page, PT_SPAN);
	u64 from = MAX(MAX(ALIGN_DOWN(page, span), v->start), table);
	u64 to = MIN(MIN(from + span, v->end), table + PT_SPAN);
	u64 eof = ALIGN_UP(inode_size(ino), PAGE_SIZE) >> PAGE_SHIFT;
	bool writable = (v->flags & VM_SHARED) && (v->prot & VM_PROT_WRITE);

	if (fault_around_pages < 2)
		return;
	for (u64 va = from; va < to; va += PAGE_SIZE) {
		u64 index = v->pgoff + ((va - v->start) >> PAGE_SHIFT), pfn;
		u64 *e = pte + ((s64)(va - page) >> PAGE_SHIFT);

		if (index >= eof)
			return;
		if (*e) /* mapped, or PROT_NONE left behind: Linux fills pte_none() only */
			continue;
		pfn = vfs_get_page(ino, index, false);
		if (pfn != FRAME_NONE) /* the reference is the new entry's */
			*e = pte_for(pfn, v->prot, writable);
	}
}
