// SPDX-License-Identifier: MIT
/*
 * The root file system: made at boot from the initramfs, plus the
 * directories and devices every program may expect. Paths resolve against
 * it and against the current process's working directory.
 */
#include <linux/fcntl.h> /* AT_FDCWD, AT_EMPTY_PATH */
#include <kernel/backing.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/cpio.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/initramfs.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/proc.h>
#include <kernel/sched.h>
#include <kernel/string.h>
#include <kernel/timer.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>

#include "fs.h"

static struct inode *root;

void ramfs_corruption(const char *what, const struct inode *ino)
{
	panic("ramfs: %s (inode %llu)", what, (unsigned long long)ino->ino);
}

u64 vfs_now(void)
{
	return boot_info.boot_epoch_ns + clock_monotonic_ns();
}

struct inode *vfs_root(void)
{
	return root;
}

struct inode *vfs_cwd(void)
{
	return current && current->cwd ? current->cwd : root;
}

void vfs_root_get(struct inode **out)
{
	inode_get(root);
	*out = root;
}

int vfs_lookup(const char *path, struct inode **out)
{
	return ramfs_walk(root, vfs_cwd(), path, out);
}

u64 vfs_get_page(struct inode *ino, u64 index, bool alloc)
{
	return ino->map_ops ? ino->map_ops->get_page(ino, index, alloc) : FRAME_NONE;
}

int vfs_new_unnamed_file(u64 size, struct inode **out)
{
	struct inode *ino = ramfs_new_anon(S_IFREG | 0600, vfs_now());

	if (!ino)
		return -ENOMEM;
	if (ramfs_truncate(ino, size, vfs_now())) {
		inode_put(ino);
		return -ENOMEM;
	}
	*out = ino;
	return 0;
}

void vfs_file_accessed(struct inode *ino)
{
	if (S_ISREG(ino->mode))
		ramfs_touch_atime(ino, vfs_now());
}

void vfs_file_modified(struct inode *ino)
{
	ino->mtime = ino->ctime = vfs_now();
}

void vfs_file_shrunk(struct inode *ino, u64 size)
{
	file_backing_truncated(ino, size);
}

char *path_get(u64 upath, int *err)
{
	char *path = kmalloc(RAMFS_PATH_MAX);
	long n;

	if (!path) {
		*err = -ENOMEM;
		return NULL;
	}
	n = strncpy_from_user(path, upath, RAMFS_PATH_MAX);
	if (n < 0) {
		kfree(path);
		*err = (int)n;
		return NULL;
	}
	return path;
}

void path_put(char *path)
{
	kfree(path);
}

/* Where a relative path starts: the working directory or dirfd's directory. */
static int start_dir(int dirfd, const char *path, struct inode **out)
{
	struct file *f;

	if (path[0] == '/' || dirfd == AT_FDCWD) {
		*out = vfs_cwd();
		inode_get(*out);
		return 0;
	}
	f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	*out = f->inode;
	inode_get(*out);
	file_put(f);
	if (path[0] && !S_ISDIR((*out)->mode)) {
		inode_put(*out);
		return -ENOTDIR;
	}
	return 0;
}

int walk_at(int dirfd, const char *path, struct inode **out)
{
	struct inode *start;
	int err = start_dir(dirfd, path, &start);

	if (err)
		return err;
	err = ramfs_walk(root, start, path, out);
	inode_put(start);
	return err;
}

int walk_parent_at(int dirfd, const char *path, struct nameidata *nd)
{
	struct inode *start;
	int err = start_dir(dirfd, path, &start);

	if (err)
		return err;
	err = ramfs_walk_parent(root, start, path, nd);
	inode_put(start);
	return err;
}

int lookup_user_at(int dirfd, u64 upath, u32 flags, struct inode **out)
{
	int err;
	char *path = path_get(upath, &err);

	if (!path)
		return err;
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		/* The descriptor itself, whatever it is (AT_FDCWD: the working directory). */
		err = start_dir(dirfd, path, out);
	} else {
		err = walk_at(dirfd, path, out);
	}
	path_put(path);
	return err;
}

/* Create path under the root unless something has that name already. */
static void ensure(const char *path, u32 mode, u32 major, u32 minor)
{
	struct nameidata nd;
	int err = ramfs_walk_parent(root, root, path, &nd);

	if (!err) {
		err =
		    ramfs_create(nd.dir, nd.last, nd.last_len, mode, major, minor, vfs_now(), NULL);
		nameidata_put(&nd);
	}
	if (err && err != -EEXIST)
		panic("vfs: cannot create %s: error %d", path, -err);
}

/* A file the archive did not bring, with this text; an existing one is left alone. */
static void ensure_text(const char *path, u32 perm, const char *text)
{
	struct nameidata nd;
	struct inode *ino;
	int err = ramfs_walk_parent(root, root, path, &nd);

	if (err)
		panic("vfs: cannot create %s: error %d", path, -err);
	err = ramfs_create(nd.dir, nd.last, nd.last_len, S_IFREG | perm, 0, 0, vfs_now(), &ino);
	nameidata_put(&nd);
	if (err == -EEXIST)
		return;
	if (err || inode_write(ino, 0, text, strlen(text), vfs_now()) != (long)strlen(text))
		panic("vfs: cannot create %s", path);
	inode_put(ino);
}

static void unpack(const void *initrd, size_t len)
{
	struct initramfs_result r;

	if (!initramfs_unpack(root, initrd, len, vfs_now(), &r)) {
		pr_verbose("initramfs: %u file%s, %u director%s\n", r.files,
			   r.files == 1 ? "" : "s", r.dirs, r.dirs == 1 ? "y" : "ies");
		if (r.skipped)
			printk("initramfs: skipped %u symlinks, block devices or sockets: "
			       "the guest's file system has none\n",
			       r.skipped);
		return;
	}
	if (r.cpio_error)
		panic("initramfs: corrupt archive at offset %zu of %zu: %s", r.offset, len,
		      cpio_strerror(r.cpio_error));
	panic("initramfs: cannot unpack /%.*s (archive offset %zu): error %d", (int)r.pathlen,
	      r.path, r.offset, -r.fs_error);
}

void vfs_make_node(const char *path, u32 mode, u32 major, u32 minor)
{
	ensure(path, mode, major, minor);
}

void vfs_init(const void *initrd, size_t len)
{
	root = ramfs_new_root(0755, vfs_now());
	if (!root)
		panic("vfs: no memory for the root directory");
	if (initrd && len)
		unpack(initrd, len);
	ensure("/tmp", S_IFDIR | 01777, 0, 0);
	ensure("/dev", S_IFDIR | 0755, 0, 0);
	ensure("/dev/shm", S_IFDIR | 01777, 0, 0);
	ensure("/dev/mem", S_IFCHR | 0640, 1, 1);
	ensure("/dev/null", S_IFCHR | 0666, 1, 3);
	ensure("/dev/zero", S_IFCHR | 0666, 1, 5);
	ensure("/dev/console", S_IFCHR | 0600, 5, 1);
	/* A second user for programs that drop root, under Debian's names and IDs. */
	ensure("/etc", S_IFDIR | 0755, 0, 0);
	ensure_text("/etc/passwd", 0644,
		    "root:x:0:0:root:/root:/bin/sh\n"
		    "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
	ensure_text("/etc/group", 0644, "root:x:0:\nnogroup:x:65534:\n");
}
