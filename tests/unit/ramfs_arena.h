/* SPDX-License-Identifier: MIT */
/*
 * Shared by the ramfs unit tests (test_ramfs.c, test_initramfs.c): the real
 * frame allocator and kernel heap over a malloc'd arena that stands in for
 * the direct map, a fresh root per test, and small helpers.
 */
#ifndef RAMFS_ARENA_H
#define RAMFS_ARENA_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/initramfs.h>
#include <kernel/kmalloc.h>
#include <kernel/ramfs.h>

#define NR_FRAMES 4096 /* a 16 MiB arena stands in for the direct map */
#define NOW	  1000000000000ULL

static struct frame *table;
static unsigned char *arena;
static int corruptions;
static struct inode *root;

void frame_corruption(const char *what, uint64_t pfn)
{
	(void)what;
	(void)pfn;
	corruptions++;
}

void ramfs_corruption(const char *what, const struct inode *ino)
{
	(void)what;
	(void)ino;
	corruptions++;
}

#include "frame_arena.h"

/*
 * One arena for the whole run: the heap's slab lists outlive a test, so the
 * frames under them must too. Each test gets a fresh root.
 */
static inline int group_setup(void **state)
{
	(void)state;
	if (frame_arena_create())
		return -1;
	return 0;
}

static inline int group_teardown(void **state)
{
	(void)state;
	frame_arena_destroy();
	return 0;
}

static inline int setup(void **state)
{
	(void)state;
	corruptions = 0;
	root = ramfs_new_root(0755, NOW);
	return root ? 0 : -1;
}

static inline int teardown(void **state)
{
	(void)state;
	assert_int_equal(corruptions, 0);
	return 0;
}

/* ---- helpers ---- */

static inline struct inode *walk(const char *path)
{
	struct inode *ino = NULL;
	int err = ramfs_walk(root, root, path, &ino);

	if (err)
		fail_msg("walk %s: %d", path, err);
	return ino;
}

static inline int walk_err(struct inode *start, const char *path)
{
	struct inode *ino;
	int err = ramfs_walk(root, start, path, &ino);

	if (!err)
		inode_put(ino);
	return err;
}

static inline struct inode *mkdir_in(struct inode *dir, const char *name)
{
	struct inode *d;

	assert_int_equal(ramfs_create(dir, name, strlen(name), S_IFDIR | 0755, 0, 0, NOW, &d), 0);
	return d;
}

static inline struct inode *mkfile_in(struct inode *dir, const char *name, const char *data)
{
	struct inode *f;

	assert_int_equal(ramfs_create(dir, name, strlen(name), S_IFREG | 0644, 0, 0, NOW, &f), 0);
	if (data)
		assert_int_equal(inode_write(f, 0, data, strlen(data), NOW), (long)strlen(data));
	return f;
}

static inline void assert_content(struct inode *f, const char *want)
{
	char buf[256] = { 0 };
	long n = inode_read(f, 0, buf, sizeof(buf) - 1);

	assert_int_equal(n, (long)strlen(want));
	assert_string_equal(buf, want);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

#endif
