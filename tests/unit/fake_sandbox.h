/* SPDX-License-Identifier: MIT */
/*
 * A sandbox without KVM for host unit tests: real guest memory (mapped
 * as pl_sandbox_create maps it), devices registered, guest output
 * captured per stream. Included by the tests that need it.
 */
#ifndef PL_TEST_FAKE_SANDBOX_H
#define PL_TEST_FAKE_SANDBOX_H

#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "sandbox.h"

struct captured {
	char buf[4][4096]; /* by enum pl_stream */
	size_t len[4];
	unsigned calls;
};

static inline void capture_output(void *opaque, enum pl_stream stream, const char *buf, size_t len)
{
	struct captured *c = opaque;
	size_t room = sizeof(c->buf[0]) - 1 - c->len[stream];

	if (len > room)
		len = room;
	memcpy(c->buf[stream] + c->len[stream], buf, len);
	c->len[stream] += len;
	c->buf[stream][c->len[stream]] = '\0';
	c->calls++;
}

struct fake {
	struct pl_sandbox sb;
	struct captured out;
	FILE *report;
	char *report_text;
	size_t report_len;
};

/* memory: as for pl_memmap; stdin_fd < 0 means no input. */
static inline struct fake *fake_new(uint64_t memory, int stdin_fd)
{
	struct fake *f = calloc(1, sizeof(*f));
	struct pl_config cfg = { .stdin_fd = stdin_fd, .no_stdin = stdin_fd < 0 };

	if (!f)
		abort();
	f->report = open_memstream(&f->report_text, &f->report_len);
	cfg.output = capture_output;
	cfg.output_opaque = &f->out;
	cfg.report = f->report;
	if (pl_sandbox_init(&f->sb, &cfg) || pl_memmap(memory, &f->sb.map) ||
	    pl_guestmem_map(&f->sb.mem, &f->sb.map))
		abort();
	return f;
}

static inline void *fake_ptr(struct fake *f, uint64_t gpa, uint64_t len)
{
	void *p = pl_guestmem_check(&f->sb.mem, gpa, len, PL_ACC_WRITE);

	if (!p)
		abort();
	return p;
}

/* A device's counter by name, as pl_result_counter reads it after a run. */
static inline uint64_t fake_counter(struct fake *f, const char *device, const char *counter)
{
	struct pl_result res;
	uint64_t v = ~0ULL;

	pl_sandbox_result(&f->sb, &res);
	if (pl_result_counter(&res, device, counter, &v))
		abort();
	return v;
}

static inline void fake_free(struct fake *f)
{
	pl_devices_release(&f->sb);
	pl_guestmem_unmap(&f->sb.mem);
	free(f->sb.events);
	fclose(f->report);
	free(f->report_text);
	free(f);
}

#endif
