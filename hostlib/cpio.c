// SPDX-License-Identifier: MIT
/*
 * Build a cpio "newc" archive in memory with libarchive's newc writer
 * (the format `cpio -o -H newc` writes and Linux unpacks).
 *
 * The tree is collected first and written at pl_cpio_finish, because a
 * directory's link count (2 + its subdirectories) is only known once the
 * whole tree is: the same count GNU cpio copies from a real file system.
 * Metadata is fixed (uid/gid/mtime/devices 0, inodes numbered in order
 * from 1) so that the same inputs give the same bytes on every machine.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include <pagelab/initramfs.h>

#include "error.h"

#define NEWC_BLOCK   512 /* pad the archive as `cpio -H newc` does */
#define PATH_MAX_LEN 4095
#define NAME_MAX_LEN 255

struct cpio_node {
	char *path; /* normalised: "bin/sh", no leading slash */
	bool dir;
	uint32_t perm;
	uint32_t subdirs;
	uint8_t *data; /* owned; NULL when size is 0 */
	size_t size;
};

struct pl_cpio {
	struct cpio_node *nodes; /* in the order they were added: parents first */
	size_t nr_nodes, nodes_cap;
	uint8_t *buf; /* the archive, once finished */
	size_t len, cap;
	bool finished;
};

struct pl_cpio *pl_cpio_new(void)
{
	return calloc(1, sizeof(struct pl_cpio));
}

void pl_cpio_free(struct pl_cpio *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nr_nodes; i++) {
		free(c->nodes[i].path);
		free(c->nodes[i].data);
	}
	free(c->nodes);
	free(c->buf);
	free(c);
}

/*
 * Normalise a guest path into out: drop a leading "/" and "." components;
 * refuse "..", empty components and overlong names. A trailing "/" is
 * allowed only where a directory is meant.
 */
static int normalise(const char *in, bool dir, char *out, size_t outlen)
{
	size_t o = 0;
	const char *p = in;

	if (!in || !*in)
		return -EINVAL;
	if (*p == '/')
		p++;
	while (*p) {
		const char *end = strchrnul(p, '/');
		size_t n = end - p;

		if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.'))
			return -EINVAL;
		if (n > NAME_MAX_LEN)
			return -ENAMETOOLONG;
		if (!(n == 1 && p[0] == '.')) {
			if (o + (o ? 1 : 0) + n >= outlen)
				return -ENAMETOOLONG;
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		if (!*end)
			break;
		p = end + 1;
		if (!*p && !dir)
			return -EINVAL;
	}
	out[o] = '\0';
	return 0;
}

static struct cpio_node *find(struct pl_cpio *c, const char *path)
{
	for (size_t i = 0; i < c->nr_nodes; i++)
		if (!strcmp(c->nodes[i].path, path))
			return &c->nodes[i];
	return NULL;
}

/* Adds a node; on success it owns data (which may be NULL for size 0). */
static int remember(struct pl_cpio *c, const char *path, bool dir, uint32_t perm, uint8_t *data,
		    size_t size)
{
	struct cpio_node *n;

	if (c->nr_nodes == c->nodes_cap) {
		size_t cap = c->nodes_cap ? c->nodes_cap * 2 : 16;

		n = realloc(c->nodes, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		c->nodes = n;
		c->nodes_cap = cap;
	}
	n = &c->nodes[c->nr_nodes];
	n->path = strdup(path);
	if (!n->path)
		return -ENOMEM;
	n->dir = dir;
	n->perm = perm;
	n->subdirs = 0;
	n->data = data;
	n->size = size;
	c->nr_nodes++;
	return 0;
}

/* The parent directory of a new directory gains a link (its ".."). */
static void count_subdir(struct pl_cpio *c, const char *path)
{
	const char *slash = strrchr(path, '/');
	struct cpio_node *parent;
	char buf[PATH_MAX_LEN + 1];

	if (!slash)
		return;
	memcpy(buf, path, slash - path);
	buf[slash - path] = '\0';
	parent = find(c, buf);
	if (parent)
		parent->subdirs++;
}

/* Adds path (already normalised) as a directory unless it exists. */
static int ensure_dir(struct pl_cpio *c, const char *path, uint32_t perm)
{
	struct cpio_node *n = find(c, path);
	int err;

	if (n)
		return n->dir ? 0 : -ENOTDIR;
	err = remember(c, path, true, perm, NULL, 0);
	if (err)
		return err;
	count_subdir(c, path);
	return 0;
}

/* Creates every proper ancestor of path, outermost first. */
static int ensure_parents(struct pl_cpio *c, const char *path)
{
	char buf[PATH_MAX_LEN + 1];
	size_t len = strlen(path);

	memcpy(buf, path, len + 1);
	for (size_t i = 0; i < len; i++) {
		int err;

		if (buf[i] != '/')
			continue;
		buf[i] = '\0';
		err = ensure_dir(c, buf, 0755);
		buf[i] = '/';
		if (err)
			return err;
	}
	return 0;
}

static int check_mode(unsigned mode, unsigned type)
{
	if ((mode & S_IFMT) && (mode & S_IFMT) != type)
		return -EINVAL;
	if (mode & ~(unsigned)(S_IFMT | 07777))
		return -EINVAL;
	return 0;
}

int pl_cpio_add_dir(struct pl_cpio *c, const char *guest_path, unsigned mode)
{
	char path[PATH_MAX_LEN + 1];
	int err;

	if (!c || c->finished)
		return -EINVAL;
	err = check_mode(mode, S_IFDIR);
	if (!err)
		err = normalise(guest_path, true, path, sizeof(path));
	if (err)
		return err;
	if (!path[0])
		return 0; /* the root always exists */
	err = ensure_parents(c, path);
	if (err)
		return err;
	return ensure_dir(c, path, mode & 07777);
}

/* pl_cpio_add_file, taking ownership of data on success. */
static int add_file_owned(struct pl_cpio *c, const char *guest_path, uint8_t *data, size_t len,
			  unsigned mode)
{
	char path[PATH_MAX_LEN + 1];
	int err;

	if (len > UINT32_MAX)
		return -EFBIG;
	err = check_mode(mode, S_IFREG);
	if (!err)
		err = normalise(guest_path, false, path, sizeof(path));
	if (err)
		return err;
	if (!path[0])
		return -EINVAL;
	if (find(c, path))
		return -EEXIST;
	err = ensure_parents(c, path);
	if (err)
		return err;
	return remember(c, path, false, mode & 07777, data, len);
}

int pl_cpio_add_file(struct pl_cpio *c, const char *guest_path, const void *data, size_t len,
		     unsigned mode)
{
	uint8_t *copy = NULL;
	int err;

	if (!c || c->finished || (len && !data))
		return -EINVAL;
	if (len) {
		copy = malloc(len);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, data, len);
	}
	err = add_file_owned(c, guest_path, copy, len, mode);
	if (err)
		free(copy);
	return err;
}

static int read_all(int fd, uint8_t *buf, size_t len, const char **why)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			*why = "the file shrank while it was being read";
			return -EIO;
		}
		got += n;
	}
	return 0;
}

/*
 * Read a whole regular file. -errno on failure, with *why set when the
 * errno alone would not tell a person what is wrong.
 */
static int slurp(const char *host_path, uint8_t **data, size_t *len, mode_t *mode, const char **why)
{
	struct stat st;
	uint8_t *buf = NULL;
	int fd, err = 0;

	*why = NULL;
	/* O_NONBLOCK: a FIFO named here must not hang the open; fstat refuses it. */
	fd = open(host_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
	} else if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
	} else if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		*why = "not a regular file";
	} else if ((uint64_t)st.st_size > UINT32_MAX) {
		err = -EFBIG;
	} else if (!(buf = malloc(st.st_size ? st.st_size : 1))) {
		err = -ENOMEM;
	} else {
		err = read_all(fd, buf, st.st_size, why);
	}
	close(fd);
	if (err) {
		free(buf);
		return err;
	}
	*data = buf;
	*len = st.st_size;
	*mode = st.st_mode;
	return 0;
}

int pl_cpio_add_host_file(struct pl_cpio *c, const char *guest_path, const char *host_path,
			  char *err, size_t errlen)
{
	const char *why;
	uint8_t *data = NULL;
	size_t len = 0;
	mode_t mode = 0;
	int rc;

	if (!c || c->finished || !host_path || !guest_path) {
		pl_say(err, errlen, "pagelab: internal error: no image, file or path to add");
		return -EINVAL;
	}
	rc = slurp(host_path, &data, &len, &mode, &why);
	if (rc) {
		pl_say(err, errlen, "pagelab: cannot read %s: %s", host_path,
		       why ? why : strerror(-rc));
		return rc;
	}
	/* Keep the permission bits: they say whether the guest may execute it. */
	rc = add_file_owned(c, guest_path, len ? data : NULL, len, mode & 0777);
	if (rc || !len)
		free(data);
	if (rc == -EEXIST)
		pl_say(err, errlen,
		       "pagelab: cannot add %s as %s: that path is already in the image", host_path,
		       guest_path);
	else if (rc == -EINVAL || rc == -ENAMETOOLONG)
		pl_say(err, errlen,
		       "pagelab: cannot add %s as '%s': not a valid path (no '..' or empty "
		       "components)",
		       host_path, guest_path);
	else if (rc)
		pl_say(err, errlen, "pagelab: cannot add %s as %s: %s", host_path, guest_path,
		       strerror(-rc));
	return rc;
}

/* libarchive's output callback: the archive grows in c->buf. */
static la_ssize_t append(struct archive *a, void *opaque, const void *buf, size_t len)
{
	struct pl_cpio *c = opaque;

	if (len > c->cap - c->len) {
		size_t cap = c->cap ? c->cap : 4096;
		uint8_t *p;

		while (cap - c->len < len) {
			if (cap > SIZE_MAX / 2) {
				archive_set_error(a, ENOMEM, "archive too large");
				return -1;
			}
			cap *= 2;
		}
		p = realloc(c->buf, cap);
		if (!p) {
			archive_set_error(a, ENOMEM, "out of memory");
			return -1;
		}
		c->buf = p;
		c->cap = cap;
	}
	memcpy(c->buf + c->len, buf, len);
	c->len += len;
	return len;
}

static int write_node(struct archive *a, struct archive_entry *e, const struct cpio_node *n,
		      int64_t ino)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, n->path);
	archive_entry_set_mode(e, (n->dir ? S_IFDIR : S_IFREG) | n->perm);
	archive_entry_set_nlink(e, n->dir ? 2 + n->subdirs : 1);
	archive_entry_set_ino64(e, ino);
	archive_entry_set_size(e, n->size);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		return -1;
	if (n->size && archive_write_data(a, n->data, n->size) != (la_ssize_t)n->size)
		return -1;
	return 0;
}

static int write_archive(struct pl_cpio *c)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	int err = -ENOMEM;

	if (!a || !e)
		goto out;
	err = -EIO;
	if (archive_write_set_format_cpio_newc(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_per_block(a, NEWC_BLOCK) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, NEWC_BLOCK) != ARCHIVE_OK ||
	    archive_write_open2(a, c, NULL, append, NULL, NULL) != ARCHIVE_OK)
		goto out;
	for (size_t i = 0; i < c->nr_nodes; i++)
		if (write_node(a, e, &c->nodes[i], i + 1))
			goto out;
	if (archive_write_close(a) == ARCHIVE_OK)
		err = 0;
out:
	if (err && a && archive_errno(a) == ENOMEM)
		err = -ENOMEM;
	archive_entry_free(e);
	archive_write_free(a);
	return err;
}

int pl_cpio_finish(struct pl_cpio *c, const void **data, size_t *len)
{
	if (!c || !data || !len)
		return -EINVAL;
	if (!c->finished) {
		int err = write_archive(c);

		if (err) {
			c->len = 0;
			return err;
		}
		c->finished = true;
	}
	*data = c->buf;
	*len = c->len;
	return 0;
}
