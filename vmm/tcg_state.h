/* SPDX-License-Identifier: MIT */
/* The TCG runner's state, shared by its loop (tcg_run.c) and its calls (tcg_calls.c). */
#ifndef PL_VMM_TCG_STATE_H
#define PL_VMM_TCG_STATE_H

#include <stdio.h>

#include <pagelab/abi.h>
#include <pagelab/hostlib.h>
#include <pagelab/serial_abi.h>

#include "tcg.h"

#define TCG_HC_COUNT   (PL_HC_POLL + 1) /* enum pl_hcall_nr, and 0 for unknown numbers */
#define TCG_LINE_MAX   256
#define TCG_EVENTS_MAX 65536
#ifndef MIN
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#endif

struct tcg_state {
	const struct tcg_params *p;
	struct tcg_child child;
	uint64_t timeout_ms, deadline_ns, run_ns;

	bool ended, got_exit;
	int status;
	char report[1024];
	uint64_t hcalls[TCG_HC_COUNT];
	struct pl_event *events;
	size_t nevents, events_cap, events_dropped;

	char qemu_err[4096]; /* QEMU's own messages, for a report */
	size_t nerr;
	bool con_eof, err_eof;			    /* QEMU closed them: it is gone */
	char cur[TCG_LINE_MAX], last[TCG_LINE_MAX]; /* console lines, for a report */
	size_t ncur;
};

int tcg_wait(struct tcg_state *s, int fd, short events);
int tcg_read_frame(struct tcg_state *s, void *buf, size_t len);
int tcg_write_frame(struct tcg_state *s, const void *buf, size_t len);

/* One request from the kernel, answered (tcg_calls.c). */
void tcg_handle_call(struct tcg_state *s, const struct pl_serial_call *call);
/* A stream's bytes to the host: 0 or -errno. */
int tcg_emit(struct tcg_state *s, enum pl_stream stream, const char *buf, size_t len);
/* Ends the run with a status and, for an abnormal end, the paragraph for stderr. */
__attribute__((format(printf, 3, 4))) void tcg_end(struct tcg_state *s, int status, const char *fmt,
						   ...);
void tcg_print_events(const struct tcg_state *s, FILE *f);
void tcg_free(struct tcg_state *s);

#endif
