// SPDX-License-Identifier: MIT
/*
 * The kernel's hypercalls under TCG, one frame each: the checks and
 * results of the hypercall port's handlers (hostlib/hypercall.c), with the
 * data in the frame instead of guest memory. A frame that breaks the
 * format ends the run as a guest that broke the device protocol.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcg_state.h"

static void track_line(struct tcg_state *s, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			if (s->ncur) {
				memcpy(s->last, s->cur, s->ncur);
				s->last[s->ncur] = '\0';
			}
			s->ncur = 0;
		} else if (buf[i] != '\r' && s->ncur < sizeof(s->cur) - 1) {
			s->cur[s->ncur++] = buf[i];
		}
	}
}

/* The console goes where the VMM sends it by default: stdout; the trace with stderr. */
int tcg_emit(struct tcg_state *s, enum pl_stream stream, const char *buf, size_t len)
{
	int fd = stream == PL_STREAM_STDERR || stream == PL_STREAM_TRACE ? 2 : 1;

	if (stream == PL_STREAM_TRACE && s->p->trace_fd >= 0)
		fd = s->p->trace_fd;

	if (stream == PL_STREAM_CONSOLE)
		track_line(s, buf, len);
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void printable(char *dst, size_t len, const char *src)
{
	size_t j = 0;

	for (size_t i = 0; src[i] && j + 1 < len; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[j++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	dst[j] = '\0';
}

void tcg_end(struct tcg_state *s, int status, const char *fmt, ...)
{
	char what[700], last[TCG_LINE_MAX];
	va_list ap;

	if (s->ended)
		return;
	s->ended = true;
	s->status = status;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (status == PL_EXIT_TIMEOUT) {
		char during[200];

		snprintf(during, sizeof(during), "%.199s", what);
		snprintf(what, sizeof(what),
			 "the guest did not end within the %g s timeout%s%.199s and was stopped",
			 s->timeout_ms / 1000.0, during[0] ? " while " : "", during);
	}
	if (!what[0])
		return;
	s->cur[s->ncur] = '\0';
	printable(last, sizeof(last), s->ncur ? s->cur : s->last);
	snprintf(s->report, sizeof(s->report),
		 last[0] ? "pagelab: %s. Last console line: \"%s\"."
			 : "pagelab: %s. The guest printed nothing on its console.",
		 what, last);
}

/* The payload that came with a call, or NULL when it is not len bytes. */
static char *read_payload(struct tcg_state *s, const struct pl_serial_call *c)
{
	char *buf;

	if (c->len > PL_HC_MAX_LEN) {
		tcg_end(s, PL_EXIT_BAD_GUEST,
			"the guest broke the device protocol: a %" PRIu32 "-byte frame", c->len);
		return NULL;
	}
	buf = malloc(c->len + 1);
	if (!buf) {
		tcg_end(s, PL_EXIT_VMM_ERROR, "host failure while running the guest: no memory");
		return NULL;
	}
	if (tcg_read_frame(s, buf, c->len)) {
		free(buf);
		tcg_end(s, PL_EXIT_BAD_GUEST,
			"the guest broke the device protocol: a frame ended early");
		return NULL;
	}
	buf[c->len] = '\0';
	return buf;
}

static int64_t hc_write(struct tcg_state *s, const struct pl_serial_call *c, const char *data)
{
	uint64_t stream = c->arg[0], len = c->arg[2];
	int err;

	if (stream != PL_STREAM_STDOUT && stream != PL_STREAM_STDERR &&
	    stream != PL_STREAM_CONSOLE && stream != PL_STREAM_TRACE)
		return -PL_E_INVAL;
	if (len > PL_HC_MAX_LEN)
		return -PL_E_INVAL;
	if (len != c->len) /* the kernel could not reach its buffer */
		return -PL_E_FAULT;
	err = tcg_emit(s, (enum pl_stream)stream, data, len);
	return err ? err : (int64_t)len;
}

/* stdin, with the run's deadline: *data gets what was read. */
static int64_t hc_read(struct tcg_state *s, const struct pl_serial_call *c, char **data)
{
	uint64_t len = c->arg[2];
	ssize_t n;

	if (c->arg[0] != PL_STREAM_STDIN || len > PL_HC_MAX_LEN)
		return -PL_E_INVAL;
	if (!len)
		return 0;
	*data = malloc(len);
	if (!*data)
		return -PL_E_INVAL;
	for (;;) {
		int w = tcg_wait(s, 0, POLLIN);

		if (w == 0) {
			tcg_end(s, PL_EXIT_TIMEOUT, "waiting for input");
			return 0;
		}
		if (w < 0)
			return 0; /* QEMU is gone: the next frame read finds out */
		n = read(0, *data, len);
		if (n >= 0)
			return n;
		if (errno == EBADF)
			return 0; /* no stdin at all: end of file */
		if (errno != EINTR && errno != EAGAIN)
			return -(int64_t)errno;
	}
}

/* Would a read of stdin wait now? Asked without waiting, as the KVM path's hc_poll. */
static int64_t hc_poll(const struct pl_serial_call *c)
{
	struct pollfd pfd = { .fd = 0, .events = POLLIN };
	int r;

	if (c->arg[0] != PL_STREAM_STDIN)
		return -PL_E_INVAL;
	do
		r = poll(&pfd, 1, 0);
	while (r < 0 && errno == EINTR);
	return r != 0; /* ready, hung up, closed (POLLNVAL) or an error: a read does not wait */
}

static void add_event(struct tcg_state *s, uint64_t kind, uint64_t value)
{
	if (s->nevents == s->events_cap) {
		size_t cap = s->events_cap ? s->events_cap * 2 : 64;
		struct pl_event *ev;

		if (cap > TCG_EVENTS_MAX || !(ev = realloc(s->events, cap * sizeof(*ev)))) {
			s->events_dropped++;
			return;
		}
		s->events = ev;
		s->events_cap = cap;
	}
	s->events[s->nevents++] = (struct pl_event){ kind, value };
}

/* One event, or two in the same call (arg2 is the second's kind), as hostlib/hypercall.c. */
static int64_t hc_event(struct tcg_state *s, const struct pl_serial_call *c)
{
	add_event(s, c->arg[0], c->arg[1]);
	if (c->arg[2])
		add_event(s, c->arg[2], c->arg[3]);
	return 0;
}

static void last_report(struct tcg_state *s, const struct pl_serial_call *c, const char *data)
{
	struct pl_panic_report r;
	char msg[sizeof(r.message) + 1];

	if (c->len != sizeof(r)) {
		tcg_end(s, PL_EXIT_BAD_GUEST,
			"the guest kernel ended the run; its report could not be read");
		return;
	}
	memcpy(&r, data, sizeof(r));
	memcpy(msg, r.message, sizeof(r.message));
	msg[sizeof(r.message)] = '\0';
	printable(msg, sizeof(msg), msg);
	if (c->nr == PL_HC_DEADLOCK)
		tcg_end(s, PL_EXIT_DEADLOCK,
			"the program deadlocked: every process in the guest is blocked and "
			"nothing can wake one (%s); natively it would hang. RIP 0x%" PRIx64
			", CR2 0x%" PRIx64 ", CR3 0x%" PRIx64,
			msg, r.rip, r.cr2, r.cr3);
	else if (r.vector == ~0ULL)
		tcg_end(s, PL_EXIT_GUEST_PANIC,
			"the guest kernel panicked: %s. RIP 0x%" PRIx64 ", CR2 0x%" PRIx64
			", CR3 0x%" PRIx64,
			msg, r.rip, r.cr2, r.cr3);
	else
		tcg_end(s, PL_EXIT_GUEST_PANIC,
			"the guest kernel panicked: %s (exception %" PRIu64
			", %s, error code 0x%" PRIx64 "). RIP 0x%" PRIx64 ", CR2 0x%" PRIx64
			", CR3 0x%" PRIx64,
			msg, r.vector, pl_exception_name(r.vector), r.error_code, r.rip, r.cr2,
			r.cr3);
}

/*
 * Under QEMU there is no host to stop for: a checkpoint is an event, as
 * --stats shows it, and the guest goes on; a failed assertion ends the run
 * as under KVM (status 117, the same sentence).
 */
static int64_t hc_stop(struct tcg_state *s, const struct pl_serial_call *c, const char *data)
{
	struct pl_stop_block b;
	char file[sizeof(b.file) + 1], expr[sizeof(b.expr) + 1];

	if (c->len != sizeof(b))
		return -PL_E_INVAL;
	memcpy(&b, data, sizeof(b));
	if (b.kind == PL_STOP_BLOCK_CHECKPOINT) {
		struct pl_serial_call ev = { .arg = { PL_EVENT_CHECKPOINT, b.value } };

		return hc_event(s, &ev);
	}
	if (b.kind != PL_STOP_BLOCK_ASSERT)
		return -PL_E_INVAL;
	memcpy(file, b.file, sizeof(b.file));
	file[sizeof(b.file)] = '\0';
	memcpy(expr, b.expr, sizeof(b.expr));
	expr[sizeof(b.expr)] = '\0';
	printable(file, sizeof(file), file);
	printable(expr, sizeof(expr), expr);
	if (b.nvalues >= 2)
		tcg_end(s, PL_EXIT_GUEST_ASSERT,
			"the program (pid %u) failed an assertion at %s:%" PRIu64 ": %s (0x%" PRIx64
			" vs 0x%" PRIx64 ")",
			b.pid, file, b.line, expr, b.a, b.b);
	else if (b.nvalues == 1)
		tcg_end(s, PL_EXIT_GUEST_ASSERT,
			"the program (pid %u) failed an assertion at %s:%" PRIu64 ": %s (0x%" PRIx64
			")",
			b.pid, file, b.line, expr, b.a);
	else
		tcg_end(s, PL_EXIT_GUEST_ASSERT,
			"the program (pid %u) failed an assertion at %s:%" PRIu64 ": %s", b.pid,
			file, b.line, expr);
	return 0;
}

static int64_t dispatch(struct tcg_state *s, const struct pl_serial_call *c, const char *data,
			char **out)
{
	if (c->nr != PL_SERIAL_EXIT)
		s->hcalls[c->nr < TCG_HC_COUNT ? c->nr : 0]++;
	switch (c->nr) {
	case PL_HC_WRITE:
		return hc_write(s, c, data);
	case PL_HC_READ:
		return hc_read(s, c, out);
	case PL_HC_EVENT:
		return hc_event(s, c);
	case PL_HC_PANIC:
	case PL_HC_DEADLOCK:
		last_report(s, c, data);
		return 0;
	case PL_HC_STOP:
		return hc_stop(s, c, data);
	case PL_HC_POLL:
		return hc_poll(c);
	case PL_SERIAL_EXIT:
		if (c->arg[0] > 255) {
			tcg_end(s, PL_EXIT_BAD_GUEST,
				"the guest broke the device protocol: exit status %" PRIu64
				" is not in 0..255",
				c->arg[0]);
			return -PL_E_INVAL;
		}
		s->got_exit = true;
		tcg_end(s, (int)c->arg[0], "%s", "");
		return 0;
	default:
		return -PL_E_NOSYS;
	}
}

void tcg_handle_call(struct tcg_state *s, const struct pl_serial_call *c)
{
	struct pl_serial_reply reply = { .magic = PL_SERIAL_REPLY_MAGIC };
	char *data, *out = NULL;
	size_t len;

	if (c->magic != PL_SERIAL_CALL_MAGIC) {
		tcg_end(s, PL_EXIT_BAD_GUEST,
			"the guest broke the device protocol: a frame without its magic "
			"(0x%08" PRIx32 ")",
			c->magic);
		return;
	}
	data = read_payload(s, c);
	if (!data)
		return;
	reply.ret = dispatch(s, c, data, &out);
	len = reply.ret > 0 && out ? (size_t)reply.ret : 0;
	/* The kernel waits for every answer, the last one (exit) included. */
	if (!s->ended || s->got_exit) {
		if (tcg_write_frame(s, &reply, sizeof(reply)) || tcg_write_frame(s, out, len))
			tcg_end(
			    s, PL_EXIT_VMM_ERROR,
			    "host failure while running the guest: QEMU stopped taking answers");
	}
	free(out);
	free(data);
}

static const char *event_name(uint64_t kind)
{
	switch (kind) {
	case PL_EVENT_TRAPS:
		return "traps";
	case PL_EVENT_EXEC_MODE:
		return "exec-mode";
	case PL_EVENT_BOOT_NS:
		return "boot-ns";
	case PL_EVENT_CHECKPOINT:
		return "checkpoint";
	default:
		return NULL;
	}
}

void tcg_print_events(const struct tcg_state *s, FILE *f)
{
	for (size_t i = 0; i < s->nevents; i++) {
		const char *name = event_name(s->events[i].kind);

		if (name)
			fprintf(f, "pagelab: event %s %" PRIu64 "\n", name, s->events[i].value);
		else
			fprintf(f, "pagelab: event %" PRIu64 " %" PRIu64 "\n", s->events[i].kind,
				s->events[i].value);
	}
	if (s->events_dropped)
		fprintf(f, "pagelab: %zu events dropped\n", s->events_dropped);
}

void tcg_free(struct tcg_state *s)
{
	free(s->events);
	free(s);
}
