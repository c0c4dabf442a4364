// SPDX-License-Identifier: MIT
/*
 * --trace-syscalls' renderings of the file calls' structures, as strace
 * prints them field by field.
 *
 * fcntl's third argument means what its command says: a descriptor number
 * (F_DUPFD), FD_* or O_* flags (F_SETFD, F_SETFL), nothing (the F_GET*
 * commands), or a struct flock. A lock that is set is shown as the call is
 * made ('{'); the one F_GETLK and F_OFD_GETLK fill in, with the l_pid that
 * says who holds it, once they return ('}').
 *
 * statfs and fstatfs fill in a struct statfs (':').
 */
#include <kernel/statfs.h>
#include <kernel/string.h>
#include <kernel/trace_args.h>
#include <kernel/trace_names.h>
#include <kernel/uaccess.h>

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_GETLK		5
#define F_SETLK		6
#define F_SETLKW	7
#define F_GETOWN	9
#define F_GETSIG	11
#define F_OFD_GETLK	36
#define F_OFD_SETLK	37
#define F_OFD_SETLKW	38
#define F_GETLEASE	1025
#define F_DUPFD_CLOEXEC 1030
#define F_GETPIPE_SZ	1032

/* <asm-generic/fcntl.h>'s struct flock, as x86-64 lays it out. */
struct user_flock {
	short type, whence;
	s64 start, len;
	s32 pid;
};

static const struct name_value lock_types[] = {
	{ 0, "F_RDLCK" },
	{ 1, "F_WRLCK" },
	{ 2, "F_UNLCK" },
	{ 0, NULL },
};

void trace_fcntl_kinds(char *kinds, int *nargs, u64 cmd)
{
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		kinds[2] = 'd';
		break;
	case F_SETFD:
		kinds[2] = 'e';
		break;
	case F_SETFL:
		kinds[2] = 'O';
		break;
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		kinds[2] = '{';
		break;
	case F_GETLK:
	case F_OFD_GETLK:
		kinds[2] = '}';
		break;
	case F_GETFD:
	case F_GETFL:
	case F_GETOWN:
	case F_GETSIG:
	case F_GETLEASE:
	case F_GETPIPE_SZ:
		*nargs = 2;
		break;
	}
}

static void flock_struct(struct tbuf *b, u64 uaddr, bool with_pid)
{
	struct user_flock fl;

	if (!uaddr || copy_from_user(&fl, uaddr, sizeof(fl))) {
		trace_pointer(b, uaddr);
		return;
	}
	tprintf(b, "{l_type=");
	trace_named(b, lock_types, (u16)fl.type);
	tprintf(b, ", l_whence=");
	trace_named(b, seek_whences, (u16)fl.whence);
	tprintf(b, ", l_start=%ld, l_len=%ld", (long)fl.start, (long)fl.len);
	if (with_pid)
		tprintf(b, ", l_pid=%d", fl.pid);
	tprintf(b, "}");
}

/* strace's names for the magic numbers pagelab's file systems report. */
static const struct name_value fs_magics[] = {
	{ TMPFS_MAGIC, "TMPFS_MAGIC" },
	{ PROC_SUPER_MAGIC, "PROC_SUPER_MAGIC" },
	{ 0, NULL },
};

static const struct flag_name statfs_flags[] = {
	{ 0x1, "ST_RDONLY" },	   { 0x2, "ST_NOSUID" },	 { 0x4, "ST_NODEV" },
	{ 0x8, "ST_NOEXEC" },	   { 0x10, "ST_SYNCHRONOUS" },	 { 0x20, "ST_VALID" },
	{ 0x40, "ST_MANDLOCK" },   { 0x400, "ST_NOATIME" },	 { 0x800, "ST_NODIRATIME" },
	{ 0x1000, "ST_RELATIME" }, { 0x2000, "ST_NOSYMFOLLOW" }, { 0, NULL },
};

static void statfs_struct(struct tbuf *b, u64 uaddr)
{
	struct user_statfs st;
	const char *magic;

	if (copy_from_user(&st, uaddr, sizeof(st))) {
		trace_pointer(b, uaddr);
		return;
	}
	magic = name_of(fs_magics, (u64)st.f_type);
	if (magic)
		tprintf(b, "{f_type=%s", magic);
	else
		tprintf(b, "{f_type=%#lx", (unsigned long)st.f_type);
	tprintf(b,
		", f_bsize=%ld, f_blocks=%lu, f_bfree=%lu, f_bavail=%lu, f_files=%lu, f_ffree=%lu",
		(long)st.f_bsize, (unsigned long)st.f_blocks, (unsigned long)st.f_bfree,
		(unsigned long)st.f_bavail, (unsigned long)st.f_files, (unsigned long)st.f_ffree);
	tprintf(b, ", f_fsid={val=[%#x, %#x]}, f_namelen=%ld, f_frsize=%ld, f_flags=",
		(unsigned)st.f_fsid[0], (unsigned)st.f_fsid[1], (long)st.f_namelen,
		(long)st.f_frsize);
	trace_flags(b, (u64)st.f_flags, statfs_flags);
	tprintf(b, "}");
}

bool trace_files_is_result(char kind)
{
	return kind == '}' || kind == ':';
}

bool trace_files_arg(struct tbuf *b, char kind, u64 v, long ret)
{
	if (kind == '{') {
		flock_struct(b, v, false);
		return true;
	}
	if (kind != '}' && kind != ':')
		return false;
	if (ret < 0 || !v)
		trace_pointer(b, v);
	else if (kind == '}')
		flock_struct(b, v, true);
	else
		statfs_struct(b, v);
	return true;
}
