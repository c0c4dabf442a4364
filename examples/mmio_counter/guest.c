// SPDX-License-Identifier: MIT
/*
 * examples/mmio_counter's guest side: a user-space driver for the host's
 * counter device, in QNX's style. mmap_device_memory() maps the device's
 * page uncached (PROT_NOCACHE); each access below is one exit to the host
 * program, which decides what it means.
 *
 *	counter_driver PHYSICAL_ADDRESS
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <pagelab/mman.h>

enum { REG_VALUE = 0, REG_STEP = 1, REG_TICK = 2, REG_READS = 3 };

int main(int argc, char **argv)
{
	volatile uint64_t *regs;
	uint64_t value;

	if (argc != 2) {
		fprintf(stderr, "usage: %s PHYSICAL_ADDRESS\n", argv[0]);
		return 2;
	}
	regs = mmap_device_memory(NULL, 4096, PROT_READ | PROT_WRITE | PROT_NOCACHE, 0,
				  strtoull(argv[1], NULL, 0));
	if (regs == MAP_FAILED) {
		perror("mmap_device_memory");
		return 1;
	}
	regs[REG_VALUE] = 100;
	regs[REG_STEP] = 7;
	for (int i = 0; i < 3; i++)
		regs[REG_TICK] = 1;
	value = regs[REG_VALUE];
	printf("guest: counter value %llu after 3 ticks of 7 from 100\n",
	       (unsigned long long)value);
	printf("guest: the device counted %llu reads of its value\n",
	       (unsigned long long)regs[REG_READS]);
	munmap_device_memory((void *)regs, 4096);
	return value == 121 ? 0 : 1;
}
