/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <kernel/arch.h>
#include <kernel/console.h>

__noreturn void panic_exception(const struct trap_frame *f, const char *what);
/* Every process sleeps and nothing can wake one: blocked names them. */
__noreturn void kernel_deadlock(const char *blocked);

#define BUG_ON(cond)                                                          \
	do {                                                                  \
		if (unlikely(cond))                                           \
			panic("BUG: %s at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#endif
