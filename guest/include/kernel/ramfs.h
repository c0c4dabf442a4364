/* SPDX-License-Identifier: MIT */
/*
 * ramfs: the in-memory file system that is the guest's root. Inodes,
 * directory entries, path resolution and file data, with Linux's error
 * rules. A regular file's data is an array of frames, one reference each,
 * so the page cache is the file: mmap (issue 4) maps those same frames.
 *
 * Pure module: no processes, no syscalls, no clock. Callers pass the
 * directory a relative path starts from and the time ("now", nanoseconds
 * since the epoch) explicitly. Also compiled for the host and unit-tested.
 *
 * Lifetime. An inode has two counts:
 *   refcount - in-memory references: open files, a process's cwd, a
 *              directory's reference on its parent, a caller's lookup result;
 *   nlink    - names: directory entries that lead to it (and, for a
 *              directory, its "." and its subdirectories' "..").
 * It is freed when both are zero, so an unlinked file stays readable
 * through an open descriptor until the last reference goes. Directory
 * entries do not hold references, only links. A directory holds a
 * reference on its parent for as long as it exists ("..").
 */
#ifndef KERNEL_RAMFS_H
#define KERNEL_RAMFS_H

#include <kernel/frame.h> /* PFNs, FRAME_NONE, PAGE_SIZE */
#include <kernel/page_tree.h>
#include <kernel/types.h>

/* File types and mode bits: Linux's values (<linux/stat.h> hides them under glibc). */
#ifndef S_IFMT
#define S_IFMT	    00170000
#define S_IFSOCK    0140000
#define S_IFLNK	    0120000
#define S_IFREG	    0100000
#define S_IFBLK	    0060000
#define S_IFDIR	    0040000
#define S_IFCHR	    0020000
#define S_IFIFO	    0010000
#define S_ISUID	    0004000
#define S_ISGID	    0002000
#define S_ISVTX	    0001000
#define S_ISLNK(m)  (((m)&S_IFMT) == S_IFLNK)
#define S_ISREG(m)  (((m)&S_IFMT) == S_IFREG)
#define S_ISDIR(m)  (((m)&S_IFMT) == S_IFDIR)
#define S_ISCHR(m)  (((m)&S_IFMT) == S_IFCHR)
#define S_ISBLK(m)  (((m)&S_IFMT) == S_IFBLK)
#define S_ISFIFO(m) (((m)&S_IFMT) == S_IFIFO)
#define S_ISSOCK(m) (((m)&S_IFMT) == S_IFSOCK)
#endif
/* Linux's own groupings (<linux/stat.h>), which libc does not define. */
#define S_IRWXUGO 00777 /* rwx for user, group and others */
#define S_IALLUGO 07777 /* those, setuid, setgid and sticky: all a chmod sets */
#define S_IXUGO	  00111 /* x for anyone */
#ifndef S_IXGRP
#define S_IXGRP 00010 /* with S_ISGID: a set-group-ID program, not a lock marker */
#endif

#define RAMFS_NAME_MAX	    255
#define RAMFS_PATH_MAX	    4096	 /* including the NUL */
#define RAMFS_MAX_FILE_SIZE (1ULL << 40) /* beyond this, writes fail with EFBIG */
#define RAMFS_DIRENT_COOKIE 2		 /* readdir positions: 0 ".", 1 "..", then entries */

/* Which file system an inode belongs to, for statfs: the root's tmpfs or /proc. */
#define RAMFS_FS_ROOT 0
#define RAMFS_FS_PROC 1

struct ramfs_dirent;
struct inode;
struct file_lock;

/*
 * What a file system gives the VFS so that its regular files can be
 * mapped (Linux's address_space_operations, cut down to what mmap needs).
 * The mm reaches it only through vfs_get_page().
 */
struct inode_map_ops {
	/*
	 * The frame holding page index, with a reference taken for the caller
	 * (drop it with frame_put), or FRAME_NONE for a hole when !alloc or when
	 * memory is short. alloc fills a hole with a zeroed frame. The caller
	 * checks index against the size (mmap gives SIGBUS beyond it).
	 */
	u64 (*get_page)(struct inode *ino, u64 index, bool alloc);
};

struct inode {
	u64 ino;
	u32 mode; /* S_IF* type | permission bits */
	u32 nlink;
	u32 refcount;
	u32 uid, gid;
	u32 rdev_major, rdev_minor; /* character devices */
	u8 fs; /* RAMFS_FS_*: the file system statfs reports; from the parent */
	u64 size;
	u64 atime, mtime, ctime; /* nanoseconds since the epoch */
	/*
	 * Owned by the VFS layer: file operations for devices and synthetic
	 * files, and their private data (a FIFO's pipe, a generator).
	 */
	const void *ops;
	void *priv;
	const struct inode_map_ops *map_ops; /* set by the file system on mappable files */
	struct file_lock *locks;	     /* record and flock locks (kernel/locks.h) */
	union {
		struct {			/* S_IFREG */
			struct page_tree pages; /* index -> PFN; holes cost nothing */
		} reg;
		struct {				  /* S_IFDIR */
			struct ramfs_dirent *head, *tail; /* in cookie order */
			struct inode *parent;		  /* referenced, except by the root */
			u64 nentries;
			u64 next_cookie;
		} dir;
	};
};

/* ---- inodes and file data (ramfs.c) ---- */

/* A new root directory: refcount 1 (the caller's), nlink 2. */
struct inode *ramfs_new_root(u32 perm, u64 now);
/* An inode with no name (a pipe's): refcount 1, nlink 0, freed at the last put. */
struct inode *ramfs_new_anon(u32 mode, u64 now);
void inode_get(struct inode *ino);
void inode_put(struct inode *ino);
/* For ramfs_dir.c: a fresh inode (refcount 1, nlink 0), and freeing an unused one. */
struct inode *ramfs_inode_alloc(u32 mode, u64 now);
void ramfs_maybe_free(struct inode *ino);

static inline bool inode_is_dir(const struct inode *ino)
{
	return S_ISDIR(ino->mode);
}

static inline bool inode_is_reg(const struct inode *ino)
{
	return S_ISREG(ino->mode);
}

static inline u32 inode_mode(const struct inode *ino)
{
	return ino->mode;
}

static inline u64 inode_size(const struct inode *ino)
{
	return ino->size;
}

/* Copies n bytes between a caller's buffer at addr and kernel memory: 0 or -EFAULT. */
typedef int (*ramfs_copy_out_fn)(u64 addr, const void *src, size_t n);
typedef int (*ramfs_copy_in_fn)(void *dst, u64 addr, size_t n);

/*
 * Read or write a regular file at off. buf is whatever the copy function
 * understands (a user address, or a kernel pointer as an integer). They
 * return the bytes moved, or -errno if none were: a fault after progress
 * ends the call short, as Linux does. Writes extend the file; the gap
 * between the old end and off reads as zeros.
 */
long ramfs_read(struct inode *ino, u64 off, u64 buf, size_t len, ramfs_copy_out_fn copy_out);
long ramfs_write(struct inode *ino, u64 off, u64 buf, size_t len, ramfs_copy_in_fn copy_in,
		 u64 now);
/* The same with kernel buffers: the ELF loader and the initramfs use these. */
long inode_read(struct inode *ino, u64 off, void *kbuf, size_t len);
long inode_write(struct inode *ino, u64 off, const void *kbuf, size_t len, u64 now);
/*
 * The file was read at now: its atime changes as Linux's default relatime
 * mount option says, when it is not newer than mtime or ctime, or a day old.
 */
#define RELATIME_INTERVAL_NS (24ULL * 3600 * 1000000000)
void ramfs_touch_atime(struct inode *ino, u64 now);
/*
 * Set the size of a regular file. Shrinking frees the frames beyond the new
 * end and zeroes the rest of the last page, so growing again reads zeros.
 * 0, -EISDIR, -EINVAL (not a regular file), -EFBIG.
 */
int ramfs_truncate(struct inode *ino, u64 size, u64 now);
/* ramfs's inode_map_ops get_page, for regular files (see struct inode_map_ops). */
u64 inode_get_page(struct inode *ino, u64 index, bool alloc);
/* Inodes that exist now (statfs's f_files - f_ffree). */
u64 ramfs_live_inodes(void);
/* Frames that hold the file's data (st_blocks is this times 8). */
u64 ramfs_frames(const struct inode *ino);

/*
 * Called on a reference-count bug (a put of an inode nobody holds). The
 * kernel panics; host tests record it.
 */
void ramfs_corruption(const char *what, const struct inode *ino);

/*
 * May the caller search dir (x permission)? 0 or -EACCES. The kernel's
 * answer comes from the current process's IDs (guest/fs/perm.c); the pure
 * module's host tests run as root.
 */
int ramfs_may_search(const struct inode *dir);

/* ---- directories (ramfs_dir.c) ---- */

/* The inode named name[0..len) in dir, with a reference: 0, -ENOENT, -ENOTDIR. */
int ramfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out);
/*
 * Create name in dir with mode (type | permissions; S_IFREG, S_IFDIR,
 * S_IFCHR with rdev, S_IFIFO). *out gets the new inode with a reference
 * when out is not NULL. -EEXIST, -ENOENT (dir was removed), -ENOTDIR,
 * -ENAMETOOLONG, -EINVAL (bad type), -ENOMEM.
 */
int ramfs_create(struct inode *dir, const char *name, size_t len, u32 mode, u32 rdev_major,
		 u32 rdev_minor, u64 now, struct inode **out);
/*
 * One step of mkdir -p: *next is the directory name[0..len) in dir, made
 * with S_IFDIR | perm if it was missing (*made then true). The caller's
 * reference on dir is dropped either way; *next carries one on success.
 * -ENOTDIR if the name is something else, or what lookup or create said.
 */
int ramfs_mkdir_step(struct inode *dir, const char *name, size_t len, u32 perm, u64 now,
		     struct inode **next, bool *made);
/* A second name for a non-directory: -EPERM for a directory, -EEXIST... */
int ramfs_link(struct inode *dir, const char *name, size_t len, struct inode *target, u64 now);
/* Remove a non-directory's name: -EISDIR for a directory, -ENOENT. */
int ramfs_unlink(struct inode *dir, const char *name, size_t len, u64 now);
/* Remove an empty directory: -ENOTDIR, -ENOTEMPTY, -ENOENT. */
int ramfs_rmdir(struct inode *dir, const char *name, size_t len, u64 now);
/*
 * rename(2) within the file system, with Linux's rules: a directory may
 * replace only an empty directory (-ENOTEMPTY), a non-directory only a
 * non-directory (-EISDIR / -ENOTDIR), never into itself (-EINVAL); renaming
 * a name onto another name of the same inode does nothing.
 */
int ramfs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		 const char *nname, size_t nlen, u64 now);

struct ramfs_dirent_view {
	const char *name; /* valid until the directory changes */
	size_t len;
	u64 ino;
	u32 mode;
	u64 next; /* position after this entry */
};

/*
 * The entry at position pos or the first one after it ("." at 0, ".." at 1,
 * then the names in creation order): 1 and *v filled, or 0 at the end.
 * Positions stay valid while entries come and go, as telldir requires.
 */
int ramfs_readdir(struct inode *dir, u64 pos, struct ramfs_dirent_view *v);
/*
 * The absolute path of directory dir below root, NUL-terminated in buf:
 * its length including the NUL, -ERANGE if size is too small, -ENOENT if
 * dir has been removed.
 */
long ramfs_path_of(struct inode *root, struct inode *dir, char *buf, size_t size);

/* ---- path resolution (namei.c) ---- */

enum ramfs_last {
	LAST_NORM,   /* an ordinary name */
	LAST_DOT,    /* "." */
	LAST_DOTDOT, /* ".." */
	LAST_ROOT,   /* the path is "/" (any number of slashes) */
};

struct nameidata {
	struct inode *dir; /* where the last component lives, referenced */
	const char *last;  /* the last component, inside the path */
	size_t last_len;
	enum ramfs_last last_type;
	bool trailing_slash; /* the path ends in "/": the result must be a directory */
};

/*
 * Walk every component but the last. Absolute paths start at root,
 * relative ones at start. -ENOENT (empty path or a missing directory),
 * -ENOTDIR, -ENAMETOOLONG. On success nd->dir holds a reference that the
 * caller drops with nameidata_put().
 */
int ramfs_walk_parent(struct inode *root, struct inode *start, const char *path,
		      struct nameidata *nd);
void nameidata_put(struct nameidata *nd);
/* The inode of the last component after ramfs_walk_parent, with a reference. */
int ramfs_walk_last(struct inode *root, struct nameidata *nd, struct inode **out);
/* The whole path: the inode, with a reference. */
int ramfs_walk(struct inode *root, struct inode *start, const char *path, struct inode **out);

#endif
