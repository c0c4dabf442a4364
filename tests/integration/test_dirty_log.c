// SPDX-License-Identifier: MIT
/*
 * KVM's dirty-page log through libpagelab and `pagelab run --dirty-log`:
 * a program writes a known set of pages between two checkpoints, and the
 * host sees exactly those of its buffer.
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
#include <pagelab/initramfs.h>

#include "common.h"

#define PROGRAM	 "build/tests/guest/dirty_pages"
#define MEMORY	 (64ULL << 20)
#define MAX_GPAS (MEMORY / 4096)

static struct pl_sandbox *create(struct pl_cpio **cpio, FILE *quiet)
{
	const char *argv[] = { "/bin/dirty_pages", NULL };
	const void *data;
	size_t len;
	char err[256];
	struct pl_config cfg = {
		.memory = MEMORY,
		.kernel = guest_kernel(),
		.argv = argv,
		.no_stdin = true,
		.out = quiet,
		.err = quiet,
		.console = quiet,
		.report = quiet,
		.seccomp = PL_SECCOMP_OFF, /* cmocka goes on in this thread */
		.timeout_ms = 60000,
	};
	struct pl_sandbox *sb;

	*cpio = pl_cpio_new();
	assert_non_null(*cpio);
	if (pl_cpio_add_host_file(*cpio, argv[0], PROGRAM, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(pl_cpio_finish(*cpio, &data, &len), 0);
	cfg.initramfs = data;
	cfg.initramfs_size = len;
	sb = pl_sandbox_create(&cfg);
	if (!sb)
		fail_msg("pl_sandbox_create: %s", pl_error());
	return sb;
}

static bool contains(const uint64_t *gpas, long n, uint64_t gpa)
{
	for (long i = 0; i < n; i++)
		if (gpas[i] == gpa)
			return true;
	return false;
}

static void test_pages_written_between_checkpoints(void **state)
{
	static const bool written[8] = { 0, 1, 0, 1, 1, 0, 0, 1 };
	static uint64_t gpas[MAX_GPAS];
	FILE *quiet = fopen("/dev/null", "w");
	struct pl_cpio *cpio;
	struct pl_sandbox *sb = create(&cpio, quiet);
	struct pl_stop stop;
	uint64_t buf, page[8];
	long n;

	(void)state;
	assert_int_equal(pl_dirty_log_get(sb, gpas, MAX_GPAS), -EINVAL); /* not started */
	assert_int_equal(pl_dirty_log_start(sb), 0);
	assert_int_equal(pl_dirty_log_start(sb), -EBUSY);
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.kind, PL_STOP_CHECKPOINT);
	buf = stop.value;
	/* Boot and the first touch dirtied the buffer among much else. */
	n = pl_dirty_log_get(sb, gpas, MAX_GPAS);
	assert_true(n > 8);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pl_gva_to_gpa(sb, 0, buf + i * 4096ULL, &page[i], NULL), 0);
		assert_true(contains(gpas, n, page[i]));
	}
	/* The result is in address order and counts past max. */
	for (long i = 1; i < n; i++)
		assert_true(gpas[i - 1] < gpas[i]);
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.kind, PL_STOP_CHECKPOINT);
	n = pl_dirty_log_get(sb, gpas, MAX_GPAS);
	assert_true(n >= 4);
	for (int i = 0; i < 8; i++)
		if (contains(gpas, n, page[i]) != written[i])
			fail_msg("page %d of the buffer (0x%llx) %s in the log", i,
				 (unsigned long long)page[i],
				 written[i] ? "is missing" : "is wrongly");
	assert_int_equal(pl_dirty_log_get(sb, gpas, 1), 0); /* nothing ran since */
	assert_int_equal(pl_dirty_log_stop(sb), 0);
	assert_int_equal(pl_dirty_log_stop(sb), -EINVAL);
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.kind, PL_STOP_END);
	assert_int_equal(stop.exit_status, 0);
	pl_sandbox_destroy(sb);
	pl_cpio_free(cpio);
	fclose(quiet);
}

static void test_cli_dirty_log(void **state)
{
	char path[] = "/tmp/pagelab-dirty-XXXXXX", line[1 << 16];
	int fd = mkstemp(path), lines = 0;
	struct run r;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	run_pagelab(&r, NULL, "run", "--dirty-log", path, PROGRAM, NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "1..1\nok 1 - sum 32772\n");
	run_free(&r);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char what[32];
		double t;
		long n;
		int pos = 0;

		assert_int_equal(sscanf(line, "%31s", what), 1);
		if (!strcmp(what, "checkpoint"))
			assert_int_equal(sscanf(line, "checkpoint %*u %lf %ld%n", &t, &n, &pos), 2);
		else
			assert_int_equal(sscanf(line, "end %lf %ld%n", &t, &n, &pos), 2);
		assert_true(n > 0);
		/* n addresses follow, each a page. */
		for (long i = 0; i < n; i++) {
			unsigned long long gpa;
			int used;

			assert_int_equal(sscanf(line + pos, " 0x%llx%n", &gpa, &used), 1);
			assert_true(gpa % 4096 == 0);
			pos += used;
		}
		lines++;
	}
	fclose(f);
	unlink(path);
	assert_int_equal(lines, 3); /* two checkpoints and the end */
	/* A file that cannot be written: refused before boot. */
	run_pagelab(&r, NULL, "run", "--dirty-log", "/nonexistent/dir/log", PROGRAM, NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "cannot write the dirty log '/nonexistent/dir/log'");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_pages_written_between_checkpoints, setup_kvm_kernel),
		cmocka_unit_test_setup(test_cli_dirty_log, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
