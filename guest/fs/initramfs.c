// SPDX-License-Identifier: MIT
/*
 * Unpack a newc archive into a ramfs. The cpio reader has already checked
 * every header against the archive's bounds and refused "..", "." and
 * empty components, so a path here walks down from the root only.
 *
 * Hard links: newc stores each name of a multiply-linked file as its own
 * entry with the same (dev, ino), and only the last carries the data, so
 * the first such entry creates the inode and the later ones link to it.
 * As in Linux, only an entry of the same file type is a link: a character
 * device that shares a FIFO's inode number is a device of its own.
 */
#include <kernel/cpio.h>
#include <kernel/errno.h>
#include <kernel/initramfs.h>
#include <kernel/kmalloc.h>
#include <kernel/string.h>

#define NS_PER_SEC 1000000000ULL

struct hardlink {
	u32 ino, devmajor, devminor, type;
	struct inode *inode; /* referenced until the unpack ends */
};

struct unpack {
	struct inode *root;
	u64 now;
	struct initramfs_result *r;
	struct hardlink *links;
	size_t nlinks, cap;
};

/* The directory that holds the entry's last component, made if missing. */
static int parent_dir(struct unpack *u, const struct cpio_entry *e, struct inode **dirp,
		      const char **name, size_t *len)
{
	const char *p = e->path, *end = e->path + e->pathlen;
	struct inode *dir = u->root;

	inode_get(dir);
	for (const char *slash; (slash = memchr(p, '/', end - p)); p = slash + 1) {
		struct inode *next;
		bool made;
		int err = ramfs_mkdir_step(dir, p, slash - p, 0755, u->now, &next, &made);

		if (err)
			return err;
		u->r->dirs += made;
		dir = next;
	}
	*dirp = dir;
	*name = p;
	*len = end - p;
	return 0;
}

static void set_attrs(struct inode *ino, const struct cpio_entry *e)
{
	ino->mode = (ino->mode & S_IFMT) | (e->mode & S_IALLUGO);
	ino->uid = e->uid;
	ino->gid = e->gid;
	ino->atime = ino->mtime = (u64)e->mtime * NS_PER_SEC;
}

static struct hardlink *find_link(struct unpack *u, const struct cpio_entry *e)
{
	for (size_t i = 0; i < u->nlinks; i++) {
		struct hardlink *l = &u->links[i];

		if (l->ino == e->ino && l->devmajor == e->devmajor && l->devminor == e->devminor &&
		    l->type == (e->mode & S_IFMT))
			return l;
	}
	return NULL;
}

static int remember_link(struct unpack *u, const struct cpio_entry *e, struct inode *ino)
{
	if (u->nlinks == u->cap) {
		size_t cap = MAX(u->cap * 2, 16);
		struct hardlink *links = kmalloc(cap * sizeof(*links));

		if (!links)
			return -ENOMEM;
		if (u->nlinks)
			memcpy(links, u->links, u->nlinks * sizeof(*links));
		kfree(u->links);
		u->links = links;
		u->cap = cap;
	}
	inode_get(ino);
	u->links[u->nlinks++] =
	    (struct hardlink){ e->ino, e->devmajor, e->devminor, e->mode & S_IFMT, ino };
	return 0;
}

/* Make room for a new entry: an existing name of another kind goes. */
static int remove_existing(struct unpack *u, struct inode *dir, const char *name, size_t len,
			   struct inode *old)
{
	if (S_ISDIR(old->mode))
		return ramfs_rmdir(dir, name, len, u->now);
	return ramfs_unlink(dir, name, len, u->now);
}

/* The inode for a non-directory entry: a new one, or an earlier hard link. */
static int make_node(struct unpack *u, const struct cpio_entry *e, struct inode *dir,
		     const char *name, size_t len, struct inode **out)
{
	struct hardlink *l = e->nlink > 1 ? find_link(u, e) : NULL;
	int err;

	if (l) {
		err = ramfs_link(dir, name, len, l->inode, u->now);
		if (!err) {
			inode_get(l->inode);
			*out = l->inode;
		}
		return err;
	}
	err = ramfs_create(dir, name, len, e->mode & (S_IFMT | S_IALLUGO), e->rdevmajor,
			   e->rdevminor, u->now, out);
	if (err || e->nlink <= 1)
		return err;
	return remember_link(u, e, *out);
}

/*
 * What is named name in dir already: nothing (0), a directory the entry
 * names again (its attributes updated: 1, nothing more to do), or anything
 * else, removed (0) so that the entry replaces it.
 */
static int replace_existing(struct unpack *u, const struct cpio_entry *e, struct inode *dir,
			    const char *name, size_t len)
{
	struct inode *ino;
	int err = ramfs_lookup(dir, name, len, &ino);

	if (err)
		return err == -ENOENT ? 0 : err;
	if (S_ISDIR(ino->mode) && cpio_is_dir(e)) {
		set_attrs(ino, e); /* a directory named twice (or one made as a parent) */
		err = 1;
	} else {
		err = remove_existing(u, dir, name, len, ino);
	}
	inode_put(ino);
	return err;
}

static int unpack_node(struct unpack *u, const struct cpio_entry *e, struct inode *dir,
		       const char *name, size_t len)
{
	struct inode *ino = NULL;
	int err = replace_existing(u, e, dir, name, len);

	if (err)
		return err == 1 ? 0 : err;
	if (cpio_is_dir(e))
		err = ramfs_create(dir, name, len, S_IFDIR | (e->mode & S_IALLUGO), 0, 0, u->now,
				   &ino);
	else
		err = make_node(u, e, dir, name, len, &ino);
	if (err)
		return err;
	if (cpio_is_reg(e) && e->size &&
	    inode_write(ino, 0, e->data, e->size, u->now) != (long)e->size)
		err = -ENOSPC;
	set_attrs(ino, e);
	inode_put(ino);
	if (cpio_is_dir(e))
		u->r->dirs++;
	else
		u->r->files++;
	return err;
}

static int unpack_entry(struct unpack *u, const struct cpio_entry *e)
{
	u32 type = e->mode & S_IFMT;
	struct inode *dir;
	const char *name;
	size_t len;
	int err;

	if (type == S_IFLNK || type == S_IFBLK || type == S_IFSOCK) {
		u->r->skipped++;
		return 0;
	}
	if (e->pathlen == 0) { /* "." or "/": the root itself */
		if (!cpio_is_dir(e))
			return -EEXIST;
		set_attrs(u->root, e);
		return 0;
	}
	err = parent_dir(u, e, &dir, &name, &len);
	if (err)
		return err;
	err = unpack_node(u, e, dir, name, len);
	inode_put(dir);
	return err;
}

int initramfs_unpack(struct inode *root, const void *archive, size_t len, u64 now,
		     struct initramfs_result *r)
{
	struct unpack u = { .root = root, .now = now, .r = r };
	struct cpio_iter it;
	struct cpio_entry e;
	int ret = 0, n;

	*r = (struct initramfs_result){ 0 };
	cpio_iter_init(&it, archive, len);
	for (;;) {
		size_t off = cpio_iter_offset(&it);

		n = cpio_next(&it, &e);
		if (n <= 0) {
			r->cpio_error = n;
			r->offset = cpio_iter_offset(&it);
			ret = n ? -1 : 0;
			break;
		}
		r->fs_error = unpack_entry(&u, &e);
		if (r->fs_error) {
			r->offset = off;
			r->path = e.path;
			r->pathlen = e.pathlen;
			ret = -1;
			break;
		}
	}
	for (size_t i = 0; i < u.nlinks; i++)
		inode_put(u.links[i].inode);
	kfree(u.links);
	return ret;
}
