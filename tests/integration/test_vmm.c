// SPDX-License-Identifier: MIT
/*
 * The VMM under KVM with tiny test kernels (fixtures/NAME.S): the boot
 * protocol, every output path, each way a run can end, and the checks on
 * what a guest hands the host. Independent of the real guest kernel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"

/* Runs a fixture with extra arguments; returns its result for checks. */
#define RUN_FIXTURE(r, opts, name, ...) \
	run_pagelab((r), (opts), "run", "--kernel", fixture(name), ##__VA_ARGS__, NULL)

/* An abnormal end: its status, and one report line on stderr. */
static void ended(struct run *r, int status, const char *want)
{
	if (r->status != status)
		fail_msg("status %d, expected %d; stderr:\n%s", r->status, status, r->err);
	has(r->err, want);
	has(r->err, "RIP 0x");
	has(r->err, "CR3 0x");
	assert_int_equal(count_lines(r->err), 1);
	run_free(r);
}

static void test_boot_and_output(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "hello", "--stats");
	if (r.status != 42)
		fail_msg("status %d (3: boot magic, 4: FDT, 5: ROM, 6/7: hypercall ret); "
			 "stderr:\n%s",
			 r.status, r.err);
	/* Console (UART and PL_STREAM_CONSOLE) and program stdout go to stdout, in order. */
	assert_string_equal(r.out, "uart: hello\nconsole: hello\nstdout: hello\n");
	has(r.err, "stderr: hello\n");
	has(r.err, "event checkpoint 1234\n");
	has(r.err, "device hypercall: reads 0, writes ");
	has(r.err, ", write 3");
	has(r.err, "device uart: reads 0, writes 12, bytes 12\n");
	has(r.err, "end: exit");
	run_free(&r);
}

/* jq's verdict on a JSON document for a filter that must come out true. */
static void jq_true(const char *json, const char *filter)
{
	char path[] = "/tmp/pagelab-stats-XXXXXX", cmd[512];
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
	close(fd);
	snprintf(cmd, sizeof(cmd), "jq -e '%s' %s >/dev/null", filter, path);
	if (system(cmd) != 0)
		fail_msg("jq -e '%s' is not true of:\n%s", filter, json);
	unlink(path);
}

/* --stats=json: the same figures as one JSON line a program can query. */
static void test_stats_json(void **state)
{
	struct run r;
	const char *json;

	(void)state;
	RUN_FIXTURE(&r, NULL, "hello", "--stats=json");
	assert_int_equal(r.status, 42);
	json = strstr(r.err, "{\"end\":");
	assert_non_null(json);
	assert_null(strstr(r.err, "pagelab: stats:"));
	jq_true(json, ".end == \"exit\" and .exit_status == 42 and .guest_status == 42");
	jq_true(json, ".exits.total > 0 and .exits.total == ([.exits | to_entries[] | "
		      "select(.key != \"total\") | .value] | add)");
	jq_true(json, ".devices.uart.writes == 12 and .devices.uart.counters.bytes == 12");
	jq_true(json, ".devices.hypercall.counters.write == 3");
	jq_true(json, "[.events[] | select(.kind == \"checkpoint\") | .value] == [1234]");
	run_free(&r);
	RUN_FIXTURE(&r, NULL, "hello", "--stats=xml");
	assert_int_equal(r.status, 2);
	has(r.err, "invalid --stats format 'xml' (text or json)");
	run_free(&r);
}

static void test_large_memory(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "hello", "-m", "5G");
	assert_int_equal(r.status, 42);
	run_free(&r);
}

static void test_verbose(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "hello", "-v");
	assert_int_equal(r.status, 42);
	has(r.err, "kernel ");
	has(r.err, "entry 0xffffffff80200000");
	has(r.err, "device tree at 0x");
	has(r.err, "0x00000000000f0000-0x00000000000fffff  rom");
	run_free(&r);
}

static void test_triple_fault(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "triple");
	has(r.out, "about to fault\n");
	has(r.err, "Last console line: \"about to fault\"");
	ended(&r, 111, "triple-faulted");
}

static void test_unknown_port(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "badport");
	ended(&r, 113, "1-byte write to unassigned port 0x123");
}

static void test_unknown_mmio(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "mmio");
	ended(&r, 113, "4-byte read from unassigned MMIO address 0xc0000");
}

static void test_bad_hypercall_block(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "badblock");
	ended(&r, 113, "hypercall block at 0xfffffff0");
}

static void test_bad_hypercall_args(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "badargs", "--stats");
	if (r.status != 0)
		fail_msg("the guest saw a wrong return value (status %d):\n%s", r.status, r.err);
	assert_string_equal(r.out, ""); /* nothing was written */
	has(r.err, "unknown 1");
	run_free(&r);
}

static void test_bad_exit_status(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "exit300");
	ended(&r, 113, "exit status 300");
}

static void test_rom_write(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "romwrite", "--stats");
	if (r.status != 0)
		fail_msg("the ROM changed under a guest write (status %d)", r.status);
	has(r.err, "device rom: reads 0, writes 1, ignored-writes 1\n");
	has(r.err, "mmio 1");
	run_free(&r);
}

static void test_panic(void **state)
{
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, NULL, "panic");
	has(r.err, "exception 14, #PF page fault, error code 0x2");
	has(r.err, "RIP 0xffffffff80201234, CR2 0xdead000");
	ended(&r, 110, "panicked: fixture: page fault in kernel mode");
}

static void test_timeout(void **state)
{
	struct run_opts o = { .limit_s = 20 };
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, &o, "spin", "--timeout", "1");
	/* It ended by itself, not at the harness's limit; how soon is the machine's business. */
	assert_false(r.timed_out);
	if (r.seconds < 0.9)
		fail_msg("a 1 s timeout ended the run after %.2f s", r.seconds);
	ended(&r, 124, "did not end within the 1 s timeout");
}

static void test_stdin(void **state)
{
	struct run_opts o = { .input = "ping\npong\n" };
	struct run r;

	(void)state;
	RUN_FIXTURE(&r, &o, "echo");
	assert_int_equal(r.status, 0);
	assert_string_equal(r.out, "ping\npong\n");
	run_free(&r);
}

/* The smallest static x86-64 program: exit(0). Written to dir/tiny. */
static void write_tiny_program(const char *path)
{
	static const unsigned char code[] = { 0xb8, 60,	  0, 0, 0, /* mov $60, %eax */
					      0x31, 0xff,	   /* xor %edi, %edi */
					      0x0f, 0x05 };	   /* syscall */
	struct {
		Elf64_Ehdr eh;
		Elf64_Phdr ph;
		unsigned char code[sizeof(code)];
	} f = { 0 };
	FILE *out;

	memcpy(f.eh.e_ident, ELFMAG, SELFMAG);
	f.eh.e_ident[EI_CLASS] = ELFCLASS64;
	f.eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f.eh.e_ident[EI_VERSION] = EV_CURRENT;
	f.eh.e_type = ET_EXEC;
	f.eh.e_machine = EM_X86_64;
	f.eh.e_version = EV_CURRENT;
	f.eh.e_entry = 0x400000 + offsetof(typeof(f), code);
	f.eh.e_phoff = sizeof(Elf64_Ehdr);
	f.eh.e_ehsize = sizeof(Elf64_Ehdr);
	f.eh.e_phentsize = sizeof(Elf64_Phdr);
	f.eh.e_phnum = 1;
	f.ph = (Elf64_Phdr){ .p_type = PT_LOAD,
			     .p_flags = PF_R | PF_X,
			     .p_vaddr = 0x400000,
			     .p_paddr = 0x400000,
			     .p_filesz = sizeof(f),
			     .p_memsz = sizeof(f),
			     .p_align = 4096 };
	memcpy(f.code, code, sizeof(code));
	out = fopen(path, "wb");
	assert_non_null(out);
	assert_int_equal(fwrite(&f, sizeof(f), 1, out), 1);
	assert_int_equal(fclose(out), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

/* PROGRAM and --file go into an initramfs; PROGRAM's arguments into argv. */
static void test_program_packed(void **state)
{
	char dir[] = "/tmp/pagelab-test-XXXXXX", prog[64];
	struct run r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(prog, sizeof(prog), "%s/tiny", dir);
	write_tiny_program(prog);
	RUN_FIXTURE(&r, NULL, "hello", "-v", "--file", "/etc/hostname:/etc/hostname", prog, "a1",
		    "b 2", "--stats");
	assert_int_equal(r.status, 42);
	has(r.err, "initramfs at 0x");
	has(r.err, "argv /bin/tiny a1 b 2 --stats\n"); /* options end at PROGRAM */
	assert_null(strstr(r.err, "pagelab: stats:"));
	run_free(&r);
	/* '--' ends the options too. */
	RUN_FIXTURE(&r, NULL, "hello", "-v", "--", prog, "-v");
	assert_int_equal(r.status, 42);
	has(r.err, "argv /bin/tiny -v\n");
	run_free(&r);
	unlink(prog);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_boot_and_output, setup_kvm),
		cmocka_unit_test_setup(test_stats_json, setup_kvm),
		cmocka_unit_test_setup(test_large_memory, setup_kvm),
		cmocka_unit_test_setup(test_verbose, setup_kvm),
		cmocka_unit_test_setup(test_triple_fault, setup_kvm),
		cmocka_unit_test_setup(test_unknown_port, setup_kvm),
		cmocka_unit_test_setup(test_unknown_mmio, setup_kvm),
		cmocka_unit_test_setup(test_bad_hypercall_block, setup_kvm),
		cmocka_unit_test_setup(test_bad_hypercall_args, setup_kvm),
		cmocka_unit_test_setup(test_bad_exit_status, setup_kvm),
		cmocka_unit_test_setup(test_rom_write, setup_kvm),
		cmocka_unit_test_setup(test_panic, setup_kvm),
		cmocka_unit_test_setup(test_timeout, setup_kvm),
		cmocka_unit_test_setup(test_stdin, setup_kvm),
		cmocka_unit_test_setup(test_program_packed, setup_kvm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
