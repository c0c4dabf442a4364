// SPDX-License-Identifier: MIT
/*
 * A dual-ported region: a host thread writes guest RAM while the guest
 * runs, and a program polling that word sees the change, as it would see a
 * device's DMA.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

#include "common.h"

#define PROGRAM "build/tests/sandbox/poll_word"

static void *write_later(void *arg)
{
	struct timespec ts = { 0, 30 * 1000000L };

	nanosleep(&ts, NULL);
	__atomic_store_n((uint64_t *)arg, 0xabcdefULL, __ATOMIC_SEQ_CST);
	return NULL;
}

static void test_host_thread_writes_while_guest_polls(void **state)
{
	const char *argv[] = { "/bin/poll_word", NULL };
	FILE *quiet = fopen("/dev/null", "w");
	struct pl_cpio *c = pl_cpio_new();
	struct pl_config cfg = { .memory = 64 << 20,
				 .kernel = guest_kernel(),
				 .argv = argv,
				 .no_stdin = true,
				 .out = quiet,
				 .console = quiet,
				 .report = quiet,
				 .seccomp = PL_SECCOMP_OFF,
				 .timeout_ms = 60000 };
	struct pl_sandbox *sb;
	struct pl_stop stop;
	const void *data;
	size_t len;
	uint64_t gpa;
	void *word;
	char err[256];
	pthread_t t;

	(void)state;
	if (pl_cpio_add_host_file(c, argv[0], PROGRAM, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(pl_cpio_finish(c, &data, &len), 0);
	cfg.initramfs = data;
	cfg.initramfs_size = len;
	sb = pl_sandbox_create(&cfg);
	assert_non_null(sb);
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.kind, PL_STOP_CHECKPOINT);
	assert_int_equal(pl_gva_to_gpa(sb, 0, stop.value, &gpa, NULL), 0);
	word = pl_gpa_ptr(sb, gpa, 8);
	assert_non_null(word);
	assert_int_equal(pthread_create(&t, NULL, write_later, word), 0);
	/* The guest runs (polling) while the thread writes. */
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(stop.kind, PL_STOP_CHECKPOINT);
	assert_true(stop.id == 2 && stop.value == 0xabcdef);
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.kind, PL_STOP_END);
	assert_int_equal(stop.exit_status, 0);
	pl_sandbox_destroy(sb);
	pl_cpio_free(c);
	fclose(quiet);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_host_thread_writes_while_guest_polls, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
