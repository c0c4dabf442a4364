/* SPDX-License-Identifier: MIT */
/*
 * Reader for cpio "newc" archives (magic 070701, and 070702 with its data
 * checksum): the initramfs the host builds and the ramfs unpacks.
 *
 * The archive is untrusted input. Every header field is checked against
 * the archive's bounds before anything is read through it, so a corrupt or
 * truncated archive yields an error, never a read outside [base, base+len).
 * An archive must end with a "TRAILER!!!" entry; anything after it (the
 * zero padding cpio writes to a 512-byte block) is ignored.
 *
 * Pure module: also compiled for the host (PL_HOST_TEST) and unit-tested.
 */
#ifndef KERNEL_CPIO_H
#define KERNEL_CPIO_H

#include <kernel/types.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_NAME_MAX	 4096 /* including the NUL; PATH_MAX */

/* File types in cpio_entry.mode: the Linux S_IF* values. */
#define CPIO_S_IFMT   0170000
#define CPIO_S_IFSOCK 0140000
#define CPIO_S_IFLNK  0120000
#define CPIO_S_IFREG  0100000
#define CPIO_S_IFBLK  0060000
#define CPIO_S_IFDIR  0040000
#define CPIO_S_IFCHR  0020000
#define CPIO_S_IFIFO  0010000

/* Errors, returned negated by cpio_next(). */
enum cpio_error {
	CPIO_ERR_TRUNCATED = 1, /* a header, name or data runs past the end */
	CPIO_ERR_MAGIC,		/* not 070701 / 070702 */
	CPIO_ERR_HEX,		/* a header field is not 8 hex digits */
	CPIO_ERR_NAME,		/* name empty, not NUL-terminated, too long, or has
				 * "..", empty or "." components */
	CPIO_ERR_MODE,		/* unknown file type, or data on a directory/device */
	CPIO_ERR_CHECKSUM,	/* 070702 entry whose data does not sum to its check */
	CPIO_ERR_NO_TRAILER,	/* the archive ends without TRAILER!!! */
};

struct cpio_entry {
	const char *name; /* as stored, NUL-terminated, inside the archive */
	/*
	 * The name with any leading "/" and "./" removed: "bin/sh". The root
	 * directory itself ("." or "/") has path "" and pathlen 0. Never
	 * contains "..", "." or empty components, nor a trailing "/".
	 */
	const char *path;
	size_t pathlen;
	u32 ino;
	u32 mode; /* file type | permissions */
	u32 uid, gid;
	u32 nlink;
	u32 mtime;
	u32 devmajor, devminor;
	u32 rdevmajor, rdevminor;
	/*
	 * File contents, or a symlink's target (not NUL-terminated). In newc,
	 * hard links share ino/devmajor/devminor and only the last of them
	 * carries the data: the others have size 0.
	 */
	const void *data;
	size_t size;
};

struct cpio_iter {
	const u8 *base;
	size_t len;
	size_t off; /* offset of the next header */
	int state;  /* 0 running, 1 trailer seen, < 0 the error */
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t len);
/*
 * Fill *e with the next entry and return 1; return 0 once the trailer has
 * been reached, or -CPIO_ERR_* (then again on every later call).
 */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e);
/* Offset in the archive of the entry that failed (or of the next header). */
size_t cpio_iter_offset(const struct cpio_iter *it);
const char *cpio_strerror(int err);

static inline bool cpio_is_dir(const struct cpio_entry *e)
{
	return (e->mode & CPIO_S_IFMT) == CPIO_S_IFDIR;
}

static inline bool cpio_is_reg(const struct cpio_entry *e)
{
	return (e->mode & CPIO_S_IFMT) == CPIO_S_IFREG;
}

static inline bool cpio_is_symlink(const struct cpio_entry *e)
{
	return (e->mode & CPIO_S_IFMT) == CPIO_S_IFLNK;
}

#endif
