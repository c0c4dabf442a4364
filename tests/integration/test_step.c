// SPDX-License-Identifier: MIT
/*
 * The resumable run and the device model, through libpagelab with the VMM
 * test kernels: stops at checkpoints and assertions, memory changed while
 * stopped, pauses asked for from another thread or a signal handler, a
 * host program's device on the port bus, and every misuse refused with a
 * message while the sandbox stays usable.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>

#include "common.h"

#define PORT_DEVICE 0x600

static struct pl_sandbox *create_with(const char *fixture_name, uint64_t timeout_ms,
				      enum pl_seccomp seccomp, FILE *report)
{
	struct pl_config cfg = {
		.memory = 16 << 20,
		.kernel = fixture(fixture_name),
		.timeout_ms = timeout_ms,
		.console = quiet,
		.out = quiet,
		.err = quiet,
		.report = report ? report : quiet,
		.no_stdin = true,
		.seccomp = seccomp,
	};
	struct pl_sandbox *sb = pl_sandbox_create(&cfg);

	if (!sb)
		fail_msg("pl_sandbox_create: %s", pl_error());
	return sb;
}

/* Thread goes on after the run (cmocka, more sandboxes): no filter, as test_library. */
static struct pl_sandbox *create(const char *fixture_name, uint64_t timeout_ms)
{
	return create_with(fixture_name, timeout_ms, PL_SECCOMP_OFF, NULL);
}

/* A port device: a read answers the last value written plus one, or what the test set. */
struct adder {
	struct pl_device dev;
	uint32_t last;
	int read_result; /* 0: len */
	bool destroyed;
};

static int adder_read(struct pl_device *dev, unsigned window, uint64_t offset, void *data,
		      unsigned len)
{
	struct adder *a = dev->opaque;
	uint32_t v = a->last + 1;

	(void)window;
	(void)offset;
	memcpy(data, &v, len < 4 ? len : 4);
	dev->counter[0]++;
	return a->read_result ? a->read_result : (int)len;
}

static int adder_write(struct pl_device *dev, unsigned window, uint64_t offset, const void *data,
		       unsigned len)
{
	struct adder *a = dev->opaque;

	(void)window;
	(void)offset;
	a->last = 0;
	memcpy(&a->last, data, len < 4 ? len : 4);
	return (int)len;
}

static void adder_destroy(struct pl_device *dev)
{
	((struct adder *)dev->opaque)->destroyed = true;
}

static void adder_init(struct adder *a, uint64_t port)
{
	*a = (struct adder){ .dev = {
				 .name = "adder",
				 .compatible = "test,adder",
				 .window = { { PL_SPACE_PIO, port, 4 } },
				 .nwindows = 1,
				 .read = adder_read,
				 .write = adder_write,
				 .destroy = adder_destroy,
				 .opaque = a,
				 .counter_name = { "answers" },
			     } };
}

static void step_ok(struct pl_sandbox *sb, struct pl_stop *stop, enum pl_stop_kind want)
{
	int err = pl_sandbox_step(sb, stop);

	if (err)
		fail_msg("pl_sandbox_step: %d, %s", err, pl_error());
	if (stop->kind != want)
		fail_msg("stop kind %d, expected %d", stop->kind, want);
}

static void test_checkpoint_then_memory_then_resume(void **state)
{
	struct pl_sandbox *sb = create("stops", 0);
	struct adder a;
	struct pl_stop stop;
	struct pl_result res;
	uint64_t scratch = 0, v, gpa;

	(void)state;
	adder_init(&a, PORT_DEVICE);
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), 0);
	assert_ptr_equal(pl_sandbox_device(sb, "adder"), &a.dev);
	step_ok(sb, &stop, PL_STOP_CHECKPOINT);
	assert_true(stop.value == 0x1235); /* the device answered the guest's out + 1 */
	gpa = stop.id;
	assert_int_equal(pl_gpa_read(sb, gpa, &scratch, sizeof(scratch)), 0);
	assert_true(scratch == 5);
	/* The guest's "process table" is garbage: refused, and nothing else changes. */
	assert_int_equal(pl_processes(sb, NULL, 0), -EPROTO);
	has(pl_error(), "process table at 0x");
	assert_int_equal(pl_gva_to_gpa(sb, 0, 0x1000, NULL, NULL), -EPROTO);
	scratch = 77;
	assert_int_equal(pl_gpa_write(sb, gpa, &scratch, sizeof(scratch)), 0);
	step_ok(sb, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, 77); /* the guest saw the host's write */
	pl_sandbox_result(sb, &res);
	assert_int_equal(res.end, PL_END_EXIT);
	assert_true(res.stops == 1);
	assert_int_equal(pl_result_counter(&res, "adder", "reads", &v), 0);
	assert_true(v == 1);
	assert_int_equal(pl_result_counter(&res, "adder", "writes", &v), 0);
	assert_true(v == 1);
	assert_int_equal(pl_result_counter(&res, "adder", "answers", &v), 0);
	assert_true(v == 1);
	/* One exit per checkpoint: the hypercall itself. */
	assert_int_equal(pl_result_counter(&res, "hypercall", "stop", &v), 0);
	assert_true(v == 1);
	assert_int_equal(pl_result_counter(&res, "adder", "nothing", &v), -ENOENT);
	has(pl_error(), "no counter 'nothing'");
	assert_false(a.destroyed);
	pl_sandbox_destroy(sb);
	assert_true(a.destroyed);
}

static void test_step_after_end(void **state)
{
	struct pl_sandbox *sb = create("hello", 0);
	struct pl_stop stop;

	(void)state;
	step_ok(sb, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, 42);
	assert_int_equal(pl_sandbox_step(sb, &stop), -EINVAL);
	has(pl_error(), "has run already");
	assert_int_equal(pl_sandbox_run(sb, NULL), -1);
	assert_int_equal(pl_sandbox_step(sb, NULL), -EINVAL);
	pl_sandbox_destroy(sb);
}

/* pl_sandbox_run goes past checkpoints, also after a first step by hand. */
static void test_run_is_a_loop_over_steps(void **state)
{
	struct pl_sandbox *sb = create("stops", 0);
	struct adder a;
	struct pl_result res;

	(void)state;
	adder_init(&a, PORT_DEVICE);
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), 0);
	assert_int_equal(pl_sandbox_run(sb, &res), 5);
	assert_true(res.stops == 1);
	pl_sandbox_destroy(sb);
}

static void test_device_error_then_usable(void **state)
{
	struct pl_sandbox *sb = create("stops", 0);
	struct adder a;
	struct pl_stop stop;
	struct pl_result res;
	uint64_t v;

	(void)state;
	adder_init(&a, PORT_DEVICE);
	a.read_result = -EIO;
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), 0);
	assert_int_equal(pl_sandbox_step(sb, &stop), -EIO);
	has(pl_error(), "device 'adder': its read callback failed");
	/* The guest's read was a bus error, and it goes on. */
	step_ok(sb, &stop, PL_STOP_CHECKPOINT);
	assert_true(stop.value == 0xffffffff);
	step_ok(sb, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, 5);
	pl_sandbox_result(sb, &res);
	assert_int_equal(pl_result_counter(&res, "adder", "errors", &v), 0);
	assert_true(v == 1);
	pl_sandbox_destroy(sb);
}

static void test_device_bad_length_ends_run(void **state)
{
	struct pl_sandbox *sb = create("stops", 0);
	struct adder a;
	struct pl_stop stop;
	struct pl_result res;

	(void)state;
	adder_init(&a, PORT_DEVICE);
	a.read_result = 3;
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), 0);
	step_ok(sb, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, PL_EXIT_BAD_GUEST);
	pl_sandbox_result(sb, &res);
	has(res.report, "device 'adder' broke the callback protocol: its read callback "
			"returned 3 for a 4-byte access");
	pl_sandbox_destroy(sb);
}

static void test_add_device_refused(void **state)
{
	struct pl_sandbox *sb = create("stops", 0);
	struct adder a, b;
	struct pl_stop stop;

	(void)state;
	adder_init(&a, PL_PORT_UART0 + 4);
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), -EINVAL);
	has(pl_error(),
	    "device 'adder': port window 0x3fc+0x4 overlaps device 'uart' at 0x3f8+0x8");
	a.dev.window[0].size = 0;
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), -EINVAL);
	has(pl_error(), "is empty or wraps around");
	a.dev.window[0] = (struct pl_window){ PL_SPACE_MMIO, UINT64_MAX - 3, 8 };
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), -EINVAL);
	a.dev.window[0] = (struct pl_window){ PL_SPACE_PIO, 0xfffe, 4 };
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), -EINVAL);
	has(pl_error(), "does not fit in the 64 Ki ports");
	a.dev.window[0] = (struct pl_window){ PL_SPACE_MMIO, 0x100000, 0x1000 }; /* RAM */
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), -EINVAL);
	has(pl_error(), "is not inside the device window");
	a.dev.name = "Bad Name";
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), -EINVAL);
	has(pl_error(), "a device needs a name");
	/* A device whose second window clashes leaves nothing behind: the first window is free. */
	adder_init(&a, PORT_DEVICE);
	a.dev.window[1] = (struct pl_window){ PL_SPACE_PIO, PL_PORT_EXIT, 4 };
	a.dev.nwindows = 2;
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), -EINVAL);
	has(pl_error(), "overlaps device 'exit'");
	assert_null(pl_sandbox_device(sb, "adder"));
	adder_init(&b, PORT_DEVICE);
	assert_int_equal(pl_sandbox_add_device(sb, &b.dev), 0);
	adder_init(&a, PORT_DEVICE + 8);
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), -EINVAL);
	has(pl_error(), "a device of that name is registered");
	/* The sandbox is as usable as before. */
	step_ok(sb, &stop, PL_STOP_CHECKPOINT);
	a.dev.name = "late";
	assert_int_equal(pl_sandbox_add_device(sb, &a.dev), -EBUSY);
	has(pl_error(), "before the first step");
	step_ok(sb, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, 5);
	pl_sandbox_destroy(sb);
	assert_false(a.destroyed); /* never registered: the caller's */
	assert_true(b.destroyed);
}

static void test_assertion(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *report = open_memstream(&text, &len);
	struct pl_sandbox *sb = create_with("assert", 0, PL_SECCOMP_OFF, report);
	struct pl_stop stop;
	struct pl_result res;

	(void)state;
	step_ok(sb, &stop, PL_STOP_ASSERT);
	assert_int_equal(stop.pid, 7);
	assert_string_equal(stop.assertion.file, "fixture.c");
	assert_true(stop.assertion.line == 12);
	assert_string_equal(stop.assertion.expr, "seven == nine?[31m"); /* printable only */
	assert_int_equal(stop.assertion.nvalues, 2);
	assert_true(stop.assertion.a == 7 && stop.assertion.b == 9);
	step_ok(sb, &stop, PL_STOP_END);
	assert_int_equal(stop.exit_status, PL_EXIT_GUEST_ASSERT);
	pl_sandbox_result(sb, &res);
	assert_int_equal(res.end, PL_END_ASSERT);
	pl_sandbox_destroy(sb);
	fclose(report);
	has(text, "the program (pid 7) failed an assertion at fixture.c:12: seven == nine?[31m "
		  "(0x7 vs 0x9)");
	free(text);
}

struct interrupter {
	struct pl_sandbox *sb;
	int delay_ms;
};

static void *interrupt_later(void *arg)
{
	struct interrupter *it = arg;
	struct timespec ts = { 0, it->delay_ms * 1000000L };

	nanosleep(&ts, NULL);
	pl_sandbox_interrupt(it->sb);
	return NULL;
}

static void test_interrupt_from_another_thread(void **state)
{
	struct pl_sandbox *sb = create("spin", 5000);
	struct interrupter it = { sb, 50 };
	struct pl_stop stop;
	struct pl_result res;
	pthread_t t;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, interrupt_later, &it), 0);
	step_ok(sb, &stop, PL_STOP_PAUSE);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_true(stop.time_ns >= 40 * 1000000ULL);
	assert_true(stop.time_ns < 4000 * 1000000ULL); /* well before the timeout */
	/* And again: a pause asked before the step comes at once. */
	pl_sandbox_interrupt(sb);
	step_ok(sb, &stop, PL_STOP_PAUSE);
	pl_sandbox_result(sb, &res);
	assert_true(res.stops == 2);
	it.delay_ms = 20;
	assert_int_equal(pthread_create(&t, NULL, interrupt_later, &it), 0);
	step_ok(sb, &stop, PL_STOP_PAUSE);
	assert_int_equal(pthread_join(t, NULL), 0);
	pl_sandbox_destroy(sb);
}

static struct pl_sandbox *alarm_sb;

static void on_alarm(int sig)
{
	(void)sig;
	pl_sandbox_interrupt(alarm_sb);
}

static void test_interrupt_from_a_signal_handler(void **state)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct pl_stop stop;

	(void)state;
	alarm_sb = create("spin", 5000);
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	alarm(1);
	step_ok(alarm_sb, &stop, PL_STOP_PAUSE);
	assert_true(stop.time_ns < 4000 * 1000000ULL);
	sigaction(SIGALRM, &old, NULL);
	pl_sandbox_destroy(alarm_sb);
}

/* Under the seccomp filter a stop, memory access and a resume all work. */
static void test_steps_under_seccomp(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct pl_sandbox *sb = create_with("stops", 0, PL_SECCOMP_ON, NULL);
		struct adder a;
		struct pl_stop stop;
		uint64_t v = 200;

		adder_init(&a, PORT_DEVICE);
		if (pl_sandbox_add_device(sb, &a.dev) || pl_sandbox_step(sb, &stop) ||
		    stop.kind != PL_STOP_CHECKPOINT || pl_gpa_write(sb, stop.id, &v, sizeof(v)) ||
		    /* A memory-slot change would be fatal under the filter: refused instead. */
		    pl_dirty_log_start(sb) != -EPERM || pl_sandbox_step(sb, &stop) ||
		    stop.kind != PL_STOP_END)
			_exit(1);
		_exit(stop.exit_status);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_checkpoint_then_memory_then_resume),
		cmocka_unit_test(test_step_after_end),
		cmocka_unit_test(test_run_is_a_loop_over_steps),
		cmocka_unit_test(test_device_error_then_usable),
		cmocka_unit_test(test_device_bad_length_ends_run),
		cmocka_unit_test(test_add_device_refused),
		cmocka_unit_test(test_assertion),
		cmocka_unit_test(test_interrupt_from_another_thread),
		cmocka_unit_test(test_interrupt_from_a_signal_handler),
		cmocka_unit_test(test_steps_under_seccomp),
	};

	return cmocka_run_group_tests(tests, setup_quiet, teardown_quiet);
}
