// SPDX-License-Identifier: MIT
/*
 * Unit tests for the ramfs core (guest/fs/ramfs.c, ramfs_dir.c, namei.c):
 * path resolution, file data in frames, names and links, listing.
 */
#include "ramfs_arena.h"

/* ---- path resolution ---- */

static void test_walk_paths(void **state)
{
	struct inode *a = mkdir_in(root, "a");
	struct inode *b = mkdir_in(a, "b");
	struct inode *f = mkfile_in(b, "f", "data");
	struct inode *ino;

	(void)state;
	ino = walk("/a/b/f");
	assert_ptr_equal(ino, f);
	inode_put(ino);
	ino = walk("//a///b//f");
	assert_ptr_equal(ino, f);
	inode_put(ino);
	ino = walk("/a/./b/../b/f");
	assert_ptr_equal(ino, f);
	inode_put(ino);
	ino = walk("/../../a");
	assert_ptr_equal(ino, a); /* the root is its own parent */
	inode_put(ino);
	ino = walk("/a/b/");
	assert_ptr_equal(ino, b);
	inode_put(ino);
	ino = walk("///");
	assert_ptr_equal(ino, root);
	inode_put(ino);

	/* Relative to a starting directory. */
	assert_int_equal(ramfs_walk(root, b, "f", &ino), 0);
	assert_ptr_equal(ino, f);
	inode_put(ino);
	assert_int_equal(ramfs_walk(root, b, "../..", &ino), 0);
	assert_ptr_equal(ino, root);
	inode_put(ino);
	assert_int_equal(ramfs_walk(root, b, ".", &ino), 0);
	assert_ptr_equal(ino, b);
	inode_put(ino);

	/* Linux's errors. */
	assert_int_equal(walk_err(root, ""), -ENOENT);
	assert_int_equal(walk_err(root, "/a/b/f/"), -ENOTDIR);
	assert_int_equal(walk_err(root, "/a/b/f/x"), -ENOTDIR);
	assert_int_equal(walk_err(root, "/a/b/f/."), -ENOTDIR);
	assert_int_equal(walk_err(root, "/a/missing"), -ENOENT);
	assert_int_equal(walk_err(root, "/a/missing/x"), -ENOENT);
	assert_int_equal(walk_err(f, "x"), -ENOTDIR); /* a file as the start */

	inode_put(f);
	inode_put(b);
	inode_put(a);
}

static void test_walk_name_limits(void **state)
{
	char name[300], path[600];
	struct inode *f;

	(void)state;
	memset(name, 'n', 255);
	name[255] = '\0';
	f = mkfile_in(root, name, NULL);
	snprintf(path, sizeof(path), "/%s", name);
	assert_int_equal(walk_err(root, path), 0);
	name[255] = 'n';
	name[256] = '\0';
	assert_int_equal(ramfs_create(root, name, 256, S_IFREG | 0644, 0, 0, NOW, NULL),
			 -ENAMETOOLONG);
	snprintf(path, sizeof(path), "/%s", name);
	assert_int_equal(walk_err(root, path), -ENAMETOOLONG);
	snprintf(path, sizeof(path), "/%s/x", name);
	assert_int_equal(walk_err(root, path), -ENAMETOOLONG);
	inode_put(f);
}

static void test_walk_parent_last(void **state)
{
	struct inode *a = mkdir_in(root, "a");
	struct nameidata nd;

	(void)state;
	assert_int_equal(ramfs_walk_parent(root, root, "/a/new/", &nd), 0);
	assert_ptr_equal(nd.dir, a);
	assert_int_equal(nd.last_type, LAST_NORM);
	assert_int_equal(nd.last_len, 3);
	assert_memory_equal(nd.last, "new", 3);
	assert_true(nd.trailing_slash);
	nameidata_put(&nd);

	assert_int_equal(ramfs_walk_parent(root, root, "a/..", &nd), 0);
	assert_int_equal(nd.last_type, LAST_DOTDOT);
	assert_false(nd.trailing_slash);
	nameidata_put(&nd);
	assert_int_equal(ramfs_walk_parent(root, root, "a/.", &nd), 0);
	assert_int_equal(nd.last_type, LAST_DOT);
	nameidata_put(&nd);
	assert_int_equal(ramfs_walk_parent(root, a, "//", &nd), 0);
	assert_int_equal(nd.last_type, LAST_ROOT);
	assert_ptr_equal(nd.dir, root);
	nameidata_put(&nd);
	/* Only the components before the last must exist. */
	assert_int_equal(ramfs_walk_parent(root, root, "/nope/x", &nd), -ENOENT);
	inode_put(a);
}

/* ---- file data ---- */

static void test_read_write_pages(void **state)
{
	static char big[3 * PAGE_SIZE + 100], back[sizeof(big)];
	struct inode *f = mkfile_in(root, "big", NULL);

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + i / 251);
	/* Unaligned, across page boundaries. */
	assert_int_equal(inode_write(f, 0, big, 10, NOW), 10);
	assert_int_equal(inode_write(f, 10, big + 10, sizeof(big) - 10, NOW), sizeof(big) - 10);
	assert_int_equal(inode_size(f), sizeof(big));
	assert_int_equal(ramfs_frames(f), 4);
	assert_int_equal(inode_read(f, 0, back, sizeof(back)), sizeof(back));
	assert_memory_equal(big, back, sizeof(big));
	assert_int_equal(inode_read(f, PAGE_SIZE - 3, back, 6), 6);
	assert_memory_equal(back, big + PAGE_SIZE - 3, 6);
	/* Reads stop at the end, and past it return 0. */
	assert_int_equal(inode_read(f, sizeof(big) - 4, back, 100), 4);
	assert_int_equal(inode_read(f, sizeof(big), back, 100), 0);
	assert_int_equal(inode_read(f, UINT64_MAX, back, 100), 0);
	inode_put(f);
}

static void test_sparse_write(void **state)
{
	char buf[32];
	struct inode *f = mkfile_in(root, "sparse", "head");

	(void)state;
	/* A write far past the end: the gap is a hole, and reads as zeros. */
	assert_int_equal(inode_write(f, 10 * PAGE_SIZE + 5, "tail", 4, NOW), 4);
	assert_int_equal(inode_size(f), 10 * PAGE_SIZE + 9);
	assert_int_equal(ramfs_frames(f), 2);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(inode_read(f, 4, buf, sizeof(buf)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(inode_read(f, 5 * PAGE_SIZE, buf, 8), 8);
	assert_int_equal(buf[7], 0);
	assert_int_equal(inode_read(f, 10 * PAGE_SIZE, buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "\0\0\0\0\0tail", 9);
	/* Beyond the limit: EFBIG, nothing written. */
	assert_int_equal(inode_write(f, RAMFS_MAX_FILE_SIZE, "x", 1, NOW), -EFBIG);
	assert_int_equal(inode_size(f), 10 * PAGE_SIZE + 9);
	inode_put(f);
}

static void test_truncate(void **state)
{
	static char page[PAGE_SIZE + 100];
	char buf[64];
	struct inode *f = mkfile_in(root, "t", NULL);
	uint64_t nfree;

	(void)state;
	memset(page, 'x', sizeof(page));
	assert_int_equal(inode_write(f, 0, page, sizeof(page), NOW), sizeof(page));
	nfree = frame_free_count();
	/* Shrinking into the first page frees the second frame... */
	assert_int_equal(ramfs_truncate(f, 50, NOW + 1), 0);
	assert_int_equal(inode_size(f), 50);
	assert_int_equal(f->mtime, NOW + 1);
	assert_int_equal(frame_free_count(), nfree + 1);
	assert_int_equal(ramfs_frames(f), 1);
	/* ...and growing again reads zeros where the data was. */
	assert_int_equal(ramfs_truncate(f, 2 * PAGE_SIZE, NOW), 0);
	assert_int_equal(inode_read(f, 40, buf, sizeof(buf)), sizeof(buf));
	assert_memory_equal(buf, "xxxxxxxxxx", 10);
	for (size_t i = 10; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(inode_read(f, PAGE_SIZE + 10, buf, 10), 10);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0\0\0", 10);
	assert_int_equal(ramfs_truncate(f, 0, NOW), 0);
	assert_int_equal(ramfs_frames(f), 0);
	assert_int_equal(ramfs_truncate(f, RAMFS_MAX_FILE_SIZE + 1, NOW), -EFBIG);
	assert_int_equal(ramfs_truncate(root, 0, NOW), -EISDIR);
	inode_put(f);
}

static void test_get_page(void **state)
{
	struct inode *f = mkfile_in(root, "m", "abc");
	uint64_t pfn, pfn2, nfree;
	char *p, buf[8];

	(void)state;
	pfn = inode_get_page(f, 0, false);
	assert_int_not_equal(pfn, FRAME_NONE);
	assert_int_equal(frame_desc(pfn)->refcount, 2); /* the file's and ours */
	assert_memory_equal(frame_to_virt(pfn), "abc", 3);
	/* A hole: nothing without alloc, a zeroed frame with it. */
	assert_int_equal(inode_get_page(f, 3, false), FRAME_NONE);
	pfn2 = inode_get_page(f, 3, true);
	assert_int_not_equal(pfn2, FRAME_NONE);
	for (size_t i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(((unsigned char *)frame_to_virt(pfn2))[i], 0);
	frame_put(pfn2);

	/* The page is the file: a store through it is what read sees. */
	p = frame_to_virt(pfn);
	p[1] = 'B';
	assert_content(f, "aBc");
	/* A store beyond the end (a mapping's tail) does not leak into the file. */
	p[10] = 'Z';
	assert_int_equal(ramfs_truncate(f, 20, NOW), 0);
	assert_int_equal(inode_read(f, 8, buf, 4), 4);
	assert_memory_equal(buf, "\0\0\0\0", 4);

	/* Truncation drops the file's reference; ours keeps the frame. */
	nfree = frame_free_count();
	assert_int_equal(ramfs_truncate(f, 0, NOW), 0);
	/* Page 3 and the page tree's one node (a whole frame) went; page 0 stays. */
	assert_int_equal(frame_free_count(), nfree + 2);
	assert_int_equal(frame_desc(pfn)->refcount, 1);
	assert_true(frame_put(pfn));
	assert_int_equal(inode_get_page(root, 0, true), FRAME_NONE);
	inode_put(f);
}

static int fault_after;

/* A copy that faults after fault_after bytes, like copy_from_user on a bad page. */
static int faulty_copy_in(void *dst, uint64_t addr, size_t n)
{
	if (fault_after < (int)n)
		return -EFAULT;
	memcpy(dst, (const void *)(uintptr_t)addr, n);
	fault_after -= (int)n;
	return 0;
}

static void test_write_fault(void **state)
{
	static char data[2 * PAGE_SIZE];
	struct inode *f = mkfile_in(root, "fault", NULL);
	char buf[16];

	(void)state;
	memset(data, 'd', sizeof(data));
	fault_after = 0;
	assert_int_equal(ramfs_write(f, 0, (uintptr_t)data, 10, faulty_copy_in, NOW), -EFAULT);
	assert_int_equal(inode_size(f), 0);
	/* A fault after progress: a short write, the size covers what arrived. */
	fault_after = PAGE_SIZE;
	assert_int_equal(ramfs_write(f, 0, (uintptr_t)data, sizeof(data), faulty_copy_in, NOW),
			 PAGE_SIZE);
	assert_int_equal(inode_size(f), PAGE_SIZE);
	assert_int_equal(ramfs_truncate(f, 2 * PAGE_SIZE, NOW), 0);
	assert_int_equal(inode_read(f, PAGE_SIZE, buf, sizeof(buf)), sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	inode_put(f);
}

/* ---- names and links ---- */

static void test_create_errors(void **state)
{
	struct inode *d = mkdir_in(root, "d");
	struct inode *f = mkfile_in(d, "f", NULL);

	(void)state;
	assert_int_equal(ramfs_create(d, "f", 1, S_IFREG | 0644, 0, 0, NOW, NULL), -EEXIST);
	assert_int_equal(ramfs_create(d, "f", 1, S_IFDIR | 0755, 0, 0, NOW, NULL), -EEXIST);
	assert_int_equal(ramfs_create(d, ".", 1, S_IFDIR | 0755, 0, 0, NOW, NULL), -EEXIST);
	assert_int_equal(ramfs_create(d, "..", 2, S_IFDIR | 0755, 0, 0, NOW, NULL), -EEXIST);
	assert_int_equal(ramfs_create(f, "x", 1, S_IFREG | 0644, 0, 0, NOW, NULL), -ENOTDIR);
	assert_int_equal(ramfs_create(d, "s", 1, S_IFSOCK | 0644, 0, 0, NOW, NULL), -EINVAL);
	assert_int_equal(ramfs_create(d, "", 0, S_IFREG | 0644, 0, 0, NOW, NULL), -ENOENT);
	assert_int_equal(ramfs_create(d, "a/b", 3, S_IFREG | 0644, 0, 0, NOW, NULL), -EINVAL);
	/* Nothing can be created in a removed directory. */
	assert_int_equal(ramfs_unlink(d, "f", 1, NOW), 0);
	assert_int_equal(ramfs_rmdir(root, "d", 1, NOW), 0);
	assert_int_equal(ramfs_create(d, "g", 1, S_IFREG | 0644, 0, 0, NOW, NULL), -ENOENT);
	inode_put(f);
	inode_put(d);
}

static void test_dir_link_counts(void **state)
{
	struct inode *a = mkdir_in(root, "a");
	struct inode *b, *f;
	uint32_t root_links = root->nlink;

	(void)state;
	assert_int_equal(root_links, 3);
	assert_int_equal(a->nlink, 2);
	b = mkdir_in(a, "b");
	f = mkfile_in(a, "f", "x");
	assert_int_equal(a->nlink, 3); /* ".", its name, b's ".." */
	assert_int_equal(f->nlink, 1);
	assert_int_equal(a->mtime, NOW);

	assert_int_equal(ramfs_unlink(a, "b", 1, NOW), -EISDIR);
	assert_int_equal(ramfs_rmdir(a, "f", 1, NOW), -ENOTDIR);
	assert_int_equal(ramfs_rmdir(root, "a", 1, NOW), -ENOTEMPTY);
	assert_int_equal(ramfs_rmdir(a, ".", 1, NOW), -EINVAL);
	assert_int_equal(ramfs_rmdir(a, "..", 2, NOW), -ENOTEMPTY);
	assert_int_equal(ramfs_unlink(a, ".", 1, NOW), -EISDIR);
	assert_int_equal(ramfs_unlink(a, "nope", 4, NOW), -ENOENT);
	assert_int_equal(ramfs_rmdir(a, "nope", 4, NOW), -ENOENT);

	/* Hard links. */
	assert_int_equal(ramfs_link(root, "f2", 2, f, NOW), 0);
	assert_int_equal(f->nlink, 2);
	assert_int_equal(ramfs_link(root, "f2", 2, f, NOW), -EEXIST);
	assert_int_equal(ramfs_link(root, "b2", 2, b, NOW), -EPERM);
	assert_int_equal(ramfs_unlink(a, "f", 1, NOW), 0);
	assert_int_equal(f->nlink, 1);
	assert_content(f, "x");
	assert_int_equal(ramfs_unlink(root, "f2", 2, NOW), 0);
	assert_int_equal(f->nlink, 0);
	assert_int_equal(ramfs_link(root, "f3", 2, f, NOW), -ENOENT);

	assert_int_equal(ramfs_rmdir(a, "b", 1, NOW), 0);
	assert_int_equal(a->nlink, 2);
	assert_int_equal(b->nlink, 0);
	assert_int_equal(ramfs_rmdir(root, "a", 1, NOW), 0);
	assert_int_equal(root->nlink, root_links - 1);
	inode_put(f);
	inode_put(b);
	inode_put(a);
}

static void test_unlink_open_file(void **state)
{
	static char data[3 * PAGE_SIZE];
	uint64_t before = frame_free_count();
	struct inode *f = mkfile_in(root, "open", NULL);
	char buf[8];

	(void)state;
	memset(data, 'o', sizeof(data));
	assert_int_equal(inode_write(f, 0, data, sizeof(data), NOW), sizeof(data));
	assert_int_equal(ramfs_unlink(root, "open", 4, NOW), 0);
	assert_int_equal(walk_err(root, "/open"), -ENOENT);
	/* Still readable and writable through the reference... */
	assert_int_equal(inode_read(f, PAGE_SIZE, buf, 8), 8);
	assert_memory_equal(buf, "oooooooo", 8);
	assert_int_equal(inode_write(f, 0, "new", 3, NOW), 3);
	assert_true(frame_free_count() < before);
	/* ...until the last one goes: then every frame is back. */
	inode_put(f);
	assert_int_equal(frame_free_count(), before);
}

static void test_no_leaks(void **state)
{
	uint64_t before;

	(void)state;
	/* Warm the heap's slabs once, then many cycles must not use more frames. */
	for (int round = 0; round < 2; round++) {
		if (round == 1)
			before = frame_free_count();
		for (int i = 0; i < 200; i++) {
			struct inode *d = mkdir_in(root, "dir");
			struct inode *f = mkfile_in(d, "file", "some data");

			assert_int_equal(ramfs_rename(d, "file", 4, root, "moved", 5, NOW), 0);
			assert_int_equal(ramfs_rmdir(root, "dir", 3, NOW), 0);
			inode_put(d);
			assert_int_equal(ramfs_unlink(root, "moved", 5, NOW), 0);
			inode_put(f);
		}
	}
	assert_int_equal(frame_free_count(), before);
}

static void test_rename(void **state)
{
	struct inode *a = mkdir_in(root, "a");
	struct inode *b = mkdir_in(root, "b");
	struct inode *sub = mkdir_in(a, "sub");
	struct inode *f = mkfile_in(a, "f", "F");
	struct inode *g = mkfile_in(b, "g", "G");
	struct inode *e = mkdir_in(b, "empty");
	struct inode *ino;
	char path[64];

	(void)state;
	/* Same directory. */
	assert_int_equal(ramfs_rename(a, "f", 1, a, "f1", 2, NOW), 0);
	assert_int_equal(walk_err(root, "/a/f"), -ENOENT);
	ino = walk("/a/f1");
	assert_ptr_equal(ino, f);
	inode_put(ino);
	/* Over an existing file: the old file loses its name but lives on while held. */
	assert_int_equal(ramfs_rename(a, "f1", 2, b, "g", 1, NOW), 0);
	assert_int_equal(g->nlink, 0);
	assert_content(g, "G");
	ino = walk("/b/g");
	assert_ptr_equal(ino, f);
	inode_put(ino);

	/* The rules for directories. */
	assert_int_equal(ramfs_rename(root, "a", 1, a, "x", 1, NOW), -EINVAL);
	assert_int_equal(ramfs_rename(root, "a", 1, sub, "x", 1, NOW), -EINVAL);
	assert_int_equal(ramfs_rename(root, "a", 1, b, "g", 1, NOW), -ENOTDIR);
	assert_int_equal(ramfs_rename(b, "g", 1, a, "sub", 3, NOW), -EISDIR);
	assert_int_equal(ramfs_rename(root, "b", 1, root, "a", 1, NOW), -ENOTEMPTY);
	assert_int_equal(ramfs_rename(root, "a", 1, root, ".", 1, NOW), -EBUSY);
	assert_int_equal(ramfs_rename(root, "nope", 4, root, "x", 1, NOW), -ENOENT);
	assert_int_equal(ramfs_rename(b, "g", 1, b, "g", 1, NOW), 0);

	/* A directory moves across: link counts and ".." follow it. */
	assert_int_equal(ramfs_rename(a, "sub", 3, b, "moved", 5, NOW), 0);
	assert_int_equal(a->nlink, 2);
	assert_int_equal(b->nlink, 4);
	assert_ptr_equal(sub->dir.parent, b);
	ino = walk("/b/moved/..");
	assert_ptr_equal(ino, b);
	inode_put(ino);
	assert_int_equal(ramfs_path_of(root, sub, path, sizeof(path)), 9);
	assert_string_equal(path, "/b/moved");
	/* Over an empty directory, which is removed. */
	assert_int_equal(ramfs_rename(b, "moved", 5, b, "empty", 5, NOW), 0);
	assert_int_equal(e->nlink, 0);
	assert_int_equal(b->nlink, 3);
	assert_int_equal(walk_err(root, "/b/moved"), -ENOENT);
	assert_int_equal(ramfs_path_of(root, sub, path, sizeof(path)), 9);
	assert_string_equal(path, "/b/empty");

	inode_put(e);
	inode_put(g);
	inode_put(f);
	inode_put(sub);
	inode_put(b);
	inode_put(a);
}

/* ---- listing and names ---- */

static void test_readdir(void **state)
{
	struct inode *d = mkdir_in(root, "list");
	struct ramfs_dirent_view v;
	char seen[128] = "";
	uint64_t pos = 0;

	(void)state;
	inode_put(mkfile_in(d, "one", NULL));
	inode_put(mkdir_in(d, "two"));
	inode_put(mkfile_in(d, "three", NULL));
	assert_int_equal(ramfs_readdir(d, pos, &v), 1);
	assert_string_equal(v.name, ".");
	assert_int_equal(v.ino, d->ino);
	pos = v.next;
	assert_int_equal(ramfs_readdir(d, pos, &v), 1);
	assert_string_equal(v.name, "..");
	assert_int_equal(v.ino, root->ino);
	pos = v.next;
	assert_int_equal(ramfs_readdir(d, pos, &v), 1);
	assert_string_equal(v.name, "one");
	assert_true(S_ISREG(v.mode));
	pos = v.next;
	/* Removing the entry just read and adding one: the position stays good. */
	assert_int_equal(ramfs_unlink(d, "one", 3, NOW), 0);
	inode_put(mkfile_in(d, "four", NULL));
	while (ramfs_readdir(d, pos, &v) == 1) {
		strcat(seen, v.name);
		strcat(seen, ",");
		pos = v.next;
	}
	assert_string_equal(seen, "two,three,four,");
	assert_int_equal(ramfs_readdir(d, pos, &v), 0);
	assert_int_equal(ramfs_readdir(d, UINT64_MAX, &v), 0);

	assert_int_equal(ramfs_unlink(d, "three", 5, NOW), 0);
	assert_int_equal(ramfs_unlink(d, "four", 4, NOW), 0);
	assert_int_equal(ramfs_rmdir(d, "two", 3, NOW), 0);
	assert_int_equal(ramfs_rmdir(root, "list", 4, NOW), 0);
	assert_int_equal(ramfs_readdir(d, 0, &v), -ENOENT);
	inode_put(d);
}

static void test_path_of(void **state)
{
	struct inode *a = mkdir_in(root, "a");
	struct inode *b = mkdir_in(a, "bb");
	struct inode *ino;
	char buf[16];

	(void)state;
	assert_int_equal(ramfs_path_of(root, root, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "/");
	assert_int_equal(ramfs_path_of(root, b, buf, sizeof(buf)), 6);
	assert_string_equal(buf, "/a/bb");
	assert_int_equal(ramfs_path_of(root, b, buf, 6), 6);
	assert_int_equal(ramfs_path_of(root, b, buf, 5), -ERANGE);
	assert_int_equal(ramfs_path_of(root, root, buf, 1), -ERANGE);
	/* A removed working directory: no path, but ".." still leads home. */
	assert_int_equal(ramfs_rmdir(a, "bb", 2, NOW), 0);
	assert_int_equal(ramfs_path_of(root, b, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(ramfs_rmdir(root, "a", 1, NOW), 0);
	inode_put(a); /* b's reference keeps a */
	assert_int_equal(ramfs_walk(root, b, "..", &ino), 0);
	assert_ptr_equal(ino, a);
	assert_int_equal(walk_err(b, "x"), -ENOENT);
	inode_put(ino);
	inode_put(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_walk_paths),	  T(test_walk_name_limits), T(test_walk_parent_last),
		T(test_read_write_pages), T(test_sparse_write),	    T(test_truncate),
		T(test_get_page),	  T(test_write_fault),	    T(test_create_errors),
		T(test_dir_link_counts),  T(test_unlink_open_file), T(test_no_leaks),
		T(test_rename),		  T(test_readdir),	    T(test_path_of),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
