/* SPDX-License-Identifier: MIT */
/* pagelab run's options: what a command line asks for (vmm/run_opts.c). */
#ifndef PL_VMM_RUN_OPTS_H
#define PL_VMM_RUN_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include <pagelab/hostlib.h>

#include "initrd.h"
#include "tcg.h"

#define MAX_FILES     256
#define MAX_TIMEOUT_S 1e6
#define MAX_TRAPS     8

struct run_opts {
	uint64_t memory;
	const char *kernel;
	uint64_t timeout_ms;
	char bootargs[4096];
	bool verbose, checkpoints, stop_on_fault;
	enum { STATS_NONE, STATS_TEXT, STATS_JSON } stats;
	const char *dirty_log; /* FILE, or NULL */
	const char *access_log;
	const char *map_svg;
	struct {
		uint64_t gpa, size;
	} trap[MAX_TRAPS];
	unsigned ntraps;
	enum pl_seccomp seccomp;
	const char *user;
	const char *trace_output;
	const char *core_dir;
	const char *rom, *vga;
	struct initrd_spec rd;
	const char *files[MAX_FILES];
	char **prog_argv; /* PROGRAM ARGS..., NULL-terminated */
	enum accel accel;
	const char *kvm_only; /* the first option given that needs the VMM */
	int gdb_port;	      /* --gdb PORT, -s: 1234; -1 without */
	bool seccomp_given;
};

/*
 * Parses argv (from "run" on) into o, with every check that needs no file
 * or device. 0 to go on, 1 when done (help, version), -1 after one line
 * about bad usage.
 */
int run_opts_parse(struct run_opts *o, int argc, char **argv);

#endif
