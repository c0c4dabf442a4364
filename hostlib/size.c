// SPDX-License-Identifier: MIT
/* Sizes as people write them on a command line: 256M, 4G, 64k. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include <pagelab/hostlib.h>

static int suffix_shift(char c)
{
	switch (c) {
	case 'b':
	case 'B':
		return 0;
	case 'k':
	case 'K':
		return 10;
	case 'm':
	case 'M':
		return 20;
	case 'g':
	case 'G':
		return 30;
	case 't':
	case 'T':
		return 40;
	default:
		return -1;
	}
}

/* Digits and an optional suffix; a bare number counts units of 1 << bare_shift bytes. */
static int parse(const char *text, int bare_shift, uint64_t *bytes)
{
	uint64_t v = 0;
	const char *p = text;
	int shift = bare_shift;

	if (!text || *p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (*p) {
		shift = suffix_shift(*p++);
		if (shift < 0 || *p)
			return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}

int pl_parse_size(const char *text, uint64_t *bytes)
{
	return parse(text, 0, bytes);
}

int pl_parse_memory_size(const char *text, uint64_t *bytes)
{
	return parse(text, 20, bytes);
}

char *pl_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "TGMK";
	int shift = 40;

	for (const char *u = units; *u; u++, shift -= 10) {
		uint64_t unit = 1ULL << shift;

		if (bytes && bytes % unit == 0) {
			snprintf(buf, len, "%" PRIu64 "%c", bytes / unit, *u);
			return buf;
		}
	}
	/* "B": a bare number would read as MiB where a memory size is meant. */
	snprintf(buf, len, bytes ? "%" PRIu64 "B" : "0", bytes);
	return buf;
}
