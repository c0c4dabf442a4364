// SPDX-License-Identifier: MIT
/*
 * Hypercalls without pagelab's VMM: under QEMU there is no hypercall port,
 * so the same requests travel as frames over COM2 (include/pagelab/
 * serial_abi.h) to the runner that started QEMU, which answers each one
 * before the kernel goes on: the same order and the same results as the
 * port's. The device tree says which transport a boot has (bootinfo.c);
 * console.c's hypercall() and kernel_exit() are the only callers.
 *
 * Polled, one byte per port access: the caller of a hypercall waits for
 * its answer anyway. A frame takes many instructions where the port took
 * one, but nothing can cut in: the kernel runs with interrupts off except
 * in the idle loop, which makes no hypercalls.
 */
#include <kernel/arch.h>
#include <kernel/console.h>
#include <kernel/mm.h>
#include <kernel/string.h>
#include <pagelab/serial_abi.h>

#define UART_RBR   0
#define UART_THR   0
#define UART_IER   1
#define UART_FCR   2
#define UART_LCR   3
#define UART_MCR   4
#define UART_LSR   5
#define UART_DLL   0
#define UART_DLM   1
#define LSR_DR	   0x01
#define LSR_THRE   0x20
#define FIFO_DEPTH 16

static bool uart_ready;

static void uart_init(void)
{
	outb(PL_PORT_COM2 + UART_IER, 0);
	outb(PL_PORT_COM2 + UART_LCR, 0x80); /* divisor latch */
	outb(PL_PORT_COM2 + UART_DLL, 1);
	outb(PL_PORT_COM2 + UART_DLM, 0);
	outb(PL_PORT_COM2 + UART_LCR, 0x03); /* 8N1 */
	outb(PL_PORT_COM2 + UART_FCR, 0xc7); /* FIFOs on and cleared, trigger at 14 */
	outb(PL_PORT_COM2 + UART_MCR, 0x03);
	uart_ready = true;
}

/* A transmitter with an empty FIFO takes FIFO_DEPTH bytes without another look. */
static void uart_send(const void *buf, size_t len)
{
	const u8 *p = buf;

	while (len) {
		size_t n = MIN(len, (size_t)FIFO_DEPTH);

		while (!(inb(PL_PORT_COM2 + UART_LSR) & LSR_THRE))
			cpu_relax();
		for (size_t i = 0; i < n; i++)
			outb(PL_PORT_COM2 + UART_THR, p[i]);
		p += n;
		len -= n;
	}
}

static void uart_recv(void *buf, size_t len)
{
	u8 *p = buf;

	for (size_t i = 0; i < len; i++) {
		while (!(inb(PL_PORT_COM2 + UART_LSR) & LSR_DR))
			cpu_relax();
		p[i] = inb(PL_PORT_COM2 + UART_RBR);
	}
}

/* The hypercall buffers are the kernel image's, mapped at PL_KERNEL_VBASE from boot on. */
static void *hcall_buffer(u64 pa, u64 len)
{
	if (pa >= PL_BOOT_MAP_SIZE || len > PL_BOOT_MAP_SIZE - pa)
		return NULL;
	return (void *)(PL_KERNEL_VBASE + pa);
}

/* What a request carries to the host after its header. */
static u32 payload(u32 nr, const u64 *arg, const void **data)
{
	u64 len = 0;

	switch (nr) {
	case PL_HC_WRITE:
		*data = hcall_buffer(arg[1], arg[2]);
		len = arg[2];
		break;
	case PL_HC_STOP:
		*data = hcall_buffer(arg[0], sizeof(struct pl_stop_block));
		len = sizeof(struct pl_stop_block);
		break;
	case PL_HC_PANIC:
	case PL_HC_DEADLOCK:
		*data = hcall_buffer(arg[0], sizeof(struct pl_panic_report));
		len = sizeof(struct pl_panic_report);
		break;
	default:
		*data = NULL;
	}
	return *data && len <= PL_HC_MAX_LEN ? (u32)len : 0;
}

/*
 * The reply's data: a PL_HC_READ's ret bytes. The runner never sends more
 * than were asked for; a reply that claims more is cut to that, and the
 * call fails.
 */
static long receive_data(u32 nr, const u64 *arg, long ret)
{
	u8 *dst;

	if (nr != PL_HC_READ || ret <= 0)
		return ret;
	dst = hcall_buffer(arg[1], arg[2]);
	if (!dst || (u64)ret > arg[2])
		return -PL_E_FAULT;
	uart_recv(dst, (size_t)ret);
	return ret;
}

long serial_hypercall(u32 nr, u64 a0, u64 a1, u64 a2, u64 a3)
{
	struct pl_serial_call call = { .magic = PL_SERIAL_CALL_MAGIC,
				       .nr = nr,
				       .arg = { a0, a1, a2, a3 } };
	struct pl_serial_reply reply;
	const void *data;

	if (!uart_ready)
		uart_init();
	call.len = payload(nr, call.arg, &data);
	uart_send(&call, sizeof(call));
	uart_send(data, call.len);
	uart_recv(&reply, sizeof(reply));
	if (reply.magic != PL_SERIAL_REPLY_MAGIC)
		return -PL_E_FAULT;
	return receive_data(nr, call.arg, reply.ret);
}

/*
 * The status goes in a frame (isa-debug-exit keeps 8 bits, shifted); the
 * runner has it before QEMU stops at the exit port.
 */
__noreturn void serial_exit(int status)
{
	serial_hypercall(PL_SERIAL_EXIT, (u32)status, 0, 0, 0);
	outl(PL_PORT_EXIT, (u32)status);
	arch_halt();
}
