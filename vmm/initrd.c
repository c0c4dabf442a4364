// SPDX-License-Identifier: MIT
/*
 * PROGRAM goes to /bin/NAME, each --file HOST[:GUEST] to GUEST (default
 * /BASENAME); --initrd takes a prebuilt cpio archive instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pagelab/initramfs.h>

#include "cli.h"
#include "initrd.h"

#define INITRD_MAX (1ULL << 30)

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The initramfs builder's messages carry our prefix already. */
static const char *bare(const char *msg)
{
	return strncmp(msg, "pagelab: ", 9) ? msg : msg + 9;
}

void initrd_guest_path(const char *program, char *buf, size_t len)
{
	snprintf(buf, len, "/bin/%s", base_name(program));
}

static int read_file(const char *path, struct initrd *out)
{
	struct stat st;
	size_t done = 0;
	char *buf, why[200];
	/* O_NONBLOCK: a FIFO named here must not hang the open; fstat refuses it. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > INITRD_MAX) {
		cli_error("--initrd %s: %s", path,
			  fd < 0 ? strerror(errno) : "not a regular file of at most 1G");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	buf = malloc(st.st_size ? st.st_size : 1);
	while (buf && done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, st.st_size - done);

		if (n <= 0 && !(n < 0 && errno == EINTR))
			break;
		done += n > 0 ? n : 0;
	}
	close(fd);
	if (!buf || done != (size_t)st.st_size) {
		cli_error("--initrd %s: cannot read it", path);
		free(buf);
		return -1;
	}
	if (pl_initramfs_check(buf, done, why, sizeof(why))) {
		cli_error("--initrd %s: %s; make one with 'cpio -o -H newc'", path, why);
		free(buf);
		return -1;
	}
	out->file = buf;
	out->data = buf;
	out->size = done;
	return 0;
}

/* HOST:GUEST when what follows the last ':' is an absolute path. */
static int add_file_arg(struct pl_cpio *c, const char *arg)
{
	char host[4096], guest[4096], err[256];
	const char *colon = strrchr(arg, ':');

	if (colon && colon[1] == '/') {
		snprintf(host, sizeof(host), "%.*s", (int)(colon - arg), arg);
		snprintf(guest, sizeof(guest), "%s", colon + 1);
	} else {
		snprintf(host, sizeof(host), "%s", arg);
		snprintf(guest, sizeof(guest), "/%s", base_name(arg));
	}
	if (!host[0] || !base_name(host)[0]) {
		cli_error("--file %s: not a file name", arg);
		return -1;
	}
	if (pl_cpio_add_host_file(c, guest, host, err, sizeof(err)) < 0) {
		cli_error("--file %s: %s", arg, bare(err));
		return -1;
	}
	return 0;
}

static int build(const struct initrd_spec *spec, struct initrd *out)
{
	char err[256], guest[4096];

	out->cpio = pl_cpio_new();
	if (!out->cpio) {
		cli_error("out of memory");
		return -1;
	}
	if (spec->program) {
		if (pl_program_check(spec->program, err, sizeof(err)) < 0) {
			cli_error("%s", bare(err));
			return -1;
		}
		initrd_guest_path(spec->program, guest, sizeof(guest));
		if (pl_cpio_add_host_file(out->cpio, guest, spec->program, err, sizeof(err)) < 0) {
			cli_error("%s", bare(err));
			return -1;
		}
	}
	for (int i = 0; i < spec->nfiles; i++)
		if (add_file_arg(out->cpio, spec->files[i]))
			return -1;
	if (pl_cpio_finish(out->cpio, &out->data, &out->size) < 0) {
		cli_error("cannot finish the initramfs archive");
		return -1;
	}
	return 0;
}

int initrd_make(const struct initrd_spec *spec, struct initrd *out)
{
	memset(out, 0, sizeof(*out));
	if (spec->prebuilt) {
		/* PROGRAM then names a file inside the archive, checked by the guest. */
		if (spec->nfiles) {
			cli_error("--initrd cannot be combined with --file: put the files in the "
				  "archive");
			return -1;
		}
		if (spec->program && spec->program[0] != '/') {
			cli_error("with --initrd, PROGRAM is an absolute path inside the archive, "
				  "e.g. /bin/hello");
			return -1;
		}
		return read_file(spec->prebuilt, out);
	}
	if (!spec->program && !spec->nfiles)
		return 0;
	if (build(spec, out)) {
		initrd_free(out);
		return -1;
	}
	return 0;
}

void initrd_free(struct initrd *rd)
{
	if (rd->cpio)
		pl_cpio_free(rd->cpio);
	free(rd->file);
	memset(rd, 0, sizeof(*rd));
}
