/* SPDX-License-Identifier: MIT */
/* struct statfs as x86-64 user space sees it, for statfs(2) and its trace. */
#ifndef KERNEL_STATFS_H
#define KERNEL_STATFS_H

#include <kernel/types.h>

#define TMPFS_MAGIC	 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define ST_VALID	 0x0020 /* f_flags is filled in (Linux's own bit) */
#define ST_RELATIME	 0x1000

/* <asm-generic/statfs.h> on x86-64: every field 64-bit but the fsid. */
struct user_statfs {
	s64 f_type, f_bsize;
	u64 f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	s32 f_fsid[2];
	s64 f_namelen, f_frsize, f_flags;
	s64 f_spare[4];
};

#endif
