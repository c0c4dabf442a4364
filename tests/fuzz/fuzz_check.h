/* SPDX-License-Identifier: MIT */
/*
 * A property the harness checks: on failure one line naming it, then
 * abort(), which libFuzzer reports as a crash and saves the input for.
 */
#ifndef PL_FUZZ_CHECK_H
#define PL_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                 \
		}                                                                                \
	} while (0)

#endif
