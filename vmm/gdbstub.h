/* SPDX-License-Identifier: MIT */
/*
 * pagelab run --gdb PORT: a GDB remote serial protocol server for the
 * guest program (gdbstub.c: the commands; gdbstub_io.c: the socket and
 * the packets). It drives the sandbox with pl_sandbox_step, from the stop
 * before the program's first instruction (kernel option "gdb") to its end.
 */
#ifndef PL_VMM_GDBSTUB_H
#define PL_VMM_GDBSTUB_H

#include <stddef.h>
#include <stdint.h>

#include <pagelab/hostlib.h>
#include <pagelab/inspect.h>

#define GDB_PACKET_MAX 4096
#define GDB_CTRL_C     (-3)

struct gdb_conn {
	int listen_fd, fd;
	char in[GDB_PACKET_MAX + 1]; /* the packet being read, NUL-terminated */
	uint8_t buf[512];	     /* bytes read from the socket, not yet used */
	size_t buf_len, buf_pos;
};

/* Listens on 127.0.0.1:port (0: any free port); says where on stderr. -1 after one line. */
int gdb_listen(struct gdb_conn *c, int port);
/* Waits for gdb to connect. -1 after one line. */
int gdb_accept(struct gdb_conn *c);
void gdb_close(struct gdb_conn *c);
/* The next packet's payload into c->in (acks sent): its length, GDB_CTRL_C, or -1 on EOF. */
int gdb_recv(struct gdb_conn *c);
/* Sends one packet; -1 when gdb is gone. */
int gdb_send(struct gdb_conn *c, const char *payload);
/* 1 when a Ctrl-C (0x03) arrived or gdb left, while the guest ran; consumes one byte. */
int gdb_poll_interrupt(struct gdb_conn *c, int timeout_ms);

/* gdbstub_regs.c: the registers in the order of the target description. */
#define GDB_REG_RIP    16
#define GDB_REG_EFLAGS 17
#define GDB_REG_MXCSR  56

struct gdb_regs {
	struct pl_user_regs gpr;
	struct pl_user_fpregs fp;
	bool fp_valid; /* false where the guest does not publish them at this stop */
};

/* The XML gdb asks for with qXfer:features:read:target.xml. */
const char *gdb_target_xml(void);
/* Register n's size in bytes; 0 for no such register. */
int gdb_reg_size(int n);
/* Register n as hex at p (NUL-terminated); returns the end. */
char *gdb_reg_put(char *p, struct gdb_regs *r, int n);
/* Register n from hex; -1 when it is malformed or cannot be written here. */
int gdb_reg_set(struct gdb_regs *r, int n, const char *hex);
int gdb_regs_put_all(char *p, struct gdb_regs *r);
int gdb_regs_set_all(struct gdb_regs *r, const char *hex);
char *gdb_put_hex(char *p, const void *data, size_t len);
int gdb_get_hex(const char *s, void *data, size_t len);

/* gdbstub_mem.c: memory by virtual address (a user one in process pid). 0 or -errno. */
int gdb_mem_read(struct pl_sandbox *sb, int pid, uint64_t addr, void *buf, size_t len);
int gdb_mem_write(struct pl_sandbox *sb, int pid, uint64_t addr, const void *buf, size_t len);

/* Serves gdb until the program ends; returns pagelab run's exit status. */
int gdb_serve(struct gdb_conn *c, struct pl_sandbox *sb, struct pl_result *res);

#endif
