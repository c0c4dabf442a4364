// SPDX-License-Identifier: MIT
/*
 * The initramfs builder (hostlib/cpio.c) and the guest's newc reader
 * (guest/fs/cpio.c): entry-for-entry agreement with GNU cpio, reproducible
 * output, round trips,
 * path rules, and the reader's behaviour on every truncation and on
 * corrupted headers (run under ASan, so any out-of-bounds read fails).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <kernel/cpio.h>
#include <pagelab/initramfs.h>

/* Fixtures live beside this file; tests run from the repository root. */
static void *read_fixture(const char *name, size_t *len)
{
	char path[512];
	const char *slash = strrchr(__FILE__, '/');
	int dirlen = slash ? (int)(slash - __FILE__) : 1;
	struct stat st;
	void *buf;
	int fd;

	snprintf(path, sizeof(path), "%.*s/fixtures/%s", dirlen, slash ? __FILE__ : ".", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		fail_msg("cannot open %s (run the tests from the repository root): %s", path,
			 strerror(errno));
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc(st.st_size);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, st.st_size), st.st_size);
	close(fd);
	*len = st.st_size;
	return buf;
}

/* Iterate a whole archive; returns the final cpio_next() result. */
static int count_entries(const void *a, size_t len, int *n)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int rc;

	*n = 0;
	cpio_iter_init(&it, a, len);
	while ((rc = cpio_next(&it, &e)) > 0) {
		const uint8_t *base = a, *d = e.data;

		/* Whatever the reader hands out lies inside the archive. */
		assert_true((const uint8_t *)e.name >= base);
		assert_true((const uint8_t *)e.path + e.pathlen <= base + len);
		assert_true(d >= base && e.size <= (size_t)(base + len - d));
		(*n)++;
	}
	return rc;
}

static void build_small(struct pl_cpio *c)
{
	assert_int_equal(pl_cpio_add_file(c, "/bin/prog", "ABC", 3, 0755), 0);
	assert_int_equal(pl_cpio_add_file(c, "/data/hello.txt", "hello\n", 6, 0644), 0);
	assert_int_equal(pl_cpio_add_dir(c, "/data/sub", 0700), 0);
	assert_int_equal(pl_cpio_add_file(c, "data/sub/empty", NULL, 0, 0600), 0);
}

/* Every field but the inode number, which only has to be unique. */
static void expect_same_entry(const struct cpio_entry *got, const struct cpio_entry *want)
{
	assert_int_equal(got->pathlen, want->pathlen);
	assert_memory_equal(got->path, want->path, want->pathlen);
	assert_int_equal(got->mode, want->mode);
	assert_int_equal(got->nlink, want->nlink);
	assert_int_equal(got->uid, want->uid);
	assert_int_equal(got->gid, want->gid);
	assert_int_equal(got->mtime, want->mtime);
	assert_int_equal(got->devmajor, want->devmajor);
	assert_int_equal(got->devminor, want->devminor);
	assert_int_equal(got->rdevmajor, want->rdevmajor);
	assert_int_equal(got->rdevminor, want->rdevminor);
	assert_int_equal(got->size, want->size);
	assert_memory_equal(got->data, want->data, want->size);
}

/*
 * libarchive writes hex digits in lower case where GNU cpio writes upper
 * case, so the archives are compared as a reader sees them: the same
 * entries in the same order, field for field, and the same block padding.
 */
static void test_builder_agrees_with_gnu_cpio(void **state)
{
	struct pl_cpio *c = pl_cpio_new();
	struct cpio_iter mine, gnu;
	struct cpio_entry m, g;
	const void *data;
	size_t len, flen;
	void *fixture = read_fixture("newc-small.cpio", &flen);
	int rc, n = 0;

	(void)state;
	assert_non_null(c);
	build_small(c);
	assert_int_equal(pl_cpio_finish(c, &data, &len), 0);
	assert_int_equal(len, flen);
	cpio_iter_init(&mine, data, len);
	cpio_iter_init(&gnu, fixture, flen);
	while ((rc = cpio_next(&gnu, &g)) > 0) {
		assert_int_equal(cpio_next(&mine, &m), 1);
		expect_same_entry(&m, &g);
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(cpio_next(&mine, &m), 0);
	assert_int_equal(n, 6);
	free(fixture);
	pl_cpio_free(c);
}

/* The same tree gives the same bytes: images are reproducible. */
static void test_builder_is_reproducible(void **state)
{
	struct pl_cpio *a = pl_cpio_new(), *b = pl_cpio_new();
	const void *da, *db;
	size_t la, lb;

	(void)state;
	build_small(a);
	build_small(b);
	assert_int_equal(pl_cpio_finish(a, &da, &la), 0);
	assert_int_equal(pl_cpio_finish(b, &db, &lb), 0);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	/* Finishing again hands out the same archive. */
	assert_int_equal(pl_cpio_finish(a, &db, &lb), 0);
	assert_ptr_equal(da, db);
	assert_int_equal(la, lb);
	pl_cpio_free(a);
	pl_cpio_free(b);
}

struct want {
	const char *path;
	uint32_t mode;
	const char *data;
};

static void expect_entries(const void *a, size_t len, const struct want *w, int nw)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int i;

	cpio_iter_init(&it, a, len);
	for (i = 0; i < nw; i++) {
		assert_int_equal(cpio_next(&it, &e), 1);
		assert_int_equal(e.pathlen, strlen(w[i].path));
		assert_memory_equal(e.path, w[i].path, e.pathlen);
		assert_int_equal(e.mode, w[i].mode);
		assert_int_equal(e.size, strlen(w[i].data));
		assert_memory_equal(e.data, w[i].data, e.size);
		assert_int_equal(e.uid, 0);
		assert_int_equal(e.mtime, 0);
	}
	assert_int_equal(cpio_next(&it, &e), 0);
	assert_int_equal(cpio_next(&it, &e), 0); /* the end stays the end */
}

static void test_reader_parses_gnu_tree(void **state)
{
	static const struct want w[] = {
		{ "", 040755, "" },
		{ "bin", 040755, "" },
		{ "bin/link", 0120777, "../etc/passwd" },
		{ "etc", 040755, "" },
		{ "etc/init.d", 040755, "" },
		{ "etc/init.d/rcS", 0100755, "#!/bin/sh\n" },
		{ "etc/passwd", 0100644, "root:x:0:0::/:/bin/sh\n" },
	};
	size_t len;
	void *a = read_fixture("newc-tree.cpio", &len);

	(void)state;
	expect_entries(a, len, w, 7);
	free(a);
}

static void test_roundtrip(void **state)
{
	static const struct want w[] = {
		{ "bin", 040755, "" },
		{ "bin/hello", 0100755, "\177ELF...." },
		{ "bin/two", 0100700, "xy" },
		{ "data", 040755, "" },
		{ "data/deep", 040755, "" },
		{ "data/deep/er", 040711, "" },
		{ "data/deep/er/f", 0100644, "12345" },
		{ "etc", 040750, "" },
	};
	struct pl_cpio *c = pl_cpio_new();
	struct cpio_iter it;
	struct cpio_entry e;
	uint32_t inos[16];
	const void *a;
	size_t len;
	int n = 0;

	(void)state;
	assert_int_equal(pl_cpio_add_file(c, "/bin/hello", "\177ELF....", 8, 0755), 0);
	assert_int_equal(pl_cpio_add_file(c, "/bin/./two", "xy", 2, 0700), 0);
	assert_int_equal(pl_cpio_add_dir(c, "/data/deep/er/", 0711), 0);
	assert_int_equal(pl_cpio_add_file(c, "data/deep/er/f", "12345", 5, S_IFREG | 0644), 0);
	assert_int_equal(pl_cpio_add_dir(c, "/etc", 040750), 0);
	assert_int_equal(pl_cpio_add_dir(c, "/etc", 0755), 0); /* already there: no new entry */
	assert_int_equal(pl_cpio_add_dir(c, "/", 0755), 0);    /* the root always exists */
	assert_int_equal(pl_cpio_finish(c, &a, &len), 0);
	assert_int_equal(len % 512, 0);
	expect_entries(a, len, w, 8);

	cpio_iter_init(&it, a, len);
	while (cpio_next(&it, &e) > 0) {
		assert_int_equal(((const uint8_t *)e.data - (const uint8_t *)a) % 4, 0);
		uint32_t nlink = 1;

		/* A directory has 2 links plus one per subdirectory. */
		if (cpio_is_dir(&e))
			nlink = !strcmp(e.name, "data") || !strcmp(e.name, "data/deep") ? 3 : 2;
		assert_int_equal(e.nlink, nlink);
		for (int i = 0; i < n; i++)
			assert_int_not_equal(inos[i], e.ino);
		inos[n++] = e.ino;
	}
	pl_cpio_free(c);
}

static void test_builder_refuses_bad_paths(void **state)
{
	static const char *const bad[] = { "",	   "..",  "/..",   "a/../b", "a/..",
					   "a//b", "//a", "/a/b/", "/" };
	struct pl_cpio *c = pl_cpio_new();
	char longname[300];
	const void *a;
	size_t len;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pl_cpio_add_file(c, bad[i], "x", 1, 0644), -EINVAL);
	assert_int_equal(pl_cpio_add_file(c, NULL, "x", 1, 0644), -EINVAL);
	assert_int_equal(pl_cpio_add_dir(c, "a/../b", 0755), -EINVAL);
	assert_int_equal(pl_cpio_add_dir(c, "a//b", 0755), -EINVAL);
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(pl_cpio_add_file(c, longname, "x", 1, 0644), -ENAMETOOLONG);
	/* Modes: permission bits, optionally with the matching type. */
	assert_int_equal(pl_cpio_add_file(c, "/f", "x", 1, S_IFLNK | 0777), -EINVAL);
	assert_int_equal(pl_cpio_add_dir(c, "/d", S_IFREG | 0755), -EINVAL);
	assert_int_equal(pl_cpio_add_file(c, "/f", "x", 1, 0x10000 | 0644), -EINVAL);
	assert_int_equal(pl_cpio_add_file(c, "/f", NULL, 1, 0644), -EINVAL);
	/* Conflicts with what is already there. */
	assert_int_equal(pl_cpio_add_file(c, "/f", "x", 1, 0644), 0);
	assert_int_equal(pl_cpio_add_file(c, "f", "y", 1, 0644), -EEXIST);
	assert_int_equal(pl_cpio_add_file(c, "/f/g", "y", 1, 0644), -ENOTDIR);
	assert_int_equal(pl_cpio_add_dir(c, "/f", 0755), -ENOTDIR);
	assert_int_equal(pl_cpio_add_dir(c, "/f/d", 0755), -ENOTDIR);
	assert_int_equal(pl_cpio_add_dir(c, "/d", 0755), 0);
	assert_int_equal(pl_cpio_add_file(c, "/d", "y", 1, 0644), -EEXIST);
	/* Failed calls left nothing behind: exactly f and d. */
	assert_int_equal(pl_cpio_finish(c, &a, &len), 0);
	{
		int n;

		assert_int_equal(count_entries(a, len, &n), 0);
		assert_int_equal(n, 2);
	}
	assert_int_equal(pl_cpio_add_file(c, "/late", "x", 1, 0644), -EINVAL);
	pl_cpio_free(c);
}

static void make_temp_dir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/pagelab-test-cpio-XXXXXX");
	assert_non_null(mkdtemp(dir));
}

static void test_add_host_file(void **state)
{
	struct pl_cpio *c = pl_cpio_new();
	char dir[64], file[128], want[256], err[256];
	struct cpio_iter it;
	struct cpio_entry e;
	const void *a;
	size_t len;
	int fd;

	(void)state;
	make_temp_dir(dir, sizeof(dir));
	snprintf(file, sizeof(file), "%s/data.bin", dir);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0750);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "payload", 7), 7);
	close(fd);
	assert_int_equal(chmod(file, 0750), 0);

	assert_int_equal(pl_cpio_add_host_file(c, "/bin/data", file, err, sizeof(err)), 0);

	err[0] = '\0';
	assert_int_equal(pl_cpio_add_host_file(c, "/x", "data.bin.missing", err, sizeof(err)),
			 -ENOENT);
	assert_string_equal(err,
			    "pagelab: cannot read data.bin.missing: No such file or directory");
	snprintf(want, sizeof(want), "pagelab: cannot read %s: Is a directory", dir);
	assert_int_equal(pl_cpio_add_host_file(c, "/x", dir, err, sizeof(err)), -EISDIR);
	assert_string_equal(err, want);
	assert_int_equal(pl_cpio_add_host_file(c, "/x", "/dev/null", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "pagelab: cannot read /dev/null: not a regular file");
	assert_int_equal(pl_cpio_add_host_file(c, "/a/../x", file, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'/a/../x': not a valid path"));
	assert_int_equal(pl_cpio_add_host_file(c, "/bin/data", file, err, sizeof(err)), -EEXIST);
	assert_non_null(strstr(err, "already in the image"));
	assert_null(strchr(err, '\n'));
	/* A NULL or empty buffer for the message is allowed. */
	assert_int_equal(pl_cpio_add_host_file(c, "/x", "data.bin.missing", NULL, 0), -ENOENT);

	assert_int_equal(pl_cpio_finish(c, &a, &len), 0);
	cpio_iter_init(&it, a, len);
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_int_equal(e.mode, 040755);
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_string_equal(e.name, "bin/data");
	assert_int_equal(e.mode, 0100750);
	assert_int_equal(e.size, 7);
	assert_memory_equal(e.data, "payload", 7);
	assert_int_equal(cpio_next(&it, &e), 0);

	unlink(file);
	rmdir(dir);
	pl_cpio_free(c);
}

/*
 * Every prefix of a valid archive is either rejected or, once it holds the
 * whole trailer, parsed to the same entries. Each prefix sits in a buffer
 * of exactly its length so ASan catches a read one byte past it.
 */
static void truncations(const uint8_t *a, size_t full)
{
	struct cpio_iter it;
	struct cpio_entry e;
	size_t end_of_trailer;
	int n_full, n;

	assert_int_equal(count_entries(a, full, &n_full), 0);
	cpio_iter_init(&it, a, full);
	while (cpio_next(&it, &e) > 0)
		;
	/* 110-byte header + "TRAILER!!!\0", padded to 4 */
	end_of_trailer = cpio_iter_offset(&it) + 124;
	for (size_t len = 0; len <= full; len++) {
		uint8_t *copy = malloc(len ? len : 1);
		int rc;

		memcpy(copy, a, len);
		rc = count_entries(copy, len, &n);
		if (len < end_of_trailer) {
			assert_true(rc < 0);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(n, n_full);
		}
		free(copy);
	}
}

static void test_reader_every_truncation(void **state)
{
	struct pl_cpio *c = pl_cpio_new();
	const void *a;
	size_t len;
	void *tree;

	(void)state;
	build_small(c);
	assert_int_equal(pl_cpio_finish(c, &a, &len), 0);
	truncations(a, len);
	pl_cpio_free(c);
	tree = read_fixture("newc-tree.cpio", &len);
	truncations(tree, len);
	free(tree);
}

/* Overwrite every byte of the archive with hostile values, one at a time. */
static void test_reader_every_byte_corrupted(void **state)
{
	static const uint8_t values[] = { 0, '0', '7', '9', 'F', 'f', 'g', '/', '.', 0xff };
	struct pl_cpio *c = pl_cpio_new();
	const void *a;
	size_t len;
	int errors = 0, n;

	(void)state;
	build_small(c);
	assert_int_equal(pl_cpio_finish(c, &a, &len), 0);
	for (size_t pos = 0; pos < len; pos++) {
		for (size_t v = 0; v < sizeof(values); v++) {
			uint8_t *copy = malloc(len);

			memcpy(copy, a, len);
			copy[pos] = values[v];
			if (count_entries(copy, len, &n) < 0)
				errors++;
			free(copy);
		}
	}
	/* Magic bytes alone give 6 positions x 9 changing values of errors. */
	assert_true(errors > 6 * 9);
	pl_cpio_free(c);
}

/* One newc header + name + data, for crafting bad archives. */
static size_t put_entry(uint8_t *buf, const char *magic, uint32_t mode, uint32_t size,
			uint32_t namesize, const char *name, const char *data, uint32_t check)
{
	size_t off, nlen = strlen(name) + 1;

	off = sprintf((char *)buf, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic,
		      1, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, namesize, check);
	memcpy(buf + off, name, nlen);
	off += nlen;
	while (off % 4)
		buf[off++] = 0;
	memcpy(buf + off, data, strlen(data));
	off += strlen(data);
	while (off % 4)
		buf[off++] = 0;
	return off;
}

static size_t put_trailer(uint8_t *buf)
{
	return put_entry(buf, "070701", 0, 0, 11, "TRAILER!!!", "", 0);
}

static int first_result(const char *magic, uint32_t mode, uint32_t size, uint32_t namesize,
			const char *name, const char *data, uint32_t check)
{
	uint8_t buf[1024];
	size_t len = put_entry(buf, magic, mode, size, namesize, name, data, check);
	struct cpio_iter it;
	struct cpio_entry e;
	uint8_t *copy;
	int rc;

	len += put_trailer(buf + len);
	copy = malloc(len);
	memcpy(copy, buf, len);
	cpio_iter_init(&it, copy, len);
	rc = cpio_next(&it, &e);
	if (rc == 1)
		rc = cpio_next(&it, &e) == 0 ? 1 : -100;
	free(copy);
	return rc;
}

static void test_reader_rejects_bad_fields(void **state)
{
	(void)state;
	/* The well-formed baseline, then one defect at a time. */
	assert_int_equal(first_result("070701", 0100644, 2, 2, "f", "ab", 0), 1);
	assert_int_equal(first_result("070702", 0100644, 2, 2, "f", "ab", 'a' + 'b'), 1);
	assert_int_equal(first_result("070702", 0100644, 2, 2, "f", "ab", 1), -CPIO_ERR_CHECKSUM);
	assert_int_equal(first_result("070707", 0100644, 2, 2, "f", "ab", 0), -CPIO_ERR_MAGIC);
	assert_int_equal(first_result("07070x", 0100644, 2, 2, "f", "ab", 0), -CPIO_ERR_MAGIC);
	assert_int_equal(first_result("070701", 0100644, 0xffffffff, 2, "f", "ab", 0),
			 -CPIO_ERR_TRUNCATED);
	assert_int_equal(first_result("070701", 0100644, 2, 0xffffffff, "f", "ab", 0),
			 -CPIO_ERR_NAME);
	assert_int_equal(first_result("070701", 0100644, 2, 0, "f", "ab", 0), -CPIO_ERR_NAME);
	assert_int_equal(first_result("070701", 0100644, 2, 1, "", "ab", 0), -CPIO_ERR_NAME);
	/* namesize 1 shorter than the name: no NUL where it must be */
	assert_int_equal(first_result("070701", 0100644, 2, 3, "fgh", "ab", 0), -CPIO_ERR_NAME);
	/* namesize longer: a NUL inside the name */
	assert_int_equal(first_result("070701", 0100644, 0, 4, "f", "", 0), -CPIO_ERR_NAME);
	assert_int_equal(first_result("070701", 0100644, 0, 8, "a/../b", "", 0), -CPIO_ERR_NAME);
	assert_int_equal(first_result("070701", 0100644, 0, 3, "..", "", 0), -CPIO_ERR_NAME);
	assert_int_equal(first_result("070701", 0100644, 0, 5, "a//b", "", 0), -CPIO_ERR_NAME);
	assert_int_equal(first_result("070701", 0100644, 0, 5, "a/./", "", 0), -CPIO_ERR_NAME);
	assert_int_equal(first_result("070701", 0100644, 0, 3, "a/", "", 0), -CPIO_ERR_NAME);
	assert_int_equal(first_result("070701", 0100644, 0, 5, "./a/", "", 0), -CPIO_ERR_NAME);
	assert_int_equal(first_result("070701", 0100644, 0, 5, "/./a", "", 0), 1);
	assert_int_equal(first_result("070701", 040755, 2, 2, "d", "ab", 0), -CPIO_ERR_MODE);
	assert_int_equal(first_result("070701", 0020644, 2, 2, "c", "ab", 0), -CPIO_ERR_MODE);
	assert_int_equal(first_result("070701", 0120777, 0, 2, "l", "", 0), -CPIO_ERR_MODE);
	assert_int_equal(first_result("070701", 0170644, 0, 2, "x", "", 0), -CPIO_ERR_MODE);
	assert_int_equal(first_result("070701", 0000644, 0, 2, "x", "", 0), -CPIO_ERR_MODE);
}

static void test_reader_hex_and_sticky_errors(void **state)
{
	uint8_t buf[512];
	size_t len = put_entry(buf, "070701", 0100644, 0, 2, "f", "", 0);
	struct cpio_iter it;
	struct cpio_entry e;

	(void)state;
	len += put_trailer(buf + len);
	buf[6 + 8 + 3] = 'x'; /* inside the mode field */
	cpio_iter_init(&it, buf, len);
	assert_int_equal(cpio_next(&it, &e), -CPIO_ERR_HEX);
	assert_int_equal(cpio_next(&it, &e), -CPIO_ERR_HEX);
	assert_int_equal(cpio_iter_offset(&it), 0);
	assert_string_equal(cpio_strerror(-CPIO_ERR_HEX), "header field is not hexadecimal");
	assert_string_equal(cpio_strerror(-CPIO_ERR_NO_TRAILER), "archive ends without TRAILER!!!");

	/* Lower-case hex is valid; an archive without trailer is not. */
	len = put_entry(buf, "070701", 0100644, 0, 2, "f", "", 0);
	memcpy(buf + 6 + 8, "000081a4", 8);
	cpio_iter_init(&it, buf, len);
	assert_int_equal(cpio_next(&it, &e), 1);
	assert_int_equal(e.mode, 0100644);
	assert_int_equal(cpio_next(&it, &e), -CPIO_ERR_NO_TRAILER);
	cpio_iter_init(&it, NULL, 100);
	assert_int_equal(cpio_next(&it, &e), -CPIO_ERR_NO_TRAILER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builder_agrees_with_gnu_cpio),
		cmocka_unit_test(test_builder_is_reproducible),
		cmocka_unit_test(test_reader_parses_gnu_tree),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_builder_refuses_bad_paths),
		cmocka_unit_test(test_add_host_file),
		cmocka_unit_test(test_reader_every_truncation),
		cmocka_unit_test(test_reader_every_byte_corrupted),
		cmocka_unit_test(test_reader_rejects_bad_fields),
		cmocka_unit_test(test_reader_hex_and_sticky_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
