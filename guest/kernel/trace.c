// SPDX-License-Identifier: MIT
/*
 * --trace-syscalls: one line per system call, as strace prints it, for
 * people learning how a program talks to its kernel. The arguments are
 * trace_args.c's; this file decides which calls are traced (a filter of
 * names and strace's %classes), renders the result and lays out the line
 * ("= " at column 40, errors with their message), and sends it to the
 * host's trace stream.
 */
#include <pagelab/abi.h>

#include <kernel/console.h>
#include <kernel/format.h>
#include <kernel/proc.h>
#include <kernel/string.h>
#include <kernel/syscall.h>
#include <kernel/trace.h>
#include <kernel/trace_args.h>
#include <kernel/trace_class.h>
#include <kernel/trace_names.h>

#define TRACE_MAX_NR  512
#define RESULT_COLUMN 40 /* strace -a's default */

static u64 traced[TRACE_MAX_NR / 64];
/* No filter: pagelab's own calls too, which a filter of Linux names cannot name. */
static bool trace_all;

static void trace_nr(const char *name, size_t len)
{
	for (u64 nr = 0; nr < TRACE_MAX_NR; nr++) {
		const char *n = syscall_name(nr);

		if (n && strlen(n) == len && !strncmp(n, name, len))
			traced[nr / 64] |= 1ULL << (nr % 64);
	}
}

/*
 * filter: "" for every call, else names and %classes separated by commas
 * (the host has checked them). A name this kernel has no number for is
 * left out, as strace leaves out calls of another architecture.
 */
void trace_filter_init(const char *filter)
{
	if (!*filter) {
		memset(traced, 0xff, sizeof(traced));
		trace_all = true;
		return;
	}
	while (*filter) {
		const char *end = strchr(filter, ',');
		size_t len = end ? (size_t)(end - filter) : strlen(filter);
		const char *const *members = trace_class_members(filter, len);

		if (members)
			for (; *members; members++)
				trace_nr(*members, strlen(*members));
		else
			trace_nr(filter, len);
		filter += len + (end != NULL);
	}
}

bool trace_wanted(u64 nr)
{
	return nr >= TRACE_MAX_NR ? trace_all : (traced[nr / 64] >> (nr % 64)) & 1;
}

#define O_CREAT_BIT   00000100
#define O_TMPFILE_BIT 020000000
#define F_GETFD	      1
#define F_GETFL	      3

/*
 * A call's argument kinds are its descriptor's, but strace shows some
 * arguments only where they mean something: open's mode with O_CREAT or
 * O_TMPFILE, mq_open's mode and attributes with O_CREAT, fcntl's third argument as its command reads it.
 */
static void choose_kinds(struct trace *t, const struct syscall_desc *d, u64 nr, const u64 *args)
{
	const char *fmt = d ? d->args : "xxxxxx";

	t->nargs = MIN(strlen(fmt), sizeof(t->kinds) - 1);
	memcpy(t->kinds, fmt, t->nargs);
	if ((nr == __NR_open && !(args[1] & (O_CREAT_BIT | O_TMPFILE_BIT))) ||
	    (nr == __NR_openat && !(args[2] & (O_CREAT_BIT | O_TMPFILE_BIT))))
		t->nargs--;
	if (nr == __NR_mq_open && !(args[1] & O_CREAT_BIT))
		t->nargs = 2;
	if (nr == __NR_fcntl)
		trace_fcntl_kinds(t->kinds, &t->nargs, args[1]);
}

/*
 * Arguments are rendered before the call (execve replaces the memory they
 * point to, exit never returns) except what the call fills in.
 */
void trace_before(struct trace *t, const struct syscall_desc *d, u64 nr, const u64 *args)
{
	choose_kinds(t, d, nr, args);
	for (int i = 0; i < t->nargs; i++) {
		struct tbuf b = { t->args[i], sizeof(t->args[i]), 0 };

		t->args[i][0] = 0;
		if (!trace_arg_is_result(t->kinds[i]))
			trace_render_arg(&b, t->kinds[i], args, i, 0);
	}
	if (nr == __NR_restart_syscall && current->restart.fn) {
		/* strace names the call it goes on with */
		struct tbuf b = { t->args[0], sizeof(t->args[0]), 0 };

		t->nargs = 1;
		tprintf(&b, "<... resuming interrupted %s ...>", syscall_name(current->restart.nr));
	}
}

/* How strace shows a result: addresses in hex, a umask in octal, errors with their text. */
static void render_return(struct tbuf *b, u64 nr, const u64 *args, long ret)
{
	const char *name, *text;

	if (ret < 0 && ret > -4096) {
		/* A call a signal interrupted, to be restarted, has no result yet: "? ERESTARTSYS". */
		const char *result = -ret >= 512 && -ret <= 516 ? "?" : "-1";

		if (errno_describe(-ret, &name, &text))
			tprintf(b, "%s %s (%s)", result, name, text);
		else
			tprintf(b, "-1 E??? (%ld)", -ret);
	} else if (nr == __NR_fcntl && ((ret > 0 && args[1] == F_GETFD) || args[1] == F_GETFL)) {
		u64 flags[1] = { ret };

		tprintf(b, "%#lx (flags ", (unsigned long)ret);
		trace_render_arg(b, args[1] == F_GETFD ? 'e' : 'O', flags, 0, 0);
		tprintf(b, ")");
	} else if (nr == __NR_rt_sigtimedwait && ret > 0) {
		char sig[8];
		const char *n = signal_short_name((int)ret, sig, sizeof(sig));

		tprintf(b, "%ld (SIG%s)", ret, n ? n : "?");
	} else if (nr == __NR_mmap || nr == __NR_mremap || nr == __NR_brk) {
		tprintf(b, "%#lx", (unsigned long)ret);
	} else if (nr == __NR_umask) {
		tprintf(b, "%s%lo", ret < 010 ? "00" : "0", (unsigned long)ret);
	} else {
		tprintf(b, "%ld", ret);
		trace_poll_return(b, nr, args, ret);
	}
}

void trace_after(struct trace *t, u64 nr, const u64 *args, long ret, bool returns)
{
	char line[1400];
	struct tbuf b = { line, sizeof(line) - 1, 0 };
	const char *name = syscall_name(nr);

	tprintf(&b, "[pid %d] %s(", current->pid, name ? name : "?");
	for (int i = 0; i < t->nargs; i++) {
		if (trace_arg_is_result(t->kinds[i])) {
			struct tbuf arg = { t->args[i], sizeof(t->args[i]), 0 };

			trace_render_arg(&arg, t->kinds[i], args, i, ret);
		}
		tprintf(&b, "%s%s", t->args[i], i + 1 < t->nargs ? ", " : "");
	}
	tprintf(&b, ")");
	tprintf(&b, "%*s= ", b.len < RESULT_COLUMN ? (int)(RESULT_COLUMN - b.len) : 1, "");
	if (returns)
		render_return(&b, nr, args, ret);
	else
		tprintf(&b, "?");
	line[b.len++] = '\n';
	console_trace(line, b.len);
}
