/* SPDX-License-Identifier: MIT */
/* What pagelab run reports at the run's stops: checkpoints, dirty pages, trapped accesses. */
#ifndef PL_VMM_RUN_LOG_H
#define PL_VMM_RUN_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <pagelab/hostlib.h>

struct run_log_opts {
	bool checkpoints;	/* --checkpoints */
	bool stop_on_fault;	/* --stop-on-fault */
	const char *dirty_log;	/* --dirty-log FILE, or NULL */
	const char *access_log; /* --access-log FILE, or NULL */
	const char *map_svg;	/* --map-svg FILE, or NULL */
	uint64_t memory;
};

struct run_log {
	bool checkpoints, stop_on_fault;
	FILE *dirty, *access;
	uint64_t *gpas;
	size_t max;
	struct pl_trap_access *acc;
	FILE *svg;     /* the file, written at the end */
	char *picture; /* the last checkpoint's picture */
	size_t npicture;
	int fds[3]; /* the files, for pl_config.write_fds */
	size_t nfds;
};

/* Opens the files before the sandbox exists (the confined run cannot). 0, or -1 after a message. */
int run_log_open(struct run_log *l, const struct run_log_opts *o);
/* Starts the dirty log and fault watching, after the sandbox's traps: 0, or -1 with pl_error(). */
int run_log_start(struct run_log *l, struct pl_sandbox *sb);
/* Steps to the end, reporting at each stop; the run's exit status. */
int run_log_steps(struct run_log *l, struct pl_sandbox *sb, struct pl_result *res);
void run_log_close(struct run_log *l);

#endif
