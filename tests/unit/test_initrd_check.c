// SPDX-License-Identifier: MIT
/*
 * pl_initramfs_check: what --initrd accepts before boot. A real archive
 * passes; files that are something else, and every truncation of a good
 * archive, are refused with a line that says which (under ASan, so a read
 * past the buffer fails the test as well).
 */
#include <fcntl.h>
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

#include <pagelab/initramfs.h>

static void accepted(const void *data, size_t len)
{
	char err[256] = "";

	if (pl_initramfs_check(data, len, err, sizeof(err)))
		fail_msg("a good archive of %zu bytes was refused: %s", len, err);
}

/* Refused, with want in the message; the buffer is copied to its exact size. */
static void refused(const void *data, size_t len, const char *want)
{
	char err[256] = "";
	void *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, data, len);
	rc = pl_initramfs_check(copy, len, err, sizeof(err));
	free(copy);
	if (rc != -1 || !strstr(err, want))
		fail_msg("%zu bytes: expected -1 and '%s', got %d and '%s'", len, want, rc, err);
}

/*
 * A small archive as pagelab run builds it (the directory "bin", a program,
 * "data" and a text file), and a scratch copy. Made and freed by cmocka's
 * setup and teardown, so a failing test leaks nothing.
 */
struct archive {
	struct pl_cpio *c;
	const void *data;
	size_t len;
	char *scratch;
};

static int setup(void **state)
{
	static char blob[700];
	struct archive *a = calloc(1, sizeof(*a));

	memset(blob, 'x', sizeof(blob));
	if (!a || !(a->c = pl_cpio_new()) ||
	    pl_cpio_add_file(a->c, "/bin/prog", blob, sizeof(blob), 0755) ||
	    pl_cpio_add_file(a->c, "/data/a.txt", "hello\n", 6, 0644) ||
	    pl_cpio_finish(a->c, &a->data, &a->len) || !(a->scratch = malloc(a->len))) {
		if (a)
			pl_cpio_free(a->c);
		free(a);
		return -1;
	}
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	struct archive *a = *state;

	pl_cpio_free(a->c);
	free(a->scratch);
	free(a);
	return 0;
}

static void test_good_archives(void **state)
{
	struct archive *a = *state;
	char trailer_only[124] = { 0 };

	snprintf(trailer_only, sizeof(trailer_only),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s", 0, 0, 0, 0, 1, 0,
		 0, 0, 0, 0, 0, 11, 0, "TRAILER!!!");
	accepted(a->data, a->len);
	/* Only a trailer: an empty root, which the guest unpacks fine. */
	accepted(trailer_only, sizeof(trailer_only));
}

static void test_other_files(void **state)
{
	static const uint8_t qcow2[72] = { 'Q', 'F', 'I', 0xfb, 0, 0, 0, 3 };
	static const uint8_t elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };
	static const uint8_t gzip[20] = { 0x1f, 0x8b, 8 };
	uint8_t garbage[4096];
	uint32_t x = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(garbage); i++) {
		x = x * 1103515245 + 12345;
		garbage[i] = x >> 24;
	}
	refused(qcow2, sizeof(qcow2), "not a cpio newc archive: it is a qcow2 disk image");
	refused(elf, sizeof(elf), "not a cpio newc archive: it is an ELF file");
	refused(gzip, sizeof(gzip), "gzip-compressed data (decompress it first)");
	refused(garbage, sizeof(garbage), "not a cpio newc archive");
	refused("070707000000", 12, "old-style (odc) cpio");
	refused("", 0, "the archive is empty");
	refused("0707", 4, "not a cpio newc archive");
}

/* Every cut before the end of the trailer is refused; cuts in the padding are not. */
static void test_every_truncation(void **state)
{
	struct archive *a = *state;
	const char *name = memmem(a->data, a->len, "TRAILER!!!", 10);
	size_t trailer_end;

	assert_non_null(name);
	/* The name is 11 bytes after a 110-byte header, padded to 4: 14 more. */
	trailer_end = (size_t)(name - (const char *)a->data) + 14;
	for (size_t cut = 1; cut < trailer_end; cut++)
		refused(a->data, cut,
			cut < 6	    ? "not a cpio newc archive"
			: cut < 110 ? "archive truncated"
				    : "");
	/* In the data of the second entry (the first is the directory "bin"). */
	refused(a->data, 300, "broken cpio newc archive: archive truncated (entry at byte 116)");
	for (size_t cut = trailer_end; cut <= a->len; cut++)
		accepted(a->data, cut);
}

static void test_corrupt_headers(void **state)
{
	struct archive *a = *state;
	char *bad = a->scratch;

	/* Which entry is broken is said by its offset. */
	memcpy(bad, a->data, a->len);
	memcpy(bad + 6, "zzzzzzzz", 8);
	refused(bad, a->len, "header field is not hexadecimal (entry at byte 0)");
	/* A file size far past the end. */
	memcpy(bad, a->data, a->len);
	memcpy(bad + 6 + 6 * 8, "7FFFFFFF", 8);
	refused(bad, a->len, "archive truncated (entry at byte 0)");
	/* A name with "..": the guest would refuse it, so the host does. */
	memcpy(bad, a->data, a->len);
	memcpy(bad + 110, "../", 3);
	refused(bad, a->len, "bad file name (entry at byte 0)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_archives, setup, teardown),
		cmocka_unit_test(test_other_files),
		cmocka_unit_test_setup_teardown(test_every_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_headers, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
