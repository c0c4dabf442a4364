// SPDX-License-Identifier: MIT
/*
 * Syscall dispatch: the table built from every SYSCALL() descriptor, and
 * the count of unimplemented calls reported at the end of the run. The
 * trace (--trace-syscalls) is trace.c's.
 */
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/errno.h>
#include <kernel/format.h>
#include <kernel/panic.h>
#include <kernel/plsys.h>
#include <kernel/proc.h>
#include <kernel/syscall.h>
#include <kernel/trace.h>

#define MAX_SYSCALL 512

extern const struct syscall_desc __syscalls_start[], __syscalls_end[];
extern const char *const linux_syscall_names[];
extern const unsigned long linux_syscall_count;

static const struct syscall_desc *table[MAX_SYSCALL];
/* pagelab's own calls, PL_SYS_BASE + 0 .. PL_SYS_COUNT - 1 */
static const struct syscall_desc *pl_table[PL_SYS_COUNT];
static u32 unimplemented[MAX_SYSCALL];
static bool tracing;

static struct trace *trace_buf;

void syscall_init(void)
{
	char opt[8];

	for (const struct syscall_desc *d = __syscalls_start; d < __syscalls_end; d++)
		if (d->nr < MAX_SYSCALL)
			table[d->nr] = d;
		else if (d->nr - PL_SYS_BASE < PL_SYS_COUNT)
			pl_table[d->nr - PL_SYS_BASE] = d;
	tracing = boot_option("trace", opt, sizeof(opt)) != NULL;
	if (tracing && !(trace_buf = trace_new()))
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

static bool never_returns(u64 nr)
{
	return nr == __NR_exit || nr == __NR_exit_group;
}

void syscall_dispatch(struct trap_frame *f)
{
	u64 nr = f->rax, args[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
	const struct syscall_desc *d = nr < MAX_SYSCALL ? table[nr]
				       : nr - PL_SYS_BASE < PL_SYS_COUNT
					   ? pl_table[nr - PL_SYS_BASE]
					   : NULL;
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
