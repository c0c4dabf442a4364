// SPDX-License-Identifier: MIT
/*
 * A user program touches a trapped region: it maps a page of the device
 * window with QNX's mmap_device_memory() and stores and loads two words,
 * each an exit the host logs (test_trap's test_user_program).
 *
 *	trap_user PHYSICAL_ADDRESS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pagelab/mman.h>

int main(int argc, char **argv)
{
	volatile uint32_t *p;

	if (argc != 2)
		return 2;
	p = mmap_device_memory(NULL, 4096, PROT_READ | PROT_WRITE | PROT_NOCACHE, 0,
			       strtoull(argv[1], NULL, 0));
	if (p == MAP_FAILED) {
		perror("mmap_device_memory");
		return 1;
	}
	p[0] = 0x1234;
	p[1] = 0xabcd;
	printf("read back %x %x\n", p[0], p[1]);
	return p[0] == 0x1234 && p[1] == 0xabcd ? 0 : 1;
}
