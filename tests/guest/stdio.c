// SPDX-License-Identifier: MIT
/*
 * musl's stdio on top of the kernel's write path: formatted output of
 * every common conversion, puts/fputs/putchar/fwrite, and a large write
 * that crosses stdio's buffer. Each formatted result is checked against
 * the expected text and also printed, so the two runs compare it too.
 */
#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"

static void check(const char *want, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check(const char *want, const char *fmt, ...)
{
	char got[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	ok(!strcmp(got, want), "format \"%s\" gives [%s]", fmt, got);
}

int main(void)
{
	static const char *volatile long_text = "truncated text";
	char small[8];
	char big[5000];
	int n = 0;

	tap_plan(30);
	check("42 -7 +5 ' 3'", "%d %i %+d '%2d'", 42, -7, 5, 3);
	check("4294967295 ffffffff FFFFFFFF 37777777777", "%u %x %X %o", 4294967295u, 0xffffffffu,
	      0xffffffffu, 037777777777u);
	check("0x1f 017 0X1F", "%#x %#o %#X", 31, 15, 31);
	check("-9223372036854775808", "%lld", (long long)INT64_MIN);
	check("18446744073709551615", "%llu", (unsigned long long)UINT64_MAX);
	check("123456789012 -1", "%zu %zd", (size_t)123456789012ull, (ssize_t)-1);
	check("255 -1", "%hhu %hd", (unsigned char)255, (short)-1);
	check("deadbeef", "%" PRIx32, UINT32_C(0xdeadbeef));
	check("[abc       ][       abc][ab]", "[%-10s][%10s][%.2s]", "abc", "abc", "abc");
	check("[00042][42   ][  -42]", "[%05d][%-5d][%5d]", 42, 42, -42);
	check("[  7][7  ]", "[%*d][%-*d]", 3, 7, 3, 7);
	check("x % y", "x %% y");
	check("A z", "%c %c", 'A', 'z');
	check("0x1234", "%p", (void *)0x1234);
	check("3.141593 3.14 3.1416e+00 2.5", "%f %.2f %.4e %g", 3.14159265, 3.14159265, 3.14159265,
	      2.5);
	check("1e+100 -0 inf nan", "%g %g %g %g", 1e100, -0.0, __builtin_inf(), __builtin_nan(""));
	check("0.000123 1.5e-07", "%g %g", 0.000123, 1.5e-7);
	check("[   1.50][1.50   ]", "[%7.2f][%-7.2f]", 1.5, 1.5);
	check("0x1p+0", "%a", 1.0);
	check("[\t]", "[%s]", "\t");

	ok(snprintf(small, sizeof(small), "%s", long_text) == 14 && !strcmp(small, "truncat"),
	   "snprintf truncates and returns the full length");
	ok(printf("printf returns%n the count\n", &n) == 25 && n == 14,
	   "printf returns the byte count and %%n stores the position");
	ok(puts("puts adds a newline") >= 0, "puts");
	ok(fputs("fputs does not\n", stdout) >= 0, "fputs");
	ok(putchar('!') == '!' && putchar('\n') == '\n', "putchar");
	ok(fwrite("fwrite 12345\n", 1, 13, stdout) == 13, "fwrite");
	ok(printf("%s", "") == 0, "printf of nothing returns 0");

	/* One line longer than stdio's buffer goes through in one piece. */
	for (size_t i = 0; i < sizeof(big) - 1; i++)
		big[i] = 'a' + i % 26;
	big[sizeof(big) - 1] = '\0';
	ok(printf("%s\n", big) == (int)sizeof(big), "a 5000-byte line");
	ok(fflush(stdout) == 0, "fflush");
	{
		int a, b;
		char word[16];

		ok(sscanf("12 0x1f word", "%d %i %15s", &a, &b, word) == 3 && a == 12 && b == 31 &&
		       !strcmp(word, "word"),
		   "sscanf");
	}
	return tap_done();
}
