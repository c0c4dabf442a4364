// SPDX-License-Identifier: MIT
/*
 * The hypercall port and the console on top of it: one `out` per call,
 * carrying the guest-physical address of a struct pl_hcall (abi.h).
 */
#include <kernel/arch.h>
#include <kernel/boot.h>
#include <kernel/console.h>
#include <kernel/format.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <kernel/timer.h>

#define LOG_SIZE    4096
#define BOUNCE_SIZE 65536

bool kernel_verbose;

/* In the kernel image: physically contiguous and below 4 GiB, as the port needs. */
static struct pl_hcall hcall_block;
static char log_buf[LOG_SIZE];
static size_t log_len;
static int log_stream = PL_STREAM_CONSOLE; /* of what log_buf holds */
static char bounce[BOUNCE_SIZE];

long hypercall(u32 nr, u64 a0, u64 a1, u64 a2, u64 a3)
{
	if (boot_info.hcall_serial)
		return serial_hypercall(nr, a0, a1, a2, a3);
	hcall_block.nr = nr;
	hcall_block.arg[0] = a0;
	hcall_block.arg[1] = a1;
	hcall_block.arg[2] = a2;
	hcall_block.arg[3] = a3;
	hcall_block.ret = -PL_E_NOSYS;
	/*
	 * The exit: an out in a virtual machine stops the vCPU, and KVM hands
	 * the port and the value to the VMM (KVM_EXIT_IO). When the VMM runs
	 * the vCPU again the out has completed and ret holds its answer.
	 */
	outl(PL_PORT_HYPERCALL, (u32)kernel_virt_to_phys(&hcall_block));
	return hcall_block.ret;
}

void console_flush(void)
{
	if (!log_len)
		return;
	hypercall(PL_HC_WRITE, log_stream, kernel_virt_to_phys(log_buf), log_len, 0);
	log_len = 0;
}

static void log_append(int stream, const char *s, size_t n)
{
	if (stream != log_stream) {
		console_flush();
		log_stream = stream;
	}
	while (n) {
		size_t chunk = MIN(n, LOG_SIZE - log_len);

		memcpy(log_buf + log_len, s, chunk);
		log_len += chunk;
		s += chunk;
		n -= chunk;
		if (log_len == LOG_SIZE)
			console_flush();
	}
}

void printk(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_append(PL_STREAM_CONSOLE, line, MIN((size_t)n, sizeof(line) - 1));
}

/*
 * Trace lines have a stream of their own (the host may write them to a
 * file), in order with everything else, but batched.
 */
void console_trace(const char *line, size_t len)
{
	log_append(PL_STREAM_TRACE, line, len);
}

/* Kernel messages first, so the host sees everything in the order it happened. */
long console_write(int stream, const void *buf, size_t len)
{
	size_t done = 0;

	if (stream == PL_STREAM_CONSOLE) {
		log_append(PL_STREAM_CONSOLE, buf, len);
		return len;
	}
	console_flush();
	while (done < len) {
		size_t chunk = MIN(len - done, (size_t)BOUNCE_SIZE);
		long r;

		memcpy(bounce, (const char *)buf + done, chunk);
		r = hypercall(PL_HC_WRITE, stream, kernel_virt_to_phys(bounce), chunk, 0);
		if (r < 0)
			return done ? (long)done : r;
		done += chunk;
	}
	return done;
}

long console_read(void *buf, size_t len)
{
	long r;

	console_flush();
	len = MIN(len, (size_t)BOUNCE_SIZE);
	r = hypercall(PL_HC_READ, PL_STREAM_STDIN, kernel_virt_to_phys(bounce), len, 0);
	if (r > 0)
		memcpy(buf, bounce, MIN((size_t)r, len));
	return r;
}

/* A host without PL_HC_POLL (or QEMU's TCG path) says -NOSYS: ready, as a read waits there. */
bool console_input_ready(void)
{
	return hypercall(PL_HC_POLL, PL_STREAM_STDIN, 0, 0, 0) != 0;
}

__noreturn void kernel_exit(int status)
{
	console_flush();
	/* Reported at the end, so that booting costs no exit for them. */
	hypercall(PL_HC_EVENT, PL_EVENT_EXEC_MODE, arch_mode, PL_EVENT_BOOT_NS,
		  timer_boot_ns(kmain_tsc));
	hypercall(PL_HC_EVENT, PL_EVENT_TRAPS, arch_trap_count, 0, 0);
	if (boot_info.hcall_serial)
		serial_exit(status);
	outl(PL_PORT_EXIT, (u32)status);
	arch_halt();
}
