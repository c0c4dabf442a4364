// SPDX-License-Identifier: MIT
/*
 * The device tree the host writes (hostlib/fdt.c) from what a user
 * chooses (memory size, kernel options, the program's arguments and
 * environment) and what the layout puts in it, read back by the guest's
 * parser (guest/kernel/bootinfo.c): a tree the host builds must pass
 * libfdt's full check, must not make the kernel panic, and must give the
 * kernel exactly the values the host meant.
 */
#include <libfdt.h>
#include <setjmp.h>
#include <string.h>

#include <kernel/boot.h>

#include "fdtgen.h"
#include "fuzz_check.h"
#include "fuzz_input.h"

#define MAX_STRINGS 8

static jmp_buf panicked;

void panic(const char *fmt, ...)
{
	fprintf(stderr, "kernel panic: %s\n", fmt);
	longjmp(panicked, 1);
}

struct strings {
	char *v[MAX_STRINGS + 1];
	size_t bytes; /* as an FDT string list */
};

static void read_strings(struct fuzz_in *in, struct strings *s)
{
	unsigned n = in_u8(in) % (MAX_STRINGS + 1);

	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < n; i++) {
		s->v[i] = in_str(in);
		s->bytes += strlen(s->v[i]) + 1;
	}
}

static void free_strings(struct strings *s)
{
	for (unsigned i = 0; s->v[i]; i++)
		free(s->v[i]);
}

static void check_list(const char *got, int len, const struct strings *want)
{
	const char *p = got;

	if (!want->v[0]) {
		CHECK(len == 0);
		return;
	}
	CHECK(got && (size_t)len == want->bytes);
	for (unsigned i = 0; want->v[i]; i++) {
		CHECK(!strcmp(p, want->v[i]));
		p += strlen(p) + 1;
	}
}

static bool covered(const struct phys_range *list, int n, uint64_t start, uint64_t end)
{
	for (int i = 0; i < n; i++)
		if (start >= list[i].start && end <= list[i].end)
			return true;
	return false;
}

static void check_parsed(const struct pl_fdt_params *p, const struct strings *argv,
			 const struct strings *envp)
{
	uint64_t max_phys = 0;

	CHECK(boot_info.bootargs && !strcmp(boot_info.bootargs, p->bootargs));
	check_list(boot_info.argv, boot_info.argv_len, argv);
	check_list(boot_info.envp, boot_info.envp_len, envp);
	CHECK(boot_info.tsc_khz == p->tsc_khz);
	CHECK(boot_info.boot_epoch_ns == p->boot_epoch_ns);
	if (p->initrd_end > p->initrd_start)
		CHECK(boot_info.initrd_start == p->initrd_start &&
		      boot_info.initrd_end == p->initrd_end);
	else
		CHECK(boot_info.initrd_start == 0 && boot_info.initrd_end == 0);
	for (unsigned i = 0; i < p->map->n; i++) {
		const struct pl_region *r = &p->map->region[i];

		if (r->kind != PL_REGION_RAM)
			continue;
		CHECK(covered(boot_info.ram, boot_info.nr_ram, r->base, r->base + r->size));
		max_phys = r->base + r->size > max_phys ? r->base + r->size : max_phys;
	}
	CHECK(boot_info.max_phys == max_phys);
	for (unsigned i = 0; i < p->nreserved; i++) {
		uint64_t s = p->reserved[i].base, e = s + p->reserved[i].size;

		CHECK(e <= s || covered(boot_info.reserved, boot_info.nr_reserved, s, e));
	}
}

static void build_and_parse(struct fuzz_in *in, const struct pl_memmap *map, char *bootargs)
{
	struct pl_fdt_params p = { .map = map, .bootargs = bootargs };
	struct strings argv, envp;
	size_t size = in_u16(in);
	void *fdt;
	int rc;

	read_strings(in, &argv);
	read_strings(in, &envp);
	p.argv = (const char *const *)argv.v;
	p.envp = (const char *const *)envp.v;
	p.initrd_start = in_u64(in);
	p.initrd_end = in_u64(in);
	p.tsc_khz = in_u32(in);
	p.boot_epoch_ns = in_u64(in);
	(void)in_u32(in); /* the ROM's ident length once; kept so the corpus still reads */
	p.nreserved = in_u8(in) % (PL_FDT_RESERVED_MAX + 1);
	for (unsigned i = 0; i < p.nreserved; i++)
		p.reserved[i] = (struct pl_range){ in_u64(in), in_u64(in) };
	size = size ? size : 65536;
	fdt = malloc(size);
	CHECK(fdt);
	rc = pl_fdt_build(fdt, size, &p);
	CHECK(rc == 0 || rc == -FDT_ERR_NOSPACE);
	if (rc == 0) {
		CHECK(fdt_check_full(fdt, size) == 0);
		memset(&boot_info, 0, sizeof(boot_info));
		if (setjmp(panicked))
			abort(); /* a tree the host built made the kernel panic */
		boot_info_parse(fdt, 0x200000);
		check_parsed(&p, &argv, &envp);
	}
	free(fdt);
	free_strings(&argv);
	free_strings(&envp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct pl_memmap map;
	char *bootargs;

	if (pl_memmap((uint64_t)in_u32(&in) << 12, &map))
		return 0;
	bootargs = in_str(&in);
	build_and_parse(&in, &map, bootargs);
	free(bootargs);
	return 0;
}
