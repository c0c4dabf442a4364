// SPDX-License-Identifier: MIT
/*
 * Exceptions and interrupts, after entry.S has saved the frame.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/debug.h>
#include <kernel/fault.h>
#include <kernel/irq.h>
#include <kernel/panic.h>
#include <kernel/pvm.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <kernel/trap.h>

struct ex_entry {
	u64 insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static const char *const exception_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range",
	"invalid opcode",
	"device not available",
	"double fault",
	"coprocessor overrun",
	"invalid TSS",
	"segment not present",
	"stack fault",
	"general protection fault",
	"page fault",
	"reserved",
	"x87 error",
	"alignment check",
	"machine check",
	"SIMD error",
	"virtualization exception",
	"control protection",
};

const char *exception_name(u64 vector)
{
	if (vector < 32 && exception_names[vector])
		return exception_names[vector];
	return "exception";
}

/* Kernel code that may fault on purpose (user copies, MSR probes) resumes at its fixup. */
static bool apply_fixup(struct trap_frame *f)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			return true;
		}
	}
	return false;
}

static void kernel_exception(struct trap_frame *f)
{
	if (f->vector == 14 && handle_kernel_page_fault(f))
		return;
	if (apply_fixup(f))
		return;
	if (debug_kernel_trap(f))
		return;
	panic_exception(f, exception_name(f->vector));
}

void trap_dispatch(struct trap_frame *f)
{
	/* Only a frame that came from user mode is on the process's own stack. */
	bool on_process_stack = f->cs & 3;

	if (f->vector >= 32) {
		pvm_fixup_sysret_window(f);
		pvm_fixup_idle(f);
	}
	/* After the fixup: an interrupt in the sysret window came from user mode. */
	if (f->cs & 3)
		account_kernel_entry();
	if (f->vector >= 32) {
		handle_interrupt(f);
	} else if (!(f->cs & 3)) {
		kernel_exception(f);
	} else {
		handle_user_exception(f);
	}
	if (f->cs & 3)
		user_return_work(f, on_process_stack);
}
