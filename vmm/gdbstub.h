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

/* Serves gdb until the program ends; returns pagelab run's exit status. */
int gdb_serve(struct gdb_conn *c, struct pl_sandbox *sb, struct pl_result *res);

#endif
