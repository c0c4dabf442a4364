// SPDX-License-Identifier: MIT
/*
 * The hypercall port, after Solo5's hvt: one 32-bit `out` carries the
 * guest-physical address of a struct pl_hcall. Every address and length
 * in it goes through pl_guestmem_check before the host touches guest
 * memory; a bad block ends the run, a bad argument returns an error to
 * the guest. Whole buffers move per exit, because an exit is the
 * expensive thing here.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "devices.h"
#include "error.h"

static int64_t hc_write(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	uint64_t stream = hc->arg[0], len = hc->arg[2];
	const char *buf;
	int err;

	if (stream != PL_STREAM_STDOUT && stream != PL_STREAM_STDERR &&
	    stream != PL_STREAM_CONSOLE && stream != PL_STREAM_TRACE)
		return -PL_E_INVAL;
	if (len > PL_HC_MAX_LEN)
		return -PL_E_INVAL;
	buf = pl_guestmem_check(&sb->mem, hc->arg[1], len, PL_ACC_READ);
	if (!buf)
		return -PL_E_FAULT;
	err = pl_console_write(&sb->con, (enum pl_stream)stream, buf, len);
	return err ? err : (int64_t)len;
}

/* Waits for input without outliving the run's deadline. 1 ready, 0 timed out. */
static int wait_input(struct pl_sandbox *sb)
{
	struct pollfd pfd = { .fd = sb->stdin_fd, .events = POLLIN };

	for (;;) {
		int ms = -1, r;

		if (sb->deadline_ns) {
			uint64_t now = pl_now_ns();

			if (now >= sb->deadline_ns)
				return 0;
			ms = (int)((sb->deadline_ns - now + 999999) / 1000000);
		}
		r = poll(&pfd, 1, ms);

		/* Ready, hung up or an error: read() tells which. */
		if (r > 0 || (r < 0 && errno != EINTR))
			return 1;
		/* Timed out or interrupted (by the timeout's signal, too): look again. */
	}
}

static int64_t hc_read(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	uint64_t len = hc->arg[2];
	char *buf;
	ssize_t n;

	if (hc->arg[0] != PL_STREAM_STDIN || len > PL_HC_MAX_LEN)
		return -PL_E_INVAL;
	buf = pl_guestmem_check(&sb->mem, hc->arg[1], len, PL_ACC_WRITE);
	if (!buf)
		return -PL_E_FAULT;
	if (sb->stdin_fd < 0 || len == 0)
		return 0;
	for (;;) {
		if (!wait_input(sb)) {
			pl_sandbox_end(sb, PL_END_TIMEOUT, 0, "waiting for input");
			return 0;
		}
		n = read(sb->stdin_fd, buf, len);
		if (n >= 0) {
			pl_console_count(&sb->con, PL_STREAM_STDIN, (size_t)n);
			return n;
		}
		if (errno != EINTR && errno != EAGAIN)
			return -(int64_t)errno;
	}
}

/* Would a read of stdin wait now? Asked without waiting. */
static int64_t hc_poll(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	struct pollfd pfd = { .fd = sb->stdin_fd, .events = POLLIN };
	int r;

	if (hc->arg[0] != PL_STREAM_STDIN)
		return -PL_E_INVAL;
	if (sb->stdin_fd < 0)
		return 1; /* no input at all: a read gives its end at once */
	do
		r = poll(&pfd, 1, 0);
	while (r < 0 && errno == EINTR);
	/* Ready, hung up or an error: the read does not wait, it tells which. */
	return r != 0;
}

static void add_event(struct pl_sandbox *sb, uint64_t kind, uint64_t value)
{
	if (sb->res.nevents == sb->events_cap) {
		size_t cap = sb->events_cap ? sb->events_cap * 2 : 64;
		struct pl_event *ev;

		if (cap > PL_EVENTS_MAX || !(ev = realloc(sb->events, cap * sizeof(*ev)))) {
			sb->res.events_dropped++;
			return;
		}
		sb->events = ev;
		sb->events_cap = cap;
	}
	sb->events[sb->res.nevents++] = (struct pl_event){ kind, value };
}

/* One event, or two in the same exit (arg2 is the second's kind). */
static int64_t hc_event(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	add_event(sb, hc->arg[0], hc->arg[1]);
	if (hc->arg[2])
		add_event(sb, hc->arg[2], hc->arg[3]);
	return 0;
}

/* A panic or a deadlock: the kernel's last report, copied once and terminated. */
static int64_t hc_last_report(struct pl_sandbox *sb, const struct pl_hcall *hc, enum pl_end end)
{
	/* Any alignment the guest chose: only copied, byte for byte. */
	const void *p = pl_guestmem_check(&sb->mem, hc->arg[0], sizeof(sb->panic), PL_ACC_READ);
	char message[sizeof(sb->panic.message)];

	if (!p) {
		pl_sandbox_end(sb, end, 0,
			       "the guest kernel ended the run; its report at 0x%" PRIx64
			       " is outside guest RAM",
			       hc->arg[0]);
		return -PL_E_FAULT;
	}
	memcpy(&sb->panic, p, sizeof(sb->panic));
	memcpy(message, sb->panic.message, sizeof(message));
	pl_printable_copy(sb->panic.message, sizeof(sb->panic.message), message,
			  strnlen(message, sizeof(message)));
	sb->have_panic = true;
	pl_sandbox_end(sb, end, 0, "%s", end == PL_END_PANIC ? "guest kernel panic" : "deadlock");
	return 0;
}

static void copy_string(char *dst, size_t size, const char *src)
{
	pl_printable_copy(dst, size, src, strnlen(src, size - 1));
}

/* A checkpoint or a failed assertion: the step returns to the host after this exit. */
static int64_t hc_stop(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	const void *p =
	    pl_guestmem_check(&sb->mem, hc->arg[0], sizeof(struct pl_stop_block), PL_ACC_READ);
	struct pl_stop_block b;
	struct pl_stop *st = &sb->stop;

	if (!p)
		return -PL_E_FAULT;
	/* Any alignment the guest chose: only copied, byte for byte. */
	memcpy(&b, p, sizeof(b));
	if (b.kind < PL_STOP_BLOCK_CHECKPOINT || b.kind > PL_STOP_BLOCK_FAULT)
		return -PL_E_INVAL;
	*st = (struct pl_stop){
		.kind = b.kind == PL_STOP_BLOCK_ASSERT	? PL_STOP_ASSERT
			: b.kind == PL_STOP_BLOCK_DEBUG ? PL_STOP_DEBUG
			: b.kind == PL_STOP_BLOCK_FAULT ? PL_STOP_FAULT
							: PL_STOP_CHECKPOINT,
		.pid = (int)(b.pid & 0x7fffffff),
		.cr3 = b.cr3,
		.id = b.id,
		.value = b.value,
	};
	sb->stop_frame_gpa = b.frame_gpa;
	sb->proctab_gpa = b.proctab_gpa;
	if (b.kind == PL_STOP_BLOCK_ASSERT) {
		copy_string(st->assertion.file, sizeof(st->assertion.file), b.file);
		copy_string(st->assertion.expr, sizeof(st->assertion.expr), b.expr);
		st->assertion.line = b.line;
		st->assertion.nvalues = b.nvalues > 2 ? 2 : (unsigned)b.nvalues;
		st->assertion.a = b.a;
		st->assertion.b = b.b;
		sb->assert_pending = true;
	}
	if (b.kind == PL_STOP_BLOCK_FAULT)
		st->fault = (struct pl_stop_fault){
			.signo = b.fault_signo,
			.code = b.fault_code,
			.addr = b.fault_addr,
			.rip = b.fault_rip,
			.trapno = b.fault_trapno,
			.error = b.fault_error,
		};
	sb->stop_pending = true;
	return 0;
}

static int64_t hc_dispatch(struct pl_sandbox *sb, struct pl_device *dev, const struct pl_hcall *hc)
{
	dev->counter[hc->nr < PL_HC_COUNTERS && dev->counter_name[hc->nr] ? hc->nr : 0]++;
	switch (hc->nr) {
	case PL_HC_WRITE:
		return hc_write(sb, hc);
	case PL_HC_READ:
		return hc_read(sb, hc);
	case PL_HC_EVENT:
		return hc_event(sb, hc);
	case PL_HC_PANIC:
		return hc_last_report(sb, hc, PL_END_PANIC);
	case PL_HC_DEADLOCK:
		return hc_last_report(sb, hc, PL_END_DEADLOCK);
	case PL_HC_STOP:
		return hc_stop(sb, hc);
	case PL_HC_POLL:
		return hc_poll(sb, hc);
	case PL_HC_CORE_OPEN:
	case PL_HC_CORE_WRITE:
		return pl_core_hcall(sb, hc);
	case PL_HC_CORE_CLOSE: {
		int64_t ret = pl_core_hcall(sb, hc);

		dev->counter[PL_HC_COUNTER_CORES] = sb->core.files_written;
		return ret;
	}
	default:
		return -PL_E_NOSYS;
	}
}

static int hcall_handle(struct pl_device *dev, uint64_t block_gpa)
{
	struct pl_sandbox *sb = dev->sandbox;
	struct pl_hcall *block, hc;

	block = pl_guestmem_check(&sb->mem, block_gpa, sizeof(*block), PL_ACC_WRITE);
	if (block_gpa % 8 || !block ||
	    pl_guestmem_slot(&sb->mem, block_gpa)->kind != PL_REGION_RAM) {
		pl_sandbox_end(sb, PL_END_BAD_GUEST, 0,
			       "hypercall block at 0x%" PRIx64
			       " is not an aligned block in guest RAM",
			       block_gpa);
		return -1;
	}
	/* One copy, so the arguments cannot change while they are used. */
	memcpy(&hc, block, sizeof(hc));
	hc.ret = hc_dispatch(sb, dev, &hc);
	memcpy(&block->ret, &hc.ret, sizeof(hc.ret));
	return sb->ended ? -1 : 4;
}

int pl_hcall_handle(struct pl_sandbox *sb, uint64_t block_gpa)
{
	struct pl_device *dev = pl_sandbox_device(sb, "hypercall");

	return dev && hcall_handle(dev, block_gpa) >= 0 ? 0 : -1;
}

static int hcall_write(struct pl_device *dev, unsigned window, uint64_t offset, const void *data,
		       unsigned len)
{
	uint32_t gpa;

	(void)window;
	if (pl_port_out32(dev->sandbox, "hypercall", PL_PORT_HYPERCALL, offset, data, len, true,
			  &gpa))
		return -1;
	return hcall_handle(dev, gpa);
}

static int hcall_read(struct pl_device *dev, unsigned window, uint64_t offset, void *data,
		      unsigned len)
{
	uint32_t unused;

	(void)window;
	return pl_port_out32(dev->sandbox, "hypercall", PL_PORT_HYPERCALL, offset, data, len, false,
			     &unused);
}

static void hcall_destroy(struct pl_device *dev)
{
	free(dev);
}

int pl_hcall_add(struct pl_sandbox *sb)
{
	struct pl_device *dev = malloc(sizeof(*dev));

	if (!dev) {
		pl_set_error(PL_ERR_HOST, "out of memory");
		return -1;
	}
	*dev = (struct pl_device){
		.name = "hypercall",
		.compatible = "pagelab,hypercall",
		.window = { { PL_SPACE_PIO, PL_PORT_HYPERCALL, 4 } },
		.nwindows = 1,
		.read = hcall_read,
		.write = hcall_write,
		.destroy = hcall_destroy,
		/* by hypercall number: enum pl_hcall_nr */
		.counter_name = { "unknown", "write", "read", "event", "panic", "deadlock",
				  "core-open", "core-write", "core-close", [PL_HC_STOP] = "stop",
				  [PL_HC_POLL] = "poll", [PL_HC_COUNTER_CORES] = "cores" },
	};
	if (pl_device_register(sb, dev, true)) {
		free(dev);
		return -1;
	}
	return 0;
}
