// SPDX-License-Identifier: MIT
/*
 * The hypercall handler against crafted blocks in real (KVM-less) guest
 * memory: good calls do what the ABI says, bad addresses and lengths are
 * refused with the ABI's errors or end the run, and nothing crashes.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_sandbox.h"

#define M     (1ULL << 20)
#define BLOCK 0x300000ULL /* where the tests put their struct pl_hcall */
#define BUF   0x310000ULL
#define MEM   (16 * M)

static struct pl_hcall *block(struct fake *f, uint32_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct pl_hcall *hc = fake_ptr(f, BLOCK, sizeof(*hc));

	*hc = (struct pl_hcall){ .nr = nr, .arg = { a0, a1, a2, 0 }, .ret = 0x5555 };
	return hc;
}

/* Issues the call as the guest does: a 32-bit out of the block's address. */
static int64_t call(struct fake *f)
{
	uint32_t gpa = BLOCK;

	assert_int_equal(pl_pio_dispatch(&f->sb, PL_PORT_HYPERCALL, &gpa, 4, true), 0);
	assert_false(f->sb.ended);
	return ((struct pl_hcall *)fake_ptr(f, BLOCK, sizeof(struct pl_hcall)))->ret;
}

static void test_write_streams(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	memcpy(fake_ptr(f, BUF, 16), "hello, world\n", 13);
	block(f, PL_HC_WRITE, PL_STREAM_STDOUT, BUF, 13);
	assert_int_equal(call(f), 13);
	block(f, PL_HC_WRITE, PL_STREAM_STDERR, BUF, 5);
	assert_int_equal(call(f), 5);
	block(f, PL_HC_WRITE, PL_STREAM_CONSOLE, BUF + 7, 6);
	assert_int_equal(call(f), 6);
	block(f, PL_HC_WRITE, PL_STREAM_STDOUT, BUF, 0);
	assert_int_equal(call(f), 0);
	assert_string_equal(f->out.buf[PL_STREAM_STDOUT], "hello, world\n");
	assert_string_equal(f->out.buf[PL_STREAM_STDERR], "hello");
	assert_string_equal(f->out.buf[PL_STREAM_CONSOLE], "world\n");
	assert_true(fake_counter(f, "hypercall", "write") == 4);
	assert_true(fake_counter(f, "console", "stdout-bytes") > 0);
	fake_free(f);
}

static void test_write_refused(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	block(f, PL_HC_WRITE, PL_STREAM_STDOUT, MEM - 4, 8); /* runs off the end of RAM */
	assert_int_equal(call(f), -PL_E_FAULT);
	block(f, PL_HC_WRITE, PL_STREAM_STDOUT, 0xfffffffffffffff0ULL, 0x20); /* wraps */
	assert_int_equal(call(f), -PL_E_FAULT);
	block(f, PL_HC_WRITE, PL_STREAM_STDOUT, 0x9fff0, 0x20); /* low RAM into VGA */
	assert_int_equal(call(f), -PL_E_FAULT);
	block(f, PL_HC_WRITE, PL_STREAM_STDOUT, 0xc0000, 1); /* a hole */
	assert_int_equal(call(f), -PL_E_FAULT);
	block(f, PL_HC_WRITE, PL_STREAM_STDOUT, PL_MMIO_BASE, 1);
	assert_int_equal(call(f), -PL_E_FAULT);
	block(f, PL_HC_WRITE, PL_STREAM_STDOUT, BUF, PL_HC_MAX_LEN + 1);
	assert_int_equal(call(f), -PL_E_INVAL);
	block(f, PL_HC_WRITE, PL_STREAM_STDOUT, BUF, UINT64_MAX);
	assert_int_equal(call(f), -PL_E_INVAL);
	block(f, PL_HC_WRITE, PL_STREAM_STDIN, BUF, 1);
	assert_int_equal(call(f), -PL_E_INVAL);
	block(f, PL_HC_WRITE, PL_STREAM_TRACE + 1, BUF, 1);
	assert_int_equal(call(f), -PL_E_INVAL);
	block(f, PL_HC_WRITE, 1ULL << 32 | PL_STREAM_STDOUT, BUF, 1);
	assert_int_equal(call(f), -PL_E_INVAL);
	assert_int_equal(f->out.calls, 0);
	fake_free(f);
}

static void test_write_max_len(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	block(f, PL_HC_WRITE, PL_STREAM_STDERR, BUF, PL_HC_MAX_LEN);
	assert_int_equal(call(f), PL_HC_MAX_LEN);
	fake_free(f);
}

static void test_read(void **state)
{
	int fds[2];
	struct fake *f;
	char *buf;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	f = fake_new(MEM, fds[0]);
	assert_int_equal(write(fds[1], "input line\n", 11), 11);
	buf = fake_ptr(f, BUF, 64);
	block(f, PL_HC_READ, PL_STREAM_STDIN, BUF, 64);
	assert_int_equal(call(f), 11);
	assert_memory_equal(buf, "input line\n", 11);
	/* Refused before anything is read. */
	block(f, PL_HC_READ, PL_STREAM_STDIN, PL_ROM_BASE, 16);
	assert_int_equal(call(f), -PL_E_FAULT);
	block(f, PL_HC_READ, PL_STREAM_STDIN, MEM - 8, 16);
	assert_int_equal(call(f), -PL_E_FAULT);
	block(f, PL_HC_READ, PL_STREAM_STDOUT, BUF, 16);
	assert_int_equal(call(f), -PL_E_INVAL);
	block(f, PL_HC_READ, PL_STREAM_STDIN, BUF, PL_HC_MAX_LEN + 1);
	assert_int_equal(call(f), -PL_E_INVAL);
	close(fds[1]);
	block(f, PL_HC_READ, PL_STREAM_STDIN, BUF, 64);
	assert_int_equal(call(f), 0); /* end of input */
	close(fds[0]);
	fake_free(f);
}

static void test_read_without_stdin(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	block(f, PL_HC_READ, PL_STREAM_STDIN, BUF, 64);
	assert_int_equal(call(f), 0);
	fake_free(f);
}

static void test_events(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	for (uint64_t i = 0; i < 100; i++) {
		block(f, PL_HC_EVENT, i % 3, i * 1000, 0);
		assert_int_equal(call(f), 0);
	}
	assert_int_equal(f->sb.res.nevents, 100);
	assert_true(f->sb.events[0].kind == 0 && f->sb.events[0].value == 0);
	assert_true(f->sb.events[99].kind == 0 && f->sb.events[99].value == 99000);
	assert_true(f->sb.events[50].kind == 2);
	fake_free(f);
}

static void test_unknown_number(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	block(f, 0, 0, 0, 0);
	assert_int_equal(call(f), -PL_E_NOSYS);
	block(f, 99, 0, 0, 0);
	assert_int_equal(call(f), -PL_E_NOSYS);
	block(f, UINT32_MAX, 0, 0, 0);
	assert_int_equal(call(f), -PL_E_NOSYS);
	assert_true(fake_counter(f, "hypercall", "unknown") == 3);
	fake_free(f);
}

static void bad_block(uint64_t gpa)
{
	struct fake *f = fake_new(MEM, -1);

	assert_int_equal(pl_hcall_handle(&f->sb, gpa), -1);
	assert_true(f->sb.ended);
	assert_int_equal(f->sb.res.end, PL_END_BAD_GUEST);
	assert_int_equal(f->sb.res.exit_status, PL_EXIT_BAD_GUEST);
	assert_non_null(strstr(f->sb.what, "hypercall block"));
	fake_free(f);
}

static void test_bad_blocks(void **state)
{
	(void)state;
	bad_block(BLOCK + 4);		  /* misaligned */
	bad_block(MEM - 16);		  /* runs off the end of RAM */
	bad_block(MEM);			  /* past RAM */
	bad_block(0xa0000 - 8);		  /* low RAM into VGA */
	bad_block(PL_VGA_TEXT);		  /* VGA is not for hypercalls */
	bad_block(PL_ROM_BASE);		  /* read-only: ret cannot be written */
	bad_block(0xc0000);		  /* a hole */
	bad_block(0xfffffff8);		  /* the top of the 32-bit space */
	bad_block(0xfffffffffffffff8ULL); /* wraps */
}

static void test_port_protocol(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	uint32_t gpa = BLOCK;

	(void)state;
	block(f, PL_HC_EVENT, 1, 2, 0);
	assert_int_equal(pl_pio_dispatch(&f->sb, PL_PORT_HYPERCALL, &gpa, 2, true), -1);
	assert_int_equal(f->sb.res.end, PL_END_BAD_GUEST);
	assert_int_equal(f->sb.res.nevents, 0);
	fake_free(f);

	f = fake_new(MEM, -1);
	assert_int_equal(pl_pio_dispatch(&f->sb, PL_PORT_HYPERCALL, &gpa, 4, false), -1);
	assert_int_equal(f->sb.res.end, PL_END_BAD_GUEST);
	fake_free(f);
}

static void test_panic(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	struct pl_panic_report *p = fake_ptr(f, BUF, sizeof(*p));

	(void)state;
	*p = (struct pl_panic_report){
		.vector = 13, .error_code = 0, .rip = 0xffffffff80201000, .cr2 = 0, .cr3 = 0x5000
	};
	memset(p->message, 'A', sizeof(p->message)); /* no terminating NUL */
	block(f, PL_HC_PANIC, BUF, 0, 0);
	assert_int_equal(pl_hcall_handle(&f->sb, BLOCK), -1);
	assert_int_equal(f->sb.res.end, PL_END_PANIC);
	assert_int_equal(f->sb.res.exit_status, PL_EXIT_GUEST_PANIC);
	assert_int_equal(strlen(f->sb.panic.message), sizeof(p->message) - 1);
	pl_report_build(&f->sb);
	assert_non_null(strstr(f->sb.res.report, "#GP"));
	assert_non_null(strstr(f->sb.res.report, "RIP 0xffffffff80201000"));
	assert_non_null(strstr(f->sb.res.report, "CR3 0x5000"));
	fake_free(f);
}

/* The guest's words reach a person's terminal only as printable text. */
static void test_panic_message_is_cleaned(void **state)
{
	struct fake *f = fake_new(MEM, -1);
	struct pl_panic_report *p = fake_ptr(f, BUF, sizeof(*p));

	(void)state;
	*p = (struct pl_panic_report){ .vector = ~0ULL };
	strcpy(p->message, "\033[2J\033]0;owned\007bad\r\nnews");
	block(f, PL_HC_PANIC, BUF, 0, 0);
	assert_int_equal(pl_hcall_handle(&f->sb, BLOCK), -1);
	pl_report_build(&f->sb);
	assert_null(strchr(f->sb.res.report, '\033'));
	assert_null(strchr(f->sb.res.report, '\r'));
	assert_null(strchr(f->sb.res.report, '\007'));
	assert_non_null(strstr(f->sb.res.report, "?[2J?]0;owned?bad??news"));
	fake_free(f);
}

static void test_panic_report_outside_ram(void **state)
{
	struct fake *f = fake_new(MEM, -1);

	(void)state;
	block(f, PL_HC_PANIC, MEM - 8, 0, 0);
	assert_int_equal(pl_hcall_handle(&f->sb, BLOCK), -1);
	assert_int_equal(f->sb.res.end, PL_END_PANIC);
	assert_false(f->sb.have_panic);
	assert_non_null(strstr(f->sb.what, "outside guest RAM"));
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_streams),
		cmocka_unit_test(test_write_refused),
		cmocka_unit_test(test_write_max_len),
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_read_without_stdin),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_unknown_number),
		cmocka_unit_test(test_bad_blocks),
		cmocka_unit_test(test_port_protocol),
		cmocka_unit_test(test_panic),
		cmocka_unit_test(test_panic_report_outside_ram),
		cmocka_unit_test(test_panic_message_is_cleaned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
