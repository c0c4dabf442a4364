// SPDX-License-Identifier: MIT
/*
 * pl_parse_size / pl_parse_memory_size / pl_format_size: what -m accepts
 * (a bare number is MiB, as for QEMU and kvmtool) and how sizes are shown.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pagelab/hostlib.h>

static void parses(const char *text, uint64_t want)
{
	uint64_t got = 12345;

	assert_int_equal(pl_parse_size(text, &got), 0);
	assert_true(got == want);
}

static void refuses(const char *text, int err)
{
	uint64_t got = 777;

	assert_int_equal(pl_parse_size(text, &got), err);
	assert_true(got == 777); /* untouched on error */
}

static void test_plain_and_suffixes(void **state)
{
	(void)state;
	parses("0", 0);
	parses("1048576", 1048576);
	parses("64k", 64 << 10);
	parses("64K", 64 << 10);
	parses("256M", 256ULL << 20);
	parses("256m", 256ULL << 20);
	parses("4G", 4ULL << 30);
	parses("3g", 3ULL << 30);
	parses("1T", 1ULL << 40);
	parses("007M", 7ULL << 20);
	parses("512B", 512);
	parses("4096b", 4096);
}

static void memory_parses(const char *text, uint64_t want)
{
	uint64_t got = 12345;

	assert_int_equal(pl_parse_memory_size(text, &got), 0);
	if (got != want)
		fail_msg("-m %s gave %llu bytes, not %llu", text, (unsigned long long)got,
			 (unsigned long long)want);
}

static void memory_refuses(const char *text, int err)
{
	uint64_t got = 777;

	assert_int_equal(pl_parse_memory_size(text, &got), err);
	assert_true(got == 777);
}

/* -m 256 is 256 MiB; the suffixes mean what they mean for pl_parse_size. */
static void test_memory_sizes(void **state)
{
	(void)state;
	memory_parses("256", 256ULL << 20);
	memory_parses("1", 1ULL << 20);
	memory_parses("0", 0);
	memory_parses("4096", 4ULL << 30);
	memory_parses("256M", 256ULL << 20);
	memory_parses("64k", 64 << 10);
	memory_parses("2G", 2ULL << 30);
	memory_parses("1T", 1ULL << 40);
	memory_parses("4194304B", 4ULL << 20);
	memory_parses("17592186044415", 17592186044415ULL << 20); /* 2^44 - 1 MiB */
	memory_refuses("17592186044416", -ERANGE);		  /* 2^64 bytes */
	memory_refuses("", -EINVAL);
	memory_refuses("256 ", -EINVAL);
	memory_refuses("256MiB", -EINVAL);
	memory_refuses("-256", -EINVAL);
	memory_refuses(NULL, -EINVAL);
}

static void test_not_sizes(void **state)
{
	(void)state;
	refuses("", -EINVAL);
	refuses("M", -EINVAL);
	refuses("-1", -EINVAL);
	refuses(" 12", -EINVAL);
	refuses("12 ", -EINVAL);
	refuses("1.5G", -EINVAL);
	refuses("12MB", -EINVAL);
	refuses("12Q", -EINVAL);
	refuses("0x100", -EINVAL);
	refuses("garbage", -EINVAL);
	refuses(NULL, -EINVAL);
}

static void test_overflow(void **state)
{
	(void)state;
	parses("18446744073709551615", UINT64_MAX);
	refuses("18446744073709551616", -ERANGE);
	refuses("99999999999999999999999", -ERANGE);
	parses("16777215T", 16777215ULL << 40);
	refuses("16777216T", -ERANGE); /* 2^64 */
	refuses("17179869184G", -ERANGE);
}

static void formats(uint64_t v, const char *want)
{
	char buf[32];

	assert_string_equal(pl_format_size(v, buf, sizeof(buf)), want);
}

static void test_format(void **state)
{
	(void)state;
	formats(0, "0");
	formats(12345, "12345B");
	formats(1, "1B");
	formats(4096, "4K");
	formats(4100ULL << 10, "4100K");
	formats(256ULL << 20, "256M");
	formats(5ULL << 30, "5G");
	formats(3ULL << 40, "3T");
	formats((1ULL << 30) + (1ULL << 20), "1025M");
}

/* What pl_format_size prints, both parsers read back. */
static void test_round_trip(void **state)
{
	static const uint64_t values[] = { 1,
					   999,
					   4096,
					   640 << 10,
					   256ULL << 20,
					   3ULL << 30,
					   0xc0000000ULL + 4096,
					   5ULL << 30,
					   1ULL << 40 };
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		uint64_t back = 0, mem = 0;

		pl_format_size(values[i], buf, sizeof(buf));
		assert_int_equal(pl_parse_size(buf, &back), 0);
		assert_int_equal(pl_parse_memory_size(buf, &mem), 0);
		assert_true(back == values[i] && mem == values[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_suffixes), cmocka_unit_test(test_not_sizes),
		cmocka_unit_test(test_overflow),	   cmocka_unit_test(test_format),
		cmocka_unit_test(test_round_trip),	   cmocka_unit_test(test_memory_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
