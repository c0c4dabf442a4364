/* SPDX-License-Identifier: MIT */
/*
 * Building the guest's root file system on the host: a cpio "newc" archive
 * (the format `cpio -o -H newc` writes and Linux unpacks), and the check
 * that a program can run in the sandbox at all.
 */
#ifndef PAGELAB_INITRAMFS_H
#define PAGELAB_INITRAMFS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pl_cpio;

struct pl_cpio *pl_cpio_new(void);
void pl_cpio_free(struct pl_cpio *c);
/* Parent directories of guest_path are created as needed. 0 or -errno. */
int pl_cpio_add_dir(struct pl_cpio *c, const char *guest_path, unsigned mode);
int pl_cpio_add_file(struct pl_cpio *c, const char *guest_path, const void *data, size_t len,
		     unsigned mode);
/* Reads host_path; on failure writes one line for a person into err. */
int pl_cpio_add_host_file(struct pl_cpio *c, const char *guest_path, const char *host_path,
			  char *err, size_t errlen);
/* Appends the trailer; *data stays owned by c until pl_cpio_free. */
int pl_cpio_finish(struct pl_cpio *c, const void **data, size_t *len);

/*
 * 0 if data is a cpio newc archive the guest kernel can unpack: every entry
 * up to TRAILER!!! well-formed and inside the buffer (the guest's own
 * reader checks it). Otherwise -1 with one line in err saying what is
 * wrong (without a "pagelab:" prefix).
 */
int pl_initramfs_check(const void *data, size_t len, char *err, size_t errlen);

/*
 * 0 if path is a program the sandbox can run (a static x86-64 ELF
 * executable or static PIE). Otherwise -1 with one line in err that says
 * what is wrong and what to do (e.g. "build it with musl-gcc -static").
 */
int pl_program_check(const char *path, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
