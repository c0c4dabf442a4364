// SPDX-License-Identifier: MIT
/*
 * examples/dirty_tracker: which pages did each phase of a program write?
 * Runs the guest program (examples/dirty_tracker/guest.c) with KVM's
 * dirty-page log on and prints, at each checkpoint, how many pages were
 * written since the last one: in the program's buffer (translated through
 * its page tables) and elsewhere (the kernel's own: stacks, page tables,
 * the stop's bookkeeping).
 *
 *	host KERNEL GUEST_PROGRAM
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

#define MEMORY (64ULL << 20)
#define PAGES  64

static struct pl_sandbox *create(const char *kernel, const char *program, struct pl_cpio *c)
{
	const char *argv[] = { "/bin/tracked", NULL };
	struct pl_config cfg = { .memory = MEMORY, .kernel = kernel, .argv = argv };
	const void *data;
	size_t len;
	char err[256];

	if (pl_cpio_add_host_file(c, argv[0], program, err, sizeof(err)) ||
	    pl_cpio_finish(c, &data, &len)) {
		fprintf(stderr, "dirty_tracker: %s\n", err);
		return NULL;
	}
	cfg.initramfs = data;
	cfg.initramfs_size = len;
	return pl_sandbox_create(&cfg);
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* How many of the buffer's pages are in the (sorted) dirty list. */
static int in_buffer(struct pl_sandbox *sb, uint64_t va, const uint64_t *gpas, long n)
{
	int count = 0;

	for (int i = 0; i < PAGES; i++) {
		uint64_t gpa;

		if (!pl_gva_to_gpa(sb, 0, va + i * 4096ULL, &gpa, NULL) &&
		    bsearch(&gpa, gpas, (size_t)n, sizeof(*gpas), cmp))
			count++;
	}
	return count;
}

int main(int argc, char **argv)
{
	static uint64_t gpas[MEMORY / 4096];
	struct pl_cpio *c = pl_cpio_new();
	struct pl_sandbox *sb;
	struct pl_stop stop;
	int phase = 0;

	if (argc != 3 || !c) {
		fprintf(stderr, "usage: %s KERNEL GUEST_PROGRAM\n", argv[0]);
		return 2;
	}
	sb = create(argv[1], argv[2], c);
	/* Before the first step: the seccomp filter forbids the slot change later. */
	if (!sb || pl_dirty_log_start(sb)) {
		fprintf(stderr, "dirty_tracker: %s\n", pl_error());
		return 1;
	}
	while (pl_sandbox_step(sb, &stop) == 0 && stop.kind == PL_STOP_CHECKPOINT) {
		long n = pl_dirty_log_get(sb, gpas, sizeof(gpas) / sizeof(gpas[0]));
		int mine = in_buffer(sb, stop.id, gpas, n);

		printf("phase %d: the program meant to write %" PRIu64 " pages; %d of its buffer's "
		       "%d pages were written, and %ld other pages\n",
		       ++phase, stop.value, mine, PAGES, n - mine);
	}
	printf("exit status %d\n", stop.kind == PL_STOP_END ? stop.exit_status : -1);
	pl_sandbox_destroy(sb);
	pl_cpio_free(c);
	return stop.kind == PL_STOP_END ? stop.exit_status : 1;
}
