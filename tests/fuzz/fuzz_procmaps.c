// SPDX-License-Identifier: MIT
/*
 * The host's reading of the guest's memory-map pool (hostlib/procmaps.c,
 * what pl_process_maps prints): any process-table entry over any pool
 * bytes, in a buffer of exactly the size the host would check, so ASan
 * sees any read past it. Beyond "no crash": an answer is text of the
 * length returned, at least one line per entry the process claims, or -EPROTO /
 * -E2BIG; a shorter output buffer gets a prefix of the same text.
 *
 * Input: maps_first, maps_count, maps_complete (u32 each), then the pool
 * (the rest, zero-filled up to its first 8 entries; a header is forced
 * valid when the first byte of the rest is odd).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "fuzz_input.h"
#include "procmaps.h"

#define POOL_ENTRIES 8
#define POOL_SIZE    offsetof(struct pl_maps, entry[POOL_ENTRIES])
#define TEXT_MAX     (POOL_ENTRIES * (PL_MAPS_NAME_MAX + 128))

static unsigned lines(const char *s)
{
	unsigned n = 0;

	while ((s = strchr(s, '\n')))
		n++, s++;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char text[TEXT_MAX], part[40];
	struct fuzz_in in = { data, size };
	struct pl_proctab_entry proc = { .pid = 7 };
	unsigned char *pool;
	uint32_t count;
	int n, m;

	proc.maps_first = in_u32(&in);
	proc.maps_count = in_u32(&in);
	proc.maps_complete = in_u32(&in);
	/* Only POOL_SIZE bytes: ASan reports any read of an entry past them. */
	pool = calloc(1, POOL_SIZE);
	if (!pool)
		return 0;
	memcpy(pool, in.p, in.left < POOL_SIZE ? in.left : POOL_SIZE);
	if (in.left && (in.p[0] & 1)) {
		uint64_t magic = PL_MAPS_MAGIC;
		uint32_t version = PL_MAPS_VERSION;

		memcpy(pool, &magic, 8);
		memcpy(pool + 8, &version, 4);
		memcpy(&count, pool + 12, 4);
		count %= POOL_ENTRIES + 1;
		memcpy(pool + 12, &count, 4);
	}
	memcpy(&count, pool + 12, 4);
	n = pl_maps_format(pool, POOL_SIZE, &proc, text, sizeof(text));
	CHECK(n >= 0 || n == -EPROTO || n == -E2BIG);
	if (n >= 0) {
		CHECK((size_t)n == strlen(text));
		CHECK(lines(text) >= proc.maps_count); /* a name may hold a newline */
		CHECK(proc.maps_count <= count);
		m = pl_maps_format(pool, POOL_SIZE, &proc, part, sizeof(part));
		CHECK(m == n && strncmp(part, text, sizeof(part) - 1) == 0);
	}
	free(pool);
	return 0;
}
