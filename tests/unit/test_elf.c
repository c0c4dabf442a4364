// SPDX-License-Identifier: MIT
/* Kernel ELF checks: a good image loads; each kind of broken one is refused in one line. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "elfload.h"
#include "fake_sandbox.h"

#define VBASE PL_KERNEL_VBASE
#define PADDR 0x200000ULL

/* An ELF header, two program headers and 64 bytes of "code" and "data". */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t text[32];
	uint8_t data[32];
};

static struct image good(void)
{
	struct image im = { 0 };

	memcpy(im.eh.e_ident, ELFMAG, SELFMAG);
	im.eh.e_ident[EI_CLASS] = ELFCLASS64;
	im.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	im.eh.e_ident[EI_VERSION] = EV_CURRENT;
	im.eh.e_type = ET_EXEC;
	im.eh.e_machine = EM_X86_64;
	im.eh.e_version = EV_CURRENT;
	im.eh.e_entry = VBASE + PADDR + 4;
	im.eh.e_phoff = offsetof(struct image, ph);
	im.eh.e_ehsize = sizeof(Elf64_Ehdr);
	im.eh.e_phentsize = sizeof(Elf64_Phdr);
	im.eh.e_phnum = 2;
	im.ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD,
				 .p_flags = PF_R | PF_X,
				 .p_offset = offsetof(struct image, text),
				 .p_vaddr = VBASE + PADDR,
				 .p_paddr = PADDR,
				 .p_filesz = 32,
				 .p_memsz = 32,
				 .p_align = 4096 };
	im.ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD,
				 .p_flags = PF_R | PF_W,
				 .p_offset = offsetof(struct image, data),
				 .p_vaddr = VBASE + PADDR + 0x1000,
				 .p_paddr = PADDR + 0x1000,
				 .p_filesz = 32,
				 .p_memsz = 0x2000,
				 .p_align = 4096 };
	memset(im.text, 0x90, sizeof(im.text));
	memset(im.data, 0xda, sizeof(im.data));
	return im;
}

static int check(struct image *im, size_t size)
{
	struct pl_kernel_image img = { .data = (const uint8_t *)im, .size = size };

	snprintf(img.name, sizeof(img.name), "test.elf");
	return pl_elf_check(&img);
}

static void refused(struct image im, size_t size, const char *why)
{
	assert_int_equal(check(&im, size), -1);
	assert_int_equal(pl_error_kind(), PL_ERR_KERNEL);
	assert_non_null(strstr(pl_error(), "kernel test.elf: "));
	if (!strstr(pl_error(), why))
		fail_msg("message '%s' does not say '%s'", pl_error(), why);
}

static void test_good_image_loads(void **state)
{
	struct image im = good();
	struct pl_kernel_image img = { .data = (const uint8_t *)&im, .size = sizeof(im) };
	struct fake *f = fake_new(16ULL << 20, -1);
	uint8_t *p;

	(void)state;
	assert_int_equal(pl_elf_check(&img), 0);
	assert_true(img.entry == VBASE + PADDR + 4);
	assert_true(img.start == PADDR && img.end == PADDR + 0x3000);
	assert_int_equal(pl_elf_load(&img, &f->sb.mem), 0);
	p = fake_ptr(f, PADDR, 0x3000);
	assert_int_equal(p[0], 0x90);
	assert_int_equal(p[0x1000 + 31], 0xda);
	assert_int_equal(p[0x1000 + 32], 0); /* .bss */
	fake_free(f);
}

/* Linked at its physical address (identity) works too. */
static void test_identity_linked(void **state)
{
	struct image im = good();

	(void)state;
	im.ph[0].p_vaddr = PADDR;
	im.eh.e_entry = PADDR;
	assert_int_equal(check(&im, sizeof(im)), 0);
}

static void test_not_elf(void **state)
{
	struct image im = good();

	(void)state;
	refused(im, 3, "not an ELF file");
	im.eh.e_ident[EI_MAG1] = 'e';
	refused(im, sizeof(im), "not an ELF file");
}

static void test_wrong_kind(void **state)
{
	struct image im;

	(void)state;
	im = good();
	im.eh.e_ident[EI_CLASS] = ELFCLASS32;
	refused(im, sizeof(im), "64-bit x86-64");
	im = good();
	im.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	refused(im, sizeof(im), "64-bit x86-64");
	im = good();
	im.eh.e_machine = EM_AARCH64;
	refused(im, sizeof(im), "64-bit x86-64");
	im = good();
	im.eh.e_type = ET_DYN;
	refused(im, sizeof(im), "64-bit x86-64");
	refused(good(), sizeof(Elf64_Ehdr) - 1, "64-bit x86-64");
}

static void test_bad_headers(void **state)
{
	struct image im;

	(void)state;
	im = good();
	im.eh.e_phoff = sizeof(im) - 8;
	refused(im, sizeof(im), "program headers");
	im = good();
	im.eh.e_phoff = UINT64_MAX - 8; /* offset + size wraps */
	refused(im, sizeof(im), "program headers");
	im = good();
	im.eh.e_phnum = 0xffff;
	refused(im, sizeof(im), "program headers");
	im = good();
	im.eh.e_phentsize = 32;
	refused(im, sizeof(im), "program headers");
	/* Truncated: the headers say more than the file has. */
	refused(good(), offsetof(struct image, ph) + sizeof(Elf64_Phdr), "program headers");
}

static void test_bad_segments(void **state)
{
	struct image im;

	(void)state;
	im = good();
	im.ph[1].p_offset = sizeof(im) - 4;
	refused(im, sizeof(im), "outside the file");
	im = good();
	im.ph[1].p_filesz = UINT64_MAX;
	refused(im, sizeof(im), "outside the file");
	im = good();
	im.ph[1].p_filesz = 0x30;
	im.ph[1].p_memsz = 0x20;
	refused(im, sizeof(im), "outside the file");
	im = good();
	im.ph[0].p_paddr = 0x8000; /* low RAM: the boot tables live there */
	im.ph[0].p_vaddr = VBASE + 0x8000;
	refused(im, sizeof(im), "outside [1M");
	im = good();
	im.ph[1].p_paddr = PL_BOOT_MAP_SIZE - 0x1000; /* ends past the boot map */
	im.ph[1].p_vaddr = VBASE + im.ph[1].p_paddr;
	refused(im, sizeof(im), "outside [1M");
	im = good();
	im.ph[1].p_paddr = 0xfffffffffffff000ULL;
	refused(im, sizeof(im), "outside [1M");
	im = good();
	im.ph[1].p_vaddr = 0xffff800000201000ULL;
	refused(im, sizeof(im), "linked at");
	im = good();
	im.ph[1].p_paddr = PADDR + 0x10; /* overlaps the text */
	im.ph[1].p_vaddr = VBASE + PADDR + 0x10;
	refused(im, sizeof(im), "overlap");
	im = good();
	im.ph[0].p_type = PT_NOTE;
	im.ph[1].p_type = PT_NOTE;
	refused(im, sizeof(im), "no loadable segments");
}

static void test_bad_entry(void **state)
{
	struct image im;

	(void)state;
	im = good();
	im.eh.e_entry = VBASE + PADDR + 0x1000; /* in the data segment */
	refused(im, sizeof(im), "entry point");
	im = good();
	im.eh.e_entry = PADDR + 4; /* the physical, not the linked, address */
	refused(im, sizeof(im), "entry point");
	im = good();
	im.eh.e_entry = VBASE + PADDR + 32; /* one past the end */
	refused(im, sizeof(im), "entry point");
}

static void test_read_errors(void **state)
{
	struct pl_kernel_image img;
	char path[] = "/tmp/pagelab-test-elf-XXXXXX";
	int fd;

	(void)state;
	assert_int_equal(pl_elf_read("/nonexistent/kernel.elf", &img), -1);
	assert_non_null(strstr(pl_error(), "No such file"));
	assert_int_equal(pl_elf_read("/tmp", &img), -1);
	assert_non_null(strstr(pl_error(), "not a regular file"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "root:x:0:0:root:/root:/bin/sh\n", 30), 30);
	close(fd);
	assert_int_equal(pl_elf_read(path, &img), -1);
	assert_non_null(strstr(pl_error(), "not an ELF file"));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_image_loads), cmocka_unit_test(test_identity_linked),
		cmocka_unit_test(test_not_elf),		 cmocka_unit_test(test_wrong_kind),
		cmocka_unit_test(test_bad_headers),	 cmocka_unit_test(test_bad_segments),
		cmocka_unit_test(test_bad_entry),	 cmocka_unit_test(test_read_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
