/* SPDX-License-Identifier: MIT */
/* One argument of a traced system call (guest/kernel/trace_args.c). */
#ifndef KERNEL_TRACE_ARGS_H
#define KERNEL_TRACE_ARGS_H

#include <kernel/types.h>

/* Text that grows until it is full: the rest is cut, never written past size. */
struct tbuf {
	char *p;
	size_t size, len;
};

void tprintf(struct tbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Appends args[i] rendered as kind (the letters of struct syscall_desc's
 * args); ret is the call's result, for what the call fills in.
 */
void trace_render_arg(struct tbuf *b, char kind, const u64 *args, int i, long ret);
/* Kinds the call fills in: rendered only once it has returned. */
bool trace_arg_is_result(char kind);
/*
 * The structures of signals' and timers' calls (trace_timers.c): false if
 * kind is not one of theirs.
 */
bool trace_render_timer_arg(struct tbuf *b, char kind, u64 v, long ret);
bool trace_timer_kind_is_result(char kind);

/* The waiting calls' kinds (trace_poll.c): false for a kind it does not know. */
bool trace_poll_arg(struct tbuf *b, char kind, const u64 *args, int i, long ret);
bool trace_poll_is_result(char kind);
/* What strace adds after poll's and select's result: "(Timeout)", "([{fd=3, revents=...}])". */
void trace_poll_return(struct tbuf *b, u64 nr, const u64 *args, long ret);

/*
 * The file calls' structures (trace_files.c): the kind fcntl's command
 * gives its third argument, or none (*nargs becomes 2); struct flock and
 * struct statfs, false for a kind it does not know.
 */
void trace_fcntl_kinds(char *kinds, int *nargs, u64 cmd);
bool trace_files_arg(struct tbuf *b, char kind, u64 v, long ret);
bool trace_files_is_result(char kind);
/* Flags by their names, "0" for none, as strace prints a flags field. */
struct flag_name;
void trace_flags(struct tbuf *b, u64 v, const struct flag_name *names);
/* A constant by its name, or the number with strace's comment: "0x5 /\* SEEK_??? *\/". */
struct name_value;
void trace_named(struct tbuf *b, const struct name_value *t, u64 v);
/* A user address as strace prints one: hex, or NULL. */
void trace_pointer(struct tbuf *b, u64 v);

#endif
