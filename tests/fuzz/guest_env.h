/* SPDX-License-Identifier: MIT */
/*
 * What the guest's pure file-system modules need on the host, for the
 * fuzzers: the real frame allocator and kernel heap over a malloc'd arena
 * that stands in for the direct map (as tests/unit/frame_arena.h does),
 * one root directory for the whole run, and a teardown that empties it.
 *
 * Leaks are checked, not assumed away: after each input the root is
 * emptied and every frame must be back with the allocator, so a lost
 * reference on an inode or a forgotten kfree fails like a crash does.
 */
#ifndef PL_FUZZ_GUEST_ENV_H
#define PL_FUZZ_GUEST_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/errno.h>
#include <kernel/frame.h>
#include <kernel/kmalloc.h>
#include <kernel/ramfs.h>

#include "fuzz_check.h"

#define GUEST_FRAMES 4096 /* 16 MiB: more than any input can fill */
#define GUEST_NOW    1000000000000ULL

static struct frame *guest_table;
static unsigned char *guest_arena;
static struct inode *guest_root;
static uint64_t guest_free_frames;

void *frame_to_virt(uint64_t pfn)
{
	CHECK(pfn < GUEST_FRAMES);
	return guest_arena + pfn * PAGE_SIZE;
}

uint64_t virt_to_frame(const void *va)
{
	const unsigned char *p = va;

	if (p < guest_arena || p >= guest_arena + GUEST_FRAMES * PAGE_SIZE)
		return FRAME_NONE;
	return (uint64_t)(p - guest_arena) / PAGE_SIZE;
}

void frame_corruption(const char *what, uint64_t pfn)
{
	fprintf(stderr, "frame allocator: %s (pfn %lu)\n", what, (unsigned long)pfn);
	abort();
}

void ramfs_corruption(const char *what, const struct inode *ino)
{
	fprintf(stderr, "ramfs: %s (inode %lu)\n", what, (unsigned long)ino->ino);
	abort();
}

/* Once per process: the arena, the allocator, the root. */
static inline void guest_env_init(void)
{
	if (guest_root)
		return;
	guest_table = calloc(GUEST_FRAMES, sizeof(*guest_table));
	guest_arena = aligned_alloc(PAGE_SIZE, GUEST_FRAMES * PAGE_SIZE);
	CHECK(guest_table && guest_arena);
	frame_init(guest_table, GUEST_FRAMES);
	frame_add_range(1, GUEST_FRAMES);
	guest_root = ramfs_new_root(0755, GUEST_NOW);
	CHECK(guest_root);
	guest_free_frames = frame_free_count();
}

/* Remove everything below dir, deepest first. */
static inline void guest_tree_clear(struct inode *dir)
{
	struct ramfs_dirent_view v;
	char name[RAMFS_NAME_MAX + 1];

	while (ramfs_readdir(dir, RAMFS_DIRENT_COOKIE, &v) > 0) {
		struct inode *child;
		size_t len = v.len;

		CHECK(len <= RAMFS_NAME_MAX);
		memcpy(name, v.name, len);
		CHECK(ramfs_lookup(dir, name, len, &child) == 0);
		if (S_ISDIR(child->mode)) {
			guest_tree_clear(child);
			inode_put(child);
			CHECK(ramfs_rmdir(dir, name, len, GUEST_NOW) == 0);
		} else {
			inode_put(child);
			CHECK(ramfs_unlink(dir, name, len, GUEST_NOW) == 0);
		}
	}
}

/* After each input: an empty root as at the start, and no frame lost. */
static inline void guest_env_reset(void)
{
	guest_tree_clear(guest_root);
	CHECK(guest_root->refcount == 1);
	guest_root->mode = S_IFDIR | 0755;
	guest_root->uid = guest_root->gid = 0;
	CHECK(frame_free_count() == guest_free_frames);
}

#endif
