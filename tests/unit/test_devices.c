// SPDX-License-Identifier: MIT
/* The bus, the UART, the exit port and the ROM, driven as KVM exits drive them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_sandbox.h"

#define MEM (16ULL << 20)

static uint8_t inb(struct fake *f, uint16_t port)
{
	uint8_t v = 0xee;

	assert_int_equal(pl_pio_dispatch(&f->sb, port, &v, 1, false), 0);
	return v;
}

static void outb(struct fake *f, uint16_t port, uint8_t v)
{
	assert_int_equal(pl_pio_dispatch(&f->sb, port, &v, 1, true), 0);
}

static void test_uart_output_per_line(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	const char *msg = "early boot\npartial";

	(void)state;
	assert_int_equal(inb(f, PL_PORT_UART0 + 5) & 0x60, 0x60); /* THR empty, idle */
	for (const char *p = msg; *p; p++)
		outb(f, PL_PORT_UART0, (uint8_t)*p);
	/* One emit for the whole line; the rest waits for its newline. */
	assert_string_equal(f->out.buf[PL_STREAM_CONSOLE], "early boot\n");
	assert_int_equal(f->out.calls, 1);
	pl_console_flush(&f->sb.con);
	assert_string_equal(f->out.buf[PL_STREAM_CONSOLE], "early boot\npartial");
	assert_true(fake_counter(f, "uart", "bytes") == strlen(msg));
	fake_free(f);
}

/* A hypercall write flushes pending UART bytes first: order is kept. */
static void test_uart_then_hypercall_order(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	outb(f, PL_PORT_UART0, 'a');
	pl_console_write(&f->sb.con, PL_STREAM_CONSOLE, "b\n", 2);
	assert_string_equal(f->out.buf[PL_STREAM_CONSOLE], "ab\n");
	fake_free(f);
}

static void test_uart_registers(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	outb(f, PL_PORT_UART0 + 7, 0x5a); /* scratch */
	assert_int_equal(inb(f, PL_PORT_UART0 + 7), 0x5a);
	outb(f, PL_PORT_UART0 + 3, 0x80); /* DLAB: divisor latch */
	outb(f, PL_PORT_UART0 + 0, 0x01);
	outb(f, PL_PORT_UART0 + 1, 0x00);
	assert_int_equal(inb(f, PL_PORT_UART0 + 0), 0x01);
	outb(f, PL_PORT_UART0 + 3, 0x03); /* 8N1, DLAB off */
	assert_int_equal(inb(f, PL_PORT_UART0 + 3), 0x03);
	assert_int_equal(f->out.calls, 0); /* the divisor write was not output */
	assert_int_equal(inb(f, PL_PORT_UART0 + 2) & 0x01, 0x01); /* no interrupt pending */
	outb(f, PL_PORT_UART0 + 2, 0x07);			  /* FIFO on */
	assert_int_equal(inb(f, PL_PORT_UART0 + 2), 0xc1);
	assert_int_equal(inb(f, PL_PORT_UART0 + 5) & 0x01, 0); /* nothing received */
	/* Loopback, as Linux's 8250 probe does it: the byte comes back. */
	outb(f, PL_PORT_UART0 + 4, 0x10 | 0x0a);		  /* LOOP, RTS, OUT2 */
	assert_int_equal(inb(f, PL_PORT_UART0 + 6) & 0xf0, 0x90); /* CTS, DCD */
	outb(f, PL_PORT_UART0, 'x');
	assert_int_equal(inb(f, PL_PORT_UART0 + 5) & 0x01, 0x01);
	assert_int_equal(inb(f, PL_PORT_UART0), 'x');
	assert_int_equal(inb(f, PL_PORT_UART0 + 5) & 0x01, 0);
	assert_int_equal(f->out.calls, 0);
	fake_free(f);
}

static void test_uart_wide_access(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	uint16_t v = 0x4141;

	(void)state;
	assert_int_equal(pl_pio_dispatch(&f->sb, PL_PORT_UART0, &v, 2, true), -1);
	assert_int_equal(f->sb.res.end, PL_END_BAD_GUEST);
	fake_free(f);
}

static void test_exit_port(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	uint32_t status = 42;

	(void)state;
	assert_int_equal(pl_pio_dispatch(&f->sb, PL_PORT_EXIT, &status, 4, true), -1);
	assert_int_equal(f->sb.res.end, PL_END_EXIT);
	assert_int_equal(f->sb.res.exit_status, 42);
	fake_free(f);

	f = fake_new(MEM, -1);
	status = 256;
	assert_int_equal(pl_pio_dispatch(&f->sb, PL_PORT_EXIT, &status, 4, true), -1);
	assert_int_equal(f->sb.res.end, PL_END_BAD_GUEST);
	assert_non_null(strstr(f->sb.what, "256"));
	fake_free(f);

	f = fake_new(MEM, -1);
	assert_int_equal(pl_pio_dispatch(&f->sb, PL_PORT_EXIT, &status, 1, true), -1);
	assert_int_equal(f->sb.res.end, PL_END_BAD_GUEST);
	fake_free(f);
}

static void test_unassigned(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	uint32_t v = 0;

	(void)state;
	assert_int_equal(pl_pio_dispatch(&f->sb, 0x80, &v, 1, true), -1);
	assert_int_equal(f->sb.res.end, PL_END_BAD_GUEST);
	assert_non_null(strstr(f->sb.what, "port 0x80"));
	fake_free(f);

	f = fake_new(MEM, -1);
	assert_int_equal(pl_mmio_dispatch(&f->sb, PL_MMIO_BASE + 0x100010, &v, 4, false), -1);
	assert_int_equal(f->sb.res.end, PL_END_BAD_GUEST);
	assert_non_null(strstr(f->sb.what, "MMIO address 0xd0100010"));
	fake_free(f);

	/* A 4-byte access that starts inside the exit port's window but leaves it. */
	f = fake_new(MEM, -1);
	assert_int_equal(pl_pio_dispatch(&f->sb, PL_PORT_EXIT + 2, &v, 4, true), -1);
	assert_int_equal(f->sb.res.end, PL_END_BAD_GUEST);
	fake_free(f);
}

static void test_rom_writes_ignored(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	uint64_t v = 0x1122334455667788ULL;
	char ident[32];

	(void)state;
	memcpy(pl_guestmem_slot(&f->sb.mem, PL_ROM_BASE)->hva, "pagelab ROM", 12);
	assert_int_equal(pl_mmio_dispatch(&f->sb, PL_ROM_BASE, &v, 8, true), 0);
	assert_false(f->sb.ended);
	assert_true(fake_counter(f, "rom", "ignored-writes") == 1);
	assert_true(fake_counter(f, "rom", "writes") == 1);
	assert_int_equal(pl_gpa_read(&f->sb, PL_ROM_BASE, ident, 12), 0);
	assert_string_equal(ident, "pagelab ROM");
	/* Reads through the bus (no read-only slots) see the content. */
	assert_int_equal(pl_mmio_dispatch(&f->sb, PL_ROM_BASE, &v, 4, false), 0);
	assert_memory_equal(&v, "page", 4);
	fake_free(f);
}

static struct pl_device dev_a = { .name = "a" }, dev_f = { .name = "f" };

static void test_bus_register(void **state)
{
	struct pl_bus bus = { .space = "port" };
	const struct pl_bus_window *clash;

	(void)state;
	assert_int_equal(pl_bus_register(&bus, 0x100, 8, &dev_a, 0, &clash), 0);
	assert_int_equal(pl_bus_register(&bus, 0x104, 8, &dev_f, 0, &clash), -EINVAL);
	assert_ptr_equal(clash->dev, &dev_a);
	assert_int_equal(pl_bus_register(&bus, 0xf8, 9, &dev_f, 0, &clash), -EINVAL);
	assert_ptr_equal(clash->dev, &dev_a);
	assert_int_equal(pl_bus_register(&bus, 0x108, 0, &dev_f, 0, &clash), -EINVAL);
	assert_null(clash);
	assert_int_equal(pl_bus_register(&bus, UINT64_MAX - 3, 8, &dev_f, 0, &clash), -EINVAL);
	assert_null(clash);
	assert_int_equal(pl_bus_register(&bus, 0x108, 8, &dev_f, 1, NULL), 0);
	assert_string_equal(pl_bus_find(&bus, 0x107, 1)->dev->name, "a");
	assert_string_equal(pl_bus_find(&bus, 0x108, 8)->dev->name, "f");
	assert_int_equal(pl_bus_find(&bus, 0x108, 8)->index, 1);
	assert_null(pl_bus_find(&bus, 0x107, 2)); /* straddles two windows */
	assert_null(pl_bus_find(&bus, 0x10f, 2));
	assert_null(pl_bus_find(&bus, 0x110, 1));
	for (int i = 2; i < PL_BUS_MAX; i++)
		assert_int_equal(pl_bus_register(&bus, 0x1000 + i * 16, 16, &dev_f, 0, NULL), 0);
	assert_int_equal(pl_bus_register(&bus, 0x9000, 1, &dev_f, 0, NULL), -ENOSPC);
	pl_bus_unregister(&bus, &dev_f);
	assert_int_equal(bus.n, 1);
	assert_int_equal(pl_bus_register(&bus, 0x104, 4, &dev_f, 0, NULL), -EINVAL);
	assert_int_equal(pl_bus_register(&bus, 0x108, 4, &dev_f, 0, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uart_output_per_line),
		cmocka_unit_test(test_uart_then_hypercall_order),
		cmocka_unit_test(test_uart_registers),
		cmocka_unit_test(test_uart_wide_access),
		cmocka_unit_test(test_exit_port),
		cmocka_unit_test(test_unassigned),
		cmocka_unit_test(test_rom_writes_ignored),
		cmocka_unit_test(test_bus_register),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
