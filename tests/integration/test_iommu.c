// SPDX-License-Identifier: MIT
/*
 * The IOMMU from both sides: tests/sandbox/iommu_probe maps through the
 * virtio-iommu from inside the guest; at its checkpoints this host program
 * sees the mappings (pl_iommu_mappings), moves bytes as endpoint 16
 * (pl_dma_read/write), provokes faults, and finds them in the host's log
 * (pl_iommu_faults) as the guest finds them on its event queue.
 */
#include <errno.h>
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
#include <pagelab/virtio.h>

#include "common.h"

#define PROBE "build/tests/sandbox/iommu_probe"
#define EP    16

struct guest {
	struct pl_sandbox *sb;
	struct pl_cpio *cpio;
	char *out;
	size_t out_len;
	FILE *outf;
};

static void start(struct guest *g)
{
	static const char *argv[] = { "/bin/iommu_probe", NULL };
	struct pl_config cfg = { .memory = 64 << 20,
				 .kernel = guest_kernel(),
				 .argv = argv,
				 .no_stdin = true,
				 .seccomp = PL_SECCOMP_OFF };
	const void *rd;
	size_t rd_len;
	char err[256];

	g->cpio = pl_cpio_new();
	assert_non_null(g->cpio);
	if (pl_cpio_add_host_file(g->cpio, "/bin/iommu_probe", PROBE, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(pl_cpio_finish(g->cpio, &rd, &rd_len), 0);
	g->outf = open_memstream(&g->out, &g->out_len);
	cfg.initramfs = rd;
	cfg.initramfs_size = rd_len;
	cfg.out = g->outf;
	cfg.err = quiet;
	cfg.console = quiet;
	cfg.report = quiet;
	g->sb = pl_sandbox_create(&cfg);
	if (!g->sb)
		fail_msg("pl_sandbox_create: %s", pl_error());
}

static void end(struct guest *g)
{
	pl_sandbox_destroy(g->sb);
	pl_cpio_free(g->cpio);
	fclose(g->outf);
	free(g->out);
}

static void checkpoint(struct guest *g, struct pl_stop *stop, uint64_t id)
{
	int err = pl_sandbox_step(g->sb, stop);

	fflush(g->outf);
	if (err || stop->kind != PL_STOP_CHECKPOINT || stop->id != id)
		fail_msg("step %d, stop kind %d id %llu, wanted checkpoint %llu; output:\n%s", err,
			 stop->kind, (unsigned long long)stop->id, (unsigned long long)id, g->out);
}

/* Checkpoint 1: two mappings; DMA both ways; two faults, logged. */
static void at_mapped(struct guest *g, uint64_t pa)
{
	struct pl_iommu_mapping m[4];
	const struct pl_iommu_fault *f;
	struct pl_iommu_counters c;
	char buf[8192], host[8192];
	uint64_t dropped;
	size_t n;

	assert_int_equal(pl_iommu_mappings(g->sb, m, 4), 2);
	assert_true(m[0].virt_start == 0x100000 && m[0].virt_end == 0x101fff &&
		    m[0].phys_start == pa && m[0].flags == 3);
	assert_true(m[1].virt_start == 0x200000 && m[1].virt_end == 0x200fff && m[1].flags == 1);
	assert_int_equal(m[0].domain, m[1].domain);
	/* What the device reads is what the guest wrote there. */
	assert_int_equal(pl_dma_read(g->sb, EP, 0x100000, buf, sizeof(buf)), 0);
	assert_int_equal(pl_gpa_read(g->sb, pa, host, sizeof(host)), 0);
	assert_memory_equal(buf, host, sizeof(buf));
	assert_string_equal(buf, "from the guest");
	assert_int_equal(pl_dma_write(g->sb, EP, 0x101000, "from the host", 14), 0);
	/* A write through the read-only mapping moves nothing and faults. */
	assert_int_equal(pl_dma_write(g->sb, EP, 0x200000, "x", 1), -EFAULT);
	assert_int_equal(pl_gpa_read(g->sb, pa, host, 1), 0);
	assert_int_equal(host[0], 'f');
	/* A read that runs off the mapping's end faults on the first unmapped byte. */
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(pl_dma_read(g->sb, EP, 0x200000, buf, 8192), -EFAULT);
	assert_int_equal(buf[0], 0x5a); /* no byte moved */
	assert_int_equal(pl_dma_read(g->sb, EP, 0x1000, buf, 0), -EINVAL);
	assert_int_equal(pl_dma_read(g->sb, EP, UINT64_MAX, buf, 2), -EINVAL);
	assert_int_equal(pl_dma_read(g->sb, 17, 0x100000, buf, 1), -EINVAL); /* undeclared */
	f = pl_iommu_faults(g->sb, &n, &dropped);
	assert_int_equal(n, 2);
	assert_int_equal(dropped, 0);
	assert_true(f[0].endpoint == EP && f[0].domain == m[0].domain && f[0].iova == 0x200000 &&
		    f[0].access == PL_DMA_WRITE && f[0].reason == VIRTIO_IOMMU_FAULT_R_MAPPING);
	assert_true(f[1].iova == 0x201000 && f[1].access == PL_DMA_READ &&
		    f[1].reason == VIRTIO_IOMMU_FAULT_R_MAPPING);
	pl_iommu_counters(g->sb, &c);
	assert_int_equal(c.faults, 2);
	assert_int_equal(c.events_dropped, 0);
	assert_true(c.requests >= 3 && c.translations >= 3);
}

static void test_guest_maps_host_dmas(void **state)
{
	struct guest g = { 0 };
	struct pl_stop stop;
	const struct pl_iommu_fault *f;
	char b;
	size_t n;

	(void)state;
	start(&g);
	assert_int_equal(pl_iommu_endpoint_add(g.sb, EP), 0);
	assert_int_equal(pl_iommu_endpoint_add(g.sb, EP), -EEXIST);
	checkpoint(&g, &stop, 1);
	at_mapped(&g, stop.value);
	checkpoint(&g, &stop, 2);
	assert_int_equal(pl_iommu_mappings(g.sb, NULL, 0), 0);
	assert_int_equal(pl_dma_read(g.sb, EP, 0x100000, &b, 1), -EFAULT);
	checkpoint(&g, &stop, 3);
	/* Detached: the endpoint reaches nothing (bypass is off). */
	assert_int_equal(pl_dma_read(g.sb, EP, 0x100000, &b, 1), -EFAULT);
	f = pl_iommu_faults(g.sb, &n, NULL);
	assert_int_equal(n, 4);
	assert_true(f[2].reason == VIRTIO_IOMMU_FAULT_R_MAPPING && f[2].domain == stop.value);
	assert_true(f[3].reason == VIRTIO_IOMMU_FAULT_R_DOMAIN && f[3].domain == 0);
	assert_int_equal(pl_sandbox_step(g.sb, &stop), 0);
	fflush(g.outf);
	if (stop.kind != PL_STOP_END || stop.exit_status != 0)
		fail_msg("the probe failed:\n%s", g.out);
	if (getenv("TEST_IOMMU_SHOW"))
		fputs(g.out, stderr);
	has(g.out, "PASSED");
	end(&g);
}

/* Nothing declared, nothing attached: the guest's own view of an empty IOMMU. */
static void test_no_endpoint_no_dma(void **state)
{
	struct guest g = { 0 };
	char b;

	(void)state;
	start(&g);
	assert_int_equal(pl_dma_read(g.sb, EP, 0, &b, 1), -EINVAL);
	assert_int_equal(pl_iommu_endpoint_add(g.sb, EP), 0);
	assert_int_equal(pl_dma_write(g.sb, EP, 0, &b, 1), -EFAULT);
	assert_int_equal(pl_iommu_mappings(g.sb, NULL, 0), 0);
	end(&g);
}

/* Under QEMU's TCG there is no IOMMU: the kernel boots without it and says ENODEV. */
static void test_tcg_has_none(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", PROBE, NULL);
	has(r.out, "not ok - INFO: got -19, want 0");
	has(r.out, "not ok - ATTACH: got -19, want 0");
	assert_int_equal(r.status, 1);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_guest_maps_host_dmas, setup_kvm_kernel),
		cmocka_unit_test_setup(test_no_endpoint_no_dma, setup_kvm_kernel),
		cmocka_unit_test_setup(test_tcg_has_none, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, setup_quiet, teardown_quiet);
}
