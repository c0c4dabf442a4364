// SPDX-License-Identifier: MIT
/*
 * A 16550A at 0x3F8, enough for early boot and the seeds' examples: the
 * transmitter is always empty (output leaves at once), nothing is ever
 * received except in loopback mode, and no interrupts are raised.
 */
#include <libfdt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "devices.h"
#include "error.h"

struct pl_uart {
	struct pl_device dev;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	uint8_t rbr; /* loopback: the byte last sent */
	bool data_ready;
	fdt32_t clock, speed;
};

enum {
	UART_THR = 0, /* write; RBR on read; DLL with LCR.DLAB */
	UART_IER = 1, /* DLM with LCR.DLAB */
	UART_IIR = 2, /* read; FCR on write */
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_MSR = 6,
	UART_SCR = 7,
};

#define LCR_DLAB 0x80
#define MCR_LOOP 0x10
#define LSR_DR	 0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40
#define IIR_NONE 0x01
#define IIR_FIFO 0xc0

/* Loopback wires DTR->DSR, RTS->CTS, OUT1->RI, OUT2->DCD. */
static uint8_t modem_status(const struct pl_uart *u)
{
	uint8_t m = u->mcr;

	if (!(m & MCR_LOOP))
		return 0xb0; /* DCD, DSR, CTS: a terminal is there */
	return ((m & 0x01) << 5) | ((m & 0x02) << 3) | ((m & 0x04) << 4) | ((m & 0x08) << 4);
}

static uint8_t uart_read(struct pl_uart *u, uint64_t reg)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab)
			return u->dll;
		u->data_ready = false;
		return u->rbr;
	case UART_IER:
		return dlab ? u->dlm : u->ier;
	case UART_IIR:
		return IIR_NONE | ((u->fcr & 1) ? IIR_FIFO : 0);
	case UART_LCR:
		return u->lcr;
	case UART_MCR:
		return u->mcr;
	case UART_LSR:
		return LSR_THRE | LSR_TEMT | (u->data_ready ? LSR_DR : 0);
	case UART_MSR:
		return modem_status(u);
	default:
		return u->scr;
	}
}

static void uart_write(struct pl_uart *u, uint64_t reg, uint8_t v)
{
	bool dlab = u->lcr & LCR_DLAB;

	switch (reg) {
	case UART_THR:
		if (dlab) {
			u->dll = v;
		} else if (u->mcr & MCR_LOOP) {
			u->rbr = v;
			u->data_ready = true;
		} else {
			u->dev.counter[0]++;
			pl_console_putc(&u->dev.sandbox->con, (char)v);
		}
		break;
	case UART_IER:
		if (dlab)
			u->dlm = v;
		else
			u->ier = v & 0x0f;
		break;
	case UART_IIR:
		u->fcr = v;
		break;
	case UART_LCR:
		u->lcr = v;
		break;
	case UART_MCR:
		u->mcr = v & 0x1f;
		break;
	case UART_SCR:
		u->scr = v;
		break;
	default: /* LSR and MSR are read-only */
		break;
	}
}

static int bad_width(struct pl_device *dev, uint64_t offset, unsigned len, bool write)
{
	pl_sandbox_end(dev->sandbox, PL_END_BAD_GUEST, 0, "%u-byte %s of UART register %u (0x%llx)",
		       len, write ? "write" : "read", (unsigned)offset,
		       (unsigned long long)(PL_PORT_UART0 + offset));
	return -1;
}

static int uart_io_read(struct pl_device *dev, unsigned window, uint64_t offset, void *data,
			unsigned len)
{
	(void)window;
	if (len != 1)
		return bad_width(dev, offset, len, false);
	*(uint8_t *)data = uart_read(dev->opaque, offset);
	return 1;
}

static int uart_io_write(struct pl_device *dev, unsigned window, uint64_t offset, const void *data,
			 unsigned len)
{
	(void)window;
	if (len != 1)
		return bad_width(dev, offset, len, true);
	uart_write(dev->opaque, offset, *(const uint8_t *)data);
	return 1;
}

static void uart_reset(struct pl_device *dev)
{
	struct pl_uart *u = dev->opaque;

	memset(&u->ier, 0, offsetof(struct pl_uart, clock) - offsetof(struct pl_uart, ier));
}

static void uart_destroy(struct pl_device *dev)
{
	free(dev->opaque);
}

int pl_uart_add(struct pl_sandbox *sb)
{
	struct pl_uart *u = calloc(1, sizeof(*u));

	if (!u) {
		pl_set_error(PL_ERR_HOST, "out of memory");
		return -1;
	}
	u->clock = cpu_to_fdt32(1843200);
	u->speed = cpu_to_fdt32(115200);
	u->dev = (struct pl_device){
		.name = "uart",
		.compatible = "ns16550a",
		.window = { { PL_SPACE_PIO, PL_PORT_UART0, 8 } },
		.nwindows = 1,
		.prop = { { "clock-frequency", &u->clock, sizeof(u->clock) },
			  { "current-speed", &u->speed, sizeof(u->speed) } },
		.nprops = 2,
		.read = uart_io_read,
		.write = uart_io_write,
		.reset = uart_reset,
		.destroy = uart_destroy,
		.opaque = u,
		.counter_name = { "bytes" },
	};
	if (pl_device_register(sb, &u->dev, true)) {
		free(u);
		return -1;
	}
	return 0;
}
