// SPDX-License-Identifier: MIT
/*
 * Trapped regions through libpagelab, with the trapmem test kernel: every
 * access to a trapped page of RAM exits, is logged (time, RIP, GPA, size,
 * direction, value) and behaves as memory unless the host's callback
 * decides; the log keeps its newest accesses and counts the rest.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>

#include "common.h"

#define TRAP	  0x800000ULL
#define LOOP_N	  70000
#define ACCESSES  (4 + LOOP_N)
#define RIP_FIRST 0xffffffff80200000ULL

static struct pl_trap_access log_buf[PL_ACCESS_LOG_SIZE];

static struct pl_sandbox *create(void)
{
	struct pl_config cfg = {
		.memory = 16 << 20,
		.kernel = fixture("trapmem"),
		.console = quiet,
		.out = quiet,
		.err = quiet,
		.report = quiet,
		.no_stdin = true,
		.seccomp = PL_SECCOMP_OFF,
		.timeout_ms = 60000,
	};
	struct pl_sandbox *sb = pl_sandbox_create(&cfg);

	if (!sb)
		fail_msg("pl_sandbox_create: %s", pl_error());
	return sb;
}

static void test_accesses_logged_as_memory(void **state)
{
	struct pl_sandbox *sb = create();
	struct pl_result res;
	uint64_t dropped, v = 0, n;
	size_t got;

	(void)state;
	assert_int_equal(pl_sandbox_add_trap(sb, TRAP, 4096, NULL, NULL), 0);
	assert_int_equal(pl_sandbox_run(sb, &res), 0x42);
	got = pl_access_log_read(sb, log_buf, PL_ACCESS_LOG_SIZE, &dropped);
	/* The newest accesses stay, the oldest gave way, and that is counted. */
	assert_int_equal(got, PL_ACCESS_LOG_SIZE);
	assert_true(dropped == ACCESSES - PL_ACCESS_LOG_SIZE);
	for (size_t i = 0; i < got; i++) {
		const struct pl_trap_access *a = &log_buf[i];

		assert_true(a->write && a->size == 4 && a->gpa == TRAP + 0x20);
		/* the loop counts down from LOOP_N; the last one written is 1 */
		assert_true(a->value == LOOP_N - (dropped - 4) - i);
		assert_true(a->rip >= RIP_FIRST && a->rip < RIP_FIRST + 4096);
		assert_true(i == 0 || a->time_ns >= log_buf[i - 1].time_ns);
	}
	assert_int_equal(pl_access_log_read(sb, log_buf, 1, &dropped), 0);
	assert_true(dropped == 0);
	/* The bytes are in guest RAM, where the host reads them. */
	assert_int_equal(pl_gpa_read(sb, TRAP, &v, sizeof(v)), 0);
	assert_true(v == 0x1122334455667788ULL);
	assert_int_equal(pl_result_counter(&res, "trap-0", "writes", &n), 0);
	assert_true(n == 2 + LOOP_N);
	assert_int_equal(pl_result_counter(&res, "trap-0", "reads", &n), 0);
	assert_true(n == 2);
	pl_sandbox_destroy(sb);
}

/* The first four accesses in order, through a callback that records them. */
struct seen {
	struct pl_trap_access a[4];
	unsigned n;
	int reads_answer; /* 0: memory */
	int fail_at;	  /* 1-based access to fail with -EIO, 0: none */
};

static int record(void *opaque, struct pl_trap_access *a)
{
	struct seen *s = opaque;
	unsigned k = s->n++;

	if (k < 4)
		s->a[k] = *a;
	if (s->fail_at && k + 1 == (unsigned)s->fail_at)
		return -EIO;
	if (!a->write && s->reads_answer) {
		a->value = (uint64_t)s->reads_answer;
		return 1;
	}
	return 0;
}

static void test_callback_sees_and_decides(void **state)
{
	struct pl_sandbox *sb = create();
	struct seen s = { .reads_answer = 7 };

	(void)state;
	assert_int_equal(pl_sandbox_add_trap(sb, TRAP, 4096, record, &s), 0);
	/* The 8-byte read gets 7, not what was written: the guest exits with it. */
	assert_int_equal(pl_sandbox_run(sb, NULL), 7);
	assert_int_equal(s.n, 2);
	assert_true(s.a[0].write && s.a[0].size == 8 && s.a[0].gpa == TRAP &&
		    s.a[0].value == 0x1122334455667788ULL);
	/* Recorded on arrival: the value in memory, before the callback answered 7. */
	assert_true(!s.a[1].write && s.a[1].size == 8 && s.a[1].value == 0x1122334455667788ULL);
	pl_sandbox_destroy(sb);
}

static void test_callback_error_then_usable(void **state)
{
	struct pl_sandbox *sb = create();
	struct seen s = { .fail_at = 1 };
	struct pl_stop stop;
	uint64_t v = 0;

	(void)state;
	assert_int_equal(pl_sandbox_add_trap(sb, TRAP, 4096, record, &s), 0);
	assert_int_equal(pl_sandbox_step(sb, &stop), -EIO);
	has(pl_error(), "device 'trap-0': its write callback failed");
	/* The failed write was dropped: the read back differs, and the guest exits with it. */
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.kind, PL_STOP_END);
	assert_int_equal(stop.exit_status, 0);
	assert_int_equal(pl_gpa_read(sb, TRAP, &v, sizeof(v)), 0);
	assert_true(v == 0);
	pl_sandbox_destroy(sb);
}

static void test_refused(void **state)
{
	struct pl_sandbox *sb = create();
	struct pl_stop stop;

	(void)state;
	assert_int_equal(pl_sandbox_add_trap(sb, TRAP + 8, 4096, NULL, NULL), -EINVAL);
	has(pl_error(), "not page-aligned inside one RAM region");
	assert_int_equal(pl_sandbox_add_trap(sb, PL_ROM_BASE, 4096, NULL, NULL), -EINVAL);
	assert_int_equal(pl_sandbox_add_trap(sb, 0xc0000, 4096, NULL, NULL), -EINVAL);
	assert_int_equal(pl_sandbox_add_trap(sb, TRAP, 0, NULL, NULL), -EINVAL);
	assert_int_equal(pl_sandbox_add_trap(sb, UINT64_MAX - 4095, 8192, NULL, NULL), -EINVAL);
	/* The device window: host memory behind it. Then an overlap. */
	assert_int_equal(pl_sandbox_add_trap(sb, PL_MMIO_BASE + 0x200000, 64, NULL, NULL), 0);
	assert_int_equal(pl_sandbox_add_trap(sb, PL_MMIO_BASE + 0x200020, 64, NULL, NULL), -EINVAL);
	has(pl_error(), "overlaps device 'trap-0'");
	assert_int_equal(pl_sandbox_add_trap(sb, TRAP, 4096, NULL, NULL), 0);
	assert_int_equal(pl_sandbox_add_trap(sb, TRAP, 4096, NULL, NULL), -EINVAL);
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.exit_status, 0x42);
	assert_int_equal(pl_sandbox_add_trap(sb, TRAP + 4096, 4096, NULL, NULL), -EBUSY);
	pl_sandbox_destroy(sb);
}

static void test_cli(void **state)
{
	char path[] = "/tmp/pagelab-access-XXXXXX", line[256];
	int fd = mkstemp(path), n = 0, lost = 0;
	struct run r;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	run_pagelab(&r, NULL, "run", "--kernel", fixture("trapmem"), "--trap", "0x800000:4K",
		    "--access-log", path, "--stats", NULL);
	assert_int_equal(r.status, 0x42);
	has(r.err, "device trap-0: reads 2, writes 70002");
	run_free(&r);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		double t;
		unsigned vcpu, size;
		unsigned long long rip, gpa, value;
		char rw;

		if (line[0] == '#') {
			has(line, "# 4468 accesses lost: the log was full");
			lost++;
			continue;
		}
		assert_int_equal(sscanf(line, "%lf %u 0x%llx %c 0x%llx %u 0x%llx", &t, &vcpu, &rip,
					&rw, &gpa, &size, &value),
				 7);
		assert_true(rw == 'w' && gpa == TRAP + 0x20 && size == 4);
		n++;
	}
	fclose(f);
	unlink(path);
	assert_int_equal(lost, 1);
	assert_int_equal(n, PL_ACCESS_LOG_SIZE);
	run_pagelab(&r, NULL, "run", "--kernel", fixture("trapmem"), "--trap", "0x800008:4K", NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "not page-aligned");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--kernel", fixture("trapmem"), "--trap", "0x800000", NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "invalid --trap '0x800000' (GPA:SIZE");
	run_free(&r);
}

/* A guest user program maps a trapped page of the device window and uses it as memory. */
static void test_user_program(void **state)
{
	char path[] = "/tmp/pagelab-access-XXXXXX";
	int fd = mkstemp(path);
	struct run r;
	char *log;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	run_pagelab(&r, NULL, "run", "--trap", "0xd0200000:4K", "--access-log", path,
		    "build/tests/sandbox/trap_user", "0xd0200000", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "read back 1234 abcd\n");
	run_free(&r);
	log = read_whole_file(path);
	has(log, " w 0xd0200000 4 0x1234\n");
	has(log, " w 0xd0200004 4 0xabcd\n");
	has(log, " r 0xd0200004 4 0xabcd\n");
	has(log, " r 0xd0200000 4 0x1234\n");
	free(log);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accesses_logged_as_memory),
		cmocka_unit_test(test_callback_sees_and_decides),
		cmocka_unit_test(test_callback_error_then_usable),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_cli),
		cmocka_unit_test(test_user_program),
	};

	return cmocka_run_group_tests(tests, setup_quiet, teardown_quiet);
}
