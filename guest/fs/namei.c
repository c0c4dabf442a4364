// SPDX-License-Identifier: MIT
/*
 * Path resolution, as Linux's namei does it for a file system without
 * symlinks or mounts: repeated slashes are one, "." and ".." are looked up
 * like names (the root is its own parent), every component but the last
 * must be a directory (ENOTDIR), and a trailing slash demands that the
 * last one is a directory too. The last component is left to the caller,
 * which decides whether it must exist (open) or must not (mkdir). Every
 * directory looked in must be searchable by the caller (ramfs_may_search).
 */
#include <kernel/errno.h>
#include <kernel/ramfs.h>

#ifdef PL_HOST_TEST
/* The kernel checks the caller's permissions (perm.c); host tests are root. */
__attribute__((weak)) int ramfs_may_search(const struct inode *dir)
{
	(void)dir;
	return 0;
}
#endif

static size_t component_len(const char *p)
{
	size_t n = 0;

	while (p[n] && p[n] != '/')
		n++;
	return n;
}

static size_t skip_slashes(const char *p)
{
	size_t n = 0;

	while (p[n] == '/')
		n++;
	return n;
}

static enum ramfs_last classify(const char *name, size_t len)
{
	if (len == 1 && name[0] == '.')
		return LAST_DOT;
	if (len == 2 && name[0] == '.' && name[1] == '.')
		return LAST_DOTDOT;
	return LAST_NORM;
}

int ramfs_walk_parent(struct inode *root, struct inode *start, const char *path,
		      struct nameidata *nd)
{
	struct inode *dir = path[0] == '/' ? root : start;
	const char *p = path;

	if (!path[0])
		return -ENOENT;
	inode_get(dir);
	p += skip_slashes(p);
	*nd = (struct nameidata){ .last = p, .last_type = LAST_ROOT };
	while (*p) {
		size_t len = component_len(p);
		size_t slashes = skip_slashes(p + len);
		struct inode *next;
		int err;

		/* As Linux's may_lookup: search permission first, for the last name too. */
		err = S_ISDIR(dir->mode) ? ramfs_may_search(dir) : 0;
		if (!err && len > RAMFS_NAME_MAX)
			err = -ENAMETOOLONG;
		if (err) {
			inode_put(dir);
			return err;
		}
		if (!p[len + slashes]) {
			nd->dir = dir;
			nd->last = p;
			nd->last_len = len;
			nd->last_type = classify(p, len);
			nd->trailing_slash = slashes > 0;
			return 0;
		}
		err = ramfs_lookup(dir, p, len, &next);
		inode_put(dir);
		if (err)
			return err;
		dir = next;
		p += len + slashes;
	}
	nd->dir = dir; /* only slashes: the root */
	return 0;
}

void nameidata_put(struct nameidata *nd)
{
	if (nd->dir)
		inode_put(nd->dir);
	nd->dir = NULL;
}

int ramfs_walk_last(struct inode *root, struct nameidata *nd, struct inode **out)
{
	struct inode *ino;
	int err;

	if (nd->last_type == LAST_ROOT) {
		inode_get(root);
		*out = root;
		return 0;
	}
	err = ramfs_lookup(nd->dir, nd->last, nd->last_len, &ino);
	if (err)
		return err;
	if (nd->trailing_slash && !S_ISDIR(ino->mode)) {
		inode_put(ino);
		return -ENOTDIR;
	}
	*out = ino;
	return 0;
}

int ramfs_walk(struct inode *root, struct inode *start, const char *path, struct inode **out)
{
	struct nameidata nd;
	int err = ramfs_walk_parent(root, start, path, &nd);

	if (err)
		return err;
	err = ramfs_walk_last(root, &nd, out);
	nameidata_put(&nd);
	return err;
}
