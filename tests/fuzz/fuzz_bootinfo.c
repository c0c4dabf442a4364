// SPDX-License-Identifier: MIT
/*
 * The guest's device-tree parser (guest/kernel/bootinfo.c, built for the
 * host) on arbitrary trees. The kernel reads the tree the host placed in
 * its memory, totalsize bytes of it, so the harness hands it exactly that
 * many bytes (the rest of the input is ignored). A panic is an allowed
 * answer to a broken tree; anything else it hands on must be usable as
 * is: NUL-terminated strings, string lists that end in a NUL, ranges that
 * do not wrap, a map within its bounds.
 */
#include <libfdt.h>
#include <setjmp.h>
#include <string.h>

#include <kernel/boot.h>

#include "fuzz_check.h"

static jmp_buf panicked;

void panic(const char *fmt, ...)
{
	(void)fmt;
	longjmp(panicked, 1);
}

static void check_ranges(const struct phys_range *r, int n)
{
	CHECK(n >= 0 && n <= BOOT_MAX_RANGES);
	for (int i = 0; i < n; i++)
		CHECK(r[i].start < r[i].end);
}

static void check_list(const char *p, int len)
{
	CHECK(len >= 0);
	CHECK(len == 0 || p[len - 1] == '\0');
}

static void check_options(void)
{
	static const char *const names[] = { "verbose", "trace", "isolate", "selftest", "" };
	char buf[32];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *v = boot_option(names[i], buf, sizeof(buf));

		CHECK(!v || (v == buf && strlen(buf) < sizeof(buf)));
	}
}

static void check_parsed(void)
{
	static struct boot_map_entry e[BOOT_MAP_MAX];
	int n;

	check_ranges(boot_info.ram, boot_info.nr_ram);
	check_ranges(boot_info.reserved, boot_info.nr_reserved);
	CHECK(boot_info.nr_ram > 0);
	if (boot_info.bootargs)
		CHECK(strlen(boot_info.bootargs) < fdt_totalsize(boot_info.fdt));
	check_list(boot_info.argv, boot_info.argv_len);
	check_list(boot_info.envp, boot_info.envp_len);
	check_options();
	n = boot_map(e);
	CHECK(n >= 0 && n <= BOOT_MAP_MAX);
	for (int i = 1; i < n; i++)
		CHECK(e[i - 1].start <= e[i].start);
	for (int i = 0; i < n; i++)
		CHECK(memchr(e[i].what, '\0', sizeof(e[i].what)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t total;
	void *fdt;

	if (size < sizeof(struct fdt_header))
		return 0;
	total = fdt_totalsize(data);
	if (total > size || total < sizeof(struct fdt_header))
		return 0;
	fdt = malloc(total);
	CHECK(fdt);
	memcpy(fdt, data, total);
	memset(&boot_info, 0, sizeof(boot_info));
	if (!setjmp(panicked)) {
		boot_info_parse(fdt, 0x200000);
		check_parsed();
	}
	free(fdt);
	return 0;
}
