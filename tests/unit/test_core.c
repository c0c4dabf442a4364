// SPDX-License-Identifier: MIT
/*
 * The core-file hypercalls (hostlib/core.c) against crafted guest blocks:
 * a file appears only under the core directory, only with a plain name,
 * holes stay holes, and every bad address, length, count or order is
 * refused with the ABI's error and writes nothing.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_sandbox.h"

#define M     (1ULL << 20)
#define BLOCK 0x300000ULL
#define NAME  0x310000ULL
#define IOV   0x320000ULL
#define DATA  0x330000ULL
#define MEM   (16 * M)

struct core_test {
	struct fake *f;
	char dir[64];
};

static int64_t hcall(struct core_test *t, uint32_t nr, uint64_t a0, uint64_t a1)
{
	struct pl_hcall *hc = fake_ptr(t->f, BLOCK, sizeof(*hc));

	*hc = (struct pl_hcall){ .nr = nr, .arg = { a0, a1, 0, 0 }, .ret = 0x5555 };
	assert_int_equal(pl_hcall_handle(&t->f->sb, BLOCK), 0);
	return ((struct pl_hcall *)fake_ptr(t->f, BLOCK, sizeof(*hc)))->ret;
}

static int64_t open_named(struct core_test *t, const char *name)
{
	size_t len = strlen(name);

	memcpy(fake_ptr(t->f, NAME, len + 1), name, len + 1);
	return hcall(t, PL_HC_CORE_OPEN, NAME, len);
}

static int setup(void **state)
{
	struct core_test *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	t->f = fake_new(MEM, -1);
	snprintf(t->dir, sizeof(t->dir), "/tmp/pagelab-coreunit.XXXXXX");
	if (!mkdtemp(t->dir) || pl_core_setup(&t->f->sb.core, t->dir))
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct core_test *t = *state;
	char cmd[128];

	pl_core_destroy(&t->f->sb.core);
	fake_free(t->f);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd) != 0)
		return -1;
	free(t);
	return 0;
}

static off_t file_size(struct core_test *t, const char *name)
{
	char path[160];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", t->dir, name);
	return stat(path, &st) == 0 ? st.st_size : -1;
}

static void test_writes_pieces_and_holes(void **state)
{
	struct core_test *t = *state;
	struct pl_hc_iov *iov = fake_ptr(t->f, IOV, 3 * sizeof(*iov));
	char path[160], buf[16];
	FILE *fp;

	memcpy(fake_ptr(t->f, DATA, 8), "ELFcore!", 8);
	assert_int_equal(open_named(t, "prog.core"), 0);
	iov[0] = (struct pl_hc_iov){ DATA, 3 };
	iov[1] = (struct pl_hc_iov){ PL_CORE_HOLE, 4093 };
	iov[2] = (struct pl_hc_iov){ DATA + 3, 5 };
	assert_int_equal(hcall(t, PL_HC_CORE_WRITE, IOV, 3), 4101);
	iov[0] = (struct pl_hc_iov){ PL_CORE_HOLE, 8192 };
	assert_int_equal(hcall(t, PL_HC_CORE_WRITE, IOV, 1), 8192);
	assert_int_equal(hcall(t, PL_HC_CORE_CLOSE, 1, 0), 0);
	assert_int_equal(file_size(t, "prog.core"), 4101 + 8192);
	snprintf(path, sizeof(path), "%s/prog.core", t->dir);
	fp = fopen(path, "r");
	assert_non_null(fp);
	assert_int_equal(fread(buf, 1, 3, fp), 3);
	assert_memory_equal(buf, "ELF", 3);
	fseek(fp, 4096, SEEK_SET);
	assert_int_equal(fread(buf, 1, 5, fp), 5);
	assert_memory_equal(buf, "core!", 5);
	fclose(fp);
	assert_true(t->f->sb.core.files_written == 1);
}

static void test_names_refused(void **state)
{
	static const char *const bad[] = {
		"",
		".core",
		"../x.core",
		"a/b.core",
		"a b.core",
		"x\n.core",
		"0123456789012345678901234567890123456789012345678901234567890123.core",
	};
	struct core_test *t = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(open_named(t, bad[i]), -PL_E_INVAL);
	/* The name outside guest memory. */
	assert_int_equal(hcall(t, PL_HC_CORE_OPEN, MEM - 2, 8), -PL_E_FAULT);
	assert_int_equal(hcall(t, PL_HC_CORE_OPEN, NAME, UINT64_MAX), -PL_E_INVAL);
	assert_true(pl_core_name_ok("a-b_c+1.core", 12));
}

static void test_bad_writes(void **state)
{
	struct core_test *t = *state;
	struct pl_hc_iov *iov = fake_ptr(t->f, IOV, 2 * sizeof(*iov));

	/* Nothing open: write and close are out of order. */
	assert_int_equal(hcall(t, PL_HC_CORE_WRITE, IOV, 0), -PL_E_INVAL);
	assert_int_equal(hcall(t, PL_HC_CORE_CLOSE, 1, 0), -PL_E_INVAL);
	assert_int_equal(open_named(t, "bad.core"), 0);
	assert_int_equal(hcall(t, PL_HC_CORE_WRITE, IOV, PL_HC_MAX_IOV + 1), -PL_E_INVAL);
	assert_int_equal(hcall(t, PL_HC_CORE_WRITE, MEM - 8, 1), -PL_E_FAULT);
	iov[0] = (struct pl_hc_iov){ MEM - 8, 16 };
	assert_int_equal(hcall(t, PL_HC_CORE_WRITE, IOV, 1), -PL_E_FAULT);
	iov[0] = (struct pl_hc_iov){ DATA, PL_HC_MAX_LEN + 1 };
	assert_int_equal(hcall(t, PL_HC_CORE_WRITE, IOV, 1), -PL_E_INVAL);
	iov[0] = (struct pl_hc_iov){ PL_CORE_HOLE, PL_HC_MAX_LEN };
	for (int i = 0; i < (int)(PL_CORE_MAX_BYTES / PL_HC_MAX_LEN); i++)
		assert_true(hcall(t, PL_HC_CORE_WRITE, IOV, 1) > 0);
	assert_int_equal(hcall(t, PL_HC_CORE_WRITE, IOV, 1), -PL_E_FBIG);
	/* Abandoned: the file goes away. */
	assert_int_equal(hcall(t, PL_HC_CORE_CLOSE, 0, 0), 0);
	assert_int_equal(file_size(t, "bad.core"), -1);
	assert_true(t->f->sb.core.files_written == 0);
}

static void test_without_core_dir(void **state)
{
	struct core_test *t = *state;

	pl_core_destroy(&t->f->sb.core);
	assert_int_equal(open_named(t, "prog.core"), -PL_E_NOSYS);
	assert_int_equal(hcall(t, PL_HC_CORE_WRITE, IOV, 0), -PL_E_INVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_writes_pieces_and_holes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_core_dir, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
