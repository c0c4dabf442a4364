/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_EXEC_H
#define KERNEL_EXEC_H

#include <kernel/types.h>

struct proc;

/*
 * Program arguments in kernel memory: strings packed back to back, each
 * NUL-terminated, as FDT string lists are.
 */
struct exec_args {
	const char *argv;
	size_t argv_len;
	int argc;
	const char *envp;
	size_t envp_len;
	int envc;
};

/* Replaces p's program; on failure p is unchanged and -errno is returned. */
long exec_program(struct proc *p, const char *path, const struct exec_args *args);

#endif
