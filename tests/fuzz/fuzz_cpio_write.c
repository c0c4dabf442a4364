// SPDX-License-Identifier: MIT
/*
 * The host's initramfs writer (hostlib/cpio.c) with the paths, data and
 * modes of --file and the program, checked by the guest's reader and
 * unpacker: whatever the host accepts and writes, the guest must read back
 * entry by entry (each file its data and mode, each parent directory
 * before what it holds, directories with 2 + subdirectories links) and
 * unpack without an error, in whole 512-byte blocks.
 */
#include <errno.h>

#include <kernel/cpio.h>
#include <kernel/initramfs.h>
#include <pagelab/initramfs.h>

#include "fuzz_input.h"
#include "guest_env.h"

#define MAX_FILES 64

struct added {
	const uint8_t *data;
	size_t len;
	unsigned mode;
};

static int add(struct pl_cpio *c, struct fuzz_in *in, struct added *files, size_t *nfiles)
{
	bool dir = in_u8(in) & 1;
	unsigned mode = in_u32(in);
	char *path = in_str(in);
	struct added f = { 0 };
	int err;

	if (dir) {
		err = pl_cpio_add_dir(c, path, mode);
	} else {
		f.data = in_bytes(in, &f.len);
		f.mode = mode;
		err = pl_cpio_add_file(c, path, f.len ? f.data : NULL, f.len, mode);
		if (!err && *nfiles < MAX_FILES)
			files[(*nfiles)++] = f;
	}
	CHECK(err == 0 || err == -EINVAL || err == -ENAMETOOLONG || err == -EEXIST ||
	      err == -ENOTDIR);
	free(path);
	return err;
}

/* The entry's parent directory came earlier: a directory entry with that path. */
static bool parent_seen(const struct cpio_entry *e, const struct cpio_entry *seen, size_t n)
{
	const char *slash = memrchr(e->path, '/', e->pathlen);
	size_t len = slash ? (size_t)(slash - e->path) : 0;

	if (!slash)
		return true;
	for (size_t i = 0; i < n; i++)
		if (cpio_is_dir(&seen[i]) && seen[i].pathlen == len &&
		    !memcmp(seen[i].path, e->path, len))
			return true;
	return false;
}

static unsigned subdirs(const struct cpio_entry *dir, const struct cpio_entry *all, size_t n)
{
	unsigned k = 0;

	for (size_t i = 0; i < n; i++)
		k += cpio_is_dir(&all[i]) && all[i].pathlen > dir->pathlen &&
		     all[i].path[dir->pathlen] == '/' &&
		     !memchr(all[i].path + dir->pathlen + 1, '/',
			     all[i].pathlen - dir->pathlen - 1) &&
		     !memcmp(all[i].path, dir->path, dir->pathlen);
	return k;
}

static void read_back(const uint8_t *a, size_t len, const struct added *files, size_t nfiles,
		      size_t max)
{
	struct cpio_entry *e = malloc((max + 1) * sizeof(*e));
	struct cpio_iter it;
	size_t n = 0, nf = 0;
	int rc;

	CHECK(e && len % 512 == 0);
	cpio_iter_init(&it, a, len);
	while (n <= max && (rc = cpio_next(&it, &e[n])) == 1) {
		CHECK(e[n].pathlen > 0 && parent_seen(&e[n], e, n));
		if (cpio_is_reg(&e[n]) && nf < nfiles) {
			CHECK(e[n].size == files[nf].len);
			CHECK(!memcmp(e[n].data, files[nf].data, files[nf].len));
			CHECK(e[n].mode == (0100000 | (files[nf].mode & 07777)));
			nf++;
		}
		n++;
	}
	CHECK(rc == 0 && n <= max);
	CHECK(nf == nfiles || nfiles == MAX_FILES);
	for (size_t i = 0; i < n; i++)
		if (cpio_is_dir(&e[i]))
			CHECK(e[i].nlink == 2 + subdirs(&e[i], e, n));
	free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct pl_cpio *c = pl_cpio_new();
	struct added files[MAX_FILES];
	struct initramfs_result r;
	size_t nfiles = 0, entries = 0, len;
	const void *a;

	CHECK(c);
	guest_env_init();
	while (in.left) {
		/* Each call adds at most one entry per component of its path. */
		const uint8_t *start = in.p;

		if (!add(c, &in, files, &nfiles))
			entries += (size_t)(in.p - start);
	}
	CHECK(pl_cpio_finish(c, &a, &len) == 0);
	read_back(a, len, files, nfiles, entries);
	CHECK(initramfs_unpack(guest_root, a, len, GUEST_NOW, &r) == 0);
	CHECK(pl_cpio_add_file(c, "late", "x", 1, 0644) == -EINVAL);
	pl_cpio_free(c);
	guest_env_reset();
	return 0;
}
