// SPDX-License-Identifier: MIT
/*
 * pagelab run --accel tcg: QEMU runs the kernel, this process answers its
 * hypercalls. Each frame from COM2 is one call of the hypercall port's
 * (hostlib/hypercall.c), with the same checks and the same results: the
 * program's streams, stdin with its end of file, events, the kernel's
 * last report, and the run's exit status, which travels whole in a frame
 * (QEMU's isa-debug-exit keeps only 8 bits of it, shifted).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pagelab/abi.h>
#include <pagelab/hostlib.h>
#include <pagelab/serial_abi.h>

#include "cli.h"
#include "tcg.h"
#include "tcg_state.h"

/* How long one receive may wait for the rest of a frame before looking around. */
#define RECV_SLICE_US 20000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Milliseconds to the deadline for poll(), -1 without one, 0 once passed. */
static int ms_left(const struct tcg_state *s)
{
	uint64_t now = now_ns();

	if (!s->deadline_ns)
		return -1;
	if (now >= s->deadline_ns)
		return 0;
	return (int)((s->deadline_ns - now + 999999) / 1000000);
}

static void drain_console(struct tcg_state *s)
{
	char buf[4096];
	ssize_t n = read(s->child.console_fd, buf, sizeof(buf));

	if (n > 0)
		tcg_emit(s, PL_STREAM_CONSOLE, buf, (size_t)n);
	else if (n == 0 || errno != EINTR)
		s->con_eof = true;
}

static void drain_qemu_output(struct tcg_state *s)
{
	char buf[1024];
	ssize_t n = read(s->child.err_fd, buf, sizeof(buf));

	if (n <= 0 && (n == 0 || errno != EINTR))
		s->err_eof = true;
	if (n > 0 && s->nerr < sizeof(s->qemu_err) - 1) {
		size_t k = MIN((size_t)n, sizeof(s->qemu_err) - 1 - s->nerr);

		memcpy(s->qemu_err + s->nerr, buf, k);
		s->nerr += k;
		s->qemu_err[s->nerr] = '\0';
	}
}

/*
 * Waits until fd is ready for events, emptying the console and QEMU's
 * own output meanwhile. 1 ready, 0 deadline passed, -1 QEMU is gone.
 */
int tcg_wait(struct tcg_state *s, int fd, short events)
{
	for (;;) {
		struct pollfd pfd[3] = { { fd, events, 0 },
					 { s->con_eof ? -1 : s->child.console_fd, POLLIN, 0 },
					 { s->err_eof ? -1 : s->child.err_fd, POLLIN, 0 } };
		int ms = ms_left(s), r;

		if (ms == 0)
			return 0;
		/* Both of QEMU's other streams at their end: QEMU is gone. */
		if (s->con_eof && s->err_eof && fd != s->child.hc_fd)
			return -1;
		r = poll(pfd, 3, ms);
		if (r < 0 && errno != EINTR)
			return -1;
		if (r <= 0)
			continue;
		if (pfd[1].revents)
			drain_console(s);
		if (pfd[2].revents)
			drain_qemu_output(s);
		if (pfd[0].revents & (events | POLLHUP | POLLERR | POLLNVAL))
			return 1;
	}
}

/* 0, -1 when QEMU went away, -2 at the deadline. */
int tcg_read_frame(struct tcg_state *s, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		int w = tcg_wait(s, s->child.hc_fd, POLLIN);
		ssize_t n;

		if (w <= 0)
			return w == 0 ? -2 : -1;
		/*
		 * The UART hands QEMU one byte at a time: wait in the kernel
		 * for the whole frame (up to the socket's short receive
		 * timeout) rather than wake up for each byte.
		 */
		n = recv(s->child.hc_fd, p, len, MSG_WAITALL);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return -1;
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		}
	}
	return 0;
}

int tcg_write_frame(struct tcg_state *s, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		int w = tcg_wait(s, s->child.hc_fd, POLLOUT);
		ssize_t n;

		if (w <= 0)
			return w == 0 ? -2 : -1;
		n = send(s->child.hc_fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EINTR && errno != EAGAIN)
			return -1;
		if (n > 0) {
			p += n;
			len -= (size_t)n;
		}
	}
	return 0;
}

static void stop_qemu(struct tcg_state *s)
{
	int st;

	if (s->child.pid <= 0)
		return;
	kill(s->child.pid, SIGKILL);
	waitpid(s->child.pid, &st, 0);
	s->child.pid = 0;
}

/* After the exit frame QEMU stops at the exit port; a few seconds at most. */
static void await_qemu(struct tcg_state *s, int *wstatus)
{
	for (int i = 0; i < 500; i++) {
		struct timespec t = { 0, 10000000 };

		if (waitpid(s->child.pid, wstatus, WNOHANG) == s->child.pid) {
			s->child.pid = 0;
			return;
		}
		nanosleep(&t, NULL);
	}
	stop_qemu(s);
	*wstatus = 0;
}

/* QEMU stopped without the kernel's exit frame. */
static void qemu_ended(struct tcg_state *s)
{
	int st = 0;

	if (s->child.pid > 0 && waitpid(s->child.pid, &st, 0) == s->child.pid)
		s->child.pid = 0;
	while (!s->err_eof)
		drain_qemu_output(s);
	/* One paragraph: QEMU's lines joined, without the last newline. */
	while (s->nerr && (s->qemu_err[s->nerr - 1] == '\n' || s->qemu_err[s->nerr - 1] == ' '))
		s->qemu_err[--s->nerr] = '\0';
	for (size_t i = 0; i < s->nerr; i++)
		if (s->qemu_err[i] == '\n')
			s->qemu_err[i] = ' ';
	/* QEMU exits 0 when a signal stops it, too, and says so. */
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && strstr(s->qemu_err, "terminating on signal"))
		tcg_end(s, PL_EXIT_VMM_ERROR, "QEMU was stopped from outside: %.300s", s->qemu_err);
	else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		tcg_end(s, PL_EXIT_TRIPLE_FAULT,
			"the guest reset, which QEMU (-no-reboot) ends: a triple fault, as "
			"KVM_EXIT_SHUTDOWN");
	else if (WIFEXITED(st) && (WEXITSTATUS(st) & 1) && WEXITSTATUS(st) != 1)
		tcg_end(s, PL_EXIT_BAD_GUEST,
			"the guest broke the device protocol: it wrote the exit port without "
			"sending its status first");
	else
		tcg_end(s, PL_EXIT_VMM_ERROR, "QEMU failed (%s %d): %.300s",
			WIFEXITED(st) ? "exit status" : "signal",
			WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st),
			s->nerr ? s->qemu_err : "it printed nothing");
}

static void serve(struct tcg_state *s)
{
	while (!s->ended) {
		struct pl_serial_call call;
		int r = tcg_read_frame(s, &call, sizeof(call));

		if (r == -2) {
			tcg_end(s, PL_EXIT_TIMEOUT, "%s", "");
			return;
		}
		if (r < 0) {
			qemu_ended(s);
			return;
		}
		tcg_handle_call(s, &call);
	}
}

static void print_stats(const struct tcg_state *s)
{
	static const char *const names[TCG_HC_COUNT] = {
		[0] = "unknown",	 [PL_HC_WRITE] = "write", [PL_HC_READ] = "read",
		[PL_HC_EVENT] = "event", [PL_HC_PANIC] = "panic", [PL_HC_DEADLOCK] = "deadlock",
		[PL_HC_STOP] = "stop",	 [PL_HC_POLL] = "poll",
	};

	fprintf(stderr, "pagelab: stats: accel tcg; hypercalls:");
	for (int i = 1; i <= TCG_HC_COUNT; i++) {
		int nr = i % TCG_HC_COUNT;

		if (names[nr])
			fprintf(stderr, "%s %s %" PRIu64, i > 1 ? "," : "", names[nr],
				s->hcalls[nr]);
	}
	fprintf(stderr, "; run %.3f ms; exit status %d\n", s->run_ns / 1e6, s->status);
	tcg_print_events(s, stderr);
}

int tcg_run(const struct tcg_params *p)
{
	struct tcg_state *s = calloc(1, sizeof(*s));
	char qemu[4096];
	int status, wstatus = 0;
	uint64_t start;

	if (!s)
		return PL_EXIT_VMM_ERROR;
	if (!accel_find_qemu(qemu, sizeof(qemu))) {
		cli_error("--accel tcg needs QEMU: %s was not found (install Debian's "
			  "qemu-system-x86, or set PAGELAB_QEMU)",
			  getenv("PAGELAB_QEMU") && getenv("PAGELAB_QEMU")[0]
			      ? getenv("PAGELAB_QEMU")
			      : "qemu-system-x86_64");
		free(s);
		return PL_EXIT_USAGE;
	}
	if (tcg_check_kernel(p->kernel)) {
		free(s);
		return PL_EXIT_USAGE;
	}
	s->p = p;
	s->timeout_ms = p->timeout_ms;
	signal(SIGPIPE, SIG_IGN);
	start = now_ns();
	status = tcg_spawn(qemu, p, &s->child);
	if (status) {
		free(s);
		return status == -2 ? PL_EXIT_USAGE : PL_EXIT_VMM_ERROR;
	}
	setsockopt(s->child.hc_fd, SOL_SOCKET, SO_RCVTIMEO,
		   &(struct timeval){ .tv_usec = RECV_SLICE_US }, sizeof(struct timeval));
	if (p->verbose)
		fprintf(stderr, "pagelab: running the kernel under QEMU's TCG (%s), pid %d\n", qemu,
			s->child.pid);
	if (p->timeout_ms)
		s->deadline_ns = start + p->timeout_ms * 1000000ULL;
	serve(s);
	if (s->got_exit)
		await_qemu(s, &wstatus);
	stop_qemu(s);
	s->run_ns = now_ns() - start;
	if (s->report[0])
		fprintf(stderr, "%s\n", s->report);
	if (p->stats)
		print_stats(s);
	status = s->status;
	close(s->child.hc_fd);
	close(s->child.console_fd);
	close(s->child.err_fd);
	tcg_free(s);
	return status;
}
