// SPDX-License-Identifier: MIT
/*
 * /proc: registration, /proc/meminfo and /proc/self/status. The formats are
 * Linux's (fs/proc/meminfo.c, fs/proc/array.c, mm/hugetlb.c), so tools and
 * test programs parse them unchanged.
 */
#include <stdarg.h>

#include <kernel/backing.h>
#include <kernel/commit.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/format.h>
#include <kernel/frame.h>
#include <kernel/hugetlb.h>
#include <kernel/kmalloc.h>
#include <kernel/paging.h>
#include <kernel/panic.h>
#include <kernel/proc.h>
#include <kernel/procfs.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/string.h>
#include <kernel/synth.h>
#include <kernel/thp.h>
#include <kernel/vfs.h>
#include <kernel/vm.h>

#include "fs.h"
#include "procfs.h"

#define KB(pages) ((unsigned long)(pages) * (PAGE_SIZE / 1024))

void tb_printf(struct textbuf *t, const char *fmt, ...)
{
	size_t room = t->len < t->size ? t->size - t->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += n;
}

bool proc_is_object_page(const struct vma *v, u64 va, u64 pfn)
{
	struct backing *b = backing_of(v);
	u64 index;

	if (!v->obj)
		return false;
	if (v->flags & VM_SHARED)
		return true;
	/* Private: the file's page until a store gave the process its own copy. */
	index = v->pgoff + ((va - v->start) >> PAGE_SHIFT);
	return b->ops->lookup(b, index) == pfn;
}

/* ---- /proc/meminfo ---- */

/*
 * Frames held by the files reachable from the root: what Linux reports as
 * Cached for ramfs/tmpfs. Open but unlinked files and shared anonymous
 * memory are not reachable and not counted.
 */
static u64 cached_pages(void)
{
	struct {
		struct inode *dir;
		u64 pos;
	} st[32];
	int depth = 0;
	u64 n = 0;

	st[0].dir = vfs_root();
	st[0].pos = 0;
	inode_get(st[0].dir);
	while (depth >= 0) {
		struct ramfs_dirent_view dv;
		struct inode *sub;

		if (!ramfs_readdir(st[depth].dir, st[depth].pos, &dv)) {
			inode_put(st[depth--].dir);
			continue;
		}
		st[depth].pos = dv.next;
		if ((dv.len == 1 && dv.name[0] == '.') ||
		    (dv.len == 2 && dv.name[0] == '.' && dv.name[1] == '.'))
			continue;
		if ((!S_ISREG(dv.mode) && !S_ISDIR(dv.mode)) ||
		    ramfs_lookup(st[depth].dir, dv.name, dv.len, &sub))
			continue;
		if (S_ISDIR(dv.mode) && depth + 1 < (int)ARRAY_SIZE(st)) {
			st[++depth].dir = sub;
			st[depth].pos = 0;
			continue;
		}
		n += ramfs_frames(sub);
		inode_put(sub);
	}
	return n;
}

static void meminfo_kb(struct textbuf *t, const char *name, unsigned long kb)
{
	tb_printf(t, "%-16s%8lu kB\n", name, kb);
}

static long meminfo_gen(void *arg, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };
	u64 free = frame_free_count(), huge_free = hugetlb_pages_free();
	u64 huge_total = huge_free + hugetlb_pages_in_use();

	(void)arg;
	meminfo_kb(&t, "MemTotal:", KB(frame_total_count()));
	meminfo_kb(&t, "MemFree:", KB(free));
	/* Nothing is reclaimable: file pages are the files (no backing store, no swap). */
	meminfo_kb(&t, "MemAvailable:", KB(free));
	meminfo_kb(&t, "Buffers:", 0);
	meminfo_kb(&t, "Cached:", KB(cached_pages()));
	meminfo_kb(&t, "SwapCached:", 0);
	meminfo_kb(&t, "SwapTotal:", 0);
	meminfo_kb(&t, "SwapFree:", 0);
	meminfo_kb(&t, "CommitLimit:", KB(commit_limit_pages()));
	meminfo_kb(&t, "Committed_AS:", KB(commit_committed_pages()));
	meminfo_kb(&t, "AnonHugePages:", KB(thp_stats.anon_thps * HUGE_PAGE_FRAMES));
	tb_printf(&t, "HugePages_Total:   %5lu\n", (unsigned long)huge_total);
	tb_printf(&t, "HugePages_Free:    %5lu\n", (unsigned long)huge_free);
	tb_printf(&t, "HugePages_Rsvd:    %5lu\n", 0UL);
	tb_printf(&t, "HugePages_Surp:    %5lu\n", 0UL);
	meminfo_kb(&t, "Hugepagesize:", HUGE_PAGE_SIZE / 1024);
	meminfo_kb(&t, "Hugetlb:", (unsigned long)(huge_total * (HUGE_PAGE_SIZE / 1024)));
	return t.len;
}

/* ---- /proc/self/status ---- */

struct rss {
	const struct vma *v;
	u64 anon, file, shmem, huge;
};

static void count_leaf(struct mm *mm, u64 va, u64 *pte, void *arg)
{
	struct rss *r = arg;
	u64 pfn = (*pte & PTE_ADDR) >> PAGE_SHIFT;
	(void)mm;
	if (*pte & PTE_THP)
		r->anon += HUGE_PAGE_FRAMES; /* transparent huge pages are anonymous memory */
	else if (*pte & PTE_PS)
		r->huge += HUGE_PAGE_FRAMES; /* not in VmRSS on Linux either */
	else if (vma_is_kind(r->v, BACKING_SHM))
		r->shmem++;
	else if (proc_is_object_page(r->v, va, pfn))
		r->file++;
	else
		r->anon++;
}

struct vm_sizes {
	u64 size, locked, data, stack, exec;
};

static void add_vma(struct vm_sizes *s, const struct vma *v)
{
	u64 pages = (v->end - v->start) >> PAGE_SHIFT;

	s->size += pages;
	if (v->flags & VM_LOCKED)
		s->locked += pages;
	/* Linux's vm_stat_account(): VM_STACK is VM_GROWSDOWN on x86. */
	if (v->flags & VM_GROWSDOWN)
		s->stack += pages;
	else if ((v->prot & VM_PROT_WRITE) && !(v->flags & VM_SHARED))
		s->data += pages;
	else if ((v->prot & (VM_PROT_EXEC | VM_PROT_WRITE)) == VM_PROT_EXEC)
		s->exec += pages;
}

static void status_vm(struct textbuf *t, struct mm *mm)
{
	struct vm_sizes s = { 0 };
	struct rss r = { 0 };

	for (const struct vma *v = mm->vmas.first; v; v = v->next) {
		add_vma(&s, v);
		r.v = v;
		pt_walk(mm, v->start, v->end, count_leaf, &r);
	}
	tb_printf(t, "VmSize:\t%8lu kB\n", KB(s.size));
	tb_printf(t, "VmLck:\t%8lu kB\n", KB(s.locked));
	tb_printf(t, "VmPin:\t%8lu kB\n", 0UL);
	tb_printf(t, "VmRSS:\t%8lu kB\n", KB(r.anon + r.file + r.shmem));
	tb_printf(t, "RssAnon:\t%8lu kB\n", KB(r.anon));
	tb_printf(t, "RssFile:\t%8lu kB\n", KB(r.file));
	tb_printf(t, "RssShmem:\t%8lu kB\n", KB(r.shmem));
	tb_printf(t, "VmData:\t%8lu kB\n", KB(s.data));
	tb_printf(t, "VmStk:\t%8lu kB\n", KB(s.stack));
	tb_printf(t, "VmExe:\t%8lu kB\n", KB(s.exec));
	tb_printf(t, "VmLib:\t%8lu kB\n", 0UL);
	tb_printf(t, "VmSwap:\t%8lu kB\n", 0UL);
	tb_printf(t, "HugetlbPages:\t%8lu kB\n", KB(r.huge));
}

/* SigIgn and SigCgt: ignored signals, and signals with a handler. */
static void signal_masks(const struct proc *p, u64 *ignored, u64 *caught)
{
	*ignored = *caught = 0;
	for (int i = 0; i < NSIG; i++) {
		u64 h = p->sig.action[i].handler;

		if (h == SIG_IGN)
			*ignored |= 1ULL << i;
		else if (h != SIG_DFL)
			*caught |= 1ULL << i;
	}
}

static long status_gen(void *arg, char *buf, size_t size)
{
	struct textbuf t = { buf, size, 0 };
	struct proc *p = current;
	int pid = p->pid;
	u64 ignored, caught;

	(void)arg;
	tb_printf(&t, "Name:\t%.15s\nUmask:\t%04o\nState:\tR (running)\n", p->comm, fd_umask());
	tb_printf(&t, "Tgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t%d\nTracerPid:\t0\n", pid, pid,
		  p->parent ? p->parent->pid : 0);
	tb_printf(&t, "Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t%d\n", NR_OPEN_MAX);
	if (p->mm)
		status_vm(&t, p->mm);
	tb_printf(&t, "Threads:\t1\n");
	tb_printf(&t, "SigPnd:\t%016lx\nShdPnd:\t%016lx\n", (unsigned long)p->sig.pending,
		  (unsigned long)p->sig.pending);
	signal_masks(p, &ignored, &caught);
	tb_printf(&t, "SigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
		  (unsigned long)p->sig.blocked, (unsigned long)ignored, (unsigned long)caught);
	return t.len;
}

/* ---- registration ---- */

static void must(int err, const char *what)
{
	if (err)
		panic("procfs: cannot create %s (error %d)", what, err);
}

/* A /proc/self file with its own operations (read in place, not generated at open). */
static int make_self_file(const char *name, u32 perm, const struct file_ops *ops)
{
	struct inode *dir, *ino;
	int err = vfs_lookup("/proc/self", &dir);

	if (err)
		return err;
	err = ramfs_create(dir, name, strlen(name), S_IFREG | perm, 0, 0, vfs_now(), &ino);
	inode_put(dir);
	if (err)
		return err;
	ino->ops = ops;
	inode_put(ino);
	return 0;
}

/* /proc is its own file system for statfs; what is made below it inherits that. */
static void make_proc_root(void)
{
	struct inode *proc;

	must(vfs_synth_dir("/proc", 0555), "/proc");
	must(vfs_lookup("/proc", &proc), "/proc");
	proc->fs = RAMFS_FS_PROC;
	inode_put(proc);
}

void procfs_init(void)
{
	make_proc_root();
	proc_sys_init();
	must(vfs_synth_file("/proc/meminfo", 0444, meminfo_gen, NULL), "/proc/meminfo");
	must(vfs_synth_file("/proc/self/status", 0444, status_gen, NULL), "/proc/self/status");
	proc_smaps_init();
	must(make_self_file("maps", 0444, &proc_maps_ops), "/proc/self/maps");
	must(make_self_file("pagemap", 0400, &proc_pagemap_ops), "/proc/self/pagemap");
}
