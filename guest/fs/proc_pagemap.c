// SPDX-License-Identifier: MIT
/*
 * /proc/self/pagemap: one little-endian u64 per virtual page, at offset
 * vaddr / 4096 * 8, in Linux's format (Documentation/admin-guide/mm/
 * pagemap.rst):
 *
 *   bits 0-54  PFN, when present
 *   bit  55    soft-dirty: always 0, as in a Linux without
 *              CONFIG_MEM_SOFT_DIRTY (this project's reference hosts)
 *   bit  56    page exclusively mapped (one mapping of the frame)
 *   bit  61    file page or shared anonymous memory
 *   bit  63    present
 *
 * Pages not present, mapped or not, read as 0. Like Linux, the file is bound to
 * the opener's address space, reads and offsets must be multiples of 8
 * (EINVAL), and it ends at the top of user space. Linux hides PFNs from
 * readers without CAP_SYS_ADMIN; every guest process is root.
 */
#include <kernel/errno.h>
#include <kernel/hugetlb.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/paging.h>
#include <kernel/proc.h>
#include <kernel/procmm.h>
#include <kernel/pt.h>
#include <kernel/uaccess.h>

#include "fs.h"
#include "procfs.h"

#define PM_ENTRY_BYTES	  8
#define PM_PFN_MASK	  ((1ULL << 55) - 1)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_FILE		  (1ULL << 61)
#define PM_PRESENT	  (1ULL << 63)
#define PM_CHUNK	  512 /* entries per copy to user space */

/*
 * How many mappings hold the frame: each leaf holds one reference, and a
 * file's own page also one for the page cache.
 */
static u64 map_count(const struct vma *v, u64 va, u64 pfn, u64 head, bool huge, bool thp)
{
	/* A hugetlb leaf counts on its first frame; a transparent huge page's frames count each. */
	u64 refs = frame_desc(huge && !thp ? head : pfn)->refcount;

	if (!huge && proc_is_object_page(v, va, pfn) && refs)
		refs--;
	return refs;
}

static u64 entry_of(struct mm *mm, const struct vma *v, u64 va)
{
	u64 e = 0, *pte = pt_leaf(mm->pml4_pa, va, false), head, pfn;
	bool huge;

	if (!pte || !pte_present(*pte))
		return 0;
	huge = *pte & PTE_PS;
	head = (*pte & PTE_ADDR) >> PAGE_SHIFT;
	pfn = huge ? head + ((va & (HUGE_PAGE_SIZE - 1)) >> PAGE_SHIFT) : head;
	e |= PM_PRESENT | (pfn & PM_PFN_MASK);
	/* Linux: hugetlb pages of a private mapping are anonymous, of a shared one file pages. */
	if (huge ? (v->flags & VM_SHARED) : proc_is_object_page(v, va, pfn))
		e |= PM_FILE;
	if (map_count(v, va, pfn, head, huge, *pte & PTE_THP) == 1)
		e |= PM_MMAP_EXCLUSIVE;
	return e;
}

/* Entries for the pages from vpn on, into out[0..n). */
static void fill(struct mm *mm, u64 vpn, u64 *out, size_t n)
{
	const struct vma *v = vma_find_above(&mm->vmas, vpn << PAGE_SHIFT);

	for (size_t i = 0; i < n; i++) {
		u64 va = (vpn + i) << PAGE_SHIFT;

		while (v && v->end <= va)
			v = v->next;
		out[i] = v && v->start <= va ? entry_of(mm, v, va) : 0;
	}
}

static long pagemap_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	struct mm *mm = f->priv;
	u64 vpn = *pos / PM_ENTRY_BYTES, end = USER_TOP >> PAGE_SHIFT, *chunk;
	long done = 0;

	(void)io;
	if ((*pos % PM_ENTRY_BYTES) || (len % PM_ENTRY_BYTES))
		return -EINVAL;
	if (!len || vpn >= end)
		return 0;
	chunk = kmalloc(PM_CHUNK * PM_ENTRY_BYTES);
	if (!chunk)
		return -ENOMEM;
	while ((size_t)done < len && vpn < end) {
		size_t n = MIN(MIN((len - done) / PM_ENTRY_BYTES, PM_CHUNK), end - vpn);

		fill(mm, vpn, chunk, n);
		if (copy_to_user(ubuf + done, chunk, n * PM_ENTRY_BYTES)) {
			if (!done)
				done = -EFAULT;
			break;
		}
		done += n * PM_ENTRY_BYTES;
		vpn += n;
	}
	kfree(chunk);
	if (done > 0)
		*pos += done;
	return done;
}

/* Linux's mem_lseek(): any position, SEEK_SET or SEEK_CUR. */
static s64 pagemap_llseek(struct file *f, s64 off, int whence)
{
	switch (whence) {
	case SEEK_SET:
		f->pos = off;
		break;
	case SEEK_CUR:
		f->pos += off;
		break;
	default:
		return -EINVAL;
	}
	return (s64)f->pos;
}

static int pagemap_open(struct file *f)
{
	struct mm *mm = current->mm;

	if (!mm)
		return -ESRCH;
	mm->refcount++;
	f->priv = mm;
	return 0;
}

static void pagemap_release(struct file *f)
{
	procmm_put(f->priv);
}

const struct file_ops proc_pagemap_ops = {
	.open = pagemap_open,
	.read = pagemap_read,
	.llseek = pagemap_llseek,
	.release = pagemap_release,
};
