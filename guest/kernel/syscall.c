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
#include <kernel/sched.h>
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

void syscall_init(void)
{
	static char filter[1024];

	for (const struct syscall_desc *d = __syscalls_start; d < __syscalls_end; d++)
		if (d->nr < MAX_SYSCALL)
			table[d->nr] = d;
		else if (d->nr - PL_SYS_BASE < PL_SYS_COUNT)
			pl_table[d->nr - PL_SYS_BASE] = d;
	tracing = boot_option("trace", filter, sizeof(filter)) != NULL;
	if (tracing)
		trace_filter_init(filter);
}

const char *syscall_name(u64 nr)
{
	if (nr - PL_SYS_BASE < PL_SYS_COUNT && pl_table[nr - PL_SYS_BASE])
		return pl_table[nr - PL_SYS_BASE]->name;
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

static long call(const struct syscall_desc *d, u64 nr, const u64 *args)
{
	if (d)
		return d->fn(args[0], args[1], args[2], args[3], args[4], args[5]);
	if (nr < MAX_SYSCALL)
		unimplemented[nr]++;
	return -ENOSYS;
}

/*
 * The traced path keeps the rendered arguments on this process's kernel
 * stack, so a call that blocks is printed with its own arguments however
 * the calls of other processes interleave with it.
 */
static __noinline long call_traced(const struct syscall_desc *d, u64 nr, const u64 *args)
{
	struct trace t;
	long ret;

	trace_before(&t, d, nr, args);
	if (never_returns(nr))
		trace_after(&t, nr, args, 0, false);
	ret = call(d, nr, args);
	trace_after(&t, nr, args, ret, true);
	return ret;
}

void syscall_dispatch(struct trap_frame *f)
{
	u64 nr = f->rax, args[6] = { f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9 };
	const struct syscall_desc *d = nr < MAX_SYSCALL ? table[nr]
				       : nr - PL_SYS_BASE < PL_SYS_COUNT
					   ? pl_table[nr - PL_SYS_BASE]
					   : NULL;

	account_kernel_entry();
	current->syscall_nr = nr;
	if (unlikely(tracing) && trace_wanted(nr))
		f->rax = call_traced(d, nr, args);
	else
		f->rax = call(d, nr, args);
	user_return_work(f, true);
}
