// SPDX-License-Identifier: MIT
/*
 * host_iommu KERNEL PROGRAM [N]: the IOMMU's costs. Runs PROGRAM (guest_iommu)
 * with endpoint 16 declared, prints what it printed, and adds from the
 * checkpoints between its phases
 *   map4k_exits, map2m_exits, batch4k_exits  exits to the VMM per request
 *   fault_ns    a pl_dma_read that faults: translation, the log entry, the
 *               event (or its drop), beside
 *   dma_ok_ns   the host floor: the same read of a mapped 64 bytes
 * and checks the log stayed intact: every fault counted, the latest kept.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

#define FAULTS 20000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "host_iommu: %s: %s\n", what, pl_error());
	exit(1);
}

static uint64_t exits(struct pl_sandbox *sb)
{
	struct pl_result res;

	pl_sandbox_result(sb, &res);
	return res.exits_total;
}

static void step(struct pl_sandbox *sb, struct pl_stop *stop, uint64_t id)
{
	if (pl_sandbox_step(sb, stop) || stop->kind != PL_STOP_CHECKPOINT || stop->id != id)
		die("the guest did not reach its next checkpoint");
}

static double per_dma(struct pl_sandbox *sb, uint64_t iova, int want)
{
	char buf[64];
	double t0 = now_ns();

	for (int i = 0; i < FAULTS; i++)
		if (pl_dma_read(sb, 16, iova, buf, sizeof(buf)) != want)
			die("pl_dma_read");
	return (now_ns() - t0) / FAULTS;
}

static void faults(struct pl_sandbox *sb)
{
	struct pl_iommu_counters c0, c1;
	const struct pl_iommu_fault *log;
	uint64_t dropped;
	size_t n;
	double ok, bad;

	pl_iommu_counters(sb, &c0);
	ok = per_dma(sb, 0x100000, 0);
	bad = per_dma(sb, 0x900000, -14);
	pl_iommu_counters(sb, &c1);
	log = pl_iommu_faults(sb, &n, &dropped);
	if (c1.faults - c0.faults != FAULTS || n != PL_IOMMU_FAULT_LOG ||
	    n + dropped != c1.faults || log[n - 1].iova != 0x900000)
		die("the fault log lost a fault");
	printf("dma_ok_ns %.0f\nfault_ns %.0f\n", ok, bad);
}

int main(int argc, char **argv)
{
	const char *gargv[] = { "/bin/guest_iommu", argc > 3 ? argv[3] : NULL, NULL };
	struct pl_config cfg = { .memory = 64 << 20, .no_stdin = true, .seccomp = PL_SECCOMP_OFF };
	static const char *names[] = { NULL, NULL, "map4k_exits", "map2m_exits", "batch4k_exits" };
	struct pl_cpio *c = pl_cpio_new();
	struct pl_sandbox *sb;
	struct pl_stop stop;
	const void *rd;
	size_t rd_len;
	char err[256];
	uint64_t before;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: host_iommu KERNEL PROGRAM [N]\n");
		return 2;
	}
	if (!c || pl_cpio_add_host_file(c, gargv[0], argv[2], err, sizeof(err)) ||
	    pl_cpio_finish(c, &rd, &rd_len))
		die("the initramfs");
	cfg.err = fopen("/dev/null", "w"); /* the floor's 1-byte writes */
	cfg.kernel = argv[1];
	cfg.argv = gargv;
	cfg.initramfs = rd;
	cfg.initramfs_size = rd_len;
	sb = pl_sandbox_create(&cfg);
	if (!sb || pl_iommu_endpoint_add(sb, 16))
		die("the sandbox");
	step(sb, &stop, 1);
	for (uint64_t id = 2; id <= 4; id++) {
		before = exits(sb);
		step(sb, &stop, id);
		/* The checkpoint's own exit is not the requests'. */
		printf("%s %.3f\n", names[id], (double)(exits(sb) - before - 1) / stop.value);
	}
	step(sb, &stop, 5);
	faults(sb);
	if (pl_sandbox_step(sb, &stop) || stop.kind != PL_STOP_END || stop.exit_status)
		die("the guest program failed");
	pl_sandbox_destroy(sb);
	pl_cpio_free(c);
	return 0;
}
