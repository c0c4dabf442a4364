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

struct fdtable;
struct file;

/*
 * Boot: the root ramfs, the initramfs unpacked into it, then what must
 * exist if the archive does not provide it: /tmp and /dev/shm (mode 1777),
 * /dev/null, /dev/zero, /dev/console. A corrupt archive panics with the
 * offset and the reason.
 */
void vfs_init(const void *initrd, size_t len);
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
/* A file system shrank ino: its mappings lose the pages past the new end. */
void vfs_file_shrunk(struct inode *ino, u64 size);

/* fds 0, 1, 2: the host's stdin, stdout and stderr. umask 022. */
struct fdtable *fdtable_new_stdio(void);
/* A copy for a forked child: same open files, same FD_CLOEXEC bits, same umask. */
struct fdtable *fdtable_dup(struct fdtable *t);
/* Drop a reference; the last one closes every descriptor. */
void fdtable_put(struct fdtable *t);
/* execve: close the descriptors marked FD_CLOEXEC. */
void fdtable_exec(struct fdtable *t);

/*
 * Synthetic files (the hook for /proc): a read-only regular file whose
 * text is generated when it is opened, by the opening process (so
 * `current` inside gen is the reader). gen writes at most size bytes of
 * text into buf and returns the full length it wanted (as snprintf does),
 * or -errno; a longer text is generated again into a larger buffer.
 * st_size is 0, as in Linux's /proc. Directories on the way are created.
 */
typedef long (*vfs_synth_gen)(void *arg, char *buf, size_t size);
int vfs_synth_dir(const char *path, u32 perm);
int vfs_synth_file(const char *path, u32 perm, vfs_synth_gen gen, void *arg);

#endif
