/* SPDX-License-Identifier: MIT */
/* --trace-syscalls: strace's lines for the program's calls (guest/kernel/trace.c). */
#ifndef KERNEL_TRACE_H
#define KERNEL_TRACE_H

#include <kernel/syscall.h>

/* The arguments rendered before the call; lives on the caller's kernel stack. */
struct trace {
	char kinds[7]; /* of each argument shown (struct syscall_desc's letters) */
	int nargs;
	char args[6][200];
};

/* "" traces every call; else names and %classes separated by commas. */
void trace_filter_init(const char *filter);
bool trace_wanted(u64 nr);
/* Renders the arguments before the call (execve replaces what they point to). */
void trace_before(struct trace *t, const struct syscall_desc *d, u64 nr, const u64 *args);
/* Prints the line; returns is false for exit and exit_group (" = ?"). */
void trace_after(struct trace *t, u64 nr, const u64 *args, long ret, bool returns);

#endif
