// SPDX-License-Identifier: MIT
/*
 * Core files from the guest (pagelab run --core-dir DIR): the kernel
 * streams an ELF core through the PL_HC_CORE_* hypercalls and the host
 * writes it as DIR/NAME.core, FreeBSD's name.
 *
 * The VMM is confined while the guest runs (seccomp.c), so everything a
 * core needs is prepared at create time and pinned in the filter: the
 * directory's descriptor (the only base openat accepts), and a second
 * descriptor number of our own that each new core file is moved onto with
 * dup3, so that writes are allowed to that one number only. The name the
 * guest asks for is a plain file name (letters, digits, '.', '_', '-', '+';
 * not starting with '.'), created afresh with O_EXCL|O_NOFOLLOW after
 * removing an older one: nothing outside DIR is written, and no symlink or
 * existing file is followed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core.h"
#include "devices.h"
#include "error.h"

void pl_core_init(struct pl_core *c)
{
	*c = (struct pl_core){ .dirfd = -1, .fd = -1 };
}

int pl_core_setup(struct pl_core *c, const char *dir)
{
	struct stat st;

	if (!dir)
		return 0;
	c->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c->dirfd < 0 || fstat(c->dirfd, &st) < 0) {
		pl_set_error(PL_ERR_CONFIG, "core directory %s: %s", dir, strerror(errno));
		return -1;
	}
	/* A descriptor number of our own for the file being written. */
	c->fd = fcntl(c->dirfd, F_DUPFD_CLOEXEC, 3);
	if (c->fd < 0) {
		pl_set_error(PL_ERR_HOST, "core directory %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

bool pl_core_name_ok(const char *name, size_t len)
{
	if (!len || len > PL_CORE_NAME_MAX || name[0] == '.')
		return false;
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-' || ch == '+'))
			return false;
	}
	return true;
}

/* Points the file descriptor back at the directory: the core file is closed. */
static void release_file(struct pl_core *c)
{
	(void)dup3(c->dirfd, c->fd, O_CLOEXEC);
	c->open = false;
}

static int64_t core_open(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	struct pl_core *c = &sb->core;
	uint64_t len = hc->arg[1];
	const char *name;
	int fd;

	if (c->dirfd < 0)
		return -PL_E_NOSYS;
	if (len > PL_CORE_NAME_MAX)
		return -PL_E_INVAL;
	name = pl_guestmem_check(&sb->mem, hc->arg[0], len, PL_ACC_READ);
	if (!name)
		return -PL_E_FAULT;
	if (!pl_core_name_ok(name, len))
		return -PL_E_INVAL;
	if (c->open) {
		/* The guest never finished the last one: it is incomplete. */
		unlinkat(c->dirfd, c->name, 0);
		release_file(c);
	}
	memcpy(c->name, name, len);
	c->name[len] = '\0';
	if (unlinkat(c->dirfd, c->name, 0) < 0 && errno != ENOENT)
		return -PL_E_IO;
	fd = openat(c->dirfd, c->name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -PL_E_IO;
	if (dup3(fd, c->fd, O_CLOEXEC) < 0) {
		close(fd);
		unlinkat(c->dirfd, c->name, 0);
		return -PL_E_IO;
	}
	close(fd);
	c->open = true;
	c->pos = 0;
	return 0;
}

static int64_t write_piece(struct pl_sandbox *sb, const struct pl_hc_iov *v)
{
	struct pl_core *c = &sb->core;
	const char *src;

	if (v->len > PL_HC_MAX_LEN)
		return -PL_E_INVAL;
	if (v->len > PL_CORE_MAX_BYTES - c->pos)
		return -PL_E_FBIG;
	if (v->gpa == PL_CORE_HOLE) {
		c->pos += v->len; /* left sparse; the size is set at the end */
		return 0;
	}
	src = pl_guestmem_check(&sb->mem, v->gpa, v->len, PL_ACC_READ);
	if (!src)
		return -PL_E_FAULT;
	for (uint64_t done = 0; done < v->len;) {
		ssize_t n = pwrite(c->fd, src + done, v->len - done, (off_t)(c->pos + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -PL_E_IO;
		done += (uint64_t)n;
	}
	c->pos += v->len;
	return 0;
}

static int64_t core_write(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	struct pl_hc_iov iov[PL_HC_MAX_IOV];
	uint64_t count = hc->arg[1], start = sb->core.pos;
	const void *list;

	if (!sb->core.open || count > PL_HC_MAX_IOV)
		return -PL_E_INVAL;
	list = pl_guestmem_check(&sb->mem, hc->arg[0], count * sizeof(iov[0]), PL_ACC_READ);
	if (!list)
		return -PL_E_FAULT;
	memcpy(iov, list, count * sizeof(iov[0]));
	for (uint64_t i = 0; i < count; i++) {
		int64_t err = write_piece(sb, &iov[i]);

		if (err)
			return err;
	}
	return (int64_t)(sb->core.pos - start);
}

static int64_t core_close(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	struct pl_core *c = &sb->core;
	bool keep = hc->arg[0] == 1;

	if (!c->open)
		return -PL_E_INVAL;
	if (keep && ftruncate(c->fd, (off_t)c->pos) < 0)
		keep = false;
	if (!keep)
		unlinkat(c->dirfd, c->name, 0);
	release_file(c);
	if (!keep)
		return hc->arg[0] == 1 ? -PL_E_IO : 0;
	c->files_written++;
	return 0;
}

int64_t pl_core_hcall(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	switch (hc->nr) {
	case PL_HC_CORE_OPEN:
		return core_open(sb, hc);
	case PL_HC_CORE_WRITE:
		return core_write(sb, hc);
	default:
		return core_close(sb, hc);
	}
}

void pl_core_destroy(struct pl_core *c)
{
	if (c->open && c->dirfd >= 0)
		unlinkat(c->dirfd, c->name, 0); /* the run ended in the middle of it */
	if (c->fd >= 0)
		close(c->fd);
	if (c->dirfd >= 0)
		close(c->dirfd);
	pl_core_init(c);
}
