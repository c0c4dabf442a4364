// SPDX-License-Identifier: MIT
/* Spawning pagelab with pipes and a time limit, for the integration tests. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "common.h"

#define MAX_ARGS 64

const char *pagelab_path(void)
{
	const char *p = getenv("PAGELAB");

	return p && p[0] ? p : "build/asan/pagelab";
}

static const char *existing(const char *path, const char *what)
{
	if (access(path, R_OK) != 0)
		fail_msg("%s %s is missing (%s): build it with 'make test-binaries' / 'make'", what,
			 path, strerror(errno));
	return path;
}

const char *fixture(const char *name)
{
	static char path[4][512];
	static int next;
	const char *dir = getenv("PAGELAB_FIXTURES");
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s.elf", dir && dir[0] ? dir : "build/tests/fixtures",
		 name);
	return existing(p, "test kernel");
}

const char *guest_kernel(void)
{
	const char *k = getenv("PAGELAB_KERNEL");

	return existing(k && k[0] ? k : "build/guest/kernel.elf", "guest kernel");
}

void require_kvm(void)
{
	if (access("/dev/kvm", R_OK | W_OK) != 0)
		fail_msg("/dev/kvm is not usable (%s): guest tests need KVM and do not skip",
			 strerror(errno));
}

int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		if (*s == '\n' || !s[1])
			n++;
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct sink {
	int fd;
	char *buf;
	size_t len, cap;
};

static void drain(struct sink *s)
{
	char tmp[4096];
	ssize_t n = read(s->fd, tmp, sizeof(tmp));

	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->buf = realloc(s->buf, s->cap);
		assert_non_null(s->buf);
	}
	memcpy(s->buf + s->len, tmp, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

static void child(const struct run_opts *o, int in, int out, int err, char **argv)
{
	dup2(in, 0);
	dup2(out, 1);
	dup2(err, 2);
	if (o->as_nobody && (setgroups(0, NULL) || setgid(65534) || setuid(65534))) {
		perror("dropping to nobody");
		_exit(126);
	}
	execv(argv[0], argv);
	perror(argv[0]);
	_exit(127);
}

/* Input held back until the program's stdout shows a text (run_opts.input_after). */
struct late_input {
	int fd; /* the pipe's write end, -1 once written and closed */
	const char *text, *after;
};

static void give_late_input(struct late_input *in, const struct sink *out)
{
	size_t len = in->text ? strlen(in->text) : 0;

	if (in->fd < 0 || !out->buf || !memmem(out->buf, out->len, in->after, strlen(in->after)))
		return;
	assert_true(write(in->fd, in->text, len) == (ssize_t)len);
	close(in->fd);
	in->fd = -1;
}

static void collect(struct run *r, pid_t pid, struct sink *s, double deadline,
		    struct late_input *in)
{
	int status;

	while (s[0].fd >= 0 || s[1].fd >= 0) {
		struct pollfd p[2] = { { s[0].fd, POLLIN, 0 }, { s[1].fd, POLLIN, 0 } };
		double left = deadline - now_s();

		if (left <= 0) {
			kill(pid, SIGKILL);
			r->timed_out = true;
			break;
		}
		if (poll(p, 2, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (s[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				drain(&s[i]);
		give_late_input(in, &s[0]);
	}
	for (int i = 0; i < 2; i++)
		if (s[i].fd >= 0)
			close(s[i].fd);
	if (in->fd >= 0)
		close(in->fd);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * The output of every run not yet given back with run_free. A failing
 * assertion leaves its test by longjmp, past the run_free that would have
 * followed; what it left is freed with the next run or at exit, so the
 * sanitizer never sees a leak that only a failure caused.
 */
#define MAX_LIVE_RUNS 16
static char *live_runs[MAX_LIVE_RUNS][2];

static void forget_run(const struct run *r)
{
	for (int i = 0; i < MAX_LIVE_RUNS; i++)
		if (live_runs[i][0] == r->out && live_runs[i][1] == r->err)
			live_runs[i][0] = live_runs[i][1] = NULL;
}

static void free_live_runs(void)
{
	for (int i = 0; i < MAX_LIVE_RUNS; i++) {
		free(live_runs[i][0]);
		free(live_runs[i][1]);
		live_runs[i][0] = live_runs[i][1] = NULL;
	}
}

static void remember_run(const struct run *r)
{
	static bool registered;

	if (!registered && atexit(free_live_runs) == 0)
		registered = true;
	for (int i = 0; i < MAX_LIVE_RUNS; i++) {
		if (!live_runs[i][0]) {
			live_runs[i][0] = r->out;
			live_runs[i][1] = r->err;
			return;
		}
	}
	fail_msg("more than %d runs not given back with run_free", MAX_LIVE_RUNS);
}

void run_pagelab(struct run *r, const struct run_opts *o, ...)
{
	static const struct run_opts defaults = { 0 };
	char *argv[MAX_ARGS + 2];
	struct sink s[2] = { { .fd = -1 }, { .fd = -1 } };
	int in[2], out[2], err[2], n = 1;
	double start = now_s();
	va_list ap;
	pid_t pid;

	o = o ? o : &defaults;
	signal(SIGPIPE, SIG_IGN); /* a pagelab that exits early must not kill the test */
	argv[0] = (char *)existing(o->binary ? o->binary : pagelab_path(), "pagelab binary");
	va_start(ap, o);
	for (const char *a; (a = va_arg(ap, const char *)) && n <= MAX_ARGS;)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	assert_int_equal(pipe2(in, O_CLOEXEC), 0);
	assert_int_equal(pipe2(out, O_CLOEXEC), 0);
	assert_int_equal(pipe2(err, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child(o, in[0], out[1], err[1], argv);
	close(in[0]);
	close(out[1]);
	close(err[1]);
	/* Small inputs fit in the pipe buffer; a closed pipe means end of input. */
	if (o->input && !o->input_after)
		assert_true(write(in[1], o->input, strlen(o->input)) == (ssize_t)strlen(o->input));
	if (!o->input_after) {
		close(in[1]);
		in[1] = -1;
	}
	s[0].fd = out[0];
	s[1].fd = err[0];
	memset(r, 0, sizeof(*r));
	collect(r, pid, s, start + (o->limit_s ? o->limit_s : 60),
		&(struct late_input){ in[1], o->input, o->input_after });
	r->out = s[0].buf ? s[0].buf : strdup("");
	r->err = s[1].buf ? s[1].buf : strdup("");
	r->seconds = now_s() - start;
	remember_run(r);
}

void run_free(struct run *r)
{
	forget_run(r);
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

void has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("'%s' not found in:\n%s", want, text);
}

int setup_kvm(void **state)
{
	(void)state;
	require_kvm();
	return 0;
}

int setup_kvm_kernel(void **state)
{
	(void)state;
	require_kvm();
	guest_kernel();
	return 0;
}

char *read_whole_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	{
		FILE *mem = open_memstream(&buf, &len);
		int c;

		assert_non_null(mem);
		while ((c = getc(f)) != EOF)
			putc(c, mem);
		fclose(mem);
	}
	fclose(f);
	return buf;
}

FILE *quiet;

int setup_quiet(void **state)
{
	(void)state;
	require_kvm();
	quiet = fopen("/dev/null", "w");
	return quiet ? 0 : -1;
}

int teardown_quiet(void **state)
{
	(void)state;
	return quiet ? fclose(quiet) : 0;
}
