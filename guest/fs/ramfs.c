// SPDX-License-Identifier: MIT
/*
 * ramfs inodes and file data. A regular file is an array of frame numbers
 * indexed by page; a missing frame is a hole that reads as zeros. The file
 * holds one reference on each frame it owns, so a frame that something
 * else (a mapping) still references outlives a truncation of the file.
 *
 * Invariant: the bytes of the last page beyond the file's size are zero,
 * and no frames exist beyond it once truncated. Growing a file (a write
 * past the end, ftruncate up) re-zeroes the old tail anyway, so a store
 * through a mapping into that tail cannot leak into the file.
 */
#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/ramfs.h>
#include <kernel/string.h>
#ifndef PL_HOST_TEST
#include <kernel/vfs.h>
#endif

static u64 next_ino = 1, live_inodes;
static const struct inode_map_ops ramfs_map_ops = { .get_page = inode_get_page };
static const u8 zero_page[PAGE_SIZE];

#ifdef PL_HOST_TEST
/* Every host test links every pure module; test_ramfs.c defines its own. */
__attribute__((weak)) void ramfs_corruption(const char *what, const struct inode *ino)
{
	(void)what;
	(void)ino;
	__builtin_trap();
}
#endif

struct inode *ramfs_inode_alloc(u32 mode, u64 now)
{
	struct inode *ino = kzalloc(sizeof(*ino));

	if (!ino)
		return NULL;
	ino->ino = next_ino++;
	live_inodes++;
	ino->mode = mode;
	ino->refcount = 1;
	if (S_ISREG(mode))
		ino->map_ops = &ramfs_map_ops;
	ino->atime = ino->mtime = ino->ctime = now;
	return ino;
}

struct inode *ramfs_new_root(u32 perm, u64 now)
{
	struct inode *root = ramfs_inode_alloc(S_IFDIR | (perm & S_IALLUGO), now);

	if (!root)
		return NULL;
	root->nlink = 2;
	root->dir.parent = root; /* ".." of the root is the root; no reference */
	root->dir.next_cookie = RAMFS_DIRENT_COOKIE;
	return root;
}

struct inode *ramfs_new_anon(u32 mode, u64 now)
{
	if (S_ISDIR(mode))
		return NULL;
	return ramfs_inode_alloc(mode, now);
}

static void put_frame(u64 pfn)
{
	frame_put(pfn);
}

static void drop_pages(struct inode *ino, u64 first)
{
	page_tree_truncate(&ino->reg.pages, first, put_frame);
}

static void inode_free(struct inode *ino)
{
	struct inode *parent = NULL;

	if (S_ISREG(ino->mode)) {
		drop_pages(ino, 0);
	} else if (S_ISDIR(ino->mode) && ino->dir.parent != ino) {
		parent = ino->dir.parent;
	}
	kfree(ino);
	live_inodes--;
	/* A removed directory kept its parent alive for "..": release it now. */
	if (parent)
		inode_put(parent);
}

void inode_get(struct inode *ino)
{
	if (unlikely(ino->refcount == UINT32_MAX))
		ramfs_corruption("inode reference count overflow", ino);
	else
		ino->refcount++;
}

void inode_put(struct inode *ino)
{
	if (unlikely(ino->refcount == 0)) {
		ramfs_corruption("put of an inode nobody holds", ino);
		return;
	}
	if (--ino->refcount == 0 && ino->nlink == 0)
		inode_free(ino);
}

void ramfs_maybe_free(struct inode *ino)
{
	if (ino->refcount == 0 && ino->nlink == 0)
		inode_free(ino);
}

/* ---- file data ---- */

static u8 *page_ptr(const struct inode *ino, u64 index)
{
	u64 pfn = page_tree_lookup(&ino->reg.pages, index);

	return pfn == FRAME_NONE ? NULL : frame_to_virt(pfn);
}

/*
 * The page at index, allocated and zeroed if it is a hole (then *fresh is
 * set, so a write that fails can give it back); NULL if memory is short.
 */
static u8 *page_for_write(struct inode *ino, u64 index, bool *fresh)
{
	u64 pfn = page_tree_lookup(&ino->reg.pages, index);
	u8 *p;

	*fresh = false;
	if (pfn != FRAME_NONE)
		return frame_to_virt(pfn);
	pfn = frame_alloc(0);
	if (pfn == FRAME_NONE)
		return NULL;
	if (page_tree_insert(&ino->reg.pages, index, pfn)) {
		frame_put(pfn);
		return NULL;
	}
	zero_new_frames(pfn, 1);
	p = frame_to_virt(pfn);
	*fresh = true;
	return p;
}

/* Zero the bytes [from, to) that lie in allocated pages. */
static void zero_range(struct inode *ino, u64 from, u64 to)
{
	while (from < to) {
		u64 index = from >> PAGE_SHIFT;
		u64 pgoff = from & (PAGE_SIZE - 1);
		u64 n = MIN(to - from, PAGE_SIZE - pgoff);
		u8 *p = page_ptr(ino, index);

		if (p)
			memset(p + pgoff, 0, n);
		from += n;
	}
}

/*
 * Before the size grows from ino->size to new_size: only the old last page
 * can hold stray bytes beyond the size (a store through a mapping).
 */
static void zero_old_tail(struct inode *ino, u64 new_size)
{
	u64 end = MIN(new_size, ALIGN_UP(ino->size, PAGE_SIZE));

	if (ino->size < end)
		zero_range(ino, ino->size, end);
}

long ramfs_read(struct inode *ino, u64 off, u64 buf, size_t len, ramfs_copy_out_fn copy_out)
{
	size_t done = 0;

	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (off >= ino->size)
		return 0;
	len = MIN(len, ino->size - off);
	while (done < len) {
		u64 pos = off + done;
		u64 pgoff = pos & (PAGE_SIZE - 1);
		size_t n = MIN(len - done, PAGE_SIZE - pgoff);
		const u8 *p = page_ptr(ino, pos >> PAGE_SHIFT);

		if (copy_out(buf + done, p ? p + pgoff : zero_page, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return done;
}

long ramfs_write(struct inode *ino, u64 off, u64 buf, size_t len, ramfs_copy_in_fn copy_in, u64 now)
{
	size_t done = 0;
	long err = 0;

	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (len == 0)
		return 0;
	if (off >= RAMFS_MAX_FILE_SIZE)
		return -EFBIG;
	len = MIN(len, RAMFS_MAX_FILE_SIZE - off);
	if (off > ino->size)
		zero_old_tail(ino, off);
	while (done < len) {
		u64 pos = off + done;
		u64 pgoff = pos & (PAGE_SIZE - 1);
		size_t n = MIN(len - done, PAGE_SIZE - pgoff);
		bool fresh;
		u8 *p = page_for_write(ino, pos >> PAGE_SHIFT, &fresh);

		if (!p) {
			err = -ENOSPC;
			break;
		}
		if (copy_in(p + pgoff, buf + done, n)) {
			/*
			 * A page this write made past the end goes back, with the
			 * tree nodes made for it: nothing wholly past the end holds
			 * data, and a failed write must cost nothing.
			 */
			if (fresh && pos >= ino->size)
				drop_pages(ino, ALIGN_UP(ino->size, PAGE_SIZE) >> PAGE_SHIFT);
			/* Keep the tail invariant: what landed beyond the size goes. */
			else if (pos + n > ino->size)
				zero_range(ino, MAX(pos, ino->size), pos + n);
			err = -EFAULT;
			break;
		}
		done += n;
		ino->size = MAX(ino->size, pos + n);
	}
	if (!done)
		return err;
	ino->mtime = ino->ctime = now;
	return done;
}

static int kcopy_out(u64 addr, const void *src, size_t n)
{
	memcpy((void *)(uintptr_t)addr, src, n);
	return 0;
}

static int kcopy_in(void *dst, u64 addr, size_t n)
{
	memcpy(dst, (const void *)(uintptr_t)addr, n);
	return 0;
}

long inode_read(struct inode *ino, u64 off, void *kbuf, size_t len)
{
	return ramfs_read(ino, off, (u64)(uintptr_t)kbuf, len, kcopy_out);
}

long inode_write(struct inode *ino, u64 off, const void *kbuf, size_t len, u64 now)
{
	return ramfs_write(ino, off, (u64)(uintptr_t)kbuf, len, kcopy_in, now);
}

void ramfs_touch_atime(struct inode *ino, u64 now)
{
	if (ino->atime <= ino->mtime || ino->atime <= ino->ctime ||
	    now - ino->atime >= RELATIME_INTERVAL_NS)
		ino->atime = now;
}

int ramfs_truncate(struct inode *ino, u64 size, u64 now)
{
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	if (!S_ISREG(ino->mode))
		return -EINVAL;
	if (size > RAMFS_MAX_FILE_SIZE)
		return -EFBIG;
	if (size < ino->size) {
		drop_pages(ino, ALIGN_UP(size, PAGE_SIZE) >> PAGE_SHIFT);
		zero_range(ino, size, ALIGN_UP(size, PAGE_SIZE));
#ifndef PL_HOST_TEST
		vfs_file_shrunk(ino, size); /* mappings lose the pages past the end */
#endif
	} else if (size > ino->size) {
		zero_old_tail(ino, size);
	}
	ino->size = size;
	ino->mtime = ino->ctime = now;
	return 0;
}

u64 inode_get_page(struct inode *ino, u64 index, bool alloc)
{
	bool fresh;
	u64 pfn;

	if (!S_ISREG(ino->mode) || index >= RAMFS_MAX_FILE_SIZE / PAGE_SIZE)
		return FRAME_NONE;
	if (alloc && !page_for_write(ino, index, &fresh))
		return FRAME_NONE;
	pfn = page_tree_lookup(&ino->reg.pages, index);
	if (pfn != FRAME_NONE)
		frame_get(pfn);
	return pfn;
}

u64 ramfs_live_inodes(void)
{
	return live_inodes;
}

u64 ramfs_frames(const struct inode *ino)
{
	return S_ISREG(ino->mode) ? ino->reg.pages.nframes : 0;
}
