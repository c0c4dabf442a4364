// SPDX-License-Identifier: MIT
/*
 * ramfs directories: a list of names in creation order. Each entry carries
 * a cookie that never changes and is never reused in that directory, so a
 * readdir position (the next cookie) stays meaningful while names are
 * added and removed, which telldir/seekdir and "delete while listing"
 * loops rely on. Lookups are linear: directories here are small.
 *
 * Link counts follow Linux: a file has one link per name, a directory two
 * (its name and its ".") plus one per subdirectory (their "..").
 */
#include <kernel/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/ramfs.h>
#include <kernel/string.h>

struct ramfs_dirent {
	struct ramfs_dirent *next;
	struct inode *inode;
	u64 cookie;
	u16 len;
	char name[]; /* NUL-terminated */
};

static bool is_dot(const char *name, size_t len)
{
	return len == 1 && name[0] == '.';
}

static bool is_dotdot(const char *name, size_t len)
{
	return len == 2 && name[0] == '.' && name[1] == '.';
}

static int check_name(const char *name, size_t len)
{
	if (len == 0)
		return -ENOENT;
	if (len > RAMFS_NAME_MAX)
		return -ENAMETOOLONG;
	if (memchr(name, '/', len) || memchr(name, '\0', len))
		return -EINVAL;
	return 0;
}

/* A directory that can take a new name: -ENOTDIR, -ENOENT once removed. */
static int check_live_dir(const struct inode *dir)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	return dir->nlink ? 0 : -ENOENT;
}

static struct ramfs_dirent *find(struct inode *dir, const char *name, size_t len,
				 struct ramfs_dirent **prevp)
{
	struct ramfs_dirent *prev = NULL;

	for (struct ramfs_dirent *e = dir->dir.head; e; prev = e, e = e->next) {
		if (e->len == len && !memcmp(e->name, name, len)) {
			if (prevp)
				*prevp = prev;
			return e;
		}
	}
	return NULL;
}

static struct ramfs_dirent *new_entry(const char *name, size_t len)
{
	struct ramfs_dirent *e = kmalloc(sizeof(*e) + len + 1);

	if (!e)
		return NULL;
	e->next = NULL;
	e->inode = NULL;
	e->len = (u16)len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	return e;
}

static void add_entry(struct inode *dir, struct ramfs_dirent *e, struct inode *ino, u64 now)
{
	e->inode = ino;
	e->cookie = dir->dir.next_cookie++;
	if (dir->dir.tail)
		dir->dir.tail->next = e;
	else
		dir->dir.head = e;
	dir->dir.tail = e;
	dir->dir.nentries++;
	dir->mtime = dir->ctime = now;
}

static void remove_entry(struct inode *dir, struct ramfs_dirent *prev, struct ramfs_dirent *e,
			 u64 now)
{
	if (prev)
		prev->next = e->next;
	else
		dir->dir.head = e->next;
	if (dir->dir.tail == e)
		dir->dir.tail = prev;
	dir->dir.nentries--;
	dir->mtime = dir->ctime = now;
	kfree(e);
}

int ramfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct ramfs_dirent *e;
	int err;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (is_dot(name, len) || is_dotdot(name, len)) {
		*out = is_dot(name, len) ? dir : dir->dir.parent;
		inode_get(*out);
		return 0;
	}
	err = check_name(name, len);
	if (err)
		return err;
	e = find(dir, name, len, NULL);
	if (!e)
		return -ENOENT;
	inode_get(e->inode);
	*out = e->inode;
	return 0;
}

static bool creatable_type(u32 mode)
{
	return S_ISREG(mode) || S_ISDIR(mode) || S_ISCHR(mode) || S_ISFIFO(mode);
}

/* Whether name may be a new entry of dir, before looking it up: -errno or 0. */
static int check_new_name(struct inode *dir, const char *name, size_t len)
{
	int err = check_live_dir(dir);

	if (err)
		return err;
	if (is_dot(name, len) || is_dotdot(name, len))
		return -EEXIST;
	return check_name(name, len);
}

static int check_create(struct inode *dir, const char *name, size_t len, u32 mode)
{
	int err = check_new_name(dir, name, len);

	if (err)
		return err;
	if (find(dir, name, len, NULL))
		return -EEXIST;
	return creatable_type(mode) ? 0 : -EINVAL;
}

int ramfs_create(struct inode *dir, const char *name, size_t len, u32 mode, u32 rdev_major,
		 u32 rdev_minor, u64 now, struct inode **out)
{
	struct ramfs_dirent *e;
	struct inode *ino;
	int err = check_create(dir, name, len, mode);

	if (err)
		return err;
	e = new_entry(name, len);
	ino = e ? ramfs_inode_alloc(mode, now) : NULL;
	if (!ino) {
		kfree(e);
		return -ENOMEM;
	}
	ino->fs = dir->fs; /* a file system's files are below its root */
	if (S_ISDIR(mode)) {
		ino->nlink = 2;
		ino->dir.parent = dir;
		ino->dir.next_cookie = RAMFS_DIRENT_COOKIE;
		inode_get(dir);
		dir->nlink++;
	} else {
		ino->nlink = 1;
		ino->rdev_major = rdev_major;
		ino->rdev_minor = rdev_minor;
	}
	add_entry(dir, e, ino, now);
	if (out)
		*out = ino;
	else
		inode_put(ino);
	return 0;
}

int ramfs_mkdir_step(struct inode *dir, const char *name, size_t len, u32 perm, u64 now,
		     struct inode **next, bool *made)
{
	int err = ramfs_lookup(dir, name, len, next);

	*made = false;
	if (err == -ENOENT) {
		err = ramfs_create(dir, name, len, S_IFDIR | (perm & S_IALLUGO), 0, 0, now, next);
		*made = !err;
	}
	inode_put(dir);
	if (err)
		return err;
	if (!S_ISDIR((*next)->mode)) {
		inode_put(*next);
		return -ENOTDIR;
	}
	return 0;
}

/* link(2)'s checks, in Linux's order. */
static int check_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
	int err = check_new_name(dir, name, len);

	if (err)
		return err;
	if (S_ISDIR(target->mode))
		return -EPERM;
	if (target->nlink == 0)
		return -ENOENT;
	return find(dir, name, len, NULL) ? -EEXIST : 0;
}

int ramfs_link(struct inode *dir, const char *name, size_t len, struct inode *target, u64 now)
{
	struct ramfs_dirent *e;
	int err = check_link(dir, name, len, target);

	if (err)
		return err;
	e = new_entry(name, len);
	if (!e)
		return -ENOMEM;
	add_entry(dir, e, target, now);
	target->nlink++;
	target->ctime = now;
	return 0;
}

int ramfs_unlink(struct inode *dir, const char *name, size_t len, u64 now)
{
	struct ramfs_dirent *e, *prev;
	struct inode *ino;
	int err;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (is_dot(name, len) || is_dotdot(name, len))
		return -EISDIR;
	err = check_name(name, len);
	if (err)
		return err;
	e = find(dir, name, len, &prev);
	if (!e)
		return -ENOENT;
	ino = e->inode;
	if (S_ISDIR(ino->mode))
		return -EISDIR;
	remove_entry(dir, prev, e, now);
	ino->nlink--;
	ino->ctime = now;
	ramfs_maybe_free(ino);
	return 0;
}

/* A removed directory: no name, no "."; its parent loses the "..". */
static void kill_dir(struct inode *parent, struct inode *victim, u64 now)
{
	victim->nlink = 0;
	victim->ctime = now;
	parent->nlink--;
	ramfs_maybe_free(victim);
}

int ramfs_rmdir(struct inode *dir, const char *name, size_t len, u64 now)
{
	struct ramfs_dirent *e, *prev;
	struct inode *victim;
	int err;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (is_dot(name, len))
		return -EINVAL;
	if (is_dotdot(name, len))
		return -ENOTEMPTY;
	err = check_name(name, len);
	if (err)
		return err;
	e = find(dir, name, len, &prev);
	if (!e)
		return -ENOENT;
	victim = e->inode;
	if (!S_ISDIR(victim->mode))
		return -ENOTDIR;
	if (victim->dir.nentries)
		return -ENOTEMPTY;
	remove_entry(dir, prev, e, now);
	kill_dir(dir, victim, now);
	return 0;
}

/* Is dir inside (or equal to) ancestor? Walks ".." up to the root. */
static bool is_within(struct inode *dir, struct inode *ancestor)
{
	for (;;) {
		if (dir == ancestor)
			return true;
		if (dir->dir.parent == dir)
			return false;
		dir = dir->dir.parent;
	}
}

static int rename_check(struct inode *odir, struct inode *ndir, struct inode *src,
			struct inode *target)
{
	if (S_ISDIR(src->mode)) {
		if (target && !S_ISDIR(target->mode))
			return -ENOTDIR;
		if (is_within(ndir, src))
			return -EINVAL;
		if (target && target->dir.nentries)
			return -ENOTEMPTY;
	} else if (target && S_ISDIR(target->mode)) {
		return -EISDIR;
	}
	(void)odir;
	return 0;
}

static void move_dir(struct inode *src, struct inode *odir, struct inode *ndir)
{
	if (odir == ndir)
		return;
	odir->nlink--;
	ndir->nlink++;
	inode_get(ndir);
	src->dir.parent = ndir;
	inode_put(odir); /* the caller still holds odir */
}

int ramfs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		 const char *nname, size_t nlen, u64 now)
{
	struct ramfs_dirent *oe, *oprev, *ne;
	struct inode *src, *target;
	int err;

	if (!S_ISDIR(odir->mode) || !S_ISDIR(ndir->mode))
		return -ENOTDIR;
	if (is_dot(oname, olen) || is_dotdot(oname, olen) || is_dot(nname, nlen) ||
	    is_dotdot(nname, nlen))
		return -EBUSY;
	err = check_name(oname, olen);
	if (!err)
		err = check_name(nname, nlen);
	if (err)
		return err;
	oe = find(odir, oname, olen, &oprev);
	if (!oe)
		return -ENOENT;
	err = check_live_dir(ndir);
	if (err)
		return err;
	src = oe->inode;
	ne = find(ndir, nname, nlen, NULL);
	target = ne ? ne->inode : NULL;
	if (target == src)
		return 0;
	err = rename_check(odir, ndir, src, target);
	if (err)
		return err;
	if (!ne) {
		ne = new_entry(nname, nlen);
		if (!ne)
			return -ENOMEM;
		add_entry(ndir, ne, src, now);
	} else {
		ne->inode = src; /* the new name keeps the replaced entry's place */
		ndir->mtime = ndir->ctime = now;
	}
	/* Appending at the tail left oprev as it was: remove the old name. */
	remove_entry(odir, oprev, oe, now);
	if (S_ISDIR(src->mode))
		move_dir(src, odir, ndir);
	src->ctime = now;
	if (target && S_ISDIR(target->mode)) {
		kill_dir(ndir, target, now);
	} else if (target) {
		target->nlink--;
		target->ctime = now;
		ramfs_maybe_free(target);
	}
	return 0;
}

int ramfs_readdir(struct inode *dir, u64 pos, struct ramfs_dirent_view *v)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!dir->nlink)
		return -ENOENT;
	if (pos < RAMFS_DIRENT_COOKIE) {
		struct inode *d = pos == 0 ? dir : dir->dir.parent;

		*v = (struct ramfs_dirent_view){ .name = pos == 0 ? "." : "..",
						 .len = pos == 0 ? 1 : 2,
						 .ino = d->ino,
						 .mode = d->mode,
						 .next = pos + 1 };
		return 1;
	}
	for (struct ramfs_dirent *e = dir->dir.head; e; e = e->next) {
		if (e->cookie >= pos) {
			*v = (struct ramfs_dirent_view){ .name = e->name,
							 .len = e->len,
							 .ino = e->inode->ino,
							 .mode = e->inode->mode,
							 .next = e->cookie + 1 };
			return 1;
		}
	}
	return 0;
}

/* The entry in dir's parent that names dir. */
static const struct ramfs_dirent *name_in_parent(struct inode *dir)
{
	for (struct ramfs_dirent *e = dir->dir.parent->dir.head; e; e = e->next)
		if (e->inode == dir)
			return e;
	return NULL;
}

long ramfs_path_of(struct inode *root, struct inode *dir, char *buf, size_t size)
{
	size_t len = 0, at;

	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!dir->nlink)
		return -ENOENT;
	for (struct inode *d = dir; d != root; d = d->dir.parent) {
		const struct ramfs_dirent *e = d->dir.parent == d ? NULL : name_in_parent(d);

		if (!e)
			return -ENOENT; /* not below root */
		len += 1 + e->len;
	}
	if (len == 0)
		len = 1; /* "/" */
	if (size < len + 1)
		return -ERANGE;
	buf[0] = '/';
	buf[len] = '\0';
	at = len;
	for (struct inode *d = dir; d != root; d = d->dir.parent) {
		const struct ramfs_dirent *e = name_in_parent(d);

		at -= e->len;
		memcpy(buf + at, e->name, e->len);
		buf[--at] = '/';
	}
	return len + 1;
}
