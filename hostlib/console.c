// SPDX-License-Identifier: MIT
/*
 * UART bytes are collected into lines: a byte per write(2) would make the
 * host's side of early boot slow and interleave badly with stderr. Whole
 * hypercall buffers go out as they come, after any pending UART bytes, so
 * the order the guest printed in is kept.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "error.h"

void pl_console_init(struct pl_console *c, const struct pl_config *cfg)
{
	memset(c, 0, sizeof(*c));
	c->fn = cfg->output;
	c->opaque = cfg->output_opaque;
	c->file[PL_STREAM_STDOUT] = cfg->out ? cfg->out : stdout;
	c->file[PL_STREAM_STDERR] = cfg->err ? cfg->err : stderr;
	c->file[PL_STREAM_CONSOLE] = cfg->console ? cfg->console : stdout;
	c->file[PL_STREAM_TRACE] = cfg->trace;
}

static void track_line(struct pl_console *c, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char ch = buf[i];

		if (ch == '\n') {
			if (c->ncur) {
				memcpy(c->last, c->cur, c->ncur);
				c->last[c->ncur] = '\0';
			}
			c->ncur = 0;
		} else if (ch != '\r' && c->ncur < sizeof(c->cur) - 1) {
			c->cur[c->ncur++] = ch;
		}
	}
}

/* 0, or -errno when the host stream refused the bytes (EPIPE: nobody reads). */
static int emit_file(FILE *f, const char *buf, size_t len)
{
	int err = 0;

	errno = 0;
	if (fwrite(buf, 1, len, f) != len || fflush(f) != 0)
		err = errno ? -errno : -EIO;
	clearerr(f);
	return err;
}

static int emit(struct pl_console *c, enum pl_stream stream, const char *buf, size_t len)
{
	FILE *f = c->file[stream];

	if (!len)
		return 0;
	if (stream == PL_STREAM_CONSOLE)
		track_line(c, buf, len);
	if (c->fn) {
		c->fn(c->opaque, stream, buf, len);
		return 0;
	}
	return emit_file(f, buf, len);
}

void pl_console_flush(struct pl_console *c)
{
	emit(c, PL_STREAM_CONSOLE, c->uart, c->nuart);
	c->nuart = 0;
}

void pl_console_count(struct pl_console *c, enum pl_stream stream, size_t len)
{
	if (c->dev && (unsigned)stream < 4)
		c->dev->counter[stream] += len;
}

int pl_console_write(struct pl_console *c, enum pl_stream stream, const char *buf, size_t len)
{
	pl_console_count(c, stream, len);
	pl_console_flush(c);
	/* Trace lines are diagnostics: on stderr among the program's own, unless sent apart. */
	if (stream == PL_STREAM_TRACE && !c->file[PL_STREAM_TRACE])
		stream = PL_STREAM_STDERR;
	else if (stream == PL_STREAM_TRACE)
		return emit_file(c->file[PL_STREAM_TRACE], buf, len);
	return emit(c, stream, buf, len);
}

void pl_console_putc(struct pl_console *c, char ch)
{
	c->uart[c->nuart++] = ch;
	if (ch == '\n' || c->nuart == sizeof(c->uart))
		pl_console_flush(c);
}

void pl_printable_copy(char *dst, size_t len, const char *src, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n && j + 1 < len; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[j++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	dst[j] = '\0';
}

void pl_console_last_line(const struct pl_console *c, char *buf, size_t len)
{
	/* Bytes still in the UART buffer or a line without its newline came last. */
	struct pl_console tmp;

	if (!len)
		return;
	memcpy(tmp.cur, c->cur, c->ncur);
	tmp.ncur = c->ncur;
	memcpy(tmp.last, c->last, sizeof(tmp.last));
	track_line(&tmp, c->uart, c->nuart);
	if (tmp.ncur)
		pl_printable_copy(buf, len, tmp.cur, tmp.ncur);
	else
		pl_printable_copy(buf, len, tmp.last, strlen(tmp.last));
}

static void console_destroy(struct pl_device *dev)
{
	struct pl_sandbox *sb = dev->sandbox;

	if (sb && sb->con.dev == dev)
		sb->con.dev = NULL;
	free(dev);
}

/*
 * The guest's streams as a device without windows: it is reached through
 * the hypercall port, and it counts the bytes of each stream.
 */
int pl_console_add(struct pl_sandbox *sb)
{
	struct pl_device *dev = malloc(sizeof(*dev));

	if (!dev) {
		pl_set_error(PL_ERR_HOST, "out of memory");
		return -1;
	}
	*dev = (struct pl_device){
		.name = "console",
		.destroy = console_destroy,
		/* by enum pl_stream */
		.counter_name = { "stdin-bytes", "stdout-bytes", "stderr-bytes", "console-bytes" },
	};
	if (pl_device_register(sb, dev, true)) {
		free(dev);
		return -1;
	}
	sb->con.dev = dev;
	return 0;
}
