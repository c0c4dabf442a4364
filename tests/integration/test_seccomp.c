// SPDX-License-Identifier: MIT
/*
 * The seccomp filter through the public API, as a program linking
 * libpagelab meets it: after pl_sandbox_run the calling thread stays
 * confined, so a forked child runs a sandbox and then makes one call; a
 * forbidden one must end it with the one-line report and status 115,
 * an allowed one must work, and --seccomp=log / off must let it through.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>

#include "common.h"

#define REPORT_TAIL                                                                          \
	"); this is a pagelab bug, please report it (--seccomp=log lets such calls through " \
	"and logs them)\n"

enum action {
	DO_SOCKET,	/* socket(): never allowed */
	DO_WRITE_OTHER, /* write() to a descriptor that is not an output stream */
	DO_GET_REGS,	/* ioctl(vcpu, KVM_GET_REGS): allowed, the report needs it */
	DO_SET_REGS,	/* ioctl(vcpu, KVM_SET_REGS): not allowed */
	DO_CREATE,	/* a second sandbox in the same thread */
};

struct outcome {
	int status; /* wait status */
	char out[512], err[1024];
};

/* The vCPU's descriptor, found the way any program could. */
static int vcpu_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int fd = -1;

	while (d && (e = readdir(d))) {
		char path[300], target[64];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 0 && (target[n] = '\0', !strcmp(target, "anon_inode:kvm-vcpu:0")))
			fd = atoi(e->d_name);
	}
	if (d)
		closedir(d);
	return fd;
}

static long act(enum action what, int other_fd, int vcpu, const struct pl_config *cfg)
{
	struct kvm_regs regs = { 0 };
	struct pl_sandbox *again;

	switch (what) {
	case DO_SOCKET:
		return syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	case DO_WRITE_OTHER:
		return write(other_fd, "x", 1);
	case DO_GET_REGS:
		return ioctl(vcpu, KVM_GET_REGS, &regs);
	case DO_SET_REGS:
		return ioctl(vcpu, KVM_SET_REGS, &regs);
	case DO_CREATE:
		again = pl_sandbox_create(cfg);
		printf("second create: %s\n", again ? "made" : pl_error());
		pl_sandbox_destroy(again);
		return 0;
	}
	return -1;
}

/* In the child: run a sandbox of the exit0 test kernel, then act. */
static void child(enum pl_seccomp mode, enum action what, const char *kernel)
{
	struct pl_config cfg = {
		.memory = 16 << 20, .kernel = kernel, .no_stdin = true, .seccomp = mode
	};
	int other_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	struct pl_sandbox *sb = pl_sandbox_create(&cfg);
	int vcpu = vcpu_fd(); /* before the run: reading /proc is not allowed after it */
	long r;

	if (!sb || other_fd < 0 || vcpu < 0) {
		fprintf(stderr, "setting up: %s\n", sb ? strerror(errno) : pl_error());
		_exit(99);
	}
	printf("run %d\n", pl_sandbox_run(sb, NULL));
	fflush(stdout);
	r = act(what, other_fd, vcpu, &cfg);
	printf("survived: %s\n", r < 0 ? strerror(errno) : "ok");
	fflush(stdout);
	pl_sandbox_destroy(sb);
	_exit(0);
}

static void drain(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += r;
	buf[n] = '\0';
	close(fd);
}

static void run_child(enum pl_seccomp mode, enum action what, struct outcome *o)
{
	const char *kernel = fixture("exit0");
	int out[2], err[2];
	pid_t pid;

	require_kvm();
	fflush(NULL);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(err), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		close(out[1]);
		close(err[1]);
		child(mode, what, kernel);
	}
	close(out[1]);
	close(err[1]);
	/* The child's output is small: it fits in the pipes until we read. */
	while (waitpid(pid, &o->status, 0) < 0)
		assert_int_equal(errno, EINTR);
	drain(out[0], o->out, sizeof(o->out));
	drain(err[0], o->err, sizeof(o->err));
}

static void expect_killed(const struct outcome *o, const char *call)
{
	char want[512];

	snprintf(want, sizeof(want), "pagelab: the VMM made a forbidden system call %s" REPORT_TAIL,
		 call);
	if (!WIFEXITED(o->status) || WEXITSTATUS(o->status) != PL_EXIT_VMM_ERROR ||
	    strcmp(o->err, want) || strcmp(o->out, "run 0\n"))
		fail_msg("expected the report '%s' and status 115; got wait status 0x%x, "
			 "stdout:\n%s\nstderr:\n%s",
			 want, o->status, o->out, o->err);
}

static void expect_survived(const struct outcome *o, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "run 0\n%s\n", line);
	if (!WIFEXITED(o->status) || WEXITSTATUS(o->status) != 0 || strcmp(o->out, want) ||
	    o->err[0])
		fail_msg("expected exit 0 and '%s'; got wait status 0x%x, stdout:\n%s\nstderr:\n%s",
			 line, o->status, o->out, o->err);
}

static void test_forbidden_calls_are_fatal(void **state)
{
	struct outcome o;

	(void)state;
	run_child(PL_SECCOMP_ON, DO_SOCKET, &o);
	expect_killed(&o, "socket (nr 41");
	run_child(PL_SECCOMP_ON, DO_WRITE_OTHER, &o);
	expect_killed(&o, "write (nr 1");
	run_child(PL_SECCOMP_ON, DO_SET_REGS, &o);
	expect_killed(&o, "ioctl (nr 16");
}

static void test_allowed_calls_work(void **state)
{
	struct outcome o;

	(void)state;
	run_child(PL_SECCOMP_ON, DO_GET_REGS, &o);
	expect_survived(&o, "survived: ok");
	run_child(PL_SECCOMP_ON, DO_CREATE, &o);
	expect_survived(&o, "second create: this thread ran a sandbox under seccomp and stays "
			    "confined: run each sandbox in a thread of its own\nsurvived: ok");
}

static void test_log_and_off_let_calls_through(void **state)
{
	struct outcome o;

	(void)state;
	run_child(PL_SECCOMP_LOG, DO_SOCKET, &o);
	expect_survived(&o, "survived: ok");
	run_child(PL_SECCOMP_LOG, DO_WRITE_OTHER, &o);
	expect_survived(&o, "survived: ok");
	run_child(PL_SECCOMP_OFF, DO_SET_REGS, &o);
	expect_survived(&o, "survived: ok");
	run_child(PL_SECCOMP_OFF, DO_CREATE, &o);
	expect_survived(&o, "second create: made\nsurvived: ok");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_forbidden_calls_are_fatal, setup_kvm),
		cmocka_unit_test_setup(test_allowed_calls_work, setup_kvm),
		cmocka_unit_test_setup(test_log_and_off_let_calls_through, setup_kvm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
