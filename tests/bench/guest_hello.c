// SPDX-License-Identifier: MIT
/* guest_hello: the smallest whole program, timed from process start to exit. */
#include <stdio.h>

int main(void)
{
	return puts("hello, world") < 0;
}
