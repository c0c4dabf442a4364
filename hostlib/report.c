// SPDX-License-Identifier: MIT
/*
 * How a run ended, in numbers (exit statuses) and in one paragraph for
 * the person reading stderr: what happened, where the vCPU was, and the
 * last thing the guest printed (usually the best clue).
 */
#include <inttypes.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "sandbox.h"

uint64_t pl_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int pl_exit_status(enum pl_end end, int guest_status)
{
	switch (end) {
	case PL_END_EXIT:
		return guest_status & 0xff;
	case PL_END_PANIC:
		return PL_EXIT_GUEST_PANIC;
	case PL_END_TRIPLE_FAULT:
		return PL_EXIT_TRIPLE_FAULT;
	case PL_END_HALTED:
		return PL_EXIT_HALTED;
	case PL_END_KVM_ERROR:
		return PL_EXIT_KVM_ERROR;
	case PL_END_BAD_GUEST:
		return PL_EXIT_BAD_GUEST;
	case PL_END_TIMEOUT:
		return PL_EXIT_TIMEOUT;
	case PL_END_DEADLOCK:
		return PL_EXIT_DEADLOCK;
	case PL_END_NONE:
	case PL_END_VMM_ERROR:
		break;
	}
	return PL_EXIT_VMM_ERROR;
}

const char *pl_end_name(enum pl_end end)
{
	static const char *const names[] = {
		[PL_END_NONE] = "not run",	  [PL_END_EXIT] = "exit",
		[PL_END_PANIC] = "panic",	  [PL_END_TRIPLE_FAULT] = "triple fault",
		[PL_END_HALTED] = "halted",	  [PL_END_KVM_ERROR] = "kvm error",
		[PL_END_BAD_GUEST] = "bad guest", [PL_END_VMM_ERROR] = "vmm error",
		[PL_END_TIMEOUT] = "timeout",	  [PL_END_DEADLOCK] = "deadlock",
	};

	return (unsigned)end < sizeof(names) / sizeof(names[0]) ? names[end] : "?";
}

const char *pl_exit_kind_name(enum pl_exit_kind kind)
{
	static const char *const names[] = {
		[PL_XK_PIO] = "pio",	 [PL_XK_MMIO] = "mmio",		[PL_XK_HLT] = "hlt",
		[PL_XK_INTR] = "intr",	 [PL_XK_SHUTDOWN] = "shutdown", [PL_XK_ERROR] = "error",
		[PL_XK_OTHER] = "other",
	};

	return (unsigned)kind < PL_XK_COUNT ? names[kind] : "?";
}

void pl_sandbox_end(struct pl_sandbox *sb, enum pl_end end, int guest_status, const char *fmt, ...)
{
	va_list ap;

	if (sb->ended)
		return;
	sb->ended = true;
	sb->res.end = end;
	sb->res.guest_status = guest_status;
	sb->res.exit_status = pl_exit_status(end, guest_status);
	va_start(ap, fmt);
	vsnprintf(sb->what, sizeof(sb->what), fmt, ap);
	va_end(ap);
}

static const char *vector_name(uint64_t v)
{
	static const char *const names[] = {
		"#DE divide error",
		"#DB debug",
		"NMI",
		"#BP breakpoint",
		"#OF overflow",
		"#BR bound range",
		"#UD invalid opcode",
		"#NM no FPU",
		"#DF double fault",
		"coprocessor",
		"#TS invalid TSS",
		"#NP segment not present",
		"#SS stack fault",
		"#GP general protection",
		"#PF page fault",
		"reserved",
		"#MF x87 error",
		"#AC alignment check",
		"#MC machine check",
		"#XM SIMD error",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "interrupt";
}

struct cpu_state {
	bool valid;
	uint64_t rip, cr2, cr3;
};

static struct cpu_state vcpu_state(const struct pl_sandbox *sb)
{
	struct cpu_state c = { 0 };
	struct kvm_regs r;
	struct kvm_sregs s;

	if (sb->have_panic)
		return (struct cpu_state){ true, sb->panic.rip, sb->panic.cr2, sb->panic.cr3 };
	if (sb->kvm.vcpu < 0 || ioctl(sb->kvm.vcpu, KVM_GET_REGS, &r) < 0 ||
	    ioctl(sb->kvm.vcpu, KVM_GET_SREGS, &s) < 0)
		return c;
	return (struct cpu_state){ true, r.rip, s.cr2, s.cr3 };
}

static int headline(const struct pl_sandbox *sb, char *buf, size_t len)
{
	const struct pl_panic_report *p = &sb->panic;
	double secs = sb->timeout_ms / 1000.0;

	switch (sb->res.end) {
	case PL_END_PANIC:
		if (!sb->have_panic)
			return snprintf(buf, len, "%s", sb->what);
		if (p->vector == ~0ULL)
			return snprintf(buf, len, "the guest kernel panicked: %s", p->message);
		return snprintf(buf, len,
				"the guest kernel panicked: %s (exception %" PRIu64
				", %s, error code 0x%" PRIx64 ")",
				p->message, p->vector, vector_name(p->vector), p->error_code);
	case PL_END_TRIPLE_FAULT:
		return snprintf(buf, len,
				"the guest triple-faulted (KVM_EXIT_SHUTDOWN): it took "
				"an exception it could not handle");
	case PL_END_HALTED:
		return snprintf(buf, len,
				"the guest halted with interrupts off (KVM_EXIT_HLT), "
				"so nothing could wake it");
	case PL_END_KVM_ERROR:
		return snprintf(buf, len, "KVM could not run the guest: %s", sb->what);
	case PL_END_BAD_GUEST:
		return snprintf(buf, len, "the guest broke the device protocol: %s", sb->what);
	case PL_END_VMM_ERROR:
		return snprintf(buf, len, "host failure while running the guest: %s", sb->what);
	case PL_END_TIMEOUT:
		return snprintf(buf, len,
				"the guest did not end within the %g s timeout%s%s and "
				"was stopped",
				secs, sb->what[0] ? " while " : "", sb->what);
	case PL_END_DEADLOCK:
		return snprintf(buf, len,
				"the program deadlocked: every process in the guest is blocked "
				"and nothing can wake one (%s); natively it would hang",
				sb->have_panic ? p->message : sb->what);
	default:
		return snprintf(buf, len, "%s", sb->what);
	}
}

void pl_report_build(struct pl_sandbox *sb)
{
	char *buf = sb->res.report, last[160];
	size_t len = sizeof(sb->res.report), n;
	struct cpu_state c;

	buf[0] = '\0';
	if (sb->res.end == PL_END_EXIT || sb->res.end == PL_END_NONE)
		return;
	n = snprintf(buf, len, "pagelab: ");
	n += headline(sb, buf + n, len - n);
	c = vcpu_state(sb);
	if (n < len && c.valid)
		n += snprintf(buf + n, len - n,
			      ". RIP 0x%" PRIx64 ", CR2 0x%" PRIx64 ", CR3 0x%" PRIx64, c.rip,
			      c.cr2, c.cr3);
	pl_console_last_line(&sb->con, last, sizeof(last));
	if (n < len)
		snprintf(buf + n, len - n,
			 last[0] ? ". Last console line: \"%s\"."
				 : ". The guest printed nothing on its console.",
			 last);
}

static const char *event_name(uint64_t kind)
{
	switch (kind) {
	case PL_EVENT_TRAPS:
		return "traps";
	case PL_EVENT_EXEC_MODE:
		return "exec-mode";
	case PL_EVENT_CHECKPOINT:
		return "checkpoint";
	default:
		return NULL;
	}
}

void pl_result_print_stats(const struct pl_result *res, FILE *f)
{
	static const char *const hc_names[PL_HC_COUNT] = {
		"unknown",  "write",	 "read",       "event",	    "panic",
		"deadlock", "core-open", "core-write", "core-close"
	};

	fprintf(f, "pagelab: stats: %" PRIu64 " exits:", res->exits_total);
	for (int k = 0; k < PL_XK_COUNT; k++)
		fprintf(f, "%s %s %" PRIu64, k ? "," : "", pl_exit_kind_name(k), res->exits[k]);
	fprintf(f, "\npagelab: stats: hypercalls:");
	for (int i = 1; i <= PL_HC_COUNT; i++)
		fprintf(f, "%s %s %" PRIu64, i > 1 ? "," : "", hc_names[i % PL_HC_COUNT],
			res->hypercalls[i % PL_HC_COUNT]);
	fprintf(f,
		"; uart bytes %" PRIu64 "; rom writes %" PRIu64 "; core files %" PRIu64
		"; run %.3f ms; end: %s\n",
		res->uart_bytes, res->rom_writes, res->cores, res->run_ns / 1e6,
		pl_end_name(res->end));
	for (size_t i = 0; i < res->nevents; i++) {
		const char *name = event_name(res->events[i].kind);

		if (name)
			fprintf(f, "pagelab: event %s %" PRIu64 "\n", name, res->events[i].value);
		else
			fprintf(f, "pagelab: event %" PRIu64 " %" PRIu64 "\n", res->events[i].kind,
				res->events[i].value);
	}
	if (res->events_dropped)
		fprintf(f, "pagelab: %" PRIu64 " events dropped\n", res->events_dropped);
}
