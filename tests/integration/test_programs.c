// SPDX-License-Identifier: MIT
/*
 * Running a static musl program the way a person does: its streams reach
 * the host's, its status is the run's, a signal death is explained, and
 * the trace, --file and --initrd options do what the README says. The
 * programs are the differential tests' (build/tests/guest) and the
 * examples (images/build).
 */
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

#include "common.h"
#include <pagelab/initramfs.h>

#define GUEST "build/tests/guest/"

static void test_streams_and_status(void **state)
{
	struct run_opts o = { .input = "one\ntwo\n" };
	struct run r;

	(void)state;
	run_pagelab(&r, &o, "run", "--timeout", "60", GUEST "streams", "7", NULL);
	assert_int_equal(r.status, 7);
	assert_string_equal(r.out, "to stdout\nstdin: one\nstdin: two\n");
	assert_string_equal(r.err, "to stderr\n");
	run_free(&r);
}

/*
 * Input that comes late: poll, select and epoll time out and a
 * non-blocking read says EAGAIN while the host's stdin is an empty pipe;
 * once the program has said so, the input comes and poll sees it. The
 * same lines as the program prints natively.
 */
static void test_console_readiness(void **state)
{
	struct run_opts o = {
		.input = "late\n", .input_after = "# non-blocking read:", .limit_s = 30
	};
	struct run native, sandbox;

	(void)state;
	o.binary = GUEST "console_poll";
	run_pagelab(&native, &o, "pipe", NULL);
	o.binary = NULL;
	run_pagelab(&sandbox, &o, "run", "--timeout", "60", GUEST "console_poll", "pipe", NULL);
	assert_int_equal(native.status, 0);
	has(native.out, "# poll: timed out\n");
	has(native.out, "# select: timed out\n");
	has(native.out, "# epoll_wait: timed out\n");
	has(native.out, "# non-blocking read: EAGAIN\n");
	has(native.out, "# read: \"late\"\n");
	assert_int_equal(sandbox.status, 0);
	assert_string_equal(sandbox.out, native.out);
	run_free(&native);
	run_free(&sandbox);
}

static void test_signal_death_is_explained(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", GUEST "signal_death", "fault", NULL);
	assert_int_equal(r.status, 128 + 11);
	has(r.err, "killed by signal 11 (SIGSEGV) at address 0x");
	has(r.err, "rip 0x");
	run_free(&r);
}

static void test_trace_syscalls(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--trace-syscalls", GUEST "streams", "3",
		    NULL);
	assert_int_equal(r.status, 3);
	/* On stderr, in order with the program's own, as strace -f lays it out. */
	has(r.err, "[pid 1] writev(1, [{iov_base=\"to stdout\", iov_len=9}, "
		   "{iov_base=\"\\n\", iov_len=1}], 2) = 10");
	has(r.err, "[pid 1] exit_group(3)                   = ?");
	has(r.err, "[pid 1] arch_prctl(ARCH_SET_FS, 0x");
	assert_string_equal(r.out, "to stdout\n");
	run_free(&r);
	/* Flags, omitted arguments and errors as strace shows them. */
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--trace-syscalls", "--initrd",
		    "images/build/examples.cpio", "--", "/bin/map_first_byte", "/data/hello.txt",
		    NULL);
	assert_int_equal(r.status, 0);
	has(r.err, "open(\"/data/hello.txt\", O_RDONLY|O_LARGEFILE) = 3");
	has(r.err, ", PROT_READ, MAP_PRIVATE, 3, 0) = 0x");
	run_free(&r);
}

/* A filter of names and classes; the trace in a file of its own. */
static void test_trace_filter_and_output(void **state)
{
	char path[] = "/tmp/pagelab-trace-XXXXXX";
	int fd = mkstemp(path);
	struct run r;
	char *trace;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--trace-syscalls=%memory,exit_group",
		    "--trace-output", path, "--initrd", "images/build/examples.cpio", "--",
		    "/bin/map_first_byte", "/data/hello.txt", NULL);
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.err, "[pid 1]"));
	trace = read_whole_file(path);
	has(trace, "[pid 1] mmap(NULL, ");
	has(trace, "[pid 1] exit_group(0)");
	assert_null(strstr(trace, "open("));
	assert_null(strstr(trace, "writev("));
	free(trace);
	run_free(&r);
	unlink(path);
	/* Bad input is refused before boot, with what is wrong and what is known. */
	run_pagelab(&r, NULL, "run", "--trace-syscalls=open,frobnicate", GUEST "streams", "0",
		    NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "unknown system call or class 'frobnicate'");
	has(r.err, "%memory");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--trace-syscalls=%bogus", GUEST "streams", "0", NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "'%bogus'");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--trace-output", "/nonexistent/dir/trace", GUEST "streams",
		    "0", NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "--trace-output: cannot write /nonexistent/dir/trace");
	run_free(&r);
}

static void test_unimplemented_syscalls_are_reported(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", GUEST "streams", "0", "nosys", NULL);
	assert_int_equal(r.status, 0);
	has(r.err, "pagelab: unimplemented syscalls called: io_setup (1)");
	assert_string_equal(r.out, "to stdout\n");
	run_free(&r);
}

static void test_file_option(void **state)
{
	char path[] = "/tmp/pagelab-file-XXXXXX";
	int fd = mkstemp(path);
	struct run r;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "some data", 9), 9);
	close(fd);
	/* A --file lands where the README says and the example maps it. */
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--file", path,
		    "images/build/bin/map_first_byte", strrchr(path, '/'), NULL);
	unlink(path);
	assert_int_equal(r.status, 0);
	has(r.out, "0x73 's'");
	run_free(&r);
}

static void test_initrd_program(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--initrd", "images/build/examples.cpio",
		    "--", "/bin/mmap_basic", "/data/hello.txt", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "mmap_basic: ok");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--initrd", "images/build/examples.cpio",
		    "--", "/bin/not-there", NULL);
	assert_int_equal(r.status, 127);
	has(r.err, "cannot run /bin/not-there");
	run_free(&r);
}

/* Refused on the host, before boot: one line saying why and what to do, status 2. */
static void refused(const char *program, const char *why)
{
	struct run r;

	run_pagelab(&r, NULL, "run", "--timeout", "60", program, NULL);
	assert_int_equal(r.status, 2);
	has(r.err, why);
	assert_int_equal(count_lines(r.err), 1);
	assert_string_equal(r.out, "");
	run_free(&r);
}

static void test_programs_the_sandbox_cannot_run(void **state)
{
	char path[] = "/tmp/pagelab-elf32-XXXXXX";
	/* The start of a 32-bit little-endian i386 ELF header. */
	unsigned char elf32[64] = { 0x7f, 'E', 'L', 'F', 1, 1, 1, [16] = 2, [18] = 3 };
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, elf32, sizeof(elf32)), (ssize_t)sizeof(elf32));
	close(fd);
	refused("/etc/passwd", "is not an ELF executable");
	refused("/bin/true", "is dynamically linked; build it with musl-gcc -static");
	refused(path, "is a 32-bit ELF program for");
	refused("/nonexistent/prog", "/nonexistent/prog");
	unlink(path);
}

/* A copy of a real static program whose e_entry is entry; the caller unlinks path. */
static void hostile_copy(char *path, uint64_t entry)
{
	FILE *in = fopen(GUEST "exit_code", "rb");
	static char image[4 << 20];
	size_t n = in ? fread(image, 1, sizeof(image), in) : 0;
	int fd = mkstemp(path);

	if (in)
		fclose(in);
	assert_true(n > 64 && n < sizeof(image));
	assert_true(fd >= 0);
	memcpy(image + 24, &entry, sizeof(entry)); /* e_entry */
	assert_int_equal(write(fd, image, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, 0755), 0);
	close(fd);
}

/*
 * An entry point in the kernel's half used to run kernel code in ring 0.
 * The host refuses such a program before boot; and where the host does not
 * look (a program inside the user's own archive), the guest's loader does.
 */
static void test_entry_point_outside_user_space(void **state)
{
	static const uint64_t entries[] = { 0xffffffff80100000ULL, 0x8000000000000000ULL,
					    0x00007ffffffff000ULL };
	char path[] = "/tmp/pagelab-entry-XXXXXX", archive[] = "/tmp/pagelab-entry-cpio-XXXXXX";
	struct pl_cpio *c = pl_cpio_new();
	const void *data;
	size_t len;
	char err[256];
	struct run r;
	int fd;

	(void)state;
	for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		strcpy(path, "/tmp/pagelab-entry-XXXXXX");
		hostile_copy(path, entries[i]);
		run_pagelab(&r, NULL, "run", "--timeout", "60", path, NULL);
		if (i == 0)
			assert_int_equal(
			    pl_cpio_add_host_file(c, "/bin/evil", path, err, sizeof(err)), 0);
		unlink(path);
		assert_int_equal(r.status, 2);
		has(r.err, "its entry point");
		has(r.err, "lies outside the user address space");
		run_free(&r);
	}
	assert_int_equal(pl_cpio_finish(c, &data, &len), 0);
	fd = mkstemp(archive);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	pl_cpio_free(c);
	run_pagelab(&r, NULL, "run", "--timeout", "60", "--initrd", archive, "--", "/bin/evil",
		    NULL);
	unlink(archive);
	assert_int_equal(r.status, 126);
	has(r.err, "pagelab: cannot run /bin/evil: not a static x86-64 executable");
	run_free(&r);
}

/* A program that blocks itself forever is the program's fault, and said so. */
static void test_deadlock_is_reported(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--timeout", "60", "build/tests/sandbox/deadlock", NULL);
	assert_int_equal(r.status, 116);
	has(r.err, "the program deadlocked: every process in the guest is blocked");
	has(r.err, "pid 1 (deadlock)");
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_streams_and_status, setup_kvm_kernel),
		cmocka_unit_test_setup(test_console_readiness, setup_kvm_kernel),
		cmocka_unit_test_setup(test_signal_death_is_explained, setup_kvm_kernel),
		cmocka_unit_test_setup(test_trace_syscalls, setup_kvm_kernel),
		cmocka_unit_test_setup(test_trace_filter_and_output, setup_kvm_kernel),
		cmocka_unit_test_setup(test_unimplemented_syscalls_are_reported, setup_kvm_kernel),
		cmocka_unit_test_setup(test_file_option, setup_kvm_kernel),
		cmocka_unit_test_setup(test_initrd_program, setup_kvm_kernel),
		cmocka_unit_test(test_programs_the_sandbox_cannot_run),
		cmocka_unit_test_setup(test_entry_point_outside_user_space, setup_kvm_kernel),
		cmocka_unit_test_setup(test_deadlock_is_reported, setup_kvm_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
