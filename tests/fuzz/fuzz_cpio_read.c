// SPDX-License-Identifier: MIT
/*
 * The guest's cpio "newc" reader (guest/fs/cpio.c) on arbitrary bytes: the
 * initramfs is whatever the user gave --initrd. Every entry must point
 * inside the archive, every path must be clean (no "", "." or ".."
 * components, no leading or trailing "/"), the reader must always move
 * forward, and an error must be sticky and have a name.
 */
#include <string.h>

#include <kernel/cpio.h>

#include "fuzz_check.h"

static int inside(const uint8_t *base, size_t len, const void *p, size_t n)
{
	const uint8_t *q = p;

	return q >= base && q <= base + len && n <= (size_t)(base + len - q);
}

static void check_path(const struct cpio_entry *e)
{
	const char *p = e->path;
	size_t n = e->pathlen, comp = 0;

	CHECK(n == 0 || (p[0] != '/' && p[n - 1] != '/'));
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '/') {
			CHECK(p[i] != '\0');
			comp++;
			continue;
		}
		CHECK(n == 0 || comp > 0);
		CHECK(!(comp == 1 && p[i - 1] == '.'));
		CHECK(!(comp == 2 && p[i - 1] == '.' && p[i - 2] == '.'));
		comp = 0;
	}
}

static void check_entry(const uint8_t *data, size_t size, const struct cpio_entry *e)
{
	size_t namelen;

	CHECK(inside(data, size, e->name, 1));
	namelen = strnlen(e->name, (size_t)(data + size - (const uint8_t *)e->name));
	CHECK(inside(data, size, e->name, namelen + 1));
	CHECK(namelen + 1 <= CPIO_NAME_MAX);
	CHECK(e->path >= e->name && e->path + e->pathlen <= e->name + namelen);
	CHECK(inside(data, size, e->data, e->size));
	check_path(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_iter it;
	struct cpio_entry e;
	size_t off = 0;
	int n;

	cpio_iter_init(&it, data, size);
	while ((n = cpio_next(&it, &e)) == 1) {
		check_entry(data, size, &e);
		CHECK(cpio_iter_offset(&it) > off);
		CHECK(cpio_iter_offset(&it) <= size);
		off = cpio_iter_offset(&it);
	}
	CHECK(n == 0 || (n >= -CPIO_ERR_NO_TRAILER && n <= -CPIO_ERR_TRUNCATED));
	CHECK(n == 0 || strcmp(cpio_strerror(n), "unknown error") != 0);
	CHECK(cpio_next(&it, &e) == n);
	CHECK(cpio_iter_offset(&it) <= size);
	return 0;
}
