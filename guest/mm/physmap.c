// SPDX-License-Identifier: MIT
/*
 * /proc/pagelab/physmap: the physical memory map the host described, and
 * what every RAM frame holds right now, for people watching physical
 * memory (QNX's MAP_PHYS, contiguous blocks, fragmentation):
 *
 *   free        in the buddy allocator's free lists
 *   user        mapped by some process's page tables (found by walking them)
 *   contiguous  a MAP_PHYS|MAP_ANON block (listed one by one below the map)
 *   kernel      everything else: the kernel image and heap, page tables,
 *               the page cache of files, the boot structures
 *   untouched   of the free frames, those no one has written since boot
 *               (the written map, kernel/frame.h): handed out uncleared
 *
 * Generated when opened, by walking every address space: cheap enough for
 * a file someone reads now and then.
 */

#include <kernel/backing.h>
#include <kernel/boot.h>
#include <kernel/errno.h>
#include <kernel/panic.h>
#include <kernel/format.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/procfs.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/string.h>
#include <kernel/synth.h>

#define KIB(frames) ((unsigned long)(frames) * (PAGE_SIZE / 1024))

struct marks {
	u8 *user, *contig; /* one bit per frame */
	u64 nr;
};

static void mark(u8 *bits, u64 nr, u64 pfn, u64 count)
{
	for (u64 i = pfn; i < pfn + count && i < nr; i++)
		bits[i / 8] |= 1 << (i % 8);
}

static void mark_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	struct marks *m = arg;

	(void)mm;
	(void)va;
	mark(m->user, m->nr, (*pte & PTE_ADDR) >> PAGE_SHIFT, *pte & PTE_PS ? 512 : 1);
}

static void mark_contig(void *arg, u64 base_pfn, u64 npages)
{
	struct marks *m = arg;

	mark(m->contig, m->nr, base_pfn, npages);
}

/* Frames mapped by processes (not MAP_PHYS: those are someone else's) and contiguous blocks. */
static void mark_all(struct marks *m)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		struct proc *p = &proc_table[i];

		if (p->state == PROC_UNUSED || p->state == PROC_ZOMBIE || !p->mm)
			continue;
		for (struct vma *v = p->mm->vmas.first; v; v = v->next)
			if (!(v->flags & VM_PFNMAP))
				pt_walk(p->mm, v->start, v->end, mark_leaf, m);
	}
	contig_for_each(mark_contig, m);
}

static bool bit(const u8 *bits, u64 pfn)
{
	return bits[pfn / 8] & (1 << (pfn % 8));
}

static void ram_line(struct textbuf *o, const struct marks *m, const struct boot_map_entry *e)
{
	u64 s = e->start / PAGE_SIZE, end = e->end / PAGE_SIZE, user = 0, contig = 0;
	u64 free = frame_free_in(s, end);

	for (u64 pfn = s; pfn < end && pfn < m->nr; pfn++) {
		if (bit(m->contig, pfn))
			contig++;
		else if (bit(m->user, pfn))
			user++;
	}
	tb_printf(o, " %10lu %10lu %10lu %10lu %10lu", KIB(free),
		  KIB(end - s - free - user - contig), KIB(user), KIB(contig),
		  KIB(frame_free_zero_in(s, end)));
}

static void block_line(void *arg, u64 base_pfn, u64 npages)
{
	tb_printf(arg, "contiguous 0x%016lx-0x%016lx %lu KiB\n",
		  (unsigned long)(base_pfn << PAGE_SHIFT),
		  (unsigned long)(((base_pfn + npages) << PAGE_SHIFT) - 1), KIB(npages));
}

static long physmap_gen(void *arg, char *buf, size_t size)
{
	static struct boot_map_entry map[BOOT_MAP_MAX];
	struct textbuf o = { buf, size, 0 };
	struct marks m = { .nr = boot_info.max_phys / PAGE_SIZE };
	int n = boot_map(map);

	(void)arg;
	m.user = kzalloc(m.nr / 8 + 1);
	m.contig = kzalloc(m.nr / 8 + 1);
	if (!m.user || !m.contig) {
		kfree(m.user);
		kfree(m.contig);
		return -ENOMEM;
	}
	mark_all(&m);
	tb_printf(&o, "%-18s %-18s %-9s %10s %10s %10s %10s %10s %10s\n", "# start", "end", "kind",
		  "KiB", "free", "kernel", "user", "contiguous", "untouched");
	for (int i = 0; i < n; i++) {
		tb_printf(&o, "0x%016lx 0x%016lx %-9s %10lu", (unsigned long)map[i].start,
			  (unsigned long)map[i].end - 1, map[i].what,
			  (unsigned long)(map[i].end - map[i].start) / 1024);
		if (!strcmp(map[i].what, "ram"))
			ram_line(&o, &m, &map[i]);
		tb_printf(&o, "\n");
	}
	contig_for_each(block_line, &o);
	tb_printf(&o, "migrated %lu pages for contiguous requests\n",
		  (unsigned long)contig_migrated_pages);
	kfree(m.user);
	kfree(m.contig);
	return (long)o.len;
}

void physmap_init(void)
{
	if (vfs_synth_file("/proc/pagelab/physmap", 0444, physmap_gen, NULL))
		panic("cannot create /proc/pagelab/physmap");
}
