/* SPDX-License-Identifier: MIT */
/*
 * System calls. Each subsystem registers its own with SYSCALL(), which
 * places a descriptor in the .syscalls section (self-registration, as
 * kvmtool's device init macros do); the dispatcher indexes them at boot.
 * Numbers are Linux's own (<asm/unistd_64.h>, from linux-libc-dev).
 */
#ifndef KERNEL_SYSCALL_H
#define KERNEL_SYSCALL_H

#include <asm/unistd_64.h>
#include <kernel/types.h>

/*
 * Handlers declare only the arguments they use; the x86-64 calling
 * convention passes all six in registers, so calling through this type is
 * what every table-driven kernel does (the cast goes through void (*)(void)).
 */
typedef long (*syscall_fn)(u64, u64, u64, u64, u64, u64);

/*
 * args: one letter per argument, for --trace-syscalls:
 *   d signed  u unsigned  x hex  o octal  p pointer  s user string
 *   f fd      b user buffer whose length is the next argument (shown as text)
 *   B like b, but filled by the call (shown after it returns)
 *   v an iovec array whose count is the next argument (writev)
 *   A a directory fd (AT_FDCWD)  O open flags  P mmap/mprotect prot  M mmap flags
 */
struct syscall_desc {
	u32 nr;
	const char *name;
	syscall_fn fn;
	const char *args;
};

#define SYSCALL(name_, fn_, args_)                                                 \
	static const struct syscall_desc __syscall_##name_                         \
	    __attribute__((section(".syscalls"), used, aligned(8))) = {            \
		    __NR_##name_, #name_, (syscall_fn)(void (*)(void))(fn_), args_ \
	    }

struct trap_frame;

void syscall_init(void);
/* A system call from user mode: rax is the number, rdi.. the arguments, rax the result. */
void syscall_dispatch(struct trap_frame *f);
/* Name of a Linux syscall number (also those not implemented), or NULL. */
const char *syscall_name(u64 nr);
/* "unimplemented syscalls called: name (count), ..." on the console, if any. */
void syscall_report_unimplemented(void);

#endif
