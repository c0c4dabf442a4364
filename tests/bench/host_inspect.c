// SPDX-License-Identifier: MIT
/*
 * host_inspect KERNEL PROGRAM: what looking into a stopped guest costs the
 * host. Boots a 256 MiB sandbox running PROGRAM (tests/guest/dirty_pages),
 * stops at its first checkpoint and prints
 *   gva_to_gpa_ns N   one pl_gva_to_gpa of the program's buffer (4 levels)
 *   gpa_read_ns N     one 8-byte pl_gpa_read, a quarter of a walk's reads
 *   dirty_get_us N    one pl_dirty_log_get over the 256 MiB
 * (each the median of batches), then lets the program finish. Status 1 if
 * anything fails.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

#define MEMORY	(256ULL << 20)
#define BATCHES 11
#define WALKS	20000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return v[n / 2];
}

static int fail(const char *what)
{
	fprintf(stderr, "host_inspect: %s: %s\n", what, pl_error());
	return 1;
}

static struct pl_sandbox *create(const char *kernel, const char *program, struct pl_cpio *c)
{
	const char *argv[] = { "/bin/prog", NULL };
	FILE *quiet = fopen("/dev/null", "w");
	struct pl_config cfg = { .memory = MEMORY,
				 .kernel = kernel,
				 .argv = argv,
				 .no_stdin = true,
				 .out = quiet,
				 .console = quiet,
				 .seccomp = PL_SECCOMP_OFF };
	const void *data;
	size_t len;
	char err[256];

	if (!quiet || pl_cpio_add_host_file(c, argv[0], program, err, sizeof(err)) ||
	    pl_cpio_finish(c, &data, &len)) {
		fprintf(stderr, "host_inspect: %s: %s\n", program, err);
		return NULL;
	}
	cfg.initramfs = data;
	cfg.initramfs_size = len;
	return pl_sandbox_create(&cfg);
}

int main(int argc, char **argv)
{
	static uint64_t gpas[MEMORY / 4096];
	struct pl_cpio *c = pl_cpio_new();
	struct pl_sandbox *sb;
	struct pl_stop stop;
	double t[BATCHES];
	uint64_t gpa = 0, v;

	if (argc != 3 || !c) {
		fprintf(stderr, "usage: host_inspect KERNEL PROGRAM\n");
		return 2;
	}
	sb = create(argv[1], argv[2], c);
	if (!sb || pl_dirty_log_start(sb) || pl_sandbox_step(sb, &stop) ||
	    stop.kind != PL_STOP_CHECKPOINT || pl_dirty_log_get(sb, gpas, 0) < 0)
		return fail("starting the program");
	for (int b = 0; b < BATCHES; b++) {
		double t0 = now_ns();

		for (int i = 0; i < WALKS; i++)
			if (pl_gva_to_gpa(sb, 0, stop.value + (i & 7) * 4096ULL, &gpa, NULL))
				return fail("pl_gva_to_gpa");
		t[b] = (now_ns() - t0) / WALKS;
	}
	printf("gva_to_gpa_ns %.1f\n", median(t, BATCHES));
	for (int b = 0; b < BATCHES; b++) {
		double t0 = now_ns();

		for (int i = 0; i < WALKS; i++)
			if (pl_gpa_read(sb, gpa, &v, sizeof(v)))
				return fail("pl_gpa_read");
		t[b] = (now_ns() - t0) / WALKS;
	}
	printf("gpa_read_ns %.1f\n", median(t, BATCHES));
	for (int b = 0; b < BATCHES; b++) {
		double t0 = now_ns();

		if (pl_dirty_log_get(sb, gpas, sizeof(gpas) / sizeof(gpas[0])) < 0)
			return fail("pl_dirty_log_get");
		t[b] = (now_ns() - t0) / 1000;
	}
	printf("dirty_get_us %.1f\n", median(t, BATCHES));
	do
		if (pl_sandbox_step(sb, &stop))
			return fail("resuming");
	while (stop.kind != PL_STOP_END);
	pl_sandbox_destroy(sb);
	pl_cpio_free(c);
	return stop.exit_status;
}
