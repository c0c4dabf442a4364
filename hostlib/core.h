/* SPDX-License-Identifier: MIT */
/* Core files the guest writes through the host (hostlib/core.c). */
#ifndef PL_HOSTLIB_CORE_H
#define PL_HOSTLIB_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pagelab/abi.h>

struct pl_core {
	int dirfd; /* --core-dir, or -1: the run keeps no cores */
	int fd;	   /* our descriptor number for the file being written */
	bool open;
	uint64_t pos; /* bytes of the file so far, holes included */
	char name[PL_CORE_NAME_MAX + 1];
	uint64_t files_written; /* kept in the directory; the hypercall device counts them */
};

struct pl_sandbox;

void pl_core_init(struct pl_core *c);
/* Opens dir (NULL: no cores). 0, or -1 with pl_error(). */
int pl_core_setup(struct pl_core *c, const char *dir);
/* A name the host creates in the directory: plain, printable, no '/' or leading '.'. */
bool pl_core_name_ok(const char *name, size_t len);
/* PL_HC_CORE_OPEN, _WRITE and _CLOSE: the guest's result. */
int64_t pl_core_hcall(struct pl_sandbox *sb, const struct pl_hcall *hc);
void pl_core_destroy(struct pl_core *c);

#endif
