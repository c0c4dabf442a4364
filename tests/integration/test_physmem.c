// SPDX-License-Identifier: MIT
/*
 * The physical-memory interface of include/pagelab/mman.h in the sandbox:
 * tests/sandbox/physmem.c checks every call from inside (TAP), and this
 * checks that it ran and passed, what --trace-syscalls calls them, and
 * that the examples of images/examples/ print what README shows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <pagelab/abi.h>
#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

#include "common.h"

#define PROG "build/tests/sandbox/physmem"

/* A TAP program of tests/sandbox/ that must pass every case it plans. */
static void tap_program_passes(const char *path)
{
	struct run r;

	run_pagelab(&r, NULL, "run", "--timeout", "120", path, NULL);
	if (r.status != 0 || strstr(r.out, "not ok"))
		fail_msg("%s ended with %d:\n%s\n%s", path, r.status, r.out, r.err);
	has(r.out, "1..");
	run_free(&r);
}

static void test_physmem_program(void **state)
{
	(void)state;
	tap_program_passes(PROG);
}

static void test_traced_by_name(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "120", "--trace-syscalls", PROG, NULL);
	assert_int_equal(r.status, 0);
	has(r.err, "] mem_offset(0x1000, -1, 4096, 0x");
	has(r.err, " = -1 EACCES (Permission denied)\n");
	run_free(&r);
}

#define EXAMPLES "images/build/examples.cpio"

/* The physical-memory examples of images/examples/, as README shows them. */
static void test_examples(void **state)
{
	char path[] = "/tmp/pagelab-screen.XXXXXX", screen[4096] = "";
	int fd = mkstemp(path);
	struct run r;
	ssize_t n;

	(void)state;
	run_pagelab(&r, NULL, "run", "--initrd", EXAMPLES, "--", "/bin/rom_dump", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "pagelab " PAGELAB_VERSION " BIOS ROM....");
	assert_int_equal(count_lines(r.out), 3);
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--initrd", EXAMPLES, "--", "/bin/dma_buffer", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "DMA buffer: 262144 bytes at physical 0x");
	has(r.out, ", 262144 contiguous\n");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--initrd", EXAMPLES, "--", "/bin/shm_contig", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "65536 bytes at physical 0x");
	has(r.out,
	    ", 65536 contiguous\nthe child's mapping is at the same physical address: yes\n");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--initrd", EXAMPLES, "--", "/bin/shm_pair", NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "parent reads: written by the child through its own mapping\n");
	run_free(&r);
	assert_true(fd >= 0);
	run_pagelab(&r, NULL, "run", "--vga", path, "--initrd", EXAMPLES, "--", "/bin/vga_text",
		    NULL);
	assert_int_equal(r.status, 0);
	n = read(fd, screen, sizeof(screen) - 1);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	screen[n] = '\0';
	has(screen, "\n            Hello from the VGA text buffer, written through MAP_PHYS\n");
	run_free(&r);
}

#define LAZY	 "build/tests/sandbox/qnx_lazy"
#define MINHERIT "build/tests/sandbox/minherit"
#define INHERIT	 "build/tests/sandbox/map_inherit"
#define PHYSFUZZ "build/tests/sandbox/physfuzz"
#define TYPED	 "build/tests/sandbox/typed_mem"
#define FRAGMENT "build/tests/sandbox/fragment"

/* Under deliberate fragmentation a contiguous request moves pages (and they keep their data). */
static void test_contiguous_under_fragmentation(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "-m", "64", "--timeout", "120", FRAGMENT, "4", NULL);
	if (r.status != 0)
		fail_msg("fragment 4 ended with %d:\n%s\n%s", r.status, r.out, r.err);
	assert_string_equal(r.out, "largest free block before: smaller\n"
				   "contiguous 4 MiB under fragmentation: yes\n"
				   "every remaining page kept its data: yes\n"
				   "pages moved: some\n");
	run_free(&r);
}

/* POSIX typed memory: the pools, the three modes, get_info, the errors (TAP from inside). */
static void test_typed_memory(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "120", TYPED, NULL);
	if (r.status != 0 || strstr(r.out, "not ok"))
		fail_msg("typed_mem ended with %d:\n%s\n%s", r.status, r.out, r.err);
	has(r.out, "1..21\n");
	run_free(&r);
}

/*
 * Random wrong (and right) requests: every refusal is a manual's errno and
 * changes neither the mappings nor free memory; every success is undone.
 */
static void test_random_requests(void **state)
{
	static const char *const seeds[] = { "1", "7" };
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		run_pagelab(&r, NULL, "run", "--timeout", "300", PHYSFUZZ, seeds[i], "2000", NULL);
		if (r.status != 0)
			fail_msg("physfuzz %s 2000 ended with %d (reproduce: pagelab run %s %s "
				 "2000):\n%s\n%s",
				 seeds[i], r.status, PHYSFUZZ, seeds[i], r.out, r.err);
		has(r.out, "ok: 2000 calls, ");
		run_free(&r);
	}
}

/* 4.4BSD's MAP_INHERIT: the region is where it was after execve, with its data. */
static void test_map_inherit(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", INHERIT, NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "private MAP_INHERIT region: kept\n"
				   "shared MAP_INHERIT region: kept\n"
				   "ordinary region: gone\n"
				   "maps lists the kept one: yes\n");
	run_free(&r);
}

/* FreeBSD's minherit(), all four values, private and shared memory (TAP from inside). */
static void test_minherit(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "120", MINHERIT, NULL);
	if (r.status != 0 || strstr(r.out, "not ok"))
		fail_msg("minherit ended with %d:\n%s\n%s", r.status, r.out, r.err);
	has(r.out, "1..15\n");
	run_free(&r);
}

/* MAP_LAZY in a 64 MiB guest: SIGBUS at the first touch that finds no memory, not the OOM kill. */
static void test_map_lazy(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "-m", "64", "--timeout", "120", LAZY, "lazy", NULL);
	if (r.status != 0)
		fail_msg("qnx_lazy lazy ended with %d:\n%s\n%s", r.status, r.out, r.err);
	assert_string_equal(r.out, "1 GiB MAP_LAZY: mapped\n"
				   "SIGBUS BUS_ADRERR at the touched address: yes\n"
				   "pages had before it: many\n"
				   "after munmap, 16 MiB with MAP_POPULATE: yes\n");
	run_free(&r);
}

/* MAP_NOINIT: zeroed anyway, unless the kernel runs with `noinit`. */
static void test_map_noinit(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", LAZY, "noinit", NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "pages with old data: none\n");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--append", "noinit", LAZY, "noinit", NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "pages with old data: most\n");
	run_free(&r);
}

#define WRITTEN_MAP "build/tests/sandbox/written_map"

static void test_written_map_program(void **state)
{
	(void)state;
	tap_program_passes(WRITTEN_MAP);
}

/* One byte in every 2 MiB of RAM, read and written back: harmless to the guest, but a write. */
static void rewrite_all_ram(struct pl_sandbox *sb)
{
	const struct pl_memmap *map = pl_sandbox_memmap(sb);

	for (unsigned i = 0; i < map->n; i++) {
		const struct pl_region *r = &map->region[i];

		if (r->kind != PL_REGION_RAM)
			continue;
		for (uint64_t gpa = r->base; gpa < r->base + r->size; gpa += 2 << 20) {
			uint8_t b;

			assert_int_equal(pl_gpa_read(sb, gpa, &b, 1), 0);
			assert_int_equal(pl_gpa_write(sb, gpa, &b, 1), 0);
		}
	}
}

/*
 * The host's writes to guest memory reach the guest's written map, so the
 * kernel clears such RAM before a program gets it: after the host wrote
 * in every 2 MiB region, no free RAM counts as untouched.
 */
static void test_host_writes_are_noted(void **state)
{
	char *out = NULL, err[256];
	size_t out_len = 0;
	FILE *out_f = open_memstream(&out, &out_len), *null = fopen("/dev/null", "w");
	const char *argv[] = { "/bin/written_map", "host", NULL };
	struct pl_cpio *cpio = pl_cpio_new();
	unsigned long long before = 0, after = 1;
	const void *data;
	size_t len;
	struct pl_stop stop;
	struct pl_sandbox *sb;

	(void)state;
	assert_non_null(cpio);
	if (pl_cpio_add_host_file(cpio, argv[0], WRITTEN_MAP, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(pl_cpio_finish(cpio, &data, &len), 0);
	sb = pl_sandbox_create(&(struct pl_config){
	    .memory = 64 << 20,
	    .kernel = guest_kernel(),
	    .argv = argv,
	    .initramfs = data,
	    .initramfs_size = len,
	    .no_stdin = true,
	    .seccomp = PL_SECCOMP_OFF, /* cmocka goes on in this thread */
	    .timeout_ms = 60000,
	    .out = out_f,
	    .err = null,
	    .console = null,
	    .report = null,
	});
	if (!sb)
		fail_msg("pl_sandbox_create: %s", pl_error());
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.kind, PL_STOP_CHECKPOINT);
	rewrite_all_ram(sb);
	assert_int_equal(pl_sandbox_step(sb, &stop), 0);
	assert_int_equal(stop.kind, PL_STOP_END);
	assert_int_equal(stop.exit_status, 0);
	pl_sandbox_destroy(sb);
	pl_cpio_free(cpio);
	fclose(out_f);
	fclose(null);
	if (sscanf(out, "untouched %llu\nuntouched %llu\n", &before, &after) != 2)
		fail_msg("written_map host printed:\n%s", out);
	assert_true(before > 0);
	assert_true(after == 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_physmem_program, setup_kvm_kernel),
		cmocka_unit_test_setup(test_traced_by_name, setup_kvm_kernel),
		cmocka_unit_test_setup(test_examples, setup_kvm_kernel),
		cmocka_unit_test_setup(test_map_lazy, setup_kvm_kernel),
		cmocka_unit_test_setup(test_minherit, setup_kvm_kernel),
		cmocka_unit_test_setup(test_map_inherit, setup_kvm_kernel),
		cmocka_unit_test_setup(test_random_requests, setup_kvm_kernel),
		cmocka_unit_test_setup(test_typed_memory, setup_kvm_kernel),
		cmocka_unit_test_setup(test_contiguous_under_fragmentation, setup_kvm_kernel),
		cmocka_unit_test_setup(test_map_noinit, setup_kvm_kernel),
		cmocka_unit_test_setup(test_written_map_program, setup_kvm_kernel),
		cmocka_unit_test_setup(test_host_writes_are_noted, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
