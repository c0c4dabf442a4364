// SPDX-License-Identifier: MIT
/*
 * Build a cpio "newc" archive in memory, byte for byte as
 * `cpio -o -H newc --reproducible -R 0:0` writes it for files with mtime 0:
 * inodes numbered from 0 in order, uid/gid/mtime/devices 0, upper-case hex,
 * name and data padded to 4 bytes, a TRAILER!!! entry, and zero padding
 * to a 512-byte block. Fixed metadata keeps images reproducible.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pagelab/initramfs.h>

#define NEWC_HEADER   110
#define NEWC_BLOCK    512
#define NEWC_NLINK_AT 38 /* offset of the nlink field in a header */
#define PATH_MAX_LEN  4095
#define NAME_MAX_LEN  255

struct cpio_node {
	char *path; /* normalised: "bin/sh", no leading slash */
	bool dir;
	size_t header_off; /* where its header starts in buf */
	uint32_t subdirs;
};

struct pl_cpio {
	uint8_t *buf;
	size_t len, cap;
	struct cpio_node *nodes;
	size_t nr_nodes, nodes_cap;
	uint32_t next_ino;
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
	for (size_t i = 0; i < c->nr_nodes; i++)
		free(c->nodes[i].path);
	free(c->nodes);
	free(c->buf);
	free(c);
}

static int reserve(struct pl_cpio *c, size_t more)
{
	size_t need, cap;
	uint8_t *p;

	if (more > SIZE_MAX - c->len)
		return -ENOMEM;
	need = c->len + more;
	if (need <= c->cap)
		return 0;
	cap = c->cap ? c->cap : 4096;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(c->buf, cap);
	if (!p)
		return -ENOMEM;
	c->buf = p;
	c->cap = cap;
	return 0;
}

static void put_zeros(struct pl_cpio *c, size_t n)
{
	memset(c->buf + c->len, 0, n);
	c->len += n;
}

static size_t pad4(size_t x)
{
	return (4 - (x & 3)) & 3;
}

/* Append one entry; the caller has checked the name and the sizes. */
static int emit(struct pl_cpio *c, const char *name, uint32_t mode, uint32_t nlink,
		const void *data, size_t size)
{
	size_t namesize = strlen(name) + 1;
	size_t head = NEWC_HEADER + namesize;
	size_t total = head + pad4(head) + size + pad4(size);
	char hdr[NEWC_HEADER + 1];
	int err;

	err = reserve(c, total);
	if (err)
		return err;
	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 c->next_ino++, mode, 0, 0, nlink, 0, (uint32_t)size, 0, 0, 0, 0,
		 (uint32_t)namesize, 0);
	memcpy(c->buf + c->len, hdr, NEWC_HEADER);
	c->len += NEWC_HEADER;
	memcpy(c->buf + c->len, name, namesize);
	c->len += namesize;
	put_zeros(c, pad4(head));
	if (size)
		memcpy(c->buf + c->len, data, size);
	c->len += size;
	put_zeros(c, pad4(size));
	return 0;
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

static int remember(struct pl_cpio *c, const char *path, bool dir, size_t header_off)
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
	n->header_off = header_off;
	n->subdirs = 0;
	c->nr_nodes++;
	return 0;
}

/* The parent directory of a new directory gains a link (its "..") */
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

/* Emit path (already normalised) as a directory unless it exists. */
static int ensure_dir(struct pl_cpio *c, const char *path, uint32_t perm)
{
	struct cpio_node *n = find(c, path);
	size_t off = c->len;
	int err;

	if (n)
		return n->dir ? 0 : -ENOTDIR;
	err = emit(c, path, S_IFDIR | perm, 2, NULL, 0);
	if (!err)
		err = remember(c, path, true, off);
	if (err) {
		c->len = off;
		return err;
	}
	count_subdir(c, path);
	return 0;
}

/* Create every proper ancestor of path, outermost first. */
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

int pl_cpio_add_file(struct pl_cpio *c, const char *guest_path, const void *data, size_t len,
		     unsigned mode)
{
	char path[PATH_MAX_LEN + 1];
	size_t off;
	int err;

	if (!c || c->finished || (len && !data))
		return -EINVAL;
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
	off = c->len;
	err = emit(c, path, S_IFREG | (mode & 07777), 1, data, len);
	if (!err)
		err = remember(c, path, false, off);
	if (err)
		c->len = off;
	return err;
}

static void __attribute__((format(printf, 3, 4)))
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
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

	if (!c || !host_path || !guest_path) {
		say(err, errlen, "pagelab: internal error: no image, file or path to add");
		return -EINVAL;
	}
	rc = slurp(host_path, &data, &len, &mode, &why);
	if (rc) {
		say(err, errlen, "pagelab: cannot read %s: %s", host_path,
		    why ? why : strerror(-rc));
		return rc;
	}
	/* Keep the permission bits: they say whether the guest may execute it. */
	rc = pl_cpio_add_file(c, guest_path, data, len, mode & 0777);
	free(data);
	if (rc == -EEXIST)
		say(err, errlen, "pagelab: cannot add %s as %s: that path is already in the image",
		    host_path, guest_path);
	else if (rc == -EINVAL || rc == -ENAMETOOLONG)
		say(err, errlen,
		    "pagelab: cannot add %s as '%s': not a valid path (no '..' or empty "
		    "components)",
		    host_path, guest_path);
	else if (rc)
		say(err, errlen, "pagelab: cannot add %s as %s: %s", host_path, guest_path,
		    strerror(-rc));
	return rc;
}

/* Directories carry 2 + their number of subdirectories as link count. */
static void patch_dir_nlinks(struct pl_cpio *c)
{
	for (size_t i = 0; i < c->nr_nodes; i++) {
		struct cpio_node *n = &c->nodes[i];
		char field[9];

		if (!n->dir)
			continue;
		snprintf(field, sizeof(field), "%08X", 2 + n->subdirs);
		memcpy(c->buf + n->header_off + NEWC_NLINK_AT, field, 8);
	}
}

int pl_cpio_finish(struct pl_cpio *c, const void **data, size_t *len)
{
	int err;

	if (!c || !data || !len)
		return -EINVAL;
	if (!c->finished) {
		uint32_t ino = c->next_ino;
		size_t block;

		patch_dir_nlinks(c);
		c->next_ino = 0; /* cpio numbers the trailer 0 */
		err = emit(c, "TRAILER!!!", 0, 1, NULL, 0);
		c->next_ino = ino;
		if (err)
			return err;
		block = (NEWC_BLOCK - c->len % NEWC_BLOCK) % NEWC_BLOCK;
		err = reserve(c, block);
		if (err)
			return err;
		put_zeros(c, block);
		c->finished = true;
	}
	*data = c->buf;
	*len = c->len;
	return 0;
}
