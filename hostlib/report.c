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
	case PL_END_ASSERT:
		return PL_EXIT_GUEST_ASSERT;
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
		[PL_END_ASSERT] = "assertion",
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

const char *pl_exception_name(uint64_t v)
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

static int assertion_headline(const struct pl_stop *st, char *buf, size_t len)
{
	int n = snprintf(buf, len, "the program (pid %d) failed an assertion at %s:%" PRIu64 ": %s",
			 st->pid, st->assertion.file, st->assertion.line, st->assertion.expr);

	if (st->assertion.nvalues == 2 && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " (0x%" PRIx64 " vs 0x%" PRIx64 ")",
			      st->assertion.a, st->assertion.b);
	else if (st->assertion.nvalues == 1 && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, " (0x%" PRIx64 ")", st->assertion.a);
	return n;
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
				p->message, p->vector, pl_exception_name(p->vector), p->error_code);
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
	case PL_END_ASSERT:
		return assertion_headline(&sb->stop, buf, len);
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
	case PL_EVENT_BOOT_NS:
		return "boot-ns";
	case PL_EVENT_CHECKPOINT:
		return "checkpoint";
	default:
		return NULL;
	}
}

/* One line per device that did something: accesses and its own counters. */
static void print_devices(const struct pl_result *res, FILE *f)
{
	for (unsigned i = 0; i < res->ndevices && i < PL_DEVICES_MAX; i++) {
		const struct pl_device_stats *d = &res->device[i];
		bool any = d->reads || d->writes || d->errors;
		const char *sep = ":";

		for (unsigned c = 0; c < d->ncounters && c < PL_DEVICE_COUNTERS; c++)
			any |= d->counter[c].value != 0;
		if (!any)
			continue;
		fprintf(f, "pagelab: stats: device %s", d->name);
		/* A device without windows (the console) is reached otherwise: no accesses to show. */
		if (d->reads || d->writes || d->errors) {
			fprintf(f, ": reads %" PRIu64 ", writes %" PRIu64, d->reads, d->writes);
			sep = ",";
		}
		if (d->errors)
			fprintf(f, ", errors %" PRIu64, d->errors);
		for (unsigned c = 0; c < d->ncounters && c < PL_DEVICE_COUNTERS; c++)
			if (d->counter[c].value) {
				fprintf(f, "%s %s %" PRIu64, sep, d->counter[c].name,
					d->counter[c].value);
				sep = ",";
			}
		fputc('\n', f);
	}
}

void pl_result_print_stats(const struct pl_result *res, FILE *f)
{
	fprintf(f, "pagelab: stats: %" PRIu64 " exits:", res->exits_total);
	for (int k = 0; k < PL_XK_COUNT; k++)
		fprintf(f, "%s %s %" PRIu64, k ? "," : "", pl_exit_kind_name(k), res->exits[k]);
	fprintf(f, "; stops %" PRIu64 "; run %.3f ms; end: %s\n", res->stops, res->run_ns / 1e6,
		pl_end_name(res->end));
	print_devices(res, f);
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

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_devices(const struct pl_result *res, FILE *f)
{
	fputs("\"devices\":{", f);
	for (unsigned i = 0; i < res->ndevices && i < PL_DEVICES_MAX; i++) {
		const struct pl_device_stats *d = &res->device[i];

		fputs(i ? "," : "", f);
		json_string(f, d->name);
		fprintf(f, ":{\"reads\":%" PRIu64 ",\"writes\":%" PRIu64 ",\"errors\":%" PRIu64,
			d->reads, d->writes, d->errors);
		fputs(",\"counters\":{", f);
		for (unsigned c = 0; c < d->ncounters && c < PL_DEVICE_COUNTERS; c++) {
			fputs(c ? "," : "", f);
			json_string(f, d->counter[c].name);
			fprintf(f, ":%" PRIu64, d->counter[c].value);
		}
		fputs("}}", f);
	}
	fputs("}", f);
}

static void json_events(const struct pl_result *res, FILE *f)
{
	fputs("\"events\":[", f);
	for (size_t i = 0; i < res->nevents; i++) {
		const char *name = event_name(res->events[i].kind);

		fputs(i ? ",{\"kind\":" : "{\"kind\":", f);
		if (name)
			json_string(f, name);
		else
			fprintf(f, "%" PRIu64, res->events[i].kind);
		fprintf(f, ",\"value\":%" PRIu64 "}", res->events[i].value);
	}
	fprintf(f, "],\"events_dropped\":%" PRIu64, res->events_dropped);
}

/*
 * The same figures as one JSON object on one line, as Firecracker's
 * metrics are, for a program to read: names are the text form's.
 */
void pl_result_print_stats_json(const struct pl_result *res, FILE *f)
{
	fputs("{\"end\":", f);
	json_string(f, pl_end_name(res->end));
	fprintf(f,
		",\"guest_status\":%d,\"exit_status\":%d,\"run_ns\":%" PRIu64 ",\"stops\":%" PRIu64,
		res->guest_status, res->exit_status, res->run_ns, res->stops);
	fprintf(f, ",\"exits\":{\"total\":%" PRIu64, res->exits_total);
	for (int k = 0; k < PL_XK_COUNT; k++) {
		fputc(',', f);
		json_string(f, pl_exit_kind_name(k));
		fprintf(f, ":%" PRIu64, res->exits[k]);
	}
	fputs("},", f);
	json_devices(res, f);
	fputc(',', f);
	json_events(res, f);
	fputs("}\n", f);
}
