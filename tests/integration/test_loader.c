// SPDX-License-Identifier: MIT
/*
 * ELF programs at the edges of what Linux's loader takes, run natively and
 * in the sandbox: both must run them alike.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"

#define PROGRAM	 "build/tests/guest/exit_code"
#define PAGE	 4096ULL
#define N_PHDRS	 1000
#define ALIGN(x) (((x) + PAGE - 1) & ~(PAGE - 1))

static unsigned char image[8 << 20];

/*
 * The program again with N_PHDRS program headers: its own, one PT_LOAD
 * that maps the new header table (placed at the end of the file), and
 * one-page zero-filled PT_LOADs above everything else.
 */
static size_t with_many_segments(size_t size)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)image;
	Elf64_Phdr *old = (Elf64_Phdr *)(image + eh->e_phoff), *ph;
	uint64_t table = ALIGN(size), top = 0, va;
	int n = eh->e_phnum;

	assert_true(table + N_PHDRS * sizeof(*ph) <= sizeof(image));
	ph = (Elf64_Phdr *)(image + table);
	memcpy(ph, old, n * sizeof(*ph));
	for (int i = 0; i < n; i++)
		if (ph[i].p_type == PT_LOAD && ph[i].p_vaddr + ph[i].p_memsz > top)
			top = ph[i].p_vaddr + ph[i].p_memsz;
	va = ALIGN(top) + 16 * PAGE;
	ph[n] = (Elf64_Phdr){ .p_type = PT_LOAD,
			      .p_flags = PF_R,
			      .p_offset = table,
			      .p_vaddr = va,
			      .p_paddr = va,
			      .p_filesz = N_PHDRS * sizeof(*ph),
			      .p_memsz = N_PHDRS * sizeof(*ph),
			      .p_align = PAGE };
	va = ALIGN(va + N_PHDRS * sizeof(*ph)) + PAGE;
	for (int i = n + 1; i < N_PHDRS; i++, va += 2 * PAGE)
		ph[i] = (Elf64_Phdr){ .p_type = PT_LOAD,
				      .p_flags = PF_R | PF_W,
				      .p_vaddr = va,
				      .p_paddr = va,
				      .p_memsz = PAGE,
				      .p_align = PAGE };
	eh->e_phoff = table;
	eh->e_phnum = N_PHDRS;
	return table + N_PHDRS * sizeof(*ph);
}

static void write_program(const char *path, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(image, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

static int run_natively(const char *path, const char *arg)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execl(path, path, arg, (char *)NULL);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Linux takes 64 KiB of program headers; a thousand PT_LOADs run. */
static void test_a_thousand_segments(void **state)
{
	char path[] = "/tmp/pagelab-phdrs-XXXXXX";
	FILE *f = fopen(PROGRAM, "rb");
	size_t size = f ? fread(image, 1, sizeof(image), f) : 0;
	struct run r;
	int fd;

	(void)state;
	if (f)
		fclose(f);
	assert_true(size > sizeof(Elf64_Ehdr) && size < sizeof(image) / 2);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	write_program(path, with_many_segments(size));
	assert_int_equal(run_natively(path, "7"), 7);
	run_pagelab(&r, NULL, "run", "--timeout", "60", path, "7", NULL);
	unlink(path);
	if (r.status != 7)
		fail_msg("natively 7; in the sandbox %d:\n%s", r.status, r.err);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_a_thousand_segments, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
