// SPDX-License-Identifier: MIT
/*
 * A program built the way a user builds one, against the installed
 * libpagelab (pkg-config --cflags --libs pagelab): it puts PROGRAM into an
 * initramfs, boots KERNEL with "PROGRAM STATUS" and checks that the run
 * ended with the program's exit and that status.
 *
 *	consumer KERNEL PROGRAM STATUS
 */
#include <stdio.h>
#include <stdlib.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

static int boot(const char *kernel, const void *rd, size_t rd_len, const char *status)
{
	const char *argv[] = { "/bin/prog", status, NULL };
	struct pl_config cfg = {
		.memory = 64 << 20,
		.kernel = kernel,
		.argv = argv,
		.initramfs = rd,
		.initramfs_size = rd_len,
		.timeout_ms = 60000,
		.no_stdin = 1,
	};
	struct pl_sandbox *sb = pl_sandbox_create(&cfg);
	struct pl_result res;
	int got;

	if (!sb) {
		fprintf(stderr, "consumer: %s\n", pl_error());
		return -1;
	}
	got = pl_sandbox_run(sb, &res);
	pl_sandbox_destroy(sb);
	if (res.end != PL_END_EXIT) {
		fprintf(stderr, "consumer: the run ended by %s, not by the program's exit\n",
			pl_end_name(res.end));
		return -1;
	}
	return got;
}

int main(int argc, char **argv)
{
	struct pl_cpio *c;
	const void *rd;
	size_t rd_len;
	char err[256];
	int got, want;

	if (argc != 4) {
		fprintf(stderr, "usage: consumer KERNEL PROGRAM STATUS\n");
		return 2;
	}
	want = atoi(argv[3]);
	c = pl_cpio_new();
	if (!c || pl_cpio_add_host_file(c, "/bin/prog", argv[2], err, sizeof(err)) ||
	    pl_cpio_finish(c, &rd, &rd_len)) {
		fprintf(stderr, "consumer: cannot build the initramfs: %s\n",
			c ? err : "no memory");
		pl_cpio_free(c);
		return 1;
	}
	got = boot(argv[1], rd, rd_len, argv[3]);
	pl_cpio_free(c);
	printf("consumer: exit status %d, expected %d\n", got, want);
	return got == want ? 0 : 1;
}
