// SPDX-License-Identifier: MIT
/*
 * VFIO and the DMA engine from a host program: tests/sandbox/vfio_api.c
 * checks the VFIO subset from inside (TAP), and tests/sandbox/vfio_diff.c
 * runs random steps against its model, stopping at a checkpoint for each
 * fault it saw; here each such fault must be the newest entry of the
 * host's IOMMU fault log, for the engine's endpoint, and at the end the
 * log must hold exactly the faults the guest saw.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

#include "common.h"

#define SANDBOX "build/tests/sandbox/"

static void test_vfio_api(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "120", SANDBOX "vfio_api", NULL);
	if (r.status != 0 || strstr(r.out, "not ok"))
		fail_msg("vfio_api ended with %d:\n%s\n%s", r.status, r.out, r.err);
	has(r.out, "1..46\n");
	run_free(&r);
}

/* The kernel's own use of the engine (guest/selftest/dma.c). */
static void test_kernel_copy(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--kernel", guest_kernel(), "--append", "selftest=dma",
		    "--stats", NULL);
	if (r.status != 0)
		fail_msg("selftest=dma ended with %d:\n%s\n%s", r.status, r.out, r.err);
	has(r.out, "selftest dma: 5000 bytes copied by the engine through the IOMMU\n");
	has(r.err, "device dma: reads ");
	has(r.err, "descriptors 1, bytes 5000");
	run_free(&r);
}

static struct pl_sandbox *create(struct pl_cpio *c, const char **argv, FILE *out)
{
	struct pl_config cfg = { .memory = 64 << 20,
				 .kernel = guest_kernel(),
				 .argv = argv,
				 .timeout_ms = 120000,
				 .report = stderr,
				 .err = stderr,
				 .no_stdin = true,
				 /* the thread goes on to the next seed: no filter, as test_step */
				 .seccomp = PL_SECCOMP_OFF };
	const void *data;
	size_t n;
	char err[256];

	cfg.out = out;
	if (pl_cpio_add_host_file(c, argv[0], SANDBOX "vfio_diff", err, sizeof(err)) ||
	    pl_cpio_finish(c, &data, &n))
		fail_msg("vfio_diff: %s", err);
	cfg.initramfs = data;
	cfg.initramfs_size = n;
	return pl_sandbox_create(&cfg);
}

/* One seed: every fault the guest saw is the host's newest, and there are no others. */
static void run_seed(const char *seed)
{
	char *out = NULL;
	size_t out_len = 0;
	FILE *stream = open_memstream(&out, &out_len);
	const char *argv[] = { "/bin/vfio_diff", seed, "300", NULL };
	struct pl_cpio *c = pl_cpio_new();
	struct pl_sandbox *sb;
	struct pl_stop stop;
	struct pl_result res;
	size_t seen = 0, n = 0;
	uint64_t dropped;
	const struct pl_iommu_fault *log;

	sb = create(c, argv, stream);
	assert_non_null(sb);
	while (pl_sandbox_step(sb, &stop) == 0 && stop.kind != PL_STOP_END) {
		if (stop.kind != PL_STOP_CHECKPOINT || stop.id != 2)
			continue;
		log = pl_iommu_faults(sb, &n, &dropped);
		seen++;
		if (n != seen || log[n - 1].iova != stop.value ||
		    log[n - 1].endpoint != PL_DMA_ENGINE_ENDPOINT)
			fail_msg("seed %s: guest fault %zu at 0x%llx; the host log has %zu, the "
				 "newest at 0x%llx",
				 seed, seen, (unsigned long long)stop.value, n,
				 n ? (unsigned long long)log[n - 1].iova : 0ULL);
	}
	pl_sandbox_result(sb, &res);
	pl_iommu_faults(sb, &n, &dropped);
	pl_sandbox_destroy(sb);
	pl_cpio_free(c);
	fclose(stream);
	if (res.exit_status != 0 || strstr(out, "not ok"))
		fail_msg("seed %s: status %d\n%s", seed, res.exit_status, out);
	assert_int_equal(n, seen);
	assert_int_equal(dropped, 0);
	assert_true(seen > 0);
	free(out);
}

static void test_vfio_differential(void **state)
{
	(void)state;
	run_seed("1");
	run_seed("777");
	run_seed("31337");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_kernel_copy, setup_kvm_kernel),
		cmocka_unit_test_setup(test_vfio_api, setup_kvm_kernel),
		cmocka_unit_test_setup(test_vfio_differential, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
