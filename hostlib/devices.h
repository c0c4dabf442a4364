/* SPDX-License-Identifier: MIT */
/* The device models' bus handlers. */
#ifndef PL_HOSTLIB_DEVICES_H
#define PL_HOSTLIB_DEVICES_H

#include "sandbox.h"

int pl_uart_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write);
int pl_hcall_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write);
int pl_exit_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write);
int pl_rom_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write);
/*
 * The protocol of the exit and hypercall ports: one 32-bit out to the port
 * itself. 0 with the value written, or -1 with the run ended for anything
 * else (a read, another width, an offset into the port).
 */
int pl_port_out32(struct pl_sandbox *sb, const char *what, uint16_t port, uint64_t offset,
		  const void *data, unsigned len, bool write, uint32_t *value);

#endif
