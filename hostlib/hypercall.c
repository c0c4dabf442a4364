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

#include "devices.h"

static int64_t hc_write(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	uint64_t stream = hc->arg[0], len = hc->arg[2];
	const char *buf;
	int err;

	if (stream != PL_STREAM_STDOUT && stream != PL_STREAM_STDERR && stream != PL_STREAM_CONSOLE)
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
		if (n >= 0)
			return n;
		if (errno != EINTR && errno != EAGAIN)
			return -(int64_t)errno;
	}
}

static int64_t hc_event(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	if (sb->res.nevents == sb->events_cap) {
		size_t cap = sb->events_cap ? sb->events_cap * 2 : 64;
		struct pl_event *ev;

		if (cap > PL_EVENTS_MAX || !(ev = realloc(sb->events, cap * sizeof(*ev)))) {
			sb->res.events_dropped++;
			return 0;
		}
		sb->events = ev;
		sb->events_cap = cap;
	}
	sb->events[sb->res.nevents++] = (struct pl_event){ hc->arg[0], hc->arg[1] };
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

static int64_t hc_dispatch(struct pl_sandbox *sb, const struct pl_hcall *hc)
{
	sb->res.hypercalls[hc->nr < PL_HC_COUNT ? hc->nr : 0]++;
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
	case PL_HC_CORE_OPEN:
	case PL_HC_CORE_WRITE:
	case PL_HC_CORE_CLOSE:
		return pl_core_hcall(sb, hc);
	default:
		return -PL_E_NOSYS;
	}
}

int pl_hcall_handle(struct pl_sandbox *sb, uint64_t block_gpa)
{
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
	hc.ret = hc_dispatch(sb, &hc);
	memcpy(&block->ret, &hc.ret, sizeof(hc.ret));
	return sb->ended ? -1 : 0;
}

int pl_hcall_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write)
{
	struct pl_sandbox *sb = opaque;
	uint32_t gpa;

	if (pl_port_out32(sb, "hypercall", PL_PORT_HYPERCALL, offset, data, len, write, &gpa))
		return -1;
	return pl_hcall_handle(sb, gpa);
}
