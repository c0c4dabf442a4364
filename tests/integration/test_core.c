// SPDX-License-Identifier: MIT
/*
 * Core files (pagelab run --core-dir DIR): a guest program killed by
 * SIGSEGV leaves DIR/NAME.core, and gdb, given the program and the core,
 * shows the backtrace and the memory, without the MAP_NOCORE and
 * MADV_DONTDUMP regions. Wait statuses carry the core bit only when a core
 * was written (RLIMIT_CORE, as on Linux); a symlink in DIR is replaced,
 * never followed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"

#define PROG "build/tests/sandbox/core_crash"

struct dir {
	char path[64];
	char core[128];
};

static void dir_make(struct dir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/pagelab-core.XXXXXX");
	assert_non_null(mkdtemp(d->path));
	snprintf(d->core, sizeof(d->core), "%s/core_crash.core", d->path);
}

static void dir_remove(struct dir *d)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->path);
	assert_int_equal(system(cmd), 0);
}

/*
 * gdb in batch mode on PROG and the core: everything it printed (static,
 * so that a failing test leaks nothing). PROG has symbols but no debug
 * information, hence the casts.
 */
static const char *gdb_read(const char *core)
{
	static char out[65536];
	char cmd[512];
	size_t n = 0, r;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "gdb -nx -batch -ex bt -ex 'info registers rip' -ex 'x/s *(char **)&kept' "
		 "-ex 'x/s *(char **)&nocore' -ex 'x/s *(char **)&dontdump' %s %s 2>&1",
		 PROG, core);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (n < sizeof(out) - 1 && (r = fread(out + n, 1, sizeof(out) - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	pclose(p);
	return out;
}

static void test_gdb_reads_the_core(void **state)
{
	struct dir d;
	struct run r;
	const char *g;

	(void)state;
	dir_make(&d);
	run_pagelab(&r, NULL, "run", "--core-dir", d.path, PROG, "crash", NULL);
	assert_int_equal(r.status, 139);
	has(r.err, "killed by signal 11 (SIGSEGV)");
	has(r.err, "(core dumped)");
	assert_int_equal(access(d.core, R_OK), 0);
	g = gdb_read(d.core);
	has(g, "Program terminated with signal SIGSEGV");
	has(g, "#0  ");
	has(g, "crash_in_here");
	has(g, "in main");
	has(g, "rip            0x");
	has(g, "\"KEPT-IN-CORE\"");
	if (strstr(g, "NOCORE-SECRET") || strstr(g, "DONTDUMP-SECRET"))
		fail_msg("a region left out of core dumps is in the core:\n%s", g);
	has(g, "Cannot access memory");
	run_free(&r);
	dir_remove(&d);
}

static void test_no_core_without_dir(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", PROG, "crash", NULL);
	assert_int_equal(r.status, 139);
	if (strstr(r.err, "core dumped"))
		fail_msg("no --core-dir, yet a core was reported:\n%s", r.err);
	run_free(&r);
}

/* A child's wait status has WCOREDUMP only when its core was written. */
static void test_wait_status_core_bit(void **state)
{
	struct dir d;
	struct run r;

	(void)state;
	dir_make(&d);
	run_pagelab(&r, NULL, "run", "--core-dir", d.path, PROG, "child", NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "RLIMIT_CORE unlimited\n"
				   "child: signal 11 core 1\n"
				   "child with RLIMIT_CORE 0: signal 11 core 0\n");
	assert_int_equal(access(d.core, R_OK), 0);
	run_free(&r);
	dir_remove(&d);
	/* Without --core-dir the limit starts at 0, as Linux's default. */
	run_pagelab(&r, NULL, "run", PROG, "child", NULL);
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "RLIMIT_CORE 0\n"
				   "child: signal 11 core 0\n"
				   "child with RLIMIT_CORE 0: signal 11 core 0\n");
	run_free(&r);
}

/* DIR/NAME.core as a symlink: replaced by the core, its target untouched. */
static void test_symlink_not_followed(void **state)
{
	char target[160];
	struct stat st;
	struct dir d;
	struct run r;
	FILE *f;

	(void)state;
	dir_make(&d);
	snprintf(target, sizeof(target), "%s/target", d.path);
	f = fopen(target, "w");
	assert_non_null(f);
	fputs("untouched\n", f);
	fclose(f);
	assert_int_equal(symlink(target, d.core), 0);
	run_pagelab(&r, NULL, "run", "--core-dir", d.path, PROG, "crash", NULL);
	assert_int_equal(r.status, 139);
	assert_int_equal(lstat(d.core, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 10);
	run_free(&r);
	dir_remove(&d);
}

static void test_bad_core_dir(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--core-dir", "/nonexistent/cores", PROG, "crash", NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "core directory /nonexistent/cores");
	assert_int_equal(count_lines(r.err), 1);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_gdb_reads_the_core, setup_kvm_kernel),
		cmocka_unit_test_setup(test_no_core_without_dir, setup_kvm_kernel),
		cmocka_unit_test_setup(test_wait_status_core_bit, setup_kvm_kernel),
		cmocka_unit_test_setup(test_symlink_not_followed, setup_kvm_kernel),
		cmocka_unit_test_setup(test_bad_core_dir, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
