// SPDX-License-Identifier: MIT
/*
 * pagelab run as a client of pl_sandbox_step: at each stop it prints the
 * checkpoint (--checkpoints), the pages written since the last stop
 * (--dirty-log) and the trapped accesses (--access-log), and draws the
 * program's mappings (--map-svg: the last checkpoint's). The files are
 * opened before the sandbox and handed to it as write_fds, because the
 * seccomp filter lets the run write only to descriptors it knows.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <pagelab/inspect.h>

#include "cli.h"
#include "run_log.h"

#define ACCESS_BATCH 4096

static FILE *open_log(const char *path, const char *what)
{
	FILE *f = fopen(path, "w");

	if (!f)
		cli_error("cannot write the %s '%s': %s", what, path, strerror(errno));
	return f;
}

int run_log_open(struct run_log *l, const struct run_log_opts *o)
{
	*l = (struct run_log){ .checkpoints = o->checkpoints, .stop_on_fault = o->stop_on_fault };
	if (o->dirty_log) {
		l->dirty = open_log(o->dirty_log, "dirty log");
		l->max = o->memory / 4096;
		l->gpas = calloc(l->max, sizeof(*l->gpas));
		if (!l->dirty || !l->gpas)
			goto fail;
		l->fds[l->nfds++] = fileno(l->dirty);
	}
	if (o->access_log) {
		l->access = open_log(o->access_log, "access log");
		l->acc = calloc(ACCESS_BATCH, sizeof(*l->acc));
		if (!l->access || !l->acc)
			goto fail;
		l->fds[l->nfds++] = fileno(l->access);
	}
	if (o->map_svg) {
		l->svg = open_log(o->map_svg, "picture");
		if (!l->svg)
			goto fail;
		l->fds[l->nfds++] = fileno(l->svg);
	}
	return 0;
fail:
	if (errno == ENOMEM)
		cli_error("out of memory");
	run_log_close(l);
	return -1;
}

int run_log_start(struct run_log *l, struct pl_sandbox *sb)
{
	if (l->stop_on_fault && pl_sandbox_watch_faults(sb, true))
		return -1;
	return l->dirty ? pl_dirty_log_start(sb) : 0;
}

/* One line per interval: what ended it, when, how many pages, and their addresses. */
static int log_dirty(struct pl_sandbox *sb, struct run_log *l, const struct pl_stop *stop)
{
	long n = pl_dirty_log_get(sb, l->gpas, l->max);

	if (n < 0) {
		cli_error("%s", pl_error());
		return -1;
	}
	if (stop->kind == PL_STOP_CHECKPOINT)
		fprintf(l->dirty, "checkpoint %" PRIu64, stop->id);
	else
		fprintf(l->dirty, "%s", stop->kind == PL_STOP_END ? "end" : "stop");
	fprintf(l->dirty, " %.6f %ld", stop->time_ns / 1e9, n);
	for (long i = 0; i < n && (size_t)i < l->max; i++)
		fprintf(l->dirty, " 0x%" PRIx64, l->gpas[i]);
	fputc('\n', l->dirty);
	return fflush(l->dirty) ? -1 : 0;
}

/* SECONDS VCPU RIP r|w GPA SIZE VALUE, and a line for accesses the full log lost. */
static int log_accesses(struct pl_sandbox *sb, struct run_log *l)
{
	uint64_t dropped;
	size_t n;

	do {
		n = pl_access_log_read(sb, l->acc, ACCESS_BATCH, &dropped);
		if (dropped)
			fprintf(l->access, "# %" PRIu64 " accesses lost: the log was full\n",
				dropped);
		for (size_t i = 0; i < n; i++) {
			const struct pl_trap_access *a = &l->acc[i];

			fprintf(l->access,
				"%.9f %u 0x%" PRIx64 " %c 0x%" PRIx64 " %u 0x%" PRIx64 "\n",
				a->time_ns / 1e9, a->vcpu, a->rip, a->write ? 'w' : 'r', a->gpa,
				a->size, a->value);
		}
	} while (n == ACCESS_BATCH);
	return fflush(l->access) ? -1 : 0;
}

/* The picture of a checkpoint, kept in memory until the end replaces the file's. */
static int draw(struct pl_sandbox *sb, struct run_log *l, int pid)
{
	FILE *m;
	int err;

	free(l->picture);
	l->picture = NULL;
	m = open_memstream(&l->picture, &l->npicture);
	if (!m)
		return -1;
	err = pl_map_svg(sb, pid, m);
	fclose(m);
	if (err)
		cli_error("%s", pl_error());
	return err;
}

static int write_picture(struct run_log *l)
{
	if (fwrite(l->picture, 1, l->npicture, l->svg) != l->npicture || fflush(l->svg)) {
		cli_error("cannot write the picture: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void print_checkpoint(const struct pl_stop *stop)
{
	fprintf(stderr,
		"pagelab: checkpoint %" PRIu64 " value %" PRIu64 " (0x%" PRIx64
		") pid %d at %.6f s\n",
		stop->id, stop->value, stop->value, stop->pid, stop->time_ns / 1e9);
}

static void print_fault(const struct pl_stop *stop)
{
	fprintf(stderr,
		"pagelab: fault pid %d signal %d code %d addr 0x%" PRIx64 " rip 0x%" PRIx64
		" vector %u at %.6f s\n",
		stop->pid, stop->fault.signo, stop->fault.code, stop->fault.addr, stop->fault.rip,
		stop->fault.trapno, stop->time_ns / 1e9);
}

int run_log_steps(struct run_log *l, struct pl_sandbox *sb, struct pl_result *res)
{
	struct pl_stop stop;

	for (;;) {
		int err = pl_sandbox_step(sb, &stop);

		if (err) {
			cli_error("%s", pl_error());
			return PL_EXIT_VMM_ERROR;
		}
		if (l->checkpoints && stop.kind == PL_STOP_CHECKPOINT)
			print_checkpoint(&stop);
		if (stop.kind == PL_STOP_FAULT)
			print_fault(&stop);
		if (l->dirty && stop.kind != PL_STOP_PAUSE && log_dirty(sb, l, &stop))
			return PL_EXIT_VMM_ERROR;
		if (l->access && log_accesses(sb, l))
			return PL_EXIT_VMM_ERROR;
		if (l->svg && stop.kind == PL_STOP_CHECKPOINT && draw(sb, l, 0))
			return PL_EXIT_VMM_ERROR;
		/* No checkpoint at all: the physical map alone. */
		if (l->svg && stop.kind == PL_STOP_END && !l->picture && draw(sb, l, -1))
			return PL_EXIT_VMM_ERROR;
		if (l->svg && stop.kind == PL_STOP_END && write_picture(l))
			return PL_EXIT_VMM_ERROR;
		if (stop.kind == PL_STOP_END)
			break;
	}
	pl_sandbox_result(sb, res);
	return stop.exit_status;
}

void run_log_close(struct run_log *l)
{
	if (l->dirty)
		fclose(l->dirty);
	if (l->access)
		fclose(l->access);
	if (l->svg)
		fclose(l->svg);
	free(l->picture);
	free(l->gpas);
	free(l->acc);
	*l = (struct run_log){ 0 };
}
