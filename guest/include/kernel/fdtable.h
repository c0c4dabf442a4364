/* SPDX-License-Identifier: MIT */
/*
 * Descriptor tables (fdtable.c): a process's numbers for its open files,
 * with their FD_CLOEXEC bits and the umask. fd_* work on current->files.
 */
#ifndef KERNEL_FDTABLE_H
#define KERNEL_FDTABLE_H

#include <kernel/types.h>

struct fdtable;
struct file;

/* fds 0, 1, 2: the host's stdin, stdout and stderr. umask 022. */
struct fdtable *fdtable_new_stdio(void);
/* A copy for a forked child: same open files, same FD_CLOEXEC bits, same umask. */
struct fdtable *fdtable_dup(struct fdtable *t);
/* Drop a reference; the last one closes every descriptor. */
void fdtable_put(struct fdtable *t);
/* execve: close the descriptors marked FD_CLOEXEC. */
void fdtable_exec(struct fdtable *t);

/* The file behind fd, with a reference, or NULL (EBADF). */
struct file *fd_get(int fd);
/* Install f at the lowest free descriptor >= min: the fd, or -EMFILE. Takes f's reference. */
int fd_install(struct file *f, int min, bool cloexec);
/* dup2/dup3: put f at newfd, closing what was there. Takes f's reference. */
int fd_install_at(struct file *f, int newfd, bool cloexec);
int fd_close(int fd);
/* FD_CLOEXEC of fd: 0 or 1, or -EBADF. */
int fd_get_cloexec(int fd);
int fd_set_cloexec(int fd, bool on);
/* The process's umask lives with its descriptors (fork copies both). */
u32 fd_umask(void);
u32 fd_set_umask(u32 mask);

#endif
