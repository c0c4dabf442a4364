/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_SYNTH_H
#define KERNEL_SYNTH_H

#include <kernel/types.h>

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
/*
 * A synthetic file that also takes writes, as a sysfs attribute does: each
 * write(2) of at most SYNTH_STORE_MAX bytes is handed whole to store, which
 * returns 0 or -errno (the write then returns its length or that error).
 */
#define SYNTH_STORE_MAX 64
typedef int (*vfs_synth_store)(void *arg, const char *buf, size_t len);
int vfs_synth_file_rw(const char *path, u32 perm, vfs_synth_gen gen, vfs_synth_store store,
		      void *arg);

#endif
