// SPDX-License-Identifier: MIT
/*
 * Unit tests for the kernel formatter (guest/lib/format.c). For everything C
 * defines, the host's vsnprintf is the oracle: each format is run through both
 * at several buffer sizes, and return values and whole buffers must match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <cmocka.h>

#include <kernel/format.h>

#define BUF 600

static void report(const char *file, int line, const char *fmt, size_t size, int rw,
		   const char *want, int rg, const char *got)
{
	print_error("%s:%d: format \"%s\", size %zu: want %d \"%.*s\", got %d \"%.*s\"\n", file,
		    line, fmt, size, rw, (int)(size < BUF ? size : BUF), want, rg,
		    (int)(size < BUF ? size : BUF), got);
	_fail(file, line);
}

/* Compare at sizes that cut the output anywhere, bytes past the size included. */
static void check_va(const char *file, int line, const char *fmt, va_list args)
{
	static const size_t sizes[] = { 0, 1, 2, 3, 7, 16, 64, BUF - 1 };
	char want[BUF], got[BUF];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t size = sizes[i];
		va_list ap;
		int rw, rg;

		memset(want, 0x7e, sizeof(want));
		memset(got, 0x7e, sizeof(got));
		va_copy(ap, args);
		rw = vsnprintf(size ? want : NULL, size, fmt, ap);
		va_end(ap);
		va_copy(ap, args);
		rg = kvsnprintf(size ? got : NULL, size, fmt, ap);
		va_end(ap);
		if (rw != rg || memcmp(want, got, sizeof(want)) != 0)
			report(file, line, fmt, size, rw, want, rg, got);
	}
}

__attribute__((format(printf, 3, 4))) static void check_at(const char *file, int line,
							   const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_va(file, line, fmt, ap);
	va_end(ap);
}

/* Defined by C but warned about by GCC (a flag that another one overrides). */
static void check_quiet_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	check_va(file, line, fmt, ap);
	va_end(ap);
}
#define CHECK_QUIET(...) check_quiet_at(__FILE__, __LINE__, __VA_ARGS__)
#define CHECK(...)	 check_at(__FILE__, __LINE__, __VA_ARGS__)

/* For what C leaves open: no format attribute, so odd formats compile. */
static void expect_at(const char *file, int line, const char *want, int want_ret, const char *fmt,
		      ...)
{
	char got[BUF];
	va_list ap;
	int rg;

	memset(got, 0x7e, sizeof(got));
	va_start(ap, fmt);
	rg = kvsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	if (rg != want_ret || strcmp(got, want) != 0)
		report(file, line, fmt, sizeof(got), want_ret, want, rg, got);
}
#define EXPECT(want, ret, ...) expect_at(__FILE__, __LINE__, want, ret, __VA_ARGS__)

static void test_plain_and_percent(void **state)
{
	(void)state;
	CHECK_QUIET("");
	CHECK("hello, world");
	CHECK("%%");
	CHECK("100%% sure, %d%%", 42);
	CHECK("a%cb", 'x');
	CHECK("[%c]", 0); /* a NUL character is output and counted */
}

static void test_signed(void **state)
{
	(void)state;
	CHECK("%d %d %d %i", 0, 1, -1, 12345);
	CHECK("%d %d", INT32_MAX, INT32_MIN);
	CHECK("%ld %ld", (long)INT64_MIN, (long)INT64_MAX);
	CHECK("%lld %lld", (long long)INT64_MIN, (long long)INT64_MAX);
	CHECK("%jd %jd", INTMAX_MIN, INTMAX_MAX);
	CHECK("%td %td", (ptrdiff_t)PTRDIFF_MIN, (ptrdiff_t)-3);
	CHECK("%zd %zd", (ssize_t)-5, (ssize_t)(SIZE_MAX >> 1));
	CHECK("%hhd %hhd %hhd", 200, -129, 127);
	CHECK("%hd %hd", 70000, -32769);
	CHECK("%+d %+d %+d", 5, -5, 0);
	CHECK("% d % d % d", 5, -5, 0);
	CHECK_QUIET("%+ d % +d", 7, 7);
	CHECK("%+ld", (long)INT64_MIN);
}

static void test_unsigned_and_bases(void **state)
{
	(void)state;
	CHECK("%u %u", 0u, UINT32_MAX);
	CHECK("%lu %llu %ju %zu", (unsigned long)UINT64_MAX, (unsigned long long)UINT64_MAX,
	      UINTMAX_MAX, SIZE_MAX);
	CHECK("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0777u);
	CHECK("%lx %lX %lo", (unsigned long)UINT64_MAX, 0x0123456789abcdefUL,
	      (unsigned long)UINT64_MAX);
	CHECK("%hhu %hhx %hu %hx", -1, 0x1ff, -1, 0x12345);
	CHECK("%tx %tu", (ptrdiff_t)-1, (ptrdiff_t)77);
	CHECK("%#x %#X %#o %#lx", 255u, 255u, 8u, 1UL);
	CHECK("%#x %#o %#X", 0u, 0u, 0u);
	CHECK("%#o %#.3o %#.0o %#5o", 0777u, 7u, 0u, 7u);
}

static void test_width_and_precision(void **state)
{
	(void)state;
	CHECK("[%5d] [%-5d] [%05d] [%5d]", 42, 42, 42, -42);
	CHECK_QUIET("[%05d] [%+05d] [% 05d] [%-05d]", -42, 42, 42, -42);
	CHECK_QUIET("[%.3d] [%.3d] [%8.3d] [%-8.3d] [%08.3d]", 7, -7, 7, -7, 7);
	CHECK("[%.0d] [%5.0d] [%.0u] [%.0x] [%+.0d] [% .0d]", 0, 0, 0u, 0u, 0, 0);
	CHECK("[%.10d] [%.20lld]", -123, (long long)INT64_MIN);
	CHECK_QUIET("[%#10x] [%#010x] [%-#10x] [%#.6x] [%#010.6x]", 0xabu, 0xabu, 0xabu, 0xabu,
		    0xabu);
	CHECK("[%1d] [%2d] [%20d] [%-20u]", 12345, 12345, INT32_MIN, UINT32_MAX);
	CHECK("[%*d] [%-*d] [%*d]", 6, 1, 6, 1, -6, 1);
	CHECK("[%.*d] [%.*d] [%*.*d]", 4, 9, -1, 9, 8, 3, 9);
	CHECK("[%0*d] [%0*d]", 5, -3, -5, -3);
	CHECK("[%300d]", 1); /* longer than most of the buffer sizes tried */
	CHECK("[%.300d]", -1);
}

static void test_strings_and_chars(void **state)
{
	char *abc = malloc(3);

	(void)state;
	assert_non_null(abc);
	memcpy(abc, "abc", 3); /* not terminated: precision must stop the read (ASan) */
	CHECK("[%s] [%s]", "", "text");
	CHECK("[%10s] [%-10s] [%2s]", "right", "left", "longer");
	CHECK("[%.2s] [%.0s] [%10.3s] [%-10.3s]", "abcdef", "abc", "abcdef", "abcdef");
	CHECK("[%*s] [%-*s] [%.*s] [%.*s]", 8, "a", 8, "b", 2, "xyz", -1, "xyz");
	CHECK("[%.3s] [%.2s]", abc, abc);
	CHECK("[%5c] [%-5c] [%c%c%c]", 'a', 'b', 'x', 'y', 'z');
	CHECK("%s=%d, %s=%#lx", "pid", 1, "rip", 0xffffffff81000000UL);
	free(abc);
}

static void test_pointers(void **state)
{
	int x;

	(void)state;
	CHECK("%p %p", (void *)&x, (void *)0x1000);
	CHECK("[%p] [%10p] [%-10p]", NULL, NULL, NULL);
	CHECK("[%20p] [%-20p]", (void *)0xdead, (void *)0xdead);
	CHECK("[%p]", (void *)UINTPTR_MAX);
}

static void test_truncation_and_return(void **state)
{
	char buf[8];

	(void)state;
	/* Cut in the middle of every kind of field; check_at tries several sizes. */
	CHECK("%s|%d|%x|%c|%p", "a string", INT32_MIN, 0xabcdefu, 'q', (void *)0x1234);
	assert_int_equal(ksnprintf(NULL, 0, "%d", 123456), 6);
	memset(buf, 'z', sizeof(buf));
	assert_int_equal(ksnprintf(buf, 4, "%s", "abcdef"), 6);
	assert_string_equal(buf, "abc");
	assert_int_equal(buf[4], 'z');
	assert_int_equal(ksnprintf(buf, 1, "abc"), 3);
	assert_int_equal(buf[0], '\0');
	/* A wide field into a small buffer is counted, not written. */
	assert_int_equal(ksnprintf(buf, sizeof(buf), "%100000d", 1), 100000);
	assert_string_equal(buf, "       ");
}

/* Behaviour C leaves undefined or to the implementation, as format.h promises. */
static void test_outside_c(void **state)
{
	(void)state;
	EXPECT("(null)", 6, "%s", (char *)NULL);
	EXPECT("[(nu]", 5, "[%.3s]", (char *)NULL);
	EXPECT("[  (null)]", 10, "[%8s]", (char *)NULL);
	EXPECT("a%yb", 4, "a%yb");
	EXPECT("%5y 7", 5, "%5y %d", 7);
	EXPECT("%f", 2, "%f");
	EXPECT("end%", 4, "end%");
	/* A field beyond INT_MAX cannot be counted: the call fails. */
	EXPECT("1", -1, "%2147483648d", 1);
	EXPECT("1", -1, "%.2147483648d", 1);
	EXPECT("x1", -1, "x%*d", INT32_MIN, 1);
	EXPECT("%n", 2, "%n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_percent),
		cmocka_unit_test(test_signed),
		cmocka_unit_test(test_unsigned_and_bases),
		cmocka_unit_test(test_width_and_precision),
		cmocka_unit_test(test_strings_and_chars),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_truncation_and_return),
		cmocka_unit_test(test_outside_c),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
