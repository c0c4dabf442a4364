// SPDX-License-Identifier: MIT
/*
 * pagelab run --accel tcg: the kernel booted by QEMU through its PVH entry,
 * in ordinary ring-0 mode, with its hypercalls framed over COM2. A program
 * sees the same streams and the run ends with the same statuses as under
 * KVM; --accel auto falls back when KVM is not usable; what needs the VMM
 * says so; a missing QEMU is one clear line. QEMU must be installed
 * (scripts/deps.sh): these tests fail without it, they never skip.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"

#define GUEST "build/tests/guest/"

static int setup_qemu(void **state)
{
	(void)state;
	guest_kernel();
	if (access("/usr/bin/qemu-system-x86_64", X_OK) != 0)
		fail_msg("qemu-system-x86_64 is missing: install qemu-system-x86 "
			 "(scripts/deps.sh); the TCG tests do not skip");
	unsetenv("PAGELAB_KVM_DEVICE");
	unsetenv("PAGELAB_QEMU");
	return 0;
}

/* The few tests that compare with KVM need it too (make test-tcg leaves them out). */
static int setup_qemu_kvm(void **state)
{
	require_kvm();
	return setup_qemu(state);
}

/* One line on stderr, status 2, nothing on stdout. */
static void one_line_usage(struct run *r, const char *want)
{
	if (r->status != 2 || !strstr(r->err, want) || count_lines(r->err) != 1)
		fail_msg("expected status 2 and one line with '%s'; got %d and:\n%s", want,
			 r->status, r->err);
	assert_string_equal(r->out, "");
	run_free(r);
}

/* stdout, stderr, stdin to its end of file, and the status: as test_programs' KVM run. */
static void test_streams_and_status(void **state)
{
	struct run_opts o = { .input = "one\ntwo\n" };
	struct run r;

	(void)state;
	run_pagelab(&r, &o, "run", "--accel", "tcg", "--timeout", "60", GUEST "streams", "7", NULL);
	assert_int_equal(r.status, 7);
	assert_string_equal(r.out, "to stdout\nstdin: one\nstdin: two\n");
	assert_string_equal(r.err, "to stderr\n");
	run_free(&r);
}

/*
 * The whole status travels in the exit frame: isa-debug-exit alone would
 * give (200 << 1) | 1 = 401, 145 in 8 bits; and 0 would come out as 1.
 */
static void test_every_status_arrives_whole(void **state)
{
	static const char *const statuses[] = { "0", "200", "255" };
	struct run r;

	(void)state;
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", GUEST "streams",
			    statuses[i], NULL);
		assert_int_equal(r.status, atoi(statuses[i]));
		assert_string_equal(r.out, "to stdout\n");
		run_free(&r);
	}
}

static void test_signal_death(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", GUEST "signal_death",
		    "fault", NULL);
	assert_int_equal(r.status, 128 + 11);
	has(r.err, "killed by signal 11 (SIGSEGV) at address 0x");
	run_free(&r);
}

/* A kernel panic: its report crosses the transport and the run ends with 110. */
/* No host to stop for under QEMU: a failed assertion still ends the run as under KVM. */
static void test_failed_assertion(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60",
		    "build/tests/sandbox/assert_fail", NULL);
	assert_int_equal(r.status, 117);
	has(r.err, "failed an assertion at tests/sandbox/assert_fail.c:13: four == 5");
	run_free(&r);
}

static void test_kernel_panic(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", "--append",
		    "selftest=fault", NULL);
	assert_int_equal(r.status, 110);
	has(r.err, "pagelab: the guest kernel panicked: ");
	has(r.err, "(exception 14, #PF page fault, error code 0x");
	has(r.err, "CR2 0xffffc00000001000");
	run_free(&r);
}

static void test_deadlock_and_timeout(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60",
		    "build/tests/sandbox/deadlock", NULL);
	assert_int_equal(r.status, 116);
	has(r.err, "the program deadlocked: every process in the guest is blocked");
	has(r.err, "pid 1 (deadlock)");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "1", "--append",
		    "selftest=spin", NULL);
	assert_int_equal(r.status, 124);
	has(r.err, "did not end within the 1 s timeout");
	has(r.err, "selftest spin: looping with interrupts off");
	run_free(&r);
}

/* The ordinary ring-0 path runs: kvm_pvm detection stays off under QEMU. */
static void test_native_ring0_mode(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "booted in native ring 0 mode");
	has(r.out, "ram");
	/* 0xF0000 holds SeaBIOS there, not pagelab's ROM: nothing is claimed about it. */
	assert_null(strstr(r.out, "BIOS ROM at"));
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--stats", "--timeout", "60",
		    GUEST "streams", "0", NULL);
	assert_int_equal(r.status, 0);
	has(r.err, "pagelab: stats: accel tcg;");
	has(r.err, "pagelab: event exec-mode 0\n");
	run_free(&r);
}

static void test_trace_file_initrd(void **state)
{
	char path[] = "/tmp/pagelab-tcg-file-XXXXXX";
	int fd = mkstemp(path);
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", "--trace-syscalls",
		    GUEST "streams", "3", NULL);
	assert_int_equal(r.status, 3);
	has(r.err, "[pid 1] writev(1, [{iov_base=\"to stdout\", iov_len=9}, "
		   "{iov_base=\"\\n\", iov_len=1}], 2) = 10");
	has(r.err, "[pid 1] exit_group(3)                   = ?");
	run_free(&r);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "some data", 9), 9);
	close(fd);
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", "--file", path,
		    "images/build/bin/map_first_byte", strrchr(path, '/'), NULL);
	unlink(path);
	assert_int_equal(r.status, 0);
	has(r.out, "0x73 's'");
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", "--initrd",
		    "images/build/examples.cpio", "--", "/bin/mmap_basic", "/data/hello.txt", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "mmap_basic: ok");
	run_free(&r);
}

/* Arguments with spaces and empty ones survive the PVH command line (percent-encoded). */
static void test_arguments_survive(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", GUEST "args_env", "alpha",
		    "beta gamma", "", NULL);
	assert_int_equal(r.status, 0);
	has(r.out, "ok 3 - argv[2] keeps its space");
	has(r.out, "ok 4 - argv[3] is empty");
	assert_null(strstr(r.out, "not ok"));
	run_free(&r);
}

/* A '%' and a space in an argument: the program opens exactly that path. */
static void test_percent_in_arguments(void **state)
{
	char path[] = "/tmp/pagelab-tcg-pct-XXXXXX", spec[64];
	int fd = mkstemp(path);
	struct run r;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "xyz", 3), 3);
	close(fd);
	snprintf(spec, sizeof(spec), "%s:/data/100%%20 sure", path);
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", "--trace-syscalls",
		    "--file", spec, "images/build/bin/map_first_byte", "/data/100%20 sure", NULL);
	unlink(path);
	assert_int_equal(r.status, 0);
	has(r.err, "open(\"/data/100%20 sure\", O_RDONLY");
	has(r.out, "0x78 'x'");
	run_free(&r);
}

/* auto: KVM when the device answers, else TCG with one line on stderr. */
static void test_auto_falls_back(void **state)
{
	struct run_opts o = { .input = "x\n" };
	struct run r;

	(void)state;
	setenv("PAGELAB_KVM_DEVICE", "/nonexistent/kvm", 1);
	run_pagelab(&r, &o, "run", "--timeout", "60", GUEST "streams", "7", NULL);
	assert_int_equal(r.status, 7);
	assert_string_equal(r.out, "to stdout\nstdin: x\n");
	assert_string_equal(r.err, "pagelab: KVM is not usable (/nonexistent/kvm: No such file or "
				   "directory): running under QEMU's TCG emulator, slower\n"
				   "to stderr\n");
	run_free(&r);
	run_pagelab(&r, NULL, "info", NULL);
	has(r.out, "kvm  not usable: /nonexistent/kvm");
	has(r.out, "tcg  usable: ");
	run_free(&r);
	unsetenv("PAGELAB_KVM_DEVICE");
}

/*
 * The same with the device itself unusable: /dev/null mounted over
 * /dev/kvm in a mount namespace of its own (as root, which make test is
 * here), or no /dev/kvm at all (a CI runner without KVM).
 */
static void test_auto_falls_back_without_a_device(void **state)
{
	char cmd[1024];
	struct run r;

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "[ -e /dev/kvm ] && mount --bind /dev/null /dev/kvm; "
		 "exec %s run --timeout 60 " GUEST "streams 5 </dev/null",
		 pagelab_path());
	if (access("/dev/kvm", F_OK) == 0)
		run_pagelab(&r, &(struct run_opts){ .binary = "/usr/bin/unshare" }, "-m", "/bin/sh",
			    "-c", cmd, NULL);
	else
		run_pagelab(&r, &(struct run_opts){ .binary = "/bin/sh" }, "-c", cmd, NULL);
	if (r.status != 5)
		fail_msg("status %d (needs root for the mount namespace):\n%s", r.status, r.err);
	assert_string_equal(r.out, "to stdout\n");
	has(r.err, "pagelab: KVM is not usable (/dev/kvm");
	has(r.err, "running under QEMU's TCG emulator, slower\nto stderr\n");
	run_free(&r);
}

/* Where KVM answers, auto uses it, and an option only the VMM honours keeps it there. */
static void test_auto_prefers_kvm(void **state)
{
	struct run r;

	(void)state;
	setenv("PAGELAB_KVM_DEVICE", "/nonexistent/kvm", 1);
	run_pagelab(&r, NULL, "run", "--isolate", "--stats", "--timeout", "60", GUEST "streams",
		    "7", NULL);
	unsetenv("PAGELAB_KVM_DEVICE");
	assert_int_equal(r.status, 7);
	assert_null(strstr(r.err, "TCG"));
	assert_null(strstr(r.err, "accel tcg"));
	run_free(&r);
	run_pagelab(&r, NULL, "run", "--stats", "--timeout", "60", GUEST "streams", "0", NULL);
	assert_int_equal(r.status, 0);
	assert_null(strstr(r.err, "accel tcg"));
	has(r.err, "pagelab: stats: ");
	run_free(&r);
}

static void test_kvm_only_options_and_missing_qemu(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--isolate", GUEST "streams", "0", NULL);
	one_line_usage(&r, "--isolate needs KVM: it cannot be used with --accel tcg");
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--seccomp=off", GUEST "streams", "0", NULL);
	one_line_usage(&r, "--seccomp needs KVM");
	run_pagelab(&r, NULL, "run", "--accel", "qemu", GUEST "streams", "0", NULL);
	one_line_usage(&r, "invalid --accel 'qemu' (auto, kvm or tcg)");
	/* A kernel without the PVH entry (a VMM-only test kernel) is refused before QEMU runs. */
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--kernel", fixture("hello"), NULL);
	one_line_usage(&r, "has no PVH entry (ELF note Xen, type 18)");
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--kernel", "/etc/passwd", NULL);
	one_line_usage(&r, "not an ELF file");
	/* More argument bytes than the kernel keeps: refused on the host, not a hung guest. */
	{
		static char big[40 * 1024];

		memset(big, 'a', sizeof(big) - 1);
		run_pagelab(&r, NULL, "run", "--accel", "tcg", GUEST "streams", big, NULL);
		one_line_usage(&r, "the program's arguments are too long for --accel tcg");
	}
	setenv("PAGELAB_QEMU", "/nonexistent/qemu-system-x86_64", 1);
	run_pagelab(&r, NULL, "run", "--accel", "tcg", GUEST "streams", "0", NULL);
	one_line_usage(&r, "install Debian's qemu-system-x86");
	unsetenv("PAGELAB_QEMU");
}

/* A closed stdout is the program's business: SIGPIPE (141), or EPIPE when it ignores that (3). */
static void test_closed_stdout(void **state)
{
	static const char *const modes[][2] = { { "", "141" }, { "ignore", "3" } };
	char cmd[1024];
	struct run r;

	(void)state;
	for (int i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd),
			 "%s run --accel tcg --timeout 60 build/tests/sandbox/yes %s | head -1 "
			 ">/dev/null; exit ${PIPESTATUS[0]}",
			 pagelab_path(), modes[i][0]);
		run_pagelab(&r, &(struct run_opts){ .binary = "/bin/bash" }, "-c", cmd, NULL);
		assert_int_equal(r.status, atoi(modes[i][1]));
		run_free(&r);
	}
}

/* QEMU stopped by someone else is a host-side failure (115), not a guest's triple fault. */
static void test_qemu_stopped_from_outside(void **state)
{
	char cmd[1024];
	struct run r;

	(void)state;
	snprintf(
	    cmd, sizeof(cmd),
	    "%s run --accel tcg --timeout 60 --append selftest=spin & p=$!; "
	    "for i in $(seq 100); do q=$(pgrep -P $p); [ -n \"$q\" ] && break; sleep 0.1; done; "
	    "sleep 0.5; kill -TERM $q; wait $p",
	    pagelab_path());
	run_pagelab(&r, &(struct run_opts){ .binary = "/bin/sh" }, "-c", cmd, NULL);
	assert_int_equal(r.status, 115);
	has(r.err, "pagelab: QEMU was stopped from outside: ");
	run_free(&r);
}

/* A guest that breaks the frame protocol ends its own run with 113 and a report. */
static void test_bad_frame(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", "--kernel",
		    fixture("pvh_badframe"), NULL);
	assert_int_equal(r.status, 113);
	has(r.err, "the guest broke the device protocol: a frame without its magic (0xeeeeeeee)");
	run_free(&r);
	/* isa-debug-exit alone would make this 7 << 1 | 1 = 15: the status must come in a frame. */
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", "--kernel",
		    fixture("pvh_exitport"), NULL);
	assert_int_equal(r.status, 113);
	has(r.err, "it wrote the exit port without sending its status first");
	run_free(&r);
}

/* A triple fault resets the machine, which QEMU (-no-reboot) ends: 111, as KVM_EXIT_SHUTDOWN. */
static void test_triple_fault(void **state)
{
	struct run r;

	(void)state;
	run_pagelab(&r, NULL, "run", "--accel", "tcg", "--timeout", "60", "--kernel",
		    fixture("pvh_triple"), NULL);
	assert_int_equal(r.status, 111);
	has(r.err, "a triple fault");
	run_free(&r);
}

/* pagelab killed mid-run takes QEMU with it (no guest left polling COM2). */
static void test_no_qemu_left_after_a_kill(void **state)
{
	char cmd[1024];
	struct run r;

	(void)state;
	snprintf(
	    cmd, sizeof(cmd),
	    "%s run --accel tcg --append selftest=spin & p=$!; "
	    "for i in $(seq 100); do q=$(pgrep -P $p); [ -n \"$q\" ] && break; sleep 0.1; done; "
	    "[ -n \"$q\" ] || { echo no QEMU started; exit 1; }; sleep 0.5; "
	    "kill -9 $p; wait $p; "
	    "for i in $(seq 50); do kill -0 $q 2>/dev/null || { echo gone; exit 0; }; "
	    "sleep 0.1; done; echo QEMU $q outlived pagelab; kill -9 $q; exit 1",
	    pagelab_path());
	run_pagelab(&r, &(struct run_opts){ .binary = "/bin/sh" }, "-c", cmd, NULL);
	if (r.status != 0 || !strstr(r.out, "gone"))
		fail_msg("status %d: %s%s", r.status, r.out, r.err);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_streams_and_status, setup_qemu),
		cmocka_unit_test_setup(test_every_status_arrives_whole, setup_qemu),
		cmocka_unit_test_setup(test_signal_death, setup_qemu),
		cmocka_unit_test_setup(test_kernel_panic, setup_qemu),
		cmocka_unit_test_setup(test_failed_assertion, setup_qemu),
		cmocka_unit_test_setup(test_deadlock_and_timeout, setup_qemu),
		cmocka_unit_test_setup(test_native_ring0_mode, setup_qemu),
		cmocka_unit_test_setup(test_trace_file_initrd, setup_qemu),
		cmocka_unit_test_setup(test_arguments_survive, setup_qemu),
		cmocka_unit_test_setup(test_percent_in_arguments, setup_qemu),
		cmocka_unit_test_setup(test_auto_falls_back, setup_qemu),
		cmocka_unit_test_setup(test_auto_falls_back_without_a_device, setup_qemu),
		cmocka_unit_test_setup(test_auto_prefers_kvm, setup_qemu_kvm),
		cmocka_unit_test_setup(test_kvm_only_options_and_missing_qemu, setup_qemu),
		cmocka_unit_test_setup(test_no_qemu_left_after_a_kill, setup_qemu),
		cmocka_unit_test_setup(test_bad_frame, setup_qemu),
		cmocka_unit_test_setup(test_triple_fault, setup_qemu),
		cmocka_unit_test_setup(test_closed_stdout, setup_qemu),
		cmocka_unit_test_setup(test_qemu_stopped_from_outside, setup_qemu),
	};

	/* make test-tcg, on a machine without KVM: everything but the comparisons with KVM. */
	if (getenv("PAGELAB_TESTS_WITHOUT_KVM"))
		cmocka_set_skip_filter("*_kvm");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
