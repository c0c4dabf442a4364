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

/*
 * An ELF header, two loadable segments with 64 bytes of "code" and "data",
 * and a note segment with the pagelab ABI note.
 */
struct image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[3];
	uint8_t text[32];
	uint8_t data[32];
	uint8_t note[64];
};

/* One note at p laid out for the segment's alignment; returns its size. */
static size_t put_note(uint8_t *p, size_t align, const char *name, uint32_t type, const void *desc,
		       uint32_t descsz)
{
	Elf64_Nhdr nh = { .n_namesz = strlen(name) + 1, .n_descsz = descsz, .n_type = type };
	size_t d = (sizeof(nh) + nh.n_namesz + align - 1) & ~(align - 1);

	memcpy(p, &nh, sizeof(nh));
	memcpy(p + sizeof(nh), name, nh.n_namesz);
	memcpy(p + d, desc, descsz);
	return (d + descsz + align - 1) & ~(align - 1);
}

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
	im.eh.e_phnum = 3;
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
	im.ph[2] = (Elf64_Phdr){ .p_type = PT_NOTE,
				 .p_flags = PF_R,
				 .p_offset = offsetof(struct image, note),
				 .p_filesz = put_note(im.note, 4, PL_ELFNOTE_NAME, PL_ELFNOTE_ABI,
						      &(uint32_t){ PL_ABI_VERSION }, 4),
				 .p_align = 4 };
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
	refused(im, sizeof(im), "not an ELF executable (ET_EXEC)");
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
	im.ph[0].p_type = PT_NULL;
	im.ph[1].p_type = PT_NULL;
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

/* Without the note it is not a pagelab kernel, whatever else it is. */
static void test_abi_note(void **state)
{
	uint32_t next = PL_ABI_VERSION + 1, v[2] = { PL_ABI_VERSION };
	char want[64];
	struct image im;

	(void)state;
	im = good();
	im.ph[2].p_type = PT_NULL;
	refused(im, sizeof(im), "not a pagelab kernel (it has no \"pagelab\" ABI note)");
	im = good();
	im.note[12] = 'P'; /* another owner's note */
	refused(im, sizeof(im), "not a pagelab kernel");
	im = good();
	im.note[8] = 2; /* another type */
	refused(im, sizeof(im), "not a pagelab kernel");
	im = good();
	put_note(im.note, 4, PL_ELFNOTE_NAME, PL_ELFNOTE_ABI, &next, 4);
	snprintf(want, sizeof(want), "kernel ABI %u, this pagelab expects %u", next, v[0]);
	refused(im, sizeof(im), want);
	im = good();
	im.ph[2].p_filesz = put_note(im.note, 4, PL_ELFNOTE_NAME, PL_ELFNOTE_ABI, v, 8);
	refused(im, sizeof(im), "note segment 2 is malformed");
	im = good();
	im.note[4] = 0xff; /* descsz past the segment */
	refused(im, sizeof(im), "note segment 2 is malformed");
	im = good();
	im.ph[2].p_filesz = 23; /* the descriptor cut short */
	refused(im, sizeof(im), "note segment 2 is malformed");
	im = good();
	im.ph[2].p_offset = sizeof(im) - 8;
	refused(im, sizeof(im), "note segment 2 is malformed");
}

/* After a GNU property note in an 8-aligned segment, as linkers write them. */
static void test_abi_note_after_others(void **state)
{
	static const uint8_t prop[16] = { 2, 0, 0, 0xc0, 4, 0, 0, 0, 1 };
	uint32_t v = PL_ABI_VERSION;
	struct image im = good();
	size_t n;

	(void)state;
	memset(im.note, 0, sizeof(im.note));
	n = put_note(im.note, 8, "GNU", 5, prop, sizeof(prop));
	assert_int_equal(n, 32);
	n += put_note(im.note + n, 8, PL_ELFNOTE_NAME, PL_ELFNOTE_ABI, &v, 4);
	im.ph[2].p_filesz = n;
	im.ph[2].p_align = 8;
	assert_int_equal(check(&im, sizeof(im)), 0);
	/* The same bytes read with 4-byte alignment do not parse. */
	im.ph[2].p_align = 4;
	assert_int_equal(check(&im, sizeof(im)), -1);
}

/* A temporary file holding size bytes of im; its path in path. */
static void write_image(char *path, const void *im, size_t size)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, im, size), (ssize_t)size);
	close(fd);
}

/* From a file the segments are read straight into guest RAM, headers and notes checked first. */
static void test_file_loads(void **state)
{
	struct image im = good();
	char path[] = "/tmp/pagelab-test-elf-XXXXXX";
	struct pl_kernel_image img;
	struct fake *f = fake_new(16ULL << 20, -1);
	uint8_t *p;

	(void)state;
	write_image(path, &im, sizeof(im));
	assert_int_equal(pl_elf_read(path, &img), 0);
	assert_true(img.entry == VBASE + PADDR + 4);
	assert_int_equal(pl_elf_load(&img, &f->sb.mem), 0);
	p = fake_ptr(f, PADDR, 0x3000);
	assert_int_equal(p[0], 0x90);
	assert_int_equal(p[31], 0x90);
	assert_int_equal(p[0x1000 + 31], 0xda);
	assert_int_equal(p[0x1000 + 32], 0);
	pl_elf_free(&img);
	/* A file cut short between the checks and the load: one line, no crash. */
	assert_int_equal(pl_elf_read(path, &img), 0);
	assert_int_equal(truncate(path, offsetof(struct image, data) + 8), 0);
	assert_int_equal(pl_elf_load(&img, &f->sb.mem), -1);
	assert_non_null(strstr(pl_error(), "cannot read segment 1"));
	pl_elf_free(&img);
	/* A note past the end of the file is still refused by the checks. */
	im.ph[2].p_offset = sizeof(im) + 64;
	unlink(path);
	strcpy(path, "/tmp/pagelab-test-elf-XXXXXX");
	write_image(path, &im, sizeof(im));
	assert_int_equal(pl_elf_read(path, &img), -1);
	assert_non_null(strstr(pl_error(), "note segment 2 is malformed"));
	unlink(path);
	fake_free(f);
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
		cmocka_unit_test(test_good_image_loads),
		cmocka_unit_test(test_identity_linked),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_wrong_kind),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_bad_segments),
		cmocka_unit_test(test_bad_entry),
		cmocka_unit_test(test_abi_note),
		cmocka_unit_test(test_abi_note_after_others),
		cmocka_unit_test(test_file_loads),
		cmocka_unit_test(test_read_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
