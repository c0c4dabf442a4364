// SPDX-License-Identifier: MIT
/* Helpers the subcommands share: messages, sizes, finding the kernel. */
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pagelab/hostlib.h>

#include "cli.h"
#include "install-paths.h" /* generated: PL_INSTALLED_KERNEL */

void cli_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("pagelab: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_error_status(void)
{
	switch (pl_error_kind()) {
	case PL_ERR_HOST:
	case PL_ERR_FAULT:
		return PL_EXIT_VMM_ERROR;
	default:
		return PL_EXIT_USAGE;
	}
}

int cli_parse_memory(const char *arg, uint64_t *bytes)
{
	if (pl_parse_memory_size(arg, bytes) < 0) {
		cli_error("invalid memory size '%s' (MiB, or with a suffix: 256, 512M, 4G)", arg);
		return -1;
	}
	if (pl_memory_check(*bytes) < 0) {
		cli_error("%s", pl_error());
		return -1;
	}
	return 0;
}

/*
 * The kernel for a run without --kernel, in this order: $PAGELAB_KERNEL;
 * next to the binary (build/pagelab -> build/guest/kernel.elf,
 * build/asan/pagelab -> build/guest/kernel.elf, PREFIX/bin/pagelab ->
 * PREFIX/share/pagelab/kernel.elf, wherever the tree was copied); then
 * where `make install` put it for the PREFIX this binary was built for.
 */
int cli_find_kernel(char *buf, size_t len)
{
	if (cli_find_kernel_quiet(buf, len) == 0)
		return 0;
	cli_error("no guest kernel next to the pagelab binary nor at " PL_INSTALLED_KERNEL
		  ": build it with 'make', or use --kernel FILE or PAGELAB_KERNEL");
	return -1;
}

int cli_find_kernel_quiet(char *buf, size_t len)
{
	static const char *const rel[] = { "guest/kernel.elf", "../guest/kernel.elf",
					   "../share/pagelab/kernel.elf" };
	const char *env = getenv("PAGELAB_KERNEL");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && env[0]) {
		snprintf(buf, len, "%s", env);
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		const char *dir = dirname(exe); /* once: dirname cuts exe in place */

		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			snprintf(buf, len, "%s/%s", dir, rel[i]);
			if (access(buf, R_OK) == 0)
				return 0;
		}
	}
	snprintf(buf, len, "%s", PL_INSTALLED_KERNEL);
	return access(buf, R_OK) == 0 ? 0 : -1;
}
