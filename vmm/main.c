// SPDX-License-Identifier: MIT
/* pagelab: run a program in a KVM sandbox; a thin layer over libpagelab. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pagelab/hostlib.h>

#include "cli.h"

static void usage(FILE *f)
{
	fputs("usage: pagelab run [options] [PROGRAM [ARGS...]]   boot the sandbox, run PROGRAM\n"
	      "       pagelab info [-m SIZE]                      memory map and host KVM\n"
	      "       pagelab --help | --version\n"
	      "'pagelab run --help' lists the options of run.\n",
	      f);
}

uint64_t cli_start_ns;

uint64_t cli_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;

	cli_start_ns = cli_now_ns();
	/*
	 * Descriptors a parent left open are nothing the guest needs, and
	 * the VMM should not hold what it does not use.
	 */
	close_range(STDERR_FILENO + 1, ~0U, 0);
	if (!cmd) {
		usage(stderr);
		return PL_EXIT_USAGE;
	}
	if (!strcmp(cmd, "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(cmd, "info"))
		return cmd_info(argc - 1, argv + 1);
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version")) {
		printf("pagelab %s\n", PAGELAB_VERSION);
		return 0;
	}
	cli_error("unknown command '%s' (try: pagelab --help)", cmd);
	return PL_EXIT_USAGE;
}
