// SPDX-License-Identifier: MIT
/*
 * Confinement of the VMM, seen from outside a running `pagelab run`: it
 * is under a seccomp filter, holds no descriptor beyond its streams and
 * KVM's, runs as the user --user names, and leaves no file or process
 * behind however it is stopped. The filter itself is tested through the
 * library in test_seccomp.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"

#define HOLD	  "build/tests/sandbox/hold"
#define LEAKED_FD 9

struct vmm {
	pid_t pid;
	int in, out, err; /* our ends of its stdin, stdout, stderr */
	char abs_prog[PATH_MAX], abs_pagelab[PATH_MAX];
};

static void child(struct vmm *v, const char *dir, int in, int out, int err, char **argv)
{
	int fd;

	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	/* What a careless parent might leave open, without O_CLOEXEC. */
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, LEAKED_FD) < 0)
		_exit(126);
	signal(SIGPIPE, SIG_DFL); /* the test ignores it; pagelab must get the default */
	if (dir && (chdir(dir) < 0 || setenv("TMPDIR", dir, 1) < 0))
		_exit(126);
	execv(v->abs_pagelab, argv);
	_exit(127);
}

/* Starts pagelab run [opts...] HOLD [arg], in dir (cwd and TMPDIR) if given. */
static void vmm_start(struct vmm *v, const char *dir, const char *arg, ...)
{
	char *argv[16];
	int in[2], out[2], err[2], n = 0;
	va_list ap;

	require_kvm();
	assert_non_null(realpath(HOLD, v->abs_prog));
	assert_non_null(realpath(pagelab_path(), v->abs_pagelab));
	argv[n++] = v->abs_pagelab;
	argv[n++] = "run";
	va_start(ap, arg);
	for (const char *a; (a = va_arg(ap, const char *)) && n < 12;)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n++] = v->abs_prog;
	if (arg)
		argv[n++] = (char *)arg;
	argv[n] = NULL;
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(err, O_CLOEXEC), 0);
	signal(SIGPIPE, SIG_IGN);
	v->pid = fork();
	assert_true(v->pid >= 0);
	if (v->pid == 0)
		child(v, dir, in[0], out[1], err[1], argv);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	v->in = in[1];
	v->out = out[0];
	v->err = err[0];
}

/* Everything left on fd (at most len - 1 bytes), until end of file. */
static void slurp_fd(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += r;
	buf[n] = '\0';
}

/* Reads the guest's "ready" line: from then on the VMM is in its run loop. */
static void vmm_wait_ready(struct vmm *v)
{
	char buf[6] = "";
	size_t n = 0;

	while (n < sizeof(buf) - 1) {
		struct pollfd p = { v->out, POLLIN, 0 };
		ssize_t r;

		/* A safety net for a hung VMM, not a measurement. */
		if (poll(&p, 1, 60000) != 1)
			fail_msg("pagelab printed no 'ready' line within 60 s");
		r = read(v->out, buf + n, sizeof(buf) - 1 - n);
		if (r <= 0) {
			char err[2048];

			slurp_fd(v->err, err, sizeof(err));
			fail_msg("pagelab ended before the guest was ready:\n%s", err);
		}
		n += r;
	}
	assert_string_equal(buf, "ready");
}

/* Waits for pagelab to end; its wait status. */
static int vmm_wait(struct vmm *v)
{
	int status;

	while (waitpid(v->pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	v->pid = 0;
	close(v->in);
	close(v->out);
	close(v->err);
	return status;
}

/* The VMM of the test that runs: a failed assertion must not leave it running. */
static struct vmm vm;

static int teardown_vmm(void **state)
{
	(void)state;
	if (vm.pid > 0) {
		kill(vm.pid, SIGKILL);
		vmm_wait(&vm);
	}
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	return 0;
}

/* Ends the guest normally (end of its input); asserts exit 0 and a silent stderr. */
static void vmm_finish(struct vmm *v)
{
	char out[256], err[4096];
	int status;

	close(v->in);
	v->in = open("/dev/null", O_RDONLY);
	slurp_fd(v->out, out, sizeof(out));
	slurp_fd(v->err, err, sizeof(err));
	status = vmm_wait(v);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || err[0])
		fail_msg("pagelab ended with status 0x%x and stderr:\n%s", status, err);
}

static void proc_read(pid_t pid, const char *file, char *buf, size_t len)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	slurp_fd(fd, buf, len);
	close(fd);
}

/* The value of one "Name:\t..." line of /proc/PID/status. */
static void status_field(pid_t pid, const char *name, char *val, size_t len)
{
	char buf[8192], key[64];
	const char *p;

	proc_read(pid, "status", buf, sizeof(buf));
	snprintf(key, sizeof(key), "\n%s:\t", name);
	p = strstr(buf, key);
	if (!p)
		fail_msg("no %s in /proc/%d/status:\n%s", name, (int)pid, buf);
	p += strlen(key);
	snprintf(val, len, "%.*s", (int)strcspn(p, "\n"), p);
	/* The kernel ends the Groups list with a space, even an empty one. */
	for (size_t n = strlen(val); n && val[n - 1] == ' ';)
		val[--n] = '\0';
}

static void assert_field(pid_t pid, const char *name, const char *want)
{
	char val[256];

	status_field(pid, name, val, sizeof(val));
	if (strcmp(val, want))
		fail_msg("/proc/%d/status %s is '%s', expected '%s'", (int)pid, name, val, want);
}

/* "0:pipe 1:pipe ..." for the descriptors the process holds, in order. */
static void fd_list(pid_t pid, char *buf, size_t len)
{
	char dir[64], link[PATH_MAX], target[256];
	struct dirent **names;
	size_t n = 0;
	int count;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	count = scandir(dir, &names, NULL, versionsort);
	assert_true(count >= 0);
	buf[0] = '\0';
	for (int i = 0; i < count; i++) {
		ssize_t r;

		if (names[i]->d_name[0] != '.') {
			snprintf(link, sizeof(link), "%s/%s", dir, names[i]->d_name);
			r = readlink(link, target, sizeof(target) - 1);
			target[r > 0 ? r : 0] = '\0';
			if (!strncmp(target, "pipe:", 5))
				target[4] = '\0';
			n += snprintf(buf + n, len - n, "%s%s:%s", n ? " " : "", names[i]->d_name,
				      target);
		}
		free(names[i]);
	}
	free(names);
}

/*
 * While the guest runs, the VMM is in seccomp filter mode, and holds its
 * three streams, the VM and the vCPU: not /dev/kvm, not what its parent
 * leaked.
 */
static void test_running_vmm(void **state)
{
	char fds[1024];

	(void)state;
	vmm_start(&vm, NULL, NULL, NULL);
	vmm_wait_ready(&vm);
	assert_field(vm.pid, "Seccomp", "2");
	assert_field(vm.pid, "NoNewPrivs", "1");
	fd_list(vm.pid, fds, sizeof(fds));
	if (strcmp(fds, "0:pipe 1:pipe 2:pipe 4:anon_inode:kvm-vm 5:anon_inode:kvm-vcpu:0"))
		fail_msg("the running VMM holds: %s", fds);
	vmm_finish(&vm);
}

static void test_seccomp_modes(void **state)
{
	struct run r;

	(void)state;
	vmm_start(&vm, NULL, NULL, "--seccomp=off", NULL);
	vmm_wait_ready(&vm);
	assert_field(vm.pid, "Seccomp", "0");
	vmm_finish(&vm);
	vmm_start(&vm, NULL, NULL, "--seccomp=log", NULL);
	vmm_wait_ready(&vm);
	assert_field(vm.pid, "Seccomp", "2");
	vmm_finish(&vm);
	run_pagelab(&r, NULL, "run", "--seccomp=strict", NULL);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err, "pagelab: invalid --seccomp mode 'strict' (on, log or off)\n");
	run_free(&r);
}

/* Started as root with --user: no root, no groups, no capabilities, still confined. */
static void test_user_switch(void **state)
{
	struct run_opts nobody = { .as_nobody = true };
	struct run r;

	(void)state;
	if (geteuid() != 0)
		fail_msg("this test starts pagelab as root (as make test runs here)");
	vmm_start(&vm, NULL, NULL, "--user", "nobody", NULL);
	vmm_wait_ready(&vm);
	assert_field(vm.pid, "Uid", "65534\t65534\t65534\t65534");
	assert_field(vm.pid, "Gid", "65534\t65534\t65534\t65534");
	assert_field(vm.pid, "Groups", "");
	assert_field(vm.pid, "CapEff", "0000000000000000");
	assert_field(vm.pid, "CapPrm", "0000000000000000");
	assert_field(vm.pid, "Seccomp", "2");
	vmm_finish(&vm);

	run_pagelab(&r, NULL, "run", "--user", "no-such-user-here", "--kernel", fixture("exit0"),
		    NULL);
	assert_int_equal(r.status, 2);
	has(r.err, "pagelab: user 'no-such-user-here' does not exist");
	run_free(&r);
	run_pagelab(&r, &nobody, "run", "--user", "root", "--kernel", fixture("exit0"), NULL);
	assert_int_equal(r.status, 2);
	assert_string_equal(r.err,
			    "pagelab: only root can switch to user 'root' (this process runs "
			    "as uid 65534)\n");
	run_free(&r);
}

static bool dir_is_empty(const char *path, char *first, size_t len)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	assert_non_null(d);
	while (empty && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			snprintf(first, len, "%s", e->d_name);
			empty = false;
		}
	closedir(d);
	return empty;
}

/*
 * Stopped by sig (arg: the guest program's mode; for SIGPIPE, closing
 * its stdout does it), pagelab dies of that signal (for SIGPIPE: its
 * program does) and leaves nothing in
 * its working directory or TMPDIR, and no process: this test is a child
 * subreaper, so an orphan of pagelab's would become our child.
 */
static void stop_and_look(int sig, const char *arg)
{
	char dir[] = "/tmp/pagelab-confine-XXXXXX", left[256];
	int status;

	assert_non_null(mkdtemp(dir));
	vmm_start(&vm, dir, arg, NULL);
	vmm_wait_ready(&vm);
	if (sig == SIGPIPE)
		close(vm.out);
	else
		kill(vm.pid, sig);
	if (sig == SIGPIPE)
		vm.out = open("/dev/null", O_RDONLY);
	status = vmm_wait(&vm);
	/*
	 * A closed stdout is the guest program's SIGPIPE, as natively: pagelab
	 * ends with the program's status, 128 + SIGPIPE.
	 */
	if (sig == SIGPIPE && WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGPIPE)
		;
	else if (!WIFSIGNALED(status) || WTERMSIG(status) != sig)
		fail_msg("pagelab stopped with %s ended with wait status 0x%x", strsignal(sig),
			 status);
	if (waitpid(-1, &status, WNOHANG) != -1 || errno != ECHILD)
		fail_msg("pagelab left a process behind after %s", strsignal(sig));
	if (!dir_is_empty(dir, left, sizeof(left)))
		fail_msg("pagelab left %s/%s behind after %s", dir, left, strsignal(sig));
	assert_int_equal(rmdir(dir), 0);
}

static void test_nothing_left_behind(void **state)
{
	(void)state;
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	stop_and_look(SIGKILL, NULL);
	stop_and_look(SIGINT, NULL);
	stop_and_look(SIGPIPE, "flood");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_running_vmm, setup_kvm_kernel, teardown_vmm),
		cmocka_unit_test_setup_teardown(test_seccomp_modes, setup_kvm_kernel, teardown_vmm),
		cmocka_unit_test_setup_teardown(test_user_switch, setup_kvm_kernel, teardown_vmm),
		cmocka_unit_test_setup_teardown(test_nothing_left_behind, setup_kvm_kernel,
						teardown_vmm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
