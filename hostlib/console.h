/* SPDX-License-Identifier: MIT */
/*
 * The guest's output streams on the host, and the last line the guest
 * printed (for the report of an abnormal end).
 */
#ifndef PL_HOSTLIB_CONSOLE_H
#define PL_HOSTLIB_CONSOLE_H

#include <stddef.h>
#include <stdio.h>

#include <pagelab/hostlib.h>

#define PL_LINE_MAX 256

struct pl_console {
	pl_output_fn fn;
	void *opaque;
	FILE *file[5];		/* indexed by enum pl_stream; [TRACE] may be NULL */
	char uart[PL_LINE_MAX]; /* UART bytes not yet emitted */
	size_t nuart;
	char cur[PL_LINE_MAX]; /* the console line being printed */
	size_t ncur;
	char last[PL_LINE_MAX]; /* the last complete non-empty console line */
	struct pl_device *dev;	/* the "console" device: bytes per stream */
};

void pl_console_init(struct pl_console *c, const struct pl_config *cfg);
/*
 * A whole buffer for one stream (PL_STREAM_STDOUT, _STDERR, _CONSOLE, _TRACE): 0,
 * or -errno when the host's stream failed (the guest's write gets it).
 */
int pl_console_write(struct pl_console *c, enum pl_stream stream, const char *buf, size_t len);
/* Counts len bytes that moved on a stream (the console device's counters). */
void pl_console_count(struct pl_console *c, enum pl_stream stream, size_t len);
/* One UART byte: console stream, emitted per line. */
void pl_console_putc(struct pl_console *c, char ch);
void pl_console_flush(struct pl_console *c);
/*
 * Copies up to n bytes of src as printable ASCII ('?' for the rest, escape
 * sequences included), always NUL-terminated: what the guest wrote is
 * shown to a person only this way.
 */
void pl_printable_copy(char *dst, size_t len, const char *src, size_t n);
/* The last thing printed on the console, printable ASCII only; "" if none. */
void pl_console_last_line(const struct pl_console *c, char *buf, size_t len);

#endif
