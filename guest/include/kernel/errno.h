/* SPDX-License-Identifier: MIT */
/*
 * Linux x86-64 errno values: syscalls return -E* exactly as Linux does. The
 * one definition for the whole guest, host-compiled pure modules included;
 * the values are spelt as in Linux's asm-generic/errno*.h, so a redefinition
 * by a libc header would be an identical one.
 */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define EPERM	     1
#define ENOENT	     2
#define ESRCH	     3
#define EINTR	     4
#define EIO	     5
#define ENXIO	     6
#define E2BIG	     7
#define ENOEXEC	     8
#define EBADF	     9
#define ECHILD	     10
#define EAGAIN	     11
#define ENOMEM	     12
#define EACCES	     13
#define EFAULT	     14
#define EBUSY	     16
#define EEXIST	     17
#define EXDEV	     18
#define ENODEV	     19
#define ENOTDIR	     20
#define EISDIR	     21
#define EINVAL	     22
#define ENFILE	     23
#define EMFILE	     24
#define ENOTTY	     25
#define ETXTBSY	     26
#define EFBIG	     27
#define ENOSPC	     28
#define ESPIPE	     29
#define EROFS	     30
#define EMLINK	     31
#define EPIPE	     32
#define ERANGE	     34
#define EDEADLK	     35
#define ENAMETOOLONG 36
#define ENOLCK	     37
#define ENOSYS	     38
#define ENOTEMPTY    39
#define ELOOP	     40
#define ENODATA	     61
#define EOVERFLOW    75
#define EMSGSIZE     90
#define EOPNOTSUPP   95
#define ETIMEDOUT    110
#define ERESTARTSYS  512 /* kernel-internal: restart the syscall after a handler (SA_RESTART) */

/* kernel-internal: restart unless a handler ran, which sees EINTR (select, poll) */
#define ERESTARTNOHAND 514

/*
 * kernel-internal: a handler sees EINTR; otherwise the call goes on as
 * restart_syscall(2) with what current->restart kept (nanosleep's deadline)
 */
#define ERESTART_RESTARTBLOCK 516

#endif
