/* SPDX-License-Identifier: MIT */
/*
 * strace's classes of system calls (guest/kernel/trace_class.c), shared by
 * the host's check of --trace-syscalls=LIST and the kernel's filter.
 */
#ifndef KERNEL_TRACE_CLASS_H
#define KERNEL_TRACE_CLASS_H

#include <kernel/types.h>

/* The syscall names of class name[0..len) ("%file"), NULL-terminated; NULL if none. */
const char *const *trace_class_members(const char *name, size_t len);
/* "%file %desc ...": every class, for messages. */
const char *trace_class_list(void);

#endif
