/* SPDX-License-Identifier: MIT */
/* The guest's root file system for `pagelab run`: built or read from a file. */
#ifndef PL_VMM_INITRD_H
#define PL_VMM_INITRD_H

#include <stddef.h>

struct pl_cpio;

struct initrd_spec {
	const char *program; /* host path of PROGRAM, or NULL */
	const char **files;  /* --file HOST[:GUEST] arguments */
	int nfiles;
	const char *prebuilt; /* --initrd FILE, or NULL */
};

struct initrd {
	const void *data;
	size_t size;
	struct pl_cpio *cpio; /* owns data when the archive was built */
	void *file;	      /* owns data when it was read from --initrd */
};

/* The path of PROGRAM inside the guest: /bin/NAME. */
void initrd_guest_path(const char *program, char *buf, size_t len);
/* 0, or -1 after printing one line. Nothing to do gives an empty initrd. */
int initrd_make(const struct initrd_spec *spec, struct initrd *out);
void initrd_free(struct initrd *rd);

#endif
