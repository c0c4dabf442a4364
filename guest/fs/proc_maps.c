// SPDX-License-Identifier: MIT
/*
 * /proc/self/maps, byte for byte as Linux prints it (fs/proc/task_mmu.c
 * show_map_vma()):
 *
 *   start-end perms offset major:minor inode   name
 *
 * addresses and the offset in hex of at least 8 digits, perms rwx plus p
 * (private) or s (MAP_SHARED), the device in two hex digits each, the inode
 * in decimal and a space; a name is padded to column 73. Anonymous memory
 * has offset 0, device 00:00 and inode 0; its name is [heap] for the brk
 * area, [stack] for the initial stack, nothing otherwise. File mappings
 * name the file's path; shared anonymous memory is "/dev/zero (deleted)"
 * and MAP_HUGETLB memory "/anon_hugepage (deleted)", as on Linux.
 */
#include <kernel/backing.h>
#include <kernel/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/procmaps.h>
#include <kernel/procmm.h>
#include <kernel/string.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>
#include <kernel/vm.h>

#include "fs.h"
#include "procfs.h"

#define NAME_COLUMN 73 /* seq_setwidth(m, 25 + sizeof(void *) * 6 - 1), then one space */
#define WALK_DEPTH  32 /* deeper directories are not searched */

struct dir_pos {
	struct inode *dir; /* referenced */
	u64 pos;
};

static bool is_dot(const struct ramfs_dirent_view *dv)
{
	return (dv->len == 1 && dv->name[0] == '.') ||
	       (dv->len == 2 && dv->name[0] == '.' && dv->name[1] == '.');
}

/* dir's path and "/name" in buf: 0, or -ERANGE / -ENOENT. */
static int join_path(struct inode *dir, const struct ramfs_dirent_view *dv, char *buf, size_t size)
{
	long n = ramfs_path_of(vfs_root(), dir, buf, size);
	size_t at;

	if (n < 0)
		return (int)n;
	at = (size_t)n - 1;
	if (at == 1)
		at = 0; /* the root's "/" */
	if (at + 1 + dv->len + 1 > size)
		return -ERANGE;
	buf[at] = '/';
	memcpy(buf + at + 1, dv->name, dv->len);
	buf[at + 1 + dv->len] = '\0';
	return 0;
}

/*
 * The path of regular file target. Files know no parent, so the tree is
 * searched depth first (without recursion: the kernel stack is small). Only
 * reading maps pays for it, once per distinct file mapped.
 */
static int file_path(const struct inode *target, char *buf, size_t size)
{
	struct dir_pos st[WALK_DEPTH];
	int depth = 0, err = -ENOENT;

	st[0] = (struct dir_pos){ vfs_root(), 0 };
	inode_get(st[0].dir);
	while (depth >= 0) {
		struct ramfs_dirent_view dv;
		struct inode *sub;

		if (err != -ENOENT || !ramfs_readdir(st[depth].dir, st[depth].pos, &dv)) {
			inode_put(st[depth--].dir);
			continue;
		}
		st[depth].pos = dv.next;
		if (S_ISREG(dv.mode) && dv.ino == target->ino) {
			err = join_path(st[depth].dir, &dv, buf, size);
		} else if (S_ISDIR(dv.mode) && !is_dot(&dv) && depth + 1 < WALK_DEPTH &&
			   !ramfs_lookup(st[depth].dir, dv.name, dv.len, &sub)) {
			st[++depth] = (struct dir_pos){ sub, 0 };
		}
	}
	return err;
}

/*
 * An open maps file reads like Linux's seq_file: one line at a time, the
 * next one of the first VMA ending above the last shown, so a reader in
 * small pieces walks 100,000 VMAs in O(n log n) and sees the address space
 * as it is when each line is made (not a snapshot, as on Linux).
 */
struct maps_file {
	struct mm *mm; /* the opener's, referenced */
	u64 next;      /* the next line is of the first VMA ending above this */
	u64 pos;       /* file position of line[off] */
	size_t len, off;
	const struct inode *named; /* whose path is in path[] */
	bool found;
	bool persistent; /* named may have been renamed or freed since: check it */
	char path[RAMFS_PATH_MAX];
	char line[RAMFS_PATH_MAX + 128];
};

/*
 * Physical memory (MAP_PHYS): its offset column is the physical address,
 * as for a mapping of Linux's /dev/mem. NULL for other kinds.
 */
static const char *phys_name(const struct vma *v, u64 *pa)
{
	struct backing *b = backing_of(v);

	if (vma_is_kind(v, BACKING_TYPED))
		return "[typed memory]"; /* pages from anywhere in the pool: no one address */
	if (!vma_is_kind(v, BACKING_PHYS) && !vma_is_kind(v, BACKING_CONTIG))
		return NULL;
	*pa = b->ops->lookup(b, v->pgoff) << PAGE_SHIFT;
	if (vma_is_kind(v, BACKING_CONTIG))
		return "[phys contiguous]";
	return *pa >= PL_MMIO_BASE && *pa < PL_MMIO_BASE + PL_MMIO_SIZE ? "[phys device]"
									: "[phys]";
}

/*
 * The path of a mapped file, remembered in m. A persistent m (the stop's)
 * keeps it across stops and checks it with one lookup instead of a search:
 * the path is still right if it still leads to the same file.
 */
static void name_file(struct maps_file *m, const struct inode *ino)
{
	if (ino == m->named && m->found && m->persistent) {
		struct inode *now = NULL;
		bool same = false;

		if (!vfs_lookup(m->path, &now)) {
			same = now == ino;
			inode_put(now);
		}
		if (same)
			return;
	} else if (ino == m->named) {
		return;
	}
	m->named = ino;
	m->found = !file_path(ino, m->path, sizeof(m->path));
}

static const char *vma_name(struct maps_file *m, const struct vma *v)
{
	const struct inode *ino = vma_inode(v);

	if (ino) {
		if (vma_is_kind(v, BACKING_SHM))
			return "/dev/zero (deleted)";
		name_file(m, ino);
		/* An unlinked file: Linux shows its old path and " (deleted)"; ramfs forgot it. */
		return m->found ? m->path : NULL;
	}
	if (vma_is_kind(v, BACKING_VVAR))
		return "[vvar]";
	if (vma_is_kind(v, BACKING_VDSO))
		return "[vdso]";
	if (v->flags & VM_HUGETLB)
		return "/anon_hugepage (deleted)"; /* Linux's hugetlbfs file behind it */
	/* vma_is_initial_heap(), vma_is_initial_stack() */
	if (v->start < m->mm->brk && v->end > m->mm->brk_start)
		return "[heap]";
	if (v->start <= USER_TOP - PAGE_SIZE && v->end >= USER_TOP - PAGE_SIZE)
		return "[stack]";
	return NULL;
}

/* The columns of v's line; the name (or NULL) lives in m or is a constant. */
static const char *vma_columns(struct maps_file *m, const struct vma *v, struct pl_maps_entry *e)
{
	const struct inode *ino = vma_inode(v);
	const char *name = vma_name(m, v);
	u64 pa = 0;

	if (!name && (name = phys_name(v, &pa)))
		e->offset = pa;
	else
		e->offset = ino ? v->pgoff << PAGE_SHIFT : 0;
	e->start = v->start;
	e->end = v->end;
	e->flags = (v->prot & VM_PROT_READ ? PL_MAPS_READ : 0) |
		   (v->prot & VM_PROT_WRITE ? PL_MAPS_WRITE : 0) |
		   (v->prot & VM_PROT_EXEC ? PL_MAPS_EXEC : 0) |
		   (v->flags & VM_MAYSHARE ? PL_MAPS_SHARED : 0);
	e->major = 0;
	e->minor = ino ? PROC_RAMFS_MINOR : 0;
	e->inode = ino ? ino->ino : 0;
	return name;
}

/* v's line of /proc/self/maps, appended to t. */
static void format_line(struct maps_file *m, const struct vma *v, struct textbuf *t)
{
	size_t at = t->len;
	struct pl_maps_entry e;
	const char *name = vma_columns(m, v, &e);

	tb_printf(t, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", (unsigned long)e.start,
		  (unsigned long)e.end, e.flags & PL_MAPS_READ ? 'r' : '-',
		  e.flags & PL_MAPS_WRITE ? 'w' : '-', e.flags & PL_MAPS_EXEC ? 'x' : '-',
		  e.flags & PL_MAPS_SHARED ? 's' : 'p', (unsigned long)e.offset, e.major, e.minor,
		  (unsigned long)e.inode);
	if (name)
		tb_printf(t, "%*s%s",
			  t->len - at < NAME_COLUMN ? (int)(NAME_COLUMN - (t->len - at)) : 1, "",
			  name);
	tb_printf(t, "\n");
}

/* The line of the next VMA into m->line; false at the end. */
static bool next_line(struct maps_file *m)
{
	const struct vma *v = vma_find_above(&m->mm->vmas, m->next);
	struct textbuf t = { m->line, sizeof(m->line), 0 };

	if (!v)
		return false;
	format_line(m, v, &t);
	m->len = MIN(t.len, sizeof(m->line) - 1);
	m->off = 0;
	m->next = v->end;
	return true;
}

long proc_maps_each(struct mm *mm, struct textbuf *t, proc_vma_fn fn)
{
	struct maps_file *m = kzalloc(sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->mm = mm;
	for (const struct vma *v = mm->vmas.first; v; v = v->next) {
		format_line(m, v, t);
		fn(mm, v, t);
	}
	kfree(m);
	return (long)t->len;
}

/* The stop's context: one process stops at a time; its path memory outlives the stop. */
static struct maps_file stop_maps = { .persistent = true };

u32 proc_maps_publish(struct mm *mm, struct pl_maps_entry *out, u32 room, bool *complete)
{
	const struct vma *v;
	u64 next = 0;
	u32 n = 0;

	*complete = true;
	stop_maps.mm = mm;
	while ((v = vma_find_above(&mm->vmas, next))) {
		struct pl_maps_entry *e = &out[n];
		const char *name;
		size_t len;

		if (n == room) {
			*complete = false;
			break;
		}
		name = vma_columns(&stop_maps, v, e);
		len = name ? strlen(name) : 0;
		if (len >= sizeof(e->name)) {
			e->flags |= PL_MAPS_NAME_TRUNCATED;
			len = sizeof(e->name) - 1;
		}
		memcpy(e->name, name ? name : "", len);
		e->name[len] = '\0';
		next = v->end;
		n++;
	}
	stop_maps.mm = NULL;
	return n;
}

/* Moves the cursor to file position pos (from the start when going back). */
static void seek_to(struct maps_file *m, u64 pos)
{
	if (pos < m->pos) {
		m->next = m->pos = 0;
		m->len = m->off = 0;
	}
	while (m->pos < pos && (m->off < m->len || next_line(m))) {
		size_t n = MIN(m->len - m->off, pos - m->pos);

		m->off += n;
		m->pos += n;
	}
}

static long maps_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	struct maps_file *m = f->priv;
	long done = 0;

	(void)io;
	seek_to(m, *pos);
	if (m->pos != *pos)
		return 0; /* past the end */
	while ((size_t)done < len && (m->off < m->len || next_line(m))) {
		size_t n = MIN(len - done, m->len - m->off);

		if (copy_to_user(ubuf + done, m->line + m->off, n)) {
			if (!done)
				return -EFAULT;
			break;
		}
		done += n;
		m->off += n;
		m->pos += n;
	}
	*pos = m->pos;
	return done;
}

/* seq_lseek(): SEEK_SET and SEEK_CUR; the size is not known. */
static s64 maps_llseek(struct file *f, s64 off, int whence)
{
	s64 to = whence == SEEK_SET ? off : whence == SEEK_CUR ? (s64)f->pos + off : -1;

	if (whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL;
	if (to < 0)
		return -EINVAL;
	f->pos = (u64)to;
	return to;
}

static int maps_open(struct file *f)
{
	struct maps_file *m;

	if (!current->mm)
		return -ESRCH;
	m = kzalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->mm = current->mm;
	m->mm->refcount++;
	f->priv = m;
	return 0;
}

static void maps_release(struct file *f)
{
	struct maps_file *m = f->priv;

	procmm_put(m->mm);
	kfree(m);
}

const struct file_ops proc_maps_ops = {
	.open = maps_open,
	.read = maps_read,
	.llseek = maps_llseek,
	.release = maps_release,
};
