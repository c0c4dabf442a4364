// SPDX-License-Identifier: MIT
/*
 * The command line: bad input gets one line that says what is wrong and
 * exit status 2, before any guest runs. Help and version work.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <pagelab/abi.h>
#include <pagelab/initramfs.h>

#include "common.h"

/* Exit status 2 and exactly one line on stderr, saying want. */
static void usage_error(const char *want, struct run *r)
{
	if (r->status != 2 || !strstr(r->err, want) || count_lines(r->err) != 1 ||
	    strncmp(r->err, "pagelab: ", 9) != 0)
		fail_msg("expected status 2 and one line with '%s'; got %d and:\n%s", want,
			 r->status, r->err);
	assert_string_equal(r->out, "");
	run_free(r);
}

static void test_no_command(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, NULL);
	assert_int_equal(r.status, 2);
	assert_non_null(strstr(r.err, "usage: pagelab run"));
	run_free(&r);
	run_pagelab(&r, NULL, "frobnicate", NULL);
	usage_error("unknown command 'frobnicate'", &r);
}

static void test_help_and_version(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "--version", NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "pagelab 0.1.0\n");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--version", NULL);
	assert_string_equal(r.out, "pagelab 0.1.0\n");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--help", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "--memory SIZE"));
	assert_non_null(strstr(r.out, "--timeout SECONDS"));
	assert_string_equal(r.err, "");
	run_free(&r);
	run_pagelab(&r, NULL, "--help", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "pagelab info"));
	run_free(&r);
}

static void test_unknown_options(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--frobnicate", NULL);
	usage_error("unknown option '--frobnicate'", &r);
	run_pagelab(&r, NULL, "run", "-x", NULL);
	usage_error("unknown option '-x'", &r);
	run_pagelab(&r, NULL, "run", "--timeout", NULL);
	usage_error("needs a value", &r);
	run_pagelab(&r, NULL, "info", "--bogus", NULL);
	usage_error("unknown option", &r);
}

static void test_memory_sizes(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "-m", "0", NULL);
	usage_error("memory size 0 is too small", &r);
	run_pagelab(&r, NULL, "run", "--memory", "12Q", NULL);
	usage_error("invalid memory size '12Q'", &r);
	run_pagelab(&r, NULL, "run", "-m", "1T", NULL);
	usage_error("memory size 1T is more than this host's", &r);
	run_pagelab(&r, NULL, "run", "-m", "4194305B", NULL);
	usage_error("memory size 4194305B is not a multiple of 4K", &r);
	/* A bare number is MiB, as for QEMU: 4194305 MiB is 4 TiB. */
	run_pagelab(&r, NULL, "run", "-m", "4194305", NULL);
	usage_error("memory size 4194305M is", &r);
	run_pagelab(&r, NULL, "run", "-m", "3", NULL);
	usage_error("memory size 3M is too small: the minimum is 4M", &r);
	run_pagelab(&r, NULL, "run", "-m", "99999999999999999999", NULL);
	usage_error("invalid memory size", &r);
	run_pagelab(&r, NULL, "info", "-m", "0", NULL);
	usage_error("too small", &r);
}

static void test_timeouts(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "garbage", NULL);
	usage_error("invalid timeout 'garbage'", &r);
	run_pagelab(&r, NULL, "run", "--timeout", "0", NULL);
	usage_error("invalid timeout '0'", &r);
	run_pagelab(&r, NULL, "run", "--timeout", "-1", NULL);
	usage_error("invalid timeout '-1'", &r);
	run_pagelab(&r, NULL, "run", "--timeout", "5s", NULL);
	usage_error("invalid timeout '5s'", &r);
	run_pagelab(&r, NULL, "run", "--timeout", "nan", NULL);
	usage_error("invalid timeout 'nan'", &r);
}

static void test_bad_kernels(void **state)
{
	char want[80];
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--kernel", "/nonexistent/kernel.elf", NULL);
	usage_error("kernel /nonexistent/kernel.elf: No such file or directory", &r);
	run_pagelab(&r, NULL, "run", "--kernel", "/etc/passwd", NULL);
	usage_error("kernel /etc/passwd: not an ELF file", &r);
	run_pagelab(&r, NULL, "run", "--kernel", "/tmp", NULL);
	usage_error("not a regular file", &r);
	/* An ELF, but a host program (a PIE), not a kernel. */
	run_pagelab(&r, NULL, "run", "--kernel", pagelab_path(), NULL);
	usage_error("not a pagelab kernel (it has no \"pagelab\" ABI note)", &r);
	/* A static program: it would load, and triple-fault without the note check. */
	run_pagelab(&r, NULL, "run", "--kernel", "build/tests/guest/exit_code", NULL);
	usage_error("kernel build/tests/guest/exit_code: not a pagelab kernel", &r);
	/* A kernel of another ABI version says which. */
	snprintf(want, sizeof(want), "kernel ABI %d, this pagelab expects %d", PL_ABI_VERSION + 1,
		 PL_ABI_VERSION);
	run_pagelab(&r, NULL, "run", "--kernel", fixture("abi_next"), NULL);
	usage_error(want, &r);
}

static void test_bad_program_and_files(void **state)
{
	const char *k = fixture("hello");
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--kernel", k, "/nonexistent/program", NULL);
	usage_error("/nonexistent/program", &r);
	run_pagelab(&r, NULL, "run", "--kernel", k, "--initrd", "/nonexistent.cpio", NULL);
	usage_error("--initrd /nonexistent.cpio", &r);
	run_pagelab(&r, NULL, "run", "--kernel", k, "--file", "/nonexistent/data", NULL);
	usage_error("--file /nonexistent/data", &r);
	run_pagelab(&r, NULL, "run", "--kernel", k, "--initrd", "/etc/passwd", "--file",
		    "/etc/passwd", NULL);
	usage_error("cannot be combined", &r);
}

/*
 * --initrd files that are not cpio newc archives, written to a temporary
 * directory by the setup and removed by the teardown (also when a test fails).
 */
static char initrd_dir[] = "/tmp/pagelab-initrd-XXXXXX";
static const char *const initrd_files[] = { "garbage", "disk.qcow2", "truncated.cpio",
					    "notrailer.cpio", "good.cpio" };

static const char *initrd_path(const char *name)
{
	static char path[4][128];
	static int next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", initrd_dir, name);
	return p;
}

static int write_file(const char *name, const void *data, size_t len)
{
	FILE *f = fopen(initrd_path(name), "wb");
	int ok = f && fwrite(data, 1, len, f) == len;

	if (f)
		ok &= fclose(f) == 0;
	return ok ? 0 : -1;
}

static int setup_initrds(void **state)
{
	static const unsigned char qcow2[72] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
	unsigned char garbage[4096];
	struct pl_cpio *c = pl_cpio_new();
	const void *data;
	const char *t;
	size_t len;
	uint32_t x = 1;
	int err;

	(void)state;
	for (size_t i = 0; i < sizeof(garbage); i++) {
		x = x * 1103515245 + 12345;
		garbage[i] = x >> 24;
	}
	if (!c || !mkdtemp(initrd_dir)) {
		pl_cpio_free(c);
		return -1;
	}
	err = pl_cpio_add_file(c, "/bin/prog", garbage, sizeof(garbage), 0755) ||
	      pl_cpio_finish(c, &data, &len) || !(t = memmem(data, len, "TRAILER!!!", 10)) ||
	      write_file("garbage", garbage, sizeof(garbage)) ||
	      write_file("disk.qcow2", qcow2, sizeof(qcow2)) ||
	      write_file("truncated.cpio", data, 300) ||
	      write_file("notrailer.cpio", data, (size_t)(t - (const char *)data) - 110) ||
	      write_file("good.cpio", data, len);
	pl_cpio_free(c);
	return err ? -1 : 0;
}

static int teardown_initrds(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(initrd_files) / sizeof(initrd_files[0]); i++)
		unlink(initrd_path(initrd_files[i]));
	return rmdir(initrd_dir);
}

static void bad_initrd(const char *path, const char *why)
{
	char want[512];
	struct run r;

	run_pagelab(&r, NULL, "run", "--kernel", fixture("hello"), "--initrd", path, NULL);
	snprintf(want, sizeof(want), "pagelab: --initrd %s: %s", path, why);
	usage_error(want, &r);
}

/* Refused before boot (today's guest would panic on them), status 2. */
static void test_bad_initrds(void **state)
{
	struct run r;

	(void)state;
	bad_initrd(initrd_path("garbage"), "not a cpio newc archive");
	bad_initrd(initrd_path("disk.qcow2"), "not a cpio newc archive: it is a qcow2 disk image");
	bad_initrd(pagelab_path(), "not a cpio newc archive: it is an ELF file");
	bad_initrd(initrd_path("truncated.cpio"), "broken cpio newc archive: archive truncated");
	bad_initrd(initrd_path("notrailer.cpio"),
		   "broken cpio newc archive: archive ends without TRAILER!!!");
	bad_initrd("/dev/null", "not a regular file");
	/* The same archive whole boots (the test kernel exits 42). */
	require_kvm();
	run_pagelab(&r, NULL, "run", "--kernel", fixture("hello"), "--initrd",
		    initrd_path("good.cpio"), NULL);
	assert_int_equal(r.status, 42);
	run_free(&r);
}

/* Copies from to to with mode; false on any error. */
static bool copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	ssize_t n = 0;

	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			n = -1;
	if (in >= 0)
		close(in);
	if (out >= 0 && fchmod(out, mode) != 0)
		n = -1;
	if (out >= 0)
		close(out);
	return in >= 0 && out >= 0 && n == 0;
}

struct staged {
	char dir[64], binary[96], kernel[96];
};

static void unstage(struct staged *s)
{
	unlink(s->binary);
	unlink(s->kernel);
	rmdir(s->dir);
}

/*
 * The checkout may live where nobody cannot reach it (a 0700 home is the
 * usual case), so what nobody runs is copied into a directory of its own
 * that every user may read.
 */
static void stage_for_nobody(struct staged *s)
{
	snprintf(s->dir, sizeof(s->dir), "/tmp/pagelab-nobody-XXXXXX");
	if (!mkdtemp(s->dir) || chmod(s->dir, 0755) != 0)
		fail_msg("cannot make a directory for user nobody: %s", strerror(errno));
	snprintf(s->binary, sizeof(s->binary), "%s/pagelab", s->dir);
	snprintf(s->kernel, sizeof(s->kernel), "%s/hello.elf", s->dir);
	if (!copy_file(pagelab_path(), s->binary, 0755) ||
	    !copy_file(fixture("hello"), s->kernel, 0644)) {
		unstage(s);
		fail_msg("cannot copy pagelab and a kernel for user nobody: %s", strerror(errno));
	}
}

/*
 * Without permission on /dev/kvm: one line that says what to do. (With
 * --accel auto, the default, the run would go on under QEMU's TCG after a
 * line with the same advice.)
 */
static void test_no_kvm_permission(void **state)
{
	struct staged s;
	struct run_opts o = { .as_nobody = true, .binary = s.binary };
	struct run r;

	(void)state;
	if (geteuid() != 0)
		fail_msg("this test drops to user nobody and needs root (as make test runs here)");
	if (access("/dev/kvm", F_OK))
		fail_msg("needs /dev/kvm");
	stage_for_nobody(&s);
	run_pagelab(&r, &o, "run", "--accel", "kvm", "--kernel", s.kernel, NULL);
	unstage(&s);
	usage_error("no permission to open /dev/kvm", &r);
}

static void test_info(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "info", "-m", "5G", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "memory map for -m 5G\n"));
	assert_non_null(strstr(r.out, "0x0000000000100000-0x00000000bfffffff  ram"));
	assert_non_null(strstr(r.out, "0x0000000100000000-0x000000017fffffff  ram"));
	assert_non_null(strstr(r.out, "KVM_CAP_IRQCHIP"));
	run_free(&r);
	/* -m 320 is 320 MiB. */
	run_pagelab(&r, NULL, "info", "-m", "320", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "memory map for -m 320M\n"));
	assert_non_null(strstr(r.out, "0x0000000000100000-0x0000000013ffffff  ram"));
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_command),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_unknown_options),
		cmocka_unit_test(test_memory_sizes),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_bad_kernels),
		cmocka_unit_test(test_bad_program_and_files),
		cmocka_unit_test_setup_teardown(test_bad_initrds, setup_initrds, teardown_initrds),
		cmocka_unit_test(test_no_kvm_permission),
		cmocka_unit_test(test_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
