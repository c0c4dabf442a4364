// SPDX-License-Identifier: MIT
/* A program for test-gdb.sh: gdb stops at main, steps and reads `total`. */
#include <stdio.h>

static int total;
static volatile int spin = 1;

static __attribute__((noinline)) int add(int a, int b)
{
	return a + b;
}

int main(int argc, char **argv)
{
	int i;

	total = 40;
	total = add(total, 2);
	for (i = 0; i < 3; i++)
		total++;
	/* With an argument: runs until gdb interrupts it and clears spin. */
	while (argc > 1 && spin)
		;
	printf("total %d%s\n", total, argc > 1 ? argv[1] : "");
	return total - 45 + 7;
}
