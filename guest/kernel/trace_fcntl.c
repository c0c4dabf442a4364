// SPDX-License-Identifier: MIT
/*
 * --trace-syscalls' rendering of fcntl's third argument, which means what
 * its command says: a descriptor number (F_DUPFD), FD_* or O_* flags
 * (F_SETFD, F_SETFL), nothing (the F_GET* commands), or a struct flock
 * that strace prints field by field. A lock that is set is shown as the
 * call is made ('{'); the one F_GETLK and F_OFD_GETLK fill in, with the
 * l_pid that says who holds it, once they return ('}').
 */
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

static const char *const lock_types[] = { "F_RDLCK", "F_WRLCK", "F_UNLCK" };
static const char *const whences[] = { "SEEK_SET", "SEEK_CUR", "SEEK_END" };

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

/* A value strace has a name for, or the number and a comment ("0x5 /\* F_??? *\/"). */
static void named(struct tbuf *b, const char *const *names, short v, const char *unknown)
{
	if (v >= 0 && v < 3)
		tprintf(b, "%s", names[v]);
	else
		tprintf(b, "%#x /* %s */", (unsigned)(u16)v, unknown);
}

static void address(struct tbuf *b, u64 uaddr)
{
	if (uaddr)
		tprintf(b, "%#lx", (unsigned long)uaddr);
	else
		tprintf(b, "NULL");
}

static void flock_struct(struct tbuf *b, u64 uaddr, bool with_pid)
{
	struct user_flock fl;

	if (!uaddr || copy_from_user(&fl, uaddr, sizeof(fl))) {
		address(b, uaddr);
		return;
	}
	tprintf(b, "{l_type=");
	named(b, lock_types, fl.type, "F_???");
	tprintf(b, ", l_whence=");
	named(b, whences, fl.whence, "SEEK_???");
	tprintf(b, ", l_start=%ld, l_len=%ld", (long)fl.start, (long)fl.len);
	if (with_pid)
		tprintf(b, ", l_pid=%d", fl.pid);
	tprintf(b, "}");
}

bool trace_fcntl_is_result(char kind)
{
	return kind == '}';
}

bool trace_fcntl_arg(struct tbuf *b, char kind, u64 v, long ret)
{
	if (kind == '{') {
		flock_struct(b, v, false);
		return true;
	}
	if (kind != '}')
		return false;
	if (ret < 0)
		address(b, v);
	else
		flock_struct(b, v, true);
	return true;
}
