// SPDX-License-Identifier: MIT
/*
 * The guest's initramfs unpacker (guest/fs/initramfs.c over the cpio
 * reader, ramfs and namei) on arbitrary archives, as --initrd delivers
 * them. When an archive unpacks without error, every entry that no later
 * entry replaced must be found by path lookup with its type (and, for a
 * plain file, its contents), by its plain path and by a spelling with
 * doubled slashes and "." components; either way nothing may leak.
 */
#include <kernel/cpio.h>
#include <kernel/initramfs.h>

#include "guest_env.h"

static bool creates_node(const struct cpio_entry *e)
{
	u32 t = e->mode & S_IFMT;

	return e->pathlen && (t == S_IFREG || t == S_IFDIR || t == S_IFCHR || t == S_IFIFO);
}

static bool same_path(const struct cpio_entry *a, const struct cpio_entry *b)
{
	return a->pathlen == b->pathlen && !memcmp(a->path, b->path, a->pathlen);
}

/* Does later entry b replace a: the same name, or a non-directory over an ancestor? */
static bool replaces(const struct cpio_entry *b, const struct cpio_entry *a)
{
	if (same_path(a, b))
		return true;
	return !cpio_is_dir(b) && b->pathlen < a->pathlen && a->path[b->pathlen] == '/' &&
	       !memcmp(a->path, b->path, b->pathlen);
}

/* "/a/b" and "//.//a//b" (and a trailing "/" for a directory). */
static char *spell(const struct cpio_entry *e, bool odd)
{
	char *s = malloc(2 * e->pathlen + 8), *q = s;

	CHECK(s);
	q += sprintf(q, odd ? "//.//" : "/");
	for (size_t i = 0; i < e->pathlen; i++) {
		*q++ = e->path[i];
		if (odd && e->path[i] == '/')
			*q++ = '/';
	}
	if (odd && cpio_is_dir(e))
		*q++ = '/';
	*q = '\0';
	return s;
}

static struct inode *lookup(const struct cpio_entry *e, bool odd)
{
	char *path = spell(e, odd);
	struct inode *ino = NULL;
	int err = ramfs_walk(guest_root, guest_root, path, &ino);

	if (err)
		fprintf(stderr, "lookup of %s: %d\n", path, err);
	CHECK(err == 0);
	free(path);
	return ino;
}

static void check_found(const struct cpio_entry *e)
{
	struct inode *ino = lookup(e, false), *alt = lookup(e, true);

	CHECK(ino == alt);
	CHECK((ino->mode & S_IFMT) == (e->mode & S_IFMT));
	/* Hard links share an inode: the last name's permissions and data win. */
	if (e->nlink <= 1)
		CHECK((ino->mode & 07777) == (e->mode & 07777));
	if (cpio_is_reg(e) && e->nlink <= 1) {
		char *buf = malloc(e->size + 1);

		CHECK(buf);
		CHECK(ino->size == e->size);
		CHECK(inode_read(ino, 0, buf, e->size + 1) == (long)e->size);
		CHECK(!memcmp(buf, e->data, e->size));
		free(buf);
	}
	inode_put(alt);
	inode_put(ino);
}

static void check_tree(const uint8_t *data, size_t size)
{
	struct cpio_entry *e = malloc((size / CPIO_HEADER_SIZE + 1) * sizeof(*e));
	struct cpio_iter it;
	size_t n = 0;

	CHECK(e);
	cpio_iter_init(&it, data, size);
	while (cpio_next(&it, &e[n]) == 1)
		n++;
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;

		if (!creates_node(&e[i]))
			continue;
		for (size_t j = i + 1; j < n && !replaced; j++)
			replaced = creates_node(&e[j]) && replaces(&e[j], &e[i]);
		if (!replaced)
			check_found(&e[i]);
	}
	free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct initramfs_result r;
	int rc;

	guest_env_init();
	rc = initramfs_unpack(guest_root, data, size, GUEST_NOW, &r);
	CHECK(r.offset <= size);
	if (rc == 0) {
		CHECK(r.cpio_error == 0 && r.fs_error == 0);
		check_tree(data, size);
	} else {
		CHECK(rc == -1 && (r.cpio_error < 0 || r.fs_error < 0));
	}
	guest_env_reset();
	return 0;
}
