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
	run_pagelab(&r, NULL, "run", "-m", "4194305", NULL);
	usage_error("not a multiple of 4K", &r);
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
	usage_error("not a 64-bit x86-64 ELF executable", &r);
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

/* Without permission on /dev/kvm: one line that says what to do. */
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
	run_pagelab(&r, &o, "run", "--kernel", s.kernel, NULL);
	unstage(&s);
	usage_error("no permission to open /dev/kvm", &r);
}

static void test_info(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "info", "-m", "5G", NULL);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "0x0000000000100000-0x00000000bfffffff  ram"));
	assert_non_null(strstr(r.out, "0x0000000100000000-0x000000017fffffff  ram"));
	assert_non_null(strstr(r.out, "KVM_CAP_IRQCHIP"));
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
		cmocka_unit_test(test_no_kvm_permission),
		cmocka_unit_test(test_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
