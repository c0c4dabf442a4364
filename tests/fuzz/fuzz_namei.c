// SPDX-License-Identifier: MIT
/*
 * Path lookup (guest/fs/namei.c) and the directory operations under it
 * (ramfs_dir.c), driven as the file-system calls drive them, with paths a
 * program chose: each input is a list of operations, each an opcode byte
 * and NUL-terminated paths. Checked: a name just created is found by
 * lookup; the working directory's path leads back to it while it exists;
 * nothing leaks once the tree is emptied.
 */
#include "fuzz_input.h"
#include "fuzz_ops.h"
#include "guest_env.h"

struct state {
	struct inode *cwd;
	char data[64];
};

/* The parent of path's last component, which must be an ordinary name. */
static int parent(struct state *s, const char *path, struct nameidata *nd)
{
	int err = ramfs_walk_parent(guest_root, s->cwd, path, nd);

	if (err)
		return err;
	if (nd->last_type != LAST_NORM) {
		nameidata_put(nd);
		return -EEXIST;
	}
	return 0;
}

static void check_found(struct state *s, const char *path, struct inode *want)
{
	struct inode *ino;

	CHECK(ramfs_walk(guest_root, s->cwd, path, &ino) == 0);
	CHECK(ino == want);
	inode_put(ino);
}

static void op_create(struct state *s, const char *path, u32 mode)
{
	struct nameidata nd;
	struct inode *ino;

	if (parent(s, path, &nd))
		return;
	if (S_ISDIR(mode) || !nd.trailing_slash) {
		if (!ramfs_create(nd.dir, nd.last, nd.last_len, mode, 0, 0, GUEST_NOW, &ino)) {
			if (S_ISREG(mode))
				CHECK(inode_write(ino, 0, s->data, nd.last_len % sizeof(s->data),
						  GUEST_NOW) ==
				      (long)(nd.last_len % sizeof(s->data)));
			check_found(s, path, ino);
			inode_put(ino);
		}
	}
	nameidata_put(&nd);
}

static void op_remove(struct state *s, const char *path, bool dir)
{
	struct nameidata nd;

	if (parent(s, path, &nd))
		return;
	if (dir)
		ramfs_rmdir(nd.dir, nd.last, nd.last_len, GUEST_NOW);
	else if (!nd.trailing_slash)
		ramfs_unlink(nd.dir, nd.last, nd.last_len, GUEST_NOW);
	nameidata_put(&nd);
}

static void op_chdir(struct state *s, const char *path)
{
	struct inode *ino;

	if (ramfs_walk(guest_root, s->cwd, path, &ino))
		return;
	if (!S_ISDIR(ino->mode)) {
		inode_put(ino);
		return;
	}
	inode_put(s->cwd);
	s->cwd = ino;
}

static bool source_is_dir(struct nameidata *nd)
{
	struct inode *ino;
	bool dir;

	if (ramfs_lookup(nd->dir, nd->last, nd->last_len, &ino))
		return false;
	dir = S_ISDIR(ino->mode);
	inode_put(ino);
	return dir;
}

static void op_two(struct state *s, const char *from, const char *to, bool rename)
{
	struct nameidata a, b;
	struct inode *ino;

	if (parent(s, from, &a))
		return;
	if (!parent(s, to, &b)) {
		/* As sys_namei.c: "name/" renames only a directory, links nothing. */
		if (rename && (!(a.trailing_slash || b.trailing_slash) || source_is_dir(&a)))
			ramfs_rename(a.dir, a.last, a.last_len, b.dir, b.last, b.last_len,
				     GUEST_NOW);
		if (!rename && !b.trailing_slash && !ramfs_walk_last(guest_root, &a, &ino)) {
			if (!ramfs_link(b.dir, b.last, b.last_len, ino, GUEST_NOW))
				check_found(s, to, ino);
			inode_put(ino);
		}
		nameidata_put(&b);
	}
	nameidata_put(&a);
}

/* getcwd: the path of the working directory leads back to it. */
static void op_getcwd(struct state *s)
{
	char buf[RAMFS_PATH_MAX];
	long n = ramfs_path_of(guest_root, s->cwd, buf, sizeof(buf));

	if (n == -ENOENT) {
		CHECK(s->cwd->nlink == 0);
		return;
	}
	if (n == -ERANGE)
		return;
	CHECK(n > 0 && (size_t)n == strlen(buf) + 1 && buf[0] == '/');
	check_found(s, buf, s->cwd);
}

static void run(struct state *s, struct fuzz_in *in)
{
	while (in->left) {
		enum namei_op op = in_u8(in) % NR_NAMEI_OPS;
		char *a = in_str(in), *b = NULL;

		switch (op) {
		case NAMEI_MKDIR:
			op_create(s, a, S_IFDIR | 0755);
			break;
		case NAMEI_CREATE:
			op_create(s, a, S_IFREG | 0644);
			break;
		case NAMEI_UNLINK:
		case NAMEI_RMDIR:
			op_remove(s, a, op == NAMEI_RMDIR);
			break;
		case NAMEI_CHDIR:
			op_chdir(s, a);
			break;
		case NAMEI_RENAME:
		case NAMEI_LINK:
			b = in_str(in);
			op_two(s, a, b, op == NAMEI_RENAME);
			break;
		default:
			op_getcwd(s);
			break;
		}
		free(a);
		free(b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct state s = { .cwd = NULL };

	guest_env_init();
	memset(s.data, 'x', sizeof(s.data));
	inode_get(guest_root);
	s.cwd = guest_root;
	run(&s, &in);
	inode_put(s.cwd);
	guest_env_reset();
	return 0;
}
