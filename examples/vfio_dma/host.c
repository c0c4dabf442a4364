// SPDX-License-Identifier: MIT
/*
 * examples/vfio_dma: the host's view of a user-space DMA driver. The guest
 * program drives pagelab's DMA engine through VFIO and provokes three
 * IOMMU faults; after each it stops at a checkpoint with the IOVA it was
 * told about (by the engine's error register and by SIGBUS). Here, at each
 * stop, the newest entry of the IOMMU's fault log must be that fault of
 * the engine's endpoint; at the end the log must hold exactly those.
 *
 *	host KERNEL GUEST_PROGRAM
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

#define CHECK_FAULT 1

static const char *const access_name[] = { "?", "read", "write" };

static struct pl_sandbox *create(const char *kernel, const char *program, struct pl_cpio *c)
{
	const char *argv[] = { "/bin/vfio_dma", NULL };
	struct pl_config cfg = { .memory = 64 << 20, .kernel = kernel, .argv = argv };
	const void *data;
	size_t len;
	char err[256];

	if (pl_cpio_add_host_file(c, argv[0], program, err, sizeof(err)) ||
	    pl_cpio_finish(c, &data, &len)) {
		fprintf(stderr, "vfio_dma: %s\n", err);
		return NULL;
	}
	cfg.initramfs = data;
	cfg.initramfs_size = len;
	return pl_sandbox_create(&cfg);
}

/* The guest saw a fault at iova: the log's newest entry must be it. */
static int check_fault(struct pl_sandbox *sb, uint64_t iova, size_t seen)
{
	size_t n;
	uint64_t dropped;
	const struct pl_iommu_fault *log = pl_iommu_faults(sb, &n, &dropped);
	const struct pl_iommu_fault *f = n ? &log[n - 1] : NULL;

	if (!f || n != seen || f->endpoint != PL_DMA_ENGINE_ENDPOINT || f->iova != iova) {
		fprintf(stderr,
			"vfio_dma: the guest saw a fault at IOVA 0x%" PRIx64
			" but the host's log (%zu entries) does not end with it\n",
			iova, n);
		return -1;
	}
	printf("host: fault %zu: endpoint %u domain %u IOVA 0x%" PRIx64 " %s, reason %u: "
	       "as the guest saw it\n",
	       n, f->endpoint, f->domain, f->iova, access_name[f->access & 3], f->reason);
	return 0;
}

int main(int argc, char **argv)
{
	struct pl_cpio *c = pl_cpio_new();
	struct pl_sandbox *sb;
	struct pl_stop stop;
	struct pl_result res;
	size_t seen = 0, n;
	uint64_t descriptors = 0, bytes = 0;
	int bad = 0;

	if (argc != 3 || !c) {
		fprintf(stderr, "usage: %s KERNEL GUEST_PROGRAM\n", argv[0]);
		return 2;
	}
	sb = create(argv[1], argv[2], c);
	if (!sb) {
		fprintf(stderr, "vfio_dma: %s\n", pl_error());
		return 1;
	}
	fflush(stdout);
	while (pl_sandbox_step(sb, &stop) == 0 && stop.kind != PL_STOP_END) {
		if (stop.kind == PL_STOP_CHECKPOINT && stop.id == CHECK_FAULT)
			bad |= check_fault(sb, stop.value, ++seen);
		fflush(stdout);
	}
	pl_sandbox_result(sb, &res);
	pl_iommu_faults(sb, &n, NULL);
	pl_result_counter(&res, "dma", "descriptors", &descriptors);
	pl_result_counter(&res, "dma", "bytes", &bytes);
	printf("host: the engine completed %" PRIu64 " descriptors (%" PRIu64
	       " bytes); the IOMMU logged %zu faults\n",
	       descriptors, bytes, n);
	if (n != seen || seen != 3)
		bad = 1;
	pl_sandbox_destroy(sb);
	pl_cpio_free(c);
	return bad ? 1 : res.exit_status;
}
