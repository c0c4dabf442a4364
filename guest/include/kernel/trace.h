/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_TRACE_H
#define KERNEL_TRACE_H

#include <kernel/syscall.h>

struct trace;

struct trace *trace_new(void);
/* Renders the arguments before the call (execve replaces what they point to). */
void trace_before(struct trace *t, const struct syscall_desc *d, const u64 *args);
/* Prints the line; returns is false for exit and exit_group (" = ?"). */
void trace_after(struct trace *t, const struct syscall_desc *d, u64 nr, const u64 *args, long ret,
		 bool returns);

#endif
