// SPDX-License-Identifier: MIT
/* A program for test-gdb.sh: gdb stops at main, steps and reads `total`. */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#define ARCH_GET_GS 0x1004

static int total;
static volatile int spin = 1;
static volatile double two = 2.0;
static unsigned long gs;
static double scaled;

static __attribute__((noinline)) int add(int a, int b)
{
	return a + b;
}

/* x arrives in xmm0, where gdb reads it and may change it. */
static __attribute__((noipa)) double scale(double x)
{
	return x * 1.5;
}

int main(int argc, char **argv)
{
	int i;

	total = 40;
	total = add(total, 2);
	for (i = 0; i < 3; i++)
		total++;
	if (argc > 1 && write(1, "spinning\n", 9) == 9) /* until gdb interrupts it, clears spin */
		while (spin)
			;
	scaled = scale(two);
	/* The GS base is the program's own: gdb may set it ($gs_base). */
	syscall(SYS_arch_prctl, ARCH_GET_GS, &gs);
	printf("total %d%s scale %g gs %lx\n", total, argc > 1 ? argv[1] : "", scaled, gs);
	return total - 45 + 7;
}
