// SPDX-License-Identifier: MIT
/*
 * A program that touches kernel memory: kernel_access read|write ADDR.
 * Natively (and in an isolated or VMX/SVM sandbox) the access dies with
 * SIGSEGV, status 139. On kvm_pvm without --isolate kernel pages are U=1
 * and mapped in the user tables, so it would succeed: that is why
 * run-diff.sh leaves it out and tests/integration/test_isolation.c runs it.
 *
 * Without arguments it prints a TAP line and exits 0, so the native half
 * of run-diff.sh still builds and checks it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

int main(int argc, char **argv)
{
	volatile uint8_t *p;

	if (argc < 2) {
		tap_plan(1);
		ok(true, "kernel_access needs 'read ADDR' or 'write ADDR' to do anything");
		return tap_done();
	}
	if (argc != 3 || (strcmp(argv[1], "read") && strcmp(argv[1], "write"))) {
		fprintf(stderr, "usage: kernel_access read|write ADDR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	p = (volatile uint8_t *)(uintptr_t)strtoull(argv[2], NULL, 0);
	if (!strcmp(argv[1], "read"))
		printf("read %#x at %p: the kernel is readable\n", *p, (void *)p);
	else {
		/* A write access (locked read-modify-write) that changes nothing. */
		__asm__ volatile("lock orb $0, %0" : "+m"(*p));
		printf("wrote at %p: the kernel is writable\n", (void *)p);
	}
	return 1;
}
