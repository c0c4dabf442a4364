// SPDX-License-Identifier: MIT
/* The smallest experiment: prove the program runs and sees its arguments. */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello, world\n");
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = %s\n", i, argv[i]);
	return 0;
}
