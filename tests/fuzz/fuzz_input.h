/* SPDX-License-Identifier: MIT */
/*
 * Reading a fuzzer's input as a stream of operations: integers in little
 * endian, byte strings with a length byte, and C strings up to a NUL. Past
 * the end everything reads as zero or empty, so every input is valid and
 * the fuzzer never wastes executions on a format error. tests/fuzz/seeds.c
 * writes seeds in the same format.
 */
#ifndef PL_FUZZ_INPUT_H
#define PL_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t in_u8(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint64_t in_uint(struct fuzz_in *in, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)in_u8(in) << (8 * i);
	return v;
}

#define in_u16(in) ((uint16_t)in_uint(in, 2))
#define in_u32(in) ((uint32_t)in_uint(in, 4))
#define in_u64(in) in_uint(in, 8)

/* Up to one length byte's worth of raw bytes, pointing into the input. */
static inline const uint8_t *in_bytes(struct fuzz_in *in, size_t *len)
{
	const uint8_t *p;
	size_t n = in_u8(in);

	if (n > in->left)
		n = in->left;
	p = in->p;
	in->p += n;
	in->left -= n;
	*len = n;
	return p;
}

/*
 * The bytes up to the next NUL (or the end), in a malloc'd buffer of just
 * that size plus the NUL, so that a read past the string is an ASan report.
 */
static inline char *in_str(struct fuzz_in *in)
{
	const uint8_t *nul = memchr(in->p, 0, in->left);
	size_t n = nul ? (size_t)(nul - in->p) : in->left;
	char *s = malloc(n + 1);

	if (!s)
		abort();
	memcpy(s, in->p, n);
	s[n] = '\0';
	in->p += n + (nul != NULL);
	in->left -= n + (nul != NULL);
	return s;
}

#endif
