// SPDX-License-Identifier: MIT
/*
 * Is this a cpio newc archive the guest can unpack? The check walks every
 * entry to TRAILER!!! with the guest's own reader (guest/fs/cpio.c, linked
 * into libpagelab too), so the host refuses exactly what the guest would
 * refuse, before boot, instead of the guest panicking over it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <kernel/cpio.h>
#include <pagelab/initramfs.h>

#include "error.h"

/* What the first bytes say it is instead, for the message; NULL if nothing known. */
static const char *looks_like(const uint8_t *p, size_t len)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *what;
	} kinds[] = {
		{ "\x1f\x8b", 2, "gzip-compressed data (decompress it first)" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd-compressed data (decompress it first)" },
		{ "\xfd"
		  "7zXZ\0",
		  6, "xz-compressed data (decompress it first)" },
		{ "\x7f"
		  "ELF",
		  4, "an ELF file" },
		{ "QFI\xfb", 4, "a qcow2 disk image" },
		{ "070707", 6, "an old-style (odc) cpio archive" },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (len >= kinds[i].len && !memcmp(p, kinds[i].magic, kinds[i].len))
			return kinds[i].what;
	return NULL;
}

static bool newc_magic(const uint8_t *p, size_t len)
{
	return len >= 6 && !memcmp(p, "07070", 5) && (p[5] == '1' || p[5] == '2');
}

int pl_initramfs_check(const void *data, size_t len, char *err, size_t errlen)
{
	struct cpio_iter it;
	struct cpio_entry e;
	const char *what;
	int n;

	if (len && !data) {
		pl_say(err, errlen, "no data");
		return -1;
	}
	cpio_iter_init(&it, data, len);
	while ((n = cpio_next(&it, &e)) > 0)
		;
	if (n == 0)
		return 0;
	if (len == 0) {
		pl_say(err, errlen, "the archive is empty (not even a TRAILER!!! entry)");
	} else if (!newc_magic(data, len)) {
		what = looks_like(data, len);
		pl_say(err, errlen, "not a cpio newc archive%s%s", what ? ": it is " : "",
		       what ? what : "");
	} else {
		pl_say(err, errlen, "broken cpio newc archive: %s (entry at byte %zu)",
		       cpio_strerror(n), cpio_iter_offset(&it));
	}
	return -1;
}
