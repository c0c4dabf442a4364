// SPDX-License-Identifier: MIT
/*
 * /proc/sys: integer tunables, read as one decimal line and set by root
 * writing one (Linux's proc_dointvec_minmax: leading blanks are skipped,
 * a trailing newline ends the number, anything else or a value out of
 * range is EINVAL). Writing is for whoever may open the file for writing:
 * its mode is 0644 and root owns it.
 *
 *   /proc/sys/vm/max_map_count   mappings a process may have (65530)
 */
#include <kernel/errno.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/panic.h>
#include <kernel/procfs.h>
#include <kernel/string.h>
#include <kernel/synth.h>
#include <kernel/uaccess.h>
#include <kernel/vfs.h>

#include "fs.h"

struct sysctl_int {
	const char *dir, *name;
	int *value;
	int min, max;
};

static const struct sysctl_int sysctls[] = {
	{ "/proc/sys/vm", "max_map_count", &sysctl_max_map_count, 0, INT32_MAX },
};

static const struct sysctl_int *sysctl_of(const struct file *f)
{
	return f->inode->priv;
}

static long sysctl_read(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	char text[16];
	int n = ksnprintf(text, sizeof(text), "%d\n", *sysctl_of(f)->value);
	size_t count;

	(void)io;
	if (*pos >= (u64)n)
		return 0;
	count = MIN(len, (size_t)n - *pos);
	if (copy_to_user(ubuf, text + *pos, count))
		return -EFAULT;
	*pos += count;
	return count;
}

/* "  123\n" -> 123; -EINVAL for anything else, as proc_get_long does it. */
static int parse_int(const char *s, size_t len, long *out)
{
	size_t i = 0;
	long v = 0;

	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n'))
		i++;
	if (i == len || s[i] < '0' || s[i] > '9')
		return -EINVAL;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (s[i] - '0');
		if (v > INT32_MAX)
			return -EINVAL;
	}
	if (i < len && s[i] != '\n' && s[i] != ' ' && s[i] != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

static long sysctl_write(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io)
{
	const struct sysctl_int *c = sysctl_of(f);
	char text[24];
	long v;
	int err;

	(void)io;
	/* sysctl_writes_strict: a write that does not start at 0 changes nothing. */
	if (*pos)
		return len;
	if (len >= sizeof(text))
		return -EINVAL;
	if (copy_from_user(text, ubuf, len))
		return -EFAULT;
	err = parse_int(text, len, &v);
	if (err)
		return err;
	if (v < c->min || v > c->max)
		return -EINVAL;
	*c->value = (int)v;
	*pos += len;
	return len;
}

static s64 sysctl_llseek(struct file *f, s64 off, int whence)
{
	return generic_llseek(f, off, whence, 0);
}

static const struct file_ops sysctl_ops = {
	.read = sysctl_read,
	.write = sysctl_write,
	.llseek = sysctl_llseek,
};

static void make_sysctl(const struct sysctl_int *c)
{
	struct inode *dir, *ino;
	int err = vfs_synth_dir(c->dir, 0555);

	if (!err)
		err = vfs_lookup(c->dir, &dir);
	if (!err) {
		err = ramfs_create(dir, c->name, strlen(c->name), S_IFREG | 0644, 0, 0, vfs_now(),
				   &ino);
		inode_put(dir);
	}
	if (err)
		panic("procfs: cannot create %s/%s (error %d)", c->dir, c->name, err);
	ino->ops = &sysctl_ops;
	ino->priv = (void *)c;
	inode_put(ino);
}

void proc_sys_init(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(sysctls); i++)
		make_sysctl(&sysctls[i]);
}
