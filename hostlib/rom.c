// SPDX-License-Identifier: MIT
/*
 * The BIOS ROM's contents (its write side is the ROM device in
 * platform.c). By default it starts with an identification string that
 * names pagelab and its version, well within the 3 x 80 bytes the QNX
 * mmap() manual's example prints; cfg->rom loads a user's image instead,
 * at 0xF0000, the rest of the 64 KiB reading as zero.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "rom.h"

static int read_image(const char *path, char *dst, size_t cap)
{
	/* O_NONBLOCK: a FIFO named here must not hang; fstat refuses it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	int err = -1;

	if (fd < 0 || fstat(fd, &st) < 0) {
		pl_set_error(PL_ERR_CONFIG, "ROM image %s: %s", path, strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		pl_set_error(PL_ERR_CONFIG, "ROM image %s is not a regular file", path);
	} else if (st.st_size == 0 || (uint64_t)st.st_size > cap) {
		pl_set_error(PL_ERR_CONFIG,
			     "ROM image %s is %" PRIu64 " bytes: the ROM at 0x%llx holds 1 to %zu "
			     "bytes (64 KiB)",
			     path, (uint64_t)st.st_size, (unsigned long long)PL_ROM_BASE, cap);
	} else if (pread(fd, dst, st.st_size, 0) != st.st_size) {
		pl_set_error(PL_ERR_CONFIG, "ROM image %s: cannot read it", path);
	} else {
		err = 0;
	}
	if (fd >= 0)
		close(fd);
	return err;
}

int pl_rom_fill(char *rom, size_t size, const char *path, char *ident, size_t ident_size)
{
	ident[0] = '\0';
	if (path)
		return read_image(path, rom, size);
	snprintf(ident, ident_size, "pagelab %s BIOS ROM", PAGELAB_VERSION);
	memcpy(rom, ident, strlen(ident) + 1);
	return 0;
}
