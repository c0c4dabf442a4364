// SPDX-License-Identifier: MIT
/*
 * examples/cow_ptes: watch copy-on-write from outside. Runs the guest
 * program (examples/cow_ptes/guest.c) and, at each of its checkpoints,
 * prints for every process the leaf entries of the two-page buffer: the
 * physical frame, writable or not, dirty or not.
 *
 *	host KERNEL GUEST_PROGRAM
 *
 * After fork both processes map the same frames read-only; after the
 * child's write, its page 0 is a new, writable, dirty frame.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

static const char *const what[] = { "", "before fork", "child after fork", "child after its write",
				    "parent after the child exited" };

static struct pl_sandbox *create(const char *kernel, const char *program, struct pl_cpio *c)
{
	const char *argv[] = { "/bin/cow", NULL };
	struct pl_config cfg = { .memory = 64 << 20, .kernel = kernel, .argv = argv };
	const void *data;
	size_t len;
	char err[256];

	if (pl_cpio_add_host_file(c, argv[0], program, err, sizeof(err)) ||
	    pl_cpio_finish(c, &data, &len)) {
		fprintf(stderr, "cow_ptes: %s\n", err);
		return NULL;
	}
	cfg.initramfs = data;
	cfg.initramfs_size = len;
	return pl_sandbox_create(&cfg);
}

static void print_ptes(struct pl_sandbox *sb, uint64_t va)
{
	struct pl_process procs[16];
	int n = pl_processes(sb, procs, 16);

	for (int i = 0; i < n && i < 16; i++)
		for (int page = 0; page < 2; page++) {
			struct pl_gva_info info;
			uint64_t gpa;

			if (pl_gva_to_gpa(sb, procs[i].pid, va + page * 4096ULL, &gpa, &info)) {
				printf("  pid %d page %d: %s\n", procs[i].pid, page, pl_error());
				continue;
			}
			printf("  pid %d page %d: frame 0x%" PRIx64 " %s %s\n", procs[i].pid, page,
			       gpa, info.writable ? "writable" : "read-only",
			       info.dirty ? "dirty" : "clean");
		}
}

int main(int argc, char **argv)
{
	struct pl_cpio *c = pl_cpio_new();
	struct pl_sandbox *sb;
	struct pl_stop stop;

	if (argc != 3 || !c) {
		fprintf(stderr, "usage: %s KERNEL GUEST_PROGRAM\n", argv[0]);
		return 2;
	}
	sb = create(argv[1], argv[2], c);
	if (!sb) {
		fprintf(stderr, "cow_ptes: %s\n", pl_error());
		return 1;
	}
	while (pl_sandbox_step(sb, &stop) == 0 && stop.kind == PL_STOP_CHECKPOINT) {
		printf("checkpoint %" PRIu64 " (%s), pid %d, buffer 0x%" PRIx64 ":\n", stop.id,
		       stop.id < 5 ? what[stop.id] : "?", stop.pid, stop.value);
		print_ptes(sb, stop.value);
	}
	printf("exit status %d\n", stop.kind == PL_STOP_END ? stop.exit_status : -1);
	pl_sandbox_destroy(sb);
	pl_cpio_free(c);
	return stop.kind == PL_STOP_END ? stop.exit_status : 1;
}
