// SPDX-License-Identifier: MIT
/*
 * --trace-syscalls: one strace-style line per system call on stderr, for
 * people learning how a program talks to its kernel. Flags are decoded
 * (O_CREAT|O_TRUNC, PROT_READ, MAP_PRIVATE|MAP_ANONYMOUS), strings and
 * buffers shown as C literals, errors by name.
 */
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/trace.h>
#include <kernel/uaccess.h>

struct trace {
	char args[6][200];
};

struct trace *trace_new(void)
{
	return kzalloc(sizeof(struct trace));
}

static const char *errno_name(long e)
{
	static const char *const n[] = {
		[EPERM] = "EPERM",
		[ENOENT] = "ENOENT",
		[ESRCH] = "ESRCH",
		[EINTR] = "EINTR",
		[EIO] = "EIO",
		[ENXIO] = "ENXIO",
		[E2BIG] = "E2BIG",
		[ENOEXEC] = "ENOEXEC",
		[EBADF] = "EBADF",
		[ECHILD] = "ECHILD",
		[EAGAIN] = "EAGAIN",
		[ENOMEM] = "ENOMEM",
		[EACCES] = "EACCES",
		[EFAULT] = "EFAULT",
		[EBUSY] = "EBUSY",
		[EEXIST] = "EEXIST",
		[EXDEV] = "EXDEV",
		[ENODEV] = "ENODEV",
		[ENOTDIR] = "ENOTDIR",
		[EISDIR] = "EISDIR",
		[EINVAL] = "EINVAL",
		[ENFILE] = "ENFILE",
		[EMFILE] = "EMFILE",
		[ENOTTY] = "ENOTTY",
		[EFBIG] = "EFBIG",
		[ENOSPC] = "ENOSPC",
		[ESPIPE] = "ESPIPE",
		[EROFS] = "EROFS",
		[EPIPE] = "EPIPE",
		[ERANGE] = "ERANGE",
		[ENAMETOOLONG] = "ENAMETOOLONG",
		[ENOSYS] = "ENOSYS",
		[ENOTEMPTY] = "ENOTEMPTY",
		[EOVERFLOW] = "EOVERFLOW",
		[EOPNOTSUPP] = "EOPNOTSUPP",
	};

	return e > 0 && e < (long)ARRAY_SIZE(n) && n[e] ? n[e] : "E?";
}

/* Bytes as the inside of a C string literal, escaped. */
static int escape(char *out, size_t size, const char *data, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 6 < size; i++) {
		unsigned char c = data[i];

		if (c == '\n' || c == '\t' || c == '"' || c == '\\')
			o += ksnprintf(out + o, size - o, "\\%c",
				       c == '\n'   ? 'n'
				       : c == '\t' ? 't'
						   : c);
		else if (c < 32 || c > 126)
			o += ksnprintf(out + o, size - o, "\\x%02x", c);
		else
			out[o++] = c;
	}
	out[o] = 0;
	return o;
}

/* Up to 32 bytes of a user buffer; "..." when there was more. */
static int render_bytes(char *out, size_t size, u64 uaddr, size_t len)
{
	char data[32], text[140];
	size_t n = MIN(len, sizeof(data));

	if (copy_from_user(data, uaddr, n))
		return ksnprintf(out, size, "%#lx", (unsigned long)uaddr);
	escape(text, sizeof(text), data, n);
	return ksnprintf(out, size, "\"%s\"%s", text, len > n ? "..." : "");
}

static int render_string(char *out, size_t size, u64 uaddr)
{
	char data[33], text[140];
	long n = strncpy_from_user(data, uaddr, sizeof(data));

	if (n == -EFAULT)
		return ksnprintf(out, size, "%#lx", (unsigned long)uaddr);
	escape(text, sizeof(text), data, n < 0 ? sizeof(data) - 1 : (size_t)n);
	return ksnprintf(out, size, "\"%s\"%s", text, n < 0 ? "..." : "");
}

/* writev's iovec array: [{"data", len}, ...], the first four entries. */
static int render_iovec(char *out, size_t size, u64 uaddr, u64 count)
{
	struct {
		u64 base, len;
	} iov;
	int o = ksnprintf(out, size, "[");

	for (u64 i = 0; i < count && i < 4 && (size_t)o + 8 < size; i++) {
		if (copy_from_user(&iov, uaddr + i * sizeof(iov), sizeof(iov)))
			return ksnprintf(out, size, "%#lx", (unsigned long)uaddr);
		o += ksnprintf(out + o, size - o, "%s{", i ? ", " : "");
		o += render_bytes(out + o, size - o, iov.base, iov.len);
		o += ksnprintf(out + o, size - o, ", %lu}", (unsigned long)iov.len);
	}
	return o + ksnprintf(out + o, size - o, "%s]", count > 4 ? ", ..." : "");
}

struct flag_name {
	u64 bit;
	const char *name;
};

static const struct flag_name open_flags[] = {
	{ 00000100, "O_CREAT" },     { 00000200, "O_EXCL" },	  { 00000400, "O_NOCTTY" },
	{ 00001000, "O_TRUNC" },     { 00002000, "O_APPEND" },	  { 00004000, "O_NONBLOCK" },
	{ 00010000, "O_DSYNC" },     { 00020000, "O_ASYNC" },	  { 00040000, "O_DIRECT" },
	{ 00100000, "O_LARGEFILE" }, { 00200000, "O_DIRECTORY" }, { 00400000, "O_NOFOLLOW" },
	{ 01000000, "O_NOATIME" },   { 02000000, "O_CLOEXEC" },	  { 04000000, "O___SYNC" },
	{ 010000000, "O_PATH" },     { 020000000, "O_TMPFILE" },  { 0, NULL },
};

static const struct flag_name prot_flags[] = {
	{ 0x1, "PROT_READ" }, { 0x2, "PROT_WRITE" },	 { 0x4, "PROT_EXEC" },
	{ 0x8, "PROT_SEM" },  { 0x800, "PROT_NOCACHE" }, { 0x01000000, "PROT_GROWSDOWN" },
	{ 0, NULL },
};

static const struct flag_name map_flags[] = {
	{ 0x10, "MAP_FIXED" },
	{ 0x20, "MAP_ANONYMOUS" },
	{ 0x40, "MAP_32BIT" },
	{ 0x100, "MAP_GROWSDOWN" },
	{ 0x200, "MAP_PHYS" },
	{ 0x400, "MAP_LAZY" },
	{ 0x800, "MAP_DENYWRITE" },
	{ 0x1000, "MAP_EXECUTABLE" },
	{ 0x2000, "MAP_LOCKED" },
	{ 0x4000, "MAP_NORESERVE" },
	{ 0x8000, "MAP_POPULATE" },
	{ 0x10000, "MAP_NONBLOCK" },
	{ 0x20000, "MAP_STACK" },
	{ 0x40000, "MAP_HUGETLB" },
	{ 0x80000, "MAP_SYNC" },
	{ 0x100000, "MAP_FIXED_NOREPLACE" },
	{ 0x200000, "MAP_NOSYNC" },
	{ 0x400000, "MAP_NOCORE" },
	{ 0x800000, "MAP_INHERIT" },
	{ 0x1000000, "MAP_BELOW16M" },
	{ 0x2000000, "MAP_NOX64K" },
	{ 0x4000000, "MAP_UNINITIALIZED" },
	{ 0, NULL },
};

/* first (a name for the low bits, or NULL), then set flags joined by '|', then leftovers. */
static int render_flags(char *out, size_t size, const char *first, u64 v,
			const struct flag_name *names)
{
	int o = first ? ksnprintf(out, size, "%s", first) : 0;

	for (const struct flag_name *f = names; f->name; f++) {
		if ((v & f->bit) != f->bit)
			continue;
		o += ksnprintf(out + o, size - o, "%s%s", o ? "|" : "", f->name);
		v &= ~f->bit;
	}
	if (v || !o)
		o += ksnprintf(out + o, size - o, "%s%#lx", o ? "|" : "", (unsigned long)v);
	return o;
}

static int render_open_flags(char *out, size_t size, u64 v)
{
	static const char *const access[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

	return render_flags(out, size, access[v & 3], v & ~3ULL, open_flags);
}

static int render_map_flags(char *out, size_t size, u64 v)
{
	static const char *const type[] = { NULL, "MAP_SHARED", "MAP_PRIVATE",
					    "MAP_SHARED_VALIDATE" };

	return render_flags(out, size, type[v & 3], v & ~3ULL, map_flags);
}

static int render_arg(char *out, size_t size, char kind, const u64 *args, int i, long ret)
{
	u64 v = args[i];

	switch (kind) {
	case 'd':
	case 'f':
		return ksnprintf(out, size, "%ld", (long)(int)v);
	case 'u':
		return ksnprintf(out, size, "%lu", (unsigned long)v);
	case 'o':
		return ksnprintf(out, size, "%#lo", (unsigned long)v);
	case 's':
		return v ? render_string(out, size, v) : ksnprintf(out, size, "NULL");
	case 'b':
		return render_bytes(out, size, v, args[i + 1]);
	case 'v':
		return render_iovec(out, size, v, args[i + 1]);
	case 'A': /* a directory fd of the *at() calls */
		if ((int)v == -100)
			return ksnprintf(out, size, "AT_FDCWD");
		return ksnprintf(out, size, "%d", (int)v);
	case 'O':
		return render_open_flags(out, size, v);
	case 'P':
		return v ? render_flags(out, size, NULL, v, prot_flags)
			 : ksnprintf(out, size, "PROT_NONE");
	case 'M':
		return render_map_flags(out, size, v);
	case 'B':
		if (ret >= 0)
			return render_bytes(out, size, v, ret);
		return ksnprintf(out, size, "%#lx", (unsigned long)v);
	default:
		return v ? ksnprintf(out, size, "%#lx", (unsigned long)v)
			 : ksnprintf(out, size, "NULL");
	}
}

/*
 * Arguments are rendered before the call (execve replaces the memory they
 * point to, exit never returns) except buffers the call fills ('B').
 */
void trace_before(struct trace *t, const struct syscall_desc *d, const u64 *args)
{
	const char *fmt = d ? d->args : "xxxxxx";

	for (int i = 0; fmt[i] && i < 6; i++)
		if (fmt[i] != 'B')
			render_arg(t->args[i], sizeof(t->args[i]), fmt[i], args, i, 0);
}

void trace_after(struct trace *t, const struct syscall_desc *d, u64 nr, const u64 *args, long ret,
		 bool returns)
{
	char line[1300];
	const char *name = d ? d->name : syscall_name(nr);
	const char *fmt = d ? d->args : "xxxxxx";
	int n = ksnprintf(line, sizeof(line), "[pid %d] %s(", current->pid, name ? name : "?");

	for (int i = 0; fmt[i] && i < 6; i++) {
		if (fmt[i] == 'B')
			render_arg(t->args[i], sizeof(t->args[i]), 'B', args, i, ret);
		n += ksnprintf(line + n, sizeof(line) - n, "%s%s", t->args[i],
			       fmt[i + 1] ? ", " : "");
	}
	if (!returns)
		n += ksnprintf(line + n, sizeof(line) - n, ") = ?\n");
	else if (ret < 0 && ret > -4096)
		n += ksnprintf(line + n, sizeof(line) - n, ") = -1 %s%s\n", errno_name(-ret),
			       d ? "" : " (not implemented)");
	else if (ret > 0xffff)
		n += ksnprintf(line + n, sizeof(line) - n, ") = %#lx\n", (unsigned long)ret);
	else
		n += ksnprintf(line + n, sizeof(line) - n, ") = %ld\n", ret);
	console_trace(line, MIN((size_t)n, sizeof(line) - 1));
}
