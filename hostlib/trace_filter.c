// SPDX-License-Identifier: MIT
/*
 * The check of a --trace-syscalls filter before boot: every word a system
 * call name of x86-64 Linux or one of strace's classes. The classes are
 * the kernel's own lists (guest/kernel/trace_class.c, linked in here), so
 * the host accepts exactly what the kernel will expand.
 */
#include <stdbool.h>
#include <string.h>

#include <kernel/trace_class.h>
#include <pagelab/hostlib.h>

#include "error.h"

extern const char *const pl_syscall_names[];
extern const unsigned long pl_syscall_count;

static bool is_syscall_name(const char *name, size_t len)
{
	for (unsigned long nr = 0; nr < pl_syscall_count; nr++) {
		const char *n = pl_syscall_names[nr];

		if (n && strlen(n) == len && !strncmp(n, name, len))
			return true;
	}
	return false;
}

int pl_trace_filter_check(const char *filter, char *err, size_t errlen)
{
	const char *w = filter;

	if (!filter || !*filter) {
		pl_say(err, errlen, "the system-call filter is empty");
		return -1;
	}
	while (*w) {
		const char *end = strchr(w, ',');
		size_t len = end ? (size_t)(end - w) : strlen(w);

		if (!len ||
		    (w[0] == '%' ? !trace_class_members(w, len) : !is_syscall_name(w, len))) {
			pl_say(err, errlen,
			       "unknown system call or class '%.*s' in '%s' (names as strace -e "
			       "trace= takes them, classes %s)",
			       (int)len, w, filter, trace_class_list());
			return -1;
		}
		w += len + (end != NULL);
		if (end && !*w) {
			pl_say(err, errlen, "the system-call filter '%s' ends with a comma",
			       filter);
			return -1;
		}
	}
	return 0;
}
