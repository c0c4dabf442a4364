/* SPDX-License-Identifier: MIT */
/*
 * Output to the host. Each hypercall is one exit (~66 us on kvm_pvm), so
 * kernel messages are buffered and leave in one exit when the buffer
 * fills, before program output, or when the run ends.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <kernel/types.h>
#include <pagelab/abi.h>

long hypercall(u32 nr, u64 a0, u64 a1, u64 a2, u64 a3);
/* The same calls framed over COM2, when the device tree says so (hcall_serial.c). */
long serial_hypercall(u32 nr, u64 a0, u64 a1, u64 a2, u64 a3);
__noreturn void serial_exit(int status);

void printk(const char *fmt, ...) __printf(1, 2);
void console_flush(void);
void console_trace(const char *line, size_t len);
/* Write kernel memory to a host stream (PL_STREAM_*); returns bytes or -errno. */
long console_write(int stream, const void *buf, size_t len);
/* Read up to len bytes of the host's stdin into kernel memory. */
long console_read(void *buf, size_t len);
/* Would console_read return without waiting (input, its end, or none at all)? One exit. */
bool console_input_ready(void);
/*
 * Processes polling the console's input (fs/devices.c) are woken at every
 * tick to ask the host again; while there are any, the machine is not
 * deadlocked.
 */
void console_tick(void);
bool console_has_pollers(void);

extern bool kernel_verbose;
#define pr_verbose(...)                      \
	do {                                 \
		if (kernel_verbose)          \
			printk(__VA_ARGS__); \
	} while (0)

__noreturn void kernel_exit(int status);
/* The TSC when kmain began (main.c). */
extern u64 kmain_tsc;

#endif
