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
 * args: one letter per argument, for --trace-syscalls (guest/kernel/trace_args.c
 * renders them as strace does):
 *   d int  l long  u unsigned  x hex  o mode (octal)  p pointer (NULL)  f fd
 *   s user string  b user buffer whose length is the next argument
 *   v iovec array whose count is the next argument  A directory fd (AT_FDCWD)
 *   O open flags  K O_* flags without the access mode  P prot  M mmap flags
 *   X AT_* flags  D mremap flags  Y msync flags  Z wait options
 *   W lseek whence  I ioctl request  R arch_prctl code  C clock  k sigprocmask how
 *   L fcntl command  a madvise advice  S signal  t timespec  G signal set
 *   H sigaction  e FD_* flags  m access mode  r argv  n envp (counted)
 *   j EFD_* flags  q pollfd array (count next)  z select fd set  # timeval
 *   i epoll_ctl op  J epoll_event  y EPOLL_* flags  $ pselect6 mask  % waitid idtype
 *   1 siginfo  3 itimerval  5 itimerspec  7 sigevent  9 ITIMER_*
 *   0 TFD_* flags  + TIMER_ABSTIME  * TFD_TIMER_* flags  ! rt_sigreturn's frame's mask
 *   ( mq_attr  ^ flock operation  { struct flock
 * and what the call fills in, shown after it returns (its address if it failed):
 *   B buffer of the result's length  V iovec array, as much as was read
 *   T timespec  F struct stat  w wait status  g signal set  h sigaction
 *   Q pair of fds (pipe)  N mincore's page vector (the length is the argument before)
 *   E getdents64's buffer (the number of entries)  c string
 *   U epoll_event array (the result's count)  & waitid's siginfo
 *   2 siginfo  4 itimerval  6 itimerspec  8 int ("[N]")  ) mq_attr  } struct flock
 *   : struct statfs
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
