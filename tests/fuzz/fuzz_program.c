// SPDX-License-Identifier: MIT
/*
 * The host's check of the program to run (pl_program_check in
 * hostlib/program.c) on arbitrary files: ELF headers, program headers and
 * the dynamic section are the user's. It reads through a file descriptor,
 * so each input is written to a memfd and checked through /proc/self/fd.
 * A refusal must be one line that starts with "pagelab: "; an acceptance
 * leaves no message.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pagelab/initramfs.h>

#include "fuzz_check.h"

static int memfd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	int rc;

	if (memfd < 0) {
		memfd = memfd_create("fuzz-program", MFD_CLOEXEC);
		CHECK(memfd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	}
	CHECK(ftruncate(memfd, 0) == 0);
	CHECK(pwrite(memfd, data, size, 0) == (ssize_t)size);
	memset(err, 'x', sizeof(err));
	rc = pl_program_check(path, err, sizeof(err));
	CHECK(memchr(err, '\0', sizeof(err)));
	CHECK(!strchr(err, '\n'));
	if (rc == 0)
		CHECK(err[0] == '\0');
	else
		CHECK(rc == -1 && !strncmp(err, "pagelab: ", 9) && strlen(err) > 9);
	return 0;
}
