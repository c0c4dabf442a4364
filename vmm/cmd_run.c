// SPDX-License-Identifier: MIT
/* pagelab run [options] [PROGRAM [ARGS...]] */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pagelab/hostlib.h>

#include "cli.h"
#include "gdbstub.h"
#include "initrd.h"
#include "run_log.h"
#include "run_opts.h"
#include "tcg.h"

/*
 * The program's environment: a fixed PATH and HOME (the guest's file
 * system is not the host's), and the host's TERM so that programs that
 * care about the terminal see the one the person uses.
 */
static void guest_environment(const char **envp, char *term, size_t size)
{
	const char *host_term = getenv("TERM");
	int n = 0;

	envp[n++] = "PATH=/usr/local/bin:/usr/bin:/bin";
	envp[n++] = "HOME=/";
	if (host_term) {
		snprintf(term, size, "TERM=%s", host_term);
		envp[n++] = term;
	}
	envp[n] = NULL;
}

static int run_tcg(const struct pl_config *cfg, const struct run_opts *o)
{
	struct tcg_params p = {
		.kernel = cfg->kernel,
		.memory = cfg->memory,
		.timeout_ms = cfg->timeout_ms,
		.bootargs = cfg->bootargs,
		.initrd = cfg->initramfs,
		.initrd_size = cfg->initramfs_size,
		.argv = cfg->argv,
		.envp = cfg->envp,
		.verbose = o->verbose,
		.stats = o->stats != STATS_NONE,
		.trace_fd = cfg->trace ? fileno(cfg->trace) : -1,
	};

	return tcg_run(&p);
}

/* --trap GPA:SIZE, each a trapped region of the new sandbox. */
static int add_traps(const struct run_opts *o, struct pl_sandbox *sb)
{
	for (unsigned i = 0; i < o->ntraps; i++)
		if (pl_sandbox_add_trap(sb, o->trap[i].gpa, o->trap[i].size, NULL, NULL))
			return -1;
	return 0;
}

/*
 * --stats, then where the time went: the VMM's set-up (from main until the
 * sandbox exists: arguments, the initramfs, guest RAM, the kernel's
 * loading, KVM's VM and vCPU), the guest's run, and within it the kernel's
 * boot (kmain to the first program's start, by the guest's TSC).
 */
static void print_phases(const struct pl_result *res, uint64_t created_ns)
{
	pl_result_print_stats(res, stderr);
	fprintf(stderr, "pagelab: stats: phases: vmm set-up %.3f ms, guest run %.3f ms",
		(created_ns - cli_start_ns) / 1e6, res->run_ns / 1e6);
	for (size_t i = 0; i < res->nevents; i++)
		if (res->events[i].kind == PL_EVENT_BOOT_NS)
			fprintf(stderr, ", kernel boot %.3f ms", res->events[i].value / 1e6);
	fputc('\n', stderr);
}

/* The run under KVM, through libpagelab: cfg is complete but for the log's descriptors. */
static int run_kvm(struct pl_config *cfg, const struct run_opts *o)
{
	struct pl_sandbox *sb;
	struct pl_result res;
	struct run_log log;
	struct run_log_opts lo = { .checkpoints = o->checkpoints,
				   .stop_on_fault = o->stop_on_fault,
				   .dirty_log = o->dirty_log,
				   .access_log = o->access_log,
				   .map_svg = o->map_svg,
				   .memory = o->memory };
	struct gdb_conn gdb;
	uint64_t created_ns;
	int status;

	if (o->gdb_port >= 0 && gdb_listen(&gdb, o->gdb_port))
		return PL_EXIT_USAGE;
	if (run_log_open(&log, &lo))
		return PL_EXIT_USAGE;
	cfg->write_fds = log.fds;
	cfg->nwrite_fds = log.nfds;
	sb = pl_sandbox_create(cfg);
	created_ns = cli_now_ns();
	if (!sb || add_traps(o, sb) || run_log_start(&log, sb)) {
		/* Refused traps are the user's input; a failed create says what it was. */
		status = sb ? PL_EXIT_USAGE : cli_error_status();
		cli_error("%s", pl_error());
		pl_sandbox_destroy(sb);
		run_log_close(&log);
		if (o->gdb_port >= 0)
			gdb_close(&gdb);
		return status;
	}
	/*
	 * A closed stdout (pagelab run ./yes | head -1) is the guest program's
	 * business: its write gets EPIPE and SIGPIPE, as natively, instead of
	 * the VMM dying mid-run.
	 */
	signal(SIGPIPE, SIG_IGN);
	if (o->gdb_port >= 0)
		status = gdb_serve(&gdb, sb, &res);
	else
		status = run_log_steps(&log, sb, &res);
	if (o->stats == STATS_JSON)
		pl_result_print_stats_json(&res, stderr);
	else if (o->stats)
		print_phases(&res, created_ns);
	pl_sandbox_destroy(sb);
	run_log_close(&log);
	return status;
}

static int run(const struct run_opts *o, const char *kernel, const struct initrd *rd,
	       enum accel accel)
{
	char guest_prog[PATH_MAX], term[256];
	const char **gargv = NULL, *genvp[4];
	struct pl_config cfg = {
		.memory = o->memory,
		.kernel = kernel,
		.bootargs = o->bootargs,
		.initramfs = rd->data,
		.initramfs_size = rd->size,
		.timeout_ms = o->timeout_ms,
		.verbose = o->verbose,
		.seccomp = o->seccomp,
		.user = o->user,
		.core_dir = o->core_dir,
		.rom = o->rom,
	};
	int status, n = 0;

	if (o->prog_argv) {
		while (o->prog_argv[n])
			n++;
		gargv = calloc(n + 1, sizeof(*gargv));
		if (!gargv)
			return PL_EXIT_VMM_ERROR;
		if (o->rd.prebuilt)
			snprintf(guest_prog, sizeof(guest_prog), "%s", o->prog_argv[0]);
		else
			initrd_guest_path(o->prog_argv[0], guest_prog, sizeof(guest_prog));
		gargv[0] = guest_prog;
		for (int i = 1; i < n; i++)
			gargv[i] = o->prog_argv[i];
		cfg.argv = gargv;
		guest_environment(genvp, term, sizeof(term));
		cfg.envp = genvp;
	}
	if (o->trace_output && !(cfg.trace = fopen(o->trace_output, "we"))) {
		cli_error("--trace-output: cannot write %s: %s", o->trace_output, strerror(errno));
		free(gargv);
		return PL_EXIT_USAGE;
	}
	/* Opened now: the confined run may only write to what is open already. */
	if (o->vga && !(cfg.vga_out = fopen(o->vga, "w"))) {
		cli_error("--vga %s: %s", o->vga, strerror(errno));
		status = PL_EXIT_USAGE;
	} else {
		status = accel == ACCEL_TCG ? run_tcg(&cfg, o) : run_kvm(&cfg, o);
	}
	free(gargv);
	if (cfg.trace && fclose(cfg.trace) && status == 0) {
		cli_error("--trace-output: cannot write %s: %s", o->trace_output, strerror(errno));
		status = PL_EXIT_VMM_ERROR;
	}
	if (cfg.vga_out && fclose(cfg.vga_out) && status == 0) {
		cli_error("--vga %s: %s", o->vga, strerror(errno));
		status = PL_EXIT_USAGE;
	}
	return status;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = { 0 };
	struct initrd rd;
	char kernel[PATH_MAX];
	enum accel accel;
	int r = run_opts_parse(&o, argc, argv);

	if (r)
		return r > 0 ? 0 : PL_EXIT_USAGE;
	if (accel_choose(o.accel, o.kvm_only, &accel))
		return PL_EXIT_USAGE;
	if (o.kernel)
		snprintf(kernel, sizeof(kernel), "%s", o.kernel);
	else if (cli_find_kernel(kernel, sizeof(kernel)))
		return PL_EXIT_USAGE;
	if (initrd_make(&o.rd, &rd))
		return PL_EXIT_USAGE;
	r = run(&o, kernel, &rd, accel);
	initrd_free(&rd);
	return r;
}
