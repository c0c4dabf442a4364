/* SPDX-License-Identifier: MIT */
/* Setting the one-line message that pl_error() returns. */
#ifndef PL_HOSTLIB_ERROR_H
#define PL_HOSTLIB_ERROR_H

#include <pagelab/hostlib.h>

__attribute__((format(printf, 2, 3))) void pl_set_error(enum pl_err_kind kind, const char *fmt,
							...);
void pl_clear_error(void);
/*
 * For calls that report into the caller's buffer instead of pl_error():
 * formats into err (errlen bytes, always terminated); nothing when err is
 * NULL or errlen 0.
 */
__attribute__((format(printf, 3, 4))) void pl_say(char *err, size_t errlen, const char *fmt, ...);

#endif
