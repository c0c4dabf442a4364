// SPDX-License-Identifier: MIT
/*
 * How a run ends: the process exit status for every end, and the report
 * a person reads (what happened, the last console line).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_sandbox.h"

#define MEM (16ULL << 20)

static void test_status_mapping(void **state)
{
	(void)state;
	assert_int_equal(pl_exit_status(PL_END_EXIT, 0), 0);
	assert_int_equal(pl_exit_status(PL_END_EXIT, 1), 1);
	assert_int_equal(pl_exit_status(PL_END_EXIT, 255), 255);
	assert_int_equal(pl_exit_status(PL_END_EXIT, 128 + 11), 139); /* SIGSEGV, as a shell */
	assert_int_equal(pl_exit_status(PL_END_PANIC, 0), PL_EXIT_GUEST_PANIC);
	assert_int_equal(pl_exit_status(PL_END_TRIPLE_FAULT, 0), PL_EXIT_TRIPLE_FAULT);
	assert_int_equal(pl_exit_status(PL_END_KVM_ERROR, 0), PL_EXIT_KVM_ERROR);
	assert_int_equal(pl_exit_status(PL_END_BAD_GUEST, 0), PL_EXIT_BAD_GUEST);
	assert_int_equal(pl_exit_status(PL_END_HALTED, 0), PL_EXIT_HALTED);
	assert_int_equal(pl_exit_status(PL_END_VMM_ERROR, 0), PL_EXIT_VMM_ERROR);
	assert_int_equal(pl_exit_status(PL_END_TIMEOUT, 0), PL_EXIT_TIMEOUT);
	assert_int_equal(pl_exit_status(PL_END_DEADLOCK, 0), PL_EXIT_DEADLOCK);
	assert_int_equal(pl_exit_status(PL_END_NONE, 0), PL_EXIT_VMM_ERROR);
	/* Only the guest's own status is passed through. */
	assert_int_equal(pl_exit_status(PL_END_PANIC, 7), PL_EXIT_GUEST_PANIC);
}

/* Every abnormal end has its own non-zero status, and none is a usage error. */
static void test_statuses_distinct(void **state)
{
	int seen[256] = { 0 };

	(void)state;
	for (int e = PL_END_PANIC; e <= PL_END_DEADLOCK; e++) {
		int s = pl_exit_status(e, 0);

		assert_true(s > 0 && s < 256 && s != PL_EXIT_USAGE);
		assert_int_equal(seen[s], 0);
		seen[s] = 1;
		assert_string_not_equal(pl_end_name(e), "?");
	}
}

static struct fake *ended(enum pl_end end, const char *what, const char *console)
{
	struct fake *f = fake_new(MEM, -1);

	if (console)
		pl_console_write(&f->sb.con, PL_STREAM_CONSOLE, console, strlen(console));
	pl_sandbox_end(&f->sb, end, 0, "%s", what);
	pl_report_build(&f->sb);
	return f;
}

static void report_has(enum pl_end end, const char *what, const char *want)
{
	struct fake *f = ended(end, what, "booting\nlast words\n");

	assert_non_null(strstr(f->sb.res.report, "pagelab: "));
	assert_non_null(strstr(f->sb.res.report, want));
	assert_non_null(strstr(f->sb.res.report, "\"last words\""));
	assert_null(strchr(f->sb.res.report, '\n')); /* one paragraph, one line */
	fake_free(f);
}

static void test_reports(void **state)
{
	(void)state;
	report_has(PL_END_TRIPLE_FAULT, "", "triple-faulted");
	report_has(PL_END_HALTED, "", "halted");
	report_has(PL_END_KVM_ERROR, "KVM_EXIT_FAIL_ENTRY, reason 0x21", "reason 0x21");
	report_has(PL_END_BAD_GUEST, "write to unassigned port 0x80", "port 0x80");
	report_has(PL_END_VMM_ERROR, "KVM_RUN failed: Bad address", "KVM_RUN failed");
	report_has(PL_END_TIMEOUT, "", "timeout");
	report_has(PL_END_DEADLOCK, "", "the program deadlocked");
}

static void test_no_report_for_exit(void **state)
{
	struct fake *f = ended(PL_END_EXIT, "exit", "bye\n");

	(void)state;
	assert_string_equal(f->sb.res.report, "");
	fake_free(f);
}

static void test_first_end_wins(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	pl_sandbox_end(&f->sb, PL_END_EXIT, 3, "exit");
	pl_sandbox_end(&f->sb, PL_END_TIMEOUT, 0, "late");
	assert_int_equal(f->sb.res.end, PL_END_EXIT);
	assert_int_equal(f->sb.res.exit_status, 3);
	fake_free(f);
}

static void test_last_line(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	char last[64];

	(void)state;
	pl_console_last_line(&f->sb.con, last, sizeof(last));
	assert_string_equal(last, "");
	pl_console_write(&f->sb.con, PL_STREAM_CONSOLE, "one\r\ntwo\n\n", 10);
	pl_console_last_line(&f->sb.con, last, sizeof(last));
	assert_string_equal(last, "two"); /* blank lines and \r do not count */
	/* Program output is not the console. */
	pl_console_write(&f->sb.con, PL_STREAM_STDOUT, "stdout\n", 7);
	pl_console_last_line(&f->sb.con, last, sizeof(last));
	assert_string_equal(last, "two");
	/* UART bytes not yet flushed, without a newline, came last. */
	pl_console_putc(&f->sb.con, 'p');
	pl_console_putc(&f->sb.con, '\x1b');
	pl_console_putc(&f->sb.con, 'q');
	pl_console_last_line(&f->sb.con, last, sizeof(last));
	assert_string_equal(last, "p?q"); /* control characters are not passed on */
	pl_console_last_line(&f->sb.con, last, 3);
	assert_string_equal(last, "p?");
	fake_free(f);
}

static void test_report_without_output(void **state)
{
	struct fake *f = ended(PL_END_TRIPLE_FAULT, "", NULL);

	(void)state;
	assert_non_null(strstr(f->sb.res.report, "printed nothing"));
	fake_free(f);
}

static void test_stats(void **state)
{
	struct pl_event ev[3] = { { PL_EVENT_TRAPS, 1234 }, { PL_EVENT_CHECKPOINT, 7 }, { 99, 5 } };
	struct pl_result res = {
		.end = PL_END_EXIT, .exits_total = 12, .events = ev, .nevents = 3
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	res.exits[PL_XK_PIO] = 11;
	res.exits[PL_XK_MMIO] = 1;
	res.ndevices = 2;
	snprintf(res.device[0].name, sizeof(res.device[0].name), "hypercall");
	res.device[0].writes = 10;
	res.device[0].ncounters = 2;
	snprintf(res.device[0].counter[0].name, PL_NAME_MAX, "write");
	res.device[0].counter[0].value = 9;
	snprintf(res.device[0].counter[1].name, PL_NAME_MAX, "deadlock");
	snprintf(res.device[1].name, sizeof(res.device[1].name), "idle");
	pl_result_print_stats(&res, f);
	fclose(f);
	assert_non_null(strstr(text, "12 exits"));
	assert_non_null(strstr(text, "pio 11"));
	assert_non_null(strstr(text, "mmio 1"));
	assert_non_null(strstr(text, "device hypercall: reads 0, writes 10, write 9\n"));
	assert_null(strstr(text, "deadlock")); /* counters at 0 are left out */
	assert_null(strstr(text, "idle"));     /* and devices nobody touched */
	assert_non_null(strstr(text, "event traps 1234\n"));
	assert_non_null(strstr(text, "event checkpoint 7\n"));
	assert_non_null(strstr(text, "event 99 5\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_mapping),
		cmocka_unit_test(test_statuses_distinct),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_no_report_for_exit),
		cmocka_unit_test(test_first_end_wins),
		cmocka_unit_test(test_last_line),
		cmocka_unit_test(test_report_without_output),
		cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
