// SPDX-License-Identifier: MIT
/*
 * pl_program_check(): which files the sandbox refuses to run, and the one
 * line it says about each. Real programs are built here with musl-gcc and
 * cc; odd ones are crafted byte by byte from a minimal valid ELF, changing
 * one thing at a time.
 */
#include <elf.h>
#include <errno.h>
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

#define MUSL_LIB "/usr/lib/x86_64-linux-musl"

static char dir[64];
static char err[512];

static const char *at(const char *name)
{
	static char path[8][256];
	static int next;
	char *p = path[next++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	return p;
}

static void write_file(const char *name, const void *data, size_t len)
{
	int fd = open(at(name), O_WRONLY | O_CREAT | O_TRUNC, 0755);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void __attribute__((format(printf, 1, 2))) sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc != 0)
		fail_msg("command failed (%d): %s", rc, cmd);
}

static const char hello_c[] = "#include <stdio.h>\n"
			      "int main(void) { puts(\"hello\"); return 0; }\n";

/*
 * Build the real programs once: static and static-PIE with musl, dynamic
 * with the system compiler, an object file and a dependency-free shared
 * library. Debian's musl-gcc has no -static-pie spec, so the static PIE is
 * linked by hand from musl's rcrt1.o (its self-relocating start file).
 */
static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pagelab-test-program-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	write_file("hello.c", hello_c, strlen(hello_c));
	write_file("lib.c", "int f(void) { return 1; }\n", 26);
	sh("musl-gcc -static -O2 -o %s %s", at("static"), at("hello.c"));
	sh("musl-gcc -fPIE -O2 -nostartfiles -Wl,-static,-pie,--no-dynamic-linker,-z,text "
	   "-o %s " MUSL_LIB "/rcrt1.o " MUSL_LIB "/crti.o $(cc -print-file-name=crtbeginS.o) "
	   "%s $(cc -print-file-name=crtendS.o) " MUSL_LIB "/crtn.o",
	   at("static-pie"), at("hello.c"));
	sh("cc -O2 -o %s %s", at("dynamic"), at("hello.c"));
	sh("cc -O2 -c -o %s %s", at("object.o"), at("hello.c"));
	sh("cc -shared -fPIC -nostdlib -Wl,-e,f -Wl,-soname,libf.so -o %s %s", at("libf.so"),
	   at("lib.c"));
	/* The programs really run natively: they are what they claim to be. */
	sh("%s >/dev/null && %s >/dev/null", at("static"), at("static-pie"));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sh("rm -rf '%s'", dir);
	return 0;
}

static void refused(const char *path, const char *want)
{
	memset(err, 'x', sizeof(err));
	assert_int_equal(pl_program_check(path, err, sizeof(err)), -1);
	if (!strstr(err, want))
		fail_msg("for %s: wanted \"%s\" in \"%s\"", path, want, err);
	assert_null(strchr(err, '\n'));
	assert_true(strncmp(err, "pagelab: ", 9) == 0);
}

static void accepted(const char *path)
{
	memset(err, 'x', sizeof(err));
	if (pl_program_check(path, err, sizeof(err)) != 0)
		fail_msg("%s refused: %s", path, err);
	assert_string_equal(err, "");
}

static void test_accepts_static_musl(void **state)
{
	(void)state;
	accepted(at("static"));
	assert_int_equal(pl_program_check(at("static"), NULL, 0), 0);
}

static void test_accepts_static_pie(void **state)
{
	(void)state;
	accepted(at("static-pie"));
}

static void test_refuses_missing_and_odd_files(void **state)
{
	char want[300];

	(void)state;
	snprintf(want, sizeof(want), "pagelab: cannot open %s: No such file or directory",
		 at("nope"));
	refused(at("nope"), "");
	assert_string_equal(err, want);
	refused(dir, "is a directory, not a program");
	refused("/dev/null", "is not a regular file");
	assert_int_equal(pl_program_check(NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "pagelab: no program given");
	assert_int_equal(pl_program_check(at("nope"), NULL, 0), -1);
}

static void test_refuses_non_elf(void **state)
{
	char want[300];

	(void)state;
	write_file("text", "just some text\n", 15);
	refused(at("text"), "is not an ELF executable; build it with musl-gcc -static");
	snprintf(want, sizeof(want),
		 "pagelab: %s is not an ELF executable; build it with musl-gcc -static",
		 at("text"));
	assert_string_equal(err, want);
	write_file("empty", "", 0);
	refused(at("empty"), "is not an ELF executable");
	write_file("script", "#!/bin/sh\necho hi\n", 18);
	refused(at("script"), "is a script");
	refused(at("hello.c"), "is not an ELF executable");
}

static void test_refuses_dynamic(void **state)
{
	(void)state;
	refused(at("dynamic"), "is dynamically linked; build it with musl-gcc -static");
	refused(at("object.o"), "is an object file");
	refused(at("libf.so"), "is a shared library, not a program");
}

/*
 * A minimal valid static executable: header, two program headers (a
 * PT_LOAD covering the file and a PT_GNU_STACK) and a few code bytes.
 */
struct mini {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	uint8_t code[16];
};

static struct mini mini_elf(void)
{
	struct mini m;

	memset(&m, 0, sizeof(m));
	memcpy(m.eh.e_ident, ELFMAG, SELFMAG);
	m.eh.e_ident[EI_CLASS] = ELFCLASS64;
	m.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	m.eh.e_ident[EI_VERSION] = EV_CURRENT;
	m.eh.e_type = ET_EXEC;
	m.eh.e_machine = EM_X86_64;
	m.eh.e_version = EV_CURRENT;
	m.eh.e_entry = 0x400000 + offsetof(struct mini, code);
	m.eh.e_phoff = offsetof(struct mini, ph);
	m.eh.e_ehsize = sizeof(Elf64_Ehdr);
	m.eh.e_phentsize = sizeof(Elf64_Phdr);
	m.eh.e_phnum = 2;
	m.ph[0].p_type = PT_LOAD;
	m.ph[0].p_flags = PF_R | PF_X;
	m.ph[0].p_vaddr = m.ph[0].p_paddr = 0x400000;
	m.ph[0].p_filesz = m.ph[0].p_memsz = sizeof(m);
	m.ph[0].p_align = 0x1000;
	m.ph[1].p_type = PT_GNU_STACK;
	m.ph[1].p_flags = PF_R | PF_W;
	memset(m.code, 0x90, sizeof(m.code));
	return m;
}

static const char *put_mini(const struct mini *m)
{
	write_file("crafted", m, sizeof(*m));
	return at("crafted");
}

static void test_crafted_baseline_is_accepted(void **state)
{
	struct mini m = mini_elf();

	(void)state;
	accepted(put_mini(&m));
}

static void test_refuses_other_machines(void **state)
{
	struct mini m = mini_elf();
	/* A 32-bit i386 header: e_machine sits at the same offset. */
	unsigned char elf32[52] = { 0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2LSB, EV_CURRENT };

	(void)state;
	elf32[16] = ET_EXEC;
	elf32[18] = EM_386;
	write_file("i386", elf32, sizeof(elf32));
	refused(at("i386"), "is a 32-bit ELF program for i386; the sandbox runs x86-64");

	m.eh.e_machine = EM_AARCH64;
	refused(put_mini(&m), "is a 64-bit ELF program for aarch64");
	m.eh.e_machine = 4242;
	refused(put_mini(&m), "for machine 4242, not x86-64");
	m = mini_elf();
	m.eh.e_ident[EI_DATA] = ELFDATA2MSB;
	refused(put_mini(&m), "is a big-endian ELF program");
	m = mini_elf();
	m.eh.e_ident[EI_CLASS] = 7;
	refused(put_mini(&m), "corrupt ELF header (class 7)");
}

static void test_refuses_crafted_interp_and_types(void **state)
{
	struct mini m = mini_elf();

	(void)state;
	m.ph[1].p_type = PT_INTERP;
	refused(put_mini(&m), "is dynamically linked; build it with musl-gcc -static");
	m.eh.e_type = ET_DYN;
	refused(put_mini(&m), "is dynamically linked; build it with musl-gcc -static");
	m = mini_elf();
	m.eh.e_type = ET_CORE;
	refused(put_mini(&m), "is a core dump");
	m.eh.e_type = ET_NONE;
	refused(put_mini(&m), "is not an executable ELF file (type 0)");
	m = mini_elf();
	m.eh.e_entry = 0;
	refused(put_mini(&m), "has no entry point");
}

static void test_refuses_corrupt_headers(void **state)
{
	struct mini m = mini_elf();

	(void)state;
	m.eh.e_phentsize = 32;
	refused(put_mini(&m), "corrupt ELF header (program header size 32)");
	m = mini_elf();
	m.eh.e_phnum = 0;
	refused(put_mini(&m), "has no program headers");
	m.eh.e_phnum = 0xffff;
	refused(put_mini(&m), "corrupt ELF header (65535 program headers)");
	m = mini_elf();
	m.eh.e_phnum = 3; /* one more than the file holds */
	refused(put_mini(&m), "program headers lie past the end of the file");
	m = mini_elf();
	m.eh.e_phoff = UINT64_MAX - 8; /* offset + size wraps around */
	refused(put_mini(&m), "program headers lie past the end of the file");
	m = mini_elf();
	m.ph[0].p_offset = UINT64_MAX - 4;
	refused(put_mini(&m), "a loadable segment lies past the end of the file");
	m = mini_elf();
	m.ph[0].p_filesz = sizeof(m) + 1;
	m.ph[0].p_memsz = sizeof(m) + 1;
	refused(put_mini(&m), "a loadable segment lies past the end of the file");
	m = mini_elf();
	m.ph[0].p_memsz = 1;
	refused(put_mini(&m), "file size exceeds its memory size");
	m = mini_elf();
	m.ph[0].p_vaddr = 0xffffffff80000000ULL;
	refused(put_mini(&m), "outside the user address space");
	m = mini_elf();
	m.ph[0].p_vaddr += 8;
	refused(put_mini(&m), "disagree within a page");
	m = mini_elf();
	m.ph[0].p_type = PT_NOTE;
	refused(put_mini(&m), "has no loadable segments");
}

static void test_refuses_truncated_real_binary(void **state)
{
	struct stat st;
	uint8_t *buf;
	int fd;

	(void)state;
	fd = open(at("static"), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc(st.st_size);
	assert_int_equal(read(fd, buf, st.st_size), st.st_size);
	close(fd);

	write_file("trunc", buf, 40);
	refused(at("trunc"), "is truncated: its ELF header is incomplete");
	write_file("trunc", buf, sizeof(Elf64_Ehdr) + 10);
	refused(at("trunc"), "program headers lie past the end of the file");
	write_file("trunc", buf, st.st_size / 2);
	refused(at("trunc"), "a loadable segment lies past the end of the file");
	/* Every shorter length is refused too, never crashes. */
	for (off_t len = 0; len < 4096 && len < st.st_size; len += 7) {
		write_file("trunc", buf, len);
		assert_int_equal(pl_program_check(at("trunc"), err, sizeof(err)), -1);
	}
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_static_musl),
		cmocka_unit_test(test_accepts_static_pie),
		cmocka_unit_test(test_refuses_missing_and_odd_files),
		cmocka_unit_test(test_refuses_non_elf),
		cmocka_unit_test(test_refuses_dynamic),
		cmocka_unit_test(test_crafted_baseline_is_accepted),
		cmocka_unit_test(test_refuses_other_machines),
		cmocka_unit_test(test_refuses_crafted_interp_and_types),
		cmocka_unit_test(test_refuses_corrupt_headers),
		cmocka_unit_test(test_refuses_truncated_real_binary),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
