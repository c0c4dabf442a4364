/* SPDX-License-Identifier: MIT */
/* The device models' bus handlers. */
#ifndef PL_HOSTLIB_DEVICES_H
#define PL_HOSTLIB_DEVICES_H

#include "sandbox.h"

int pl_uart_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write);
int pl_hcall_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write);
int pl_exit_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write);
int pl_rom_io(void *opaque, uint64_t offset, void *data, unsigned len, bool write);

#endif
