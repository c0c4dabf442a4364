// SPDX-License-Identifier: MIT
/*
 * Unit tests for the initramfs unpacker (guest/fs/initramfs.c): the GNU
 * cpio fixture, archives written here (hard links, devices, missing
 * parents, replaced names), and corrupt ones.
 */
#include <stdio.h>

#include "ramfs_arena.h"

static void *read_fixture(const char *name, size_t *len)
{
	char path[512];
	const char *slash = strrchr(__FILE__, '/');
	int dirlen = slash ? (int)(slash - __FILE__) : 1;
	FILE *fp;
	void *buf;

	snprintf(path, sizeof(path), "%.*s/fixtures/%s", dirlen, slash ? __FILE__ : ".", name);
	fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s (run the tests from the repository root)", path);
	buf = malloc(1 << 20);
	assert_non_null(buf);
	*len = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	return buf;
}

static void test_unpack_fixture(void **state)
{
	struct initramfs_result r;
	struct inode *ino;
	size_t len;
	void *a = read_fixture("newc-tree.cpio", &len);

	(void)state;
	assert_int_equal(initramfs_unpack(root, a, len, NOW, &r), 0);
	assert_int_equal(r.cpio_error, 0);
	assert_int_equal(r.fs_error, 0);
	assert_int_equal(r.skipped, 1); /* bin/link, a symlink */
	assert_int_equal(r.dirs, 3);	/* etc, etc/init.d, bin */
	assert_int_equal(r.files, 2);
	ino = walk("/etc/passwd");
	assert_content(ino, "root:x:0:0::/:/bin/sh\n");
	assert_int_equal(ino->mode, S_IFREG | 0644);
	assert_int_equal(ino->mtime, 0);
	inode_put(ino);
	ino = walk("/etc/init.d/rcS");
	assert_int_equal(ino->mode, S_IFREG | 0755);
	inode_put(ino);
	assert_int_equal(walk_err(root, "/bin/link"), -ENOENT);
	assert_int_equal(root->mode, S_IFDIR | 0755);
	free(a);
}

/* A newc entry, as cpio writes it. */
static size_t put_entry(char *out, const char *name, uint32_t ino, uint32_t mode, uint32_t nlink,
			const char *data)
{
	size_t dlen = data ? strlen(data) : 0, nlen = strlen(name) + 1, off;

	off = sprintf(out, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ino,
		      mode, 0, 0, nlink, 1234, dlen, 0, 0, 1, 3, nlen, 0);
	memcpy(out + off, name, nlen);
	off = (off + nlen + 3) & ~(size_t)3;
	if (dlen)
		memcpy(out + off, data, dlen);
	return (off + dlen + 3) & ~(size_t)3;
}

static size_t put_trailer(char *out)
{
	return put_entry(out, "TRAILER!!!", 0, 0, 1, NULL);
}

static void test_unpack_links_devices_parents(void **state)
{
	static char a[4096];
	struct initramfs_result r;
	struct inode *x, *y;
	size_t len = 0;

	(void)state;
	memset(a, 0, sizeof(a));
	len += put_entry(a + len, "deep/er/file", 1, S_IFREG | 0600, 1, "abc");
	len += put_entry(a + len, "l1", 7, S_IFREG | 0644, 2, NULL);
	len += put_entry(a + len, "l2", 7, S_IFREG | 0644, 2, "shared");
	len += put_entry(a + len, "null", 8, S_IFCHR | 0666, 1, NULL);
	len += put_entry(a + len, "fifo", 9, S_IFIFO | 0644, 1, NULL);
	len += put_entry(a + len, "deep", 10, S_IFDIR | 0700, 2, NULL);
	len += put_entry(a + len, "deep/er/file", 11, S_IFDIR | 0711, 2, NULL);
	len += put_trailer(a + len);
	assert_int_equal(initramfs_unpack(root, a, len, NOW, &r), 0);

	/* Missing parents were made; "deep" named later took its mode. */
	x = walk("/deep");
	assert_int_equal(x->mode, S_IFDIR | 0700);
	assert_int_equal(x->mtime, 1234ULL * 1000000000ULL);
	inode_put(x);
	/* A later entry replaced the file with a directory. */
	x = walk("/deep/er/file");
	assert_int_equal(x->mode, S_IFDIR | 0711);
	inode_put(x);
	/* Hard links: one inode, the data from the last entry. */
	x = walk("/l1");
	y = walk("/l2");
	assert_ptr_equal(x, y);
	assert_int_equal(x->nlink, 2);
	assert_content(x, "shared");
	inode_put(x);
	inode_put(y);
	x = walk("/null");
	assert_true(S_ISCHR(x->mode));
	assert_int_equal(x->rdev_major, 1);
	assert_int_equal(x->rdev_minor, 3);
	inode_put(x);
	x = walk("/fifo");
	assert_true(S_ISFIFO(x->mode));
	inode_put(x);
}

/*
 * Entries that share an inode number but not a file type are not links
 * (as in Linux): the device stays a device, the file a file with its data.
 * Found by the fuzzer (tests/fuzz/corpus/initramfs/crash-link-type).
 */
static void test_unpack_link_needs_same_type(void **state)
{
	static char a[4096];
	struct initramfs_result r;
	struct inode *fifo, *dev, *file;
	size_t len = 0;

	(void)state;
	len += put_entry(a + len, "fifo", 5, S_IFIFO | 0644, 2, NULL);
	len += put_entry(a + len, "dev", 5, S_IFCHR | 0600, 2, NULL);
	len += put_entry(a + len, "file", 5, S_IFREG | 0644, 2, "data");
	len += put_trailer(a + len);
	assert_int_equal(initramfs_unpack(root, a, len, NOW, &r), 0);
	fifo = walk("/fifo");
	dev = walk("/dev");
	file = walk("/file");
	assert_true(S_ISFIFO(fifo->mode));
	assert_true(S_ISCHR(dev->mode));
	assert_int_equal(dev->rdev_minor, 3);
	assert_true(S_ISREG(file->mode));
	assert_content(file, "data");
	assert_int_equal(fifo->nlink, 1);
	inode_put(fifo);
	inode_put(dev);
	inode_put(file);
}

static void test_unpack_corrupt(void **state)
{
	static char a[4096];
	struct initramfs_result r;
	size_t len = 0, first;

	(void)state;
	len += first = put_entry(a, "ok", 1, S_IFREG | 0644, 1, "fine");
	len += put_entry(a + len, "bad", 2, S_IFREG | 0644, 1, "data");
	len += put_trailer(a + len);
	a[first] = 'X'; /* the second header's magic */
	assert_int_equal(initramfs_unpack(root, a, len, NOW, &r), -1);
	assert_int_not_equal(r.cpio_error, 0);
	assert_int_equal(r.offset, first);
	/* What came before the damage is there. */
	assert_int_equal(walk_err(root, "/ok"), 0);
	/* Truncated, and without a trailer. */
	assert_int_equal(initramfs_unpack(root, a, first - 2, NOW, &r), -1);
	assert_int_not_equal(r.cpio_error, 0);
	assert_int_equal(initramfs_unpack(root, a, first, NOW, &r), -1);
	assert_int_not_equal(r.cpio_error, 0);

	/* A file where a directory is needed: a file-system error with the path. */
	len = put_entry(a, "ok/x", 3, S_IFREG | 0644, 1, "x");
	len += put_trailer(a + len);
	assert_int_equal(initramfs_unpack(root, a, len, NOW, &r), -1);
	assert_int_equal(r.cpio_error, 0);
	assert_int_equal(r.fs_error, -ENOTDIR);
	assert_int_equal(r.pathlen, 4);
	assert_memory_equal(r.path, "ok/x", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_unpack_fixture),
		T(test_unpack_links_devices_parents),
		T(test_unpack_link_needs_same_type),
		T(test_unpack_corrupt),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
