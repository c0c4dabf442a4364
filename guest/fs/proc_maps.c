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
#include <kernel/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/uvm.h>
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

struct maps_ctx {
	struct textbuf t;
	struct mm *mm;
	const struct inode *named; /* whose path is in path[] */
	bool found;
	char *path;
};

static const char *vma_name(struct maps_ctx *c, const struct vma *v)
{
	const struct inode *ino = v->obj;

	if (ino) {
		if (memobj_is_anon(ino))
			return "/dev/zero (deleted)";
		if (ino != c->named) {
			c->named = ino;
			c->found = c->path && !file_path(ino, c->path, RAMFS_PATH_MAX);
		}
		/* An unlinked file: Linux shows its old path and " (deleted)"; ramfs forgot it. */
		return c->found ? c->path : NULL;
	}
	if (v->flags & VM_HUGETLB)
		return "/anon_hugepage (deleted)"; /* Linux's hugetlbfs file behind it */
	/* vma_is_initial_heap(), vma_is_initial_stack() */
	if (v->start < c->mm->brk && v->end > c->mm->brk_start)
		return "[heap]";
	if (v->start <= USER_TOP - PAGE_SIZE && v->end >= USER_TOP - PAGE_SIZE)
		return "[stack]";
	return NULL;
}

static void show_vma(struct maps_ctx *c, const struct vma *v)
{
	const struct inode *ino = v->obj;
	size_t line = c->t.len;
	const char *name = vma_name(c, v);

	tb_printf(&c->t, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", (unsigned long)v->start,
		  (unsigned long)v->end, v->prot & VM_PROT_READ ? 'r' : '-',
		  v->prot & VM_PROT_WRITE ? 'w' : '-', v->prot & VM_PROT_EXEC ? 'x' : '-',
		  v->flags & VM_MAYSHARE ? 's' : 'p',
		  (unsigned long)(ino ? v->pgoff << PAGE_SHIFT : 0), 0, ino ? PROC_RAMFS_MINOR : 0,
		  (unsigned long)(ino ? ino->ino : 0));
	if (name) {
		size_t used = c->t.len - line;
		int pad = used < NAME_COLUMN ? (int)(NAME_COLUMN - used) : 1;

		tb_printf(&c->t, "%*s%s", pad, "", name);
	}
	tb_printf(&c->t, "\n");
}

long proc_maps_gen(void *arg, char *buf, size_t size)
{
	struct maps_ctx c = { .t = { buf, size, 0 }, .mm = current->mm };

	(void)arg;
	if (!c.mm)
		return 0;
	c.path = kmalloc(RAMFS_PATH_MAX);
	for (const struct vma *v = c.mm->vmas.first; v; v = v->next)
		show_vma(&c, v);
	kfree(c.path);
	return c.t.len;
}
