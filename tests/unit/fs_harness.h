/* SPDX-License-Identifier: MIT */
/*
 * Harness for host tests of the file-system syscalls (guest/fs/sys_*.c and
 * the layers under them): the kernel files are included here so their
 * static syscall functions can be called directly, with "user memory"
 * being this process's memory. The scenarios in test_fs_files.c and
 * test_fs_pipes.c follow tests/guest/files.c and pipes.c, which must behave
 * as on Linux, so a mistake shows here before a guest can run them.
 *
 * What the kernel around the file system provides is stubbed: copy to and
 * from user memory (addresses below 4096 fault), one current process,
 * sleeping (a sleep is reported as interrupted, as there is no other
 * process to wake us), signals, and the host console, and the mm's hooks for shrunk
 * files and /dev/mem.
 */
#ifndef FS_HARNESS_H
#define FS_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../guest/fs/devices.c"
#include "../../guest/fs/fdtable.c"
#include "../../guest/fs/file.c"
#include "../../guest/fs/flock.c"
#include "../../guest/fs/reclock.c"
#include "../../guest/fs/perm.c"
#include "../../guest/fs/pipe.c"
#include "../../guest/fs/synth.c"
#include "../../guest/fs/sys_fd.c"
#include "../../guest/fs/sys_namei.c"
#include "../../guest/fs/sys_open.c"
#include "../../guest/fs/sys_rw.c"
#include "../../guest/fs/sys_stat.c"
#include "../../guest/fs/vfs.c"
#include "../../guest/kernel/waitq.c"

#define NR_FRAMES 4096
#define U(p)	  ((u64)(uintptr_t)(p))
#define CWD	  ((u64)(s64)AT_FDCWD)

/* ---- the kernel around the file system ---- */

static struct frame *table;
static unsigned char *arena;
static struct proc proc;
struct proc *current;
bool kernel_verbose;
static int sleeps, last_signal;
static char out[1 << 17];
static size_t out_len;
static const char *stdin_data;

#include "frame_arena.h"

static inline bool bad(u64 uaddr)
{
	return uaddr < 4096;
}

int copy_to_user(u64 uaddr, const void *src, size_t len)
{
	if (len && bad(uaddr))
		return -EFAULT;
	memcpy((void *)(uintptr_t)uaddr, src, len);
	return 0;
}

int copy_from_user(void *dst, u64 uaddr, size_t len)
{
	if (len && bad(uaddr))
		return -EFAULT;
	memcpy(dst, (const void *)(uintptr_t)uaddr, len);
	return 0;
}

long strncpy_from_user(char *dst, u64 uaddr, size_t max)
{
	if (bad(uaddr))
		return -EFAULT;
	for (size_t i = 0; i < max; i++)
		if (!(dst[i] = ((const char *)(uintptr_t)uaddr)[i]))
			return i;
	return -ENAMETOOLONG;
}

int sleep_on(const void *chan)
{
	(void)chan;
	sleeps++;
	return -EINTR;
}

void wakeup(const void *chan)
{
	(void)chan;
}

/* epoll is not built here: no file is ever on an interest list. */
void eventpoll_release_file(struct file *f)
{
	assert_null(f->epitems);
}

void signal_send(struct proc *p, int sig, int sender_pid)
{
	(void)p, (void)sender_pid;
	last_signal = sig;
}

u64 clock_monotonic_ns(void)
{
	return 1000;
}

/* No process maps anything here (ramfs's host build never calls this either). */
void file_backing_truncated(struct inode *ino, u64 size)
{
	(void)ino, (void)size;
}

/* /dev/mem's mmap, which no file test calls: there is no physical memory here. */
bool phys_range_backed(u64 pa, u64 len)
{
	(void)pa, (void)len;
	return false;
}

struct backing *phys_backing_new(u64 pa)
{
	(void)pa;
	return NULL;
}

long console_write(int stream, const void *buf, size_t len)
{
	assert_true(stream == PL_STREAM_STDOUT || stream == PL_STREAM_STDERR);
	assert_true(out_len + len <= sizeof(out));
	memcpy(out + out_len, buf, len);
	out_len += len;
	return len;
}

long console_read(void *buf, size_t len)
{
	size_t n = MIN(len, strlen(stdin_data));

	memcpy(buf, stdin_data, n);
	stdin_data += n;
	return n;
}

/* The harness's input is all there from the start, as a file's. */
bool console_input_ready(void)
{
	return true;
}

void printk(const char *fmt, ...)
{
	(void)fmt;
}

void panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	abort();
}

static inline int group_setup(void **state)
{
	(void)state;
	if (frame_arena_create())
		return -1;
	vfs_init(NULL, 0);
	return 0;
}

static inline int group_teardown(void **state)
{
	(void)state;
	frame_arena_destroy();
	return 0;
}

/* A fresh process in a fresh directory /tmp/tN for each test. */
static inline int setup(void **state)
{
	static int n;
	char dir[32];

	(void)state;
	current = &proc;
	proc.pid = 1;
	proc.files = fdtable_new_stdio();
	vfs_root_get(&proc.cwd);
	snprintf(dir, sizeof(dir), "/tmp/t%d", n++);
	assert_int_equal(sys_mkdir(U(dir), 0700), 0);
	assert_int_equal(sys_chdir(U(dir)), 0);
	sleeps = last_signal = 0;
	out_len = 0;
	return 0;
}

static inline int teardown(void **state)
{
	(void)state;
	fdtable_put(proc.files);
	inode_put(proc.cwd);
	return 0;
}

/* ---- helpers in the shape of libc calls ---- */

static inline long xopen(const char *path, u32 flags, u32 mode)
{
	return sys_openat(CWD, U(path), flags, mode);
}

static inline long xwrite(long fd, const void *buf, size_t len)
{
	return sys_write(fd, U(buf), len);
}

static inline long xread(long fd, void *buf, size_t len)
{
	return sys_read(fd, U(buf), len);
}

static inline struct stat xstat(const char *path)
{
	struct stat st;

	assert_int_equal(sys_stat(U(path), U(&st)), 0);
	return st;
}

static inline struct stat xfstat(long fd)
{
	struct stat st;

	assert_int_equal(sys_fstat(fd, U(&st)), 0);
	return st;
}

static inline void touch(const char *path)
{
	long fd = xopen(path, O_CREAT | O_WRONLY, 0644);

	assert_true(fd >= 0);
	sys_close(fd);
}

/* The names in a directory, sorted and joined by commas, via getdents64. */
static inline void listing(const char *dir, char *buf, size_t size)
{
	char *names[32], ents[512];
	int n = 0;
	long fd = xopen(dir, O_RDONLY | O_DIRECTORY, 0), got;

	assert_true(fd >= 0);
	/* A small buffer, so that the listing takes several calls. */
	while ((got = sys_getdents64(fd, U(ents), 64)) > 0) {
		for (long off = 0; off < got;) {
			struct linux_dirent64 *d = (void *)(ents + off);

			names[n++] = strdup(d->d_name);
			off += d->d_reclen;
		}
	}
	assert_int_equal(got, 0);
	sys_close(fd);
	for (int i = 0; i < n; i++)
		for (int j = i + 1; j < n; j++)
			if (strcmp(names[i], names[j]) > 0) {
				char *t = names[i];

				names[i] = names[j];
				names[j] = t;
			}
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (i)
			strncat(buf, ",", size - strlen(buf) - 1);
		strncat(buf, names[i], size - strlen(buf) - 1);
		free(names[i]);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

#endif
