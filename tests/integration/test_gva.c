// SPDX-License-Identifier: MIT
/*
 * pl_gva_translate from outside the guest: after a run of
 * tests/sandbox/gva_probe, the host walks the program's page tables and
 * finds PROT_NOCACHE in the leaf PTEs (PCD|PWT: UC through the reset PAT),
 * also after mprotect and after a copy-on-write fault, an ordinary page
 * write-back, and a MAP_PHYS|MAP_ANON buffer on contiguous frames at the
 * address mem_offset() told the program.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>
#include <pagelab/initramfs.h>

#include "common.h"

#define PROBE "build/tests/sandbox/gva_probe"

struct captured {
	char text[4096];
	size_t len;
};

static void collect(void *opaque, enum pl_stream stream, const char *buf, size_t len)
{
	struct captured *c = opaque;

	if (stream != PL_STREAM_STDOUT || len > sizeof(c->text) - 1 - c->len)
		return;
	memcpy(c->text + c->len, buf, len);
	c->len += len;
	c->text[c->len] = '\0';
}

static uint64_t address_of(const char *text, const char *name)
{
	char key[32];
	const char *at;

	snprintf(key, sizeof(key), "%s 0x", name);
	at = strstr(text, key);
	if (!at)
		fail_msg("the probe printed no %s:\n%s", name, text);
	return strtoull(at + strlen(key) - 2, NULL, 16);
}

static void translated(struct pl_sandbox *sb, uint64_t gva, struct pl_gva_info *info)
{
	if (pl_gva_translate(sb, gva, info))
		fail_msg("pl_gva_translate(0x%" PRIx64 "): %s", gva, pl_error());
}

/* PROT_NOCACHE's PCD|PWT select UC through the PAT the kernel keeps (UC- with PCD alone). */
static bool uncached(const struct pl_gva_info *info)
{
	return info->memtype == PL_MT_UC || info->memtype == PL_MT_UC_MINUS;
}

static void test_from_outside(void **state)
{
	const char *argv[] = { "/bin/gva_probe", NULL };
	struct captured out = { .len = 0 };
	struct pl_config cfg = { .memory = 64 << 20,
				 .kernel = guest_kernel(),
				 .argv = argv,
				 .no_stdin = true,
				 .output = collect,
				 .output_opaque = &out,
				 .seccomp = PL_SECCOMP_OFF };
	struct pl_cpio *c = pl_cpio_new();
	struct pl_gva_info info;
	struct pl_sandbox *sb;
	const void *rd;
	size_t rd_len;
	uint64_t contig, pa;
	char err[256];

	(void)state;
	assert_non_null(c);
	if (pl_cpio_add_host_file(c, "/bin/gva_probe", PROBE, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(pl_cpio_finish(c, &rd, &rd_len), 0);
	cfg.initramfs = rd;
	cfg.initramfs_size = rd_len;
	sb = pl_sandbox_create(&cfg);
	pl_cpio_free(c);
	if (!sb)
		fail_msg("pl_sandbox_create: %s", pl_error());
	assert_int_equal(pl_sandbox_run(sb, NULL), 0);
	translated(sb, address_of(out.text, "normal"), &info);
	assert_false(uncached(&info));
	assert_string_equal(pl_memtype_name(info.memtype), "WB");
	translated(sb, address_of(out.text, "nocache"), &info);
	assert_true(uncached(&info));
	assert_string_equal(pl_memtype_name(info.memtype), "UC");
	translated(sb, address_of(out.text, "reprotected"), &info);
	assert_true(uncached(&info) && !info.writable); /* read-only now, still uncached */
	translated(sb, address_of(out.text, "cow"), &info);
	assert_true(uncached(&info) && info.writable); /* the parent's own writable copy */
	contig = address_of(out.text, "contig");
	pa = strtoull(strchr(strstr(out.text, "contig 0x") + 9, ' ') + 1, NULL, 16);
	for (int i = 0; i < 16; i++) {
		translated(sb, contig + i * 4096ULL, &info);
		assert_true(info.gpa == pa + i * 4096ULL);
	}
	assert_int_equal(pl_gva_translate(sb, 0x1000, &info), -EFAULT);
	assert_int_equal(pl_gva_translate(sb, 0x800000000000ULL, &info), -EINVAL);
	pl_sandbox_destroy(sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_from_outside, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
