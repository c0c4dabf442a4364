// SPDX-License-Identifier: MIT
/*
 * Syscall dispatch: the table built from every SYSCALL() descriptor, the
 * strace-style trace (--trace-syscalls) and the count of unimplemented
 * calls reported at the end of the run.
 */
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/format.h>
#include <kernel/kmalloc.h>
#include <kernel/mm.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/trap.h>

#define MAX_SYSCALL 512

extern const struct syscall_desc __syscalls_start[], __syscalls_end[];
extern const char *const linux_syscall_names[];
extern const unsigned long linux_syscall_count;

static const struct syscall_desc *table[MAX_SYSCALL];
static u32 unimplemented[MAX_SYSCALL];
static bool tracing;

struct trace {
	char args[6][200];
};
static struct trace *trace_buf;

void syscall_init(void)
{
	char opt[8];

	for (const struct syscall_desc *d = __syscalls_start; d < __syscalls_end; d++)
		if (d->nr < MAX_SYSCALL)
			table[d->nr] = d;
	tracing = boot_option("trace", opt, sizeof(opt)) != NULL;
	if (tracing && !(trace_buf = kzalloc(sizeof(*trace_buf))))
		panic("no memory for the syscall trace");
}

const char *syscall_name(u64 nr)
{
	return nr < linux_syscall_count ? linux_syscall_names[nr] : NULL;
}

/* On stderr: it is a diagnostic, not the program's output. */
void syscall_report_unimplemented(void)
{
	static char line[4096];
	int n = 0;

	for (int nr = 0; nr < MAX_SYSCALL; nr++) {
		const char *name = syscall_name(nr);

		if (!unimplemented[nr] || n >= (int)sizeof(line) - 80)
			continue;
		n += ksnprintf(line + n, sizeof(line) - n, "%s %s (%u)", n ? "," : "",
			       name ? name : "?", unimplemented[nr]);
		if (!name)
			n += ksnprintf(line + n, sizeof(line) - n, " #%d", nr);
	}
	if (n) {
		static const char prefix[] = "pagelab: unimplemented syscalls called:";

		console_write(PL_STREAM_STDERR, prefix, sizeof(prefix) - 1);
		line[n++] = '\n';
		console_write(PL_STREAM_STDERR, line, n);
	}
}

static void trace_before(struct trace *t, const struct syscall_desc *d, const u64 *args);
static void trace_after(struct trace *t, const struct syscall_desc *d, u64 nr, const u64 *args,
			long ret, bool returns);

static bool never_returns(u64 nr)
{
	return nr == __NR_exit || nr == __NR_exit_group;
}

void syscall_dispatch(struct trap_frame *f)
{
	u64 nr = f->rax, args[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
	const struct syscall_desc *d = nr < MAX_SYSCALL ? table[nr] : NULL;
	long ret;

	current->syscall_nr = nr;
	if (unlikely(tracing)) {
		trace_before(trace_buf, d, args);
		if (never_returns(nr))
			trace_after(trace_buf, d, nr, args, 0, false);
	}
	if (d) {
		ret = d->fn(args[0], args[1], args[2], args[3], args[4], args[5]);
	} else {
		if (nr < MAX_SYSCALL)
			unimplemented[nr]++;
		ret = -ENOSYS;
	}
	f->rax = ret;
	if (unlikely(tracing))
		trace_after(trace_buf, d, nr, args, ret, true);
	user_return_work(f, true);
}

/* ------------------------------------------------------------ tracing */

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
static void trace_before(struct trace *t, const struct syscall_desc *d, const u64 *args)
{
	const char *fmt = d ? d->args : "xxxxxx";

	for (int i = 0; fmt[i] && i < 6; i++)
		if (fmt[i] != 'B')
			render_arg(t->args[i], sizeof(t->args[i]), fmt[i], args, i, 0);
}

static void trace_after(struct trace *t, const struct syscall_desc *d, u64 nr, const u64 *args,
			long ret, bool returns)
{
	char line[1300];
	const char *name = syscall_name(nr);
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
