// SPDX-License-Identifier: MIT
/* A failed PAGELAB_ASSERT_EQ: the run ends with status 117 and the host reports it. */
#include <stdio.h>

#include <pagelab/guest.h>

int main(int argc, char **argv)
{
	int four = argc + 3;

	(void)argv;
	printf("before the assertion\n");
	PAGELAB_ASSERT_EQ(four, 5);
	printf("not reached\n");
	return 0;
}
