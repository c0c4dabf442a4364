// SPDX-License-Identifier: MIT
/*
 * One argument of a traced system call, rendered as strace renders it:
 * strings and buffers as C literals, flags joined by '|', constants by
 * name, and the structures programs pass most (iovec, timespec, stat,
 * sigaction, signal sets, wait statuses) with strace's field names.
 * Whatever cannot be read from user memory is shown as its address.
 */
#include <asm/stat.h>

#include <kernel/errno.h>
#include <kernel/format.h>
#include <kernel/signo.h>
#include <kernel/string.h>
#include <kernel/trace_args.h>
#include <kernel/trace_names.h>
#include <kernel/uaccess.h>

#define SHOWN_BYTES 32 /* strace's default -s */

void tprintf(struct tbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->len + 1 >= b->size)
		return;
	va_start(ap, fmt);
	n = kvsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len = MIN(b->len + n, b->size - 1);
}

static void hex(struct tbuf *b, u64 v)
{
	if (v)
		tprintf(b, "%#lx", (unsigned long)v);
	else
		tprintf(b, "0");
}

void trace_pointer(struct tbuf *b, u64 v)
{
	if (v)
		tprintf(b, "%#lx", (unsigned long)v);
	else
		tprintf(b, "NULL");
}

/* strace's file modes: at least three octal digits with a leading 0 ("022", "0700"). */
static void octal(struct tbuf *b, u64 v)
{
	tprintf(b, "%s%lo", v < 010 ? "00" : "0", (unsigned long)v);
}

static void quoted(struct tbuf *b, const char *data, size_t n, bool more)
{
	static const char named[] = "\n\t\r\v\f";

	tprintf(b, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = data[i];
		const char *e = c ? strchr(named, c) : NULL;

		if (e)
			tprintf(b, "\\%c", "ntrvf"[e - named]);
		else if (c == '"' || c == '\\')
			tprintf(b, "\\%c", c);
		else if (c < 32 || c > 126)
			tprintf(b, "\\%o", c);
		else
			tprintf(b, "%c", c);
	}
	tprintf(b, "\"%s", more ? "..." : "");
}

/* Up to SHOWN_BYTES of a user buffer; "..." when there was more. */
static void render_bytes(struct tbuf *b, u64 uaddr, size_t len)
{
	char data[SHOWN_BYTES];
	size_t n = MIN(len, sizeof(data));

	if (copy_from_user(data, uaddr, n))
		trace_pointer(b, uaddr);
	else
		quoted(b, data, n, len > n);
}

static void render_string(struct tbuf *b, u64 uaddr)
{
	char data[SHOWN_BYTES + 1];
	long n = uaddr ? strncpy_from_user(data, uaddr, sizeof(data)) : -EFAULT;

	if (n == -EFAULT)
		trace_pointer(b, uaddr);
	else
		quoted(b, data, n < 0 ? sizeof(data) - 1 : (size_t)n, n < 0);
}

/*
 * An iovec array: [{iov_base="data", iov_len=5}, ...]. Data is shown up
 * to shown bytes in all (what a read filled); ~0 shows every entry's.
 */
static void render_iovec(struct tbuf *b, u64 uaddr, u64 count, u64 shown)
{
	struct {
		u64 base, len;
	} iov;

	tprintf(b, "[");
	for (u64 i = 0; i < count; i++) {
		if (i == 4) {
			tprintf(b, ", ...");
			break;
		}
		if (copy_from_user(&iov, uaddr + i * sizeof(iov), sizeof(iov))) {
			tprintf(b, "%s%#lx", i ? ", " : "",
				(unsigned long)(uaddr + i * sizeof(iov)));
			break;
		}
		tprintf(b, "%s{iov_base=", i ? ", " : "");
		render_bytes(b, iov.base, MIN(iov.len, shown));
		tprintf(b, ", iov_len=%lu}", (unsigned long)iov.len);
		shown -= MIN(iov.len, shown);
	}
	tprintf(b, "]");
}

/* "PROT" of "PROT_READ": what strace names an unknown value after. */
static void unknown(struct tbuf *b, u64 v, const char *a_name)
{
	const char *us = strchr(a_name, '_');

	tprintf(b, "%#lx /* %.*s_??? */", (unsigned long)v, us ? (int)(us - a_name) : 0, a_name);
}

/* first (a name for the low bits, or NULL), then set flags joined by '|', then leftovers. */
static void render_flags(struct tbuf *b, const char *first, u64 v, const struct flag_name *names)
{
	bool any = first != NULL;

	if (first)
		tprintf(b, "%s", first);
	for (const struct flag_name *f = names; f->name; f++) {
		if ((v & f->bit) != f->bit)
			continue;
		tprintf(b, "%s%s", any ? "|" : "", f->name);
		v &= ~f->bit;
		any = true;
	}
	if (v && !any)
		unknown(b, v, names->name);
	else if (v || !any)
		tprintf(b, "%s%#lx", any ? "|" : "", (unsigned long)v);
}

/* Flags where no bit set reads "0" (access(2)'s "F_OK"), as strace prints them. */
void trace_flags(struct tbuf *b, u64 v, const struct flag_name *names)
{
	if (v)
		render_flags(b, NULL, v, names);
	else
		tprintf(b, "%s", names == access_modes ? "F_OK" : "0");
}

static void render_open_flags(struct tbuf *b, u64 v)
{
	static const char *const access[] = { "O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE" };

	render_flags(b, access[v & 3], v & ~3ULL, open_flags);
}

#define MAP_HUGETLB_BIT 0x40000
#define MAP_HUGE_SHIFT	26

/* The huge page size field (log2 of the size) only means that with MAP_HUGETLB. */
static void render_map_flags(struct tbuf *b, u64 v)
{
	static const char *const type[] = { "MAP_FILE", "MAP_SHARED", "MAP_PRIVATE",
					    "MAP_SHARED_VALIDATE" };
	u64 huge = v & MAP_HUGETLB_BIT ? (v >> MAP_HUGE_SHIFT) & 0x3f : 0;

	render_flags(b, type[v & 3], v & ~3ULL & ~(huge << MAP_HUGE_SHIFT), map_flags);
	if (huge)
		tprintf(b, "|%lu<<MAP_HUGE_SHIFT", (unsigned long)huge);
}

/* A named constant; an unknown one as a number, in hex where strace uses hex. */
static void render_named(struct tbuf *b, const struct name_value *t, u64 v, bool decimal)
{
	const char *n = name_of(t, v);

	if (n)
		tprintf(b, "%s", n);
	else if (decimal)
		unknown(b, v, t->name);
	else
		hex(b, v);
}

void trace_named(struct tbuf *b, const struct name_value *t, u64 v)
{
	render_named(b, t, v, true);
}

static void render_signal(struct tbuf *b, u64 v)
{
	char buf[8];
	const char *n = signal_short_name((int)v, buf, sizeof(buf));

	if (n)
		tprintf(b, "SIG%s", n);
	else
		tprintf(b, "%d", (int)v);
}

/* Without the CPU's popcnt: -mgeneral-regs-only kernels get no libgcc helper for it. */
static int popcount(u64 v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

/* [INT TERM], or ~[...] of the signals not in it when most are, as strace prints sets. */
static void render_sigset(struct tbuf *b, u64 uaddr)
{
	u64 set, show;
	bool first = true;

	if (copy_from_user(&set, uaddr, sizeof(set))) {
		trace_pointer(b, uaddr);
		return;
	}
	show = popcount(set) > NSIG / 2 ? ~set : set;
	tprintf(b, "%s[", show == set ? "" : "~");
	for (int sig = 1; sig <= NSIG; sig++) {
		char buf[8];

		if (!(show & (1ULL << (sig - 1))))
			continue;
		tprintf(b, "%s%s", first ? "" : " ", signal_short_name(sig, buf, sizeof(buf)));
		first = false;
	}
	tprintf(b, "]");
}

static void render_sigaction(struct tbuf *b, u64 uaddr)
{
	struct {
		u64 handler, flags, restorer, mask;
	} sa;

	if (copy_from_user(&sa, uaddr, sizeof(sa))) {
		trace_pointer(b, uaddr);
		return;
	}
	if (sa.handler == SIG_DFL || sa.handler == SIG_IGN)
		tprintf(b, "{sa_handler=%s", sa.handler == SIG_DFL ? "SIG_DFL" : "SIG_IGN");
	else
		tprintf(b, "{sa_handler=%#lx", (unsigned long)sa.handler);
	tprintf(b, ", sa_mask=");
	render_sigset(b, uaddr + offsetof(typeof(sa), mask));
	tprintf(b, ", sa_flags=");
	trace_flags(b, sa.flags, sa_flags);
	if (sa.flags & 0x04000000)
		tprintf(b, ", sa_restorer=%#lx", (unsigned long)sa.restorer);
	tprintf(b, "}");
}

static void render_timespec(struct tbuf *b, u64 uaddr)
{
	struct {
		s64 sec, nsec;
	} ts;

	if (!uaddr || copy_from_user(&ts, uaddr, sizeof(ts)))
		trace_pointer(b, uaddr);
	else
		tprintf(b, "{tv_sec=%ld, tv_nsec=%ld}", (long)ts.sec, (long)ts.nsec);
}

static const char *file_type(u32 mode)
{
	static const char *const types[16] = {
		[001] = "S_IFIFO", [002] = "S_IFCHR", [004] = "S_IFDIR",  [006] = "S_IFBLK",
		[010] = "S_IFREG", [012] = "S_IFLNK", [014] = "S_IFSOCK",
	};

	return types[(mode >> 12) & 017];
}

/* strace's abbreviated stat: the mode, then the size, or the device for devices. */
static void render_stat(struct tbuf *b, u64 uaddr)
{
	struct stat st;
	const char *type;

	if (copy_from_user(&st, uaddr, sizeof(st))) {
		trace_pointer(b, uaddr);
		return;
	}
	type = file_type(st.st_mode);
	tprintf(b, "{st_mode=%s|", type ? type : "0");
	octal(b, st.st_mode & 07777);
	if (type && (!strcmp(type, "S_IFCHR") || !strcmp(type, "S_IFBLK")))
		tprintf(b, ", st_rdev=makedev(%#lx, %#lx), ...}",
			(unsigned long)((st.st_rdev >> 8) & 0xfff),
			(unsigned long)((st.st_rdev & 0xff) | ((st.st_rdev >> 12) & ~0xffUL)));
	else
		tprintf(b, ", st_size=%ld, ...}", (long)st.st_size);
}

/* wait4's status word: [{WIFEXITED(s) && WEXITSTATUS(s) == 0}]. */
static void render_wait_status(struct tbuf *b, u64 uaddr)
{
	int s;

	if (!uaddr || copy_from_user(&s, uaddr, sizeof(s))) {
		trace_pointer(b, uaddr);
	} else if ((s & 0x7f) == 0) {
		tprintf(b, "[{WIFEXITED(s) && WEXITSTATUS(s) == %d}]", (s >> 8) & 0xff);
	} else if (s == 0xffff) {
		tprintf(b, "[{WIFCONTINUED(s)}]");
	} else if ((s & 0xff) == 0x7f) {
		tprintf(b, "[{WIFSTOPPED(s) && WSTOPSIG(s) == ");
		render_signal(b, (s >> 8) & 0xff);
		tprintf(b, "}]");
	} else {
		tprintf(b, "[{WIFSIGNALED(s) && WTERMSIG(s) == ");
		render_signal(b, s & 0x7f);
		tprintf(b, "%s}]", s & 0x80 ? " && WCOREDUMP(s)" : "");
	}
}

static void render_fd_pair(struct tbuf *b, u64 uaddr)
{
	int fds[2];

	if (copy_from_user(fds, uaddr, sizeof(fds)))
		trace_pointer(b, uaddr);
	else
		tprintf(b, "[%d, %d]", fds[0], fds[1]);
}

/* execve's argv: ["prog", "arg"], every string as strace shows it. */
static void render_argv(struct tbuf *b, u64 uaddr)
{
	u64 arg;

	tprintf(b, "[");
	for (int i = 0;; i++) {
		if (copy_from_user(&arg, uaddr + i * sizeof(arg), sizeof(arg))) {
			tprintf(b, "%s%#lx", i ? ", " : "",
				(unsigned long)(uaddr + i * sizeof(arg)));
			break;
		}
		if (!arg)
			break;
		tprintf(b, "%s", i ? ", " : "");
		render_string(b, arg);
	}
	tprintf(b, "]");
}

/* execve's envp, as strace abbreviates it: the address and the count. */
static void render_env_count(struct tbuf *b, u64 uaddr)
{
	u64 var;
	int n = 0;

	while (n < 100000 && !copy_from_user(&var, uaddr + n * sizeof(var), sizeof(var)) && var)
		n++;
	tprintf(b, "%#lx /* %d var%s */", (unsigned long)uaddr, n, n == 1 ? "" : "s");
}

/* mincore's vector: one byte a page, shown as strace shows it ([1, 0, ...]). */
static void render_page_vector(struct tbuf *b, u64 uaddr, u64 len)
{
	u64 pages = (len + 4095) / 4096;
	u8 v[SHOWN_BYTES];
	u64 n = MIN(pages, sizeof(v));

	if (copy_from_user(v, uaddr, n)) {
		trace_pointer(b, uaddr);
		return;
	}
	tprintf(b, "[");
	for (u64 i = 0; i < n; i++)
		tprintf(b, "%s%u", i ? ", " : "", v[i] & 1);
	tprintf(b, "%s]", pages > n ? ", ..." : "");
}

/* getdents64's buffer: its address and how many entries the call filled in. */
static void render_dirents(struct tbuf *b, u64 uaddr, long len)
{
	unsigned entries = 0;
	long off = 0;

	while (off + 19 <= len) {
		u16 reclen;

		if (copy_from_user(&reclen, uaddr + off + 16, sizeof(reclen)) || !reclen)
			break;
		entries++;
		off += reclen;
	}
	tprintf(b, "%#lx /* %u entries */", (unsigned long)uaddr, entries);
}

bool trace_arg_is_result(char kind)
{
	return (kind && strchr("BVTFwghQNEc", kind)) || trace_poll_is_result(kind) ||
	       trace_timer_kind_is_result(kind) || trace_files_is_result(kind);
}

/* What the call filled in, shown once it has returned; its address if it failed. */
static void render_result(struct tbuf *b, char kind, const u64 *args, int i, long ret)
{
	u64 v = args[i];

	if (ret < 0 || !v) {
		trace_pointer(b, v);
		return;
	}
	switch (kind) {
	case 'B':
		render_bytes(b, v, ret);
		break;
	case 'V':
		render_iovec(b, v, args[i + 1], ret);
		break;
	case 'T':
		render_timespec(b, v);
		break;
	case 'F':
		render_stat(b, v);
		break;
	case 'w':
		if (ret)
			render_wait_status(b, v);
		else
			trace_pointer(b, v);
		break;
	case 'g':
		render_sigset(b, v);
		break;
	case 'h':
		render_sigaction(b, v);
		break;
	case 'N':
		render_page_vector(b, v, args[i - 1]);
		break;
	case 'E':
		render_dirents(b, v, ret);
		break;
	case 'c':
		render_string(b, v);
		break;
	default: /* 'Q' */
		render_fd_pair(b, v);
		break;
	}
}

static void render_number(struct tbuf *b, char kind, u64 v)
{
	switch (kind) {
	case 'd':
	case 'f':
		tprintf(b, "%ld", (long)(int)v);
		break;
	case 'l':
		tprintf(b, "%ld", (long)v);
		break;
	case 'u':
		tprintf(b, "%lu", (unsigned long)v);
		break;
	case 'o':
		octal(b, v);
		break;
	case 'x':
		hex(b, v);
		break;
	case 'A': /* a directory fd of the *at() calls */
		if ((int)v == -100)
			tprintf(b, "AT_FDCWD");
		else
			tprintf(b, "%d", (int)v);
		break;
	default:
		trace_pointer(b, v);
		break;
	}
}

static const struct name_value *const constant_tables[128] = {
	['W'] = seek_whences,	  ['R'] = arch_prctl_codes, ['C'] = clock_ids,
	['k'] = sigprocmask_hows, ['L'] = fcntl_cmds,	    ['a'] = madvise_advice,
	['9'] = itimer_whiches,
};

static const struct flag_name *const flag_tables[128] = {
	['K'] = open_flags,   ['X'] = at_flags,	   ['D'] = mremap_flags,      ['Y'] = msync_flags,
	['Z'] = wait_options, ['e'] = fd_flags,	   ['m'] = access_modes,      ['j'] = efd_flags,
	['0'] = tfd_flags,    ['+'] = timer_flags, ['*'] = tfd_settime_flags, ['^'] = flock_ops,
};

void trace_render_arg(struct tbuf *b, char kind, const u64 *args, int i, long ret)
{
	u64 v = args[i];
	unsigned k = (unsigned char)kind;

	if (trace_poll_arg(b, kind, args, i, ret) || trace_render_timer_arg(b, kind, v, ret) ||
	    trace_files_arg(b, kind, v, ret))
		return;
	if (trace_arg_is_result(kind))
		render_result(b, kind, args, i, ret);
	else if (k < 128 && constant_tables[k])
		render_named(b, constant_tables[k], v, true);
	else if (k < 128 && flag_tables[k])
		trace_flags(b, v, flag_tables[k]);
	else if (kind == 's')
		render_string(b, v);
	else if (kind == 'r' && v)
		render_argv(b, v);
	else if (kind == 'n' && v)
		render_env_count(b, v);
	else if (kind == 'b')
		render_bytes(b, v, args[i + 1]);
	else if (kind == 'v')
		render_iovec(b, v, args[i + 1], ~0ULL);
	else if (kind == 'O')
		render_open_flags(b, v);
	else if (kind == 'P' && v)
		render_flags(b, NULL, v, prot_flags);
	else if (kind == 'P')
		tprintf(b, "PROT_NONE");
	else if (kind == 'M')
		render_map_flags(b, v);
	else if (kind == 'I')
		render_named(b, ioctl_requests, (u32)v, false);
	else if (kind == 'S')
		render_signal(b, v);
	else if (kind == 't')
		render_timespec(b, v);
	else if ((kind == 'G' || kind == 'H') && !v)
		trace_pointer(b, v);
	else if (kind == 'G')
		render_sigset(b, v);
	else if (kind == 'H')
		render_sigaction(b, v);
	else
		render_number(b, kind, v);
}
