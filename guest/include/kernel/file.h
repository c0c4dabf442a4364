/* SPDX-License-Identifier: MIT */
/*
 * Open files and descriptor tables: the layer between the file-system
 * syscalls and what a file is (a ramfs file or directory, a pipe, a
 * device, a synthetic file).
 *
 * A struct file is shared by every descriptor that dup() or fork() made
 * from one open(), so they share the offset and the status flags, as in
 * Linux. It holds a reference on its inode.
 */
#ifndef KERNEL_FILE_H
#define KERNEL_FILE_H

#include <kernel/ramfs.h>
#include <kernel/types.h>

#define FMODE_READ  0x1
#define FMODE_WRITE 0x2

/* file_ops read/write io flags */
#define IO_NOWAIT 0x1 /* do not sleep: readv after progress must not block on a pipe */

#define NR_OPEN_MAX   1024  /* RLIMIT_NOFILE */
#define PIPE_CAPACITY 65536 /* Linux's default pipe size */

struct epitem;
struct file;
struct poll_table;

/*
 * ubuf is a user address. read/write move bytes at *pos and advance it;
 * they return the count or -errno. A NULL llseek means the file has no
 * offset: lseek, pread and pwrite fail with ESPIPE. A NULL ioctl gives
 * ENOTTY, a NULL read or write EINVAL (as Linux for a file without them).
 */
struct file_ops {
	long (*read)(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io);
	long (*write)(struct file *f, u64 ubuf, size_t len, u64 *pos, unsigned io);
	s64 (*llseek)(struct file *f, s64 off, int whence);
	long (*ioctl)(struct file *f, u32 cmd, u64 arg);
	/* After the file is set up: may fail (the open fails) or sleep (a FIFO). */
	int (*open)(struct file *f);
	void (*release)(struct file *f);
	/*
	 * A device that can be mapped (Linux's f_op->mmap; regular files are
	 * the mm's own business): the backing for len bytes from byte offset
	 * off, one reference, or NULL and *err. unsigned_offset: offsets span
	 * all 64 bits (Linux's FMODE_UNSIGNED_OFFSET, /dev/mem's).
	 */
	struct backing *(*mmap)(struct file *f, u64 off, u64 len, int *err);
	/*
	 * The POLL* events the file is ready for now, after poll_wait() on
	 * the queues that announce changes (kernel/waitq.h). NULL: always
	 * DEFAULT_POLLMASK, and epoll refuses the file (EPERM), as Linux.
	 */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	bool unsigned_offset;
	/* /dev/zero: a private mapping is anonymous memory, a shared one shared anonymous memory. */
	bool mmap_anon;
};

struct file {
	u32 refcount;
	u32 flags; /* what F_GETFL shows: access mode and O_APPEND, O_NONBLOCK... */
	u32 fmode; /* FMODE_*: what this file may do */
	u64 pos;
	/* A FIFO's writers opened before this reader, to hide POLLHUP until one comes (f_version). */
	u64 version;
	struct inode *inode; /* referenced */
	const struct file_ops *ops;
	void *priv;
	struct epitem *epitems; /* on epoll interest lists (epoll.c) */
};

/* A new file on ino (a reference is taken), refcount 1; NULL if memory is short. */
struct file *file_alloc(struct inode *ino, const struct file_ops *ops, u32 flags);
void file_get(struct file *f);
void file_put(struct file *f);
/*
 * open(2) after the lookup: the access checks that depend on the inode's
 * type (EISDIR, ENOTDIR for O_DIRECTORY), O_TRUNC, and the operations for
 * its type. -ENXIO for a device with no driver.
 */
int file_open_inode(struct inode *ino, u32 flags, struct file **out);

/* Operations for each kind of file. */
extern const struct file_ops ramfs_file_ops, ramfs_dir_ops;
/* The device with this number (devices.c), or NULL. */
const struct file_ops *chrdev_ops(u32 major, u32 minor);
/* A driver for a device number, at boot: 0 or -ENOSPC. */
int chrdev_register(u32 major, u32 minor, const struct file_ops *ops);
/* A standard stream of the host: PL_STREAM_STDIN/STDOUT/STDERR. */
struct file *console_file(struct inode *ino, int stream);
/* The FIFO's shared pipe for a named FIFO being opened (pipe.c). */
extern const struct file_ops fifo_ops;
/* pipe(2): two new files, read end and write end. */
int pipe_create(u32 flags, struct file **rd, struct file **wr);
extern const struct file_ops synth_ops;

/* The file's last reference is going: it leaves every epoll interest list. */
void eventpoll_release_file(struct file *f);

/* lseek for files with a size (regular files, synthetic text). */
s64 generic_llseek(struct file *f, s64 off, int whence, u64 size);

/*
 * lseek for files that have no position to move (eventfd, timerfd, epoll):
 * Linux's noop_llseek succeeds and returns the unchanged position, where a
 * pipe's lseek fails with ESPIPE. Programs that probe seekability see the
 * difference.
 */
s64 noop_llseek(struct file *f, s64 off, int whence);

#endif
