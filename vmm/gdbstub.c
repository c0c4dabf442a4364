// SPDX-License-Identifier: MIT
/*
 * The commands of pagelab's gdb stub. The guest kernel (option "gdb")
 * turns breakpoints (int3) and single-step traps, in a program or in the
 * kernel itself, into stops of pl_sandbox_step. At a stop, registers are
 * the trap's frame (pl_stop_regs) or, for another process, its saved user
 * frame (pl_process_regs), with its FPU/SSE state and FS/GS bases
 * (pl_process_fpregs), described to gdb by a target description
 * (gdbstub_regs.c); memory is read by virtual address (gdbstub_mem.c).
 * Every guest process is a thread to gdb, its pid the thread id.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gdbstub.h"

#define MAX_BREAKPOINTS 64
#define MAX_THREADS	256
#define INT3		0xcc
#define RFLAGS_TF	0x100
#define MEM_MAX		((GDB_PACKET_MAX - 8) / 2)

struct stub {
	struct gdb_conn *c;
	struct pl_sandbox *sb;
	int pid;	  /* the process of the last stop */
	int sel;	  /* Hg: whose registers and memory gdb reads; 0 = pid */
	bool has_frame;	  /* the last stop was a debug stop: pl_stop_regs is its frame */
	bool interrupted; /* it came from a Ctrl-C */
	struct {
		uint64_t addr;
		int pid;
		uint8_t orig;
	} bp[MAX_BREAKPOINTS];
	int nbp;
	char stop_reply[48]; /* what '?' answers */
	bool ended;
	int exit_status;
	char out[GDB_PACKET_MAX + 1];
};

static int selected(const struct stub *s)
{
	return s->sel ? s->sel : s->pid;
}

static int reply(struct stub *s, const char *text)
{
	return snprintf(s->out, sizeof(s->out), "%s", text);
}

/* The selected thread's registers: the stop's frame for the process that stopped. */
static int load_regs(struct stub *s, struct gdb_regs *r)
{
	int pid = selected(s);
	int err = pid == s->pid && s->has_frame ? pl_stop_regs(s->sb, &r->gpr)
						: pl_process_regs(s->sb, pid, &r->gpr);

	r->fp_valid = !err && pl_process_fpregs(s->sb, pid, &r->fp) == 0;
	return err;
}

static int store_regs(struct stub *s, const struct gdb_regs *r)
{
	int pid = selected(s);
	int err = pid == s->pid && s->has_frame ? pl_stop_set_regs(s->sb, &r->gpr)
						: pl_process_set_regs(s->sb, pid, &r->gpr);

	if (!err && r->fp_valid)
		err = pl_process_set_fpregs(s->sb, pid, &r->fp);
	return err;
}

static int cmd_read_regs(struct stub *s)
{
	struct gdb_regs r;

	if (load_regs(s, &r))
		return reply(s, "E01");
	return gdb_regs_put_all(s->out, &r);
}

static int cmd_read_reg(struct stub *s, const char *arg)
{
	struct gdb_regs r;
	unsigned n;

	if (sscanf(arg, "%x", &n) != 1 || load_regs(s, &r))
		return reply(s, "E01");
	if (!gdb_reg_size((int)n))
		return reply(s, "E02");
	gdb_reg_put(s->out, &r, (int)n);
	return 0;
}

static int cmd_write_reg(struct stub *s, const char *arg)
{
	struct gdb_regs r;
	unsigned n;
	const char *eq = strchr(arg, '=');

	if (!eq || sscanf(arg, "%x", &n) != 1 || load_regs(s, &r) ||
	    gdb_reg_set(&r, (int)n, eq + 1) || store_regs(s, &r))
		return reply(s, "E01");
	return reply(s, "OK");
}

static int cmd_write_regs(struct stub *s, const char *hex)
{
	struct gdb_regs r;

	if (load_regs(s, &r) || gdb_regs_set_all(&r, hex) || store_regs(s, &r))
		return reply(s, "E01");
	return reply(s, "OK");
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
		return reply(s, "E01");
	if (gdb_mem_read(s->sb, selected(s), addr, buf, len))
		return reply(s, "E14");
	gdb_put_hex(s->out, buf, len);
	return 0;
}

static int cmd_write_mem(struct stub *s, const char *arg)
{
	uint8_t buf[MEM_MAX];
	uint64_t addr;
	size_t len;
	const char *colon = strchr(arg, ':');

	if (!colon || parse_addr_len(arg, &addr, &len, ':') || len > sizeof(buf) ||
	    strlen(colon + 1) != 2 * len || gdb_get_hex(colon + 1, buf, len))
		return reply(s, "E01");
	if (gdb_mem_write(s->sb, selected(s), addr, buf, len))
		return reply(s, "E14");
	return reply(s, "OK");
}

static int find_bp(struct stub *s, uint64_t addr)
{
	for (int i = 0; i < s->nbp; i++)
		if (s->bp[i].addr == addr)
			return i;
	return -1;
}

/* Z0/z0 (software breakpoints, in a program or in the kernel); other kinds are not offered. */
static int cmd_breakpoint(struct stub *s, const char *arg, bool insert)
{
	static const uint8_t int3 = INT3;
	uint64_t addr;
	size_t kind;
	int i, pid = selected(s);

	if (arg[0] != '0')
		return reply(s, "");
	if (parse_addr_len(arg + 2, &addr, &kind, '\0'))
		return reply(s, "E01");
	i = find_bp(s, addr);
	if (insert && i < 0) {
		if (s->nbp == MAX_BREAKPOINTS ||
		    gdb_mem_read(s->sb, pid, addr, &s->bp[s->nbp].orig, 1) ||
		    gdb_mem_write(s->sb, pid, addr, &int3, 1))
			return reply(s, "E0e");
		s->bp[s->nbp].pid = pid;
		s->bp[s->nbp++].addr = addr;
	} else if (!insert && i >= 0) {
		if (gdb_mem_write(s->sb, s->bp[i].pid, addr, &s->bp[i].orig, 1))
			return reply(s, "E0e");
		s->bp[i] = s->bp[--s->nbp];
	}
	return reply(s, "OK");
}

static void remove_all(struct stub *s)
{
	while (s->nbp) {
		s->nbp--;
		gdb_mem_write(s->sb, s->bp[s->nbp].pid, s->bp[s->nbp].addr, &s->bp[s->nbp].orig, 1);
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

/*
 * A debug stop: int3 at one of gdb's breakpoints resumes at the breakpoint
 * (gdbserver's decr_pc_after_break), in a program or in the kernel.
 */
static void debug_stop(struct stub *s, const struct pl_stop *st)
{
	struct pl_user_regs r;
	const char *why = "";

	s->pid = st->pid;
	s->sel = 0;
	s->has_frame = true;
	if (st->id == 3 && pl_stop_regs(s->sb, &r) == 0 && find_bp(s, r.rip - 1) >= 0) {
		r.rip--;
		if (pl_stop_set_regs(s->sb, &r) == 0)
			why = "swbreak:;", s->interrupted = false;
	}
	snprintf(s->stop_reply, sizeof(s->stop_reply), "T%02xthread:%x;%s", s->interrupted ? 2 : 5,
		 s->pid, why);
}

/*
 * A Ctrl-C paused the vCPU wherever it was. In user mode, one more
 * instruction under TF makes it a debug stop of that process, with a frame
 * whose registers gdb can change and step from. In the kernel, the process
 * the guest was running (pl_stop.pid) is shown from the frame its last
 * kernel entry saved.
 */
static bool pause_to_step(struct stub *s)
{
	struct pl_vcpu_regs v;

	if (pl_vcpu_regs(s->sb, &v) || (v.cs & 3) != 3)
		return false;
	v.rflags |= RFLAGS_TF;
	return pl_vcpu_set_regs(s->sb, &v) == 0;
}

static void paused(struct stub *s, const struct pl_stop *st)
{
	if (st->pid > 0)
		s->pid = st->pid;
	s->has_frame = false;
	s->sel = 0;
	snprintf(s->stop_reply, sizeof(s->stop_reply), "T02thread:%x;", s->pid);
}

/* Runs to the next stop gdb cares about; -1 when the step failed (one line said why). */
static int run_to_stop(struct stub *s, bool watch_gdb)
{
	struct watcher w = { .s = s };
	struct pl_stop st;
	pthread_t t;
	int err;

	atomic_init(&w.done, false);
	s->interrupted = false;
	if (watch_gdb && pthread_create(&t, NULL, watch, &w))
		watch_gdb = false;
	for (;;) {
		err = pl_sandbox_step(s->sb, &st);
		if (err || st.kind == PL_STOP_END || st.kind == PL_STOP_FAULT)
			break;
		if (st.kind == PL_STOP_PAUSE && !s->interrupted && pause_to_step(s)) {
			s->interrupted = true;
			continue;
		}
		if (st.kind == PL_STOP_PAUSE ||
		    (st.kind == PL_STOP_DEBUG && (watch_gdb || s->c->fd >= 0)))
			break;
	}
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
		paused(s, &st);
	} else {
		debug_stop(s, &st);
	}
	return 0;
}

/* TF in the frame the stopped code resumes from: the stop's, or after a pause the process's. */
static int set_step(struct stub *s, bool on)
{
	struct pl_user_regs r;
	int err = s->has_frame ? pl_stop_regs(s->sb, &r) : pl_process_regs(s->sb, s->pid, &r);

	if (err)
		return err;
	r.rflags = on ? r.rflags | RFLAGS_TF : r.rflags & ~(uint64_t)RFLAGS_TF;
	return s->has_frame ? pl_stop_set_regs(s->sb, &r) : pl_process_set_regs(s->sb, s->pid, &r);
}

static int resume(struct stub *s, bool step)
{
	if (step && set_step(s, true)) {
		cli_error("--gdb: cannot step process %d: %s", s->pid, pl_error());
		return -1;
	}
	return run_to_stop(s, true);
}

/* The guest's processes, gdb's threads: their pids, or just the stopped one before a table. */
static int threads(struct stub *s, int *pids)
{
	struct pl_process procs[MAX_THREADS];
	int n = pl_processes(s->sb, procs, MAX_THREADS);

	if (n <= 0) {
		pids[0] = s->pid;
		return 1;
	}
	n = n < MAX_THREADS ? n : MAX_THREADS;
	for (int i = 0; i < n; i++)
		pids[i] = procs[i].pid;
	return n;
}

static bool alive(struct stub *s, int pid)
{
	int pids[MAX_THREADS], n = threads(s, pids);

	for (int i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

static int thread_list(struct stub *s)
{
	int pids[MAX_THREADS], n = threads(s, pids);
	size_t at = (size_t)reply(s, "m");

	for (int i = 0; i < n && at < sizeof(s->out) - 16; i++)
		at += (size_t)snprintf(s->out + at, sizeof(s->out) - at, "%s%x", i ? "," : "",
				       pids[i]);
	return 0;
}

static int thread_name(struct stub *s, const char *arg)
{
	struct pl_process procs[MAX_THREADS];
	int n = pl_processes(s->sb, procs, MAX_THREADS);
	unsigned pid;

	if (sscanf(arg, "%x", &pid) != 1)
		return reply(s, "E01");
	for (int i = 0; i < n && i < MAX_THREADS; i++)
		if (procs[i].pid == (int)pid) {
			gdb_put_hex(s->out, procs[i].comm, strlen(procs[i].comm));
			return 0;
		}
	return reply(s, "E01");
}

/* qXfer:features:read:target.xml:OFFSET,LENGTH */
static int target_xml(struct stub *s, const char *arg)
{
	const char *xml = gdb_target_xml();
	size_t size = strlen(xml), off, len;
	uint64_t off64;

	if (strncmp(arg, "target.xml:", 11) || parse_addr_len(arg + 11, &off64, &len, '\0'))
		return reply(s, "E00");
	off = off64 < size ? (size_t)off64 : size;
	len = len < sizeof(s->out) - 2 ? len : sizeof(s->out) - 2;
	len = len < size - off ? len : size - off;
	return snprintf(s->out, sizeof(s->out), "%c%.*s", off + len < size ? 'm' : 'l', (int)len,
			xml + off);
}

static int query(struct stub *s, const char *q)
{
	if (!strncmp(q, "qSupported", 10))
		return snprintf(s->out, sizeof(s->out),
				"PacketSize=%x;swbreak+;qXfer:features:read+", GDB_PACKET_MAX);
	if (!strncmp(q, "qXfer:features:read:", 20))
		return target_xml(s, q + 20);
	if (!strcmp(q, "qAttached"))
		return reply(s, "1");
	if (!strcmp(q, "qC"))
		return snprintf(s->out, sizeof(s->out), "QC%x", s->pid);
	if (!strcmp(q, "qfThreadInfo"))
		return thread_list(s);
	if (!strcmp(q, "qsThreadInfo"))
		return reply(s, "l");
	if (!strncmp(q, "qThreadExtraInfo,", 17))
		return thread_name(s, q + 17);
	return reply(s, "");
}

/* Hg selects the thread whose registers and memory gdb reads; Hc is the stopped one's. */
static int select_thread(struct stub *s, const char *p)
{
	long pid = strtol(p + 2, NULL, 16);

	if (p[1] != 'g' || pid <= 0)
		return reply(s, "OK"); /* 0 and -1: any, the stopped one */
	if (!alive(s, (int)pid))
		return reply(s, "E01");
	s->sel = pid == s->pid ? 0 : (int)pid;
	return reply(s, "OK");
}

enum { GO_ON, RESUME, STEP, DETACH, KILL };

/* One packet: the reply in s->out, and what to do next. */
static int dispatch(struct stub *s, const char *p)
{
	s->out[0] = '\0';
	switch (p[0]) {
	case '?':
		reply(s, s->stop_reply);
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
		select_thread(s, p);
		break;
	case 'T':
		reply(s, alive(s, (int)strtol(p + 1, NULL, 16)) ? "OK" : "E01");
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
		reply(s, "OK");
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
	remove_all(s);
	set_step(s, false);
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
