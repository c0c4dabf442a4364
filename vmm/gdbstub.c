// SPDX-License-Identifier: MIT
/*
 * The commands of pagelab's gdb stub. The guest kernel (option "gdb")
 * turns a program's int3 and single-step traps into stops of
 * pl_sandbox_step; between them, registers are the process's saved user
 * frame (pl_process_regs) and memory is read by virtual address through
 * its page tables (pl_gva_read). Registers follow gdb's amd64 'g' layout
 * without a target description (gdb/amd64-tdep.c's order).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagelab/inspect.h>

#include "cli.h"
#include "gdbstub.h"

#define MAX_BREAKPOINTS 64
#define INT3		0xcc
#define RFLAGS_TF	0x100
#define REG_RIP		16
#define REG_EFLAGS	17
#define REG_GS		23
#define REG_MXCSR	56
#define REG_GS_BASE	58
#define MEM_MAX		((GDB_PACKET_MAX - 8) / 2)

struct stub {
	struct gdb_conn *c;
	struct pl_sandbox *sb;
	int pid; /* the process of the last debug stop */
	struct {
		uint64_t addr;
		uint8_t orig;
	} bp[MAX_BREAKPOINTS];
	int nbp;
	char stop_reply[32]; /* what '?' answers */
	/* A Ctrl-C stop in user mode: the registers are the vCPU's, not a saved frame. */
	bool paused_in_user;
	struct pl_user_regs paused;
	bool ended;
	int exit_status;
	char out[GDB_PACKET_MAX + 1];
};

/* gdb's amd64 numbers 0..15 in pl_user_regs. */
static uint64_t *gpr(struct pl_user_regs *r, int n)
{
	uint64_t *const order[16] = { &r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi,
				      &r->rbp, &r->rsp, &r->r8,	 &r->r9,  &r->r10, &r->r11,
				      &r->r12, &r->r13, &r->r14, &r->r15 };

	return order[n];
}

/* Size in bytes of register n in the 'g' layout; 0 past mxcsr. */
static int reg_size(int n)
{
	if (n <= REG_RIP)
		return 8;
	if (n <= REG_GS)
		return 4;
	if (n < 32)
		return 10; /* st0..st7 */
	if (n < 40)
		return 4; /* fctrl..fop */
	if (n < REG_MXCSR)
		return 16; /* xmm0..xmm15 */
	return n == REG_MXCSR ? 4 : 0;
}

static char *put_hex(char *p, const void *data, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *b = data;

	for (size_t i = 0; i < len; i++) {
		*p++ = hex[b[i] >> 4];
		*p++ = hex[b[i] & 15];
	}
	*p = '\0';
	return p;
}

static int get_hex(const char *s, void *data, size_t len)
{
	uint8_t *b = data;

	for (size_t i = 0; i < len; i++) {
		unsigned v;

		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		b[i] = (uint8_t)v;
	}
	return 0;
}

/*
 * Register n's bytes, little-endian. The FPU and SSE state is not saved
 * where the host can read it: reported as its reset value.
 */
static char *put_reg(char *p, struct pl_user_regs *r, int n)
{
	uint8_t zero[16] = { 0 };
	uint32_t v32;

	if (n < REG_RIP)
		return put_hex(p, gpr(r, n), 8);
	if (n == REG_RIP)
		return put_hex(p, &r->rip, 8);
	if (n == REG_EFLAGS)
		v32 = (uint32_t)r->rflags;
	else if (n == 18 || n == 19)
		v32 = (uint32_t)(n == 18 ? r->cs : r->ss);
	else if (n == REG_MXCSR)
		v32 = 0x1f80;
	else
		return put_hex(p, zero, (size_t)reg_size(n));
	return put_hex(p, &v32, 4);
}

/* The registers of the stop; 0 or -errno. */
static int stop_regs(struct stub *s, struct pl_user_regs *r)
{
	if (!s->paused_in_user)
		return pl_process_regs(s->sb, s->pid, r);
	*r = s->paused;
	return 0;
}

/* Writes go to the saved frame, which a Ctrl-C stop in user mode does not have. */
static int set_stop_regs(struct stub *s, const struct pl_user_regs *r)
{
	return s->paused_in_user ? -EBUSY : pl_process_set_regs(s->sb, s->pid, r);
}

static int cmd_read_regs(struct stub *s)
{
	struct pl_user_regs r;
	char *p = s->out;

	if (stop_regs(s, &r))
		return snprintf(s->out, sizeof(s->out), "E01");
	for (int n = 0; reg_size(n); n++)
		p = put_reg(p, &r, n);
	return 0;
}

static int cmd_read_reg(struct stub *s, const char *arg)
{
	struct pl_user_regs r;
	unsigned n;

	if (sscanf(arg, "%x", &n) != 1 || stop_regs(s, &r))
		return snprintf(s->out, sizeof(s->out), "E01");
	if (n > REG_GS_BASE)
		return snprintf(s->out, sizeof(s->out), "E02");
	if (!reg_size((int)n)) /* fs_base, gs_base: not in the saved frame */
		return snprintf(s->out, sizeof(s->out), "xxxxxxxxxxxxxxxx");
	put_reg(s->out, &r, (int)n);
	return 0;
}

/* Only what pl_process_set_regs takes: rax..r15, rip and eflags. */
static int set_reg(struct pl_user_regs *r, int n, const char *hex)
{
	uint64_t v = 0;

	if (get_hex(hex, &v, n == REG_EFLAGS ? 4 : 8))
		return -1;
	if (n < REG_RIP)
		*gpr(r, n) = v;
	else if (n == REG_RIP)
		r->rip = v;
	else if (n == REG_EFLAGS)
		r->rflags = v;
	else
		return -1;
	return 0;
}

static int cmd_write_reg(struct stub *s, const char *arg)
{
	struct pl_user_regs r;
	unsigned n;
	const char *eq = strchr(arg, '=');

	if (!eq || sscanf(arg, "%x", &n) != 1 || stop_regs(s, &r) || n > REG_EFLAGS ||
	    set_reg(&r, (int)n, eq + 1) || set_stop_regs(s, &r))
		return snprintf(s->out, sizeof(s->out), "E01");
	return snprintf(s->out, sizeof(s->out), "OK");
}

static int cmd_write_regs(struct stub *s, const char *hex)
{
	struct pl_user_regs r;

	if (stop_regs(s, &r) || strlen(hex) < (16 * 8 + 8 + 4) * 2)
		return snprintf(s->out, sizeof(s->out), "E01");
	for (int n = 0; n <= REG_EFLAGS; n++)
		if (set_reg(&r, n, hex + 16 * n))
			return snprintf(s->out, sizeof(s->out), "E01");
	if (set_stop_regs(s, &r))
		return snprintf(s->out, sizeof(s->out), "E01");
	return snprintf(s->out, sizeof(s->out), "OK");
}

static int parse_addr_len(const char *arg, uint64_t *addr, size_t *len, char end)
{
	char *p;

	*addr = strtoull(arg, &p, 16);
	if (*p != ',')
		return -1;
	*len = strtoull(p + 1, &p, 16);
	return *p == end ? 0 : -1;
}

static int cmd_read_mem(struct stub *s, const char *arg)
{
	uint8_t buf[MEM_MAX];
	uint64_t addr;
	size_t len;

	if (parse_addr_len(arg, &addr, &len, '\0') || len > sizeof(buf))
		return snprintf(s->out, sizeof(s->out), "E01");
	if (pl_gva_read(s->sb, s->pid, addr, buf, len))
		return snprintf(s->out, sizeof(s->out), "E14");
	put_hex(s->out, buf, len);
	return 0;
}

/*
 * As ptrace's POKETEXT: the program's text is read-only to it, not to its
 * debugger. The bytes go to the frames behind the pages, so text shared
 * with another process (after fork) changes there too.
 */
static int poke(struct stub *s, uint64_t addr, const uint8_t *buf, size_t len)
{
	int err;

	if (addr >= PL_USER_TOP || len > PL_USER_TOP - addr)
		return -EINVAL;
	err = pl_gva_write(s->sb, s->pid, addr, buf, len);
	if (err != -EACCES)
		return err ? -EFAULT : 0;
	for (size_t i = 0; i < len; i++) {
		uint64_t gpa;

		if (pl_gva_to_gpa(s->sb, s->pid, addr + i, &gpa, NULL) ||
		    pl_gpa_write(s->sb, gpa, buf + i, 1))
			return -EFAULT;
	}
	return 0;
}

static int cmd_write_mem(struct stub *s, const char *arg)
{
	uint8_t buf[MEM_MAX];
	uint64_t addr;
	size_t len;
	const char *colon = strchr(arg, ':');

	if (!colon || parse_addr_len(arg, &addr, &len, ':') || len > sizeof(buf) ||
	    strlen(colon + 1) != 2 * len || get_hex(colon + 1, buf, len))
		return snprintf(s->out, sizeof(s->out), "E01");
	if (poke(s, addr, buf, len))
		return snprintf(s->out, sizeof(s->out), "E14");
	return snprintf(s->out, sizeof(s->out), "OK");
}

static int find_bp(struct stub *s, uint64_t addr)
{
	for (int i = 0; i < s->nbp; i++)
		if (s->bp[i].addr == addr)
			return i;
	return -1;
}

/* Z0/z0 (software breakpoints); other kinds are not offered. */
static int cmd_breakpoint(struct stub *s, const char *arg, bool insert)
{
	static const uint8_t int3 = INT3;
	uint64_t addr;
	size_t kind;
	int i;

	if (arg[0] != '0')
		return snprintf(s->out, sizeof(s->out), "%s", "");
	if (parse_addr_len(arg + 2, &addr, &kind, '\0'))
		return snprintf(s->out, sizeof(s->out), "E01");
	i = find_bp(s, addr);
	if (insert && i < 0) {
		if (s->nbp == MAX_BREAKPOINTS ||
		    pl_gva_read(s->sb, s->pid, addr, &s->bp[s->nbp].orig, 1) ||
		    poke(s, addr, &int3, 1))
			return snprintf(s->out, sizeof(s->out), "E0e");
		s->bp[s->nbp++].addr = addr;
	} else if (!insert && i >= 0) {
		if (poke(s, addr, &s->bp[i].orig, 1))
			return snprintf(s->out, sizeof(s->out), "E0e");
		s->bp[i] = s->bp[--s->nbp];
	}
	return snprintf(s->out, sizeof(s->out), "OK");
}

static void remove_all(struct stub *s)
{
	while (s->nbp) {
		s->nbp--;
		poke(s, s->bp[s->nbp].addr, &s->bp[s->nbp].orig, 1);
	}
}

struct watcher {
	struct stub *s;
	atomic_bool done;
};

/* While the guest runs, only a Ctrl-C (or gdb leaving) may come: it pauses the run. */
static void *watch(void *arg)
{
	struct watcher *w = arg;

	while (!atomic_load(&w->done))
		if (gdb_poll_interrupt(w->s->c, 20)) {
			pl_sandbox_interrupt(w->s->sb);
			break;
		}
	return NULL;
}

/* A debug stop: int3 at one of gdb's breakpoints resumes at the breakpoint (gdbserver's decr_pc_after_break). */
static void debug_stop(struct stub *s, const struct pl_stop *st)
{
	struct pl_user_regs r;

	s->pid = st->pid;
	snprintf(s->stop_reply, sizeof(s->stop_reply), "T05");
	if (st->id != 3 || pl_process_regs(s->sb, s->pid, &r) || find_bp(s, r.rip - 1) < 0)
		return;
	r.rip--;
	if (pl_process_set_regs(s->sb, s->pid, &r) == 0)
		snprintf(s->stop_reply, sizeof(s->stop_reply), "T05swbreak:;");
}

/*
 * Ctrl-C: the vCPU left the guest wherever it was. In user mode, its
 * registers are the program's; in the kernel, the frame the program saved
 * on entry is.
 */
static void paused(struct stub *s)
{
	struct pl_vcpu_regs v;

	snprintf(s->stop_reply, sizeof(s->stop_reply), "T02");
	s->paused_in_user = pl_vcpu_regs(s->sb, &v) == 0 && (v.cs & 3) == 3;
	if (!s->paused_in_user)
		return;
	s->paused = (struct pl_user_regs){
		.rax = v.rax,
		.rbx = v.rbx,
		.rcx = v.rcx,
		.rdx = v.rdx,
		.rsi = v.rsi,
		.rdi = v.rdi,
		.rsp = v.rsp,
		.rbp = v.rbp,
		.r8 = v.r8,
		.r9 = v.r9,
		.r10 = v.r10,
		.r11 = v.r11,
		.r12 = v.r12,
		.r13 = v.r13,
		.r14 = v.r14,
		.r15 = v.r15,
		.rip = v.rip,
		.rflags = v.rflags,
		.cs = v.cs,
		.ss = v.ss,
	};
}

/* Runs to the next stop gdb cares about; -1 when the step failed (one line said why). */
static int run_to_stop(struct stub *s, bool watch_gdb)
{
	struct watcher w = { .s = s };
	struct pl_stop st;
	pthread_t t;
	int err;

	atomic_init(&w.done, false);
	s->paused_in_user = false;
	if (watch_gdb && pthread_create(&t, NULL, watch, &w))
		watch_gdb = false;
	do
		err = pl_sandbox_step(s->sb, &st);
	while (!err && (st.kind == PL_STOP_CHECKPOINT || st.kind == PL_STOP_ASSERT ||
			(st.kind == PL_STOP_DEBUG && !watch_gdb && s->c->fd < 0)));
	atomic_store(&w.done, true);
	if (watch_gdb)
		pthread_join(t, NULL);
	if (err) {
		cli_error("%s", pl_error());
		return -1;
	}
	if (st.kind == PL_STOP_END) {
		s->ended = true;
		s->exit_status = st.exit_status;
		snprintf(s->stop_reply, sizeof(s->stop_reply), "W%02x", st.exit_status & 0xff);
	} else if (st.kind == PL_STOP_PAUSE) {
		paused(s);
	} else {
		debug_stop(s, &st);
	}
	return 0;
}

static int resume(struct stub *s, bool step)
{
	struct pl_user_regs r;

	/*
	 * TF goes into the saved frame, and a Ctrl-C stop in user mode has none
	 * the program resumes from: it stays stopped, gdb sees the same stop.
	 */
	if (step && s->paused_in_user)
		return 0;
	if (step && (pl_process_regs(s->sb, s->pid, &r) ||
		     (r.rflags |= RFLAGS_TF, pl_process_set_regs(s->sb, s->pid, &r)))) {
		cli_error("--gdb: cannot step process %d: %s", s->pid, pl_error());
		return -1;
	}
	return run_to_stop(s, true);
}

static int query(struct stub *s, const char *q)
{
	if (!strncmp(q, "qSupported", 10))
		return snprintf(s->out, sizeof(s->out), "PacketSize=%x;swbreak+", GDB_PACKET_MAX);
	if (!strcmp(q, "qAttached"))
		return snprintf(s->out, sizeof(s->out), "1");
	if (!strcmp(q, "qC"))
		return snprintf(s->out, sizeof(s->out), "QC1");
	if (!strcmp(q, "qfThreadInfo"))
		return snprintf(s->out, sizeof(s->out), "m1");
	if (!strcmp(q, "qsThreadInfo"))
		return snprintf(s->out, sizeof(s->out), "l");
	return snprintf(s->out, sizeof(s->out), "%s", "");
}

enum { GO_ON, RESUME, STEP, DETACH, KILL };

/* One packet: the reply in s->out, and what to do next. */
static int dispatch(struct stub *s, const char *p)
{
	s->out[0] = '\0';
	switch (p[0]) {
	case '?':
		snprintf(s->out, sizeof(s->out), "%s", s->stop_reply);
		break;
	case 'g':
		cmd_read_regs(s);
		break;
	case 'G':
		cmd_write_regs(s, p + 1);
		break;
	case 'p':
		cmd_read_reg(s, p + 1);
		break;
	case 'P':
		cmd_write_reg(s, p + 1);
		break;
	case 'm':
		cmd_read_mem(s, p + 1);
		break;
	case 'M':
		cmd_write_mem(s, p + 1);
		break;
	case 'Z':
	case 'z':
		cmd_breakpoint(s, p + 1, p[0] == 'Z');
		break;
	case 'H':
	case 'T':
		snprintf(s->out, sizeof(s->out), "OK");
		break;
	case 'q':
		query(s, p);
		break;
	case 'c':
	case 'C':
		return RESUME;
	case 's':
	case 'S':
		return STEP;
	case 'D':
		snprintf(s->out, sizeof(s->out), "OK");
		return DETACH;
	case 'k':
		return KILL;
	case 'v':
		if (!strncmp(p, "vKill", 5))
			return KILL;
		break;
	}
	return GO_ON;
}

/* After D (or gdb leaving): the program runs on without its breakpoints, to its end. */
static int detach(struct stub *s)
{
	struct pl_user_regs r;

	remove_all(s);
	if (pl_process_regs(s->sb, s->pid, &r) == 0 && (r.rflags & RFLAGS_TF)) {
		r.rflags &= ~(uint64_t)RFLAGS_TF;
		pl_process_set_regs(s->sb, s->pid, &r);
	}
	gdb_close(s->c);
	while (!s->ended)
		if (run_to_stop(s, false))
			return PL_EXIT_VMM_ERROR;
	return s->exit_status;
}

static int serve_packets(struct stub *s)
{
	for (;;) {
		int n = gdb_recv(s->c), what;

		if (n == GDB_CTRL_C) /* already stopped: say where */
			n = snprintf(s->c->in, sizeof(s->c->in), "?");
		if (n < 0)
			return detach(s);
		what = dispatch(s, s->c->in);
		if (what == KILL) {
			cli_error("--gdb: the debugger killed the program");
			return 128 + 9;
		}
		if (what == DETACH) {
			gdb_send(s->c, s->out);
			return detach(s);
		}
		if (what != GO_ON && resume(s, what == STEP))
			return PL_EXIT_VMM_ERROR;
		if (what != GO_ON)
			snprintf(s->out, sizeof(s->out), "%s", s->stop_reply);
		if (gdb_send(s->c, s->out))
			return detach(s);
		if (s->ended)
			return s->exit_status;
	}
}

int gdb_serve(struct gdb_conn *c, struct pl_sandbox *sb, struct pl_result *res)
{
	struct stub *s = calloc(1, sizeof(*s));
	int status;

	if (!s)
		return PL_EXIT_VMM_ERROR;
	s->c = c;
	s->sb = sb;
	/* gdb first, then the stop before the program's first instruction. */
	if (gdb_accept(c) || run_to_stop(s, false)) {
		free(s);
		return PL_EXIT_VMM_ERROR;
	}
	status = s->ended ? s->exit_status : serve_packets(s);
	gdb_close(c);
	pl_sandbox_result(sb, res);
	free(s);
	return status;
}
