// SPDX-License-Identifier: MIT
/* A program for test-gdb.sh: gdb stops at main, steps and reads `total`. */
#include <stdio.h>

static int total;

static __attribute__((noinline)) int add(int a, int b)
{
	return a + b;
}

int main(void)
{
	int i;

	total = 40;
	total = add(total, 2);
	for (i = 0; i < 3; i++)
		total++;
	printf("total %d\n", total);
	return total - 45 + 7;
}
