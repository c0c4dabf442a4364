/* SPDX-License-Identifier: MIT */
/*
 * Unpacking the initramfs (a cpio "newc" archive) into a ramfs, as Linux's
 * init/initramfs.c does: directories, regular files with their data, hard
 * links, character devices and FIFOs, with the archive's permission bits,
 * owners and modification times. Parent directories the archive leaves
 * out are created (mode 0755); an entry whose name exists already replaces
 * it. Symlinks, block devices and sockets are skipped and counted: ramfs
 * has none.
 *
 * Pure module: also compiled for the host and unit-tested.
 */
#ifndef KERNEL_INITRAMFS_H
#define KERNEL_INITRAMFS_H

#include <kernel/ramfs.h>

struct initramfs_result {
	int cpio_error;	  /* -CPIO_ERR_*: the archive is corrupt (cpio_strerror) */
	int fs_error;	  /* -errno: an entry could not be created */
	size_t offset;	  /* archive offset of the entry that failed */
	const char *path; /* its path (inside the archive), when known */
	size_t pathlen;
	u32 files, dirs; /* created */
	u32 skipped;	 /* symlinks, block devices, sockets */
};

/* 0, or -1 with the reason in *r. What was unpacked before an error stays. */
int initramfs_unpack(struct inode *root, const void *archive, size_t len, u64 now,
		     struct initramfs_result *r);

#endif
