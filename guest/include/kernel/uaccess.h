/* SPDX-License-Identifier: MIT */
/*
 * Copies between the kernel and user memory (uaccess.c). A user page may
 * be absent (the copy's page fault brings it in) or not exist at all (the
 * exception table turns the fault into -EFAULT: kernel/fault.h).
 */
#ifndef KERNEL_UACCESS_H
#define KERNEL_UACCESS_H

#include <kernel/types.h>

/* 0 or -EFAULT; the range must lie below USER_TOP. */
int copy_to_user(u64 uaddr, const void *src, size_t len);
int copy_from_user(void *dst, u64 uaddr, size_t len);
/* Copies a NUL-terminated user string of at most max bytes (including NUL). */
long strncpy_from_user(char *dst, u64 uaddr, size_t max);

#endif
