// SPDX-License-Identifier: MIT
/*
 * Descriptor tables: an array of file pointers that grows by doubling up
 * to RLIMIT_NOFILE (1024), a close-on-exec byte per descriptor, and the
 * process's umask (Linux keeps it in fs_struct; here it travels with the
 * table, which fork copies and exit drops just the same). New descriptors
 * take the lowest free number, as POSIX requires.
 */
#include <asm/fcntl.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/fdtable.h>
#include <kernel/kmalloc.h>
#include <kernel/locks.h>
#include <kernel/panic.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/vfs.h>

#include "fs.h"

#define FDTABLE_MIN 16

struct fdtable {
	u32 refcount;
	u32 umask;
	int size;
	struct file **fd;
	u8 *cloexec;
};

static struct fdtable *table_alloc(int size)
{
	struct fdtable *t = kzalloc(sizeof(*t));

	if (!t)
		return NULL;
	t->fd = kzalloc(size * sizeof(*t->fd));
	t->cloexec = kzalloc(size);
	if (!t->fd || !t->cloexec) {
		kfree(t->fd);
		kfree(t->cloexec);
		kfree(t);
		return NULL;
	}
	t->refcount = 1;
	t->size = size;
	t->umask = 022;
	return t;
}

static int table_grow(struct fdtable *t, int need)
{
	int size = t->size;
	struct file **fd;
	u8 *cloexec;

	while (size <= need)
		size *= 2;
	size = MIN(size, NR_OPEN_MAX);
	fd = kzalloc(size * sizeof(*fd));
	cloexec = kzalloc(size);
	if (!fd || !cloexec) {
		kfree(fd);
		kfree(cloexec);
		return -ENOMEM;
	}
	memcpy(fd, t->fd, t->size * sizeof(*fd));
	memcpy(cloexec, t->cloexec, t->size);
	kfree(t->fd);
	kfree(t->cloexec);
	t->fd = fd;
	t->cloexec = cloexec;
	t->size = size;
	return 0;
}

struct fdtable *fdtable_new_stdio(void)
{
	static const int streams[] = { PL_STREAM_STDIN, PL_STREAM_STDOUT, PL_STREAM_STDERR };
	struct fdtable *t = table_alloc(FDTABLE_MIN);
	struct inode *tty = ramfs_new_anon(S_IFCHR | 0620, vfs_now());

	if (!t || !tty)
		panic("vfs: no memory for the first descriptor table");
	tty->rdev_major = 5;
	tty->rdev_minor = 1;
	for (int i = 0; i < 3; i++) {
		t->fd[i] = console_file(tty, streams[i]);
		if (!t->fd[i])
			panic("vfs: no memory for the standard streams");
	}
	inode_put(tty); /* the three files hold it */
	return t;
}

struct fdtable *fdtable_dup(struct fdtable *t)
{
	struct fdtable *n;

	if (!t)
		return NULL;
	n = table_alloc(t->size);
	if (!n)
		return NULL;
	for (int i = 0; i < t->size; i++) {
		n->fd[i] = t->fd[i];
		n->cloexec[i] = t->cloexec[i];
		if (n->fd[i])
			file_get(n->fd[i]);
	}
	n->umask = t->umask;
	return n;
}

/* A descriptor goes: the closing process's record locks on the file go with it (POSIX). */
static void close_file(struct fdtable *t, struct file *f)
{
	locks_remove_posix(f, t);
	file_put(f);
}

void fdtable_put(struct fdtable *t)
{
	if (!t || --t->refcount)
		return;
	for (int i = 0; i < t->size; i++)
		if (t->fd[i])
			close_file(t, t->fd[i]);
	kfree(t->fd);
	kfree(t->cloexec);
	kfree(t);
}

void fdtable_exec(struct fdtable *t)
{
	for (int i = 0; t && i < t->size; i++) {
		if (t->fd[i] && t->cloexec[i]) {
			struct file *f = t->fd[i];

			t->fd[i] = NULL;
			t->cloexec[i] = 0;
			close_file(t, f);
		}
	}
}

static struct fdtable *files(void)
{
	return current ? current->files : NULL;
}

struct file *fd_get(int fd)
{
	struct fdtable *t = files();
	struct file *f;

	if (!t || fd < 0 || fd >= t->size || !(f = t->fd[fd]))
		return NULL;
	file_get(f);
	return f;
}

int fd_install(struct file *f, int min, bool cloexec)
{
	struct fdtable *t = files();
	int fd = min;

	if (!t)
		return -EMFILE;
	while (fd < t->size && t->fd[fd])
		fd++;
	if (fd >= NR_OPEN_MAX)
		return -EMFILE;
	if (fd >= t->size && table_grow(t, fd))
		return -ENOMEM;
	t->fd[fd] = f;
	t->cloexec[fd] = cloexec;
	return fd;
}

int fd_install_at(struct file *f, int newfd, bool cloexec)
{
	struct fdtable *t = files();
	struct file *old;

	if (!t || newfd < 0 || newfd >= NR_OPEN_MAX)
		return -EBADF;
	if (newfd >= t->size && table_grow(t, newfd))
		return -ENOMEM;
	old = t->fd[newfd];
	t->fd[newfd] = f;
	t->cloexec[newfd] = cloexec;
	if (old)
		close_file(t, old); /* after the table is consistent: a release wakes others */
	return newfd;
}

int fd_close(int fd)
{
	struct fdtable *t = files();
	struct file *f;

	if (!t || fd < 0 || fd >= t->size || !(f = t->fd[fd]))
		return -EBADF;
	t->fd[fd] = NULL;
	t->cloexec[fd] = 0;
	close_file(t, f);
	return 0;
}

int fd_get_cloexec(int fd)
{
	struct fdtable *t = files();

	if (!t || fd < 0 || fd >= t->size || !t->fd[fd])
		return -EBADF;
	return t->cloexec[fd];
}

int fd_set_cloexec(int fd, bool on)
{
	struct fdtable *t = files();

	if (!t || fd < 0 || fd >= t->size || !t->fd[fd])
		return -EBADF;
	t->cloexec[fd] = on;
	return 0;
}

u32 fd_umask(void)
{
	struct fdtable *t = files();

	return t ? t->umask : 022;
}

u32 fd_set_umask(u32 mask)
{
	struct fdtable *t = files();
	u32 old = fd_umask();

	if (t)
		t->umask = mask & 0777;
	return old;
}
