// SPDX-License-Identifier: MIT
/*
 * Synthetic files, the hook for /proc: a regular inode whose ops are these
 * and whose priv names a generator. Opening runs the generator once, in the
 * opener's context, and the file then reads that snapshot, so a reader
 * that reads in small pieces sees one consistent text (Linux's seq_file
 * single_open does the same).
 */
#include <kernel/errno.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/synth.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>

#include "fs.h"

#define SYNTH_FIRST_SIZE 4096
#define SYNTH_MAX_SIZE	 (1 << 20)

struct synth_source {
	vfs_synth_gen gen;
	vfs_synth_store store; /* NULL: read-only */
	void *arg;
};

struct synth_text {
	char *buf;
	size_t len;
};

static int synth_open(struct file *f)
{
	const struct synth_source *src = f->inode->priv;
	struct synth_text *t = kzalloc(sizeof(*t));
	size_t size = SYNTH_FIRST_SIZE;

	if (!t)
		return -ENOMEM;
	for (;;) {
		long n;

		t->buf = kmalloc(size);
		if (!t->buf)
			break;
		n = src->gen(src->arg, t->buf, size);
		if (n >= 0 && (size_t)n < size) {
			t->len = n;
			f->priv = t;
			return 0;
		}
		kfree(t->buf);
		t->buf = NULL;
		if (n < 0 || (size_t)n >= SYNTH_MAX_SIZE) {
			kfree(t);
			return n < 0 ? (int)n : -EFBIG;
		}
		size = ALIGN_UP((size_t)n + 1, SYNTH_FIRST_SIZE);
	}
	kfree(t);
	return -ENOMEM;
}

static long synth_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	const struct synth_text *t = f->priv;
	size_t n;

	(void)io;
	if (*pos >= t->len)
		return 0;
	n = MIN(len, t->len - *pos);
	if (copy_to_user(ubuf, t->buf + *pos, n))
		return -EFAULT;
	*pos += n;
	return n;
}

/* A sysfs attribute is root's to write (its 0644): permission bits deny nothing elsewhere here. */
static int synth_rw_open(struct file *f)
{
	if ((f->fmode & FMODE_WRITE) && current->cred.euid != 0)
		return -EACCES;
	return synth_open(f);
}

/* sysfs_kf_write(): one store per write, from its first byte, whatever the position. */
static long synth_write(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	const struct synth_source *src = f->inode->priv;
	char buf[SYNTH_STORE_MAX + 1];
	int err;

	(void)io;
	if (len > SYNTH_STORE_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	err = src->store(src->arg, buf, len);
	if (err)
		return err;
	*pos += len;
	return (long)len;
}

static s64 synth_llseek(struct file *f, s64 off, int whence)
{
	const struct synth_text *t = f->priv;

	return generic_llseek(f, off, whence, t->len);
}

static void synth_release(struct file *f)
{
	struct synth_text *t = f->priv;

	kfree(t->buf);
	kfree(t);
}

const struct file_ops synth_ops = {
	.open = synth_open,
	.read = synth_read,
	.llseek = synth_llseek,
	.release = synth_release,
};

static const struct file_ops synth_rw_ops = {
	.open = synth_rw_open,
	.read = synth_read,
	.write = synth_write,
	.llseek = synth_llseek,
	.release = synth_release,
};

/* mkdir -p from the root; the last directory with a reference. */
static int make_dirs(const char *path, u32 perm, bool last_too, struct nameidata *nd)
{
	struct inode *dir = vfs_root(), *next;
	const char *p = path;
	bool made;
	int err = 0;

	inode_get(dir);
	while (*p == '/')
		p++;
	while (*p) {
		size_t len = 0;

		while (p[len] && p[len] != '/')
			len++;
		if (!p[len] && !last_too) {
			nd->dir = dir;
			nd->last = p;
			nd->last_len = len;
			return 0;
		}
		err = ramfs_mkdir_step(dir, p, len, perm, vfs_now(), &next, &made);
		if (err)
			return err;
		dir = next;
		p += len;
		while (*p == '/')
			p++;
	}
	nd->dir = dir;
	nd->last = NULL;
	return 0;
}

int vfs_synth_dir(const char *path, u32 perm)
{
	struct nameidata nd;
	int err = make_dirs(path, perm, true, &nd);

	if (!err)
		nameidata_put(&nd);
	return err;
}

int vfs_synth_file(const char *path, u32 perm, vfs_synth_gen gen, void *arg)
{
	return vfs_synth_file_rw(path, perm, gen, NULL, arg);
}

int vfs_synth_file_rw(const char *path, u32 perm, vfs_synth_gen gen, vfs_synth_store store,
		      void *arg)
{
	struct synth_source *src = kmalloc(sizeof(*src));
	struct nameidata nd;
	struct inode *ino;
	int err;

	if (!src)
		return -ENOMEM;
	*src = (struct synth_source){ gen, store, arg };
	err = make_dirs(path, 0555, false, &nd);
	if (!err) {
		err = nd.last ? ramfs_create(nd.dir, nd.last, nd.last_len, S_IFREG | (perm & 0777),
					     0, 0, vfs_now(), &ino)
			      : -EEXIST;
		nameidata_put(&nd);
	}
	if (err) {
		kfree(src);
		return err;
	}
	/* The source lives as long as the kernel: synthetic files are never freed. */
	ino->ops = store ? &synth_rw_ops : &synth_ops;
	ino->priv = src;
	inode_put(ino);
	return 0;
}
