// SPDX-License-Identifier: MIT
/*
 * One thread-local message per thread, like errno: a sandbox may be
 * created on one thread while another runs, and the messages are short.
 */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

static __thread char err_msg[512];
static __thread enum pl_err_kind err_kind;

void pl_set_error(enum pl_err_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
	va_end(ap);
	err_kind = kind;
}

void pl_clear_error(void)
{
	err_msg[0] = '\0';
	err_kind = PL_ERR_NONE;
}

void pl_say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

const char *pl_error(void)
{
	return err_msg[0] ? err_msg : "no error";
}

enum pl_err_kind pl_error_kind(void)
{
	return err_kind;
}
