/* SPDX-License-Identifier: MIT */
/*
 * The file system as the rest of the kernel sees it: one ramfs root filled
 * from the initramfs, descriptor tables, and lookups relative to the
 * current process's working directory.
 *
 * Reference rules (see also kernel/ramfs.h):
 *   - proc->cwd owns one inode reference. fork: child->cwd = parent->cwd
 *     plus inode_get(); exit: inode_put(). chdir/fchdir swap it.
 *   - proc->files owns one fdtable reference: fdtable_dup() on fork gives
 *     the child its own table (the open files are shared, as in Linux);
 *     fdtable_put() on exit closes every descriptor.
 *   - vfs_lookup() and vfs_root_get() return an inode with a reference the
 *     caller drops with inode_put().
 */
#ifndef KERNEL_VFS_H
#define KERNEL_VFS_H

#include <kernel/ramfs.h>

struct file;

/*
 * Boot: the root ramfs, the initramfs unpacked into it, then what must
 * exist if the archive does not provide it: /tmp and /dev/shm (mode 1777),
 * /dev/null, /dev/zero, /dev/console, and /etc/passwd and /etc/group
 * naming root and nobody (65534). A corrupt archive panics with the
 * offset and the reason.
 */
void vfs_init(const void *initrd, size_t len);
/* Boot: a directory or device node at path unless something is there; panics if it cannot. */
void vfs_make_node(const char *path, u32 mode, u32 major, u32 minor);
/* The root directory, with a reference taken for *out. */
void vfs_root_get(struct inode **out);
/* The inode of a kernel path, relative to current->cwd (the root if none). */
int vfs_lookup(const char *path, struct inode **out);
/* Now, in nanoseconds since the epoch: what file time stamps record. */
u64 vfs_now(void);

/* ---- what the mm may ask of files (guest/mm/backing_file.c, backing_shm.c) ---- */

/* The frame of page index of a mappable file, through its file system's inode_map_ops. */
u64 vfs_get_page(struct inode *ino, u64 index, bool alloc);
/* A regular file of size bytes with no name (shared anonymous memory): 0 or -ENOMEM. */
int vfs_new_unnamed_file(u64 size, struct inode **out);
/* A mapping of ino was made, as a read (atime, relatime rules). */
void vfs_file_accessed(struct inode *ino);
/* Stores through a shared mapping reached ino: mtime and ctime are now. */
void vfs_file_modified(struct inode *ino);
/* A file system shrank ino: its mappings lose the pages past the new end. */
void vfs_file_shrunk(struct inode *ino, u64 size);

#endif
