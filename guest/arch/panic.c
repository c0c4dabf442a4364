// SPDX-License-Identifier: MIT
/*
 * The kernel's last words: a struct pl_panic_report the host prints in its
 * report before ending the run with PL_EXIT_GUEST_PANIC.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/format.h>
#include <kernel/mm.h>
#include <kernel/panic.h>

static struct pl_panic_report report;

static __noreturn void send_report(u64 nr)
{
	console_flush();
	hypercall(nr, kernel_virt_to_phys(&report), 0, 0, 0);
	/* The host ends the run on PL_HC_PANIC; halting is the fallback. */
	arch_halt();
}

__noreturn void panic(const char *fmt, ...)
{
	va_list ap;

	irq_disable();
	va_start(ap, fmt);
	kvsnprintf(report.message, sizeof(report.message), fmt, ap);
	va_end(ap);
	report.vector = ~0ULL;
	report.rip = (u64)__builtin_return_address(0);
	report.cr3 = read_cr3();
	send_report(PL_HC_PANIC);
}

/*
 * Not the kernel's failure but the program's (a process reading a pipe
 * only it could write, say): the host ends the run with its own status
 * and the blocked processes named in the message.
 */
__noreturn void kernel_deadlock(const char *blocked)
{
	irq_disable();
	ksnprintf(report.message, sizeof(report.message), "%s", blocked);
	report.vector = ~0ULL;
	report.rip = (u64)__builtin_return_address(0);
	report.cr3 = read_cr3();
	send_report(PL_HC_DEADLOCK);
}

__noreturn void panic_exception(const struct trap_frame *f, const char *what)
{
	irq_disable();
	ksnprintf(report.message, sizeof(report.message), "%s in kernel mode", what);
	report.vector = f->vector;
	report.error_code = f->error;
	report.rip = f->rip;
	report.cr2 = f->vector == 14 ? read_cr2() : 0;
	report.cr3 = read_cr3();
	send_report(PL_HC_PANIC);
}
