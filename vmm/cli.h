/* SPDX-License-Identifier: MIT */
/* The `pagelab` command: shared helpers of the subcommands. */
#ifndef PL_VMM_CLI_H
#define PL_VMM_CLI_H

#include <stddef.h>
#include <stdint.h>

/* One line "pagelab: ..." on stderr. */
__attribute__((format(printf, 1, 2))) void cli_error(const char *fmt, ...);
/* The exit status for the error pl_error() describes (2 for input errors). */
int cli_error_status(void);
/* Parses and checks -m; prints the problem and returns -1. */
int cli_parse_memory(const char *arg, uint64_t *bytes);
/* The default guest kernel; prints the problem and returns -1. */
int cli_find_kernel(char *buf, size_t len);
/* The same without the message: for what can do without a kernel. */
int cli_find_kernel_quiet(char *buf, size_t len);

/* CLOCK_MONOTONIC in ns; cli_start_ns is its reading when main began. */
uint64_t cli_now_ns(void);
extern uint64_t cli_start_ns;

int cmd_run(int argc, char **argv);
int cmd_info(int argc, char **argv);

#endif
