/* SPDX-License-Identifier: MIT */
/*
 * printf-style formatting for the kernel: %d %i %u %x %X %o %c %s %p %%,
 * length modifiers hh h l ll z t j, flags - 0 + space #, width and
 * precision (also as *). Output is always NUL-terminated when size > 0;
 * the return value is the length that would have been written, or -1 if a
 * width, precision or that length exceeds INT_MAX. buf may be NULL if size
 * is 0. Beyond C: %s of NULL prints "(null)", %p of NULL "(nil)", and an
 * unknown conversion (also %n and floating point) is copied out as written.
 *
 * Pure module.
 */
#ifndef KERNEL_FORMAT_H
#define KERNEL_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
